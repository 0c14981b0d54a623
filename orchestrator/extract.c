#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <archive.h>
#include <archive_entry.h>
#include "extract.h"
#include "util.h"

enum { MAXLINKS = 40 };

/* the extraction under way */
struct unpack {
	const char *archive;  /* as given, for messages */
	char *dest;           /* real path of the destination, owned */
	char *okdir;          /* the last parent checked free of symlinks, owned */
};

/* append the components of path to sv, without empty ones and "." */
static void
split(struct strv *sv, const char *path)
{
	char *p = xstrdup(path), *tok, *save;

	for (tok = strtok_r(p, "/", &save); tok; tok = strtok_r(NULL, "/", &save))
		if (strcmp(tok, "."))
			strvadd(sv, tok);
	free(p);
}

/* components joined by '/', from index 0 to n; caller frees */
static char *
join(const struct strv *sv, size_t n)
{
	struct buf b = {0};

	for (size_t i = 0; i < n; i++) {
		if (i)
			bufputs(&b, "/");
		bufputs(&b, sv->v[i]);
	}
	return b.s ? b.s : xstrdup("");
}

/* a relative, normal form of an entry's name; NULL with *why when it is
   absolute or has '..'; caller frees */
static char *
cleanname(const char *name, const char **why)
{
	struct strv sv = {0};
	char *s;

	if (name[0] == '/') {
		*why = "absolute path";
		return NULL;
	}
	split(&sv, name);
	if (strvfind(&sv, "..") >= 0) {
		*why = "'..' in the path";
		strvfree(&sv);
		return NULL;
	}
	s = join(&sv, sv.n);
	strvfree(&sv);
	return s;
}

static void
pop(struct strv *sv)
{
	free(sv->v[--sv->n]);
	sv->v[sv->n] = NULL;
}

/* 1 when a symlink at rel (relative to root) with target resolves outside
   root, following the symlinks it meets on disk as the kernel would; a path
   that stops existing is followed by its name */
static int
escapes(const char *root, const char *rel, const char *target)
{
	struct strv at = {0}, todo = {0}, next;
	size_t i = 0;
	int out = 0, links = 0, gone = 0;
	char link[PATH_MAX];
	struct stat st;
	ssize_t n;

	if (target[0] == '/')
		return 1;
	split(&at, rel);
	if (at.n)
		pop(&at);
	split(&todo, target);
	while (!out && i < todo.n) {
		const char *c = todo.v[i++];

		if (!strcmp(c, "..")) {
			if (at.n == 0)
				out = 1;
			else
				pop(&at);
			continue;
		}
		strvadd(&at, c);
		if (gone)
			continue;
		char *sub = join(&at, at.n), *p = pathjoin(root, sub);
		free(sub);
		if (lstat(p, &st) < 0) {
			gone = 1;
		} else if (S_ISLNK(st.st_mode)) {
			n = readlink(p, link, sizeof(link) - 1);
			if (n < 0 || ++links > MAXLINKS || link[0] == '/') {
				out = 1;
			} else {
				link[n] = '\0';
				pop(&at);
				next = (struct strv){0};
				split(&next, link);
				for (; i < todo.n; i++)
					strvadd(&next, todo.v[i]);
				strvfree(&todo);
				todo = next;
				i = 0;
			}
		}
		free(p);
	}
	strvfree(&at);
	strvfree(&todo);
	return out;
}

/* a path component of rel's parent that is a symlink, or NULL; caller frees */
static char *
throughlink(struct unpack *u, const char *rel, int whole)
{
	struct strv sv = {0};
	char *found = NULL, *parent;
	struct stat st;
	size_t n;

	split(&sv, rel);
	n = whole ? sv.n : (sv.n ? sv.n - 1 : 0);
	parent = join(&sv, n);
	if (!whole && u->okdir && !strcmp(parent, u->okdir)) {
		free(parent);
		strvfree(&sv);
		return NULL;
	}
	for (size_t i = 1; i <= n && !found; i++) {
		char *sub = join(&sv, i), *p = pathjoin(u->dest, sub);

		if (lstat(p, &st) == 0 && S_ISLNK(st.st_mode))
			found = xstrdup(sub);
		free(sub);
		free(p);
	}
	strvfree(&sv);
	if (!whole && !found) {
		free(u->okdir);
		u->okdir = parent;
	} else {
		free(parent);
	}
	return found;
}

/* 0 when a hardlink to rel may be made: an earlier entry, not a directory */
static int
linkable(struct unpack *u, const char *rel)
{
	char *via = throughlink(u, rel, 0), *p = pathjoin(u->dest, rel);
	struct stat st;
	int rc = via || lstat(p, &st) < 0 || S_ISDIR(st.st_mode) ? -1 : 0;

	free(via);
	free(p);
	return rc;
}

static int
refuse(struct unpack *u, const char *name, const char *why)
{
	return error("refusing '%s' in '%s': %s", name, u->archive, why);
}

