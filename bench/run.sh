#!/usr/bin/env bash
# run.sh: mlfs's scheduling benchmark. Prints one table:
#
#  1. makespan of a generated 20-recipe, 3-ABI graph (60 nodes; bench/gen.sh:
#     chains, fan-outs, a fan-in; each node a serial configure, a parallel make
#     of real $CC -O2 compiles, a serial link) built by `mlfs build -j N`
#     (N = nproc), against a book-order serial run of the same nodes: one node
#     at a time, each step of its build.sh run by a shell loop in a clean
#     environment with MAKEFLAGS=-jN, as jhalfs does (no mlfs, no merge, no
#     preflight: the serial side pays none of mlfs's overhead);
#  2. the lower bound max(critical path, CPU time / N): the critical path
#     follows `mlfs plan --json`'s edges weighted by each node's duration in the
#     serial run (the node alone with N slots); the CPU time is the user + sys
#     time of the whole mlfs build and all its children (bash's `time`);
#  3. the wall time of `mlfs plan` on a synthetic 10,002-node graph (target
#     100 ms), and of a no-op `mlfs build` (target 200 ms) of the built set and
#     of a built book-sized set (300 nodes, each installing one file; the
#     whole book for 3 ABIs is about 160 nodes); and of `mlfs plan` on the
#     project's own recipes in LFS mode (loading, graph and keys of the real
#     book: what a no-op build does before it reads the journal).
# bench/real.sh measures 1 and 2 on real packages (zlib bzip2 xz gmp libffi
# for 32, 64 and x32 from this machine's Debian sources, tens of minutes) and
# mlfs's own CPU share of the build; REAL=1 runs it after the table.
#
# Usage: bench/run.sh            (MLFS=path to use another binary; KEEP=1 keeps
#                                 the work dir; JOBS=N overrides nproc; REAL=1
#                                 also runs bench/real.sh)
# Uses build/mlfs (made when missing; run `make` first when it is stale), never
# the sanitizer build.
set -euo pipefail
export LC_ALL=C
unset MAKEFLAGS MAKELEVEL MFLAGS

TOP=$(cd "$(dirname "$0")/.." && pwd)
MLFS=${MLFS:-$TOP/build/mlfs}
N=${JOBS:-$(nproc)}
ABIS=32,64,x32
PLANCOUNT=3334  # recipes x 3 ABIs = 10,002 nodes
BOOKCOUNT=100   # 300 nodes: more than the whole book for 3 ABIs (about 160)

if [ ! -x "$MLFS" ] && [ "$MLFS" = "$TOP/build/mlfs" ]; then
	make -s -C "$TOP" build/mlfs >&2
fi
W=$(mktemp -d "${TMPDIR:-/tmp}/mlfs-bench.XXXXXX")
# the steps run contained, as an unprivileged user who must reach the recipes
chmod 755 "$W"
if [ "${KEEP:-0}" = 1 ]; then
	echo "bench: work dir $W" >&2
else
	trap 'rm -rf "$W"' EXIT
fi
cd "$W"

nowns() { date +%s%N; }
ms() { echo $((($2 - $1) / 1000000)); }

# timed VAR CMD...: run CMD; VAR gets "REAL USER SYS" in seconds (children included)
par='' ser='' t=''
timed() {
	local __v=$1 __t
	shift
	__t=$({ TIMEFORMAT='%R %U %S'; time "$@" >/dev/null 2>>"$W/bench.err"; } 2>&1) ||
		{ echo "bench: failed: $*" >&2; tail -n 30 "$W/bench.err" >&2; exit 1; }
	printf -v "$__v" '%s' "$__t"
}

echo "bench: generating the fixtures" >&2
cc -O2 -o spin "$TOP/bench/spin.c"
bash "$TOP/bench/gen.sh" work "$W" "$W/spin"
bash "$TOP/bench/gen.sh" plan "$W/big" "$PLANCOUNT"
bash "$TOP/bench/gen.sh" plan "$W/book" "$BOOKCOUNT"
ml() { "$MLFS" --state "$W/st" "$@"; }
OPTS=(--abi "$ABIS" --recipes "$W/recipes" --profiles "$TOP/abi-profiles" --root "$W/root")
ml plan "${OPTS[@]}" --json >plan.json

