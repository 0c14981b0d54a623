#!/usr/bin/env bash
# host-multilib.sh: Chapter 8's util-linux (32, 64, x32) and Python (32 and 64,
# and x32 where a QEMU guest runs x32 programs: every step of python:x32 runs
# in the guest), with what they need, built with mlfs in host mode into a
# temporary root from this machine's Debian source packages; then every
# util-linux library is checked in its libdir and a program embedding Python
# is built and run for 32 and 64 (and x32, run in the guest with mlfs guest)
# against the same /usr/lib/python3.11 (each
# ABI's extension modules by their suffix, the wrapped pyconfig.h, each
# triplet's python3.11-config). Not in CI: about half an hour on 2 cores.
#
# Usage: tests/real/host-multilib.sh [WORKDIR]   (kept; give it again to resume)
# MLFS_HM_NOCHECK=1: --no-check (the packages' own test suites are t8000's
# job; x32's would all run in the one-CPU guest)
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
MLFS=$TOP/build/mlfs
W=${1:-$(mktemp -d /var/tmp/mlfs-host-multilib.XXXXXX)}
mkdir -p "$W"
W=$(cd "$W" && pwd)
R=$W/root
fails=0
ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; fails=$((fails + 1)); }

[ -x "$MLFS" ] || make -C "$TOP" build/mlfs >/dev/null
echo "host-multilib: work dir $W"

# the sources (libtool before libxcrypt: its tree lends libxcrypt ltdl.m4)
bash "$TOP/tests/real/sources.sh" "$W/mirror" zlib bzip2 xz libffi expat openssl \
	ncurses readline gdbm libtool libxcrypt util-linux python >"$W/mirror.log" 2>&1 ||
	{ tail -n 20 "$W/mirror.log"; exit 1; }
# shellcheck source=/dev/null
. "$W/mirror/sources.env"
read -r -a srcs <<<"${MLFS_SOURCE_ARGS:-}"

nocheck=()
[ "${MLFS_HM_NOCHECK:-}" != 1 ] || nocheck=(--no-check)
"$MLFS" --state "$W/st" build util-linux python --abi 32,64,x32 --root "$R" -j "$(nproc)" "${nocheck[@]}" \
	--recipes "$TOP/recipes" --profiles "$TOP/abi-profiles" --mirror "$MLFS_MIRROR" \
	"${srcs[@]}" 2> >(tee "$W/build.err" >&2)
pythons=("64 lib python3.11-config" "32 lib32 i686-pc-linux-gnu-python3.11-config")
if grep -q "^mlfs: x32: runs in a QEMU guest" "$W/build.err"; then
	pythons+=("x32 libx32 x86_64-pc-linux-gnux32-python3.11-config")
fi

for spec in "lib ELF64 X86-64" "lib32 ELF32 80386" "libx32 ELF32 X86-64"; do
	read -r dir class mach <<<"$spec"
	for lib in libblkid.so.1 libmount.so.1 libuuid.so.1 libsmartcols.so.1 libfdisk.so.1; do
		h=$(readelf -h "$R/usr/$dir/$lib" 2>/dev/null || true)
		if grep -q "Class: *$class" <<<"$h" && grep -q "Machine: *.*$mach" <<<"$h"; then
			ok "/usr/$dir/$lib: $class $mach"
		else
			notok "/usr/$dir/$lib: not $class $mach"
		fi
	done
done

cat >"$W/embed.c" <<'C'
#include <Python.h>
int main(void)
{
	int rc;

	Py_Initialize();
	rc = PyRun_SimpleString("import struct, ssl, ctypes, math\n"
		"print(struct.calcsize('P') * 8, ssl.OPENSSL_VERSION.split()[1], math.sqrt(4))");
	Py_Finalize();
	return rc;
}
C
ssl=$(jq -r .version "$TOP/recipes/system/openssl/recipe.json")
for spec in "${pythons[@]}"; do
	read -r m dir cfg <<<"$spec"
	read -r -a inc <<<"$("$R/usr/bin/$cfg" --includes)"
	read -r -a lds <<<"$("$R/usr/bin/$cfg" --ldflags --embed)"
	if ! grep -q -- "-L$R/usr/$dir " <<<"${lds[*]} "; then
		notok "$cfg names $R/usr/$dir: ${lds[*]}"
	fi
	if gcc "-m$m" "${inc[@]}" "$W/embed.c" -o "$W/embed$m" "${lds[@]}" >"$W/embed$m.log" 2>&1; then
		# the root is not this system: its libraries (the root's libssl for
		# _ssl too) come from LD_LIBRARY_PATH, as in host mode's check steps
		if [ "$m" = x32 ]; then
			out=$("$MLFS" --state "$W/st" guest -- env PYTHONHOME="$R/usr" \
				LD_LIBRARY_PATH="$R/usr/$dir" "$W/embed$m" 2>&1) || true
		else
			out=$(PYTHONHOME=$R/usr LD_LIBRARY_PATH=$R/usr/$dir "$W/embed$m" 2>&1) || true
		fi
		bits=${m/x32/32}
		case $out in
		"$bits $ssl 2.0") ok "$m Python embedded and run: $out" ;;
		*) notok "$m Python: $out" ;;
		esac
	else
		notok "$m Python does not build (see $W/embed$m.log)"
	fi
done
n=$(find "$R/usr/lib/python3.11/lib-dynload" -name '*_failed.so' | wc -l)
if [ "$n" -eq 0 ]; then ok "no extension module set aside as *_failed.so"; else notok "$n modules failed"; fi
echo "host-multilib: $fails failed"
[ "$fails" -eq 0 ]
