/* manifest: the model of a package's manifest, its load and save, ownership and collisions */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hash.h"
#include "manifest.h"
#include "merge.h"
#include "recipe.h"
#include "util.h"

const char *const man_ftnames[] = { "file", "link", "dir" };
const char *const man_hownames[] = { "copy", "abi", "tool", "wrap", "dir" };

char *
man_dir(const struct mergectx *m)
{
	if (m->statedir)
		return xstrdup(m->statedir);
	return pathjoin(m->root, "var/lib/mlfs/manifests");
}

char *
man_path(const struct mergectx *m, const char *pkg, const char *suffix)
{
	char *d = man_dir(m), *p = xasprintf("%s/%s%s", d, pkg, suffix);

	free(d);
	return p;
}

static void
centryfree(struct centry *e)
{
	free(e->path);
	free(e->target);
	free(e->src);
	free(e->data);
}

void
contrib_free(struct contrib *c)
{
	for (size_t i = 0; i < c->n; i++)
		centryfree(&c->e[i]);
	free(c->e);
	free(c->abi);
}

static void
fentryfree(struct fentry *f)
{
	free(f->path);
	free(f->target);
	free(f->data);
	strvfree(&f->abis);
}

void
man_free(struct manifest *mf)
{
	for (size_t i = 0; i < mf->nc; i++)
		contrib_free(&mf->c[i]);
	free(mf->c);
	for (size_t i = 0; i < mf->nf; i++)
		fentryfree(&mf->f[i]);
	free(mf->f);
	free(mf->pkg);
	free(mf->version);
	free(mf->stage);
	memset(mf, 0, sizeof(*mf));
}

struct centry *
centry_add(struct contrib *c)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->e = xreallocarray(c->e, c->cap, sizeof(*c->e));
	}
	memset(&c->e[c->n], 0, sizeof(c->e[0]));
	return &c->e[c->n++];
}

struct fentry *
fentry_add(struct manifest *mf)
{
	if (mf->nf == mf->capf) {
		mf->capf = mf->capf ? mf->capf * 2 : 64;
		mf->f = xreallocarray(mf->f, mf->capf, sizeof(*mf->f));
	}
	memset(&mf->f[mf->nf], 0, sizeof(mf->f[0]));
	return &mf->f[mf->nf++];
}

int
fentry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct fentry *)a)->path, ((const struct fentry *)b)->path);
}

struct fentry *
man_find(const struct manifest *mf, const char *path)
{
	struct fentry k = { .path = (char *)path };

	if (!mf->nf)
		return NULL;
	return bsearch(&k, mf->f, mf->nf, sizeof(k), fentry_cmp);
}

