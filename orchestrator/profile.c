#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "hash.h"
#include "jdoc.h"
#include "profile.h"
#include "util.h"

static const char *const abikeys[] = {
	"name", "description", "mflag", "host", "cross", "loader", "elf_class",
	"elf_machine", "multiarch", "defines", "extras", NULL,
};

static const char *const layoutkeys[] = {
	"name", "description", "primary", "libdirs", "links", NULL,
};

static int
reqstr(const struct jdoc *d, json_t *o, const char *key, char **out)
{
	const char *s;

	if (jdoc_str(d, "", o, key, 1, &s) < 0)
		return -1;
	if (!*s)
		return jdoc_error(d, key, "key '%s' must not be empty", key);
	*out = xstrdup(s);
	return 0;
}

static int
abifields(struct abi *a, const struct jdoc *d)
{
	json_t *o = d->root, *v;
	const char *s, *key;
	int rc = 0;

	rc |= reqstr(d, o, "name", &a->name);
	rc |= reqstr(d, o, "mflag", &a->mflag);
	rc |= reqstr(d, o, "host", &a->host);
	rc |= reqstr(d, o, "cross", &a->cross);
	rc |= reqstr(d, o, "loader", &a->loader);
	rc |= reqstr(d, o, "multiarch", &a->multiarch);
	if (jdoc_str(d, "", o, "description", 0, &s) == 0)
		a->desc = xstrdup(s ? s : "");
	else
		rc = -1;
	rc |= jdoc_strlist(d, "", o, "defines", 1, &a->defines);
	v = json_object_get(o, "elf_class");
	if (!v)
		rc = jdoc_error(d, "", "missing key 'elf_class'");
	else if (!json_is_integer(v) || (json_integer_value(v) != 32 && json_integer_value(v) != 64))
		rc = jdoc_error(d, "elf_class", "key 'elf_class' must be 32 or 64");
	else
		a->elfclass = json_integer_value(v);
	if (jdoc_str(d, "", o, "elf_machine", 1, &s) < 0)
		rc = -1;
	else if (!strcmp(s, "i386"))
		a->machine = ELF_I386;
	else if (!strcmp(s, "x86_64"))
		a->machine = ELF_X86_64;
	else
		rc = jdoc_error(d, "elf_machine", "key 'elf_machine' must be 'i386' or 'x86_64', not '%s'", s);
	v = json_object_get(o, "extras");
	if (v && !json_is_object(v))
		return jdoc_error(d, "extras", "key 'extras' must be an object, not %s", jdoc_type(v));
	if (v) {
		json_t *e;
		a->extras = xcalloc(json_object_size(v), sizeof(*a->extras));
		json_object_foreach(v, key, e) {
			char *sub = jpath_key("extras", key);
			if (!json_is_string(e))
				rc = jdoc_error(d, sub, "key '%s' must be a string, not %s", sub, jdoc_type(e));
			else
				a->extras[a->nextras++] = (struct extra){xstrdup(key), xstrdup(json_string_value(e))};
			free(sub);
		}
	}
	return rc ? -1 : 0;
}

int
abi_load(struct abi *a, const char *file)
{
	struct jdoc d;
	int rc;

	memset(a, 0, sizeof(*a));
	if (jdoc_load(&d, file) < 0) {
		jdoc_release(&d);
		return -1;
	}
	a->file = xstrdup(file);
	rc = jdoc_keys(&d, "", d.root, abikeys);
	if (rc == 0)
		rc = abifields(a, &d);
	if (rc == 0 && hashfile(HASH_SHA256, file, a->hash) < 0)
		rc = -1;
	jdoc_release(&d);
	return rc;
}

