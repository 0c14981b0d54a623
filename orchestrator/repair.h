/* repair: a plain `mlfs build` checks the root of every built package with
   verify.h; a package whose manifest is gone or whose files differ from it
   has all its nodes built and merged again. The decision is journaled first
   (the nodes are recorded as cleaned, so a cut repair resumes), and the
   package's manifest forgets what its nodes staged, so each node's merge
   rewrites its own files whatever the order. */
#ifndef MLFS_REPAIR_H
#define MLFS_REPAIR_H

#include <stddef.h>

struct graph;

/* mark (1) every node of g that is built but whose package is damaged in
   root, printing what was found unless quiet; state holds the journal;
   returns how many nodes were marked */
size_t repair_mark(struct graph *g, const char *root, const char *state, int quiet);

#endif
