#define _GNU_SOURCE
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "elf.h"
#include "hash.h"
#include "merge.h"
#include "profile.h"
#include "recipe.h"
#include "util.h"
#include "wrap.h"

enum ftype { FT_FILE, FT_LINK, FT_DIR };
enum how { HOW_COPY, HOW_ABI, HOW_TOOL, HOW_WRAP, HOW_DIR, NHOW };

static const char *const ftnames[] = { "file", "link", "dir" };
static const char *const hownames[] = { "copy", "abi", "tool", "wrap", "dir" };

/* one entry an ABI's node staged */
struct centry {
	char *path;      /* in the root, after layout links and relocation */
	enum ftype type;
	int mode;
	char hash[HASH_HEXMAX];  /* content (link: target) */
	char key[HASH_HEXMAX];   /* what "identical" compares */
	char *target;    /* FT_LINK */
	char *src;       /* the staged file (only for the node being merged) */
	char *data;      /* rewritten content instead of src */
	size_t len;
};

/* everything one ABI staged */
struct contrib {
	char *abi;
	struct centry *e;
	size_t n, cap;
};

/* one entry installed in the root */
struct fentry {
	char *path;
	enum ftype type;
	int mode;
	enum how how;
	char hash[HASH_HEXMAX];  /* installed content (link: target) */
	char src[HASH_HEXMAX];   /* what it was made from: the staged hash, or the wrapper's */
	char *target;
	struct strv abis;        /* the ABIs it serves */
	/* planning */
	const struct centry *from;
	char *data;              /* generated content (wrappers) */
	size_t len;
	int keep;
};

struct manifest {
	char *pkg, *version, *stage;
	struct contrib *c;
	size_t nc;
	struct fentry *f;
	size_t nf, capf;
};

/* a staged entry while scanning */
struct raw {
	char *path;    /* in the root */
	char *staged;  /* absolute path in the staging dir */
	enum ftype type;
	int mode;
	char *target;
	char *data;    /* rewritten content */
	size_t len;
	int moved;
};

struct scan {
	const struct mergectx *m;
	const struct recipe *r;
	const char *abi;
	struct raw *v;
	size_t n, cap;
	struct strv from, to;  /* relocations: old path, new path */
	int err;
};

/* ---- small helpers */

static char *
dirof(const char *path)
{
	const char *s = strrchr(path, '/');

	if (!s || s == path)
		return xstrdup("/");
	return xasprintf("%.*s", (int)(s - path), path);
}

static const char *
baseof(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static char *
inroot(const struct mergectx *m, const char *path)
{
	return pathjoin(m->root, path);
}

static char *
statedir(const struct mergectx *m)
{
	if (m->statedir)
		return xstrdup(m->statedir);
	return pathjoin(m->root, "var/lib/mlfs/manifests");
}

static char *
manpath(const struct mergectx *m, const char *pkg, const char *suffix)
{
	char *d = statedir(m), *p = xasprintf("%s/%s%s", d, pkg, suffix);

	free(d);
	return p;
}

/* the temp a new version of path is written to, beside it */
static char *
tmpname(const char *path)
{
	char *d = dirof(path), *t;

	t = xasprintf("%s%s.%s.mlfs-new", d, strcmp(d, "/") ? "/" : "", baseof(path));
	free(d);
	return t;
}

static void
centryfree(struct centry *e)
{
	free(e->path);
	free(e->target);
	free(e->src);
	free(e->data);
}

static void
contribfree(struct contrib *c)
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

static void
manfree(struct manifest *mf)
{
	for (size_t i = 0; i < mf->nc; i++)
		contribfree(&mf->c[i]);
	free(mf->c);
	for (size_t i = 0; i < mf->nf; i++)
		fentryfree(&mf->f[i]);
	free(mf->f);
	free(mf->pkg);
	free(mf->version);
	free(mf->stage);
	memset(mf, 0, sizeof(*mf));
}

static struct centry *
centryadd(struct contrib *c)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->e = xreallocarray(c->e, c->cap, sizeof(*c->e));
	}
	memset(&c->e[c->n], 0, sizeof(c->e[0]));
	return &c->e[c->n++];
}

static struct fentry *
fentryadd(struct manifest *mf)
{
	if (mf->nf == mf->capf) {
		mf->capf = mf->capf ? mf->capf * 2 : 64;
		mf->f = xreallocarray(mf->f, mf->capf, sizeof(*mf->f));
	}
	memset(&mf->f[mf->nf], 0, sizeof(mf->f[0]));
	return &mf->f[mf->nf++];
}

static int
fentrycmp(const void *a, const void *b)
{
	return strcmp(((const struct fentry *)a)->path, ((const struct fentry *)b)->path);
}

static struct fentry *
ffind(const struct manifest *mf, const char *path)
{
	struct fentry k = { .path = (char *)path };

	if (!mf->nf)
		return NULL;
	return bsearch(&k, mf->f, mf->nf, sizeof(k), fentrycmp);
}

