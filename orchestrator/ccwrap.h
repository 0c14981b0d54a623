/* ccwrap: every compiler of a step through ccache (--ccache). A step's CC and
   CXX get the ccache prefix, CCACHE_DIR is STATE/ccache/cache: one cache for
   every node, ABI and build, which chrooted steps reach as
   /run/mlfs/state/ccache/cache. Steps on the host use the machine's ccache;
   chrooted steps use a copy of it with its own loader and libraries in
   STATE/ccache/host, run by STATE/ccache/bin/ccache, since $LFS has neither.
   Nothing of this reaches a node's key: ccache gives the compiler's output. */
#ifndef MLFS_CCWRAP_H
#define MLFS_CCWRAP_H

#include "util.h"

/* counters of a ccache dir */
struct ccstats {
	unsigned long long hits;    /* direct and preprocessed cache hits */
	unsigned long long misses;
};

/* make STATE/ccache ready; chroot: also the copy for chrooted steps; 0, or -1
   with a message (ccache missing) */
int ccwrap_setup(const char *state, int chroot);
/* prefix CC and CXX of env with ccache and set CCACHE_DIR; chrooted: the
   step runs inside chroot $LFS (the path is rewritten there like the others) */
void ccwrap_env(struct strv *env, const char *state, int chrooted);
/* read the counters of STATE/ccache/cache; -1 when ccache cannot tell */
int ccwrap_stats(const char *state, struct ccstats *st);

#endif
