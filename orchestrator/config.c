/* config: the kept options of a build, $state/config.json, so that a bare
   `mlfs build` after a failure resumes the same build; options given on the
   command line replace the kept ones and are kept in turn */
#define _GNU_SOURCE
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "build.h"
#include "config.h"
#include "util.h"

void
config_load(struct buildopts *o)
{
	char *path = xasprintf("%s/config.json", o->state);
	json_t *c = json_load_file(path, 0, NULL), *v;
	const char *keys[] = {"root", "lfs", "recipes", "profiles", "patches", "layout"};
	char **slots[] = {&o->root, &o->lfs, &o->recipes, &o->profiles, &o->patches, &o->layout};
	size_t i;

	free(path);
	if (!c)
		return;
	for (size_t k = 0; k < 6; k++)
		if (json_is_string(v = json_object_get(c, keys[k])))
			*slots[k] = xstrdup(json_string_value(v));
	json_array_foreach(json_object_get(c, "abis"), i, v)
		strvadd(&o->abis, json_string_value(v));
	json_array_foreach(json_object_get(c, "sources"), i, v)
		strvadd(&o->srcover, json_string_value(v));
	json_array_foreach(json_object_get(c, "mirrors"), i, v)
		strvadd(&o->mirrors, json_string_value(v));
	if (json_is_string(v = json_object_get(c, "jobserver")))
		o->jsmode = !strcmp(json_string_value(v), "fifo") ? JSMODE_FIFO : JSMODE_PIPE;
	json_decref(c);
}

json_t *
config_strarray(const struct strv *sv)
{
	json_t *a = json_array();

	for (size_t i = 0; i < sv->n; i++)
		json_array_append_new(a, json_string(sv->v[i]));
	return a;
}

int
config_save(const struct buildopts *o)
{
	json_t *c = json_object();
	char *path = xasprintf("%s/config.json", o->state), *text;
	int rc;

	if (o->root)
		json_object_set_new(c, "root", json_string(o->root));
	if (o->lfs)
		json_object_set_new(c, "lfs", json_string(o->lfs));
	json_object_set_new(c, "recipes", json_string(o->recipes));
	json_object_set_new(c, "profiles", json_string(o->profiles));
	json_object_set_new(c, "patches", json_string(o->patches));
	json_object_set_new(c, "layout", json_string(o->layout));
	json_object_set_new(c, "abis", config_strarray(&o->abis));
	json_object_set_new(c, "sources", config_strarray(&o->srcover));
	json_object_set_new(c, "mirrors", config_strarray(&o->mirrors));
	json_object_set_new(c, "jobserver", json_string(o->jsmode == JSMODE_FIFO ? "fifo" : "pipe"));
	text = json_dumps(c, JSON_INDENT(2) | JSON_SORT_KEYS);
	rc = mkdirs(o->state, 0755) < 0 ? -1 : writefile(path, text, strlen(text), 0644);
	free(text);
	free(path);
	json_decref(c);
	return rc;
}
