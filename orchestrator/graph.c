/*
 * Nodes are (recipe, ABI) pairs. Edges, from DESIGN §4:
 *  - "depends": ["zlib"] makes openssl:32 wait for zlib:32, or for zlib on the
 *    primary ABI when zlib is not built for 32; "zlib:64" pins the ABI; a
 *    one-pass recipe (multilib gcc) waits for every ABI of its dependencies;
 *  - a recipe waits for every node of the nearest earlier stage;
 *  - book order: a recipe with an "order" waits, on the primary ABI, for the
 *    recipe before it in the same stage, unless it declares "deps_complete".
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include "graph.h"
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

static struct node *
find(struct node **v, size_t n, const char *recipe, const char *abi)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i]->r->name, recipe) && !strcmp(v[i]->abi->name, abi))
			return v[i];
	return NULL;
}

/* add the edges of one "depends" entry of node n */
static int
depedges(struct node *n, struct node **all, size_t nall, const char *spec, const char *primary)
{
	char *dep = xstrdup(spec), *pin = strchr(dep, ':');
	struct node *t;
	int rc = 0, found = 0;

	if (pin)
		*pin++ = '\0';
	if (pin) {
		t = find(all, nall, dep, pin);
		if (t)
			addedge(n, t);
		else
			rc = error("%s: '%s' depends on '%s', which is not built for ABI '%s'",
				n->r->file, n->name, spec, pin);
	} else if (n->r->onepass) {
		for (size_t i = 0; i < nall; i++)
			if (!strcmp(all[i]->r->name, dep)) {
				addedge(n, all[i]);
				found = 1;
			}
		if (!found)
			rc = error("%s: '%s' depends on '%s', which is built for none of the requested ABIs",
				n->r->file, n->name, dep);
	} else {
		t = find(all, nall, dep, n->abi->name);
		if (!t)
			t = find(all, nall, dep, primary);
		if (t)
			addedge(n, t);
		else
			rc = error("%s: '%s' depends on '%s', which is built neither for ABI '%s' nor for '%s'",
				n->r->file, n->name, dep, n->abi->name, primary);
	}
	free(dep);
	return rc;
}

/* depth-first topological sort; a back edge is a cycle, printed whole */
static int
visit(struct graph *g, struct node *n, struct node **stack, size_t depth)
{
	if (n->mark == 2)
		return 0;
	if (n->mark == 1) {
		struct buf b = {0};
		size_t i = 0;
		while (stack[i] != n)
			i++;
		for (; i < depth; i++)
			bufprintf(&b, "'%s' -> ", stack[i]->name);
		bufprintf(&b, "'%s'", n->name);
		error("%s: dependency cycle: %s", n->r->file, b.s);
		buffree(&b);
		return -1;
	}
	n->mark = 1;
	stack[depth] = n;
	for (size_t i = 0; i < n->ndeps; i++)
		if (visit(g, n->deps[i], stack, depth + 1) < 0)
			return -1;
	n->mark = 2;
	n->index = g->n;
	g->nodes[g->n++] = n;
	return 0;
}

static int
mknodes(struct graph *g, struct recipeset *rs, const struct profiles *p,
	struct node ***allp, size_t *nallp)
{
	struct node **all = xcalloc(rs->n * (g->abis.n + 1), sizeof(*all));
	size_t nall = 0;

	for (size_t i = 0; i < rs->n; i++) {
		struct recipe *r = &rs->r[i];
		if (r->onepass) {
			all[nall++] = mknode(r, abi_get(p, g->primary));
			continue;
		}
		for (size_t j = 0; j < g->abis.n; j++)
			if (recipe_has_abi(r, g->abis.v[j]))
				all[nall++] = mknode(r, abi_get(p, g->abis.v[j]));
	}
	*allp = all;
	*nallp = nall;
	return 0;
}

