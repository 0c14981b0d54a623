/* plan: everything before a build runs: the profiles, recipes and graph
   loaded and keyed, the nodes a command asks for, which nodes must run and
   why (from the journal), and the plan printed as text, dot, JSON or with
   the reasons */
#define _GNU_SOURCE
#include <jansson.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "build.h"
#include "config.h"
#include "graph.h"
#include "hash.h"
#include "journal.h"
#include "plan.h"
#include "preflight.h"
#include "profile.h"
#include "recipe.h"
#include "util.h"

#ifndef MLFS_DATADIR
#define MLFS_DATADIR "/usr/local/share/mlfs"
#endif

/* the directory that holds name: next to the binary in a source tree, or installed */
static char *
datadir(const char *name)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *p;

	if (n > 0) {
		exe[n] = '\0';
		char *dir = dirname(exe);
		p = xasprintf("%s/../%s", dir, name);
		if (exists(p)) {
			char *a = abspath(p);
			free(p);
			return a;
		}
		free(p);
		p = xasprintf("%s/../share/mlfs/%s", dir, name);
		if (exists(p)) {
			char *a = abspath(p);
			free(p);
			return a;
		}
		free(p);
	}
	return xasprintf("%s/%s", MLFS_DATADIR, name);
}

static void
defaults(struct buildopts *o, const struct profiles *p)
{
	if (!o->abis.n)
		for (size_t i = 0; i < p->n; i++)
			strvadd(&o->abis, p->abis[i].name);
	if (!o->jobs) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		o->jobs = n > 0 ? (int)n : 1;
	}
	if (!o->keep)
		o->keep = 1;
}

static int
checkabis(const struct buildopts *o, const struct profiles *p)
{
	struct buf known = {0};
	int rc = 0;

	for (size_t i = 0; i < p->n; i++)
		bufprintf(&known, "%s%s", i ? ", " : "", p->abis[i].name);
	for (size_t i = 0; i < o->abis.n; i++)
		if (!abi_get(p, o->abis.v[i])) {
			fprintf(stderr, "%s: unknown ABI '%s' (known: %s)\n", argv0, o->abis.v[i], known.s);
			rc = -1;
		}
	buffree(&known);
	return rc;
}

/* --source PKG=DIR: the tree's content becomes part of PKG's recipe hash, so a
   change in the tree rebuilds PKG and what depends on it */
static int
overrides(const struct buildopts *o, struct recipeset *rs)
{
	for (size_t i = 0; i < o->srcover.n; i++) {
		char *name = xstrdup(o->srcover.v[i]), *dir = strchr(name, '=');
		struct recipe *r;
		char tree[HASH_HEXMAX];
		struct hasher *h;

		*dir++ = '\0';
		r = recipe_get(rs, name);
		if (!r) {
			error("--source names unknown package '%s'", name);
			free(name);
			return -1;
		}
		if (hashtree(dir, tree, &r->treebytes) < 0) {
			free(name);
			return -1;
		}
		h = hashnew(HASH_SHA256);
		hashstr(h, r->hash);
		hashstr(h, "source-override");
		hashstr(h, tree);
		hashend(h, r->hash);
		free(name);
	}
	return 0;
}

/* load profiles, recipes and the graph; exits 1 (2 for a bad --abi) on error */
void
plan_load(struct world *w, struct buildopts *o, int stats)
{
	char *keyopts;

	if (!o->profiles)
		o->profiles = datadir("abi-profiles");
	if (!o->recipes)
		o->recipes = datadir("recipes");
	if (!o->patches) {
		char *beside = xasprintf("%s/../patches", o->recipes);
		o->patches = exists(beside) ? abspath(beside) : datadir("patches");
		free(beside);
	}
	if (!o->layout)
		o->layout = xstrdup("lfs");
	unsigned long long t0 = nowns(), t1, t2;

	if (profiles_load(&w->prof, o->profiles, o->layout) < 0)
		exit(1);
	defaults(o, &w->prof);
	if (checkabis(o, &w->prof) < 0)
		exit(2);
	if (o->lfs && strvfind(&o->abis, w->prof.layout.primary) < 0) {
		error("an LFS build needs the primary ABI '%s' of layout '%s' in --abi: its "
			"toolchain and programs are built for it (host mode, --root without --lfs, "
			"builds other ABIs alone)", w->prof.layout.primary, w->prof.layout.name);
		exit(2);
	}
	/* without the layout's primary ABI, the first requested one takes its place */
	layout_primary(&w->prof.layout, &o->abis);
	if (o->lfs && o->root && strcmp(o->lfs, o->root)) {
		error("--root '%s' differs from --lfs '%s': an LFS build merges into $LFS", o->root, o->lfs);
		exit(2);
	}
	if (recipes_load(&w->rs, o->recipes, o->patches, &w->prof) < 0)
		exit(1);
	if (overrides(o, &w->rs) < 0)
		exit(1);
	for (size_t i = 0; i < w->rs.n; i++)
		if (w->rs.r[i].needsrun) {
			pfnorun(&w->prof, &o->abis, o->state);
			break;
		}
	t1 = nowns();
	if (graph_build(&w->g, &w->rs, &w->prof, &o->abis, o->root && !o->lfs ? GRAPH_DECLARED : 0) < 0)
		exit(1);
	keyopts = build_keyopts(o);
	t2 = nowns();
	w->g.strip = o->strip;
	w->g.lfs = o->lfs != NULL;
	graph_keys(&w->g, &w->prof, keyopts);
	free(keyopts);
	if (stats)
		fprintf(stderr, "%s: stats: %zu recipes loaded in %.1f ms; %zu nodes planned in %.1f ms, "
			"keyed in %.1f ms\n", argv0, w->rs.n, (t1 - t0) / 1e6, w->g.n, (t2 - t1) / 1e6,
			(nowns() - t2) / 1e6);
}

