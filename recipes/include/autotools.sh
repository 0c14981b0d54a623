# shellcheck shell=bash
# autotools.sh: the steps of a plain Chapter 8 page: configure for /usr and
# the ABI's libdir, make, make DESTDIR=... install. A recipe redefines what
# differs (build.sh is sourced after this file), usually by calling
# at_configure with its own arguments. For ABIs other than the build
# machine's, --host and --build make it a cross build: x32 programs cannot
# run here, and for i686 --host picks the right assembly.

# ./configure --prefix=/usr --libdir=$LIBDIR [--host --build] "$@"
# shellcheck disable=SC2120  # the recipes pass arguments
at_configure() {
	local cross=()
	if [ "${MLFS_HOST:?}" != "${MLFS_BUILD:?}" ]; then
		cross=(--host="$MLFS_HOST" --build="$MLFS_BUILD")
	fi
	./configure --prefix=/usr --libdir="${LIBDIR:?}" "${cross[@]}" "$@"
}

configure() {
	# shellcheck disable=SC2119  # no extra arguments
	at_configure
}

build() {
	make
}

install() {
	make DESTDIR="${DESTDIR:?}" install
	# the info directory file belongs to no package
	rm -f "$DESTDIR/usr/share/info/dir"
}

# keep only the ABI's libdir of what was staged: the multilib book installs
# the other ABIs' builds into a DESTDIR and copies only their libdir
ml_libonly() {
	# the libdir waits in a dir inside DESTDIR: a contained step may write
	# under DESTDIR only, not beside it
	local d=${DESTDIR:?} keep=${DESTDIR:?}${LIBDIR:?} hold=${DESTDIR:?}/.mlfs-libonly f
	[ -d "$keep" ] || { echo "$MLFS_NAME: nothing staged in $LIBDIR" >&2; return 1; }
	rm -rf "$hold"
	mkdir "$hold"
	mv "$keep" "$hold/libdir"
	for f in "$d"/* "$d"/.[!.]*; do
		[ "$f" != "$hold" ] || continue
		[ -e "$f" ] || [ -L "$f" ] || continue
		rm -rf "$f"
	done
	mkdir -p "${keep%/*}"
	mv "$hold/libdir" "$keep"
	rmdir "$hold"
}
