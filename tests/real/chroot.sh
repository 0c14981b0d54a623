#!/usr/bin/env bash
# chroot.sh: make DIR a Debian bookworm tree with the multilib compilers, to
# stand in for $LFS in tests of the chroot and system stages. The archive's
# address comes from this machine's own apt sources. Idempotent: a complete
# tree (DIR/.mlfs-ready) is left as it is.
# Usage: tests/real/chroot.sh DIR
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: tests/real/chroot.sh DIR" >&2; exit 2; }
dir=$1
[ -f "$dir/.mlfs-ready" ] && exit 0
command -v debootstrap >/dev/null || {
	echo "chroot.sh: debootstrap is needed (scripts/deps.sh installs it)" >&2
	exit 1
}
uri=""
for f in /etc/apt/sources.list.d/*.sources; do
	[ -f "$f" ] || continue
	uri=$(awk '/^URIs:/ { print $2; exit }' "$f")
	[ -n "$uri" ] && break
done
if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
	uri=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) { print $i; exit } }' /etc/apt/sources.list)
fi
[ -n "$uri" ] || { echo "chroot.sh: no apt source found on this machine" >&2; exit 1; }
rm -rf "$dir"
mkdir -p "$dir"
echo "chroot.sh: debootstrap bookworm into $dir" >&2
debootstrap --variant=minbase --include=gcc-multilib,g++-multilib,make,file,patch \
	bookworm "$dir" "$uri" >"$dir.log" 2>&1 || { tail -n 20 "$dir.log" >&2; exit 1; }
touch "$dir/.mlfs-ready"
