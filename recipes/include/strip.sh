# shellcheck shell=bash
# strip.sh: the book's Stripping page (LFS 8.84, Multilib 11.3) applied to
# one node's staged tree, before the merge: the book strips the installed
# system in place, which in mlfs would change files that the merge has
# already hashed into every package's manifest. Stripping each node's
# DESTDIR before it is scanned gives the same files, each still owned (and
# hashed) by its package.
#
# What is stripped (as the book's loops; an ELF check replaces the book's
# "file format not recognized" errors):
# - under usr/bin, usr/sbin, usr/libexec: every ELF file;
# - under each libdir (usr/lib, usr/lib32, usr/libx32, or the layout's):
#   *.so* and *.a files that are ELF objects or archives;
# - the libraries the book saves (save_usrlib: the loaders, libc.so.6,
#   libthread_db.so.1, libquadmath, libstdc++, libitm, libatomic) keep their
#   debug information in LIB.dbg beside them, linked with
#   --add-gnu-debuglink, in every libdir as the book's three loops do;
# - the book's "online" lists (bash, find, strip, libbfd, libm, ...) exist
#   only because it strips a running system: staged copies are stripped like
#   the rest.
# Not stripped: *.dbg, usr/lib/debug, object files (crt1.o, ...), scripts.
#
# Its use: `mlfs build --strip` runs
#   strip_staged "$DESTDIR"
# as a "strip" step after each system-stage node's install step.

# the book's save_usrlib, as name patterns
strip_saved_libs=(
	'ld-linux*.so.[0-9]' libc.so.6 libthread_db.so.1
	'libquadmath.so.[0-9]*.[0-9]*.[0-9]*' 'libstdc++.so.[0-9]*.[0-9]*.[0-9]*'
	'libitm.so.[0-9]*.[0-9]*.[0-9]*' 'libatomic.so.[0-9]*.[0-9]*.[0-9]*'
)

# strip_is_elf FILE: FILE starts with the ELF magic
strip_is_elf() {
	[ "$(head -c 4 "$1" | od -An -c | tr -d ' ')" = '177ELF' ]
}

# strip_is_ar FILE: FILE is an ar archive (a static library)
strip_is_ar() {
	[ "$(head -c 8 "$1")" = '!<arch>' ]
}

# strip_saved NAME: NAME is one of the libraries the book keeps debug info of
strip_saved() {
	local p
	for p in "${strip_saved_libs[@]}"; do
		# shellcheck disable=SC2254  # the patterns are globs
		case $1 in $p) return 0 ;; esac
	done
	return 1
}

# strip_one FILE: strip --strip-unneeded, keeping the debug info of a saved
# library in FILE.dbg with a debuglink
strip_one() {
	local f=$1 name=${1##*/}
	if strip_saved "$name" && strip_is_elf "$f"; then
		objcopy --only-keep-debug "$f" "$f.dbg"
		strip --strip-unneeded "$f"
		# the debuglink names the file and its CRC: run beside it
		(cd "${f%/*}" && objcopy --add-gnu-debuglink="$name.dbg" "$name")
	else
		strip --strip-unneeded "$f"
	fi
}

# strip_staged DIR: strip the ELF programs and libraries staged under DIR
strip_staged() {
	local root=${1:?} f n=0
	[ -d "$root/usr" ] || return 0
	while IFS= read -r -d '' f; do
		case $f in
		*.dbg | "$root"/usr/lib/debug/*) continue ;;
		"$root"/usr/bin/* | "$root"/usr/sbin/* | "$root"/usr/libexec/*)
			strip_is_elf "$f" || continue ;;
		*.so | *.so.*) strip_is_elf "$f" || continue ;;
		*.a) strip_is_ar "$f" || continue ;;
		*) continue ;;
		esac
		# a file without write permission (0555 programs) is stripped too
		[ -w "$f" ] || chmod u+w "$f"
		strip_one "$f"
		n=$((n + 1))
	done < <(find "$root"/usr/bin "$root"/usr/sbin "$root"/usr/libexec \
		"$root"/usr/lib* -type f -print0 2>/dev/null)
	echo "strip: $n files stripped under $root"
}

# strip_report ROOT: print the ELF files under ROOT that strip_staged would
# still strip (they have a symbol table); their number is the status (0: none)
strip_report() {
	local root=${1:-} f n=0
	while IFS= read -r -d '' f; do
		case $f in
		*.dbg | "$root"/usr/lib/debug/* | *.o | *.a) continue ;;
		"$root"/usr/bin/* | "$root"/usr/sbin/* | "$root"/usr/libexec/*) ;;
		*.so | *.so.*) ;;
		*) continue ;;
		esac
		strip_is_elf "$f" || continue
		if readelf -S "$f" 2>/dev/null | grep -q -E ' \.(symtab|debug_info) '; then
			echo "not stripped: ${f#"$root"}"
			n=$((n + 1))
		fi
	done < <(find "$root"/usr/bin "$root"/usr/sbin "$root"/usr/libexec \
		"$root"/usr/lib* -type f -print0 2>/dev/null)
	echo "strip: $n unstripped ELF files under ${root:-/}"
	[ "$n" -eq 0 ]
}
