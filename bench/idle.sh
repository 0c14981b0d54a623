#!/usr/bin/env bash
# idle.sh: what mlfs itself costs while a node runs and no node waits for a
# slot. One node whose build step sleeps SECS seconds (default 4) is built at
# -j N (default 8); its install step reads mlfs's own user + system time from
# /proc/<mlfs>/stat (the process alone, not its children). Prints the sleep,
# -j and mlfs's CPU seconds (target: under 0.1 s for 4 s at -j8).
#
# Usage: bench/idle.sh [SECS [N]]   (MLFS=path to use another binary)
set -euo pipefail
export LC_ALL=C
TOP=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-4}
jobs=${2:-8}
MLFS=${MLFS:-$TOP/build/mlfs}
[ -x "$MLFS" ] || make -C "$TOP" build/mlfs >/dev/null
work=$(mktemp -d "${TMPDIR:-/tmp}/mlfs-idle.XXXXXX")
trap 'rm -rf "$work"' EXIT
# the steps run contained, as an unprivileged user: the recipes must be
# readable, and the step writes its figure into its staging dir
chmod 755 "$work"
mkdir -p "$work/r/sleeper"
printf '{"name": "sleeper", "version": "1", "stage": "system"}\n' >"$work/r/sleeper/recipe.json"
cat >"$work/r/sleeper/build.sh" <<-SH
	# shellcheck shell=bash
	build() {
		sleep $secs
	}
	install() {
		mkdir -p "\$DESTDIR/usr/share/sleeper"
		# fields 14 and 15 of the parent (mlfs): utime and stime in clock ticks
		cut -d' ' -f14,15 /proc/\$PPID/stat >"\$DESTDIR/usr/share/sleeper/cpu"
	}
SH
"$MLFS" --state="$work/st" build -q --recipes "$work/r" --profiles "$TOP/abi-profiles" \
	--abi 64 --root "$work/root" -j "$jobs"
hz=$(getconf CLK_TCK)
read -r ut st <"$work/root/usr/share/sleeper/cpu"
awk -v u="$ut" -v s="$st" -v hz="$hz" -v secs="$secs" -v j="$jobs" 'BEGIN {
	printf "one node sleeping %s s at -j%s: mlfs used %.2f s of CPU (user %.2f, system %.2f)\n",
		secs, j, (u + s) / hz, u / hz, s / hz
}'
