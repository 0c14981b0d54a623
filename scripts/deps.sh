#!/usr/bin/env bash
# Install every Debian package that building mlfs, running its tests and
# building the demo need. Idempotent: when all are installed it only asks dpkg.
# Usage: scripts/deps.sh [--print]   (--print lists the packages and exits)
set -euo pipefail

pkgs=(
	# the orchestrator's libraries (ARCHITECTURE.md, "Modules") and its hash functions
	pkg-config libuv1-dev libjansson-dev libcurl4-openssl-dev libarchive-dev
	libgit2-dev libssl-dev libcmocka-dev
	# compilers for the three ABIs; clang for the libFuzzer targets (tests/fuzz)
	gcc g++ make gcc-multilib g++-multilib binutils clang
	# what the tests and real recipes use
	busybox shellcheck file m4 perl python3 xz-utils bzip2 zstd lzip gzip
	patch git ca-certificates dpkg-dev jq debootstrap util-linux
	# real clients of a root: meson (Debian 12: 1.0), CMake, ninja
	meson cmake ninja-build
	# turning tag archives of some upstream projects into release trees
	autoconf automake libtool autopoint libltdl-dev gperf
	# the book's test validates its pages and renders them headless
	tidy chromium
	# the QEMU guest that runs x32 programs (its kernel: scripts/guest.sh)
	qemu-system-x86
	# mlfs build --ccache and --icecc
	ccache icecc
)

if [ "${1:-}" = --print ]; then
	printf '%s\n' "${pkgs[@]}"
	exit 0
fi

missing=()
for p in "${pkgs[@]}"; do
	s=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$s" = installed ] || missing+=("$p")
done
# the guest's kernel, modules and busybox, from Debian's packages
guest() { "$(dirname "$0")/guest.sh" || echo "deps: no QEMU guest for x32 programs (see above)" >&2; }
[ ${#missing[@]} -eq 0 ] && { guest; exit 0; }

if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null; then
		sudo="sudo"
	else
		echo "deps: missing packages and not root: ${missing[*]}" >&2
		exit 1
	fi
else
	sudo=""
fi
echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
guest
