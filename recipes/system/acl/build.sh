# shellcheck shell=bash
# acl: LFS 8.24 (plus the Multilib book's m32/mx32 sections, which also set
# --libexecdir to the ABI's libdir). 32 and x32 are configured as cross builds.
# The book runs acl's tests only after coreutils is built with acl support, so
# there is no check step here.

configure() {
	local cross=()
	if [ "${MLFS_HOST:?}" != "${MLFS_BUILD:?}" ]; then
		cross=(--host="$MLFS_HOST" --build="$MLFS_BUILD")
	fi
	./configure --prefix=/usr --libdir="${LIBDIR:?}" --libexecdir="$LIBDIR" \
		--disable-static --docdir=/usr/share/doc/acl-2.3.1 "${cross[@]}"
}

build() {
	make
}

install() {
	make DESTDIR="${DESTDIR:?}" install
}
