# shellcheck shell=bash
# gawk.sh: what gawk-temp (LFS 6.9) and gawk (LFS 8.60) share. As the book
# does, the "extras" directory is left out. Debian's orig (dfsg, built with
# --source) has neither gawk.texi nor gawk.info, so its doc/ cannot build:
# it is left out too (with the manual pages it holds).

prepare() {
	sed -i 's/extras//' Makefile.in
	if [ ! -f doc/gawk.texi ]; then
		sed -i '/^SUBDIRS = /s/ doc / /' Makefile.in
		grep -q '^SUBDIRS = support \. .* awklib po test$' Makefile.in
	fi
}
