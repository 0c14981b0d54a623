/*
 * Nodes are (recipe, ABI) pairs. Edges (ARCHITECTURE.md, "Data model"):
 *  - "depends": ["zlib"] makes openssl:32 wait for zlib:32, or for zlib on the
 *    primary ABI when zlib is not built for 32; "zlib:64" pins the ABI; a
 *    one-pass recipe (multilib gcc) waits for every ABI of its dependencies;
 *  - a recipe waits for every node of the nearest earlier stage;
 *  - book order: a recipe with an "order" waits, on the primary ABI, for the
 *    recipe before it in the same stage, unless it declares "deps_complete".
 *  - "host_depends" in host mode only (an LFS build has them from an earlier
 *    stage: the book's readline links Chapter 6's ncurses);
 *  - "primary_first": the recipe's other ABIs wait for its primary ABI (the
 *    book's glibc: 64 first, then 32 and x32 side by side);
 *  - "toolchain": every later page of the stage, on every ABI, builds with the
 *    toolchain in place at its page: it waits for the toolchain page's node of
 *    its own ABI (Chapter 8's glibc:32 for zlib:32), or of the primary ABI when
 *    the page is built for that one only (binutils, the one-pass gcc); a
 *    one-pass page waits for every ABI's node (the multilib gcc for glibc:32,
 *    glibc:64 and glibc:x32).
 *  The stage, book-order and toolchain edges are the book's; host mode
 *  (GRAPH_DECLARED: --root without --lfs) keeps only the others, and leaves
 *  out the recipes that only an LFS build has a use for (its Chapters 5 to 7,
 *  and "lfs_only" ones: the host's toolchain builds in host mode); an edge to
 *  one of them is dropped, since the host provides what it would.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include "graph.h"
#include "jdoc.h"
#include "profile.h"
#include "recipe.h"
#include "util.h"

static struct node *
mknode(struct recipe *r, const struct abi *a)
{
	struct node *n = xcalloc(1, sizeof(*n));

	n->name = xasprintf("%s:%s", r->name, a->name);
	n->r = r;
	n->abi = a;
	return n;
}

static void
addptr(struct node ***v, size_t *n, struct node *p)
{
	for (size_t i = 0; i < *n; i++)
		if ((*v)[i] == p)
			return;
	if ((*n & (*n - 1)) == 0)
		*v = xreallocarray(*v, *n ? *n * 2 : 1, sizeof(**v));
	(*v)[(*n)++] = p;
}

static void
addedge(struct node *from, struct node *to)
{
	if (from != to)
		addptr(&from->deps, &from->ndeps, to);
}

struct node *
graph_get(const struct graph *g, const char *name)
{
	for (size_t i = 0; i < g->n; i++)
		if (!strcmp(g->nodes[i]->name, name))
			return g->nodes[i];
	return NULL;
}

/* the nodes of a graph under construction, indexed by recipe and ABI */
struct gidx {
	struct node **all;   /* every node, in recipe order */
	size_t nall;
	struct node **by;    /* [recipe index * nabis + abi index], NULL when absent */
	size_t nabis;
	struct recipeset *rs;
	const struct strv *abis;
	int hostmode;        /* GRAPH_DECLARED */
};

static struct node *
find(const struct gidx *x, const struct recipe *r, const char *abi)
{
	long a = strvfind(x->abis, abi);

	if (a < 0)
		return NULL;
	return x->by[(size_t)(r - x->rs->r) * x->nabis + a];
}

/* why recipe r has no node in host mode, or NULL */
static const char *
hostless(const struct recipe *r)
{
	static const char *const why[] = {
		"a Chapter 5 recipe: the cross toolchain of an LFS build",
		"a Chapter 6 recipe: the temporary tools of an LFS build",
		"a Chapter 7 recipe: it prepares the chroot of an LFS build",
	};

	if (r->stage < STAGE_SYSTEM)
		return why[r->stage];
	return r->lfsonly;
}

