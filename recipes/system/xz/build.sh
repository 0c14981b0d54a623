# shellcheck shell=bash
# xz: LFS 8.6. 32 and x32 are configured as cross builds (--host/--build):
# x32 programs cannot run here, and --host selects the right assembly for i686.

configure() {
	local cross=()
	if [ "${MLFS_HOST:?}" != "${MLFS_BUILD:?}" ]; then
		cross=(--host="$MLFS_HOST" --build="$MLFS_BUILD")
	fi
	./configure --prefix=/usr --libdir="${LIBDIR:?}" --disable-static \
		--docdir=/usr/share/doc/xz-5.4.1 "${cross[@]}"
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
