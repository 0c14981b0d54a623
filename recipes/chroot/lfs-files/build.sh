# shellcheck shell=bash
# Creating Essential Files and Symlinks: LFS 7.6, the files as the book writes
# them (a tester user is not created: mlfs runs every step as root).

install() {
	local d=${DESTDIR:?}
	mkdir -p "$d/etc" "$d/var/log"
	ln -sfn /proc/self/mounts "$d/etc/mtab"
	cat >"$d/etc/hosts" <<-HOSTS
		127.0.0.1  localhost $(hostname)
		::1        localhost
	HOSTS
	cat >"$d/etc/passwd" <<-PASSWD
		root:x:0:0:root:/root:/bin/bash
		bin:x:1:1:bin:/dev/null:/usr/bin/false
		daemon:x:6:6:Daemon User:/dev/null:/usr/bin/false
		messagebus:x:18:18:D-Bus Message Daemon User:/run/dbus:/usr/bin/false
		uuidd:x:80:80:UUID Generation Daemon User:/dev/null:/usr/bin/false
		nobody:x:65534:65534:Unprivileged User:/dev/null:/usr/bin/false
	PASSWD
	cat >"$d/etc/group" <<-GROUP
		root:x:0:
		bin:x:1:daemon
		sys:x:2:
		kmem:x:3:
		tape:x:4:
		tty:x:5:
		daemon:x:6:
		floppy:x:7:
		disk:x:8:
		lp:x:9:
		dialout:x:10:
		audio:x:11:
		video:x:12:
		utmp:x:13:
		usb:x:14:
		cdrom:x:15:
		adm:x:16:
		messagebus:x:18:
		input:x:24:
		mail:x:34:
		kvm:x:61:
		uuidd:x:80:
		wheel:x:97:
		users:x:999:
		nogroup:x:65534:
	GROUP
	: >"$d/var/log/btmp"
	: >"$d/var/log/lastlog"
	: >"$d/var/log/faillog"
	: >"$d/var/log/wtmp"
	chgrp 13 "$d/var/log/lastlog"
	chmod 664 "$d/var/log/lastlog"
	chmod 600 "$d/var/log/btmp"
}