/* add the edges of one "depends" entry of node n */
static int
depedges(struct node *n, const struct gidx *x, const char *spec, const char *primary)
{
	char *dep = xstrdup(spec), *pin = strchr(dep, ':');
	struct recipe *d;
	struct node *t;
	int rc = 0, found = 0;

	if (pin)
		*pin++ = '\0';
	d = recipe_get(x->rs, dep);
	if (!d) {
		rc = error("%s: unknown dependency '%s'", n->r->file, dep);
	} else if (x->hostmode && hostless(d)) {
		/* the host provides it */
	} else if (pin) {
		t = find(x, d, pin);
		if (t)
			addedge(n, t);
		else
			rc = error("%s: '%s' depends on '%s', which is not built for ABI '%s'",
				n->r->file, n->name, spec, pin);
	} else if (n->r->onepass) {
		for (size_t i = 0; i < x->nabis; i++)
			if ((t = x->by[(size_t)(d - x->rs->r) * x->nabis + i])) {
				addedge(n, t);
				found = 1;
			}
		if (!found)
			rc = error("%s: '%s' depends on '%s', which is built for none of the requested ABIs",
				n->r->file, n->name, dep);
	} else {
		t = find(x, d, n->abi->name);
		if (!t)
			t = find(x, d, primary);
		if (t)
			addedge(n, t);
		else
			rc = error("%s: '%s' depends on '%s', which is built neither for ABI '%s' nor for '%s'",
				n->r->file, n->name, dep, n->abi->name, primary);
	}
	free(dep);
	return rc;
}

static void
mknodes(struct graph *g, struct gidx *x, const struct profiles *p)
{
	x->nabis = g->abis.n;
	x->all = xcalloc(x->rs->n * x->nabis + 1, sizeof(*x->all));
	x->by = xcalloc(x->rs->n * x->nabis + 1, sizeof(*x->by));
	for (size_t i = 0; i < x->rs->n; i++) {
		struct recipe *r = &x->rs->r[i];
		if (x->hostmode && hostless(r)) {
			strvadd(&g->hostout, r->name);
			strvadd(&g->hostout, hostless(r));
			continue;
		}
		for (size_t j = 0; j < x->nabis; j++) {
			const char *a = g->abis.v[j];
			if (r->onepass ? strcmp(a, g->primary) : !recipe_has_abi(r, a))
				continue;
			const struct abi *ab = abi_get(p, a);
			if (r->needsrun && ab->norun) {
				strvtake(&g->leftout, xasprintf("%s:%s", r->name, a));
				strvadd(&g->leftout, ab->norun);
				continue;
			}
			struct node *n = mknode(r, ab);
			x->by[i * x->nabis + j] = n;
			x->all[x->nall++] = n;
		}
	}
}

/* every node waits for the nodes of the nearest earlier stage that has any;
   the primary ABI keeps book order among recipes with an order */
static void
implicitedges(struct graph *g, struct gidx *x)
{
	struct node *before = NULL, *last = NULL;
	size_t stagestart[NSTAGES + 1] = {0}, stageend[NSTAGES + 1] = {0};
	int cur = -1;

	/* x->all is in recipe order: sorted by stage, then order */
	for (size_t i = 0; i < x->nall; i++) {
		int st = x->all[i]->r->stage;
		if (st != cur) {
			if (cur >= 0)
				stageend[cur] = i;
			stagestart[st] = i;
			cur = st;
		}
	}
	if (cur >= 0)
		stageend[cur] = x->nall;
	for (size_t i = 0; i < x->nall; i++) {
		struct node *n = x->all[i];
		int st = n->r->stage, p = st - 1;
		while (p >= 0 && stageend[p] == stagestart[p])
			p--;
		for (size_t j = p >= 0 ? stagestart[p] : 0; p >= 0 && j < stageend[p]; j++)
			addptr(&n->deps, &n->ndeps, x->all[j]);
	}
	/* book order, from the recipes' sort by (stage, order) */
	cur = -1;
	for (size_t i = 0; i < x->rs->n; i++) {
		struct recipe *r = &x->rs->r[i];
		struct node *n = find(x, r, g->primary);
		if ((int)r->stage != cur) {
			cur = r->stage;
			before = last = NULL;
		}
		if (!n || !r->order)
			continue;
		if (last && last->r->order < r->order)
			before = last;
		if (before && !r->depscomplete)
			addedge(n, before);
		last = n;
	}
}

