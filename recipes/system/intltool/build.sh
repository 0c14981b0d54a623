# shellcheck shell=bash
# intltool: LFS 8.44. The sed fixes a warning of perl 5.22 and later.

prepare() {
	# shellcheck disable=SC2016
	sed -i 's:\\\${:\\\$\\{:' intltool-update.in
}

check() {
	make check
}

install() {
	make DESTDIR="${DESTDIR:?}" install
	# `command`: the step function is itself called install
	command install -Dm644 doc/I18N-HOWTO \
		"$DESTDIR/usr/share/doc/intltool-0.51.0/I18N-HOWTO"
}