static int
parseenum(const char *s, const char *const *names, int n)
{
	for (int i = 0; s && i < n; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

/* 1 when the whole text has no NUL byte */
static int
istext(const char *p, size_t n)
{
	return memchr(p, '\0', n) == NULL;
}

static int
pathchar(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		c == '_' || c == '.' || c == '-' || c == '+';
}

/* replace every whole-path occurrence of directory from (followed by '/' or the
   end of the path) by to; *n counts the replacements */
static char *
pathsubst(const char *s, size_t len, const char *from, const char *to, int *n)
{
	struct buf b = {0};
	size_t fl = strlen(from);

	*n = 0;
	for (size_t i = 0; i < len;) {
		int before = i == 0 || !pathchar((unsigned char)s[i - 1]) ||
			(i >= 2 && s[i - 2] == '-' && (s[i - 1] == 'L' || s[i - 1] == 'I'));
		if (before && i + fl <= len && !memcmp(s + i, from, fl) &&
		    (i + fl == len || !pathchar((unsigned char)s[i + fl]))) {
			bufputs(&b, to);
			i += fl;
			(*n)++;
			continue;
		}
		bufadd(&b, s + i, 1);
		i++;
	}
	if (!b.s)
		b.s = xstrdup("");
	return b.s;
}

/* sha256 of a gzip file's decompressed content, from a file or a buffer */
static int
gunziphash(const char *file, const void *data, size_t len, char *hex)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ae;
	struct hasher *h;
	char tmp[65536];
	la_ssize_t r;
	int rc = -1;

	archive_read_support_filter_gzip(a);
	archive_read_support_format_raw(a);
	if (data)
		r = archive_read_open_memory(a, data, len);
	else
		r = archive_read_open_filename(a, file, sizeof(tmp));
	if (r != ARCHIVE_OK || archive_read_next_header(a, &ae) != ARCHIVE_OK ||
	    archive_filter_code(a, 0) != ARCHIVE_FILTER_GZIP) {
		archive_read_free(a);
		return -1;
	}
	h = hashnew(HASH_SHA256);
	while ((r = archive_read_data(a, tmp, sizeof(tmp))) > 0)
		hashadd(h, tmp, r);
	hashend(h, hex);
	if (r == 0)
		rc = 0;
	archive_read_free(a);
	return rc;
}

/* ---- manifests */

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
	int t = parseenum(jstr(o, "type"), ftnames, 3);

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
	int t = parseenum(jstr(o, "type"), ftnames, 3);
	int h = parseenum(jstr(o, "how"), hownames, NHOW);
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
			if (loadcentry(v, centryadd(c)) < 0)
				return -1;
	}
	json_array_foreach(files, i, v)
		if (loadfentry(v, fentryadd(mf)) < 0)
			return -1;
	if (mf->nf)
		qsort(mf->f, mf->nf, sizeof(*mf->f), fentrycmp);
	return 0;
}

/* load pkg's manifest; an absent one gives an empty manifest and *found 0 */
static int
manload(const struct mergectx *m, const char *pkg, struct manifest *mf, int *found)
{
	char *path = manpath(m, pkg, ".json");
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
		manfree(mf);
	return rc;
}

static json_t *
centryjson(const struct centry *e)
{
	json_t *o = json_object();

	json_object_set_new(o, "path", json_string(e->path));
	json_object_set_new(o, "type", json_string(ftnames[e->type]));
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
	json_object_set_new(o, "type", json_string(ftnames[f->type]));
	json_object_set_new(o, "mode", json_integer(f->mode));
	json_object_set_new(o, "how", json_string(hownames[f->how]));
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

static json_t *
manjson(const struct manifest *mf)
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

/* ---- scanning a staging dir */

static struct raw *
rawadd(struct scan *s)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->v = xreallocarray(s->v, s->cap, sizeof(*s->v));
	}
	memset(&s->v[s->n], 0, sizeof(s->v[0]));
	return &s->v[s->n++];
}

static void
scanfree(struct scan *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].path);
		free(s->v[i].staged);
		free(s->v[i].target);
		free(s->v[i].data);
	}
	free(s->v);
	strvfree(&s->from);
	strvfree(&s->to);
}

/* the target of a layout link ("/lib32" -> "usr/lib32"), absolute; caller frees */
static char *
linktarget(const char *link, const char *target)
{
	char *d, *j, *a;

	if (target[0] == '/')
		return abspath(target);
	d = dirof(link);
	j = pathjoin(d, target);
	a = abspath(j);
	free(d);
	free(j);
	return a;
}

/* path with a leading layout link replaced by its target ("/lib32/x" ->
   "/usr/lib32/x"); *islink is set when path is the link itself; caller frees */
static char *
canon(const struct layout *l, const char *path, int *islink)
{
	*islink = 0;
	for (size_t i = 0; i + 1 < l->links.n; i += 2) {
		const char *lp = l->links.v[i];
		size_t n = strlen(lp);
		if (strncmp(path, lp, n) || (path[n] != '/' && path[n] != '\0'))
			continue;
		char *t = linktarget(lp, l->links.v[i + 1]), *r;
		*islink = path[n] == '\0';
		r = xasprintf("%s%s", t, path + n);
		free(t);
		return r;
	}
	return xstrdup(path);
}

