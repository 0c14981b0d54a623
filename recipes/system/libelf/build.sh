# shellcheck shell=bash
# libelf: LFS 8.48 "Libelf from Elfutils" (plus the Multilib book's m32/mx32
# sections): elfutils is configured whole but only libelf is built and
# installed, with config/libelf.pc installed by hand. 32 and x32 are configured
# as cross builds. elfutils needs zlib; it also uses bzip2, xz and zstd when
# present, so they are depends (the same ABI's copies are used).

configure() {
	local cross=()
	if [ "${MLFS_HOST:?}" != "${MLFS_BUILD:?}" ]; then
		cross=(--host="$MLFS_HOST" --build="$MLFS_BUILD")
	fi
	./configure --prefix=/usr --libdir="${LIBDIR:?}" --disable-debuginfod \
		--enable-libdebuginfod=dummy "${cross[@]}"
}

build() {
	# what libelf needs: the helper library lib/ (libeu.a) and libelf itself
	make -C lib
	make -C libelf
}

check() {
	# the book runs the whole elfutils test suite, which needs all of elfutils
	# (src/, libdw, tests/); here a small program opens objects of this ABI
	# with the freshly built libelf
	cat >.mlfs-check.c <<'C'
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	Elf *e; GElf_Ehdr h; int fd;
	if (argc < 2 || elf_version(EV_CURRENT) == EV_NONE) return 1;
	if ((fd = open(argv[1], O_RDONLY)) < 0) return 1;
	if (!(e = elf_begin(fd, ELF_C_READ, NULL)) || !gelf_getehdr(e, &h)) return 1;
	printf("%s: class %d machine %d\n", argv[1], gelf_getclass(e), h.e_machine);
	elf_end(e);
	close(fd);
	return 0;
}
C
	# (found through an $ORIGIN rpath; in host mode zlib and the others of
	# this ABI are found in the root through the check step's LD_LIBRARY_PATH)
	# shellcheck disable=SC2086,SC2016
	${CC:?} ${CPPFLAGS:-} -I libelf .mlfs-check.c -o .mlfs-check libelf/libelf.so \
		${LDFLAGS:-} -Wl,-rpath,'$ORIGIN/libelf'
	./.mlfs-check libelf/libelf.so
	./.mlfs-check .mlfs-check
}

install() {
	make DESTDIR="${DESTDIR:?}" -C libelf install
	# `command`: the step function is itself called install
	command install -Dm644 config/libelf.pc "$DESTDIR$LIBDIR/pkgconfig/libelf.pc"
	# the book removes the static library of the primary ABI only
	if [ "${MLFS_ABI:?}" = "${MLFS_PRIMARY_ABI:?}" ]; then
		rm -f "$DESTDIR$LIBDIR/libelf.a"
	fi
}
