# shellcheck shell=bash
# gmp: LFS 8.19. The ABI is chosen with ABI= (32, 64 or x32); 32 and x32 are
# also configured as cross builds. Generic config.guess/config.sub keep the
# code portable (no CPU-specific tuning of the build machine).
# gmp.h differs per ABI (GMP_LIMB_BITS, _LONG_LONG_LIMB): the merge wraps it,
# so there is no per-ABI --includedir as in the book.

prepare() {
	cp configfsf.guess config.guess
	cp configfsf.sub config.sub
	# Debian's dfsg tree (built with --source gmp=DIR) has no doc/
	[ -d doc ] || {
		sed -i 's@ doc/Makefile tune/Makefile@ tune/Makefile@' configure
		sed -i 's@^SUBDIRS = \(.*\) doc$@SUBDIRS = \1@' Makefile.in
	}
}

configure() {
	local cross=()
	if [ "${MLFS_HOST:?}" != "${MLFS_BUILD:?}" ]; then
		cross=(--host="$MLFS_HOST" --build="$MLFS_BUILD")
	fi
	ABI="${MLFS_GMP_ABI:?}" ./configure --prefix=/usr --libdir="${LIBDIR:?}" \
		--enable-cxx --disable-static --docdir=/usr/share/doc/gmp-6.2.1 "${cross[@]}"
}

build() {
	make
	# the test programs are built here, on the build machine; check only
	# runs them (in a QEMU guest for an ABI that runs only there)
	make check TESTS=
}

check() {
	# critical: all 197 tests must pass
	make check 2>&1 | tee gmp-check-log
	local n
	n=$(awk '/# PASS:/{total+=$3} END{print total+0}' gmp-check-log)
	echo "gmp: $n tests passed"
	[ "$n" -ge 197 ]
}

install() {
	make DESTDIR="${DESTDIR:?}" install
	# the info directory file is owned by no package (texinfo rebuilds it)
	rm -f "$DESTDIR/usr/share/info/dir"
}
