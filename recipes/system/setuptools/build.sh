# shellcheck shell=bash
# setuptools: LFS 8.54. Built into a wheel with pip (no build isolation: the build
# backend comes from the system, not from an index) and installed from it
# into $DESTDIR. --ignore-installed and --no-deps make pip stage the package
# even when the running system already has a copy of it (or lacks one of its
# run-time dependencies, which their own recipes install).
# setuptools builds itself; setuptools-66 needs the wheel package for that.

build() {
	pip3 wheel -w dist --no-cache-dir --no-build-isolation --no-deps "$PWD"
}

install() {
	pip3 install --no-index --find-links dist --no-cache-dir \
		--ignore-installed --no-deps --root "${DESTDIR:?}" setuptools
}