/* node n, a later page of toolchain page t's stage, waits for t's node of
   its ABI (or t's primary node); a one-pass n waits for every node of t */
static void
toolchainedge(struct node *n, const struct gidx *x, struct recipe *t, const char *primary)
{
	struct node *tn;

	if (n->r->onepass) {
		for (size_t i = 0; i < x->nabis; i++)
			if ((tn = x->by[(size_t)(t - x->rs->r) * x->nabis + i]))
				addedge(n, tn);
		return;
	}
	if ((tn = find(x, t, n->abi->name)) || (tn = find(x, t, primary)))
		addedge(n, tn);
}

/* every node of a stage after a toolchain page waits for it (see above) */
static void
toolchainedges(struct graph *g, struct gidx *x)
{
	for (size_t i = 0; i < x->rs->n; i++) {
		struct recipe *t = &x->rs->r[i];
		if (!t->toolchain)
			continue;
		for (size_t j = 0; j < x->nall; j++) {
			struct node *n = x->all[j];
			if (n->r != t && n->r->stage == t->stage && n->r->order > t->order)
				toolchainedge(n, x, t, g->primary);
		}
	}
}

/* an LFS build's node n of an ABI other than the primary waits for its ABI's
   node of each host_depends entry that is an earlier page of its stage: book
   order brings those before the primary node alone. A later page's entry is
   left out, as on the primary ABI (readline links Chapter 6's ncurses). */
static void
earlierpages(struct node *n, const struct gidx *x, const char *primary)
{
	const struct recipe *r = n->r;

	if (r->onepass || !strcmp(n->abi->name, primary))
		return;
	for (size_t i = 0; i < r->hostdepends.n; i++) {
		char *name = xstrdup(r->hostdepends.v[i]), *pin = strchr(name, ':');
		const struct recipe *d;
		struct node *t;

		if (pin)
			*pin++ = '\0';
		d = recipe_get(x->rs, name);
		if (d && d->stage == r->stage && d->order && d->order < r->order &&
		    (t = find(x, d, pin ? pin : n->abi->name)))
			addedge(n, t);
		free(name);
	}
}

/* a "primary_first" recipe's node waits for the recipe's primary ABI node */
static void
primaryfirst(struct node *n, const struct gidx *x, const char *primary)
{
	struct node *p;

	if (n->r->primaryfirst && (p = find(x, n->r, primary)))
		addedge(n, p);
}

/* where r's recipe.json makes it wait for recipe dep: the element of
   depends or host_depends that names it, else its order; caller frees */
static char *
edgepath(const struct recipe *r, const struct recipe *dep)
{
	const struct strv *lists[] = {&r->depends, &r->hostdepends};
	const char *keys[] = {"depends", "host_depends"};
	size_t n = strlen(dep->name);

	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < lists[k]->n; i++) {
			const char *d = lists[k]->v[i];
			if (!strncmp(d, dep->name, n) && (d[n] == '\0' || d[n] == ':'))
				return jpath_index(keys[k], i);
		}
	return xstrdup(r->order ? "order" : "stage");
}

/* print the cycle that closes at n (on the stack), at the place of its
   first edge in its first recipe */
