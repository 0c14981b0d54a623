# shellcheck shell=bash
# perl: LFS 8.42. The book's `export BUILD_ZLIB=False BUILD_BZIP2=0` (use the
# system zlib and bzip2 for Compress-Raw-*) is the recipe's "env", so every
# step sees it. Modules go under /usr/lib/perl5/5.36/{core,site,vendor}_perl.
# installperl and installman honour DESTDIR.

configure() {
	sh Configure -des \
		-Dprefix=/usr \
		-Dvendorprefix=/usr \
		-Dprivlib=/usr/lib/perl5/5.36/core_perl \
		-Darchlib=/usr/lib/perl5/5.36/core_perl \
		-Dsitelib=/usr/lib/perl5/5.36/site_perl \
		-Dsitearch=/usr/lib/perl5/5.36/site_perl \
		-Dvendorlib=/usr/lib/perl5/5.36/vendor_perl \
		-Dvendorarch=/usr/lib/perl5/5.36/vendor_perl \
		-Dman1dir=/usr/share/man/man1 \
		-Dman3dir=/usr/share/man/man3 \
		-Dpager="/usr/bin/less -isR" \
		-Duseshrplib \
		-Dusethreads
}

build() {
	make
}

check() {
	TEST_JOBS="${MLFS_JOBS:-1}" make test_harness
}

install() {
	make DESTDIR="${DESTDIR:?}" install
}
