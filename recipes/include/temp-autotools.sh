# shellcheck shell=bash
# temp-autotools.sh: the steps of most Chapter 6 pages: an autotools package
# cross-compiled with $LFS_TGT-gcc (the step's CC) for $LFS, installed with
# DESTDIR into the staging dir. A recipe redefines what differs (build.sh is
# sourced after this file), usually by calling temp_configure with its extra
# configure arguments.

# configure for $LFS_TGT, with the tree's config.guess for --build
# shellcheck disable=SC2120  # the recipes pass arguments
temp_configure() {
	local guess=build-aux/config.guess
	[ -x "$guess" ] || guess=./config.guess
	./configure --prefix=/usr \
		--host="${LFS_TGT:?}" \
		--build="$("$guess")" "$@"
}

configure() {
	# shellcheck disable=SC2119  # no extra arguments
	temp_configure
}

build() {
	make
}

install() {
	make DESTDIR="${DESTDIR:?}" install
	# the info directory file belongs to no package
	rm -f "$DESTDIR/usr/share/info/dir"
}
