# shellcheck shell=bash
# vim: LFS 8.72 (include/autotools.sh for make), with the page's /etc/vimrc.
# The source is upstream's tag v9.0.1378 (commit c99cbf8f...), the version of
# Debian 12; Debian's vim_9.0.1378.orig.tar.xz has the same files, so
# --source vim=DIR with that tree builds the same program.
# --without-x --disable-gui: LFS has no X; without them configure would find
# the build machine's X headers in host mode (the book's vim has no GUI).
# No check step: the book runs the test suite as the non-root user tester.

prepare() {
	# the system vimrc is /etc/vimrc
	echo '#define SYS_VIMRC_FILE "/etc/vimrc"' >>src/feature.h
}

configure() {
	at_configure --without-x --disable-gui
}

install() {
	local d=${DESTDIR:?} l
	make DESTDIR="$d" install
	# vi is vim, for the program and the manual pages of every language
	ln -sf vim "$d/usr/bin/vi"
	for l in "$d"/usr/share/man/man1/vim.1 "$d"/usr/share/man/*/man1/vim.1; do
		[ -e "$l" ] || continue
		ln -sf vim.1 "$(dirname "$l")/vi.1"
	done
	# the documentation, also under /usr/share/doc
	mkdir -p "$d/usr/share/doc"
	ln -sfn ../vim/vim90/doc "$d/usr/share/doc/vim-9.0.1378"
	# the book's configuration (Configuring Vim)
	mkdir -p "$d/etc"
	cat >"$d/etc/vimrc" <<"VIMRC"
" Begin /etc/vimrc

" Ensure defaults are set before customizing settings, not after
source $VIMRUNTIME/defaults.vim
let skip_defaults_vim=1

set nocompatible
set backspace=2
set mouse=
syntax on
if (&term == "xterm") || (&term == "putty")
  set background=dark
endif

" End /etc/vimrc
VIMRC
}
