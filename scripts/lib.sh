# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the axvm scripts. Source it; do not run it.

log() { echo "axvm: $*" >&2; }
die() { echo "axvm: error: $*" >&2; exit 1; }

# The newest Debian 6.1 kernel ABI whose headers are installed.
debian_kabi() {
	local d
	d=$(ls -d /usr/src/linux-headers-6.1.0-*-amd64 2>/dev/null |
	    sort -t- -k4 -n | tail -1)
	[ -n "$d" ] || return 1
	basename "$d" | sed 's/^linux-headers-//'
}

# Where cached artefacts (the test kernel, initramfs pieces) live.
AXVM_CACHE=${AXVM_CACHE:-/var/cache/axvm}
