# shellcheck shell=bash
# gawk.sh: what gawk-temp (LFS 6.9) and gawk (LFS 8.60) share. As the book
# does, the "extras" directory is left out. Debian's orig (dfsg, built with
# --source) has neither gawk.texi nor gawk.info, so its doc/ cannot build:
# it is left out too (with the manual pages it holds), and awklib uses the
# example programs that come extracted.

prepare() {
	sed -i 's/extras//' Makefile.in
	if [ ! -f doc/gawk.texi ]; then
		sed -i '/^SUBDIRS = /s/ doc / /' Makefile.in
		grep -q '^SUBDIRS = support \. .* awklib po test$' Makefile.in
		# awklib's example programs come extracted (eg/, stamp-eg), but
		# their rule names the texinfo sources that are not there
		# shellcheck disable=SC2016  # make's variable
		sed -i 's|^\$(srcdir)/stamp-eg: .*|$(srcdir)/stamp-eg:|' awklib/Makefile.in
		# shellcheck disable=SC2016
		grep -q '^$(srcdir)/stamp-eg:$' awklib/Makefile.in
	fi
}