static int
parseenum(const char *s, const char *const *names, int n)
{
	for (int i = 0; s && i < n; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

static const char *
jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int
hexcpy(char *dst, const char *s)
{
	if (!s || strlen(s) >= HASH_HEXMAX)
		return -1;
	strcpy(dst, s);
	return 0;
}

static int
loadcentry(json_t *o, struct centry *e)
{
	int t = parseenum(jstr(o, "type"), man_ftnames, 3);

	if (!jstr(o, "path") || t < 0 || !json_is_integer(json_object_get(o, "mode")))
		return -1;
	e->path = xstrdup(jstr(o, "path"));
	e->type = t;
	e->mode = json_integer_value(json_object_get(o, "mode"));
	e->target = xstrdup(jstr(o, "target"));
	if (t != FT_DIR && hexcpy(e->hash, jstr(o, "hash")) < 0)
		return -1;
	if (hexcpy(e->key, jstr(o, "key")) < 0)
		strcpy(e->key, e->hash);
	return t == FT_LINK && !e->target ? -1 : 0;
}

static int
loadfentry(json_t *o, struct fentry *f)
{
	int t = parseenum(jstr(o, "type"), man_ftnames, 3);
	int h = parseenum(jstr(o, "how"), man_hownames, NHOW);
	json_t *abis = json_object_get(o, "abis"), *v;
	size_t i;

	if (!jstr(o, "path") || t < 0 || h < 0 || !json_is_integer(json_object_get(o, "mode")))
		return -1;
	f->path = xstrdup(jstr(o, "path"));
	f->type = t;
	f->how = h;
	f->mode = json_integer_value(json_object_get(o, "mode"));
	f->target = xstrdup(jstr(o, "target"));
	json_array_foreach(abis, i, v)
		if (json_is_string(v))
			strvadd(&f->abis, json_string_value(v));
	if (t == FT_DIR)
		return 0;
	if (hexcpy(f->hash, jstr(o, "hash")) < 0 || hexcpy(f->src, jstr(o, "source")) < 0)
		return -1;
	return t == FT_LINK && !f->target ? -1 : 0;
}

static int
manparse(struct manifest *mf, json_t *root)
{
	json_t *staged = json_object_get(root, "staged"), *files = json_object_get(root, "files");
	json_t *list, *v;
	const char *abi;
	size_t i;

	if (!json_is_object(root) || !jstr(root, "package") || !json_is_object(staged) ||
	    !json_is_array(files))
		return -1;
	mf->pkg = xstrdup(jstr(root, "package"));
	mf->version = xstrdup(jstr(root, "version"));
	mf->stage = xstrdup(jstr(root, "stage"));
	mf->c = xcalloc(json_object_size(staged), sizeof(*mf->c));
	json_object_foreach(staged, abi, list) {
		struct contrib *c = &mf->c[mf->nc++];
		c->abi = xstrdup(abi);
		json_array_foreach(list, i, v)
			if (loadcentry(v, centry_add(c)) < 0)
				return -1;
	}
	json_array_foreach(files, i, v)
		if (loadfentry(v, fentry_add(mf)) < 0)
			return -1;
	if (mf->nf)
		qsort(mf->f, mf->nf, sizeof(*mf->f), fentry_cmp);
	return 0;
}

/* load pkg's manifest; an absent one gives an empty manifest and *found 0 */
int
man_load(const struct mergectx *m, const char *pkg, struct manifest *mf, int *found)
{
	char *path = man_path(m, pkg, ".json");
	json_error_t je;
	json_t *root;
	int rc = 0;

	memset(mf, 0, sizeof(*mf));
	if (found)
		*found = 0;
	if (!exists(path)) {
		mf->pkg = xstrdup(pkg);
		free(path);
		return 0;
	}
	root = json_load_file(path, 0, &je);
	if (!root) {
		rc = error("manifest '%s': %s", path, je.text);
	} else if (manparse(mf, root) < 0) {
		rc = error("manifest '%s' is malformed", path);
	} else if (found) {
		*found = 1;
	}
	json_decref(root);
	free(path);
	if (rc < 0)
		man_free(mf);
	return rc;
}

static json_t *
centryjson(const struct centry *e)
{
	json_t *o = json_object();

	json_object_set_new(o, "path", json_string(e->path));
	json_object_set_new(o, "type", json_string(man_ftnames[e->type]));
	json_object_set_new(o, "mode", json_integer(e->mode));
	if (e->type != FT_DIR)
		json_object_set_new(o, "hash", json_string(e->hash));
	if (e->type != FT_DIR && strcmp(e->key, e->hash))
		json_object_set_new(o, "key", json_string(e->key));
	if (e->target)
		json_object_set_new(o, "target", json_string(e->target));
	return o;
}

static json_t *
fentryjson(const struct fentry *f)
{
	json_t *o = json_object(), *a = json_array();

	json_object_set_new(o, "path", json_string(f->path));
	json_object_set_new(o, "type", json_string(man_ftnames[f->type]));
	json_object_set_new(o, "mode", json_integer(f->mode));
	json_object_set_new(o, "how", json_string(man_hownames[f->how]));
	if (f->type != FT_DIR) {
		json_object_set_new(o, "hash", json_string(f->hash));
		json_object_set_new(o, "source", json_string(f->src));
	}
	if (f->target)
		json_object_set_new(o, "target", json_string(f->target));
	for (size_t i = 0; i < f->abis.n; i++)
		json_array_append_new(a, json_string(f->abis.v[i]));
	json_object_set_new(o, "abis", a);
	return o;
}

json_t *
man_json(const struct manifest *mf)
{
	json_t *o = json_object(), *staged = json_object(), *files = json_array();

	json_object_set_new(o, "package", json_string(mf->pkg));
	if (mf->version)
		json_object_set_new(o, "version", json_string(mf->version));
	if (mf->stage)
		json_object_set_new(o, "stage", json_string(mf->stage));
	for (size_t i = 0; i < mf->nc; i++) {
		json_t *l = json_array();
		for (size_t j = 0; j < mf->c[i].n; j++)
			json_array_append_new(l, centryjson(&mf->c[i].e[j]));
		json_object_set_new(staged, mf->c[i].abi, l);
	}
	json_object_set_new(o, "staged", staged);
	for (size_t i = 0; i < mf->nf; i++)
		json_array_append_new(files, fentryjson(&mf->f[i]));
	json_object_set_new(o, "files", files);
	return o;
}

static int
strpcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* names of every package with a manifest, sorted */
int
man_packages(const struct mergectx *m, struct strv *out)
{
	char *dir = man_dir(m);
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d) {
		int rc = errno == ENOENT ? 0 : error("open directory '%s':", dir);
		free(dir);
		return rc;
	}
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		if (de->d_name[0] == '.' || !endswith(de->d_name, ".json") ||
		    endswith(de->d_name, ".pending.json"))
			continue;
		strvtake(out, xasprintf("%.*s", (int)(n - 5), de->d_name));
	}
	closedir(d);
	free(dir);
	if (out->n)
		qsort(out->v, out->n, sizeof(*out->v), strpcmp);
	return 0;
}

