#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# What "make install" / "make uninstall" do after copying files, on the
# host itself (never under DESTDIR, where a package's own scripts do it):
#   install:   depmod; create the system group axvm; reload udev rules
#              and apply them to /dev/axvm if the module is loaded
#   uninstall: depmod (the group stays: groupdel axvm removes it)
#
#   post-install.sh install|uninstall KVER DESTDIR PREFIX
# (KVER empty: no module was installed, so no depmod)
set -u

action=$1 kver=$2 destdir=$3 prefix=$4

if [ -n "$destdir" ]; then
	echo "post-install: DESTDIR is set: skipped depmod, group creation and udev reload."
	echo "post-install: a package runs depmod${kver:+ $kver}, systemd-sysusers (or groupadd --system axvm) and udevadm control --reload in its own scripts."
	exit 0
fi

case $prefix in
/usr | /usr/local) ;;
*)	echo "post-install: note: udev, kmod and systemd-sysusers read $prefix/lib/{udev/rules.d,modprobe.d,sysusers.d} only for PREFIX /usr or /usr/local: copy those files to /etc yourself." ;;
esac

if [ -n "$kver" ] && [ -d "/lib/modules/$kver" ]; then
	depmod -a "$kver" || echo "post-install: depmod $kver failed" >&2
fi
[ "$action" = install ] || exit 0

if ! getent group axvm >/dev/null; then
	if groupadd --system axvm; then
		echo "post-install: created group axvm; add users with: usermod -aG axvm USER (they log in again)"
	else
		echo "post-install: could not create group axvm: /dev/axvm stays root-only" >&2
	fi
fi
if command -v udevadm >/dev/null && udevadm control --reload 2>/dev/null &&
   [ -e /dev/axvm ]; then
	udevadm trigger --action=change --subsystem-match=misc \
		--sysname-match=axvm 2>/dev/null || true
fi
exit 0
