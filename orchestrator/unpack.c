/* unpack: a node's main source put into its fresh source tree: a --source
   tree or a local path copied (cp -a), a git commit checked out from the
   cache, or a fetched archive extracted */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "build.h"
#include "extract.h"
#include "graph.h"
#include "hash.h"
#include "recipe.h"
#include "unpack.h"
#include "util.h"
#include "vcs.h"

const char *
unpack_override(const struct strv *srcover, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < srcover->n; i++)
		if (!strncmp(srcover->v[i], name, n) && srcover->v[i][n] == '=')
			return srcover->v[i] + n + 1;
	return NULL;
}

const char *
unpack_cached(const struct strv *fetched, const struct source *s)
{
	char key[80];

	snprintf(key, sizeof(key), "%s:%s", hashname(s->alg), s->sum);
	for (size_t i = 0; i + 1 < fetched->n; i += 2)
		if (!strcmp(fetched->v[i], key))
			return fetched->v[i + 1];
	return NULL;
}

/* copy a tree with cp -a semantics through a child; -1 with a message */
static int
copytree(const char *from, const char *to)
{
	char *cmd[] = {"cp", "-a", "--", NULL, NULL, NULL};
	char *src = xasprintf("%s/.", from);
	int rc;

	cmd[3] = src;
	cmd[4] = (char *)to;
	rc = runwait(cmd, NULL);
	free(src);
	if (rc != 0)
		return error("cannot copy '%s' to '%s'", from, to);
	return 0;
}

/* unpacks run in worker threads at once; git checkouts share STATE/cache/git */
static pthread_mutex_t gitlock = PTHREAD_MUTEX_INITIALIZER;

int
unpack_node(const struct buildopts *o, const struct strv *fetched, struct node *n,
	const char *src)
{
	struct recipe *r = n->r;
	const char *dir = unpack_override(&o->srcover, r->name);
	const struct source *s = r->nsources ? &r->sources[0] : NULL;
	char *cache;
	int rc;

	if (dir)
		return copytree(dir, src);
	if (!s)
		return 0;
	switch (s->kind) {
	case SRC_PATH:
		return copytree(s->path, src);
	case SRC_GIT:
		cache = pathjoin(o->state, "cache/git");
		pthread_mutex_lock(&gitlock);
		rc = vcs_checkout(s->url, s->commit, cache, src);
		pthread_mutex_unlock(&gitlock);
		free(cache);
		return rc;
	case SRC_URL:
		if (!unpack_cached(fetched, s))
			return error("'%s': source '%s' could not be fetched (the build's first "
				"lines say why)", n->name, s->fname);
		return extract_archive(unpack_cached(fetched, s), src, 1);
	}
	return 0;
}
