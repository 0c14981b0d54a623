#!/usr/bin/env bash
# real.sh: mlfs's scheduling benchmark on real packages. Builds the same real
# multilib set (default zlib bzip2 xz gmp libffi, t8100's set: the demo's
# minus its two longest builds, ncurses and OpenSSL) for 32, 64 and x32 in
# host mode (--root, --no-check, MLFS_GUEST=off: no x32 test suite, no QEMU
# guest) from sources mirrored out of this machine's Debian archive
# (tests/real/sources.sh, as the demo and t8100 do; the mirror is kept in
# /var/tmp/mlfs-bench-sources, so a rerun does no download), two ways in one
# run, side by side:
#
#  a. `mlfs build -j N` (N = nproc): the scheduler runs nodes side by side
#     under one jobserver of N slots;
#  b. book order, one node at a time, `make -jN` inside it, as jhalfs does.
#     This is mlfs itself, run once per node (`mlfs build PKG:ABI -j N` with
#     the same --abi 32,64,x32, so the nodes keep the keys, profiles and
#     options of (a); `--abi A` alone would change them) in the order of
#     `mlfs plan` (the book's order), into its own state and root: the nodes
#     run the very same steps, environment and merge as in (a), and a node
#     alone gets every slot of its jobserver, so the only difference is the
#     scheduling. A shell loop over the recipes' build.sh
#     (as bench/run.sh does for its generated recipes) would have to redo
#     mlfs's step environment (ABI flags, libdirs, pkg-config wrappers) for
#     real recipes; that would measure a different build. The serial side
#     pays mlfs's start (loading, fetch check, preflight) once per node, so it
#     is also measured without it (the time inside each build, from mlfs's
#     trace), and the target is judged on the smaller of the two ratios.
#
# It prints:
#  - both makespans and their ratio (target: mlfs at least 1.3x faster);
#  - the lower bound max(critical path, CPU / N): the critical path follows
#    `mlfs plan --json`'s edges weighted by each node's time in the serial
#    run (the node alone with N slots; the journal's merged secs), the CPU
#    time is what every step process of the mlfs -jN build used (mlfs's
#    children, from the wrapper below);
#  - mlfs's own CPU time against the build's: mlfs runs under a small wrapper
#    that waits for it with WNOWAIT and reads /proc/PID/stat (utime + stime of
#    mlfs and its threads alone) while it is a zombie, then reaps it with
#    wait4 for the total of mlfs and every child it waited for (target: mlfs
#    under 1% of its children's CPU);
#  - each node's time per step in both runs and the mean jobserver slots in
#    use (from STATE/trace.jsonl via `mlfs report --json`), to see where the
#    time goes: N / the slots in use in (b) is the most that filling (b)'s
#    idle slots can gain if every held slot is a busy one; the CPU per held
#    slot-second compares what the two runs got from a machine shared with
#    other work (equal on an idle machine).
# A PASS or MISS line for each target. The figures are what was measured on a
# machine that may be loaded: the load average is printed with them.
#
# Usage: bench/real.sh   (PKGS="zlib gmp" to choose the set; JOBS=N overrides
#                         nproc; MLFS=path another binary; KEEP=1 keeps the work
#                         dir; MLFS_BENCH_SOURCES=DIR another mirror dir)
#        bench/real.sh --report DIR   prints the figures of a kept work dir again
# Takes tens of minutes (two builds of 15 real nodes).
set -euo pipefail
export LC_ALL=C MLFS_GUEST=off
unset MAKEFLAGS MAKELEVEL MFLAGS

TOP=$(cd "$(dirname "$0")/.." && pwd)
MLFS=${MLFS:-$TOP/build/mlfs}
N=${JOBS:-$(nproc)}
ABIS=32,64,x32
read -r -a PKGS <<<"${PKGS:-zlib bzip2 xz gmp libffi}"
SOURCES=${MLFS_BENCH_SOURCES:-/var/tmp/mlfs-bench-sources}

