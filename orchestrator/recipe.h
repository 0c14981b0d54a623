/* recipe: recipes/NAME/recipe.json + recipes/NAME/build.sh, parsed and validated */
#ifndef MLFS_RECIPE_H
#define MLFS_RECIPE_H

#include <stddef.h>
#include "hash.h"
#include "util.h"

struct profiles;

/* the book's stages, in order; a recipe implicitly depends on earlier stages */
enum stage { STAGE_CROSS, STAGE_TEMP, STAGE_CHROOT, STAGE_SYSTEM, NSTAGES };

enum srckind {
	SRC_URL,   /* a file fetched from url (or a mirror), verified by sum */
	SRC_GIT,   /* a git repository checked out at commit */
	SRC_PATH,  /* a directory of the recipe set, hashed as a tree */
};

struct source {
	enum srckind kind;
	char *url;            /* SRC_URL: the upstream url; SRC_GIT: the repository */
	struct strv mirrors;  /* further urls of the same file, tried in order */
	enum hashalg alg;     /* SRC_URL: the checksum's algorithm */
	char sum[65];         /* SRC_URL: the expected checksum in hex */
	char *commit;         /* SRC_GIT: the pinned commit */
	char *path;           /* SRC_PATH: absolute directory */
	char *fname;          /* the file's name as upstream names it ("zlib-1.3.tar.xz") */
	int unpack;           /* 1: unpacked into the node's source tree (the first source) */
};

struct patch {
	char *file;  /* absolute path under patches/ */
	char *rel;   /* as written in the recipe */
	enum hashalg alg;
	char sum[65];
};

/* a multilib merge rule: files matching glob are handled by action */
struct mrule {
	char *glob;    /* fnmatch pattern on the path in the root, e.g. "/usr/share/man/..." */
	char *action;  /* "primary" (the primary ABI's copy wins), "wrap" (header wrapper),
	                  "ignore" (not installed), "per-abi" (each ABI's copy kept beside) */
};

struct recipe {
	char *name;
	char *version;
	char *desc;
	char *dir;      /* recipes/NAME, absolute */
	char *file;     /* recipes/NAME/recipe.json */
	char *script;   /* recipes/NAME/build.sh */
	enum stage stage;
	int order;      /* book order inside the stage (0 when unordered) */
	int allabis;    /* "abis": "all" */
	struct strv abis;       /* ABI names it is built for (empty with allabis) */
	int onepass;    /* one node builds every requested ABI (multilib gcc) */
	int depscomplete;       /* depends lists everything: no implicit book-order edge */
	int checkcross; /* its check step runs no target programs: run it for every ABI */
	int primaryfirst; /* its other ABIs' nodes wait for its primary ABI's node */
	int needsrun;   /* its build runs what it builds: only ABIs that run here */
	int toolchain;  /* a toolchain page (libc, binutils, compiler): in an LFS build
	                   every later page of its stage waits for it on its ABI */
	char *lfsonly;  /* "lfs_only": why it has no place in host mode (the host's
	                   toolchain builds there), or NULL; owned */
	int nodistribute; /* "distribute": false: its compiles stay local with --icecc */
	struct strv depends;    /* "zlib" or "zlib:64" */
	struct strv hostdepends; /* like depends, in host mode only: an LFS build has
	                            them from an earlier stage (readline's ncurses) */
	struct source *sources;
	size_t nsources;
	struct patch *patches;
	size_t npatches;
	struct strv includes;   /* include/ files sourced before build.sh, absolute */
	struct strv env;        /* "KEY=VALUE" added to every step */
	/* multilib merge rules (ARCHITECTURE.md, "The merge") */
	int relocate;           /* libraries staged in a wrong libdir may be moved */
	struct strv chost_tools;        /* programs also installed as <triplet>-<name> */
	struct strv wrap_headers;       /* headers always wrapped (paths under /usr/include) */
	struct strv setuid;             /* globs of files that keep the setuid and setgid
	                                   bits their install gave them (dropped elsewhere) */
	struct mrule *rules;
	size_t nrules;
	struct strv steps;      /* functions build.sh defines, in file order */
	unsigned long long treebytes; /* bytes of its tree sources (path, --source),
	                                 counted while hashing them */
	char hash[65];  /* sha256 of recipe.json, build.sh, includes, patches and source sums */
};

struct recipeset {
	struct recipe *r;  /* sorted by stage, order, name */
	size_t n;
	struct recipe **byname;  /* the same, sorted by name, for lookups */
	char *dir;         /* the recipes directory, absolute */
	char *patchdir;    /* the patches directory, absolute */
};

/* load every recipes/NAME of dir; patches are looked up in patchdir; ABI names
   are checked against p; errors name file:line:col and the key; -1 on any */
int recipes_load(struct recipeset *rs, const char *dir, const char *patchdir,
	const struct profiles *p);
/* load one recipe directory into r; -1 on error */
int recipe_load(struct recipe *r, const char *dir, const char *patchdir,
	const struct profiles *p);
/* the recipe called name, or NULL; borrowed */
struct recipe *recipe_get(const struct recipeset *rs, const char *name);
/* 1 when r is built for ABI abi given the requested set (allabis: every requested) */
int recipe_has_abi(const struct recipe *r, const char *abi);
/* stage name ("cross"), and parse one back (-1 when unknown) */
const char *stage_name(enum stage s);
int stage_parse(const char *s);
/* 1 when build.sh defines function name */
int recipe_defines(const struct recipe *r, const char *name);
/* free what r owns */
void recipe_release(struct recipe *r);
/* free what rs owns */
void recipes_release(struct recipeset *rs);

#endif