static int
walk(struct scan *s, const char *dir, const char *rel)
{
	const struct layout *l = &s->m->prof->layout;
	DIR *d = opendir(dir);
	struct dirent *de;
	struct stat st;
	int rc = 0, islink;

	if (!d)
		return error("open directory '%s':", dir);
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		char *full = pathjoin(dir, de->d_name);
		char *r = xasprintf("%s/%s", rel, de->d_name);
		char *c = canon(l, r, &islink);
		if (lstat(full, &st) < 0) {
			rc = error("stat '%s':", full);
		} else if (S_ISDIR(st.st_mode)) {
			struct raw *e = rawadd(s);
			e->path = xstrdup(c);
			e->staged = xstrdup(full);
			e->type = FT_DIR;
			e->mode = st.st_mode & 07777;
			if (walk(s, full, r) < 0)
				rc = -1;
		} else if (S_ISLNK(st.st_mode) && islink) {
			/* the layout's own link, made by the glue */
		} else if (S_ISLNK(st.st_mode) || S_ISREG(st.st_mode)) {
			struct raw *e = rawadd(s);
			e->path = xstrdup(c);
			e->staged = xstrdup(full);
			e->type = S_ISLNK(st.st_mode) ? FT_LINK : FT_FILE;
			e->mode = S_ISLNK(st.st_mode) ? 0777 : st.st_mode & 07777;
			if (e->type == FT_LINK) {
				char buf[PATH_MAX];
				ssize_t n = readlink(full, buf, sizeof(buf) - 1);
				if (n < 0)
					rc = error("read link '%s':", full);
				buf[n < 0 ? 0 : n] = '\0';
				e->target = xstrdup(buf);
			}
		} else {
			rc = error("'%s' is neither a file, a directory nor a symlink", full);
		}
		free(full);
		free(r);
		free(c);
	}
	closedir(d);
	return rc;
}

/* 1 when dir holds libraries: a layout libdir, or /lib*, /usr/lib* (not libexec) */
static int
libish(const struct layout *l, const char *dir)
{
	const char *b;

	if (layout_abi_of(l, dir))
		return 1;
	if (startswith(dir, "/usr/"))
		dir += 4;
	b = dir + 1;
	return dir[0] == '/' && startswith(b, "lib") && !strchr(b, '/') && strcmp(b, "libexec");
}

static void
relocate(struct scan *s, struct raw *e, char *to)
{
	strvadd(&s->from, e->path);
	strvadd(&s->to, to);
	free(e->path);
	e->path = to;
	e->moved = 1;
}

/* rule 1: libraries of ABI a belong directly in a's libdir */
static void
scanlib(struct scan *s, struct raw *e)
{
	const struct layout *l = &s->m->prof->layout;
	struct elfinfo ei;
	const char *eabi, *want, *wantdir;
	char *dir = dirof(e->path);

	if (!libish(l, dir) || elfclassify(e->staged, &ei) < 0 || ei.kind == ELF_NONE)
		goto out;
	eabi = elfabi(s->m->prof, &ei);
	if (!eabi) {
		s->err = error("'%s' is an ELF%d %s for machine %d, which no ABI profile describes",
			e->path, ei.elfclass, elfkindname(ei.kind), ei.machine);
		goto out;
	}
	want = s->r->onepass ? eabi : s->abi;
	if (strcmp(eabi, want)) {
		s->err = error("'%s' (%s) is of ABI %s, but node '%s:%s' builds ABI %s",
			e->path, elfkindname(ei.kind), eabi, s->r->name, s->abi, want);
		goto out;
	}
	wantdir = layout_libdir(l, want);
	if (!wantdir) {
		s->err = error("'%s': layout '%s' has no libdir for ABI %s", e->path, l->name, want);
	} else if (strcmp(dir, wantdir)) {
		if (!s->r->relocate)
			s->err = error("'%s' (%s of ABI %s) is outside its libdir '%s' "
				"and recipe '%s' does not allow 'relocate'", e->path,
				elfkindname(ei.kind), want, wantdir, s->r->name);
		else
			relocate(s, e, xasprintf("%s/%s", wantdir, baseof(e->path)));
	}
out:
	free(dir);
}

/* the node's libdir when dir is some other libdir, else NULL */
static const char *
wrongdir(const struct scan *s, const char *dir)
{
	const char *want = layout_libdir(&s->m->prof->layout, s->abi);

	if (s->r->onepass || !want || !libish(&s->m->prof->layout, dir) || !strcmp(dir, want))
		return NULL;
	return want;
}

/* move symlinks whose targets were relocated; 1 when one moved */
static int
scanlinks(struct scan *s)
{
	const struct layout *l = &s->m->prof->layout;
	int moved = 0, islink;

	for (size_t i = 0; i < s->n; i++) {
		struct raw *e = &s->v[i];
		if (e->type != FT_LINK || e->moved)
			continue;
		char *dir = dirof(e->path);
		char *t = linktarget(e->path, e->target), *ct = canon(l, t, &islink);
		long k = strvfind(&s->from, ct);
		if (wrongdir(s, dir) && k >= 0) {
			const char *nt = s->to.v[k];
			char *ndir = dirof(nt);
			free(e->target);
			e->target = xstrdup(baseof(nt));
			relocate(s, e, xasprintf("%s/%s", ndir, baseof(e->path)));
			free(ndir);
			moved = 1;
		}
		free(dir);
		free(t);
		free(ct);
	}
	return moved;
}

/* rewrite a relocated .pc file's libdir= and -L paths */
static void
pcrewrite(struct raw *e, const char *olddir, const char *newdir)
{
	size_t len;
	char *text = readfile(e->staged, &len), *sub;
	struct buf b = {0};
	int n;

	if (!text) {
		error("read '%s':", e->staged);
		return;
	}
	for (char *line = text, *nl; *line; line = nl) {
		nl = strchr(line, '\n');
		nl = nl ? nl + 1 : line + strlen(line);
		if (startswith(line, "libdir=")) {
			bufprintf(&b, "libdir=%s\n", newdir);
			continue;
		}
		sub = pathsubst(line, nl - line, olddir, newdir, &n);
		bufputs(&b, sub);
		free(sub);
	}
	free(text);
	e->data = b.s ? b.s : xstrdup("");
	e->len = b.n;
}

