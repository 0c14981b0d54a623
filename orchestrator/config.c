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
#include "contain.h"
#include "jdoc.h"
#include "util.h"

/* every kept --source is PKG=DIR */
static int
checksources(const struct jdoc *d, const struct strv *sv)
{
	int rc = 0;

	for (size_t i = 0; i < sv->n; i++) {
		const char *eq = strchr(sv->v[i], '=');
		if (!eq || eq == sv->v[i] || !eq[1]) {
			char *el = jpath_index("sources", i);
			rc = jdoc_error(d, el, "'%s' must be PKG=DIR, not '%s'", el, sv->v[i]);
			free(el);
		}
	}
	return rc;
}

int
config_load(struct buildopts *o)
{
	static const char *const keys[] = {"root", "lfs", "recipes", "profiles", "patches",
		"layout", "cache", "abis", "sources", "mirrors", "packages", "jobserver", "ccache", "icecc", "strip", "contain",
		"icecc_slots", NULL};
	char **slots[] = {&o->root, &o->lfs, &o->recipes, &o->profiles, &o->patches, &o->layout,
		&o->cache};
	char *path = xasprintf("%s/config.json", o->state);
	const char *v, *js = NULL;
	struct jdoc d = {0};
	int rc = 0;

	if (!exists(path)) {
		free(path);
		return 0;
	}
	if (jdoc_load(&d, path) < 0) {
		free(path);
		return -1;
	}
	free(path);
	if (!json_is_object(d.root)) {
		rc = jdoc_error(&d, "", "the kept options must be a JSON object");
		goto out;
	}
	rc = jdoc_keys(&d, "", d.root, keys);
	for (size_t k = 0; k < 7; k++) {
		if (jdoc_str(&d, "", d.root, keys[k], 0, &v) < 0)
			rc = -1;
		else if (v)
			*slots[k] = xstrdup(v);
	}
	if (jdoc_strlist(&d, "", d.root, "abis", 0, &o->abis) < 0 ||
	    jdoc_strlist(&d, "", d.root, "sources", 0, &o->srcover) < 0 ||
	    checksources(&d, &o->srcover) < 0 ||
	    jdoc_strlist(&d, "", d.root, "mirrors", 0, &o->mirrors) < 0 ||
	    jdoc_strlist(&d, "", d.root, "packages", 0, &o->pkgs) < 0)
		rc = -1;
	if (jdoc_str(&d, "", d.root, "jobserver", 0, &js) < 0)
		rc = -1;
	else if (js && strcmp(js, "pipe") && strcmp(js, "fifo"))
		rc = jdoc_error(&d, "jobserver", "key 'jobserver' must be pipe or fifo, not '%s'", js);
	else if (js)
		o->jsmode = !strcmp(js, "fifo") ? JSMODE_FIFO : JSMODE_PIPE;
	const char *cm = NULL;
	if (jdoc_str(&d, "", d.root, "contain", 0, &cm) < 0)
		rc = -1;
	else if (cm && contain_parse(cm) < 0)
		rc = jdoc_error(&d, "contain", "key 'contain' must be require, try or off, not '%s'", cm);
	else if (cm)
		o->contain = contain_parse(cm);
	if (jdoc_bool(&d, "", d.root, "ccache", &o->ccache) < 0 ||
	    jdoc_bool(&d, "", d.root, "icecc", &o->icecc) < 0 ||
	    jdoc_bool(&d, "", d.root, "strip", &o->strip) < 0)
		rc = -1;
	json_t *slots_v = json_object_get(d.root, "icecc_slots");
	if (slots_v && (!json_is_integer(slots_v) || json_integer_value(slots_v) < 0 ||
	    json_integer_value(slots_v) > 4096))
		rc = jdoc_error(&d, "icecc_slots", "key 'icecc_slots' must be a number from 0 to 4096");
	else if (slots_v)
		o->iceccslots = (int)json_integer_value(slots_v);
out:
	jdoc_release(&d);
	return rc;
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
	if (o->cache)
		json_object_set_new(c, "cache", json_string(o->cache));
	json_object_set_new(c, "ccache", json_boolean(o->ccache));
	json_object_set_new(c, "icecc", json_boolean(o->icecc));
	json_object_set_new(c, "strip", json_boolean(o->strip));
	json_object_set_new(c, "contain", json_string(o->contain == CONTAIN_OFF ? "off" :
		o->contain == CONTAIN_TRY ? "try" : "require"));
	json_object_set_new(c, "icecc_slots", json_integer(o->iceccslots));
	json_object_set_new(c, "abis", config_strarray(&o->abis));
	json_object_set_new(c, "sources", config_strarray(&o->srcover));
	json_object_set_new(c, "mirrors", config_strarray(&o->mirrors));
	json_object_set_new(c, "packages", config_strarray(&o->pkgs));
	json_object_set_new(c, "jobserver", json_string(o->jsmode == JSMODE_FIFO ? "fifo" : "pipe"));
	text = json_dumps(c, JSON_INDENT(2) | JSON_SORT_KEYS);
	rc = mkdirs(o->state, 0755) < 0 ? -1 : writefile(path, text, strlen(text), 0644);
	free(text);
	free(path);
	json_decref(c);
	return rc;
}
