/*
 * jansson reports the position of syntax errors only, so after a good parse a
 * small scanner walks the same text once more and records the line and column
 * of every object key and every array element under its path. Validation can
 * then name the exact place of a bad key or value.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "jdoc.h"
#include "util.h"

struct scan {
	const char *p;
	int line, col;
	struct jdoc *d;
	size_t cap;
};

static void
adv(struct scan *s)
{
	if (*s->p == '\n') {
		s->line++;
		s->col = 1;
	} else if ((*s->p & 0xc0) != 0x80) {
		s->col++;
	}
	s->p++;
}

static void
skipws(struct scan *s)
{
	while (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r')
		adv(s);
}

static void
record(struct scan *s, char *path, int line, int col)
{
	struct jdoc *d = s->d;

	if (d->nlocs == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		d->locs = xreallocarray(d->locs, s->cap, sizeof(*d->locs));
	}
	d->locs[d->nlocs++] = (struct jloc){path, line, col};
}

/* read a string token; returns its decoded-enough text (escapes kept simple) */
static char *
scanstr(struct scan *s)
{
	struct buf b = {0};

	adv(s); /* opening quote */
	while (*s->p && *s->p != '"') {
		if (*s->p == '\\') {
			adv(s);
			if (!*s->p)
				break;
		}
		bufadd(&b, s->p, 1);
		adv(s);
	}
	if (*s->p)
		adv(s);
	if (!b.s)
		b.s = xstrdup("");
	return b.s;
}

static void scanvalue(struct scan *s, const char *path);

static void
scanobject(struct scan *s, const char *path)
{
	adv(s);
	for (;;) {
		skipws(s);
		if (*s->p != '"')
			break;
		int line = s->line, col = s->col;
		char *key = scanstr(s);
		char *sub = jpath_key(path, key);
		free(key);
		record(s, xstrdup(sub), line, col);
		skipws(s);
		if (*s->p == ':')
			adv(s);
		scanvalue(s, sub);
		free(sub);
		skipws(s);
		if (*s->p != ',')
			break;
		adv(s);
	}
	if (*s->p == '}')
		adv(s);
}

static void
scanarray(struct scan *s, const char *path)
{
	size_t i = 0;

	adv(s);
	for (;;) {
		skipws(s);
		if (*s->p == ']' || !*s->p)
			break;
		char *sub = jpath_index(path, i++);
		record(s, xstrdup(sub), s->line, s->col);
		scanvalue(s, sub);
		free(sub);
		skipws(s);
		if (*s->p != ',')
			break;
		adv(s);
	}
	if (*s->p == ']')
		adv(s);
}

static void
scanvalue(struct scan *s, const char *path)
{
	skipws(s);
	switch (*s->p) {
	case '{':
		scanobject(s, path);
		break;
	case '[':
		scanarray(s, path);
		break;
	case '"':
		free(scanstr(s));
		break;
	default:
		while (*s->p && !strchr(",]} \t\r\n", *s->p))
			adv(s);
	}
}

int
jdoc_parse(struct jdoc *d, const char *file, const char *text)
{
	json_error_t err;

	memset(d, 0, sizeof(*d));
	d->file = xstrdup(file);
	d->root = json_loads(text, JSON_REJECT_DUPLICATES, &err);
	if (!d->root)
		return error("%s:%d:%d: %s", file, err.line, err.column, err.text);
	d->text = xstrdup(text);
	return 0;
}

int
jdoc_load(struct jdoc *d, const char *file)
{
	char *text = readfile(file, NULL);
	int rc;

	if (!text) {
		memset(d, 0, sizeof(*d));
		return error("cannot read '%s':", file);
	}
	rc = jdoc_parse(d, file, text);
	free(text);
	return rc;
}

void
jdoc_release(struct jdoc *d)
{
	for (size_t i = 0; i < d->nlocs; i++)
		free(d->locs[i].path);
	free(d->locs);
	free(d->text);
	free(d->file);
	json_decref(d->root);
	memset(d, 0, sizeof(*d));
}

void
jdoc_where(const struct jdoc *d, const char *path, int *line, int *col)
{
	char *p = xstrdup(path);

	/* the key locations are only wanted for a message: scanned then, once */
	if (!d->scanned && d->text) {
		struct jdoc *m = (struct jdoc *)d;
		struct scan s = {m->text, 1, 1, m, 0};
		scanvalue(&s, "");
		m->scanned = 1;
	}

	*line = *col = 1;
	for (;;) {
		for (size_t i = 0; i < d->nlocs; i++) {
			if (strcmp(d->locs[i].path, p) == 0) {
				*line = d->locs[i].line;
				*col = d->locs[i].col;
				free(p);
				return;
			}
		}
		char *cut = strrchr(p, '.'), *br = strrchr(p, '[');
		if (br > cut)
			cut = br;
		if (!cut)
			break;
		*cut = '\0';
	}
	free(p);
}

