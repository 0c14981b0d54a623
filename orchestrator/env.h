/* env: the environment of a build step, built from nothing (ARCHITECTURE.md, "Where steps run") */
#ifndef MLFS_ENV_H
#define MLFS_ENV_H

#include "util.h"

struct abi;
struct profiles;
struct recipe;

/* what a step's environment is made of; every pointer is borrowed */
struct envin {
	const struct profiles *prof;
	const struct abi *abi;     /* the node's ABI */
	const struct recipe *r;
	const struct strv *abis;   /* requested ABIs, primary first */
	const char *root;          /* host mode: the root ("/" or a sysroot); NULL in chroot mode */
	const char *lfs;           /* $LFS (may be NULL) */
	const char *destdir;       /* the node's staging dir */
	const char *srcdir;        /* the node's source tree */
	const char *home;          /* a private HOME */
	const struct strv *sources;  /* the node's source files, in recipe order */
	const char *makeflags;     /* the jobserver's MAKEFLAGS, or NULL */
	int jobs;                  /* -j */
	int canrun;                /* 1 when this machine runs the ABI's programs */
	const char *step;          /* the step ("check"), or NULL */
};

/* fill env with "KEY=VALUE" strings for one step; env is appended to */
void env_build(struct strv *env, const struct envin *in);
/* the value of key in env, or NULL; borrowed */
const char *env_get(const struct strv *env, const char *key);

#endif
