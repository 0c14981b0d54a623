/* merge: a node's staging dir into the root: scan it, apply the rules to every
   ABI's contribution, check ownership, then change the root in one transaction */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include "manifest.h"
#include "merge.h"
#include "mergerules.h"
#include "profile.h"
#include "recipe.h"
#include "stagescan.h"
#include "transaction.h"
#include "util.h"

int
merge_recover(const struct mergectx *m)
{
	return tx_recover(m);
}

int
merge_node(const struct mergectx *m, const struct recipe *r, const char *abi,
	const char *stagedir)
{
	struct manifest old, nw = {0};
	struct contrib c = {0};
	struct strv disowned = {0};
	int rc = -1;

	if (!abi_get(m->prof, abi))
		return error("merge of '%s': unknown ABI '%s'", r->name, abi);
	if (tx_recover(m) < 0 || man_load(m, r->name, &old, NULL) < 0)
		return -1;
	if (stagescan(m, r, abi, stagedir, &c) < 0) {
		contrib_free(&c);
		goto out;
	}
	c.abi = xstrdup(abi);
	nw.pkg = xstrdup(r->name);
	nw.version = xstrdup(r->version);
	nw.stage = xstrdup(stage_name(r->stage));
	nw.c = old.c;
	nw.nc = old.nc;
	old.c = NULL;
	old.nc = 0;
	man_setcontrib(&nw, &c);
	if (rules_resolve(m, r, &nw, &nw) == 0 && man_collide(m, r, &nw, &disowned) == 0)
		rc = tx_apply(m, r->name, &old, &nw, &disowned);
out:
	if (rc < 0)
		error("merge of '%s:%s' failed; the root is unchanged", r->name, abi);
	man_free(&old);
	man_free(&nw);
	strvfree(&disowned);
	return rc;
}

int
merge_uninstall(const struct mergectx *m, const char *pkg)
{
	struct manifest old;
	int found, rc;

	if (tx_recover(m) < 0 || man_load(m, pkg, &old, &found) < 0)
		return -1;
	if (!found) {
		man_free(&old);
		return error("package '%s' is not installed in '%s'", pkg, m->root);
	}
	rc = tx_apply(m, pkg, &old, NULL, NULL);
	man_free(&old);
	return rc;
}

char *
merge_owner(const struct mergectx *m, const char *path)
{
	return man_owner(m, path);
}
