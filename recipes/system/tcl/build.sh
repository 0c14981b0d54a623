# shellcheck shell=bash
# tcl: LFS 8.14. Built in unix/; libtcl8.6.so links the system zlib (the
# depends). The book's optional HTML documentation (tcl8.6.13-html.tar.gz) is
# not installed.
# Debian's dfsg tree (built with --source tcl=DIR) has no bundled packages in
# pkgs/ (itcl, tdbc, thread, sqlite): their seds are skipped when absent.

configure() {
	cd unix || return
	./configure --prefix=/usr --libdir="${LIBDIR:?}" --mandir=/usr/share/man \
		--disable-rpath
}

build() {
	local src lib=${LIBDIR:?}
	src=$(pwd)
	cd unix || return
	make
	# the book: the configuration scripts name the install directories
	# instead of the build tree
	sed -e "s|$src/unix|$lib|" \
		-e "s|$src|/usr/include|" \
		-i tclConfig.sh
	if [ -f pkgs/tdbc1.1.5/tdbcConfig.sh ]; then
		sed -e "s|$src/unix/pkgs/tdbc1.1.5|$lib/tdbc1.1.5|" \
			-e "s|$src/pkgs/tdbc1.1.5/generic|/usr/include|" \
			-e "s|$src/pkgs/tdbc1.1.5/library|$lib/tcl8.6|" \
			-e "s|$src/pkgs/tdbc1.1.5|/usr/include|" \
			-i pkgs/tdbc1.1.5/tdbcConfig.sh
	fi
	if [ -f pkgs/itcl4.2.3/itclConfig.sh ]; then
		sed -e "s|$src/unix/pkgs/itcl4.2.3|$lib/itcl4.2.3|" \
			-e "s|$src/pkgs/itcl4.2.3/generic|/usr/include|" \
			-e "s|$src/pkgs/itcl4.2.3|/usr/include|" \
			-i pkgs/itcl4.2.3/itclConfig.sh
	fi
}

check() {
	cd unix || return
	make test
}

install() {
	local d=${DESTDIR:?}
	cd unix || return
	make DESTDIR="$d" install
	# writable, so that debugging symbols can be stripped later
	chmod u+w "$d${LIBDIR:?}/libtcl8.6.so"
	# Expect needs the private headers
	make DESTDIR="$d" install-private-headers
	ln -sf tclsh8.6 "$d/usr/bin/tclsh"
	# conflicts with a Perl man page
	mv "$d/usr/share/man/man3/Thread.3" "$d/usr/share/man/man3/Tcl_Thread.3"
}
