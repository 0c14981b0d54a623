# shellcheck shell=bash
# Creating Directories: LFS 7.5. The multilib dirs (lib32, libx32 and their
# links) come from mlfs's layout glue (and /lib is usr/lib: the firmware
# dir is staged there); these are the book's others, staged
# and merged like a package's files (so the manifest owns them).

install() {
	local d=${DESTDIR:?} x
	cd "$d" || return
	mkdir -p boot home mnt opt srv etc/opt etc/sysconfig usr/lib/firmware \
		media/floppy media/cdrom usr/local/bin usr/local/lib usr/local/sbin
	for x in usr usr/local; do
		mkdir -p "$x/include" "$x/src" "$x/share/color" "$x/share/dict" \
			"$x/share/doc" "$x/share/info" "$x/share/locale" "$x/share/misc" \
			"$x/share/terminfo" "$x/share/zoneinfo" "$x"/share/man/man{1..8}
	done
	mkdir -p var/cache var/local var/log var/mail var/opt var/spool \
		var/lib/color var/lib/misc var/lib/locate
	ln -sfn /run var/run
	ln -sfn /run/lock var/lock
	command install -d -m 0750 root
	command install -d -m 1777 tmp var/tmp
}
