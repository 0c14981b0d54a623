/* mergerules: the multilib rules of a path staged by several ABIs (a copy, a
   per-ABI copy, a <triplet>-tool, a header wrapper, or a conflict) */
#define _GNU_SOURCE
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hash.h"
#include "manifest.h"
#include "merge.h"
#include "mergerules.h"
#include "profile.h"
#include "recipe.h"
#include "util.h"
#include "wrap.h"

const struct mrule *
rules_find(const struct recipe *r, const char *path)
{
	for (size_t i = 0; i < r->nrules; i++)
		if (fnmatch(r->rules[i].glob, path, 0) == 0)
			return &r->rules[i];
	return NULL;
}

/* one ABI's entry for a path */
struct slot {
	const struct centry *e;
	const char *abi;
	int rank;
};

static int
slotcmp(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;
	int c = strcmp(x->e->path, y->e->path);

	return c ? c : x->rank - y->rank;
}

/* preference of an ABI's copy: the primary's first, then the requested order */
static int
rank(const struct mergectx *m, const char *abi)
{
	long k;

	if (!strcmp(abi, m->prof->layout.primary))
		return 0;
	k = strvfind(&m->abis, abi);
	if (k >= 0)
		return 1 + k;
	for (size_t i = 0; i < m->prof->n; i++)
		if (!strcmp(m->prof->abis[i].name, abi))
			return 1000 + i;
	return 100000;
}

static struct fentry *
addentry(struct manifest *out, char *path, const struct slot *s, enum how how)
{
	struct fentry *f = fentry_add(out);

	f->path = path;
	f->type = s->e->type;
	f->mode = s->e->mode;
	f->how = how;
	f->from = s->e;
	f->target = xstrdup(s->e->target);
	if (how != HOW_TOOL)
		strcpy(f->hash, s->e->hash);
	strcpy(f->src, s->e->hash);
	if (how == HOW_DIR)
		f->hash[0] = f->src[0] = '\0';
	return f;
}

/* the entry at the path itself, serving ABIs g[0..n) */
static void
addcopy(struct manifest *out, const struct slot *g, size_t n, enum how how)
{
	struct fentry *f = addentry(out, xstrdup(g->e->path), g, how);

	for (size_t i = 0; i < n; i++)
		strvadd(&f->abis, g[i].abi);
}

static void
addabi(struct manifest *out, const struct slot *s)
{
	struct fentry *f = addentry(out, wrapname(s->e->path, s->abi), s, HOW_ABI);

	strvadd(&f->abis, s->abi);
}

static int
program(const char *path)
{
	char *d = dirof(path);
	int r = !strcmp(d, "/usr/bin") || !strcmp(d, "/usr/sbin") || !strcmp(d, "/bin") ||
		!strcmp(d, "/sbin") || startswith(path, "/usr/libexec/");

	free(d);
	return r;
}

/* rule 2: chost_tools and *-config scripts are installed per ABI */
static int
tool(const struct recipe *r, const char *path)
{
	if (!program(path))
		return 0;
	return endswith(path, "-config") || strvfind(&r->chost_tools, path) >= 0 ||
		strvfind(&r->chost_tools, baseof(path)) >= 0;
}

static void
addtool(const struct mergectx *m, struct manifest *out, const struct slot *s)
{
	const struct abi *a = abi_get(m->prof, s->abi);
	char *dir = dirof(s->e->path);
	struct fentry *f;

	f = addentry(out, xasprintf("%s/%s-%s", dir, a->host, baseof(s->e->path)), s, HOW_TOOL);
	strvadd(&f->abis, s->abi);
	free(dir);
}

/* rule 3: per-ABI copies and a wrapper that includes the compiling ABI's */
static int
addwrap(const struct mergectx *m, struct manifest *out, const struct slot *g, size_t n)
{
	struct strv abis = {0}, built = {0};
	struct buf b = {0};
	struct fentry *f;

	for (size_t i = 0; i < n; i++) {
		addabi(out, &g[i]);
		strvadd(&built, g[i].abi);
	}
	for (size_t i = 0; i < m->prof->n; i++) {
		const char *a = m->prof->abis[i].name;
		if (strvfind(&m->abis, a) >= 0 || strvfind(&built, a) >= 0)
			strvadd(&abis, a);
	}
	if (wraptext(&b, m->prof, g->e->path, &abis, &built) < 0) {
		strvfree(&abis);
		strvfree(&built);
		buffree(&b);
		return -1;
	}
	f = fentry_add(out);
	f->path = xstrdup(g->e->path);
	f->type = FT_FILE;
	f->mode = g->e->mode;
	f->how = HOW_WRAP;
	f->data = b.s;
	f->len = b.n;
	hashbuf(HASH_SHA256, f->data, f->len, f->hash);
	strcpy(f->src, f->hash);
	f->abis = built;
	strvfree(&abis);
	return 0;
}