void
jdoc_place(const char *file, const char *path, int *line, int *col)
{
	struct jdoc d;

	*line = *col = 1;
	if (jdoc_load(&d, file) == 0)
		jdoc_where(&d, path, line, col);
	jdoc_release(&d);
}

int
jdoc_error(const struct jdoc *d, const char *path, const char *fmt, ...)
{
	struct buf b = {0};
	va_list ap;
	int line, col, n;

	jdoc_where(d, path, &line, &col);
	char probe[1];

	va_start(ap, fmt);
	n = vsnprintf(probe, sizeof(probe), fmt, ap);
	va_end(ap);
	b.s = xmalloc(n + 1);
	va_start(ap, fmt);
	vsnprintf(b.s, n + 1, fmt, ap);
	va_end(ap);
	error("%s:%d:%d: %s", d->file, line, col, b.s);
	free(b.s);
	return -1;
}

char *
jpath_key(const char *parent, const char *key)
{
	return *parent ? xasprintf("%s.%s", parent, key) : xstrdup(key);
}

char *
jpath_index(const char *parent, size_t i)
{
	return xasprintf("%s[%zu]", parent, i);
}

const char *
jdoc_type(json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "object";
	case JSON_ARRAY: return "array";
	case JSON_STRING: return "string";
	case JSON_INTEGER: return "integer";
	case JSON_REAL: return "number";
	case JSON_TRUE: case JSON_FALSE: return "boolean";
	default: return "null";
	}
}

int
jdoc_keys(const struct jdoc *d, const char *path, json_t *obj, const char *const *keys)
{
	const char *key;
	json_t *v;
	size_t unknown = 0;
	int rc = 0;

	if (!json_is_object(obj))
		return jdoc_error(d, path, "'%s' must be an object, not %s",
			*path ? path : "(top)", jdoc_type(obj));
	json_object_foreach(obj, key, v) {
		const char *best = NULL;
		int bestd = 1 << 30;
		size_t i;

		for (i = 0; keys[i] && strcmp(keys[i], key); i++)
			;
		if (keys[i])
			continue;
		rc = -1;
		/* a few are named; a flood of them is counted, not each located */
		if (++unknown > JDOC_MAXUNKNOWN)
			continue;
		/* unknown: the nearest known key, for "did you mean" */
		for (i = 0; keys[i]; i++) {
			int dist = editdist(keys[i], key);
			if (dist < bestd) {
				bestd = dist;
				best = keys[i];
			}
		}
		char *sub = jpath_key(path, key);
		if (best && bestd <= 2 + (int)strlen(key) / 4)
			jdoc_error(d, sub, "unknown key '%s' (did you mean '%s'?)", sub, best);
		else
			jdoc_error(d, sub, "unknown key '%s'", sub);
		free(sub);
	}
	if (unknown > JDOC_MAXUNKNOWN)
		jdoc_error(d, path, "%zu more unknown keys in '%s'", unknown - JDOC_MAXUNKNOWN,
			*path ? path : "(top)");
	return rc;
}

int
jdoc_str(const struct jdoc *d, const char *path, json_t *obj, const char *key,
	int required, const char **out)
{
	json_t *v = json_object_get(obj, key);
	char *sub;
	int rc = 0;

	*out = NULL;
	if (!v) {
		if (required)
			return jdoc_error(d, path, "missing key '%s'", key);
		return 0;
	}
	if (!json_is_string(v)) {
		sub = jpath_key(path, key);
		rc = jdoc_error(d, sub, "key '%s' must be a string, not %s", sub, jdoc_type(v));
		free(sub);
		return rc;
	}
	*out = json_string_value(v);
	return 0;
}

int
jdoc_bool(const struct jdoc *d, const char *path, json_t *obj, const char *key, int *out)
{
	json_t *v = json_object_get(obj, key);
	char *sub;

	if (!v)
		return 0;
	if (!json_is_boolean(v)) {
		sub = jpath_key(path, key);
		jdoc_error(d, sub, "key '%s' must be a boolean, not %s", sub, jdoc_type(v));
		free(sub);
		return -1;
	}
	*out = json_is_true(v);
	return 0;
}

int
jdoc_strlist(const struct jdoc *d, const char *path, json_t *obj, const char *key,
	int required, struct strv *out)
{
	json_t *v = json_object_get(obj, key), *e;
	char *sub;
	size_t i;
	int rc = 0;

	if (!v)
		return required ? jdoc_error(d, path, "missing key '%s'", key) : 0;
	sub = jpath_key(path, key);
	if (!json_is_array(v)) {
		rc = jdoc_error(d, sub, "key '%s' must be an array of strings, not %s", sub, jdoc_type(v));
		free(sub);
		return rc;
	}
	json_array_foreach(v, i, e) {
		if (!json_is_string(e)) {
			char *el = jpath_index(sub, i);
			rc = jdoc_error(d, el, "'%s' must be a string, not %s", el, jdoc_type(e));
			free(el);
			continue;
		}
		strvadd(out, json_string_value(e));
	}
	free(sub);
	return rc;
}
