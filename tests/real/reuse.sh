#!/usr/bin/env bash
# reuse.sh: the figures of --ccache and --cache on real packages (not in CI;
# about half an hour on 2 cores). Builds zlib and gmp for 32, 64 and x32 in
# host mode from this machine's Debian sources (tests/real/mirror.sh) with
# --ccache, cleans them and builds them again (ccache's hits and the time
# saved), builds them once more with --cache DIR, then restores them into a
# fresh state and root and compares that root with the built one.
# Usage: tests/real/reuse.sh [WORKDIR]   (default: a new directory under /tmp)
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
D=${1:-$(mktemp -d /tmp/mlfs-reuse.XXXXXX)}
MIRROR=${MLFS_MIRROR_DIR:-$TOP/build/mirror}
PKGS=(zlib gmp)
mkdir -p "$D"
"$TOP/tests/real/mirror.sh" "$MIRROR" "${PKGS[@]}" >"$D/mirror.log"
# shellcheck source=/dev/null
. "$MIRROR/sources.env"
read -r -a srcargs <<<"${MLFS_SOURCE_ARGS:-}"

# ml STATE ARGS...: build the packages into $D/root
ml() {
	local st=$1
	shift
	"$TOP/build/mlfs" --state="$D/$st" build "${PKGS[@]}" --abi 32,64,x32 --root "$D/root" -j 2 \
		--recipes "$TOP/recipes" --profiles "$TOP/abi-profiles" --mirror "$MLFS_MIRROR" \
		"${srcargs[@]}" --no-check "$@"
}
# timed NAME CMD...: run CMD, print its wall time and the load average
timed() {
	local name=$1 t0 t1
	shift
	t0=$(date +%s.%N)
	"$@"
	t1=$(date +%s.%N)
	echo "$name: $(echo "$t1 - $t0" | bc) s (load average at the end: $(cut -d' ' -f1-3 /proc/loadavg))"
}
treehash() {
	(cd "$1" && find . -printf '%p %y %M %l\n' | sort && find . -type f -print0 | sort -z | xargs -0 sha256sum) | sha256sum
}

timed "cold build, --ccache" ml st --ccache 2>"$D/cold.err"
grep "ccache:" "$D/cold.err"
"$TOP/build/mlfs" --state="$D/st" clean "${PKGS[@]}" 2>/dev/null
timed "rebuild after clean, --ccache" ml st 2>"$D/warm.err"
grep "ccache:" "$D/warm.err"
"$TOP/build/mlfs" --state="$D/st" clean "${PKGS[@]}" 2>/dev/null
timed "rebuild storing into --cache" ml st --cache "$D/bc" 2>"$D/store.err"
mv "$D/root" "$D/root.built"
timed "restore into a fresh state and root" ml st-fresh --cache "$D/bc" 2>"$D/restore.err"
tail -n 1 "$D/restore.err"
if [ "$(treehash "$D/root.built")" = "$(treehash "$D/root")" ]; then
	echo "the restored root equals the built one"
else
	echo "the restored root differs from the built one" >&2
	exit 1
fi
