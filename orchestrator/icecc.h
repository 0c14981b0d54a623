/* icecc: compiles sent to an icecream cluster (--icecc). A step's CC and CXX
   go through icecc (or, with --ccache, ccache calls icecc through
   CCACHE_PREFIX): preprocessing stays on this machine, so the per-ABI headers
   and the root never leave it, and -m32/-mx32 reach the remote compiler as
   they are. icecc talks to the local daemon (iceccd), which asks the
   scheduler for a remote slot; a recipe with "distribute": false compiles
   locally. When the local daemon cannot be reached, mlfs says so and compiles
   locally. Nothing of this reaches a node's key.

   Where the compiles run decides the toolchain the other hosts get:
   - host mode: the machine's gcc; icecc makes its tarball itself;
   - the cross and temp stages of an LFS build: $LFS/tools/bin/$LFS_TGT-gcc
     and -g++ (CC is "icecc $LFS_TGT-gcc -m32": icecc finds the cross compiler
     by that name in PATH, where $LFS/tools/bin comes first);
   - the chroot and system stages: $LFS/usr/bin/gcc and g++, seen inside
     chroot $LFS. Chrooted steps run a copy of the machine's icecc with its
     own loader and libraries, STATE/icecc/bin/icecc (seen as
     /run/mlfs/state/icecc/bin/icecc), which reaches the local daemon at
     127.0.0.1:10245 (the chroot shares the network namespace).
   For the last two, icecc-create-env packs the toolchain (for the chroot
   one, run inside chroot $LFS, so that it packs $LFS's files) into
   STATE/icecc/env/KEY.tar.gz, KEY naming the stage kind and a hash of the
   paths, sizes, mtimes and inodes of the drivers, cc1, cc1plus and as: a
   rebuilt compiler gets a tarball of its own, an unchanged one is packed
   once for every build of the state; a build starts by removing the
   tarballs of toolchains $LFS no longer has. ICECC_VERSION names it in the step's
   environment. A compiler that does not exist yet (the stages before gcc is
   built) or a tarball that cannot be made (its output in STATE/icecc/KEY.log)
   leaves the step's compiles local, after a warning. */
#ifndef MLFS_ICECC_H
#define MLFS_ICECC_H

#include <pthread.h>
#include "util.h"

/* where a step compiles */
enum icecc_where {
	ICECC_HOST,    /* host mode: the machine's gcc */
	ICECC_CROSS,   /* cross and temp stages: $LFS/tools/bin/$LFS_TGT-gcc */
	ICECC_CHROOT,  /* chroot and system stages: gcc inside chroot $LFS */
};

/* the toolchain tarballs of one build */
struct icecc {
	const char *state;      /* the state dir; borrowed */
	const char *lfs;        /* $LFS, or NULL in host mode; borrowed */
	char *tgt;              /* $LFS_TGT, the cross compiler's prefix; owned */
	char *createenv;        /* icecc-create-env; NULL: none, the stages compile locally */
	struct strv chroot;     /* the command that runs what follows inside chroot $LFS */
	int chrootok;           /* the copy of icecc for chrooted steps is in place */
	pthread_mutex_t lock;   /* one tarball is made at a time; guards failed */
	struct strv failed;     /* keys whose tarball could not be made in this build */
	struct strv told;       /* what was warned about already (the loop's) */
};

/* 1 when icecc is in PATH and the local icecream daemon answers (its unix
   socket or 127.0.0.1:10245), else 0 after a message saying why and that
   compiles stay local; never waits more than about two seconds */
int icecc_probe(void);
/* set ic up for a build on state; lfs (NULL in host mode): also the copy of
   icecc for chrooted steps, which chroot (borrowed: step_chrootargs' command)
   runs icecc-create-env with; tgt is $LFS_TGT. A copy that cannot be made
   gives a warning, and chrooted steps compile locally */
void icecc_init(struct icecc *ic, const char *state, const char *lfs, const char *tgt,
	const struct strv *chroot);
/* in a worker: make the tarball of where's toolchain unless it exists,
   failed before in this build, or the compiler does not exist yet; notes
   go to log (may be NULL), messages where msgto sends them; 0, or -1 after
   a message (the tarball could not be made) */
int icecc_prepare(struct icecc *ic, enum icecc_where where, FILE *log);
/* on the loop: send env's compiles through icecc (ccache: CC already goes
   through ccache, which gets CCACHE_PREFIX); in an LFS build with the
   tarball of where's toolchain and ICECC_VERSION, else (no compiler yet, no
   tarball) env stays as it is after one warning for each such toolchain */
void icecc_env(struct icecc *ic, struct strv *env, enum icecc_where where, int ccache);
/* free what ic holds */
void icecc_free(struct icecc *ic);

#endif
