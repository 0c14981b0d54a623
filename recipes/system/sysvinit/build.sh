# shellcheck shell=bash
# sysvinit: LFS 8.83 (the sysvinit-3.06 page of LFS 11.3). A plain Makefile
# in src/ (the top one also runs man/).
# The book applies sysvinit-3.06-consolidated-1.patch, LFS's own patch (not in
# Debian, so not obtainable and verifiable here). Its purpose is done without
# it: the program and manual page lists are given to make, so that only what
# the book's page lists is installed (bootlogd, fstab-decode, halt, init,
# killall5, poweroff, reboot, runlevel, shutdown, telinit). last, lastb, mesg,
# wall, sulogin, utmpdump and mountpoint are util-linux's, pidof is
# procps-ng's, logsave is e2fsprogs'; readbootlog is left out as well. The
# message the patch clarifies already reads "configured via /etc/inittab" in
# 3.06; its compiler-warning fix is not needed for the build.
# The Makefile installs into /sbin and /bin; install() moves those files to
# /usr/sbin and /usr/bin (in LFS /sbin and /bin link to them).
# The package has no test suite.

# make's command line overrides the Makefile's lists (and its += for the
# default DISTRO)
sysv_lists=(
	"BIN="
	"SBIN=init halt shutdown runlevel killall5 fstab-decode bootlogd"
	"USRBIN="
	"MAN1="
	"MAN5=initscript.5 inittab.5 initctl.5"
	"MAN8=halt.8 init.8 killall5.8 poweroff.8 reboot.8 runlevel.8 shutdown.8 telinit.8 fstab-decode.8 bootlogd.8"
)

build() {
	make "${sysv_lists[@]}"
}

install() {
	local d=${DESTDIR:?} f
	make "${sysv_lists[@]}" ROOT="$d" install
	# the links for programs of other packages (pidof, lastb)
	rm -f "$d/bin/pidof" "$d/usr/bin/lastb"
	mkdir -p "$d/usr/sbin"
	for f in "$d"/sbin/*; do
		mv "$f" "$d/usr/sbin/"
	done
	rmdir "$d/sbin" "$d/bin"
	rmdir --ignore-fail-on-non-empty "$d/usr/bin"
}
