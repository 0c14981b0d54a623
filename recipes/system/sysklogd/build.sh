# shellcheck shell=bash
# sysklogd: LFS 8.82 (the sysklogd-1.5.1 page of LFS 11.3; Debian 12 has no
# sysklogd, so the version is the book's of that time), with the page's
# /etc/syslog.conf. A plain Makefile: it hard-codes CC, and installs under
# $(prefix)/usr/sbin and $(prefix)/usr/share/man into existing directories
# (the book's BINDIR=/sbin is the same place in LFS, where /sbin links to
# usr/sbin). The package has no test suite.

prepare() {
	# the book: no segfault in klogd when kernel symbols fail to load, and
	# no obsolete "union wait"
	sed -i '/Error loading kernel symbols/{n;n;d}' ksym_mod.c
	sed -i 's/union wait/int/' syslogd.c
}

build() {
	make CC="${CC:?}"
}

install() {
	local d=${DESTDIR:?}
	mkdir -p "$d/usr/sbin" "$d/usr/share/man/man5" "$d/usr/share/man/man8"
	# the manual pages are installed with -o/-g: the building user's, so
	# that a build that is not run as root works too
	make CC="$CC" prefix="$d" MAN_USER="$(id -un)" MAN_GROUP="$(id -gn)" install
	# the book's configuration (Configuring Sysklogd)
	mkdir -p "$d/etc"
	cat >"$d/etc/syslog.conf" <<"CONF"
# Begin /etc/syslog.conf

auth,authpriv.* -/var/log/auth.log
*.*;auth,authpriv.none -/var/log/sys.log
daemon.* -/var/log/daemon.log
kern.* -/var/log/kern.log
mail.* -/var/log/mail.log
user.* -/var/log/user.log
*.emerg *

# End /etc/syslog.conf
CONF
}
