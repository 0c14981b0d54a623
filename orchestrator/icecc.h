/* icecc: compiles sent to an icecream cluster (--icecc). A step's CC and CXX
   go through icecc (or, with --ccache, ccache calls icecc through
   CCACHE_PREFIX): preprocessing stays on this machine, so the per-ABI headers
   and the root never leave it, and -m32/-mx32 reach the remote compiler as
   they are. icecc talks to the local daemon (iceccd), which asks the
   scheduler for a remote slot; a recipe with "distribute": false compiles
   locally. When the local daemon cannot be reached, mlfs says so and compiles
   locally. Nothing of this reaches a node's key. */
#ifndef MLFS_ICECC_H
#define MLFS_ICECC_H

#include "util.h"

/* 1 when icecc is in PATH and the local icecream daemon answers (its unix
   socket or 127.0.0.1:10245), else 0 after a message saying why and that
   compiles stay local; never waits more than about two seconds */
int icecc_probe(void);
/* send env's compiles through icecc; ccache: CC already goes through ccache */
void icecc_env(struct strv *env, int ccache);

#endif
