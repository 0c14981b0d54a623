# shellcheck shell=bash
# shadow: LFS 8.27, version 4.13 as in LFS 12.0: yescrypt and bcrypt
# passwords from libxcrypt; libacl and libattr when present (the depends).
# No test suite. Left out, as they act on the installed system rather than
# install files: the book's `touch /usr/bin/passwd` (replaced by the configure
# cache variable below), pwconv, grpconv, `useradd -D --gid 999` (which
# writes /etc/default/useradd) and `passwd root`.

prepare() {
	# coreutils installs groups; man-pages installs getspnam(3), passwd(5)
	# shellcheck disable=SC2016  # make variable
	sed -i 's/groups$(EXEEXT) //' src/Makefile.in
	find man -name Makefile.in -exec sed -i 's/groups\.1 / /' {} \;
	find man -name Makefile.in -exec sed -i 's/getspnam\.3 / /' {} \;
	find man -name Makefile.in -exec sed -i 's/passwd\.5 / /' {} \;
	# yescrypt instead of DES, /var/mail, no /bin and /sbin in PATH
	sed -e 's:#ENCRYPT_METHOD DES:ENCRYPT_METHOD YESCRYPT:' \
		-e 's:/var/spool/mail:/var/mail:' \
		-e '/PATH=/{s@/sbin:@@;s@/bin:@@}' \
		-i etc/login.defs
}

configure() {
	# the programs run the passwd program as /usr/bin/passwd (the book
	# touches that file so that configure picks it)
	shadow_cv_passwd_dir=/usr/bin \
		./configure --sysconfdir=/etc --libdir="${LIBDIR:?}" --disable-static \
		--with-bcrypt --with-yescrypt --with-group-name-max-length=32
}

build() {
	make
}

install() {
	local d=${DESTDIR:?}
	make exec_prefix=/usr DESTDIR="$d" install
	make -C man DESTDIR="$d" install-man
	# the book creates /etc/default for useradd -D
	mkdir -p "$d/etc/default"
}