/* check an entry and point it into dest; -1 after printing why not, 1 to skip it */
static int
admit(struct unpack *u, struct archive_entry *e)
{
	const char *name = archive_entry_pathname(e), *why = NULL;
	const char *hard = archive_entry_hardlink(e), *sym = archive_entry_symlink(e);
	mode_t type = archive_entry_filetype(e);
	char *rel, *hrel = NULL, *via, *full;
	int rc = 0;

	if (!name)
		return error("an entry of '%s' has no usable name", u->archive);
	if (!(rel = cleanname(name, &why)))
		return refuse(u, name, why);
	if (!*rel) {
		free(rel);
		return 1;
	}
	if (type == AE_IFCHR || type == AE_IFBLK) {
		rc = refuse(u, name, "device node");
	} else if ((via = throughlink(u, rel, 0))) {
		char *m = xasprintf("written through the symlink '%s'", via);
		rc = refuse(u, name, m);
		free(m);
		free(via);
	} else if (hard && !(hrel = cleanname(hard, &why))) {
		char *m = xasprintf("hardlink to '%s' (%s)", hard, why);
		rc = refuse(u, name, m);
		free(m);
	} else if (hard && (!*hrel || linkable(u, hrel) < 0)) {
		char *m = xasprintf("hardlink to '%s' outside the archive", hard);
		rc = refuse(u, name, m);
		free(m);
	} else if (!hard && type == AE_IFLNK && (!sym || escapes(u->dest, rel, sym))) {
		char *m = xasprintf("symlink to '%s' points outside the tree", sym ? sym : "");
		rc = refuse(u, name, m);
		free(m);
	}
	if (type == AE_IFLNK) {
		free(u->okdir);  /* a new symlink may sit on a checked parent */
		u->okdir = NULL;
	}
	if (rc == 0) {
		/* a source tree never needs setuid or setgid bits */
		if (type != AE_IFLNK)
			archive_entry_set_perm(e, archive_entry_perm(e) & ~(mode_t)06000);
		full = pathjoin(u->dest, rel);
		archive_entry_copy_pathname(e, full);
		free(full);
		if (hard) {
			full = pathjoin(u->dest, hrel);
			archive_entry_copy_hardlink(e, full);
			free(full);
		}
	}
	free(hrel);
	free(rel);
	return rc;
}

static int
copydata(struct unpack *u, struct archive *r, struct archive *w, const char *name)
{
	const void *buf;
	size_t size;
	la_int64_t off;
	int rc;

	for (;;) {
		rc = archive_read_data_block(r, &buf, &size, &off);
		if (rc == ARCHIVE_EOF)
			return 0;
		if (rc < ARCHIVE_WARN)
			return error("read '%s' in '%s': %s", name, u->archive, archive_error_string(r));
		if (rc == ARCHIVE_WARN)
			warn("read '%s' in '%s': %s", name, u->archive, archive_error_string(r));
		if (archive_write_data_block(w, buf, size, off) < ARCHIVE_WARN)
			return error("write '%s': %s", name, archive_error_string(w));
	}
}

/* write one entry; -1 after printing why */
static int
entry(struct unpack *u, struct archive *r, struct archive *w, struct archive_entry *e)
{
	char *name = xstrdup(archive_entry_pathname(e) ? archive_entry_pathname(e) : "");
	int rc = admit(u, e);

	if (rc == 1) {
		rc = 0;
	} else if (rc == 0) {
		rc = archive_write_header(w, e);
		if (rc < ARCHIVE_WARN)
			rc = error("cannot extract '%s' from '%s': %s", name, u->archive, archive_error_string(w));
		else if (rc == ARCHIVE_WARN)
			warn("extract '%s' from '%s': %s", name, u->archive, archive_error_string(w));
		if (rc >= ARCHIVE_WARN && archive_entry_size(e) > 0)
			rc = copydata(u, r, w, name);
		if (rc >= ARCHIVE_WARN && archive_write_finish_entry(w) < ARCHIVE_WARN)
			rc = error("cannot extract '%s' from '%s': %s", name, u->archive, archive_error_string(w));
		rc = rc < ARCHIVE_WARN ? -1 : 0;
	}
	free(name);
	return rc;
}

static pthread_mutex_t disklock = PTHREAD_MUTEX_INITIALIZER;

struct archive *
extract_diskwriter(void)
{
	struct archive *w;

	pthread_mutex_lock(&disklock);
	w = archive_write_disk_new();
	pthread_mutex_unlock(&disklock);
	return w;
}

static int
unpack(struct unpack *u)
{
	int flags = ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_PERM |
		ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT;
	struct archive *r = archive_read_new(), *w = extract_diskwriter();
	struct archive_entry *e;
	int rc = 0, st;

	archive_read_support_filter_all(r);
	archive_read_support_format_all(r);
	archive_write_disk_set_options(w, flags);
	if (archive_read_open_filename(r, u->archive, 65536) != ARCHIVE_OK) {
		rc = error("cannot open '%s': %s", u->archive, archive_error_string(r));
		goto out;
	}
	while (rc == 0) {
		st = archive_read_next_header(r, &e);
		if (st == ARCHIVE_EOF)
			break;
		if (st < ARCHIVE_WARN) {
			rc = error("cannot read '%s': %s", u->archive, archive_error_string(r));
			break;
		}
		if (st == ARCHIVE_WARN)
			warn("read '%s': %s", u->archive, archive_error_string(r));
		rc = entry(u, r, w, e);
	}
	if (archive_write_close(w) < ARCHIVE_WARN && rc == 0)
		rc = error("cannot finish extracting '%s': %s", u->archive, archive_error_string(w));
out:
	archive_write_free(w);
	archive_read_free(r);
	return rc;
}

