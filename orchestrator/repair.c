/* repair: damaged packages of the root are built and merged again */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "beneath.h"
#include "graph.h"
#include "journal.h"
#include "plan.h"
#include "recipe.h"
#include "repair.h"
#include "util.h"
#include "verify.h"

/* the manifest of pkg without its "staged" sets, so that the next merge of
   any of its nodes computes the root from that node alone; -1 with a message */
static int
forget(const char *root, const char *pkg)
{
	char *rel = xasprintf("var/lib/mlfs/manifests/%s.json", pkg), *full = pathjoin(root, rel);
	int fd = bn_open(root, rel, O_RDONLY, 0), rc = 0;
	json_t *man = fd >= 0 ? json_loadfd(fd, 0, NULL) : NULL;

	if (fd >= 0)
		close(fd);
	if (json_is_object(man)) {
		char *text;
		json_object_set_new(man, "staged", json_object());
		text = json_dumps(man, JSON_INDENT(1));
		rc = writefile(full, text, strlen(text), 0644);
		free(text);
	}
	json_decref(man);
	free(full);
	free(rel);
	return rc;
}

size_t
repair_mark(struct graph *g, const char *root, const char *state, int quiet)
{
	char *path = xasprintf("%s/journal.jsonl", state);
	struct strv checked = {0};
	struct journal j;
	size_t n = 0;

	if (!exists(path) || journal_open(&j, path) < 0) {
		free(path);
		return 0;
	}
	for (size_t i = 0; i < g->n; i++) {
		struct node *nd = g->nodes[i];
		const char *pkg = nd->r->name;
		struct vdamage d;
		char *why;
		if (nd->run || strvfind(&checked, pkg) >= 0)
			continue;
		if ((why = plan_why(&j, nd))) {
			free(why);
			continue;
		}
		strvadd(&checked, pkg);
		if (!verify_package(root, pkg, &d)) {
			vdamage_free(&d);
			continue;
		}
		if (!quiet) {
			fprintf(stderr, "%s: the root's copy of '%s' is damaged; it is built again:\n",
				argv0, pkg);
			verify_print(&d, stderr);
		}
		if (!d.noman && forget(root, pkg) < 0) {
			vdamage_free(&d);
			continue;
		}
		/* every node of the package: its manifest no longer has their files */
		for (size_t k = 0; k < g->n; k++) {
			struct node *o = g->nodes[k];
			if (strcmp(o->r->name, pkg) || o->run)
				continue;
			journal_record(&j, o->name, J_CLEAN, NULL, "repair", 0);
			o->run = 1;
			n++;
		}
		vdamage_free(&d);
	}
	strvfree(&checked);
	journal_close(&j);
	free(path);
	return n;
}
