# shellcheck shell=bash
# Python: LFS 8.50, for 64 and 32 as the multilib seed notes describe it.
# - No --host and no --libdir: Python's cross build is fragile and it keeps
#   its modules in /usr/lib/python3.11 whatever the libdir. Each ABI's build
#   runs the interpreter it builds, so an ABI is built only where this
#   machine runs its programs ("needs_run"): x32 is left out, and the plan
#   says why, on a kernel without x32 support, and built where it runs.
# - The extension modules of each ABI sit side by side in lib-dynload by
#   their platform suffix (cpython-311-x86_64-linux-gnu,
#   cpython-311-i386-linux-gnu); the pure-Python files are the same for both
#   (the primary's copy is kept where bytecode differs).
# - libpython3.11.so and python-3.11.pc of the 32-bit build are staged in
#   /usr/lib and moved to /usr/lib32 by the merge ("relocate"); pyconfig.h
#   differs and is wrapped; python3.11-config is installed per triplet
#   (<triplet>-python3.11-config), naming the ABI's libdir.
# - pip is installed once, by the primary ABI, from the wheel ensurepip
#   bundles, by that pip with --ignore-installed: `make install`'s ensurepip
#   stages nothing when the running system has a pip already (a rebuild).
#   The setuptools that Python 3.11's ensurepip would install beside it is
#   left out: the book's setuptools page replaces it (pip uninstalls the old
#   copy first), and here the setuptools package installs its own, so that
#   no file has two owners and no two setuptools versions sit side by side.
#   Until then the copy ensurepip bundles (ensurepip/_bundled/setuptools-*.whl)
#   serves the wheel page's build.
# Not done: --enable-optimizations (it runs the test suite during the build:
# the better part of an hour on 2 cores), and the book's /etc/pip.conf.

# host mode: the build runs the new interpreter, which checks each extension
# module by importing it; it must find the root's libraries of its ABI (the
# 32-bit libssl and libffi are not on the build machine), or the module is
# set aside as *_failed.so
if [ -n "${MLFS_ROOT:-}" ]; then
	export LD_LIBRARY_PATH="$MLFS_ROOT${LIBDIR:?}"
fi

configure() {
	CC="${CC:?}" CXX="${CXX:?}" ./configure --prefix=/usr \
		--enable-shared \
		--with-system-expat \
		--with-system-ffi \
		--without-ensurepip
}

install() {
	local cfg=${DESTDIR:?}/usr/bin/python3.11-config
	make DESTDIR="$DESTDIR" install
	if [ "${MLFS_ABI:?}" = "${MLFS_PRIMARY_ABI:?}" ]; then
		# pip runs from its wheel, with the interpreter just built (its
		# scripts then name /usr/bin/python3.11)
		local whl
		whl=$(echo Lib/ensurepip/_bundled/pip-*.whl)
		LD_LIBRARY_PATH=$PWD${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} ./python -E -s "$whl/pip" \
			install --no-cache-dir --no-index --ignore-installed --no-deps \
			--disable-pip-version-check --no-warn-script-location --root "$DESTDIR" "$whl"
		test -x "$DESTDIR/usr/bin/pip3"
		grep -qx '#!/usr/bin/python3.11' <(head -n 1 "$DESTDIR/usr/bin/pip3")
		return 0
	fi
	# python3.11-config names the libdir as ${exec_prefix}/lib; this ABI's
	# libpython is in $LIBDIR (the merge moves it there)
	sed -i "s|^libdir=\$(echo \"\${exec_prefix}/lib\"|libdir=\$(echo \"\${exec_prefix}/${LIBDIR_MULTI:?}\"|" "$cfg"
	grep -q "^libdir=\$(echo \"\${exec_prefix}/$LIBDIR_MULTI\"" "$cfg"
}
