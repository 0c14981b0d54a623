# shellcheck shell=bash
# gcc.sh: what the book's multilib gcc pages share (gcc-pass1, gcc-pass2)

# the gcc multilib names of the requested ABIs, 64-bit first: "m64,m32,mx32"
gcc_mlist() {
	local a l=""
	for a in ${MLFS_ABIS:?}; do
		case $a in
		64 | 32 | x32) ;;
		*) echo "$MLFS_NAME: no gcc multilib for ABI '$a'" >&2; return 1 ;;
		esac
	done
	case " $MLFS_ABIS " in *" 64 "*) l=$l,m64 ;; esac
	case " $MLFS_ABIS " in *" 32 "*) l=$l,m32 ;; esac
	case " $MLFS_ABIS " in *" x32 "*) l=$l,mx32 ;; esac
	echo "${l#,}"
}

# mpfr, gmp and mpc in the tree (the recipe's sources 1..3), for the passes
# that cannot use the system's
gcc_intree() {
	local d i=1
	for d in mpfr gmp mpc; do
		local v="MLFS_SOURCE_$i"
		rm -rf "$d"
		mkdir "$d"
		tar -xf "${!v:?}" -C "$d" --strip-components=1 --no-same-owner
		i=$((i + 1))
	done
	# Debian's dfsg gmp (doc/ removed) needs its configure and Makefile.in
	# told so; the upstream tarball has doc/
	[ -d gmp/doc ] || {
		sed -i 's@ doc/Makefile tune/Makefile@ tune/Makefile@' gmp/configure
		sed -i 's@^SUBDIRS = \(.*\) doc$@SUBDIRS = \1@' gmp/Makefile.in
	}
}

# gcc_osdir ABI DEFAULT: the ABI's libdir under /usr (lib32,
# lib/i386-linux-gnu), DEFAULT when the ABI is not requested
gcc_osdir() {
	local v="MLFS_LIBDIR_$1"
	local d=${!v:-/usr/$2}
	echo "${d#/usr/}"
}

# the tree as the multilib book edits it: the layout's libdirs in t-linux64, and
# 32-bit code that realigns its stack for SSE
gcc_prepare() {
	# Debian's dfsg tree: the GFDL gcc/doc/tm.texi.in is an empty stub, which
	# genhooks cannot check against the target hooks; s-tm-texi then only
	# copies it, as Debian's own gcc-gfdl-build.diff does
	# shellcheck disable=SC2016
	if grep -q 'non DFSG free' gcc/doc/tm.texi.in; then
		sed -i '/^s-tm-texi: build\/genhooks/,/^\tfi$/c\s-tm-texi: build/genhooks$(build_exeext) $(srcdir)/doc/tm.texi.in\n\tcat $(srcdir)/doc/tm.texi.in > tmp-tm.texi\n\t$(STAMP) $@' \
			gcc/Makefile.in
		grep -q '^	cat $(srcdir)/doc/tm.texi.in > tmp-tm.texi$' gcc/Makefile.in
	fi
	# the layout's libdirs as gcc's multilib os dirs, relative to its lib:
	# lfs: m64 in ../lib, m32 in ../lib32 (mx32 keeps ../libx32);
	# multiarch: ../lib/x86_64-linux-gnu ...; $(call ...) is make's
	local o64 o32 ox32 ex
	o64=$(gcc_osdir 64 lib64) o32=$(gcc_osdir 32 lib32) ox32=$(gcc_osdir X32 libx32)
	ex=(-e "/m64=/s/lib64/${o64//\//\\/}/"
		-e "/m32=/s/m32=.*/m32=..\/${o32//\//\\/}\$(call if_multiarch,:i386-linux-gnu)/")
	[ "$ox32" = libx32 ] || ex+=(-e "/mx32=/s/libx32/${ox32//\//\\/}/")
	sed "${ex[@]}" -i.orig gcc/config/i386/t-linux64
	grep -q "m64=../$o64\b" gcc/config/i386/t-linux64
	grep -q "mx32=../$ox32" gcc/config/i386/t-linux64
	case " $MLFS_ABIS " in
	*" 32 "*)
		sed '/STACK_REALIGN_DEFAULT/s/0/(!TARGET_64BIT \&\& TARGET_SSE)/' \
			-i gcc/config/i386/i386.h ;;
	esac
}