# figures: the table, from the work dir (the current directory)
figures() {
	python3 - "$(cat jobs.n)" "$(sed -n 1p load.txt)" "$(sed -n 2p load.txt)" "$(sed -n 3p load.txt)" <<'PY'
import json, sys, glob
n = int(sys.argv[1])
load = sys.argv[2:5]

def cpu(path):
    return [float(x) for x in open(path).read().split()]

def journal(path):
    """each node's last merged secs and step secs"""
    node, steps = {}, {}
    for line in open(path):
        o = json.loads(line)
        if "node" not in o:
            continue
        if o["ev"] == "start":
            steps[o["node"]] = {}
        elif o["ev"] == "step":
            steps[o["node"]][o["step"]] = o.get("secs", 0.0)
        elif o["ev"] == "merged":
            node[o["node"]] = o.get("secs", 0.0)
    return node, steps

def slots(report):
    """time-weighted mean jobserver tokens in use, and time inside mlfs's builds"""
    busy = span = 0.0
    for b in json.load(open(report))["builds"]:
        tok, end = b.get("tokens", []), b["makespan"]
        for i, (t, used) in enumerate(tok):
            t1 = tok[i + 1][0] if i + 1 < len(tok) else end
            busy += used * max(t1 - t, 0)
        span += end
    return busy / span if span else 0.0, span, len(json.load(open(report))["builds"])

plan = json.load(open("plan.json"))["nodes"]
order = [x["name"] for x in plan if x["run"]]
deps = {x["name"]: [d for d in x["deps"] if d in order] for x in plan if x["run"]}

pwall, pown, pkids = cpu("par.cpu")
ser = [cpu(f"ser/{i + 1}.cpu") for i in range(len(order))]
swall = int(open("ser.ms").read()) / 1000
sown = sum(x[1] for x in ser)
skids = sum(x[2] for x in ser)
pnode, psteps = journal("st-par/journal.jsonl")
snode, ssteps = journal("st-ser/journal.jsonl")
pslots, pspan, pbuilds = slots("par.report")
sslots, sspan, sbuilds = slots("ser.report")

finish = {}
def cp(k):
    if k not in finish:
        finish[k] = snode[k] + max((cp(d) for d in deps[k]), default=0.0)
    return finish[k]
crit = max(cp(k) for k in order)
path, k = [], max(order, key=cp)
while k:
    path.append(k)
    k = max(deps[k], key=cp) if deps[k] else None
lb = max(crit, pkids / n)

print(f"mlfs on real packages: {len(order)} nodes ({', '.join(sorted({k.split(':')[0] for k in order}))}"
      f" x 32, 64, x32), host mode, --no-check, N = {n}")
print(f"load average (1, 5, 15 min): before a {load[0]}; between a and b {load[1]}; after b {load[2]}")
print()
print(f"{'':44} {'a. mlfs -j%d' % n:>12} {'b. serial':>12}")
print(f"{'makespan, whole commands (s)':44} {pwall:12.1f} {swall:12.1f}")
print(f"{'time inside mlfs builds, trace (s)':44} {pspan:12.1f} {sspan:12.1f}")
print(f"{'mean jobserver slots in use (of N)':44} {pslots:12.2f} {sslots:12.2f}")
print(f"{'CPU of the steps, mlfs children (s)':44} {pkids:12.1f} {skids:12.1f}")
print(f"{'CPU of mlfs itself, user+sys (s)':44} {pown:12.2f} {sown:12.2f}")
print(f"{'mlfs CPU / children CPU':44} {100 * pown / pkids:11.2f}% {100 * sown / skids:11.2f}%")
r1, r2 = swall / pwall, sspan / pspan
print(f"{'speedup b / a, whole commands':44} {r1:12.2f}")
print(f"{'speedup b / a, inside the builds':44} {r2:12.2f}")
print(f"{'CPU per held slot-second (outside load)':44} {pkids / (pspan * pslots):12.2f} {skids / (sspan * sslots):12.2f}")
print(f"{'most that filling idle slots of b gains':44} {n / sslots:12.2f}   (N / slots in use in b)")
print()
print(f"{'critical path (serial node times, s)':44} {crit:12.1f}   {' > '.join(reversed(path))}")
print(f"{'CPU of the steps of a / N (s)':44} {pkids / n:12.1f}")
print(f"{'lower bound max(critical path, CPU/N) (s)':44} {lb:12.1f}")
print(f"{'a makespan / lower bound':44} {pwall / lb:12.2f}")
print(f"{'b makespan / lower bound':44} {swall / lb:12.2f}")
print()
names = sorted({s for d in list(psteps.values()) + list(ssteps.values()) for s in d},
               key=lambda s: ["unpack", "prepare", "configure", "build", "check", "install"].index(s)
               if s in ["unpack", "prepare", "configure", "build", "check", "install"] else 9)
print("node times (s): serial b, its steps; a (nodes side by side)")
print(f"{'node':12} {'b':>7} " + " ".join(f"{s:>9}" for s in names) + f" {'a':>7}")
for k in order:
    print(f"{k:12} {snode[k]:7.1f} " + " ".join(f"{ssteps[k].get(s, 0):9.1f}" for s in names)
          + f" {pnode[k]:7.1f}")
tot = {s: sum(ssteps[k].get(s, 0) for k in order) for s in names}
print(f"{'total':12} {sum(snode.values()):7.1f} " + " ".join(f"{tot[s]:9.1f}" for s in names)
      + f" {sum(pnode.values()):7.1f}")
cfg = tot.get("configure", 0.0)
print(f"configure steps (one process, one slot): {cfg:.1f} s, {100 * cfg / sum(snode.values()):.0f}% of b's node time")
print()
ratio = min(r1, r2)
print(f"{'PASS' if ratio >= 1.3 else 'MISS'}: mlfs -j{n} is {ratio:.2f}x faster than book order, one node at a time"
      f" (target 1.3x; the smaller of the two ratios)")
share = 100 * pown / pkids
print(f"{'PASS' if share < 1 else 'MISS'}: mlfs's own CPU is {share:.2f}% of the build's (target < 1%)")
PY
}

