/* verify: the root's files against the manifests merge.c wrote */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "beneath.h"
#include "glue.h"
#include "hash.h"
#include "stagescan.h"
#include "verify.h"
#include "util.h"

static const char mansub[] = "var/lib/mlfs/manifests";

char *
verify_mandir(const char *root)
{
	return pathjoin(root, mansub);
}

void
vdamage_free(struct vdamage *d)
{
	free(d->pkg);
	strvfree(&d->lines);
	strvfree(&d->abis);
	memset(d, 0, sizeof(*d));
}

/* the manifest of pkg, read beneath the root; NULL when missing or unreadable */
static json_t *
manifest(const char *root, const char *pkg)
{
	char *rel = xasprintf("%s/%s.json", mansub, pkg);
	int fd = bn_open(root, rel, O_RDONLY, 0);
	json_t *man = NULL;

	free(rel);
	if (fd >= 0) {
		man = json_loadfd(fd, 0, NULL);
		close(fd);
	}
	if (man && !json_is_array(json_object_get(man, "files"))) {
		json_decref(man);
		man = NULL;
	}
	return man;
}

static const char *
jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* a problem with entry e of the manifest */
static void
damage(struct vdamage *d, json_t *e, const char *fmt, const char *a, const char *b)
{
	json_t *v;
	size_t i;
	char *what = xasprintf(fmt, a, b);

	strvtake(&d->lines, xasprintf("'%s': %s", jstr(e, "path"), what));
	free(what);
	json_array_foreach(json_object_get(e, "abis"), i, v)
		if (json_is_string(v) && strvfind(&d->abis, json_string_value(v)) < 0)
			strvadd(&d->abis, json_string_value(v));
}

static const char *
typename(mode_t m)
{
	return S_ISREG(m) ? "file" : S_ISLNK(m) ? "link" : S_ISDIR(m) ? "dir" : "special file";
}

/* compare one manifest entry with the root */
static void
checkentry(const char *root, json_t *e, struct vdamage *d)
{
	const char *path = jstr(e, "path"), *type = jstr(e, "type"), *want;
	char hex[HASH_HEXMAX], buf[PATH_MAX], m1[16], m2[16];
	int mode = (int)json_integer_value(json_object_get(e, "mode"));
	struct stat st;

	if (!path || !type)
		return damage(d, e, "%s%s", "the manifest entry is malformed", "");
	/* listed by a manifest written before the merge stopped installing it */
	if (!strcmp(type, "file") && scan_neverinstalled(path))
		return;
	if (bn_lstat(root, path, &st) < 0)
		return damage(d, e, "%s%s", errno == ENOENT ? "missing" : bn_strerror(errno), "");
	if (strcmp(typename(st.st_mode), type))
		return damage(d, e, "a %s, the manifest says a %s", typename(st.st_mode), type);
	if (!strcmp(type, "link")) {
		want = jstr(e, "target");
		if (bn_readlink(root, path, buf, sizeof(buf)) < 0 || !want || strcmp(buf, want))
			damage(d, e, "links to '%s', the manifest says '%s'", buf, want ? want : "");
		return;
	}
	snprintf(m1, sizeof(m1), "%04o", (unsigned)(st.st_mode & 07777));
	snprintf(m2, sizeof(m2), "%04o", (unsigned)mode);
	/* a directory keeps the mode of whichever package made it first, so
	   only a write permission none of them asked for is damage */
	if (!strcmp(type, "dir")) {
		if (st.st_mode & 022 & ~(mode_t)mode)
			damage(d, e, "mode %s lets others write, the manifest says %s", m1, m2);
		return;
	}
	if ((int)(st.st_mode & 07777) != mode)
		damage(d, e, "mode %s, the manifest says %s", m1, m2);
	want = jstr(e, "hash");
	if (bn_hash(root, path, hex) < 0)
		damage(d, e, "cannot be read: %s%s", bn_strerror(errno), "");
	else if (!want || strcmp(hex, want))
		damage(d, e, "%s%s", "content changed", "");
}

int
verify_package(const char *root, const char *pkg, struct vdamage *d)
{
	json_t *man = manifest(root, pkg), *e;
	size_t i;

	memset(d, 0, sizeof(*d));
	d->pkg = xstrdup(pkg);
	if (!man) {
		d->noman = 1;
		strvtake(&d->lines, xasprintf("the manifest '%s/%s/%s.json' is missing or unreadable",
			root, mansub, pkg));
		return 1;
	}
	json_array_foreach(json_object_get(man, "files"), i, e)
		checkentry(root, e, d);
	json_decref(man);
	return d->lines.n > 0;
}