/* rule 5: a file another package owns is a collision, unless that package
   belongs to an earlier stage (the book installs Chapter 6 tools again in
   Chapter 8): then the file changes hands and disown gets (package, path) */
int
man_collide(const struct mergectx *m, const struct recipe *r, const struct manifest *out,
	struct strv *disown)
{
	struct strv pkgs = {0};
	int rc = man_packages(m, &pkgs);

	for (size_t i = 0; rc == 0 && i < pkgs.n; i++) {
		struct manifest o;
		if (!strcmp(pkgs.v[i], r->name))
			continue;
		if (man_load(m, pkgs.v[i], &o, NULL) < 0) {
			rc = -1;
			break;
		}
		int older = o.stage && stage_parse(o.stage) >= 0 &&
			stage_parse(o.stage) < (int)r->stage;
		for (size_t j = 0; j < o.nf; j++) {
			struct fentry *f = man_find(out, o.f[j].path);
			if (!f || (f->type == FT_DIR && o.f[j].type == FT_DIR))
				continue;
			if (older && f->type != FT_DIR && o.f[j].type != FT_DIR) {
				strvadd(disown, o.pkg);
				strvadd(disown, f->path);
				continue;
			}
			rc = error("collision: '%s' of package '%s' is already installed by "
				"package '%s'", f->path, r->name, o.pkg);
		}
		man_free(&o);
	}
	strvfree(&pkgs);
	return rc;
}

/* put contribution c in place of mf's for the same ABI, keeping ABI order */
void
man_setcontrib(struct manifest *mf, struct contrib *c)
{
	size_t i;

	for (i = 0; i < mf->nc; i++) {
		if (!strcmp(mf->c[i].abi, c->abi)) {
			contrib_free(&mf->c[i]);
			mf->c[i] = *c;
			return;
		}
	}
	mf->c = xreallocarray(mf->c, mf->nc + 1, sizeof(*mf->c));
	for (i = mf->nc; i > 0 && strcmp(mf->c[i - 1].abi, c->abi) > 0; i--)
		mf->c[i] = mf->c[i - 1];
	mf->c[i] = *c;
	mf->nc++;
}

char *
man_owner(const struct mergectx *m, const char *path)
{
	struct strv pkgs = {0};
	char *owner = NULL;

	if (man_packages(m, &pkgs) < 0)
		return NULL;
	for (size_t i = 0; !owner && i < pkgs.n; i++) {
		struct manifest o;
		if (man_load(m, pkgs.v[i], &o, NULL) < 0)
			continue;
		struct fentry *f = man_find(&o, path);
		if (f && f->type != FT_DIR)
			owner = xstrdup(o.pkg);
		man_free(&o);
	}
	strvfree(&pkgs);
	return owner;
}
