/* graph: (recipe, ABI) nodes, their dependencies (ARCHITECTURE.md, "Data model"), order and keys */
#ifndef MLFS_GRAPH_H
#define MLFS_GRAPH_H

#include <stddef.h>
#include <stdio.h>
#include "hash.h"
#include "util.h"

struct abi;
struct profiles;
struct recipe;
struct recipeset;

/* why a node is part of what a command works on */
enum nsel {
	SEL_NONE,    /* not part of it */
	SEL_FORCE,   /* runs whatever the journal says (rebuild PKG, --dependents) */
	SEL_SCOPE,   /* in scope (build PKG and what it needs): runs when not done */
};

struct node {
	char *name;            /* "gmp:32"; owned */
	struct recipe *r;      /* borrowed from the recipe set */
	const struct abi *abi; /* borrowed from the profiles */
	struct node **deps;    /* what must be merged first; array owned, nodes borrowed */
	size_t ndeps;
	struct node **users;   /* the reverse edges */
	size_t nusers;
	size_t index;          /* position in topological order */
	char key[HASH_HEXMAX]; /* signature: recipe, profile, layout, options, deps' keys */
	char own[HASH_HEXMAX]; /* the same without the dependencies: what changed? */
	enum nsel sel;         /* whether a command works on it (graph_select...) */
	int run;               /* 1: it runs in this build (plan_decide, fetch) */
	int walk;              /* graph_build's depth-first walk: 1 on the stack, 2 placed */
	void *data;            /* the scheduler's per-node state */
};

struct graph {
	struct node **nodes;   /* in a topological order that keeps book order; owned */
	size_t n;
	struct strv abis;      /* requested ABIs, primary first */
	const char *primary;   /* borrowed */
	struct strv leftout;   /* pairs: node name, why it was not made ("needs_run"
	                          on an ABI whose programs cannot run here) */
	struct strv hostout;   /* pairs: recipe name, why host mode has no node of it
	                          (Chapters 5-7 and "lfs_only" recipes) */
	int strip;             /* the system stage's nodes are stripped (--strip):
	                          part of their keys */
	int lfs;               /* an LFS build: the chroot and system stages see only
	                          "/", so the path of $LFS is not part of their keys */
};

enum graph_flags {
	GRAPH_DECLARED = 1 << 0,  /* host mode (--root without --lfs, builds with the
	                             host's compiler): only declared dependencies, no
	                             stage or book-order edges, and no nodes of the
	                             recipes only an LFS build uses (see hostout) */
};

/* build the nodes for the requested ABIs; errors (a dependency not built for a
   needed ABI, a cycle naming every node of it) are printed; -1 on error */
int graph_build(struct graph *g, struct recipeset *rs, const struct profiles *p,
	const struct strv *abis, enum graph_flags flags);
/* compute every node's key; opts is a text of the options that reach the build */
void graph_keys(struct graph *g, const struct profiles *p, const char *opts);
/* the node called name ("gmp:32"), or NULL; borrowed */
struct node *graph_get(const struct graph *g, const char *name);
/* select (SEL_FORCE) the nodes spec names: "gmp" (every ABI) or "gmp:32";
   -1 with a message when nothing matches */
int graph_select(struct graph *g, const char *spec);
/* select as sel every unselected dependency, direct or not, of the selected nodes */
void graph_select_deps(struct graph *g, enum nsel sel);
/* select (SEL_FORCE) every node that depends on a selected one */
void graph_select_users(struct graph *g);
/* clear every selection */
void graph_unselect(struct graph *g);
/* print the graph in graphviz dot */
void graph_dot(const struct graph *g, FILE *f);
/* free what g owns */
void graph_release(struct graph *g);

#endif
