#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2034
# mlfs-test-timeout: 5400
# The packages' own test suites run in t8000 (the lfs layout); here only the
# layout is checked, so they are skipped (--no-check), and the set leaves out
# t8000's longest builds (OpenSSL, ncurses) to keep make check short.
test_description='real packages (zlib bzip2 xz gmp libffi) for 32, 64 and x32 in the multiarch and lib64 layouts'
. "$(dirname "$0")/lib.sh"

PKGS=(zlib bzip2 xz gmp libffi)
# the mirror is shared with t8000 (it is only downloads); MLFS_MIRROR_DIR moves it
MIRROR=${MLFS_MIRROR_DIR:-$TOP/build/mirror}

elfabi() {
	readelf -h "$1" 2>/dev/null | awk '
		/Class:/ { c = $2 } /Machine:/ { m = $0 }
		END { if (c == "ELF32" && m ~ /80386/) print "32"; else if (c == "ELF64" && m ~ /X86-64/) print "64";
		      else if (c == "ELF32" && m ~ /X86-64/) print "x32"; else print "?" }'
}

test_expect_success 'mirror the real sources from Debian source packages' '
	"$TOP/tests/real/mirror.sh" "$MIRROR" "${PKGS[@]}" >mirror.out 2>&1 &&
	test -f "$MIRROR/sources.env"
'

for layout in multiarch lib64; do
	case $layout in
	multiarch) dirs="lib/x86_64-linux-gnu:64 lib/i386-linux-gnu:32 lib/x86_64-linux-gnux32:x32" ;;
	lib64) dirs="lib64:64 lib:32 libx32:x32" ;;
	esac
	R=$TRASH/root-$layout
	export R dirs layout

	test_expect_success "$layout: build them for 32, 64 and x32" '
		. "$MIRROR/sources.env" &&
		read -r -a srcargs <<<"${MLFS_SOURCE_ARGS:-}" &&
		"$MLFS" --state="$TRASH/st-$layout" build "${PKGS[@]}" --abi 32,64,x32 --layout $layout --no-check \
			--root "$R" -j 2 --recipes "$TOP/recipes" --profiles "$TOP/abi-profiles" \
			--mirror "$MLFS_MIRROR" "${srcargs[@]}" 2>build-$layout.err ||
		{ tail -n 60 build-$layout.err; exit 1; }
	'

	test_expect_success "$layout: every library in the libdir of its ABI, every ELF file there of that ABI" '
		n=0 &&
		for d in $dirs; do
			dir=$R/usr/${d%%:*} want=${d#*:}
			while IFS= read -r f; do
				got=$(elfabi "$f")
				[ "$got" = "?" ] && continue
				n=$((n + 1))
				[ "$got" = "$want" ] || { echo "$f is ABI $got in the libdir of $want"; exit 1; }
			done < <(find "$dir" -maxdepth 1 -type f)
			for l in libz.so.1 libbz2.so.1.0 liblzma.so.5 libgmp.so.10 libffi.so.8; do
				test -e "$dir/$l" || { echo "missing /usr/${d%%:*}/$l"; exit 1; }
				got=$(elfabi "$(readlink -f "$dir/$l")")
				[ "$got" = "$want" ] || { echo "/usr/${d%%:*}/$l is ABI $got"; exit 1; }
			done
			grep -q "^libdir=.*/usr/${d%%:*}$" "$dir"/pkgconfig/zlib.pc || { echo "zlib.pc of $want"; exit 1; }
		done &&
		echo "checked $n ELF files" && test "$n" -ge 15
	'

	test_expect_success "$layout: a program links libgmp through the ABI pkg-config and runs for 32 and 64" '
		printf "#include <stdio.h>\n#include <gmp.h>\nint main(void) { mpz_t x; mpz_init(x); mpz_ui_pow_ui(x, 2, 100); gmp_printf(\"%%Zd %%d\\\\n\", x, (int)sizeof(mp_limb_t)); return 0; }\n" >g.c &&
		for a in 32:i686-pc-linux-gnu:-m32:4 64:x86_64-pc-linux-gnu:-m64:8 x32:x86_64-pc-linux-gnux32:-mx32:8; do
			IFS=: read -r abi trip mf limb <<<"$a"
			dir=
			for d in $dirs; do [ "${d#*:}" = "$abi" ] && dir=$R/usr/${d%%:*}; done
			# shellcheck disable=SC2046
			gcc $mf -o "g$abi" g.c $("$R/usr/bin/$trip-pkg-config" --cflags --libs gmp) &&
			test "$(elfabi "g$abi")" = "$abi" || exit 1
			if [ "$abi" != x32 ]; then
				test "$(LD_LIBRARY_PATH=$dir "./g$abi")" = "1267650600228229401496703205376 $limb" || exit 1
			fi
		done
	'
done

test_done
