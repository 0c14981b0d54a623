# shellcheck shell=bash
# wheel: LFS 8.53. Built into a wheel with pip (no build isolation: the build
# backend comes from the system, not from an index) and installed from it
# into $DESTDIR. --ignore-installed and --no-deps make pip stage the package
# even when the running system already has a copy of it (or lacks one of its
# run-time dependencies, which their own recipes install).
# wheel-0.38.4 is built with setuptools (later releases use flit_core), which
# the book builds after wheel (the setuptools recipe itself needs wheel to
# build). Python's recipe leaves out the copy its ensurepip installs, so the
# setuptools wheel ensurepip bundles serves here, from PYTHONPATH.

# A tree that holds the built wheel itself (Debian's, where the archive no
# longer serves wheel's source: tests/real/sources.sh) has nothing to build.

build() {
	local whl
	for whl in wheel-*.whl; do
		[ -f "$whl" ] || break
		mkdir -p dist
		cp "$whl" dist/
		return 0
	done
	if ! python3 -c 'import setuptools' 2>/dev/null; then
		for whl in /usr/lib/python3*/ensurepip/_bundled/setuptools-*.whl; do
			[ -f "$whl" ] && export PYTHONPATH=$whl
		done
	fi
	pip3 wheel -w dist --no-cache-dir --no-build-isolation --no-deps "$PWD"
}

install() {
	pip3 install --no-index --find-links dist --no-cache-dir \
		--ignore-installed --no-deps --root "${DESTDIR:?}" wheel
}
