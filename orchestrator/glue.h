/* glue: the files a multilib root needs that no package installs, generated
   from the ABI profiles and the layout:
     the layout's links (/lib32 -> usr/lib32)
     loader links where the loader's path is not in its libdir
       (/lib64/ld-linux-x86-64.so.2 -> ../usr/lib/ld-linux-x86-64.so.2), made
       only once the loader is in the root
     /etc/ld.so.conf.d/mlfs-multilib.conf listing every libdir (and, when
       it is missing, the book's /etc/ld.so.conf: /usr/local/lib, /opt/lib
       and an include of that directory)
     /usr/bin/<triplet>-pkg-config and its pkgconf personality
       /usr/share/pkgconfig/personality.d/<triplet>.personality
     /usr/bin/<triplet>-gcc and -g++ for every ABI but 64 (the build machine's)
       (exec gcc -m32 "$@")
     /usr/share/mlfs/meson/native-<abi>.ini   a meson native file for every ABI
     /usr/share/mlfs/meson/cross-<abi>.ini    a meson cross file for every ABI but 64
     /usr/share/mlfs/cmake/<abi>.cmake   a CMake toolchain file
     /usr/share/mlfs/cargo/config.toml   Rust linkers for the other ABIs' targets,
                                         and every target's pkg-config ([env])
     /var/lib/mlfs/glue.list   every file and link above (and the loader
                               cache, outside host mode), for mlfs verify
   The pkg-config wrappers ignore the caller's PKG_CONFIG_PATH, _LIBDIR and
   _SYSROOT_DIR: they answer for their ABI and root only.
   In host mode the root is a sysroot used from outside: paths inside the
   generated files carry the root's prefix; otherwise they are the paths seen
   inside the root (chroot). Every file is written atomically; writing the glue
   again gives the same root. */
#ifndef MLFS_GLUE_H
#define MLFS_GLUE_H

#include "util.h"

struct profiles;

struct gluectx {
	const char *root;             /* absolute; borrowed */
	const struct profiles *prof;  /* borrowed */
	const struct strv *abis;      /* the requested ABIs; borrowed */
	const char *cc;               /* C compiler of the wrappers; NULL: "gcc" */
	const char *cxx;              /* C++ compiler; NULL: "g++" */
	int hostmode;                 /* 1: the root is a sysroot used from the host */
	const struct strv *norun;     /* ABIs whose programs cannot run here (may be NULL) */
	struct strv *made;            /* glue_write's own (leave NULL): the paths it made */
};

/* the list of the files and links the glue made, in the root (mlfs verify
   does not call them unowned) */
#define GLUE_LIST "/var/lib/mlfs/glue.list"

/* write every glue file into the root; -1 after printing errors */
int glue_write(const struct gluectx *g);
/* rebuild the loader cache (/etc/ld.so.cache) of the LFS root with its own
   ldconfig, run in chroot root, as the book's installs do, once the root has
   /usr/sbin/ldconfig and /etc/ld.so.conf; its output to logfd (-1: none); a
   failure is a warning */
void glue_ldcache(const char *root, int logfd);

#endif