static int
strpcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
verify_installed(const char *root, struct strv *pkgs)
{
	int fd = bn_open(root, mansub, O_RDONLY | O_DIRECTORY, 0);
	DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;

	if (!dir && fd >= 0)
		close(fd);
	while (dir && (e = readdir(dir))) {
		size_t n = strlen(e->d_name);
		if (e->d_name[0] == '.' || n < 6 || !endswith(e->d_name, ".json") ||
		    endswith(e->d_name, ".pending.json"))
			continue;
		strvtake(pkgs, xasprintf("%.*s", (int)(n - 5), e->d_name));
	}
	if (dir)
		closedir(dir);
	strvsort(pkgs);
}

/* the directory part of path ("/usr/bin/x" -> "/usr/bin"); caller frees */
static char *
dirpart(const char *path)
{
	const char *s = strrchr(path, '/');

	return s && s != path ? xasprintf("%.*s", (int)(s - path), path) : xstrdup("/");
}

/* every path the manifests own, and the directories holding owned files */
static void
owned(const char *root, struct strv *paths, struct strv *dirs)
{
	struct strv pkgs = {0};

	verify_installed(root, &pkgs);
	for (size_t i = 0; i < pkgs.n; i++) {
		json_t *man = manifest(root, pkgs.v[i]), *e;
		size_t k;
		json_array_foreach(json_object_get(man, "files"), k, e) {
			const char *p = jstr(e, "path");
			if (!p)
				continue;
			strvadd(paths, p);
			if (strcmp(jstr(e, "type") ? jstr(e, "type") : "", "dir"))
				strvtake(dirs, dirpart(p));
		}
		json_decref(man);
	}
	strvfree(&pkgs);
	strvsort(paths);
	strvsort(dirs);
}

static int
has(const struct strv *sorted, const char *s)
{
	return sorted->n && bsearch(&s, sorted->v, sorted->n, sizeof(*sorted->v), strpcmp);
}

/* 1 when path is a file glue.c generated (its head says so) */
static int
glued(const char *root, const char *path)
{
	char head[257];
	int fd = bn_open(root, path, O_RDONLY | O_NONBLOCK, 0);
	ssize_t n = fd >= 0 ? read(fd, head, sizeof(head) - 1) : -1;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return 0;
	head[n] = '\0';
	return strstr(head, "# generated by mlfs") != NULL;
}

/* the paths GLUE_LIST names, sorted */
static void
gluelist(const char *root, struct strv *out)
{
	int fd = bn_open(root, GLUE_LIST, O_RDONLY, 0);
	FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (!f && fd >= 0)
		close(fd);
	while (f && (n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if (line[0] == '/')
			strvadd(out, line);
	}
	if (f)
		fclose(f);
	free(line);
	strvsort(out);
}

void
verify_unowned(const char *root, struct strv *out)
{
	struct strv paths = {0}, dirs = {0}, glue = {0};

	owned(root, &paths, &dirs);
	gluelist(root, &glue);
	for (size_t i = 0; i < dirs.n; i++) {
		if (i && !strcmp(dirs.v[i], dirs.v[i - 1]))
			continue;
		int fd = bn_open(root, dirs.v[i], O_RDONLY | O_DIRECTORY, 0);
		DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
		struct dirent *e;
		if (!d && fd >= 0)
			close(fd);
		while (d && (e = readdir(d))) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			char *p = xasprintf("%s/%s", strcmp(dirs.v[i], "/") ? dirs.v[i] : "", e->d_name);
			struct stat st;
			if (!has(&paths, p) && !has(&glue, p) && bn_lstat(root, p, &st) == 0 &&
			    !S_ISDIR(st.st_mode) && !(S_ISREG(st.st_mode) && glued(root, p)))
				strvtake(out, p);
			else
				free(p);
		}
		if (d)
			closedir(d);
	}
	strvfree(&paths);
	strvfree(&dirs);
	strvfree(&glue);
}

void
verify_print(const struct vdamage *d, FILE *f)
{
	for (size_t i = 0; i < d->lines.n; i++)
		fprintf(f, "%s: %s\n", d->pkg, d->lines.v[i]);
}