static void
cycle(struct node *n, struct node **stack, size_t depth)
{
	struct buf b = {0};
	size_t i = 0, first;
	char *at;
	int line, col;

	while (stack[i] != n)
		i++;
	first = i;
	for (; i < depth; i++)
		bufprintf(&b, "'%s' -> ", stack[i]->name);
	bufprintf(&b, "'%s'", n->name);
	at = edgepath(n->r, (first + 1 < depth ? stack[first + 1] : n)->r);
	jdoc_place(n->r->file, at, &line, &col);
	error("%s:%d:%d: dependency cycle: %s", n->r->file, line, col, b.s);
	free(at);
	buffree(&b);
}

/* depth-first topological sort; a back edge is a cycle, printed whole */
static int
visit(struct graph *g, struct node *n, struct node **stack, size_t depth)
{
	if (n->walk == 2)
		return 0;
	if (n->walk == 1) {
		cycle(n, stack, depth);
		return -1;
	}
	n->walk = 1;
	stack[depth] = n;
	for (size_t i = 0; i < n->ndeps; i++)
		if (visit(g, n->deps[i], stack, depth + 1) < 0)
			return -1;
	n->walk = 2;
	n->index = g->n;
	g->nodes[g->n++] = n;
	return 0;
}

int
graph_build(struct graph *g, struct recipeset *rs, const struct profiles *p, const struct strv *abis,
	enum graph_flags flags)
{
	struct gidx x = {.rs = rs};
	struct node **stack;
	int rc = 0;

	memset(g, 0, sizeof(*g));
	g->primary = p->layout.primary;
	if (strvfind(abis, g->primary) >= 0)
		strvadd(&g->abis, g->primary);
	for (size_t i = 0; i < abis->n; i++)
		if (strcmp(abis->v[i], g->primary))
			strvadd(&g->abis, abis->v[i]);
	if (strvfind(abis, g->primary) < 0)
		g->primary = g->abis.v[0];
	x.abis = &g->abis;
	x.hostmode = (flags & GRAPH_DECLARED) != 0;
	mknodes(g, &x, p);
	if (!(flags & GRAPH_DECLARED)) {
		implicitedges(g, &x);
		toolchainedges(g, &x);
		for (size_t i = 0; i < x.nall; i++)
			earlierpages(x.all[i], &x, g->primary);
	}
	for (size_t i = 0; i < x.nall; i++)
		primaryfirst(x.all[i], &x, g->primary);
	for (size_t i = 0; i < x.nall; i++) {
		struct recipe *r = x.all[i]->r;
		for (size_t j = 0; j < r->depends.n; j++)
			if (depedges(x.all[i], &x, r->depends.v[j], g->primary) < 0)
				rc = -1;
		for (size_t j = 0; (flags & GRAPH_DECLARED) && j < r->hostdepends.n; j++)
			if (depedges(x.all[i], &x, r->hostdepends.v[j], g->primary) < 0)
				rc = -1;
	}
	g->nodes = xcalloc(x.nall + 1, sizeof(*g->nodes));
	stack = xcalloc(x.nall + 1, sizeof(*stack));
	for (size_t i = 0; rc == 0 && i < x.nall; i++)
		rc = visit(g, x.all[i], stack, 0);
	free(stack);
	for (size_t i = 0; i < x.nall; i++) {
		struct node *n = x.all[i];
		n->walk = 0;
		for (size_t j = 0; j < n->ndeps; j++)
			addptr(&n->deps[j]->users, &n->deps[j]->nusers, n);
	}
	if (rc < 0) {
		/* keep every node owned by the graph so that graph_release frees them */
		for (size_t i = 0; i < x.nall; i++)
			x.all[i]->index = (size_t)-1;
		g->n = 0;
		for (size_t i = 0; i < x.nall; i++)
			g->nodes[g->n++] = x.all[i];
	}
	free(x.all);
	free(x.by);
	return rc;
}

