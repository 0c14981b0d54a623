# shellcheck shell=bash
# glibc: LFS 8.5 with the Multilib book's m32 and mx32 sections: one node per
# ABI, 64 first (primary_first), then 32 and x32 side by side. 32 and x32 are
# configured with --host (i686-pc-linux-gnu, x86_64-pc-linux-gnux32), their
# libdir as --libdir, --libexecdir and libc_cv_slibdir, and -m32/-mx32 from
# the step's CC. Every ABI installs with DESTDIR; the book copies only the
# libdir and gnu/{lib-names,stubs}-NN.h out of the 32 and x32 builds, and the
# merge does the same: identical headers once, the per-ABI ones by their
# names, the 64-bit programs, locales and configuration files (the "primary"
# rules). ld.so.conf with every libdir and the loader links come from mlfs's
# glue.
# --disable-crypt: libcrypt is libxcrypt's (LFS 8.26), as with the book's
# glibc, which no longer builds its own.
# Not done: the FHS patch (no copy of glibc-2.36-fhs-1.patch at hand), the
# test suite (the book expects failures; a failure would stop the node), the
# time zone data (a separate tarball), nscd (disabled, as the multilib book's
# later versions do).

# in host mode, the root's flags must not reach glibc's build: it builds
# against its own headers
unset CPPFLAGS LDFLAGS

prepare() {
	# Debian's orig (--source) has no manual/ (GFDL): take it out of the
	# subdirectories, or make stops at "manual: No such file or directory"
	if [ ! -d manual ]; then
		sed -i 's/ wctype manual shadow / wctype shadow /' Makeconfig
		! grep -q ' manual ' Makeconfig
	fi
	# the installed test is not run: it checks the new libc against /
	# shellcheck disable=SC2016  # make's variable
	sed '/test-installation/s@$(PERL)@echo not running@' -i Makefile
}

configure() {
	local multi=()
	# every ABI's programs find the one locale archive of /usr/lib/locale
	# (by default a 32-bit libc looks in its own libdir, /usr/lib32/locale)
	multi+=(libc_cv_complocaledir=/usr/lib/locale)
	if [ "${MLFS_ABI:?}" != "${MLFS_PRIMARY_ABI:?}" ]; then
		multi+=(--host="${MLFS_HOST:?}" --enable-multi-arch
			--libdir="${LIBDIR:?}" --libexecdir="$LIBDIR")
	elif [ -n "$(libdir_arg)" ]; then
		multi=("$(libdir_arg)")
	fi
	mkdir -p build
	cd build || return
	echo "rootsbindir=/usr/sbin" >configparms
	CC="${CC:?}" CXX="${CXX:?}" ../configure --prefix=/usr \
		--build="$(../scripts/config.guess)" \
		--disable-werror \
		--disable-nscd \
		--disable-crypt \
		--enable-kernel=3.2 \
		--enable-stack-protector=strong \
		--with-headers=/usr/include \
		libc_cv_slibdir="${LIBDIR:?}" \
		"${multi[@]}"
}

build() {
	make -C build
}

install() {
	local d=${DESTDIR:?}
	mkdir -p "$d/etc"
	: >"$d/etc/ld.so.conf"
	make -C build DESTDIR="$d" install
	# mlfs's glue writes ld.so.conf (every libdir)
	rm -f "$d/etc/ld.so.conf"
	rm -f "$d/usr/share/info/dir"
	# the primary ABI's programs are merged (the 32-bit build's ldd knows
	# its own loader alone, and goes)
	[ "$MLFS_ABI" = "$MLFS_PRIMARY_ABI" ] || return 0
	# one ldd serves every ABI: its RTLDLIST names the loaders by their fixed
	# paths (upstream's rewrite gives /usr/lib... names, the book strips /usr)
	sed '/RTLDLIST=/s@/usr@@g' -i "$d/usr/bin/ldd"
	ldd_layout "$d/usr/bin/ldd"
	# checked in every layout: each requested ABI's loader is in the list
	local rtld l
	rtld=$(sed -n 's/^RTLDLIST="\(.*\)"$/ \1 /p' "$d/usr/bin/ldd")
	for l in ${MLFS_LOADERS:?}; do
		case $rtld in *" $l "*) ;; *) echo "ldd: RTLDLIST '$rtld' lacks $l" >&2; return 1 ;; esac
	done
	# the book's locales, compiled into the staged locale archive
	mkdir -p "$d/usr/lib/locale"
	locales "$d"
}

# the book's list of locales, with the new localedef and its data
locales() {
	local d=$1 l name input charmap
	for l in C.UTF-8:C:UTF-8 cs_CZ.UTF-8:cs_CZ:UTF-8 de_DE:de_DE:ISO-8859-1 \
		de_DE@euro:de_DE@euro:ISO-8859-15 de_DE.UTF-8:de_DE:UTF-8 \
		el_GR.ISO-8859-7:el_GR:ISO-8859-7 en_GB.ISO-8859-1:en_GB:ISO-8859-1 \
		en_GB.UTF-8:en_GB:UTF-8 en_HK.ISO-8859-1:en_HK:ISO-8859-1 \
		en_PH.ISO-8859-1:en_PH:ISO-8859-1 en_US.ISO-8859-1:en_US:ISO-8859-1 \
		en_US.UTF-8:en_US:UTF-8 es_ES.ISO-8859-15:es_ES:ISO-8859-15 \
		es_MX.ISO-8859-1:es_MX:ISO-8859-1 fa_IR:fa_IR:UTF-8 fr_FR:fr_FR:ISO-8859-1 \
		fr_FR@euro:fr_FR@euro:ISO-8859-15 fr_FR.UTF-8:fr_FR:UTF-8 \
		is_IS.ISO-8859-1:is_IS:ISO-8859-1 is_IS.UTF-8:is_IS:UTF-8 \
		it_IT.ISO-8859-1:it_IT:ISO-8859-1 it_IT.ISO-8859-15:it_IT@euro:ISO-8859-15 \
		it_IT.UTF-8:it_IT:UTF-8 ja_JP.EUC-JP:ja_JP:EUC-JP ja_JP.SJIS:ja_JP:SHIFT_JIS ja_JP.UTF-8:ja_JP:UTF-8 \
		nl_NL@euro:nl_NL@euro:ISO-8859-15 ru_RU.KOI8-R:ru_RU:KOI8-R \
		ru_RU.UTF-8:ru_RU:UTF-8 se_NO.UTF-8:se_NO:UTF-8 tr_TR.UTF-8:tr_TR:UTF-8 \
		zh_CN.GB18030:zh_CN:GB18030 zh_HK.BIG5-HKSCS:zh_HK:BIG5-HKSCS \
		zh_TW.UTF-8:zh_TW:UTF-8; do
		IFS=: read -r name input charmap <<<"$l"
		I18NPATH=localedata "$d/usr/bin/localedef" --prefix="$d" \
			-i "$input" -f "$charmap" "$name" 2>/dev/null || true
	done
}
