# shellcheck shell=bash
# Python: LFS 7.10, a shared libpython and no pip (the modules whose
# libraries are not in the chroot yet are left out by setup.py; that is
# expected here).

configure() {
	./configure --prefix=/usr --enable-shared --without-ensurepip
}

build() {
	make
}

install() {
	make DESTDIR="${DESTDIR:?}" install
}
