#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Installing axvm, checked on the build machine without loading anything
# and without touching the system: everything goes to a scratch directory.
#
#   1. DKMS: dkms.conf, the source copy, then packaging/axvm-dkms.sh
#      install / uninstall (what make dkms-install runs: dkms add, build,
#      install, remove) in scratch DKMS, source and module trees against
#      Debian's headers, signed with a scratch MOK key the way DKMS signs
#      for Secure Boot.
#   2. modinfo of that module: version (= axvmctl --version), license,
#      author, description, vermagic, a description for every parameter.
#   3. make install DESTDIR=...: every file, its mode, nothing more; the
#      headers (<linux/axvm.h>, libaxvm's <axvm/axvm.h>) compile alone;
#      the example VMM builds against them and libaxvm.a; the man page
#      renders; a module for another kernel is refused; make uninstall
#      removes it all.
#   4. what make install runs on the host itself (depmod, groupadd, udev),
#      with stand-ins for those commands.
#
#   sh tests/install/install_test.sh        prints TAP; status 0 when all pass
#
# AXVM_KVER / AXVM_KDIR choose the kernel (default: the newest Debian 6.1
# headers installed); AXVM_BUILD where userspace is built.
set -u

TOP=$(cd "$(dirname "$0")/../.." && pwd)
KVER=${AXVM_KVER:-$(ls -d /usr/src/linux-headers-6.1.0-*-amd64 2>/dev/null |
	sort -V | tail -n 1 | sed 's|.*/linux-headers-||')}
KDIR=${AXVM_KDIR:-/usr/src/linux-headers-$KVER}
VERSION=$(sed -n 's/^VERSION := //p' "$TOP/Makefile")
PREFIX=/usr/local
MODINFO=/sbin/modinfo

tmp=$(mktemp -d /tmp/axvm-install.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
LOG=$tmp/log
n=0
failed=0

# ---- TAP

ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}

not_ok() {		# not_ok DESC [FILE]: FILE's last lines as diagnostics
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
	[ -n "${2:-}" ] && [ -f "$2" ] && tail -n 25 "$2" | sed 's/^/#   /'
	return 0
}

skip() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}

# check DESC CMD...: ok when CMD succeeds; its output goes to $LOG.
check() {
	desc=$1
	shift
	if "$@" >"$LOG" 2>&1; then
		ok "$desc"
	else
		not_ok "$desc" "$LOG"
	fi
}

# expect DESC GOT WANT
expect() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1 (got \"$2\", want \"$3\")"
	fi
}

# The module's parameters, from the sources.
params() {
	cat "$TOP"/module/*.c "$TOP"/module/devices/*.c "$TOP"/arch/x86/*.c \
	    "$TOP"/arch/x86/svm/*.c 2>/dev/null |
		sed -n 's/^module_param(\([a-z0-9_]*\),.*/\1/p'
}

if ! [ -d "$KDIR" ]; then
	echo "1..0 # SKIP no kernel headers at $KDIR"
	exit 0
fi

# ---- 1. DKMS, in scratch trees

# packaging/axvm-dkms.sh, which "make dkms-install" runs, with its trees
# moved under $tmp/scratch (AXVM_DKMS_SCRATCH): the same dkms add, build
# and install an admin gets, minus depmod.
SCRATCH=$tmp/scratch
SRC=$SCRATCH/src
DKMSTREE=$SCRATCH/dkms
MODTREE=$SCRATCH/modules
mkdir -p "$tmp/keys"
# DKMS reads these from the environment when /etc/dkms/framework.conf
# leaves them unset: its MOK key pair then goes here, not /var/lib/dkms.
export mok_signing_key="$tmp/keys/mok.key" mok_certificate="$tmp/keys/mok.pub"
dkms_sh() {
	AXVM_DKMS_SCRATCH=$SCRATCH AXVM_DKMS_KDIR=$KDIR \
		sh "$TOP/packaging/axvm-dkms.sh" "$@"
}

conf_ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$TOP/dkms.conf")
expect "dkms.conf: PACKAGE_VERSION is the Makefile's VERSION" \
	"$conf_ver" "$VERSION"

check "axvm-dkms.sh src: copies the sources DKMS builds from" \
	sh "$TOP/packaging/axvm-dkms.sh" src "$tmp/srccopy"
built=$(find "$tmp/srccopy" \( -name '*.o' -o -name '*.ko' -o -name '.*.cmd' \) | head -3)
missing=
for f in dkms.conf Kbuild Makefile module/main.c arch/x86/svm/svm.c \
	 include/uapi/linux/axvm.h; do
	[ -f "$tmp/srccopy/$f" ] || missing="$missing $f"