if [ "${1:-}" = --report ]; then
	cd "${2:?usage: bench/real.sh --report DIR}"
	figures
	exit
fi
if [ ! -x "$MLFS" ] && [ "$MLFS" = "$TOP/build/mlfs" ]; then
	make -s -C "$TOP" build/mlfs >&2
fi
W=$(mktemp -d "${TMPDIR:-/var/tmp}/mlfs-bench-real.XXXXXX")
chmod 755 "$W" # contained steps run as an unprivileged user
if [ "${KEEP:-0}" = 1 ]; then
	echo "real: work dir $W" >&2
else
	trap 'rm -rf "$W"' EXIT
fi
cd "$W"
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
nowns() { date +%s%N; }

echo "real: sources of ${PKGS[*]} in $SOURCES" >&2
mkdir -p "$SOURCES"
"$TOP/tests/real/sources.sh" "$SOURCES" "${PKGS[@]}" >sources.log 2>&1 ||
	{ tail -n 30 sources.log >&2; echo "real: the sources step failed" >&2; exit 1; }
# shellcheck source=/dev/null
. "$SOURCES/sources.env"
read -r -a srcargs <<<"${MLFS_SOURCE_ARGS:-}"
COMMON=(--recipes "$TOP/recipes" --profiles "$TOP/abi-profiles" --mirror "$MLFS_MIRROR"
	"${srcargs[@]}" --no-check --no-cache --no-ccache -j "$N" -q)

# the wrapper: runs its command; writes "WALL MLFS_CPU CHILDREN_CPU" (seconds)
# to $CPUFILE; mlfs's own CPU is read from /proc while it is a zombie
cat >wrap.py <<'PY'
import os, sys, time
out, argv = sys.argv[1], sys.argv[2:]
t0 = time.monotonic()
pid = os.fork()
if pid == 0:
    try:
        os.execv(argv[0], argv)
    finally:
        os._exit(127)
os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)
wall = time.monotonic() - t0
with open(f"/proc/{pid}/stat") as f:
    stat = f.read()
fields = stat[stat.rindex(")") + 2:].split()
hz = os.sysconf("SC_CLK_TCK")
own = (int(fields[11]) + int(fields[12])) / hz   # utime, stime: fields 14, 15
_, status, ru = os.wait4(pid, 0)
total = ru.ru_utime + ru.ru_stime                # mlfs and every child it reaped
with open(out, "w") as f:
    f.write(f"{wall:.3f} {own:.3f} {max(total - own, 0):.3f}\n")
sys.exit(os.waitstatus_to_exitcode(status))
PY
# measured FILE CMD...: run CMD under the wrapper; fail with its log's tail
measured() {
	local out=$1
	shift
	python3 "$W/wrap.py" "$out" "$@" >>"$W/build.log" 2>&1 ||
		{ tail -n 40 "$W/build.log" >&2; echo "real: failed: $*" >&2; exit 1; }
}

# the nodes to build, in plan (book) order, with their edges
"$MLFS" --state "$W/st-par" plan "${PKGS[@]}" --abi "$ABIS" --root "$W/root-par" \
	"${COMMON[@]}" --json >plan.json
python3 -c '
import json, sys
for n in json.load(open(sys.argv[1]))["nodes"]:
    if n["run"]:
        print(n["name"])' plan.json >order
echo "real: $(wc -l <order) nodes: $(tr '\n' ' ' <order)" >&2

# --- a. mlfs -jN
l0=$(loadavg)
echo "$N" >jobs.n
echo "$l0" >load.txt
echo "real: a. mlfs build -j $N (load $l0)" >&2
measured par.cpu "$MLFS" --state "$W/st-par" build "${PKGS[@]}" --abi "$ABIS" \
	--root "$W/root-par" "${COMMON[@]}"
l1=$(loadavg)
echo "$l1" >>load.txt

# --- b. book order, one node at a time, make -jN inside
echo "real: b. book order, one node at a time, -j $N (load $l1)" >&2
mkdir ser
s=$(nowns)
i=0
while read -r node; do
	i=$((i + 1))
	measured "ser/$i.cpu" "$MLFS" --state "$W/st-ser" build "$node" --abi "$ABIS" \
		--root "$W/root-ser" "${COMMON[@]}"
done <order
e=$(nowns)
echo "$(((e - s) / 1000000))" >ser.ms
l2=$(loadavg)
echo "$l2" >>load.txt

"$MLFS" --state "$W/st-par" report --all --json >par.report
"$MLFS" --state "$W/st-ser" report --all --json >ser.report
figures
