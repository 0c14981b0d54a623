/* plan: everything before a build runs: the profiles, recipes and graph
   loaded and keyed, the nodes a command asks for, which nodes must run and
   why (from the journal), and the plan printed as text, dot, JSON or with
   the reasons */
#ifndef MLFS_PLAN_H
#define MLFS_PLAN_H

#include <stddef.h>
#include "graph.h"
#include "profile.h"
#include "recipe.h"

struct buildopts;
struct journal;
struct strv;

enum { PLAN_TEXT, PLAN_DOT, PLAN_JSON, PLAN_EXPLAIN };

struct world {
	struct profiles prof;
	struct recipeset rs;
	struct graph g;
};

/* load profiles, recipes (with o's --source trees) and the keyed graph into w,
   filling o's defaults; stats: print the time it took; exits 1 (2 for a bad
   --abi) on error */
void plan_load(struct world *w, struct buildopts *o, int stats);
/* free what plan_load made */
void plan_release(struct world *w);
/* PKG... operands of build and plan: mark those packages' nodes and what
   they need 2; exits 1 on an unknown name */
void plan_scope(struct graph *g, const struct strv *args);
/* why node n must run given the journal j, or NULL when it is done; caller frees */
char *plan_why(const struct journal *j, const struct node *n);
/* mark every node that must run; fills whys (parallel to g->nodes); returns how
   many. Nodes marked 1 are forced; with scoped, nodes marked 0 are left out and
   those marked 2 run when they are not done. */
size_t plan_decide(struct graph *g, const char *state, struct strv *whys, int scoped);
/* say which nodes were left out because their ABI's programs cannot run here */
void plan_leftout(const struct graph *g);
/* print the plan in format (PLAN_*) to stdout; n: how many nodes run */
void plan_print(struct graph *g, const struct strv *whys, int format, size_t n);

#endif