# --- mlfs -j N
load0=$(cut -d' ' -f1-3 /proc/loadavg)
echo "bench: mlfs build -j $N" >&2
timed par ml build "${OPTS[@]}" -j "$N" -q
for f in st/logs/*/*.log; do
	# the log of node pkg:abi is logs/pkg/abi.log
	n=${f#st/logs/}
	n=${n%.log}
	n=${n/\//:}
	s=$(sed -n "s/^mlfs: --- step '[a-z]*' of '.*' started at //p" "$f" | head -n 1)
	e=$(sed -n 's/^mlfs: --- step ended at //p' "$f" | tail -n 1)
	echo "$n $s $e"
done >par.times

# noops STATE: 5 no-op builds with the state's kept options; prints the ms of each
noops() {
	local s e
	for _ in 1 2 3 4 5; do
		s=$(nowns)
		"$MLFS" --state "$1" build -q >/dev/null 2>>bench.err
		e=$(nowns)
		ms "$s" "$e"
	done
}

# --- no-op build of the built set (bare: the kept options)
mapfile -t noop < <(noops "$W/st")

# --- no-op build of a book-sized set (built once, then 5 no-op runs)
echo "bench: no-op build of $((BOOKCOUNT * 3)) nodes" >&2
"$MLFS" --state "$W/stbook" build --abi "$ABIS" --recipes "$W/book/recipes" \
	--profiles "$TOP/abi-profiles" --root "$W/bookroot" -j "$N" -q >/dev/null 2>>bench.err ||
	{ echo "bench: the book-sized build failed" >&2; tail -n 30 bench.err >&2; exit 1; }
mapfile -t booknoop < <(noops "$W/stbook")

# --- book order, one node at a time, make -jN inside
# serialnode NODE ABI RECIPE: the node's steps as mlfs runs them, in a fresh tree
serialnode() {
	local abi=$2 r=$W/recipes/$3 src=$W/serial/$1/src dest=$W/serial/$1/dest st
	mkdir -p "$src" "$dest" "$W/serial/home"
	for st in prepare configure build check install; do
		# shellcheck disable=SC2016  # expanded by the step's bash
		env -i PATH=/usr/bin:/bin HOME="$W/serial/home" LC_ALL=POSIX TZ=UTC SHELL=/bin/bash \
			MLFS_ABI="$abi" CC="gcc -m$abi" CXX="g++ -m$abi" MLFS_RECIPE="$r" MLFS_SRC="$src" \
			DESTDIR="$dest" MAKEFLAGS="-j$N" \
			bash --noprofile --norc -e -o pipefail -c \
			'. "$MLFS_RECIPE/build.sh"; if declare -F "$1" >/dev/null; then cd "$MLFS_SRC"; "$1"; fi' \
			mlfs-step "$st" || return 1
	done
}
serial() {
	local name abi s e
	while read -r name; do
		for abi in 64 32 x32; do
			s=$(nowns)
			serialnode "$name:$abi" "$abi" "$name" >>"$W/serial.log" 2>&1 ||
				{ echo "bench: serial $name:$abi failed" >&2; tail -n 20 "$W/serial.log" >&2; return 1; }
			e=$(nowns)
			echo "$name:$abi $s $e" >>"$W/ser.times"
		done
	done <"$W/order"
}
echo "bench: book-order serial run (make -j$N in each node)" >&2
: >ser.times
timed ser serial

# --- planning 10,002 nodes
echo "bench: mlfs plan of $((PLANCOUNT * 3)) nodes" >&2
plan=() plancpu=()
"$MLFS" --state "$W/stbig" plan --abi "$ABIS" --recipes "$W/big/recipes" \
	--profiles "$TOP/abi-profiles" >big.plan 2>>bench.err
for _ in 1 2 3 4 5; do
	timed t "$MLFS" --state "$W/stbig" plan --abi "$ABIS" --recipes "$W/big/recipes" \
		--profiles "$TOP/abi-profiles"
	read -r r u s <<<"$t"
	plan+=("$(awk -v r="$r" 'BEGIN { printf "%d", r * 1000 }')")
	plancpu+=("$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%d", (u + s) * 1000 }')")
done
bignodes=$(wc -l <big.plan)

# --- planning the project's own book (every stage, LFS mode, 3 ABIs)
echo "bench: mlfs plan of the project's recipes" >&2
# (a state dir that exists, as after a first build: it keeps the answer to
# which ABIs run here, which the book's Python needs)
bookplan=()
mkdir -p "$W/streal"
"$MLFS" --state "$W/streal" plan --abi "$ABIS" --lfs "$W/lfs" --recipes "$TOP/recipes" \
	--profiles "$TOP/abi-profiles" >real.plan 2>>bench.err
for _ in 1 2 3 4 5; do
	timed t "$MLFS" --state "$W/streal" plan --abi "$ABIS" --lfs "$W/lfs" \
		--recipes "$TOP/recipes" --profiles "$TOP/abi-profiles"
	bookplan+=("$(awk -v r="${t%% *}" 'BEGIN { printf "%d", r * 1000 }')")
done
realnodes=$(wc -l <real.plan)

load1=$(cut -d' ' -f1-3 /proc/loadavg)

python3 - "$N" "$par" "$ser" "$bignodes" "${plan[*]}" "${noop[*]}" "${plancpu[*]}" "$load0" "$load1" "${booknoop[*]}" "$((BOOKCOUNT * 3))" "${bookplan[*]}" "$realnodes" <<'PY'
import json, sys
n = int(sys.argv[1])
par = [float(x) for x in sys.argv[2].split()]
ser = [float(x) for x in sys.argv[3].split()]
bignodes = int(sys.argv[4])
plan = sorted(int(x) for x in sys.argv[5].split())
noop = sorted(int(x) for x in sys.argv[6].split())
plancpu = sorted(int(x) for x in sys.argv[7].split())
load0, load1 = sys.argv[8], sys.argv[9]
booknoop = sorted(int(x) for x in sys.argv[10].split())
booknodes = int(sys.argv[11])
bookplan = sorted(int(x) for x in sys.argv[12].split())
realnodes = int(sys.argv[13])

def times(path):
    d = {}
    for line in open(path):
        name, s, e = line.split()
        d[name] = (int(s), int(e))
    return d

nodes = json.load(open("plan.json"))["nodes"]
deps = {x["name"]: x["deps"] for x in nodes}
pt, st = times("par.times"), times("ser.times")
assert set(pt) == set(deps) == set(st), "node sets differ"
dur = {k: (e - s) / 1e9 for k, (s, e) in st.items()}
finish = {}
def cp(k):
    if k not in finish:
        finish[k] = dur[k] + max((cp(d) for d in deps[k]), default=0.0)
    return finish[k]
crit = max(cp(k) for k in deps)
path, k = [], max(deps, key=cp)
while k:
    path.append(k)
    k = max(deps[k], key=cp) if deps[k] else None
cpu = par[1] + par[2]
lb = max(crit, cpu / n)
span = (max(e for s, e in pt.values()) - min(s for s, e in pt.values())) / 1e9
sercpu = ser[1] + ser[2]
med = lambda v: v[len(v) // 2]

busy = sum(e - s for s, e in pt.values()) / 1e9 / span
print(f"mlfs scheduling benchmark: {len(deps)} nodes (20 recipes x 3 ABIs), N = {n} slots")
print(f"load average before: {load0}, after: {load1} (a loaded machine stretches both runs)")
print()
print(f"{'':36} {'mlfs -j%d' % n:>12} {'serial':>12}")
print(f"{'makespan (wall, s)':36} {par[0]:12.2f} {ser[0]:12.2f}")
print(f"{'  first step start .. last step end':36} {span:12.2f}")
print(f"{'CPU time, user+sys (s)':36} {cpu:12.2f} {sercpu:12.2f}")
print(f"{'CPU share, CPU / (wall x N)':36} {cpu / par[0] / n:12.2f} {sercpu / ser[0] / n:12.2f}")
print(f"{'mean node slots busy (of N)':36} {busy:12.2f} {1:12.2f}")
print(f"{'speedup serial / mlfs':36} {ser[0] / par[0]:12.2f}")
print()
print(f"{'critical path (serial node times, s)':36} {crit:12.2f}   {' > '.join(reversed(path))}")
print(f"{'CPU time / N (s)':36} {cpu / n:12.2f}")
print(f"{'lower bound max(CP, CPU/N) (s)':36} {lb:12.2f}")
print(f"{'mlfs makespan / lower bound':36} {par[0] / lb:12.2f}")
print(f"{'serial makespan / lower bound':36} {ser[0] / lb:12.2f}")
print()
print(f"{'':36} {'median':>8} {'min':>8} {'max':>8} {'target':>8}")
print(f"{'mlfs plan, %d nodes (ms)' % bignodes:36} {med(plan):8d} {plan[0]:8d} {plan[-1]:8d} {100:8d}"
      f"   {'ok' if med(plan) <= 100 else 'OVER'}")
print(f"{'  its CPU time, user+sys (ms)':36} {med(plancpu):8d} {plancpu[0]:8d} {plancpu[-1]:8d}")
print(f"{'no-op mlfs build, %d nodes (ms)' % len(deps):36} {med(noop):8d} {noop[0]:8d} {noop[-1]:8d} {200:8d}"
      f"   {'ok' if med(noop) <= 200 else 'OVER'}")
print(f"{'mlfs plan, real book, %d nodes (ms)' % realnodes:36} {med(bookplan):8d} {bookplan[0]:8d} {bookplan[-1]:8d} {200:8d}"
      f"   {'ok' if med(bookplan) <= 200 else 'OVER'}")
print(f"{'no-op mlfs build, %d nodes (ms)' % booknodes:36} {med(booknoop):8d} {booknoop[0]:8d} {booknoop[-1]:8d} {200:8d}"
      f"   {'ok' if med(booknoop) <= 200 else 'OVER'}")
PY
if [ "${REAL:-0}" = 1 ]; then
	echo
	MLFS=$MLFS JOBS=$N "$TOP/bench/real.sh"
fi