/* the only entry of dir, or NULL when it has none or several; caller frees */
static char *
onlyentry(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char *name = NULL;
	int n = 0;

	if (!d)
		return NULL;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (n++ == 0)
			name = xstrdup(e->d_name);
	}
	closedir(d);
	if (n != 1) {
		free(name);
		return NULL;
	}
	return name;
}

/* 1 when dir has no entry */
static int
isempty(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n == 0;
}

/* move every entry of from into to; -1 after printing why */
static int
moveall(const char *from, const char *to)
{
	DIR *d = opendir(from);
	struct dirent *e;
	int rc = 0;

	if (!d)
		return error("open directory '%s':", from);
	while (rc == 0 && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *a = pathjoin(from, e->d_name), *b = pathjoin(to, e->d_name);
		if (rename(a, b) < 0)
			rc = error("rename '%s' to '%s':", a, b);
		free(a);
		free(b);
	}
	closedir(d);
	return rc;
}

/* replace dest's single top-level directory by its contents */
static int
strip(const char *dest)
{
	char *name = onlyentry(dest), *top, *tmp = NULL, *sub;
	struct stat st;
	int rc = 0;

	if (!name)
		return 0;
	top = pathjoin(dest, name);
	if (lstat(top, &st) < 0 || !S_ISDIR(st.st_mode))
		goto out;
	for (int i = 0; !tmp; i++) {
		char *t = xasprintf(".mlfs-strip.%d", i);
		sub = pathjoin(top, t);
		if (!exists(sub))
			tmp = pathjoin(dest, t);
		free(sub);
		free(t);
	}
	if (chmod(top, 0700) < 0)
		rc = error("chmod '%s':", top);
	else if (rename(top, tmp) < 0)
		rc = error("rename '%s' to '%s':", top, tmp);
	else if (moveall(tmp, dest) < 0)
		rc = -1;
	else if (rmdir(tmp) < 0)
		rc = error("remove directory '%s':", tmp);
out:
	free(tmp);
	free(top);
	free(name);
	return rc;
}

/* check every symlink of the finished tree under rel; -1 after printing the first bad one */
static int
sweep(struct unpack *u, const char *rel)
{
	char *dir = *rel ? pathjoin(u->dest, rel) : xstrdup(u->dest);
	DIR *d = opendir(dir);
	struct dirent *e;
	char link[PATH_MAX];
	struct stat st;
	int rc = 0;

	if (!d) {
		rc = error("open directory '%s':", dir);
		free(dir);
		return rc;
	}
	while (rc == 0 && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *r = *rel ? xasprintf("%s/%s", rel, e->d_name) : xstrdup(e->d_name);
		char *p = pathjoin(u->dest, r);
		ssize_t n;

		if (lstat(p, &st) < 0) {
			rc = error("stat '%s':", p);
		} else if (S_ISDIR(st.st_mode)) {
			rc = sweep(u, r);
		} else if (S_ISLNK(st.st_mode)) {
			n = readlink(p, link, sizeof(link) - 1);
			link[n < 0 ? 0 : n] = '\0';
			if (n < 0 || escapes(u->dest, r, link)) {
				char *m = xasprintf("symlink to '%s' points outside the tree", link);
				rc = refuse(u, r, m);
				free(m);
			}
		}
		free(p);
		free(r);
	}
	closedir(d);
	free(dir);
	return rc;
}

/* create dest or accept it empty; its real path, or NULL; caller frees */
static char *
realdest(const char *dest)
{
	char *real, *one;
	DIR *d;

	if (mkdirs(dest, 0755) < 0)
		return NULL;
	if (!(real = realpath(dest, NULL)) || !(d = opendir(real))) {
		error("open directory '%s':", dest);
		free(real);
		return NULL;
	}
	closedir(d);
	if ((one = onlyentry(real)) || !isempty(real)) {
		free(one);
		free(real);
		errno = ENOTEMPTY;
		error("extract into '%s':", dest);
		return NULL;
	}
	return real;
}

int
extract_archive(const char *archive, const char *dest, int strip1)
{
	struct unpack u = {.archive = archive};
	int rc;

	if (!(u.dest = realdest(dest)))
		return -1;
	rc = unpack(&u);
	if (rc == 0 && strip1)
		rc = strip(u.dest);
	if (rc == 0)
		rc = sweep(&u, "");
	if (rc < 0)
		rmtree(u.dest);
	free(u.okdir);
	free(u.dest);
	return rc;
}
