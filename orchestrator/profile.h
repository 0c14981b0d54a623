/* profile: ABI profiles (abi-profiles/NAME.json) and library layouts
   (abi-profiles/layouts/NAME.json), parsed and validated */
#ifndef MLFS_PROFILE_H
#define MLFS_PROFILE_H

#include <stddef.h>
#include "util.h"

enum { ELF_I386 = 3, ELF_X86_64 = 62 };

/* a named string that reaches the build environment as MLFS_<NAME> */
struct extra {
	char *key;    /* "gmp_abi"; owned */
	char *value;  /* "32"; owned */
};

struct abi {
	char *name;       /* "32", "64", "x32" */
	char *file;       /* the profile's path */
	char *desc;
	char *mflag;      /* "-m32": BUILD_MULTI */
	char *host;       /* chroot host triplet: i686-pc-linux-gnu */
	char *cross;      /* cross target triplet: i686-lfs-linux-gnu */
	char *loader;     /* /lib/ld-linux.so.2 */
	int elfclass;     /* 32 or 64 */
	int machine;      /* ELF_I386 or ELF_X86_64 */
	char *multiarch;  /* i386-linux-gnu */
	struct strv defines;  /* predefined macros that tell it apart: __i386__ */
	struct extra *extras;
	size_t nextras;
	char hash[65];    /* sha256 of the profile file, part of node keys */
	char *norun;      /* why this machine cannot run its programs, when known
	                     (set before planning for "needs_run" recipes); owned */
};

struct layout {
	char *name;
	char *file;
	char *desc;
	char *primary;        /* the ABI whose programs land in /usr/bin */
	struct strv abis;     /* ABI names, parallel to libdirs */
	struct strv libdirs;  /* "/usr/lib32" */
	struct strv links;    /* pairs: path, target ("/lib32", "usr/lib32") */
	char hash[65];
};

/* every profile in a directory and the layout chosen */
struct profiles {
	struct abi *abis;  /* sorted by name */
	size_t n;
	struct layout layout;
};

/* load every *.json of dir as an ABI profile and dir/layouts/<layout>.json; prints
   file:line:col errors and returns -1 on any */
int profiles_load(struct profiles *p, const char *dir, const char *layout);
/* parse one ABI profile file into a; -1 on error */
int abi_load(struct abi *a, const char *file);
/* parse one layout file into l; -1 on error */
int layout_load(struct layout *l, const char *file);
/* the profile named name, or NULL; borrowed */
struct abi *abi_get(const struct profiles *p, const char *name);
/* the layout's libdir for ABI name ("/usr/lib32"), or NULL; borrowed */
const char *layout_libdir(const struct layout *l, const char *abi);
/* the ABI whose libdir is dir ("/usr/lib32"), or NULL; borrowed */
const char *layout_abi_of(const struct layout *l, const char *dir);
/* path with a leading layout link replaced by its target ("/lib32/x" gives
   "/usr/lib32/x"); *islink (when not NULL) is set when path is the link itself;
   caller frees */
char *layout_canon(const struct layout *l, const char *path, int *islink);
/* value of an extra, or NULL; borrowed */
const char *abi_extra(const struct abi *a, const char *key);
/* free what p owns */
void profiles_release(struct profiles *p);
/* free what a owns */
void abi_release(struct abi *a);
/* free what l owns */
void layout_release(struct layout *l);

#endif
