#!/usr/bin/env bash
# The files of the QEMU guest that runs programs this machine's kernel cannot
# (x32; see orchestrator/guest.h): Debian's kernel (CONFIG_X86_X32_ABI=y, on
# when booted with syscall.x32=y), its modules for 9p over virtio, and a static
# busybox. They are extracted from Debian's packages, not installed: the
# busybox-static package would replace the busybox package.
# Usage: scripts/guest.sh [DIR]   (default $MLFS_GUEST_DIR or /var/lib/mlfs/guest)
# Quick when DIR is complete.
set -euo pipefail

dir=${1:-${MLFS_GUEST_DIR:-/var/lib/mlfs/guest}}
[ -s "$dir/id" ] && exit 0

# the modules of 9p over virtio; they are loaded in the order of their
# depends= fields (busybox insmod does not resolve them)
modules=(virtio virtio_ring virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci
	netfs fscache 9pnet 9pnet_virtio 9p)

die() { echo "guest: $*" >&2; exit 1; }

if [ "$(id -u)" -ne 0 ] && [ ! -w "$(dirname "$dir")" ]; then
	die "cannot write '$dir' (run as root, or set MLFS_GUEST_DIR)"
fi
kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-/ {print $2; exit}')
[ -n "$kpkg" ] || { apt-get update -qq; kpkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-/ {print $2; exit}'); }
[ -n "$kpkg" ] || die "no Debian kernel package (linux-image-amd64) in the apt sources"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "guest: fetching $kpkg and busybox-static into $dir" >&2
if ! (cd "$tmp" && apt-get download -qq "$kpkg" busybox-static 2>/dev/null); then
	apt-get update -qq
	(cd "$tmp" && apt-get download -qq "$kpkg" busybox-static 2>/dev/null)
fi
dpkg-deb -x "$tmp"/linux-image-*.deb "$tmp/k"
dpkg-deb -x "$tmp"/busybox-static_*.deb "$tmp/b"
config=$(echo "$tmp"/k/boot/config-*)
grep -q '^CONFIG_X86_X32_ABI=y' "$config" || die "$kpkg lacks CONFIG_X86_X32_ABI"

rm -rf "$dir.new"
mkdir -p "$dir.new/modules"
cp "$tmp"/k/boot/vmlinuz-* "$dir.new/vmlinuz"
cp "$config" "$dir.new/config"
cp "$tmp/b/bin/busybox" "$dir.new/busybox"
for m in "${modules[@]}"; do
	f=$(find "$tmp/k/lib/modules" -name "$m.ko" | head -n 1)
	[ -n "$f" ] || die "$kpkg has no module $m.ko"
	cp "$f" "$dir.new/modules/"
done
# each module after the ones it depends on
order=" "
while [ "$(wc -w <<<"$order")" -lt ${#modules[@]} ]; do
	added=0
	for m in "${modules[@]}"; do
		[[ $order == *" $m "* ]] && continue
		deps=$(strings "$dir.new/modules/$m.ko" | sed -n 's/^depends=//p' | tr , ' ')
		ready=1
		for d in $deps; do
			[[ $order == *" $d "* ]] || ready=0
		done
		[ $ready = 1 ] && order="$order$m " && added=1
	done
	[ $added = 1 ] || die "the modules' dependencies cannot be ordered"
done
tr -s " " "\n" <<<"${order# }" | sed "/^$/d" >"$dir.new/modules.order"
{
	dpkg-deb -f "$tmp"/linux-image-*.deb Package Version
	dpkg-deb -f "$tmp"/busybox-static_*.deb Package Version
} >"$dir.new/id"
rm -rf "$dir"
mv "$dir.new" "$dir"
