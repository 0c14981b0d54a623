# shellcheck shell=bash
# meson: LFS 8.56. Built into a wheel with pip (no build isolation: the build
# backend comes from the system, not from an index) and installed from it
# into $DESTDIR. --ignore-installed and --no-deps make pip stage the package
# even when the running system already has a copy of it (or lacks one of its
# run-time dependencies, which their own recipes install).
# The build backend is setuptools (with wheel). Meson's tests are not run (the
# book runs none).

build() {
	pip3 wheel -w dist --no-cache-dir --no-build-isolation --no-deps "$PWD"
}

install() {
	pip3 install --no-index --find-links dist --no-cache-dir \
		--ignore-installed --no-deps --root "${DESTDIR:?}" meson
	# shell completions (`command`: the step function is itself called install)
	command install -Dm644 data/shell-completions/bash/meson \
		"$DESTDIR/usr/share/bash-completion/completions/meson"
	command install -Dm644 data/shell-completions/zsh/_meson \
		"$DESTDIR/usr/share/zsh/site-functions/_meson"
}
