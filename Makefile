# SPDX-License-Identifier: GPL-2.0
# How to build axvm. What to build is in Kbuild.
#
#   make                 the module (for the running kernel) and axvmctl
#   make check           every test tier, inside QEMU; never loads anything here
#   make demo            boot a QEMU test host and run a VM in it
#   make W=1 C=1         extra warnings / sparse, passed to kbuild
#   make checkpatch      kernel style check of our sources

KDIR ?= /lib/modules/$(shell uname -r)/build
VERSION := 0.1.0
CC ?= gcc

export AXVM_VERSION := $(VERSION)

USER_CFLAGS := -O2 -g -Wall -Wextra -Werror -Iinclude/uapi \
	       -DAXVM_VERSION='"$(VERSION)"'

.PHONY: all module tools guests user clean check demo bench checkpatch kunit integration

all: module tools

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) KCFLAGS='-DAXVM_VERSION=\"$(VERSION)\"' modules

tools:
	$(MAKE) -C tools/axvmctl

guests:
	$(MAKE) -C tests/guests OUT=$(CURDIR)/build/user/guests

# Userspace test programs, 64- and 32-bit (the compat ioctl path), static
# so the busybox test host needs no libraries.
INTEG := $(patsubst tests/integration/%.c,%,$(wildcard tests/integration/*.c))
UBIN := build/user/tests
user: tools guests $(foreach t,$(INTEG),$(UBIN)/$(t) $(UBIN)/$(t)32)

$(UBIN)/%: tests/integration/%.c tests/integration/tap.h include/uapi/linux/axvm.h
	@mkdir -p $(UBIN)
	$(CC) $(USER_CFLAGS) -static -o $@ $<

$(UBIN)/%32: tests/integration/%.c tests/integration/tap.h include/uapi/linux/axvm.h
	@mkdir -p $(UBIN)
	$(CC) $(USER_CFLAGS) -m32 -static -o $@ $<

check:
	python3 scripts/check.py

# One tier at a time, for development.
kunit:
	python3 scripts/check.py --only kunit

integration:
	python3 scripts/check.py --only integration

demo:
	python3 scripts/check.py --demo

bench:
	python3 scripts/check.py --bench

# kunit_export.h defines the export macro itself, which checkpatch
# cannot tell from a misplaced EXPORT_SYMBOL.
CHECKPATCH ?= $(KDIR)/scripts/checkpatch.pl
CHECKPATCH_FILES = $(filter-out module/kunit_export.h,$(wildcard \
	module/*.[ch] module/devices/*.[ch] arch/x86/*.[ch] arch/x86/svm/*.[ch] \
	include/uapi/linux/*.h tests/kunit/*.[ch] tests/selftest/*.c))
checkpatch:
	$(CHECKPATCH) --no-tree --quiet --show-types \
		--ignore SPDX_LICENSE_TAG,FILE_PATH_CHANGES,LINUX_VERSION_CODE \
		-f $(CHECKPATCH_FILES)

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null || true
	rm -rf build