static int
layoutfields(struct layout *l, const struct jdoc *d)
{
	json_t *o = d->root, *v, *e;
	const char *s, *key;
	int rc = 0;

	rc |= reqstr(d, o, "name", &l->name);
	rc |= reqstr(d, o, "primary", &l->primary);
	if (jdoc_str(d, "", o, "description", 0, &s) == 0)
		l->desc = xstrdup(s ? s : "");
	v = json_object_get(o, "libdirs");
	if (!v || !json_is_object(v))
		return jdoc_error(d, v ? "libdirs" : "", v ? "key 'libdirs' must be an object" :
			"missing key 'libdirs'");
	json_object_foreach(v, key, e) {
		char *sub = jpath_key("libdirs", key);
		if (!json_is_string(e) || json_string_value(e)[0] != '/')
			rc = jdoc_error(d, sub, "key '%s' must be an absolute directory", sub);
		else if (strvfind(&l->libdirs, json_string_value(e)) >= 0)
			rc = jdoc_error(d, sub, "libdir '%s' is used by two ABIs", json_string_value(e));
		else {
			strvadd(&l->abis, key);
			strvadd(&l->libdirs, json_string_value(e));
		}
		free(sub);
	}
	v = json_object_get(o, "links");
	if (v && !json_is_object(v))
		return jdoc_error(d, "links", "key 'links' must be an object");
	if (v) {
		json_object_foreach(v, key, e) {
			char *sub = jpath_key("links", key);
			if (!json_is_string(e) || key[0] != '/')
				rc = jdoc_error(d, sub, "link '%s' must map an absolute path to a string", key);
			else {
				strvadd(&l->links, key);
				strvadd(&l->links, json_string_value(e));
			}
			free(sub);
		}
	}
	if (rc == 0 && strvfind(&l->abis, l->primary) < 0)
		rc = jdoc_error(d, "primary", "primary ABI '%s' has no libdir", l->primary);
	return rc ? -1 : 0;
}

int
layout_load(struct layout *l, const char *file)
{
	struct jdoc d;
	int rc;

	memset(l, 0, sizeof(*l));
	if (jdoc_load(&d, file) < 0) {
		jdoc_release(&d);
		return -1;
	}
	l->file = xstrdup(file);
	rc = jdoc_keys(&d, "", d.root, layoutkeys);
	if (rc == 0)
		rc = layoutfields(l, &d);
	if (rc == 0 && hashfile(HASH_SHA256, file, l->hash) < 0)
		rc = -1;
	jdoc_release(&d);
	return rc;
}

static int
abicmp(const void *a, const void *b)
{
	return strcmp(((const struct abi *)a)->name, ((const struct abi *)b)->name);
}

int
profiles_load(struct profiles *p, const char *dir, const char *layout)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct strv files = {0};
	int rc = 0;
	char *lfile;

	memset(p, 0, sizeof(*p));
	if (!d)
		return error("cannot open profile directory '%s':", dir);
	while ((e = readdir(d)))
		if (endswith(e->d_name, ".json"))
			strvtake(&files, pathjoin(dir, e->d_name));
	closedir(d);
	p->abis = xcalloc(files.n, sizeof(*p->abis));
	for (size_t i = 0; i < files.n; i++) {
		struct abi *a = &p->abis[p->n];
		if (abi_load(a, files.v[i]) < 0) {
			abi_release(a);
			rc = -1;
			continue;
		}
		char *base = xstrdup(strrchr(files.v[i], '/') + 1);
		base[strlen(base) - 5] = '\0';
		if (strcmp(base, a->name)) {
			rc = error("%s:1:1: profile name '%s' differs from its file name '%s'",
				files.v[i], a->name, base);
			abi_release(a);
		} else {
			p->n++;
		}
		free(base);
	}
	strvfree(&files);
	if (p->n)
		qsort(p->abis, p->n, sizeof(*p->abis), abicmp);
	lfile = xasprintf("%s/layouts/%s.json", dir, layout);
	if (!exists(lfile))
		rc = error("unknown layout '%s': no file '%s'", layout, lfile);
	else if (layout_load(&p->layout, lfile) < 0)
		rc = -1;
	for (size_t i = 0; rc == 0 && i < p->layout.abis.n; i++) {
		int line, col;
		char *at = jpath_key("libdirs", p->layout.abis.v[i]);
		if (!abi_get(p, p->layout.abis.v[i])) {
			jdoc_place(lfile, at, &line, &col);
			rc = error("%s:%d:%d: layout names ABI '%s' that has no profile", lfile, line, col,
				p->layout.abis.v[i]);
		}
		free(at);
	}
	for (size_t i = 0; rc == 0 && i < p->n; i++) {
		int line, col;
		if (!layout_libdir(&p->layout, p->abis[i].name)) {
			jdoc_place(lfile, "libdirs", &line, &col);
			rc = error("%s:%d:%d: layout has no libdir for ABI '%s'", lfile, line, col,
				p->abis[i].name);
		}
	}
	free(lfile);
	return rc;
}