/* pkg-config files of the node's libraries staged in another libdir */
static void
scanpc(struct scan *s, struct raw *e)
{
	char *dir = dirof(e->path), *libdir = dirof(dir);
	const char *want = wrongdir(s, libdir);

	if (!endswith(e->path, ".pc") || strcmp(baseof(dir), "pkgconfig") || !want)
		goto out;
	if (!s->r->relocate) {
		s->err = error("'%s' of node '%s:%s' is outside '%s/pkgconfig' "
			"and recipe '%s' does not allow 'relocate'", e->path, s->r->name,
			s->abi, want, s->r->name);
		goto out;
	}
	pcrewrite(e, libdir, want);
	if (!e->data)
		s->err = -1;
	relocate(s, e, xasprintf("%s/pkgconfig/%s", want, baseof(e->path)));
out:
	free(dir);
	free(libdir);
}

static const struct mrule *
findrule(const struct recipe *r, const char *path)
{
	for (size_t i = 0; i < r->nrules; i++)
		if (fnmatch(r->rules[i].glob, path, 0) == 0)
			return &r->rules[i];
	return NULL;
}

static int
ignored(const struct recipe *r, const char *path)
{
	const struct mrule *rule = findrule(r, path);

	return rule && !strcmp(rule->action, "ignore");
}

static int
rawcmp(const void *a, const void *b)
{
	return strcmp(((const struct raw *)a)->path, ((const struct raw *)b)->path);
}

/* hash a raw entry into a contribution entry, taking its strings */
static int
centryfrom(struct centry *c, struct raw *e)
{
	c->path = xstrdup(e->path);
	c->type = e->type;
	c->mode = e->mode;
	c->target = e->target;
	c->data = e->data;
	c->len = e->len;
	e->target = e->data = NULL;
	if (c->type == FT_DIR)
		return 0;
	if (c->type == FT_LINK) {
		hashbuf(HASH_SHA256, c->target, strlen(c->target), c->hash);
		strcpy(c->key, c->hash);
		return 0;
	}
	if (c->data)
		hashbuf(HASH_SHA256, c->data, c->len, c->hash);
	else {
		c->src = xstrdup(e->staged);
		if (hashfile(HASH_SHA256, c->src, c->hash) < 0)
			return -1;
	}
	if (!endswith(c->path, ".gz") || gunziphash(c->src, c->data, c->len, c->key) < 0)
		strcpy(c->key, c->hash);
	return 0;
}

/* scan stagedir into the contribution c of node r:abi; -1 after printing errors */
static int
scan(const struct mergectx *m, const struct recipe *r, const char *abi,
	const char *stagedir, struct contrib *c)
{
	struct scan s = { .m = m, .r = r, .abi = abi };

	if (walk(&s, stagedir, "") < 0)
		s.err = -1;
	for (size_t i = 0; i < s.n; i++)
		if (s.v[i].type == FT_FILE && !endswith(s.v[i].path, ".la"))
			scanlib(&s, &s.v[i]);
	while (scanlinks(&s))
		;
	for (size_t i = 0; i < s.n; i++)
		if (s.v[i].type == FT_FILE && !s.v[i].moved)
			scanpc(&s, &s.v[i]);
	if (s.n)
		qsort(s.v, s.n, sizeof(*s.v), rawcmp);
	for (size_t i = 0; i < s.n && !s.err; i++) {
		struct raw *e = &s.v[i];
		if (i && !strcmp(e->path, s.v[i - 1].path)) {
			if (e->type == FT_DIR && s.v[i - 1].type == FT_DIR)
				continue;
			s.err = error("'%s' and '%s' are both staged as '%s'", s.v[i - 1].staged,
				e->staged, e->path);
			break;
		}
		/* rule 6: libtool archives are removed, as the book does */
		if ((e->type == FT_FILE && endswith(e->path, ".la")) || ignored(r, e->path))
			continue;
		if (centryfrom(centryadd(c), e) < 0)
			s.err = -1;
	}
	scanfree(&s);
	return s.err ? -1 : 0;
}

/* ---- the rules: from every ABI's staged entries to the files of the root */

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
	struct fentry *f = fentryadd(out);

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
	f = fentryadd(out);
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
	const struct mrule *rule = findrule(r, e0->path);
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
static int
resolve(const struct mergectx *m, const struct recipe *r, const struct manifest *mf,
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
		qsort(out->f, out->nf, sizeof(*out->f), fentrycmp);
	for (i = 1; i < out->nf; i++)
		if (!strcmp(out->f[i].path, out->f[i - 1].path))
			rc = error("package '%s' would install '%s' twice (%s and %s)", r->name,
				out->f[i].path, hownames[out->f[i - 1].how], hownames[out->f[i].how]);
	return rc;
}

/* ---- ownership */