/* why is "differs" or the like; ABIs follow it */
static int
conflict(const struct recipe *r, const struct slot *g, size_t n, const char *why,
	const char *tail)
{
	struct buf b = {0};
	int rc;

	for (size_t i = 0; i < n; i++)
		bufprintf(&b, "%s%s", i ? (i + 1 == n ? " and " : ", ") : "", g[i].abi);
	rc = error("conflict in package '%s': '%s' %s between ABIs %s%s", r->name, g->e->path,
		why, b.s, tail);
	buffree(&b);
	return rc;
}

/* the root's entries for one path staged by n ABIs (best first) */
static int
group(const struct mergectx *m, const struct recipe *r, const struct slot *g, size_t n,
	struct manifest *out)
{
	const struct centry *e0 = g->e;
	const struct mrule *rule = rules_find(r, e0->path);
	const char *act = rule ? rule->action : "";
	int same = 1, alldir = 1, anydir = 0, allfile = 1, wrap;

	for (size_t i = 0; i < n; i++) {
		const struct centry *e = g[i].e;
		alldir &= e->type == FT_DIR;
		anydir |= e->type == FT_DIR;
		allfile &= e->type == FT_FILE;
		if (e->type != e0->type || e->mode != e0->mode || strcmp(e->key, e0->key))
			same = 0;
	}
	if (alldir) {
		addcopy(out, g, n, HOW_DIR);
		return 0;
	}
	if (anydir)
		return conflict(r, g, n, "is a directory and a file", "");
	wrap = strvfind(&r->wrap_headers, e0->path) >= 0 || !strcmp(act, "wrap") ||
		(!same && !rule && allfile && startswith(e0->path, "/usr/include/"));
	if (wrap && !allfile)
		return conflict(r, g, n, "must be wrapped but is not always a regular file", "");
	if (wrap)
		return addwrap(m, out, g, n);
	if (same)
		addcopy(out, g, n, HOW_COPY);
	else if (!strcmp(act, "primary") || (!rule && program(e0->path)))
		addcopy(out, g, 1, HOW_COPY);
	else if (!strcmp(act, "per-abi")) {
		addcopy(out, g, 1, HOW_COPY);
		for (size_t i = 0; i < n; i++)
			addabi(out, &g[i]);
	} else
		return conflict(r, g, n, "differs", " and no merge rule covers it");
	if (tool(r, e0->path))
		for (size_t i = 0; i < n; i++)
			if (strcmp(g[i].abi, m->prof->layout.primary) && g[i].e->type == FT_FILE)
				addtool(m, out, &g[i]);
	return 0;
}

/* compute the root's files of mf's contributions into out->f (sorted) */
int
rules_resolve(const struct mergectx *m, const struct recipe *r, const struct manifest *mf,
	struct manifest *out)
{
	struct slot *v;
	size_t n = 0, i, j;
	int rc = 0;

	for (i = 0; i < mf->nc; i++)
		n += mf->c[i].n;
	v = xcalloc(n, sizeof(*v));
	n = 0;
	for (i = 0; i < mf->nc; i++) {
		for (j = 0; j < mf->c[i].n; j++) {
			v[n].e = &mf->c[i].e[j];
			v[n].abi = mf->c[i].abi;
			v[n++].rank = rank(m, mf->c[i].abi);
		}
	}
	if (n)
		qsort(v, n, sizeof(*v), slotcmp);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && !strcmp(v[j].e->path, v[i].e->path); j++)
			;
		if (group(m, r, v + i, j - i, out) < 0)
			rc = -1;
	}
	free(v);
	if (out->nf)
		qsort(out->f, out->nf, sizeof(*out->f), fentry_cmp);
	for (i = 1; i < out->nf; i++)
		if (!strcmp(out->f[i].path, out->f[i - 1].path))
			rc = error("package '%s' would install '%s' twice (%s and %s)", r->name,
				out->f[i].path, man_hownames[out->f[i - 1].how], man_hownames[out->f[i].how]);
	return rc;
}
