# SPDX-License-Identifier: GPL-2.0
# How to build axvm. What to build is in Kbuild.
#
#   make                 the module (for the running kernel) and axvmctl
#   make check           every test tier, inside QEMU; never loads anything here
#   make kunit           one tier, the development loop (see below)
#   make integration     [KERNEL=stock|debug] the same
#   make demo            boot a QEMU test host and run a VM in it
#   make bench           KVM and axvm side by side; make bench-smoke: a short run
#   make layering        the layering check alone
#   make kvm-unit-tests KUT=DIR [KUT_ARGS=...]  issue 13's table (docs/kvm-unit-tests.md)
#   make W=1 C=1         extra warnings / sparse, passed to kbuild
#   make checkpatch      kernel style check of our sources

KDIR ?= /lib/modules/$(shell uname -r)/build
# Where userspace builds go (scripts/check.py passes its own).
BUILD ?= $(CURDIR)/build
VERSION := 0.1.0
CC ?= gcc

export AXVM_VERSION := $(VERSION)

USER_CFLAGS := -O2 -g -Wall -Wextra -Werror -Iinclude/uapi -Itools/lib \
	       -DAXVM_VERSION='"$(VERSION)"'

# libaxvm (tools/lib/axvm), what every VM here is built with: 64-bit for
# axvmctl, axrun, the example VMM, the test programs and make install;
# 32-bit for the -m32 test programs. Its own Makefile knows whether it
# is up to date, so what links it is relinked only when it changed.
LIBAXVM := $(BUILD)/lib/libaxvm.a
LIBAXVM32 := $(BUILD)/lib32/libaxvm.a

.PHONY: all module tools guests user clean check demo bench bench-smoke \
	checkpatch kunit integration layering kvm-unit-tests

all: module tools

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) KCFLAGS='-DAXVM_VERSION=\"$(VERSION)\"' modules

tools: $(LIBAXVM)
	$(MAKE) -C tools/axvmctl OUT=$(BUILD)/user OBJ=$(BUILD)/axvmctl \
		LIBAXVM_OUT=$(BUILD)/lib

guests: $(LIBAXVM)
	$(MAKE) -C tests/guests OUT=$(BUILD)/user/guests LIBAXVM_OUT=$(BUILD)/lib

.PHONY: lib FORCE
lib: $(LIBAXVM) $(LIBAXVM32)

$(LIBAXVM): FORCE
	$(MAKE) -C tools/lib/axvm OUT=$(@D)

$(LIBAXVM32): FORCE
	$(MAKE) -C tools/lib/axvm OUT=$(@D) ABI=-m32

