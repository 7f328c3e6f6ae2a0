#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# axvm under DKMS (docs/admin.md, "Installing with DKMS").
#
#   axvm-dkms.sh src DIR          copy what DKMS builds from (dkms.conf,
#                                 Kbuild, Makefile, module/, arch/,
#                                 include/, tests/kunit/) to DIR
#   axvm-dkms.sh install [KVER]   src /usr/src/axvm-VERSION, then dkms
#                                 add, build, install (for KVER, default
#                                 the running kernel)
#   axvm-dkms.sh uninstall        dkms remove --all, then remove
#                                 /usr/src/axvm-VERSION
#
# Run from anywhere; it finds the sources next to itself. The version is
# the top Makefile's VERSION, which dkms.conf's PACKAGE_VERSION must
# repeat.
#
# For tests: AXVM_DKMS_SCRATCH=DIR keeps everything in DIR (DIR/src for
# /usr/src, DIR/dkms for /var/lib/dkms, DIR/modules for /lib/modules, no
# depmod); AXVM_DKMS_KDIR=DIR builds against the headers in DIR.
set -eu

TOP=$(cd "$(dirname "$0")/.." && pwd)
VERSION=$(sed -n 's/^VERSION := //p' "$TOP/Makefile")
NAME=axvm
SRCTREE=/usr/src
DKMS_TREES=
NO_DEPMOD=
if [ -n "${AXVM_DKMS_SCRATCH:-}" ]; then
	s=$AXVM_DKMS_SCRATCH
	SRCTREE=$s/src
	mkdir -p "$s/src" "$s/dkms" "$s/modules"
	DKMS_TREES="--dkmstree $s/dkms --sourcetree $s/src --installtree $s/modules"
	NO_DEPMOD=--no-depmod
fi
KSRC=
[ -n "${AXVM_DKMS_KDIR:-}" ] && KSRC="--kernelsourcedir $AXVM_DKMS_KDIR"

die() {
	echo "axvm-dkms: $*" >&2
	exit 1
}

check_version() {
	conf=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$TOP/dkms.conf")
	[ "$conf" = "$VERSION" ] ||
		die "dkms.conf says PACKAGE_VERSION=\"$conf\" but the Makefile says VERSION := $VERSION"
}

# src DIR: the sources a module build needs, and nothing built. Kbuild
# also builds the KUnit suites (a second module, which DKMS does not
# install) against a kernel with CONFIG_KUNIT, as some distributions'
# are, so tests/kunit comes along.
copy_src() {
	dst=$1
	check_version
	mkdir -p "$dst"
	cp "$TOP/dkms.conf" "$TOP/Kbuild" "$TOP/Makefile" "$dst/"
	(cd "$TOP" && find module arch include tests/kunit -type f \
		\( -name '*.c' -o -name '*.h' -o -name '*.S' \) \
		! -name '*.mod.c' ! -name '.*' -print) |
	while read -r f; do
		mkdir -p "$dst/$(dirname "$f")"
		cp "$TOP/$f" "$dst/$f"
	done
}

need_dkms() {
	command -v dkms >/dev/null ||
		die "dkms is not installed: sudo apt install dkms"
}

cmd=${1:-}
case $cmd in
src)
	[ $# -eq 2 ] || die "usage: $0 src DIR"
	copy_src "$2"
	;;
install)
	need_dkms
	kver=${2:-$(uname -r)}
	[ -n "$KSRC" ] || [ -e "/lib/modules/$kver/build" ] ||
		die "no headers for $kver: sudo apt install linux-headers-$kver"
	[ -z "${AXVM_DKMS_SCRATCH:-}" ] || mkdir -p "$s/modules/$kver"
	# A second install replaces the first (dkms add refuses a duplicate).
	if [ -n "$(dkms status $DKMS_TREES -m $NAME -v "$VERSION" 2>/dev/null)" ]; then
		dkms remove "$NAME/$VERSION" $DKMS_TREES --all $NO_DEPMOD
	fi
	rm -rf "$SRCTREE/$NAME-$VERSION"
	copy_src "$SRCTREE/$NAME-$VERSION"
	dkms add "$NAME/$VERSION" $DKMS_TREES
	dkms build "$NAME/$VERSION" $DKMS_TREES -k "$kver" $KSRC
	dkms install "$NAME/$VERSION" $DKMS_TREES -k "$kver" $KSRC $NO_DEPMOD
	echo "axvm-dkms: axvm $VERSION installed for $kver; DKMS rebuilds it for new kernels"
	;;
uninstall)
	need_dkms
	if [ -n "$(dkms status $DKMS_TREES -m $NAME -v "$VERSION" 2>/dev/null)" ]; then
		dkms remove "$NAME/$VERSION" $DKMS_TREES --all $NO_DEPMOD
	fi
	rm -rf "${SRCTREE:?}/$NAME-$VERSION"
	;;
*)
	die "usage: $0 src DIR | install [KVER] | uninstall"
	;;
esac