void
plan_release(struct world *w)
{
	graph_release(&w->g);
	recipes_release(&w->rs);
	profiles_release(&w->prof);
}

/* why the key of n differs from the journaled one */
static char *
whychanged(const struct jstate *s, const struct node *n)
{
	if (s->own[0] && strcmp(s->own, n->own))
		return xstrdup("recipe, profile or options changed");
	for (size_t i = 0; i < n->ndeps; i++)
		if (n->deps[i]->run)
			return xasprintf("dependency '%s' will be rebuilt", n->deps[i]->name);
	return xstrdup("a dependency was rebuilt since");
}

/* why node n must run, or NULL when it is done; caller frees */
char *
plan_why(const struct journal *j, const struct node *n)
{
	const struct jstate *s = journal_get(j, n->name);
	char *change = NULL, *why;

	if (!s || s->ev == J_CLEAN || s->ev == J_NONE)
		return xstrdup("never built");
	if (strcmp(s->key, n->key))
		change = whychanged(s, n);
	else if (s->ev == J_MERGED)
		return NULL;
	if (s->ev == J_FAILED || s->ev == J_INTERRUPTED)
		why = xasprintf("%s at step '%s'%s%s", s->ev == J_FAILED ? "failed" : "interrupted",
			s->step ? s->step : "?", change ? "; " : "", change ? change : "");
	else if (change)
		return change;
	else if (s->ev == J_STAGED)
		why = xstrdup("staged but not merged");
	else
		why = xasprintf("unfinished (last: %s%s%s)", journal_evname(s->ev),
			s->step ? " " : "", s->step ? s->step : "");
	free(change);
	return why;
}

/* set run on every node that must run; fills whys (parallel to g->nodes);
   returns how many. SEL_FORCE nodes run; with scoped, SEL_NONE nodes are left
   out and SEL_SCOPE nodes run when they are not done. */
size_t
plan_decide(struct graph *g, const char *state, struct strv *whys, int scoped)
{
	struct journal j;
	char *path = xasprintf("%s/journal.jsonl", state);
	size_t n = 0;

	if (journal_read(&j, path) < 0)
		exit(1);
	for (size_t i = 0; i < g->n; i++) {
		struct node *nd = g->nodes[i];
		char *why;
		if (nd->sel == SEL_FORCE)
			why = xstrdup("asked for");
		else if (scoped && nd->sel == SEL_NONE)
			why = NULL;
		else
			why = plan_why(&j, nd);
		nd->run = why != NULL;
		n += nd->run;
		strvtake(whys, why ? why : xstrdup(""));
	}
	journal_close(&j);
	free(path);
	return n;
}

static void
planjson(const struct graph *g, const struct strv *whys)
{
	json_t *root = json_object(), *nodes = json_array();

	json_object_set_new(root, "abis", config_strarray(&g->abis));
	for (size_t i = 0; i < g->n; i++) {
		struct node *n = g->nodes[i];
		json_t *o = json_object(), *deps = json_array();
		for (size_t k = 0; k < n->ndeps; k++)
			json_array_append_new(deps, json_string(n->deps[k]->name));
		json_object_set_new(o, "name", json_string(n->name));
		json_object_set_new(o, "recipe", json_string(n->r->name));
		json_object_set_new(o, "version", json_string(n->r->version));
		json_object_set_new(o, "abi", json_string(n->abi->name));
		json_object_set_new(o, "stage", json_string(stage_name(n->r->stage)));
		json_object_set_new(o, "deps", deps);
		json_object_set_new(o, "key", json_string(n->key));
		json_object_set_new(o, "run", json_boolean(n->run));
		if (n->run)
			json_object_set_new(o, "why", json_string(whys->v[i]));
		json_array_append_new(nodes, o);
	}
	json_object_set_new(root, "nodes", nodes);
	json_dumpf(root, stdout, JSON_INDENT(2));
	putchar('\n');
	json_decref(root);
}

