# shellcheck shell=bash
# attr: LFS 8.23 (plus the Multilib book's m32/mx32 sections): plain autotools.
# 32 and x32 are configured as cross builds (--host/--build).

configure() {
	local cross=()
	if [ "${MLFS_HOST:?}" != "${MLFS_BUILD:?}" ]; then
		cross=(--host="$MLFS_HOST" --build="$MLFS_BUILD")
	fi
	./configure --prefix=/usr --libdir="${LIBDIR:?}" --disable-static \
		--sysconfdir=/etc --docdir=/usr/share/doc/attr-2.5.1 "${cross[@]}"
}

build() {
	make
}

check() {
	make check
}

install() {
	make DESTDIR="${DESTDIR:?}" install
}