void
graph_keys(struct graph *g, const struct profiles *p, const char *allopts)
{
	for (size_t i = 0; i < g->n; i++) {
		struct node *n = g->nodes[i];
		struct hasher *h = hashnew(HASH_SHA256);
		/* inside chroot $LFS a step sees "/": the same node restores into
		   another machine's $LFS (the cross and temp stages' tools name it) */
		const char *opts = g->lfs && n->r->stage >= STAGE_CHROOT ? "lfs-chroot" : allopts;

		hashstr(h, "node-v1");
		hashstr(h, n->name);
		hashstr(h, n->r->hash);
		hashstr(h, n->abi->hash);
		hashstr(h, p->layout.hash);
		hashstr(h, opts);
		if (g->strip && n->r->stage == STAGE_SYSTEM)
			hashstr(h, "strip");
		if (n->r->onepass)
			for (size_t j = 0; j < g->abis.n; j++)
				hashstr(h, abi_get(p, g->abis.v[j])->hash);
		{
			struct hasher *o = hashnew(HASH_SHA256);
			hashstr(o, n->name);
			hashstr(o, n->r->hash);
			hashstr(o, n->abi->hash);
			hashstr(o, p->layout.hash);
			hashstr(o, opts);
			if (g->strip && n->r->stage == STAGE_SYSTEM)
				hashstr(o, "strip");
			hashend(o, n->own);
		}
		for (size_t j = 0; j < n->ndeps; j++)
			hashstr(h, n->deps[j]->key);
		hashend(h, n->key);
	}
}

int
graph_select(struct graph *g, const char *spec)
{
	int found = 0;
	const char *colon = strchr(spec, ':');
	size_t len = colon ? (size_t)(colon - spec) : strlen(spec);

	for (size_t i = 0; i < g->n; i++) {
		struct node *n = g->nodes[i];
		if (strlen(n->r->name) != len || strncmp(n->r->name, spec, len))
			continue;
		if (colon && strcmp(colon + 1, n->abi->name))
			continue;
		n->sel = SEL_FORCE;
		found = 1;
	}
	return found ? 0 : error("no node matches '%s'", spec);
}

void
graph_select_users(struct graph *g)
{
	for (size_t i = 0; i < g->n; i++) {
		struct node *n = g->nodes[i];
		for (size_t j = 0; j < n->ndeps && !n->sel; j++)
			if (n->deps[j]->sel)
				n->sel = SEL_FORCE;
	}
}

void
graph_select_deps(struct graph *g, enum nsel sel)
{
	for (size_t i = g->n; i-- > 0;) {
		struct node *n = g->nodes[i];
		for (size_t j = 0; j < n->ndeps && n->sel; j++)
			if (!n->deps[j]->sel)
				n->deps[j]->sel = sel;
	}
}

void
graph_unselect(struct graph *g)
{
	for (size_t i = 0; i < g->n; i++)
		g->nodes[i]->sel = SEL_NONE;
}

void
graph_dot(const struct graph *g, FILE *f)
{
	fprintf(f, "digraph mlfs {\n\trankdir=LR;\n");
	for (size_t i = 0; i < g->n; i++) {
		struct node *n = g->nodes[i];
		fprintf(f, "\t\"%s\" [label=\"%s\\n%s\"];\n", n->name, n->name, stage_name(n->r->stage));
		for (size_t j = 0; j < n->ndeps; j++)
			fprintf(f, "\t\"%s\" -> \"%s\";\n", n->deps[j]->name, n->name);
	}
	fprintf(f, "}\n");
}

void
graph_release(struct graph *g)
{
	for (size_t i = 0; i < g->n; i++) {
		free(g->nodes[i]->name);
		free(g->nodes[i]->deps);
		free(g->nodes[i]->users);
		free(g->nodes[i]);
	}
	free(g->nodes);
	strvfree(&g->abis);
	strvfree(&g->leftout);
	strvfree(&g->hostout);
	memset(g, 0, sizeof(*g));
}