done
expect "axvm-dkms.sh src: dkms.conf, Kbuild, Makefile, sources; no build products" \
	"${missing}${built}" ""

KO=
if ! command -v dkms >/dev/null; then
	skip "DKMS add, build, install, remove" "dkms is not installed"
# dkms install runs modprobe when the host's DKMS is configured to
# (modprobe_on_install): never here.
elif grep -qs '^[[:space:]]*modprobe_on_install=..*' \
	/etc/dkms/framework.conf /etc/dkms/framework.conf.d/*.conf; then
	skip "DKMS add, build, install, remove" \
		"this host's DKMS is set to modprobe_on_install"
else
	if dkms_sh install "$KVER" >"$LOG" 2>&1; then
		ok "axvm-dkms.sh install $KVER: dkms add, build, install"
	else
		not_ok "axvm-dkms.sh install $KVER: dkms add, build, install" "$LOG"
		l=$DKMSTREE/axvm/$VERSION/build/make.log
		[ -f "$l" ] && tail -n 40 "$l" | sed 's/^/#   /'
	fi
	[ -f "$SRC/axvm-$VERSION/dkms.conf" ] &&
		ok "axvm-dkms.sh install: sources in /usr/src/axvm-$VERSION" ||
		not_ok "axvm-dkms.sh install: sources in /usr/src/axvm-$VERSION"
	status=$(dkms status --dkmstree "$DKMSTREE" --installtree "$MODTREE" \
		-m axvm -v "$VERSION" -k "$KVER" 2>/dev/null)
	case $status in
	*": installed"*) ok "dkms status: installed ($status)" ;;
	*) not_ok "dkms status: installed (got \"$status\")" ;;
	esac
	inst=$MODTREE/$KVER/updates/dkms/axvm.ko
	[ -f "$inst" ] &&
		ok "dkms install: /lib/modules/$KVER/updates/dkms/axvm.ko" ||
		not_ok "dkms install: /lib/modules/$KVER/updates/dkms/axvm.ko"
	[ -f "$inst" ] && cp "$inst" "$tmp/axvm.ko" && KO=$tmp/axvm.ko

	# Signed the way a Secure Boot host needs: with DKMS's own MOK key,
	# the certificate an admin enrols with mokutil --import.
	if [ -n "$KO" ] && [ -f "$tmp/keys/mok.pub" ]; then
		subj=$(openssl x509 -inform DER -in "$tmp/keys/mok.pub" \
			-noout -subject 2>&1)
		signer=$($MODINFO -F signer "$KO")
		case $subj in
		*"CN = $signer") ok "dkms build signs axvm.ko with DKMS's MOK key (signer: $signer)" ;;
		*) not_ok "dkms build signs axvm.ko with DKMS's MOK key (signer \"$signer\", key $subj)" ;;
		esac
	else
		not_ok "dkms build signs axvm.ko with DKMS's MOK key (no module or no key pair)"
	fi

	check "axvm-dkms.sh uninstall: dkms remove --all" dkms_sh uninstall
	left=$(find "$SCRATCH" -type f | head -3)
	expect "axvm-dkms.sh uninstall: nothing left in the DKMS, module and source trees" \
		"$left" ""
fi

# ---- 2. modinfo

if [ -z "$KO" ]; then
	not_ok "modinfo: no module was built by DKMS"
else
	expect "modinfo: version is the Makefile's VERSION" \
		"$($MODINFO -F version "$KO")" "$VERSION"
	expect "modinfo: license GPL" "$($MODINFO -F license "$KO")" "GPL"
	[ -n "$($MODINFO -F author "$KO")" ] &&
		ok "modinfo: author ($($MODINFO -F author "$KO"))" ||
		not_ok "modinfo: author is empty"
	[ -n "$($MODINFO -F description "$KO")" ] &&
		ok "modinfo: description" ||
		not_ok "modinfo: description is empty"
	expect "modinfo: vermagic is for $KVER" \
		"$($MODINFO -F vermagic "$KO" | cut -d' ' -f1)" "$KVER"
	$MODINFO -F parm "$KO" >"$tmp/parms"
	for p in $(params); do
		# "name:description (type)"; no description gives "name: (type)"
		# or no line at all.
		desc=$(sed -n "s/^$p:\(.*\) ([a-z]*)\$/\1/p" "$tmp/parms")
		if [ -n "$desc" ]; then
			ok "modinfo: parameter $p is explained ($desc)"
		else
			not_ok "modinfo: parameter $p has no MODULE_PARM_DESC"
		fi
	done
	expect "modinfo: as many parameters as module_param() lines" \
		"$(wc -l <"$tmp/parms")" "$(params | wc -l)"
fi

# check.py's AXVM_BUILD, if any, is where userspace is built.
BUILD=${AXVM_BUILD:-$TOP/build}
make -s -C "$TOP" tools BUILD="$BUILD" >"$LOG" 2>&1 || not_ok "make tools" "$LOG"
ctl=$("$BUILD/user/axvmctl" --version 2>&1)
expect "axvmctl --version prints the module's version" \
	"$(echo "$ctl" | cut -d' ' -f2)" "$VERSION"

# ---- 3. make install / uninstall

ROOT=$tmp/root
EXPECTED="0644 /lib/modules/$KVER/updates/axvm.ko
0755 $PREFIX/sbin/axvmctl
0644 $PREFIX/include/linux/axvm.h
0644 $PREFIX/include/axvm/axvm.h
0644 $PREFIX/lib/libaxvm.a
0644 $PREFIX/share/man/man8/axvmctl.8
0644 $PREFIX/share/bash-completion/completions/axvmctl
0644 $PREFIX/lib/udev/rules.d/99-axvm.rules
0644 $PREFIX/lib/modprobe.d/axvm.conf
0644 $PREFIX/lib/sysusers.d/axvm.conf
0644 $PREFIX/share/doc/axvm/examples/axvm-vmm.c"
for d in admin.md vmm-guide.md api.md axvmctl.md; do
	[ -f "$TOP/docs/$d" ] &&
		EXPECTED="$EXPECTED
0644 $PREFIX/share/doc/axvm/$d"
done

if [ -z "$KO" ]; then
	not_ok "make install: no module to install"
else
	check "make install DESTDIR=... KDIR=$KDIR" \
		make -C "$TOP" install BUILD="$BUILD" DESTDIR="$ROOT" KDIR="$KDIR" \
		INSTALL_KO="$KO"
	grep -q "DESTDIR is set: skipped depmod" "$LOG" &&
		ok "make install: says it skipped depmod, groupadd, udev under DESTDIR" ||
		not_ok "make install: says it skipped depmod, groupadd, udev under DESTDIR" "$LOG"
	while read -r mode f; do
		if ! [ -f "$ROOT$f" ]; then
			not_ok "make install: $f is missing"
			continue
		fi
		got=$(stat -c %a "$ROOT$f")
		expect "make install: $f, mode $mode" "0$got" "$mode"
	done <<-EOF
	$EXPECTED
	EOF
	got=$(cd "$ROOT" 2>/dev/null && find . -type f | sed 's/^\.//' | sort)
	want=$(echo "$EXPECTED" | cut -d' ' -f2 | sort)
	expect "make install: nothing else installed" "$got" "$want"
	cmp -s "$ROOT/lib/modules/$KVER/updates/axvm.ko" "$KO" &&
		ok "make install: the module installed is the one given" ||
		not_ok "make install: the module installed is the one given"

	inc=$ROOT$PREFIX/include
	lib=$ROOT$PREFIX/lib
	# Each header alone (the first build also links with libaxvm.a).
	printf '#include <linux/axvm.h>\nint main(void) { return AXVM_API_VERSION != 1; }\n' >"$tmp/linux.c"
	printf '#include <axvm/axvm.h>\nint main(void) { return axvm_open() < 0; }\n' >"$tmp/axvm.c"
	for h in linux axvm; do
		check "<$h/axvm.h> installed compiles alone (C11, -Wall -Wextra -Wpedantic -Werror)" \
			gcc -std=c11 -Wall -Wextra -Wpedantic -Werror -I"$inc" \
			-o "$tmp/$h" "$tmp/$h.c" -L"$lib" -laxvm
		check "<$h/axvm.h> installed compiles alone, 32-bit" \
			gcc -m32 -std=c11 -Wall -Wextra -Werror -I"$inc" \
			-fsyntax-only "$tmp/$h.c"
		check "<$h/axvm.h> installed compiles alone as C++" \
			g++ -x c++ -Wall -Wextra -Werror -I"$inc" -fsyntax-only \
			"$tmp/$h.c"
	done
	check "the installed example VMM builds against the installed headers and libaxvm.a" \
		gcc -O2 -Wall -Wextra -Werror -I"$inc" -o "$tmp/axvm-vmm" \
		"$ROOT$PREFIX/share/doc/axvm/examples/axvm-vmm.c" -L"$lib" -laxvm
	check "axvmctl.8 renders without warnings" \
		sh -c "groff -man -ww -z '$ROOT$PREFIX/share/man/man8/axvmctl.8' 2>&1 | grep . && exit 1 || exit 0"
	grep -qs '^KERNEL=="axvm", SUBSYSTEM=="misc", GROUP="axvm", MODE="0660"$' \
		"$ROOT$PREFIX/lib/udev/rules.d/99-axvm.rules" &&
		ok "udev rule: /dev/axvm to group axvm, mode 0660" ||
		not_ok "udev rule: /dev/axvm to group axvm, mode 0660"
	for p in $(params); do
		grep -qs "^#options axvm $p=" "$ROOT$PREFIX/lib/modprobe.d/axvm.conf" &&
			ok "modprobe.d/axvm.conf documents $p" ||
			not_ok "modprobe.d/axvm.conf documents $p"
	done
	grep -qs '^g axvm ' "$ROOT$PREFIX/lib/sysusers.d/axvm.conf" &&
		ok "sysusers.d/axvm.conf creates group axvm" ||
		not_ok "sysusers.d/axvm.conf creates group axvm"

	# A module built for another kernel is refused.
	mkdir -p "$tmp/otherk/include/generated"
	echo '#define UTS_RELEASE "0.0.0-other"' \
		>"$tmp/otherk/include/generated/utsrelease.h"
	if make -C "$TOP" install BUILD="$BUILD" DESTDIR="$tmp/root2" KDIR="$tmp/otherk" \
		INSTALL_KO="$KO" >"$LOG" 2>&1; then
		not_ok "make install refuses a module built for another kernel" "$LOG"
	else
		grep -q "is built for kernel $KVER, not 0.0.0-other" "$LOG" &&
			ok "make install refuses a module built for another kernel" ||
			not_ok "make install refuses a module built for another kernel (message)" "$LOG"
	fi
	[ -e "$tmp/root2" ] &&
		not_ok "a refused make install installs nothing" ||
		ok "a refused make install installs nothing"

	# The DKMS route installs everything but the module this way.
	check "make install WITH_MODULE=no (what dkms-install adds to DKMS)" \
		make -C "$TOP" install BUILD="$BUILD" DESTDIR="$tmp/root3" WITH_MODULE=no
	got=$(cd "$tmp/root3" 2>/dev/null && find . -type f | sed 's/^\.//' | sort)
	want=$(echo "$EXPECTED" | cut -d' ' -f2 | grep -v '^/lib/modules/' | sort)
	expect "make install WITH_MODULE=no: all but the module" "$got" "$want"

	check "make uninstall DESTDIR=..." \
		make -C "$TOP" uninstall DESTDIR="$ROOT" KDIR="$KDIR"
	left=$(find "$ROOT" -type f 2>/dev/null)
	expect "make uninstall: no file left" "$left" ""
fi

# ---- 4. what make install does on the host itself, with the commands it
# runs replaced by stand-ins that only record their arguments

SHIM=$tmp/shim
mkdir -p "$SHIM"
for c in depmod groupadd udevadm getent; do
	printf '#!/bin/sh\necho "%s $*" >>"%s"\n%s\n' "$c" "$tmp/calls" \
		"$( [ $c = getent ] && echo 'exit ${GETENT_RC:-2}' || echo 'exit 0')" \
		>"$SHIM/$c"
	chmod +x "$SHIM/$c"
done
# post ARGS...: run post-install.sh with the stand-ins; prints the calls.
# GETENT_RC=0 makes the group exist. Never the real commands here.
post() {
	: >"$tmp/calls"
	for c in depmod groupadd udevadm getent; do
		[ -x "$SHIM/$c" ] || return 1
	done
	PATH="$SHIM:$PATH" GETENT_RC=${GETENT_RC:-2} \
		sh "$TOP/packaging/post-install.sh" "$@" >"$LOG" 2>&1
	grep -v '^getent' "$tmp/calls" | tr '\n' ';'
}
expect "post-install: depmod, groupadd --system axvm, udev reload" \
	"$(post install "$KVER" "" /usr/local)" \
	"depmod -a $KVER;groupadd --system axvm;udevadm control --reload;"
expect "post-install: an existing group axvm is kept" \
	"$(GETENT_RC=0 post install "$KVER" "" /usr/local)" \
	"depmod -a $KVER;udevadm control --reload;"
expect "post-install: no module installed (WITH_MODULE=no), no depmod" \
	"$(GETENT_RC=0 post install "" "" /usr/local)" \
	"udevadm control --reload;"
expect "post-uninstall: depmod; the group stays" \
	"$(post uninstall "$KVER" "" /usr/local)" "depmod -a $KVER;"
expect "post-install under DESTDIR: nothing run" \
	"$(post install "$KVER" "$tmp/root" /usr/local)" ""
post install "$KVER" "" /opt/axvm >/dev/null
grep -q "only for PREFIX /usr or /usr/local" "$LOG" &&
	ok "post-install: warns that PREFIX /opt/axvm is not read by udev, kmod" ||
	not_ok "post-install: warns that PREFIX /opt/axvm is not read by udev, kmod" "$LOG"

echo "1..$n"
[ $failed -eq 0 ]