static void
implicitedges(struct graph *g, struct node **all, size_t nall)
{
	for (size_t i = 0; i < nall; i++) {
		struct node *n = all[i];
		int prev = -1;
		struct node *before = NULL;

		/* the nearest earlier stage that has nodes */
		for (size_t j = 0; j < nall; j++)
			if ((int)all[j]->r->stage < (int)n->r->stage && (int)all[j]->r->stage > prev)
				prev = all[j]->r->stage;
		for (size_t j = 0; prev >= 0 && j < nall; j++)
			if ((int)all[j]->r->stage == prev)
				addedge(n, all[j]);
		/* book order on the primary ABI */
		if (!n->r->order || n->r->depscomplete || strcmp(n->abi->name, g->primary))
			continue;
		for (size_t j = 0; j < nall; j++) {
			struct node *m = all[j];
			if (m->r->stage != n->r->stage || !m->r->order || m->r->order >= n->r->order ||
			    strcmp(m->abi->name, g->primary))
				continue;
			if (!before || m->r->order > before->r->order)
				before = m;
		}
		if (before)
			addedge(n, before);
	}
}

int
graph_build(struct graph *g, struct recipeset *rs, const struct profiles *p, const struct strv *abis)
{
	struct node **all, **stack;
	size_t nall;
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
	mknodes(g, rs, p, &all, &nall);
	for (size_t i = 0; i < nall; i++)
		for (size_t j = 0; j < all[i]->r->depends.n; j++)
			if (depedges(all[i], all, nall, all[i]->r->depends.v[j], g->primary) < 0)
				rc = -1;
	implicitedges(g, all, nall);
	g->nodes = xcalloc(nall, sizeof(*g->nodes));
	stack = xcalloc(nall + 1, sizeof(*stack));
	for (size_t i = 0; rc == 0 && i < nall; i++)
		rc = visit(g, all[i], stack, 0);
	free(stack);
	for (size_t i = 0; i < nall; i++) {
		struct node *n = all[i];
		n->mark = 0;
		for (size_t j = 0; j < n->ndeps; j++)
			addptr(&n->deps[j]->users, &n->deps[j]->nusers, n);
	}
	if (rc < 0) {
		for (size_t i = 0; i < nall; i++)
			if (all[i]->index >= g->n || g->nodes[all[i]->index] != all[i])
				g->nodes[g->n++] = all[i];
	}
	free(all);
	return rc;
}

void
graph_keys(struct graph *g, const struct profiles *p, const char *opts)
{
	for (size_t i = 0; i < g->n; i++) {
		struct node *n = g->nodes[i];
		struct hasher *h = hashnew(HASH_SHA256);

		hashstr(h, "node-v1");
		hashstr(h, n->name);
		hashstr(h, n->r->hash);
		hashstr(h, n->abi->hash);
		hashstr(h, p->layout.hash);
		hashstr(h, opts);
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
		n->mark = 1;
		found = 1;
	}
	return found ? 0 : error("no node matches '%s'", spec);
}

void
graph_mark_users(struct graph *g)
{
	for (size_t i = 0; i < g->n; i++) {
		struct node *n = g->nodes[i];
		for (size_t j = 0; j < n->ndeps && !n->mark; j++)
			if (n->deps[j]->mark)
				n->mark = 1;
	}
}

void
graph_mark_deps(struct graph *g, int value)
{
	for (size_t i = g->n; i-- > 0;) {
		struct node *n = g->nodes[i];
		for (size_t j = 0; j < n->ndeps && n->mark; j++)
			if (!n->deps[j]->mark)
				n->deps[j]->mark = value;
	}
}

void
graph_unmark(struct graph *g)
{
	for (size_t i = 0; i < g->n; i++)
		g->nodes[i]->mark = 0;
}

void
graph_print(const struct graph *g, FILE *f)
{
	for (size_t i = 0; i < g->n; i++) {
		struct node *n = g->nodes[i];
		fprintf(f, "%s", n->name);
		for (size_t j = 0; j < n->ndeps; j++)
			fprintf(f, "%s%s", j ? " " : "  <- ", n->deps[j]->name);
		fputc('\n', f);
	}
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
	memset(g, 0, sizeof(*g));
}
