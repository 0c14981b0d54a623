/* transaction: the crash-safe change of a package's files in the root: temps
   beside their targets, the intent, renames and removals, rollback and recovery */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "beneath.h"
#include "hash.h"
#include "manifest.h"
#include "merge.h"
#include "profile.h"
#include "stagescan.h"
#include "transaction.h"
#include "util.h"

static const char *
jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static char *
inroot(const struct mergectx *m, const char *path)
{
	return pathjoin(m->root, path);
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

/* print "what 'ROOT/path': why" for the last beneath.h call; -1 */
static int
rooterr(const struct mergectx *m, const char *what, const char *path)
{
	char *full = inroot(m, path);
	int e = errno;

	error("%s '%s': %s", what, full, bn_strerror(e));
	free(full);
	errno = e;
	return -1;
}

/* create the temp tmp (a path in the root) beneath the root */
static int
opentmp(const struct mergectx *m, const char *tmp)
{
	int fd;

	bn_unlink(m->root, tmp);
	fd = bn_open(m->root, tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		rooterr(m, "create", tmp);
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
writetmp(const struct mergectx *m, const char *tmp, const void *data, size_t len, int mode)
{
	int fd = opentmp(m, tmp), rc = 0;

	if (fd < 0)
		return -1;
	if (writeall(fd, data, len) < 0)
		rc = error("write '%s':", tmp);
	return closetmp(fd, tmp, mode, rc);
}

/* copy from (a staged file, or with inroot a path in the root) to the temp tmp */
static int
copytmp(const struct mergectx *m, const char *from, int inroot, const char *tmp, int mode)
{
	char buf[65536];
	struct stat st;
	ssize_t r;
	int in, fd, rc = 0;

	in = inroot ? bn_open(m->root, from, O_RDONLY, 0) : open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return inroot ? rooterr(m, "open", from) : error("open '%s':", from);
	fd = opentmp(m, tmp);
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
	/* the staged file's times, as a package manager keeps an archive's:
	   Python's bytecode, for one, records its source's mtime */
	if (rc == 0 && (fstat(in, &st) < 0 || futimens(fd, (struct timespec[2]){st.st_atim, st.st_mtim}) < 0))
		rc = error("set the times of '%s':", tmp);
	close(in);
	return closetmp(fd, tmp, mode, rc);
}

/* an installed copy (a path in the root) of staged content with this hash; caller frees */
static char *
lookup(const struct mergectx *m, const struct manifest *old, const char *hash)
{
	char hex[HASH_HEXMAX];

	for (size_t i = 0; i < old->nf; i++) {
		const struct fentry *f = &old->f[i];
		if (f->type != FT_FILE || (f->how != HOW_COPY && f->how != HOW_ABI) ||
		    strcmp(f->hash, hash))
			continue;
		if (bn_hash(m->root, f->path, hex) == 0 && !strcmp(hex, hash))
			return xstrdup(f->path);
	}
	return NULL;
}

/* the content of a staged entry of another ABI: its path in the root; NULL after an error */
static char *
sourceof(const struct mergectx *m, const struct manifest *old, const struct fentry *f)
{
	char *p = lookup(m, old, f->from->hash);

	if (!p)
		error("the root no longer holds the copy of '%s' staged for ABI %s of this "
			"package; merge that node again", f->from->path, f->abis.v[0]);
	return p;
}

/* the content of path in the root, read beneath it; NULL with errno */
static char *
readroot(const struct mergectx *m, const char *path, size_t *len)
{
	struct buf b = {0};
	char chunk[65536];
	ssize_t r;
	int fd = bn_open(m->root, path, O_RDONLY, 0);

	if (fd < 0)
		return NULL;
	while ((r = read(fd, chunk, sizeof(chunk))) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			buffree(&b);
			close(fd);
			return NULL;
		}
		bufadd(&b, chunk, r);
	}
	close(fd);
	*len = b.n;
	return b.s ? b.s : xstrdup("");
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
	else if (e->src && (from = xstrdup(e->src)))
		text = readfile(from, &len);
	else if ((from = sourceof(m, old, f)))
		text = readroot(m, from, &len);
	if (!text) {
		rc = from ? error("read '%s':", from) : -1;
		free(from);
		return rc;
	}
	free(from);
	if (scan_istext(text, len)) {
		out = scan_pathsubst(text, len, layout_libdir(l, l->primary),
			layout_libdir(l, f->abis.v[0]), &n);
		free(text);
		text = out;
		len = strlen(out);
	}
	hashbuf(HASH_SHA256, text, len, f->hash);
	rc = writetmp(m, tmp, text, len, f->mode);
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
		bn_unlink(m->root, tmp);
		if (bn_symlink(f->target, m->root, tmp) < 0)
			return rooterr(m, "create symlink", tmp);
		return 0;
	}
	if (f->data)
		return writetmp(m, tmp, f->data, f->len, f->mode);
	if (f->how == HOW_TOOL)
		return maketool(m, old, f, tmp);
	if (f->from->data)
		return writetmp(m, tmp, f->from->data, f->from->len, f->mode);
	if (f->from->src)
		return copytmp(m, f->from->src, 0, tmp, f->mode);
	from = sourceof(m, old, f);
	if (!from)
		return -1;
	rc = copytmp(m, from, 1, tmp, f->mode);
	if (rc == 0 && (bn_hash(m->root, tmp, hex) < 0 || strcmp(hex, f->hash)))
		rc = error("'%s' changed while it was copied", from);
	free(from);
	return rc;
}

/* 1 when f is in the root as the manifest says */
static int
ondisk(const struct mergectx *m, const struct fentry *f)
{
	char hex[HASH_HEXMAX], buf[PATH_MAX];
	struct stat st;

	if (bn_lstat(m->root, f->path, &st) < 0)
		return 0;
	switch (f->type) {
	case FT_FILE:
		return S_ISREG(st.st_mode) && (int)(st.st_mode & 07777) == f->mode &&
			bn_hash(m->root, f->path, hex) == 0 && !strcmp(hex, f->hash);
	case FT_LINK:
		return S_ISLNK(st.st_mode) && bn_readlink(m->root, f->path, buf, sizeof(buf)) >= 0 &&
			!strcmp(buf, f->target);
	case FT_DIR:
		return S_ISDIR(st.st_mode);
	}
	return 0;
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
	struct strv chmods;      /* pairs: a directory of the package's, its new mode (octal) */
	struct strv touches;     /* pairs: a kept file, the staged copy's mtime ("SEC.NSEC") */
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
	strvfree(&p->chmods);
	strvfree(&p->touches);
	strvfree(&p->disown);
}

/* 1 when the root's o may be removed: it is gone already, a link, or a file
   with the content the manifest of pkg gives; anything else stays, with a warning */
static int
removable(const struct mergectx *m, const char *pkg, const struct fentry *o)
{
	char hex[HASH_HEXMAX], *full;
	struct stat st;
	int e;

	if (bn_lstat(m->root, o->path, &st) < 0 && errno == ENOENT)
		return 1;
	e = errno;
	if (o->type == FT_LINK && S_ISLNK(st.st_mode))
		return 1;
	if (o->type == FT_FILE && S_ISREG(st.st_mode) && bn_hash(m->root, o->path, hex) == 0 &&
	    !strcmp(hex, o->hash))
		return 1;
	full = inroot(m, o->path);
	if (e == ELOOP)
		warn("'%s' of '%s' is not removed: %s", full, pkg, bn_strerror(e));
	else
		warn("'%s' of '%s' is not removed: it differs from the manifest (changed by hand?)",
			full, pkg);
	free(full);
	return 0;
}

/* a kept file (the same content) takes the mtime of the copy staged now */
static void
keeptime(const struct mergectx *m, const struct fentry *f, struct plan *p)
{
	struct stat staged, cur;

	if (f->type != FT_FILE || !f->from || !f->from->src || f->from->data || f->data ||
	    f->how == HOW_TOOL || stat(f->from->src, &staged) < 0 ||
	    bn_lstat(m->root, f->path, &cur) < 0)
		return;
	if (staged.st_mtim.tv_sec == cur.st_mtim.tv_sec && staged.st_mtim.tv_nsec == cur.st_mtim.tv_nsec)
		return;
	strvadd(&p->touches, f->path);
	strvtake(&p->touches, xasprintf("%lld.%09ld", (long long)staged.st_mtim.tv_sec,
		staged.st_mtim.tv_nsec));
}

/* what turns the old files into the new ones; -1 when the root is in the way */
static int
plan(const struct mergectx *m, const struct manifest *old, struct manifest *nw,
	struct plan *p)
{
	struct stat st;
	int rc = 0;

	for (size_t i = 0; i < nw->nf; i++) {
		struct fentry *f = &nw->f[i], *o = man_find(old, f->path);
		/* a directory the package had already takes the mode it stages now
		   (a rebuild repairs its own); one it finds there keeps its own */
		if (o && f->type == FT_DIR && bn_lstat(m->root, f->path, &st) == 0 &&
		    S_ISDIR(st.st_mode) && (int)(st.st_mode & 07777) != f->mode) {
			strvadd(&p->chmods, f->path);
			strvtake(&p->chmods, xasprintf("%o", (unsigned)f->mode));
		}
		if (o && unchanged(m, o, f)) {
			f->keep = 1;
			keeptime(m, f, p);
			if (f->how == HOW_TOOL)
				strcpy(f->hash, o->hash);
			continue;
		}
		char *full = inroot(m, f->path);
		if (f->type == FT_DIR) {
			if (bn_isdir(m->root, f->path) != 1)
				strvadd(&p->mkdirs, f->path);
		} else if (bn_lstat(m->root, f->path, &st) == 0 && S_ISDIR(st.st_mode)) {
			rc = error("'%s' is a directory in the root", full);
		} else {
			strvtake(&p->tmps, tmpname(f->path));
			strvadd(&p->dsts, f->path);
		}
		free(full);
	}
	for (size_t i = old->nf; i-- > 0;) {
		const struct fentry *o = &old->f[i];
		if (nw && man_find(nw, o->path))
			continue;
		if (o->type == FT_DIR) {
			if (!protected(m, o->path))
				strvadd(&p->rmdirs, o->path);
		} else if (o->type == FT_FILE && scan_neverinstalled(o->path)) {
			continue;  /* an older manifest's; the system's own file now */
		} else if (removable(m, old->pkg, o)) {
			strvadd(&p->rms, o->path);
		}
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
	json_object_set_new(o, "chmods", strvjson(&p->chmods));
	json_object_set_new(o, "touches", strvjson(&p->touches));
	json_object_set_new(o, "disown", strvjson(&p->disown));
	json_object_set(o, "manifest", man ? man : json_null());
	return o;
}

/* write the intent in to <man_dir>/<pkg>.pending.json */
static int
intent(const struct mergectx *m, json_t *in)
{
	char *path = man_path(m, jstr(in, "package"), ".pending.json"), *dir = man_dir(m);
	char *text = json_dumps(in, JSON_INDENT(1));
	int rc;

	/* the manifests of the root live beneath it, never through a link */
	if (!m->statedir && bn_mkdirs(m->root, "var/lib/mlfs/manifests", 0755) < 0)
		rc = rooterr(m, "create directory", "var/lib/mlfs/manifests");
	else
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

/* drop the paths of list (pairs: package, path) from those man_packages' manifests */
static int
disown(const struct mergectx *m, json_t *list)
{
	size_t n = json_array_size(list);
	int rc = 0;

	for (size_t i = 0; rc == 0 && i + 1 < n; i += 2) {
		const char *pkg = json_string_value(json_array_get(list, i));
		if (!pkg || (i && !strcmp(pkg, json_string_value(json_array_get(list, i - 2)))))
			continue;
		char *path = man_path(m, pkg, ".json"), *text;
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

/* give the directories of list (pairs: path, octal mode) their modes; one
   that is gone is no error */
static int
chmods(const struct mergectx *m, json_t *list)
{
	int rc = 0;

	for (size_t i = 0; i + 1 < json_array_size(list); i += 2) {
		const char *d = json_string_value(json_array_get(list, i));
		const char *mode = json_string_value(json_array_get(list, i + 1));
		if (d && mode && bn_chmod(m->root, d, (mode_t)strtol(mode, NULL, 8)) < 0 &&
		    errno != ENOENT)
			rc = rooterr(m, "chmod", d);
	}
	return rc;
}

/* give the kept files of list (pairs: path, "SEC.NSEC") their staged mtimes;
   one that is gone is no error */
static int
touches(const struct mergectx *m, json_t *list)
{
	int rc = 0;

	for (size_t i = 0; i + 1 < json_array_size(list); i += 2) {
		const char *f = json_string_value(json_array_get(list, i));
		const char *t = json_string_value(json_array_get(list, i + 1));
		char *dot;
		struct timespec ts[2] = {{0, UTIME_OMIT}, {0, 0}};
		int fd;
		if (!f || !t)
			continue;
		ts[1].tv_sec = (time_t)strtoll(t, &dot, 10);
		ts[1].tv_nsec = *dot == '.' ? strtol(dot + 1, NULL, 10) : 0;
		fd = bn_open(m->root, f, O_RDONLY | O_NOFOLLOW, 0);
		if (fd < 0 && errno != ENOENT)
			rc = rooterr(m, "open", f);
		else if (fd >= 0 && futimens(fd, ts) < 0)
			rc = rooterr(m, "set the mtime of", f);
		if (fd >= 0)
			close(fd);
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
		struct stat st;
		if (bn_lstat(m->root, t, &st) == 0 && bn_rename(m->root, t, d) < 0)
			rc = error("rename '%s' to '%s': %s", ft, fd, bn_strerror(errno));
		else if (bn_lstat(m->root, d, &st) < 0)
			rc = error("'%s' is missing and its new version '%s' too", fd, ft);
		else if (synconce(fd, &last) < 0)
			rc = -1;
		free(ft);
		free(fd);
	}
	json_array_foreach(json_object_get(in, "removes"), i, v) {
		const char *r = json_string_value(v);
		char *f = inroot(m, r ? r : "");
		if (r && bn_unlink(m->root, r) < 0 && errno != ENOENT)
			rc = error("remove '%s': %s", f, bn_strerror(errno));
		else if (r && synconce(f, &last) < 0)
			rc = -1;
		free(f);
	}
	free(last);
	json_array_foreach(json_object_get(in, "rmdirs"), i, v) {
		if (json_string_value(v))
			bn_rmdir(m->root, json_string_value(v));
	}
	rc |= chmods(m, json_object_get(in, "chmods"));
	rc |= touches(m, json_object_get(in, "touches"));
	if (rc < 0)
		return rc;
	if (disown(m, json_object_get(in, "disown")) < 0)
		return -1;
	path = man_path(m, pkg, ".json");
	if (json_is_object(man)) {
		char *text = json_dumps(man, JSON_INDENT(1));
		rc = writefile(path, text, strlen(text), 0644);
		free(text);
	} else if (unlink(path) < 0 && errno != ENOENT) {
		rc = error("remove '%s':", path);
	}
	pend = man_path(m, pkg, ".pending.json");
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
	char *pend = man_path(m, jstr(in, "package"), ".pending.json");
	json_t *v;
	size_t i;
	int rc = 0;

	/* a temp that cannot be reached beneath the root (a link on its way)
	   was never written: temps are written beneath it the same way */
	json_array_foreach(json_object_get(in, "renames"), i, v) {
		const char *t = json_string_value(json_array_get(v, 0));
		if (t && bn_unlink(m->root, t) < 0 && errno != ENOENT && errno != ELOOP &&
		    errno != EXDEV)
			rc = rooterr(m, "remove", t);
	}
	if (rc == 0 && unlink(pend) < 0 && errno != ENOENT)
		rc = error("remove '%s':", pend);
	free(pend);
	return rc;
}

int
tx_recover(const struct mergectx *m)
{
	char *dir = man_dir(m);
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
		const char *d = p->mkdirs.v[i];
		struct fentry *f = man_find(nw, d);
		if (bn_mkdirs(m->root, d, 0755) < 0)
			rc = rooterr(m, "create directory", d);
		else if (bn_chmod(m->root, d, f->mode) < 0)
			rc = rooterr(m, "chmod", d);
	}
	for (size_t i = 0, j = 0; rc == 0 && i < nw->nf; i++) {
		struct fentry *f = &nw->f[i];
		if (f->keep || f->type == FT_DIR)
			continue;
		const char *tmp = p->tmps.v[j++];
		char *dir = dirof(tmp);
		if (bn_mkdirs(m->root, dir, 0755) < 0)
			rc = rooterr(m, "create directory", dir);
		if (rc == 0)
			rc = maketmp(m, old, f, tmp);
		free(dir);
	}
	return rc;
}

/* turn the root's files of pkg from old into nw (NULL: none, manifest dropped) */
int
tx_apply(const struct mergectx *m, const char *pkg, const struct manifest *old,
	struct manifest *nw, struct strv *disowned)
{
	struct manifest none = { .pkg = (char *)pkg };
	struct manifest *to = nw ? nw : &none;
	struct plan p = {0};
	json_t *man = NULL, *in;
	char *cur = NULL, *text = NULL, *mpath = man_path(m, pkg, ".json");
	int rc;

	/* the root itself may be missing (a first merge); below it nothing is
	   made through a link */
	rc = mkdirs(m->root, 0755);
	if (rc == 0)
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
		man = man_json(nw);
		text = json_dumps(man, JSON_INDENT(1));
		cur = readfile(mpath, NULL);
	}
	if (p.tmps.n || p.rms.n || p.rmdirs.n || p.mkdirs.n || p.chmods.n || p.touches.n ||
	    p.disown.n || !text || !cur ||
	    strcmp(text, cur)) {
		json_decref(in);
		in = intentjson(pkg, "commit", &p, man);
		rc = intent(m, in);
		/* once the intent says "commit", a failure leaves the root part-way:
		   the intent stays and the next merge or recovery finishes it */
		if (rc == 0 && commit(m, in) < 0)
			rc = TX_PARTIAL;
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