static int
strpcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* names of every package with a manifest, sorted */
static int
packages(const struct mergectx *m, struct strv *out)
{
	char *dir = statedir(m);
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
static int
collide(const struct mergectx *m, const struct recipe *r, const struct manifest *out,
	struct strv *disown)
{
	struct strv pkgs = {0};
	int rc = packages(m, &pkgs);

	for (size_t i = 0; rc == 0 && i < pkgs.n; i++) {
		struct manifest o;
		if (!strcmp(pkgs.v[i], r->name))
			continue;
		if (manload(m, pkgs.v[i], &o, NULL) < 0) {
			rc = -1;
			break;
		}
		int older = o.stage && stage_parse(o.stage) >= 0 &&
			stage_parse(o.stage) < (int)r->stage;
		for (size_t j = 0; j < o.nf; j++) {
			struct fentry *f = ffind(out, o.f[j].path);
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
		manfree(&o);
	}
	strvfree(&pkgs);
	return rc;
}

char *
merge_owner(const struct mergectx *m, const char *path)
{
	struct strv pkgs = {0};
	char *owner = NULL;

	if (packages(m, &pkgs) < 0)
		return NULL;
	for (size_t i = 0; !owner && i < pkgs.n; i++) {
		struct manifest o;
		if (manload(m, pkgs.v[i], &o, NULL) < 0)
			continue;
		struct fentry *f = ffind(&o, path);
		if (f && f->type != FT_DIR)
			owner = xstrdup(o.pkg);
		manfree(&o);
	}
	strvfree(&pkgs);
	return owner;
}

/* ---- writing: temps, the intent, renames */

static int
writeall(int fd, const void *p, size_t n)
{
	const char *s = p;

	while (n) {
		ssize_t w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		s += w;
		n -= w;
	}
	return 0;
}

static int
opentmp(const char *tmp)
{
	int fd;

	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		error("create '%s':", tmp);
	return fd;
}

static int
closetmp(int fd, const char *tmp, int mode, int rc)
{
	if (rc == 0 && (fchmod(fd, mode) < 0 || fsync(fd) < 0))
		rc = error("write '%s':", tmp);
	close(fd);
	return rc;
}

static int
writetmp(const char *tmp, const void *data, size_t len, int mode)
{
	int fd = opentmp(tmp), rc = 0;

	if (fd < 0)
		return -1;
	if (writeall(fd, data, len) < 0)
		rc = error("write '%s':", tmp);
	return closetmp(fd, tmp, mode, rc);
}

static int
copytmp(const char *from, const char *tmp, int mode)
{
	char buf[65536];
	ssize_t r;
	int in, fd, rc = 0;

	in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return error("open '%s':", from);
	fd = opentmp(tmp);
	if (fd < 0) {
		close(in);
		return -1;
	}
	while (rc == 0 && (r = read(in, buf, sizeof(buf))) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			rc = error("read '%s':", from);
		else if (writeall(fd, buf, r) < 0)
			rc = error("write '%s':", tmp);
	}
	close(in);
	return closetmp(fd, tmp, mode, rc);
}

/* an installed copy (in the root) of staged content with this hash; caller frees */
static char *
lookup(const struct mergectx *m, const struct manifest *old, const char *hash)
{
	char hex[HASH_HEXMAX];

	for (size_t i = 0; i < old->nf; i++) {
		const struct fentry *f = &old->f[i];
		if (f->type != FT_FILE || (f->how != HOW_COPY && f->how != HOW_ABI) ||
		    strcmp(f->hash, hash))
			continue;
		char *p = inroot(m, f->path);
		if (hashfile(HASH_SHA256, p, hex) == 0 && !strcmp(hex, hash))
			return p;
		free(p);
	}
	return NULL;
}

/* the content of a staged entry of another ABI, from the root; NULL after an error */
static char *
sourceof(const struct mergectx *m, const struct manifest *old, const struct fentry *f)
{
	char *p = lookup(m, old, f->from->hash);

	if (!p)
		error("the root no longer holds the copy of '%s' staged for ABI %s of this "
			"package; merge that node again", f->from->path, f->abis.v[0]);
	return p;
}

/* rule 2: a tool of another ABI must name that ABI's libdir, not the primary's */
static int
maketool(const struct mergectx *m, const struct manifest *old, struct fentry *f,
	const char *tmp)
{
	const struct layout *l = &m->prof->layout;
	const struct centry *e = f->from;
	char *text = NULL, *from = NULL, *out;
	size_t len = e->len;
	int n, rc;

	if (e->data)
		text = xstrdup(e->data);
	else if ((from = e->src ? xstrdup(e->src) : sourceof(m, old, f)))
		text = readfile(from, &len);
	if (!text) {
		rc = from ? error("read '%s':", from) : -1;
		free(from);
		return rc;
	}
	free(from);
	if (istext(text, len)) {
		out = pathsubst(text, len, layout_libdir(l, l->primary),
			layout_libdir(l, f->abis.v[0]), &n);
		free(text);
		text = out;
		len = strlen(out);
	}
	hashbuf(HASH_SHA256, text, len, f->hash);
	rc = writetmp(tmp, text, len, f->mode);
	free(text);
	return rc;
}

/* write the new content of f to tmp */
static int
maketmp(const struct mergectx *m, const struct manifest *old, struct fentry *f,
	const char *tmp)
{
	char hex[HASH_HEXMAX], *from;
	int rc;

	if (f->type == FT_LINK) {
		unlink(tmp);
		if (symlink(f->target, tmp) < 0)
			return error("create symlink '%s':", tmp);
		return 0;
	}
	if (f->data)
		return writetmp(tmp, f->data, f->len, f->mode);
	if (f->how == HOW_TOOL)
		return maketool(m, old, f, tmp);
	if (f->from->data)
		return writetmp(tmp, f->from->data, f->from->len, f->mode);
	if (f->from->src)
		return copytmp(f->from->src, tmp, f->mode);
	from = sourceof(m, old, f);
	if (!from)
		return -1;
	rc = copytmp(from, tmp, f->mode);
	if (rc == 0 && (hashfile(HASH_SHA256, tmp, hex) < 0 || strcmp(hex, f->hash)))
		rc = error("'%s' changed while it was copied", from);
	free(from);
	return rc;
}

/* 1 when f is in the root as the manifest says */
static int
ondisk(const struct mergectx *m, const struct fentry *f)
{
	char *p = inroot(m, f->path), hex[HASH_HEXMAX], buf[PATH_MAX];
	struct stat st;
	ssize_t n;
	int ok = 0;

	if (lstat(p, &st) < 0)
		goto out;
	switch (f->type) {
	case FT_FILE:
		ok = S_ISREG(st.st_mode) && (int)(st.st_mode & 07777) == f->mode &&
			hashfile(HASH_SHA256, p, hex) == 0 && !strcmp(hex, f->hash);
		break;
	case FT_LINK:
		n = readlink(p, buf, sizeof(buf) - 1);
		ok = S_ISLNK(st.st_mode) && n >= 0 && (buf[n] = '\0', !strcmp(buf, f->target));
		break;
	case FT_DIR:
		ok = stat(p, &st) == 0 && S_ISDIR(st.st_mode);
		break;
	}
out:
	free(p);
	return ok;
}

/* 1 when the old entry o already is the new entry f */
static int
unchanged(const struct mergectx *m, const struct fentry *o, const struct fentry *f)
{
	if (o->type != f->type || o->how != f->how || o->mode != f->mode ||
	    strcmp(o->src, f->src) || (f->target && (!o->target || strcmp(o->target, f->target))))
		return 0;
	return ondisk(m, o);
}

/* directories a removal must leave alone even when empty */
static int
protected(const struct mergectx *m, const char *dir)
{
	const struct layout *l = &m->prof->layout;
	int depth = 0;

	for (const char *s = dir; *s; s++)
		depth += *s == '/';
	if (depth <= 2)
		return 1;
	for (size_t i = 0; i < l->libdirs.n; i++) {
		size_t n = strlen(l->libdirs.v[i]);
		if (!strncmp(dir, l->libdirs.v[i], n) &&
		    (!dir[n] || !strcmp(dir + n, "/pkgconfig")))
			return 1;
	}
	return 0;
}

struct plan {
	struct strv tmps, dsts;  /* renames */
	struct strv rms;         /* files and links to remove */
	struct strv rmdirs;      /* directories to remove when empty, deepest first */
	struct strv mkdirs;      /* directories to create */
	struct strv disown;      /* pairs: package, path it no longer owns */
};

static void
planfree(struct plan *p)
{
	strvfree(&p->tmps);
	strvfree(&p->dsts);
	strvfree(&p->rms);
	strvfree(&p->rmdirs);
	strvfree(&p->mkdirs);
	strvfree(&p->disown);
}

/* what turns the old files into the new ones; -1 when the root is in the way */
static int
plan(const struct mergectx *m, const struct manifest *old, struct manifest *nw,
	struct plan *p)
{
	struct stat st;
	int rc = 0;

	for (size_t i = 0; i < nw->nf; i++) {
		struct fentry *f = &nw->f[i], *o = ffind(old, f->path);
		if (o && unchanged(m, o, f)) {
			f->keep = 1;
			if (f->how == HOW_TOOL)
				strcpy(f->hash, o->hash);
			continue;
		}
		char *full = inroot(m, f->path);
		if (f->type == FT_DIR) {
			if (stat(full, &st) < 0 || !S_ISDIR(st.st_mode))
				strvadd(&p->mkdirs, f->path);
		} else if (lstat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
			rc = error("'%s' is a directory in the root", full);
		} else {
			strvtake(&p->tmps, tmpname(f->path));
			strvadd(&p->dsts, f->path);
		}
		free(full);
	}
	for (size_t i = old->nf; i-- > 0;) {
		const struct fentry *o = &old->f[i];
		if (nw && ffind(nw, o->path))
			continue;
		if (o->type != FT_DIR)
			strvadd(&p->rms, o->path);
		else if (!protected(m, o->path))
			strvadd(&p->rmdirs, o->path);
	}
	return rc;
}

static json_t *
strvjson(const struct strv *v)
{
	json_t *a = json_array();

	for (size_t i = 0; i < v->n; i++)
		json_array_append_new(a, json_string(v->v[i]));
	return a;
}

/* the intent of a merge of pkg: state "prepare" (temps being written) or
   "commit" (temps complete: rename, remove, write the manifest man) */
static json_t *
intentjson(const char *pkg, const char *state, const struct plan *p, json_t *man)
{
	json_t *o = json_object(), *ren = json_array();

	for (size_t i = 0; i < p->tmps.n; i++)
		json_array_append_new(ren, json_pack("[ss]", p->tmps.v[i], p->dsts.v[i]));
	json_object_set_new(o, "package", json_string(pkg));
	json_object_set_new(o, "state", json_string(state));
	json_object_set_new(o, "renames", ren);
	json_object_set_new(o, "removes", strvjson(&p->rms));
	json_object_set_new(o, "rmdirs", strvjson(&p->rmdirs));
	json_object_set_new(o, "disown", strvjson(&p->disown));
	json_object_set(o, "manifest", man ? man : json_null());
	return o;
}

/* write the intent in to <statedir>/<pkg>.pending.json */
static int
intent(const struct mergectx *m, json_t *in)
{
	char *path = manpath(m, jstr(in, "package"), ".pending.json"), *dir = statedir(m);
	char *text = json_dumps(in, JSON_INDENT(1));
	int rc;

	rc = mkdirs(dir, 0755);
	if (rc == 0)
		rc = writefile(path, text, strlen(text), 0644);
	free(text);
	free(dir);
	free(path);
	return rc;
}

/* fsync the directory of path unless it is the one synced last (*last) */
static int
synconce(const char *path, char **last)
{
	char *d = dirof(path);

	if (*last && !strcmp(*last, d)) {
		free(d);
		return 0;
	}
	free(*last);
	*last = d;
	return syncdir(path);
}

/* drop the paths of list (pairs: package, path) from those packages' manifests */
static int
disown(const struct mergectx *m, json_t *list)
{
	size_t n = json_array_size(list);
	int rc = 0;

	for (size_t i = 0; rc == 0 && i + 1 < n; i += 2) {
		const char *pkg = json_string_value(json_array_get(list, i));
		if (!pkg || (i && !strcmp(pkg, json_string_value(json_array_get(list, i - 2)))))
			continue;
		char *path = manpath(m, pkg, ".json"), *text;
		json_t *man = json_load_file(path, 0, NULL), *files = json_object_get(man, "files");
		for (size_t j = json_array_size(files); j-- > 0;) {
			const char *fp = jstr(json_array_get(files, j), "path");
			for (size_t k = i; fp && k + 1 < n; k += 2)
				if (!strcmp(pkg, json_string_value(json_array_get(list, k))) &&
				    !strcmp(fp, json_string_value(json_array_get(list, k + 1)))) {
					json_array_remove(files, j);
					break;
				}
		}
		if (man) {
			text = json_dumps(man, JSON_INDENT(1));
			rc = writefile(path, text, strlen(text), 0644);
			free(text);
		}
		json_decref(man);
		free(path);
	}
	return rc;
}

/* carry out an intent in state "commit": every step may already have been done */
static int
commit(const struct mergectx *m, json_t *in)
{
	const char *pkg = jstr(in, "package");
	json_t *v, *man = json_object_get(in, "manifest");
	char *path, *pend, *last = NULL;
	size_t i;
	int rc = 0;

	json_array_foreach(json_object_get(in, "renames"), i, v) {
		const char *t = json_string_value(json_array_get(v, 0));
		const char *d = json_string_value(json_array_get(v, 1));
		if (!t || !d)
			continue;
		char *ft = inroot(m, t), *fd = inroot(m, d);
		if (exists(ft) && rename(ft, fd) < 0)
			rc = error("rename '%s' to '%s':", ft, fd);
		else if (!exists(fd))
			rc = error("'%s' is missing and its new version '%s' too", fd, ft);
		else if (synconce(fd, &last) < 0)
			rc = -1;
		free(ft);
		free(fd);
	}
	json_array_foreach(json_object_get(in, "removes"), i, v) {
		char *f = inroot(m, json_string_value(v) ? json_string_value(v) : "");
		if (json_string_value(v) && unlink(f) < 0 && errno != ENOENT)
			rc = error("remove '%s':", f);
		else if (json_string_value(v) && synconce(f, &last) < 0)
			rc = -1;
		free(f);
	}
	free(last);
	json_array_foreach(json_object_get(in, "rmdirs"), i, v) {
		char *f = inroot(m, json_string_value(v) ? json_string_value(v) : "");
		if (json_string_value(v))
			rmdir(f);
		free(f);
	}
	if (rc < 0)
		return rc;
	if (disown(m, json_object_get(in, "disown")) < 0)
		return -1;
	path = manpath(m, pkg, ".json");
	if (json_is_object(man)) {
		char *text = json_dumps(man, JSON_INDENT(1));
		rc = writefile(path, text, strlen(text), 0644);
		free(text);
	} else if (unlink(path) < 0 && errno != ENOENT) {
		rc = error("remove '%s':", path);
	}
	pend = manpath(m, pkg, ".pending.json");
	if (rc == 0 && unlink(pend) < 0)
		rc = error("remove '%s':", pend);
	if (rc == 0)
		rc = syncdir(pend);
	free(pend);
	free(path);
	return rc;
}

/* drop the temps of an intent in state "prepare" */
static int
rollback(const struct mergectx *m, json_t *in)
{
	char *pend = manpath(m, jstr(in, "package"), ".pending.json");
	json_t *v;
	size_t i;
	int rc = 0;

	json_array_foreach(json_object_get(in, "renames"), i, v) {
		const char *t = json_string_value(json_array_get(v, 0));
		char *f = inroot(m, t ? t : "");
		if (t && unlink(f) < 0 && errno != ENOENT)
			rc = error("remove '%s':", f);
		free(f);
	}
	if (rc == 0 && unlink(pend) < 0 && errno != ENOENT)
		rc = error("remove '%s':", pend);
	free(pend);
	return rc;
}

int
merge_recover(const struct mergectx *m)
{
	char *dir = statedir(m);
	DIR *d = opendir(dir);
	struct dirent *de;
	json_error_t je;
	int rc = 0;

	if (!d) {
		rc = errno == ENOENT ? 0 : error("open directory '%s':", dir);
		free(dir);
		return rc;
	}
	while ((de = readdir(d))) {
		char *path = pathjoin(dir, de->d_name);
		/* a manifest or intent cut while writefile wrote it */
		if (strstr(de->d_name, ".json.tmp.") && unlink(path) < 0)
			rc = error("remove '%s':", path);
		if (de->d_name[0] == '.' || !endswith(de->d_name, ".pending.json")) {
			free(path);
			continue;
		}
		json_t *in = json_load_file(path, 0, &je);
		const char *state = in ? jstr(in, "state") : NULL;
		if (!in || !jstr(in, "package") || !state)
			rc = error("merge intent '%s' is unreadable: %s", path, in ? "no state" : je.text);
		else if (!strcmp(state, "commit"))
			rc |= commit(m, in);
		else
			rc |= rollback(m, in);
		json_decref(in);
		free(path);
	}
	closedir(d);
	free(dir);
	return rc ? -1 : 0;
}

/* create the directories and write the temps of plan p */
static int
prepare(const struct mergectx *m, const struct manifest *old, struct manifest *nw,
	const struct plan *p)
{
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < p->mkdirs.n; i++) {
		char *full = inroot(m, p->mkdirs.v[i]);
		struct fentry *f = ffind(nw, p->mkdirs.v[i]);
		rc = mkdirs(full, 0755);
		if (rc == 0 && chmod(full, f->mode) < 0)
			rc = error("chmod '%s':", full);
		free(full);
	}
	for (size_t i = 0, j = 0; rc == 0 && i < nw->nf; i++) {
		struct fentry *f = &nw->f[i];
		if (f->keep || f->type == FT_DIR)
			continue;
		char *tmp = inroot(m, p->tmps.v[j++]), *dir = dirof(tmp);
		rc = mkdirs(dir, 0755);
		if (rc == 0)
			rc = maketmp(m, old, f, tmp);
		free(tmp);
		free(dir);
	}
	return rc;
}

/* turn the root's files of pkg from old into nw (NULL: none, manifest dropped) */
static int
apply(const struct mergectx *m, const char *pkg, const struct manifest *old,
	struct manifest *nw, struct strv *disowned)
{
	struct manifest none = { .pkg = (char *)pkg };
	struct manifest *to = nw ? nw : &none;
	struct plan p = {0};
	json_t *man = NULL, *in;
	char *cur = NULL, *text = NULL, *mpath = manpath(m, pkg, ".json");
	int rc;

	rc = plan(m, old, to, &p);
	if (disowned) {
		p.disown = *disowned;
		memset(disowned, 0, sizeof(*disowned));
	}
	in = intentjson(pkg, "prepare", &p, NULL);
	if (rc == 0 && p.tmps.n)
		rc = intent(m, in);
	if (rc == 0)
		rc = prepare(m, old, to, &p);
	if (rc < 0) {
		if (p.tmps.n)
			rollback(m, in);
		goto out;
	}
	if (nw) {
		man = manjson(nw);
		text = json_dumps(man, JSON_INDENT(1));
		cur = readfile(mpath, NULL);
	}
	if (p.tmps.n || p.rms.n || p.rmdirs.n || p.mkdirs.n || p.disown.n || !text || !cur ||
	    strcmp(text, cur)) {
		json_decref(in);
		in = intentjson(pkg, "commit", &p, man);
		rc = intent(m, in);
		if (rc == 0)
			rc = commit(m, in);
	}
out:
	json_decref(in);
	json_decref(man);
	free(text);
	free(cur);
	free(mpath);
	planfree(&p);
	return rc;
}

/* put contribution c in place of mf's for the same ABI, keeping ABI order */
static void
setcontrib(struct manifest *mf, struct contrib *c)
{
	size_t i;

	for (i = 0; i < mf->nc; i++) {
		if (!strcmp(mf->c[i].abi, c->abi)) {
			contribfree(&mf->c[i]);
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
	if (merge_recover(m) < 0 || manload(m, r->name, &old, NULL) < 0)
		return -1;
	if (scan(m, r, abi, stagedir, &c) < 0) {
		contribfree(&c);
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
	setcontrib(&nw, &c);
	if (resolve(m, r, &nw, &nw) == 0 && collide(m, r, &nw, &disowned) == 0)
		rc = apply(m, r->name, &old, &nw, &disowned);
out:
	if (rc < 0)
		error("merge of '%s:%s' failed; the root is unchanged", r->name, abi);
	manfree(&old);
	manfree(&nw);
	strvfree(&disowned);
	return rc;
}

int
merge_uninstall(const struct mergectx *m, const char *pkg)
{
	struct manifest old;
	int found, rc;

	if (merge_recover(m) < 0 || manload(m, pkg, &old, &found) < 0)
		return -1;
	if (!found) {
		manfree(&old);
		return error("package '%s' is not installed in '%s'", pkg, m->root);
	}
	rc = apply(m, pkg, &old, NULL, NULL);
	manfree(&old);
	return rc;
}
