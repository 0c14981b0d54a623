# shellcheck shell=bash
# grub: LFS 8.63, built for BIOS booting: the default platform of an x86_64
# build is i386-pc (64-bit host tools, 32-bit boot code), as in the book.
# UEFI is BLFS's business (grub-efi).
# The book's grub-2.06-upstream_fixes-1.patch (grub-install fails on a /boot
# made by e2fsprogs 1.47) is the two upstream commits 7fd5feff ("fs/ext2:
# Ignore checksum seed incompat feature") and 2e9fa73a ("fs/ext2: Ignore the
# large_dir incompat feature"), which Debian's grub2 2.06-13 carries as
# ignore_checksum_seed_incompat_feature.patch and
# ignore_the_large_dir_incompat_feature.patch; prepare() makes the same code
# change with sed (comments aside) and fails if the source does not match.
# The package's test suite is not run (the book does not recommend it).

prepare() {
	local f=grub-core/fs/ext2.c
	sed -i -e '/^#define EXT4_FEATURE_INCOMPAT_FLEX_BG/a\
#define EXT4_FEATURE_INCOMPAT_CSUM_SEED\t\t0x2000\
#define EXT4_FEATURE_INCOMPAT_LARGEDIR\t\t0x4000 /* >2GB or 3 level htree */' \
		-e 's/^\(\t*     | EXT4_FEATURE_INCOMPAT_MMP\))$/\1 \\\
\t\t\t\t     | EXT4_FEATURE_INCOMPAT_CSUM_SEED \\\
\t\t\t\t     | EXT4_FEATURE_INCOMPAT_LARGEDIR)/' "$f"
	grep -q '| EXT4_FEATURE_INCOMPAT_LARGEDIR)$' "$f"
	[ "$(grep -c 'EXT4_FEATURE_INCOMPAT_\(CSUM_SEED\|LARGEDIR\)' "$f")" -eq 4 ]
}

configure() {
	# the book: no compiler flags reach a boot loader. In host mode this
	# also drops the root's -I/-L, so optional libraries (liblzma, fuse,
	# devmapper, freetype) are only found on the build machine.
	unset CFLAGS CPPFLAGS CXXFLAGS LDFLAGS
	at_configure --sysconfdir=/etc --disable-efiemu --disable-werror
}

install() {
	local d=${DESTDIR:?}
	make DESTDIR="$d" install
	rm -f "$d/usr/share/info/dir"
	# the book moves the bash completion to where bash-completion looks
	mkdir -p "$d/usr/share/bash-completion/completions"
	mv "$d/etc/bash_completion.d/grub" "$d/usr/share/bash-completion/completions"
	rmdir --ignore-fail-on-non-empty "$d/etc/bash_completion.d"
}