/* 1 when a node of recipe name is in scope (marked), or args name it */
static int
inscope(const struct graph *g, const struct strv *args, const char *name, size_t len)
{
	for (size_t i = 0; i < g->n; i++)
		if (g->nodes[i]->sel && strlen(g->nodes[i]->r->name) == len &&
		    !strncmp(g->nodes[i]->r->name, name, len))
			return 1;
	for (size_t i = 0; i < args->n; i++)
		if (!strncmp(args->v[i], name, len) && (!args->v[i][len] || args->v[i][len] == ':'))
			return 1;
	return 0;
}

/* 1 when a node matches spec, as graph_select would find it */
static int
matches(const struct graph *g, const char *spec)
{
	const char *colon = strchr(spec, ':');
	size_t len = colon ? (size_t)(colon - spec) : strlen(spec);

	for (size_t i = 0; i < g->n; i++) {
		const struct node *n = g->nodes[i];
		if (strlen(n->r->name) == len && !strncmp(n->r->name, spec, len) &&
		    (!colon || !strcmp(colon + 1, n->abi->name)))
			return 1;
	}
	return 0;
}

/* 1 when spec ("python", "python:x32") names a left-out node or recipe */
static int
leftoutspec(const struct graph *g, const char *spec)
{
	const char *colon = strchr(spec, ':');
	size_t len = colon ? (size_t)(colon - spec) : strlen(spec);

	for (size_t i = 0; i + 1 < g->hostout.n; i += 2)
		if (strlen(g->hostout.v[i]) == len && !strncmp(g->hostout.v[i], spec, len))
			return 1;
	for (size_t i = 0; i + 1 < g->leftout.n; i += 2)
		if (colon ? !strcmp(g->leftout.v[i], spec) :
		    !strncmp(g->leftout.v[i], spec, len) && g->leftout.v[i][len] == ':')
			return 1;
	return 0;
}

void
plan_leftout(const struct graph *g, const struct strv *args)
{
	int scoped = args->n > 0;

	for (size_t i = 0; i + 1 < g->hostout.n; i += 2)
		if (!scoped || inscope(g, args, g->hostout.v[i], strlen(g->hostout.v[i])))
			fprintf(stderr, "%s: '%s' left out in host mode: %s\n", argv0,
				g->hostout.v[i], g->hostout.v[i + 1]);
	for (size_t i = 0; i + 1 < g->leftout.n; i += 2) {
		const char *name = g->leftout.v[i], *colon = strrchr(name, ':');
		if (scoped && !inscope(g, args, name, (size_t)(colon - name)))
			continue;
		fprintf(stderr, "%s: '%s' left out: its build runs what it builds, and ABI %s "
			"programs cannot run here (%s)\n", argv0, name, colon + 1, g->leftout.v[i + 1]);
	}
}

size_t
plan_inscope(const struct graph *g, int scoped)
{
	size_t n = 0;

	for (size_t i = 0; i < g->n; i++)
		n += !scoped || g->nodes[i]->sel;
	return n;
}

/* PKG... operands of build and plan: those packages and what they need; a
   package left out (host mode, an ABI that cannot run here) is in scope so
   that plan_leftout says why */
void
plan_scope(struct graph *g, const struct strv *args)
{
	int rc = 0;

	for (size_t i = 0; i < args->n; i++) {
		if (leftoutspec(g, args->v[i]) && !matches(g, args->v[i]))
			continue;
		if (graph_select(g, args->v[i]) < 0)
			rc = -1;
	}
	if (rc < 0)
		exit(1);
	for (size_t i = 0; i < g->n; i++)
		if (g->nodes[i]->sel)
			g->nodes[i]->sel = SEL_SCOPE;
	graph_select_deps(g, SEL_SCOPE);
}

void
plan_print(struct graph *g, const struct strv *whys, int format, size_t n, size_t inscope_n)
{
	switch (format) {
	case PLAN_DOT:
		graph_dot(g, stdout);
		break;
	case PLAN_JSON:
		planjson(g, whys);
		break;
	default:
		for (size_t i = 0; i < g->n; i++) {
			struct node *nd = g->nodes[i];
			if (!nd->run)
				continue;
			if (format == PLAN_EXPLAIN)
				printf("%-24s %s\n", nd->name, whys->v[i]);
			else
				printf("%s\n", nd->name);
		}
		if (!n)
			fprintf(stderr, "%s: nothing to do: all %zu node(s) are built\n", argv0, inscope_n);
	}
}
