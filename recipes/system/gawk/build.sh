# shellcheck shell=bash
# gawk: LFS 8.60 (include/autotools.sh for configure and make, include/gawk.sh
# for the tree: no extras/, and no doc/ in Debian's tree); LN='ln -f'
# replaces the gawk hard link of Chapter 6. gawk links with readline (its
# debugger) and MPFR (-M) when present (the depends).

check() {
	make check
}

install() {
	local d=${DESTDIR:?} doc=/usr/share/doc/gawk-5.2.1
	make LN='ln -f' DESTDIR="$d" install
	rm -f "$d/usr/share/info/dir"
	# the book's optional documentation
	mkdir -p "$d$doc"
	cp doc/awkforai.txt doc/*.eps doc/*.pdf doc/*.jpg "$d$doc" 2>/dev/null || true
}