# Userspace test programs, 64- and 32-bit (the compat ioctl path), static
# so the busybox test host needs no libraries.
INTEG := $(patsubst tests/integration/%.c,%,$(wildcard tests/integration/*.c))
UBIN := $(BUILD)/user/tests
user: tools guests examples $(foreach t,$(INTEG),$(UBIN)/$(t) $(UBIN)/$(t)32)
	install -m 0755 tests/cli/cli_test.sh $(UBIN)/cli_test
	install -m 0755 tests/install/vmm_example.tap.sh $(UBIN)/vmm_example
	install -m 0755 tests/guests/run-guests.sh $(BUILD)/user/guests/run-guests.sh
	printf '#!/bin/sh\nG=$$(dirname "$$0")/../guests\nexec sh $$G/run-guests.sh $$G $$G/axrun\n' > $(UBIN)/guests_test
	chmod 0755 $(UBIN)/guests_test

USER_HDRS := tests/integration/tap.h include/uapi/linux/axvm.h \
	     tools/lib/axvm/axvm.h

$(UBIN)/%: tests/integration/%.c $(USER_HDRS) $(LIBAXVM)
	@mkdir -p $(UBIN)
	$(CC) $(USER_CFLAGS) -static -o $@ $< $(LIBAXVM)

$(UBIN)/%32: tests/integration/%.c $(USER_HDRS) $(LIBAXVM32)
	@mkdir -p $(UBIN)
	$(CC) $(USER_CFLAGS) -m32 -static -o $@ $< $(LIBAXVM32)

check:
	python3 scripts/check.py

# One tier at a time, the development loop: only what the tier boots is
# built, and incrementally; no sparse, checkpatch, layering check or host
# tier (make check has them). KERNEL=stock|debug: one kernel only.
kunit:
	python3 scripts/check.py --only kunit

integration:
	python3 scripts/check.py --only integration $(if $(KERNEL),--kernel $(KERNEL))

demo:
	python3 scripts/demo.py

bench:
	python3 scripts/bench.py

# Each benchmark workload a few hundred iterations per side, judged.
bench-smoke:
	python3 scripts/bench.py --smoke

# kvm-unit-tests built elsewhere (KUT=DIR), under QEMU TCG and on axvm in
# a QEMU test host; not in make check, which cannot fetch it.
kvm-unit-tests:
	@test -n "$(KUT)" || { echo "make kvm-unit-tests KUT=/path/to/built/kvm-unit-tests (docs/kvm-unit-tests.md)" >&2; exit 2; }
	python3 scripts/kvm_unit_tests.py --kut $(KUT) $(KUT_ARGS)

# Which part may use which (scripts/layering.py, scripts/layering.known).
layering:
	python3 scripts/layering.py --build

# kunit_export.h defines the export macro itself, which checkpatch
# cannot tell from a misplaced EXPORT_SYMBOL; ops_gen.h holds the
# X-macro expansions, which checkpatch cannot read.
CHECKPATCH ?= $(KDIR)/scripts/checkpatch.pl
CHECKPATCH_FILES = $(filter-out module/api/kunit_export.h module/api/ops_gen.h,$(wildcard \
	module/*.[ch] module/api/*.[ch] module/devices/*.[ch] arch/x86/*.[ch] arch/x86/svm/*.[ch] \
	include/uapi/linux/*.h include/axvm/*.h tests/kunit/*.[ch] tests/selftest/*.c \
	tests/fpu_noise/*.c))
checkpatch:
	$(CHECKPATCH) --no-tree --quiet --show-types \
		--ignore SPDX_LICENSE_TAG,FILE_PATH_CHANGES,LINUX_VERSION_CODE \
		-f $(CHECKPATCH_FILES)

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null || true
	rm -rf build

# ---- On a real host (docs/admin.md) and for VMM authors (docs/vmm-guide.md)
#
#   make install [DESTDIR=] [PREFIX=/usr/local] [KDIR=] [WITH_MODULE=no]
#   make uninstall [the same]
#   make dkms-install [DKMS_KVER=`uname -r`]   the module through DKMS
#                                  (/usr/src/axvm-VERSION), the rest as install
#   make dkms-uninstall
#   make examples                  the example VMM: $(BUILD)/user/examples/axvm-vmm
#
# install copies what `make` built: the module to /lib/modules/KVER/updates
# (KVER: the kernel KDIR's headers are for; INSTALL_KO= names another
# build; WITH_MODULE=no skips it), axvmctl to PREFIX/sbin, <linux/axvm.h>
# and libaxvm's <axvm/axvm.h> to PREFIX/include, libaxvm.a to PREFIX/lib,
# the man page, bash completion, docs and the example's source under
# PREFIX/share, the udev rule and the modprobe.d and sysusers.d files
# under PREFIX/lib (udev, kmod and systemd read those for PREFIX /usr
# and /usr/local). Without DESTDIR it then runs depmod, creates group
# axvm and reloads udev (packaging/post-install.sh); with DESTDIR it
# leaves that to the package's scripts.
.PHONY: install uninstall dkms-install dkms-uninstall examples

PREFIX ?= /usr/local
WITH_MODULE ?= yes
# The release vermagic and /lib/modules use is UTS_RELEASE: Debian's
# include/config/kernel.release says 6.1.N where the kernel is 6.1.0-N-amd64.
KVER = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' \
	 $(KDIR)/include/generated/utsrelease.h 2>/dev/null)
INSTALL_KO ?= axvm.ko
MODULEDIR = /lib/modules/$(KVER)/updates
UDEVRULESDIR ?= $(PREFIX)/lib/udev/rules.d
MODPROBEDIR ?= $(PREFIX)/lib/modprobe.d
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
DOCDIR ?= $(PREFIX)/share/doc/axvm
INSTALL_DOCS = $(wildcard docs/admin.md docs/vmm-guide.md docs/api.md \
			  docs/axvmctl.md)
MODINFO ?= /sbin/modinfo
NEED_KVER = @test -n "$(KVER)" || { echo "$@: no kernel headers at \
KDIR=$(KDIR) (include/generated/utsrelease.h): set KDIR" >&2; exit 1; }

install:
ifneq ($(WITH_MODULE),no)
	$(NEED_KVER)
	@test -f $(INSTALL_KO) || { echo "install: $(INSTALL_KO) is missing: run 'make' first" >&2; exit 1; }
	@v=$$($(MODINFO) -F vermagic $(INSTALL_KO) | cut -d' ' -f1); \
	 test "$$v" = "$(KVER)" || { echo "install: $(INSTALL_KO) is built for kernel $$v, not $(KVER) (KDIR=$(KDIR))" >&2; exit 1; }
endif
	@test -x $(BUILD)/user/axvmctl || { echo "install: $(BUILD)/user/axvmctl is missing: run 'make' first" >&2; exit 1; }
	@test -f $(LIBAXVM) || { echo "install: $(LIBAXVM) is missing: run 'make' first" >&2; exit 1; }
ifneq ($(WITH_MODULE),no)
	install -D -m 0644 $(INSTALL_KO) $(DESTDIR)$(MODULEDIR)/axvm.ko
endif
	install -D -m 0755 $(BUILD)/user/axvmctl $(DESTDIR)$(PREFIX)/sbin/axvmctl
	install -D -m 0644 include/uapi/linux/axvm.h $(DESTDIR)$(PREFIX)/include/linux/axvm.h
	install -D -m 0644 tools/lib/axvm/axvm.h $(DESTDIR)$(PREFIX)/include/axvm/axvm.h
	install -D -m 0644 $(LIBAXVM) $(DESTDIR)$(PREFIX)/lib/libaxvm.a
	install -D -m 0644 docs/axvmctl.8 $(DESTDIR)$(PREFIX)/share/man/man8/axvmctl.8
	install -D -m 0644 tools/axvmctl/axvmctl.bash-completion \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/axvmctl
	install -D -m 0644 packaging/99-axvm.rules $(DESTDIR)$(UDEVRULESDIR)/99-axvm.rules
	install -D -m 0644 packaging/modprobe.d/axvm.conf $(DESTDIR)$(MODPROBEDIR)/axvm.conf
	install -D -m 0644 packaging/sysusers.d/axvm.conf $(DESTDIR)$(SYSUSERSDIR)/axvm.conf
	install -d -m 0755 $(DESTDIR)$(DOCDIR)/examples
	install -m 0644 $(INSTALL_DOCS) $(DESTDIR)$(DOCDIR)/
	install -m 0644 examples/vmm/axvm-vmm.c $(DESTDIR)$(DOCDIR)/examples/
	@sh packaging/post-install.sh install "$(if $(filter no,$(WITH_MODULE)),,$(KVER))" \
		"$(DESTDIR)" "$(PREFIX)"

uninstall:
ifneq ($(WITH_MODULE),no)
	$(NEED_KVER)
	rm -f $(DESTDIR)$(MODULEDIR)/axvm.ko
endif
	rm -f $(DESTDIR)$(PREFIX)/sbin/axvmctl \
		$(DESTDIR)$(PREFIX)/include/linux/axvm.h \
		$(DESTDIR)$(PREFIX)/include/axvm/axvm.h \
		$(DESTDIR)$(PREFIX)/lib/libaxvm.a \
		$(DESTDIR)$(PREFIX)/share/man/man8/axvmctl.8 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/axvmctl \
		$(DESTDIR)$(UDEVRULESDIR)/99-axvm.rules \
		$(DESTDIR)$(MODPROBEDIR)/axvm.conf \
		$(DESTDIR)$(SYSUSERSDIR)/axvm.conf \
		$(DESTDIR)$(DOCDIR)/examples/axvm-vmm.c \
		$(addprefix $(DESTDIR)$(DOCDIR)/,$(notdir $(INSTALL_DOCS)))
	rmdir $(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(DOCDIR) 2>/dev/null || true
	rmdir $(DESTDIR)$(PREFIX)/include/axvm 2>/dev/null || true
	@sh packaging/post-install.sh uninstall "$(if $(filter no,$(WITH_MODULE)),,$(KVER))" \
		"$(DESTDIR)" "$(PREFIX)"

DKMS_KVER ?= $(shell uname -r)
dkms-install:
	@test -x $(BUILD)/user/axvmctl || { echo "$@: $(BUILD)/user/axvmctl is missing: run 'make tools' first" >&2; exit 1; }
	sh packaging/axvm-dkms.sh install $(DKMS_KVER)
	$(MAKE) install WITH_MODULE=no

dkms-uninstall:
	sh packaging/axvm-dkms.sh uninstall
	$(MAKE) uninstall WITH_MODULE=no

# Static, like the test programs, so it runs in the busybox test host.
examples: $(BUILD)/user/examples/axvm-vmm

$(BUILD)/user/examples/axvm-vmm: examples/vmm/axvm-vmm.c \
		include/uapi/linux/axvm.h tools/lib/axvm/axvm.h $(LIBAXVM)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -static -o $@ $< $(LIBAXVM)