struct abi *
abi_get(const struct profiles *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->abis[i].name, name))
			return &p->abis[i];
	return NULL;
}

const char *
layout_libdir(const struct layout *l, const char *abi)
{
	long i = strvfind(&l->abis, abi);

	return i < 0 ? NULL : l->libdirs.v[i];
}

const char *
layout_primary(struct layout *l, const struct strv *abis)
{
	struct hasher *h;

	if (!abis->n || strvfind(abis, l->primary) >= 0)
		return NULL;
	free(l->primary);
	l->primary = xstrdup(abis->v[0]);
	h = hashnew(HASH_SHA256);
	hashstr(h, l->hash);
	hashstr(h, "primary");
	hashstr(h, l->primary);
	hashend(h, l->hash);
	return l->primary;
}

const char *
layout_abi_of(const struct layout *l, const char *dir)
{
	long i = strvfind(&l->libdirs, dir);

	return i < 0 ? NULL : l->abis.v[i];
}

const char *
abi_extra(const struct abi *a, const char *key)
{
	for (size_t i = 0; i < a->nextras; i++)
		if (!strcmp(a->extras[i].key, key))
			return a->extras[i].value;
	return NULL;
}

void
abi_release(struct abi *a)
{
	free(a->name);
	free(a->file);
	free(a->desc);
	free(a->mflag);
	free(a->host);
	free(a->cross);
	free(a->loader);
	free(a->multiarch);
	free(a->norun);
	free(a->guest);
	strvfree(&a->defines);
	for (size_t i = 0; i < a->nextras; i++) {
		free(a->extras[i].key);
		free(a->extras[i].value);
	}
	free(a->extras);
	memset(a, 0, sizeof(*a));
}

void
layout_release(struct layout *l)
{
	free(l->name);
	free(l->file);
	free(l->desc);
	free(l->primary);
	strvfree(&l->abis);
	strvfree(&l->libdirs);
	strvfree(&l->links);
	memset(l, 0, sizeof(*l));
}

void
profiles_release(struct profiles *p)
{
	for (size_t i = 0; i < p->n; i++)
		abi_release(&p->abis[i]);
	free(p->abis);
	layout_release(&p->layout);
	memset(p, 0, sizeof(*p));
}

/* path with a leading layout link replaced by its target ("/lib32/x" ->
   "/usr/lib32/x"); *islink is set when path is the link itself; caller frees */
char *
layout_canon(const struct layout *l, const char *path, int *islink)
{
	if (islink)
		*islink = 0;
	for (size_t i = 0; i + 1 < l->links.n; i += 2) {
		const char *lp = l->links.v[i];
		size_t n = strlen(lp);
		if (strncmp(path, lp, n) || (path[n] != '/' && path[n] != '\0'))
			continue;
		char *t = linkabs(lp, l->links.v[i + 1]), *r;
		if (islink)
			*islink = path[n] == '\0';
		r = xasprintf("%s%s", t, path + n);
		free(t);
		return r;
	}
	return xstrdup(path);
}
