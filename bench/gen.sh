#!/usr/bin/env bash
# shellcheck disable=SC2016  # the generated text holds $VARS for make and bash on purpose
# gen.sh: generate the benchmark's recipe sets (deterministic: fixed seed).
#
#   gen.sh work DIR SPIN   20 recipes for every ABI (60 nodes with 3 ABIs) in
#                          DIR/recipes, C units in DIR/src, book order in
#                          DIR/order; SPIN is the absolute path of bench/spin
#   gen.sh plan DIR COUNT  COUNT small recipes for every ABI in DIR/recipes,
#                          each depending on up to 3 earlier ones, each
#                          installing one file (for planning and no-op builds)
#
# A work recipe is a small package: a serial configure (SPIN burns a known CPU
# time, as a configure script would), then a plain make that compiles 2 to 8
# objects in parallel with the ABI's real $CC -O2 and links them serially
# (SPIN again), then an install of one file.
set -euo pipefail

# units DIR: four C files of growing size, compiled by the work recipes
units() {
	local k i n
	mkdir -p "$1"
	for k in 1 2 3 4; do
		n=$((4 + 3 * k))
		{
			for ((i = 0; i < n; i++)); do
				printf 'static int h%d(const int *a, int n)\n{\n\tint s = 0;\n' "$i"
				printf '\tfor (int k = 0; k < n; k++)\n\t\ts += a[k] * %d;\n\treturn s;\n}\n\n' "$i"
				printf 'int f%d_%d(int *a, int n)\n{\n\tint s = %d;\n' "$k" "$i" "$i"
				printf '\tfor (int k = 0; k < n; k++) {\n\t\ts += a[k] * (k ^ %d) + (s >> 3);\n' "$i"
				printf '\t\tif (a[k] & 1)\n\t\t\ts ^= a[(k * %d) %% n];\n' "$((i + 7))"
				printf '\t\tfor (int j = 0; j < (k & 7); j++)\n\t\t\ts += j * a[j %% n];\n\t}\n'
				printf '\tswitch (s & 7) {\n\tcase 0: return s + h%d(a, n);\n' "$i"
				printf '\tcase 1: return s * 3;\n\tcase 2: return s - n;\n\tdefault: return s ^ %d;\n\t}\n}\n\n' "$i"
			done
		} >"$1/unit$k.c"
	done
}

# The dependency shape of the work set, one line per recipe in book order:
# NAME DEPENDS... A chain (a toolchain-like core), a fan-out from it, a second
# chain, a fan-in, a few leaves and a last package that needs several of them.
shape() {
	cat <<-'EOF'
	core0
	core1 core0
	core2 core1
	core3 core2
	lib0 core3
	lib1 core3
	lib2 core3
	lib3 core3
	lib4 core3
	lib5 core3
	seq0 lib0
	seq1 seq0
	seq2 seq1
	mid0 lib1 lib2 lib3
	app0 mid0
	app1 lib4
	app2 lib5
	app3 seq1
	app4 seq2 app0
	final app1 app2 app3 app4
	EOF
}

work() {
	local dir=$1 spin=$2 name deps d r conf link nobj i u json
	mkdir -p "$dir/recipes"
	units "$dir/src"
	RANDOM=42
	: >"$dir/order"
	while read -r name deps; do
		r=$dir/recipes/$name
		mkdir -p "$r"
		echo "$name" >>"$dir/order"
		json=
		for d in $deps; do json="${json:+$json, }\"$d\""; done
		case $name in
		core*) conf=$((250 + RANDOM % 150)) nobj=$((3 + RANDOM % 4)) ;;
		*) conf=$((60 + RANDOM % 140)) nobj=$((2 + RANDOM % 5)) ;;
		esac
		link=$((30 + RANDOM % 40))
		printf '{"name": "%s", "version": "1", "description": "benchmark package",\n' "$name" >"$r/recipe.json"
		printf ' "stage": "system", "abis": "all", "depends": [%s]}\n' "$json" >>"$r/recipe.json"
		{
			printf 'OBJ ='
			for ((i = 1; i <= nobj; i++)); do printf ' o%d.o' "$i"; done
			printf '\n\nall: out\n\nout: $(OBJ)\n\t%s %d\n\tcat $(OBJ) >out\n\n' "$spin" "$link"
			for ((i = 1; i <= nobj; i++)); do
				u=$((1 + RANDOM % 4))
				printf 'o%d.o:\n\t$(CC) -O2 -c %s/src/unit%d.c -o $@\n\n' "$i" "$dir" "$u"
			done
			printf '.PHONY: all\n'
		} >"$r/Makefile.in"
		{
			printf '# shellcheck shell=bash\n'
			printf '# %s: a serial configure of %d ms of CPU, then %d objects and a link\n\n' \
				"$name" "$conf" "$nobj"
			printf 'configure() {\n\t"%s" %d\n' "$spin" "$conf"
			printf '\tcp "$MLFS_RECIPE/Makefile.in" Makefile\n}\n\n'
			printf 'build() {\n\tmake\n}\n\n'
			printf 'install() {\n\tmkdir -p "$DESTDIR/usr/share/bench"\n'
			printf '\tcp out "$DESTDIR/usr/share/bench/%s-$MLFS_ABI"\n}\n' "$name"
		} >"$r/build.sh"
	done < <(shape)
}

plan() {
	local dir=$1 count=$2 i k d deps
	mkdir -p "$dir/recipes"
	RANDOM=7
	seq -f "$dir/recipes/p%.0f" 0 $((count - 1)) | xargs mkdir -p
	for ((i = 0; i < count; i++)); do
		deps=
		if [ "$i" -gt 0 ]; then
			for ((k = 0; k < 1 + RANDOM % 3; k++)); do
				d=$((i - 1 - RANDOM % (i < 50 ? i : 50)))
				case " $deps " in *" \"p$d\""*) continue ;; esac
				deps="${deps:+$deps, }\"p$d\""
			done
		fi
		printf '{"name": "p%d", "version": "1.%d", "description": "synthetic package %d",\n "stage": "system", "abis": "all", "depends": [%s]}\n' \
			"$i" "$i" "$i" "$deps" >"$dir/recipes/p$i/recipe.json"
		printf '# shellcheck shell=bash\ninstall() {\n\tmkdir -p "$DESTDIR/usr/share/bench"\n\techo "$MLFS_NAME" >"$DESTDIR/usr/share/bench/$MLFS_NAME-$MLFS_ABI"\n}\n' \
			>"$dir/recipes/p$i/build.sh"
	done
}

case ${1:-} in
work) [ $# -eq 3 ] && work "$2" "$3" ;;
plan) [ $# -eq 3 ] && plan "$2" "$3" ;;
*) false ;;
esac || { echo "usage: gen.sh work DIR SPIN | gen.sh plan DIR COUNT" >&2; exit 2; }
