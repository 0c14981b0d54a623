/*
 * The binary cache of built nodes (see bincache.h). Writing walks the staging
 * dir into a zstd-compressed pax archive, the manifest last; reading checks the index, the
 * archive's size and sha256, then every member before it is written, then the
 * restored tree's hash. A download from an http(s) cache lands in the local
 * directory under a temp name and is renamed only once it verifies.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <archive.h>
#include <archive_entry.h>
#include <curl/curl.h>
#include <jansson.h>
#include "bincache.h"
#include "extract.h"
#include "hash.h"
#include "os.h"
#include "util.h"

enum { FORMAT = 1 };

int
bincache_isurl(const char *loc)
{
	return startswith(loc, "http://") || startswith(loc, "https://");
}

int
bincache_open(struct bincache *bc, const char *loc, const char *state)
{
	memset(bc, 0, sizeof(*bc));
	if (bincache_isurl(loc)) {
		bc->url = xstrdup(loc);
		while (endswith(bc->url, "/") && strlen(bc->url) > 8)
			bc->url[strlen(bc->url) - 1] = '\0';
		bc->dir = pathjoin(state, "bincache");
	} else {
		bc->dir = abspath(loc);
	}
	if (mkdirs(bc->dir, 0755) < 0) {
		bincache_close(bc);
		return -1;
	}
	return 0;
}

void
bincache_close(struct bincache *bc)
{
	free(bc->dir);
	free(bc->url);
	bc->dir = bc->url = NULL;
}

/* a key is 64 lowercase hex digits: anything else never names a file */
static int
goodkey(const char *key)
{
	size_t i;

	for (i = 0; key[i]; i++)
		if (!((key[i] >= '0' && key[i] <= '9') || (key[i] >= 'a' && key[i] <= 'f')))
			return 0;
	return i == 64;
}

static char *
entrypath(const char *dir, const char *key, const char *suffix)
{
	return xasprintf("%s/%s%s", dir, key, suffix);
}

/* ---- writing ---- */

struct packer {
	struct archive *a;
	struct archive_entry_linkresolver *lr;
	const char *top;       /* the staging dir */
	json_t *list;          /* the manifest's file list */
};

static int
writedata(struct packer *p, struct archive_entry *e, const char *path)
{
	char buf[65536];
	ssize_t n;
	int fd, rc = 0;

	if (archive_write_header(p->a, e) != ARCHIVE_OK)
		return error("cannot archive '%s': %s", path, archive_error_string(p->a));
	if (archive_entry_size(e) == 0 || archive_entry_filetype(e) != AE_IFREG)
		return 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return error("cannot read '%s':", path);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (archive_write_data(p->a, buf, (size_t)n) != n) {
			rc = error("cannot archive '%s': %s", path, archive_error_string(p->a));
			break;
		}
	if (n < 0)
		rc = error("cannot read '%s':", path);
	close(fd);
	return rc;
}

static int
packentry(struct packer *p, const char *path, const char *rel, const struct stat *st)
{
	struct archive_entry *e = archive_entry_new(), *sparse = NULL;
	char *name = *rel ? xasprintf("stage/%s", rel) : xstrdup("stage");
	char link[4096];
	int rc = 0;

	archive_entry_copy_stat(e, st);
	archive_entry_set_pathname(e, name);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	if (S_ISLNK(st->st_mode)) {
		ssize_t n = readlink(path, link, sizeof(link) - 1);
		if (n < 0) {
			rc = error("cannot read the link '%s':", path);
			goto out;
		}
		link[n] = '\0';
		archive_entry_set_symlink(e, link);
	} else if (!S_ISREG(st->st_mode) && !S_ISDIR(st->st_mode)) {
		rc = error("cannot cache '%s': not a file, directory or symlink", path);
		goto out;
	}
	if (*rel)
		json_array_append_new(p->list, json_string(rel));
	if (S_ISREG(st->st_mode) && st->st_nlink > 1) {
		archive_entry_linkify(p->lr, &e, &sparse);
		if (!e)
			goto out;
	}
	rc = writedata(p, e, path);
out:
	archive_entry_free(e);
	free(name);
	return rc;
}

static int
packdir(struct packer *p, const char *dir, const char *rel)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int rc = 0;

	if (!d)
		return error("cannot read '%s':", dir);
	while (rc == 0 && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		char *path = pathjoin(dir, de->d_name);
		char *sub = *rel ? xasprintf("%s/%s", rel, de->d_name) : xstrdup(de->d_name);
		struct stat st;
		if (lstat(path, &st) < 0)
			rc = error("cannot stat '%s':", path);
		else
			rc = packentry(p, path, sub, &st);
		if (rc == 0 && S_ISDIR(st.st_mode))
			rc = packdir(p, path, sub);
		free(path);
		free(sub);
	}
	closedir(d);
	return rc;
}

/* the manifest, the last member: it lists the files */
static int
packmanifest(struct packer *p, json_t *man)
{
	char *text = json_dumps(man, JSON_INDENT(1) | JSON_SORT_KEYS);
	struct archive_entry *e = archive_entry_new();
	int rc = 0;

	archive_entry_set_pathname(e, "MANIFEST.json");
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)strlen(text));
	archive_entry_set_mtime(e, time(NULL), 0);
	if (archive_write_header(p->a, e) != ARCHIVE_OK ||
	    archive_write_data(p->a, text, strlen(text)) != (la_ssize_t)strlen(text))
		rc = error("cannot write the manifest: %s", archive_error_string(p->a));
	archive_entry_free(e);
	free(text);
	return rc;
}

/* write the archive of stagedir to path */
static int
pack(const char *path, const char *stagedir, json_t *man)
{
	struct packer p = {.top = stagedir, .list = json_array()};
	struct archive_entry *e = NULL, *sparse = NULL;
	struct stat st;
	int rc = -1;

	p.a = archive_write_new();
	p.lr = archive_entry_linkresolver_new();
	archive_write_set_format_pax_restricted(p.a);
	archive_entry_linkresolver_set_strategy(p.lr, archive_format(p.a));
	if (archive_write_add_filter_zstd(p.a) != ARCHIVE_OK) {
		error("cannot compress with zstd: %s", archive_error_string(p.a));
		goto out;
	}
	if (archive_write_open_filename(p.a, path) != ARCHIVE_OK) {
		error("cannot write '%s': %s", path, archive_error_string(p.a));
		goto out;
	}
	if (lstat(stagedir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		error("cannot cache '%s': not a directory", stagedir);
		goto out;
	}
	if (packentry(&p, stagedir, "", &st) < 0 || packdir(&p, stagedir, "") < 0)
		goto out;
	json_object_set(man, "files", p.list);
	if (packmanifest(&p, man) < 0)
		goto out;
	/* hardlinks whose other names were not met: none with the tar strategy */
	archive_entry_linkify(p.lr, &e, &sparse);
	if (archive_write_close(p.a) != ARCHIVE_OK) {
		error("cannot write '%s': %s", path, archive_error_string(p.a));
		goto out;
	}
	rc = 0;
out:
	archive_write_free(p.a);
	archive_entry_linkresolver_free(p.lr);
	json_decref(p.list);
	return rc;
}

int
bincache_put(const struct bincache *bc, const char *node, const char *key, const char *stagedir)
{
	char *index = entrypath(bc->dir, key, ".json"), *arch = entrypath(bc->dir, key, ".tar.zst");
	char *tmp = xasprintf("%s/.tmp-%s-%ld.tar.zst", bc->dir, key, (long)getpid());
	char tree[HASH_HEXMAX], sum[HASH_HEXMAX];
	unsigned long long bytes = 0;
	json_t *man = NULL, *ix = NULL;
	char *text = NULL;
	const char *colon = strchr(node, ':');
	struct stat st;
	int rc = -1;

	if (!goodkey(key)) {
		error("cannot cache '%s': bad key '%s'", node, key);
		goto out;
	}
	if (exists(index) && bincache_verify(bc->dir, key) == 0) {
		rc = 0;
		goto out;
	}
	if (hashtree(stagedir, tree, &bytes) < 0)
		goto out;
	man = json_pack("{s:i, s:s, s:s, s:s%, s:s, s:s, s:I}", "format", FORMAT, "node", node,
		"key", key, "package", node, colon ? (size_t)(colon - node) : strlen(node),
		"abi", colon ? colon + 1 : "", "tree", tree, "bytes", (json_int_t)bytes);
	if (pack(tmp, stagedir, man) < 0 || hashfile(HASH_SHA256, tmp, sum) < 0 ||
	    stat(tmp, &st) < 0)
		goto out;
	ix = json_pack("{s:i, s:s, s:s, s:s, s:I, s:s}", "format", FORMAT, "node", node, "key", key,
		"sha256", sum, "size", (json_int_t)st.st_size, "tree", tree);
	text = json_dumps(ix, JSON_INDENT(1) | JSON_SORT_KEYS);
	if (rename(tmp, arch) < 0) {
		error("cannot rename '%s' to '%s':", tmp, arch);
		goto out;
	}
	rc = writefile(index, text, strlen(text), 0644);
out:
	if (rc < 0)
		unlink(tmp);
	json_decref(man);
	json_decref(ix);
	free(text);
	free(tmp);
	free(index);
	free(arch);
	return rc;
}

/* ---- checking ---- */

/* the index of entry key in dir, checked for its fields; NULL with a message */
static json_t *
loadindex(const char *dir, const char *key, const char **sum, json_int_t *size,
	const char **tree, const char **node)
{
	char *path = entrypath(dir, key, ".json");
	json_error_t err;
	json_t *ix = json_load_file(path, 0, &err);
	const char *k;
	int fmt;

	if (!ix) {
		error("cache entry '%s': %s at line %d", path, err.text, err.line);
	} else if (json_unpack(ix, "{s:i, s:s, s:s, s:s, s:I, s:s}", "format", &fmt, "node", node,
		"key", &k, "sha256", sum, "size", size, "tree", tree) < 0) {
		error("cache entry '%s': a key of format, node, key, sha256, size, tree is missing "
			"or of the wrong type", path);
	} else if (fmt != FORMAT) {
		error("cache entry '%s': format %d, not %d", path, fmt, FORMAT);
	} else if (strcmp(k, key)) {
		error("cache entry '%s': key '%s' does not match its name", path, k);
	} else if (strlen(*sum) != 64 || strlen(*tree) != 64 || *size < 0) {
		error("cache entry '%s': bad sha256, tree or size", path);
	} else {
		free(path);
		return ix;
	}
	json_decref(ix);
	free(path);
	return NULL;
}

/* the archive at path has size bytes and that sha256 */
static int
checkarchive(const char *path, const char *sum, json_int_t size)
{
	char got[HASH_HEXMAX];
	struct stat st;

	if (stat(path, &st) < 0)
		return error("cache entry '%s':", path);
	if (st.st_size != size)
		return error("cache entry '%s' has %lld bytes, its index says %lld: truncated or "
			"corrupt, not used", path, (long long)st.st_size, (long long)size);
	if (hashfile(HASH_SHA256, path, got) < 0)
		return -1;
	if (strcmp(got, sum))
		return error("cache entry '%s' has sha256 %s, its index says %s: corrupt, not used",
			path, got, sum);
	return 0;
}

int
bincache_verify(const char *dir, const char *key)
{
	const char *sum, *tree, *node;
	json_int_t size;
	json_t *ix;
	char *arch;
	int rc;

	if (!goodkey(key))
		return error("'%s' is not a node key", key);
	if (!(ix = loadindex(dir, key, &sum, &size, &tree, &node)))
		return -1;
	arch = entrypath(dir, key, ".tar.zst");
	rc = checkarchive(arch, sum, size);
	free(arch);
	json_decref(ix);
	return rc;
}

/* ---- restoring ---- */

/* a member's name made safe: "MANIFEST.json", "stage" or "stage/REL" with REL
   free of empty, "." and ".." components; NULL with *why */
static int
cleanmember(const char *name, const char **why)
{
	const char *p;

	if (!strcmp(name, "MANIFEST.json") || !strcmp(name, "stage") || !strcmp(name, "stage/"))
		return 0;
	if (name[0] == '/') {
		*why = "absolute path";
		return -1;
	}
	if (!startswith(name, "stage/")) {
		*why = "outside stage/";
		return -1;
	}
	for (p = name + 6; *p;) {
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if ((n == 2 && !strncmp(p, "..", 2)) || (n == 1 && *p == '.') || (n == 0 && e)) {
			*why = "'.', '..' or an empty component in the path";
			return -1;
		}
		if (!e)
			break;
		p = e + 1;
	}
	return 0;
}

/* every parent of rel under top is a real directory (no symlink to write
   through); -1 with *why */
static int
plainparents(const char *top, const char *rel, const char **why)
{
	char *p = xstrdup(rel), *s;
	struct stat st;
	int rc = 0;

	for (s = strchr(p, '/'); s && rc == 0; s = strchr(s + 1, '/')) {
		*s = '\0';
		char *full = pathjoin(top, p);
		if (lstat(full, &st) == 0 && !S_ISDIR(st.st_mode)) {
			*why = "written through a symlink or a file";
			rc = -1;
		}
		free(full);
		*s = '/';
	}
	free(p);
	return rc;
}

/* check member e before it is written under top; -1 with a message */
static int
checkmember(const char *arch, const char *top, struct archive_entry *e)
{
	const char *name = archive_entry_pathname(e), *hl = archive_entry_hardlink(e);
	const char *why = NULL;
	mode_t t = archive_entry_filetype(e);
	struct stat st;

	if (!name)
		why = "no name";
	else if (cleanmember(name, &why) < 0)
		;
	else if (hl && (cleanmember(hl, &why) < 0 || !startswith(hl, "stage/")))
		why = why ? why : "hardlink outside stage/";
	else if (!hl && t != AE_IFREG && t != AE_IFDIR && t != AE_IFLNK)
		why = "a device, fifo or socket";
	else if (!strcmp(name, "MANIFEST.json") && t != AE_IFREG)
		why = "the manifest is not a file";
	else if (plainparents(top, name, &why) < 0)
		;
	else {
		char *full = pathjoin(top, name);
		int there = lstat(full, &st) == 0 && !(t == AE_IFDIR && !strcmp(name, "stage/"));
		free(full);
		if (there)
			why = "a second member of the same name";
		else if (hl) {
			char *to = pathjoin(top, hl);
			if (plainparents(top, hl, &why) < 0)
				;
			else if (lstat(to, &st) < 0 || !S_ISREG(st.st_mode))
				why = "hardlink to something not an earlier file";
			free(to);
		}
	}
	if (why)
		return error("cache entry '%s': member '%s' refused: %s", arch, name ? name : "?", why);
	return 0;
}

/* unpack arch into the fresh directory top */
static int
unpack(const char *arch, const char *top)
{
	struct archive *a = archive_read_new(), *w = extract_diskwriter();
	struct archive_entry *e;
	int r, rc = 0;

	archive_read_support_filter_zstd(a);
	archive_read_support_format_tar(a);
	archive_write_disk_set_options(w, ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME |
		ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_SECURE_SYMLINKS);
	if (archive_read_open_filename(a, arch, 65536) != ARCHIVE_OK) {
		rc = error("cache entry '%s': %s", arch, archive_error_string(a));
		goto out;
	}
	while (rc == 0 && (r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		if (checkmember(arch, top, e) < 0) {
			rc = -1;
			break;
		}
		char *full = pathjoin(top, archive_entry_pathname(e));
		archive_entry_set_pathname(e, full);
		free(full);
		if (archive_entry_hardlink(e)) {
			char *to = pathjoin(top, archive_entry_hardlink(e));
			archive_entry_set_hardlink(e, to);
			free(to);
		}
		archive_entry_set_uid(e, geteuid());
		archive_entry_set_gid(e, getegid());
		if (archive_write_header(w, e) != ARCHIVE_OK) {
			rc = error("cache entry '%s': %s", arch, archive_error_string(w));
			break;
		}
		const void *buf;
		size_t len;
		la_int64_t off;
		while ((r = archive_read_data_block(a, &buf, &len, &off)) == ARCHIVE_OK)
			if (archive_write_data_block(w, buf, len, off) != ARCHIVE_OK) {
				rc = error("cache entry '%s': %s", arch, archive_error_string(w));
				break;
			}
		if (rc == 0 && r != ARCHIVE_EOF)
			rc = error("cache entry '%s': %s", arch, archive_error_string(a));
		if (rc == 0 && archive_write_finish_entry(w) != ARCHIVE_OK)
			rc = error("cache entry '%s': %s", arch, archive_error_string(w));
	}
	if (rc == 0 && r != ARCHIVE_EOF)
		rc = error("cache entry '%s': %s", arch, archive_error_string(a));
out:
	if (archive_write_close(w) != ARCHIVE_OK && rc == 0)
		rc = error("cache entry '%s': %s", arch, archive_error_string(w));
	archive_write_free(w);
	archive_read_free(a);
	return rc;
}

/* the manifest in top names node and key and the tree hash */
static int
checkmanifest(const char *arch, const char *top, const char *node, const char *key,
	const char *tree)
{
	char *path = pathjoin(top, "MANIFEST.json");
	json_t *m = json_load_file(path, 0, NULL);
	const char *mn, *mk, *mt;
	int rc = 0;

	if (!m || json_unpack(m, "{s:s, s:s, s:s}", "node", &mn, "key", &mk, "tree", &mt) < 0)
		rc = error("cache entry '%s': no readable MANIFEST.json", arch);
	else if (strcmp(mn, node) || strcmp(mk, key) || strcmp(mt, tree))
		rc = error("cache entry '%s' is of '%s', not '%s', or its tree differs from its index",
			arch, mn, node);
	json_decref(m);
	free(path);
	return rc;
}

/* ---- downloading ---- */

static size_t
tofile(char *p, size_t sz, size_t n, void *arg)
{
	return fwrite(p, sz, n, arg);
}

/* download url to path: 1 done, 0 not there (404), -1 failed with a message */
static int
download(const struct bincache *bc, const char *url, const char *path)
{
	FILE *f = fopen(path, "we");
	CURL *h;
	CURLcode res;
	long code = 0, t = bc->timeout_s > 0 ? bc->timeout_s : 30;
	int rc;

	if (!f)
		return error("cannot write '%s':", path);
	h = curl_easy_init();
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, tofile);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, f);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, t);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, t);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	res = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	if (fclose(f) != 0 && res == CURLE_OK)
		res = CURLE_WRITE_ERROR;
	if (res == CURLE_OK && code == 200)
		rc = 1;
	else if (res == CURLE_OK && (code == 404 || code == 410))
		rc = 0;
	else if (res == CURLE_OK)
		rc = error("cannot download '%s': HTTP %ld", url, code);
	else
		rc = error("cannot download '%s': %s", url, curl_easy_strerror(res));
	curl_easy_cleanup(h);
	if (rc != 1)
		unlink(path);
	return rc;
}

/* bring entry key from the url into the local dir: 1, 0 not there, -1 */
static int
pull(const struct bincache *bc, const char *key)
{
	char *tix = xasprintf("%s/.tmp-%s-%ld.json", bc->dir, key, (long)getpid());
	char *tar = xasprintf("%s/.tmp-%s-%ld.tar.zst", bc->dir, key, (long)getpid());
	char *uix = xasprintf("%s/%s.json", bc->url, key), *utar = xasprintf("%s/%s.tar.zst", bc->url, key);
	char *ix = entrypath(bc->dir, key, ".json"), *arch = entrypath(bc->dir, key, ".tar.zst");
	const char *sum, *tree, *node;
	json_int_t size;
	json_t *j;
	int rc = download(bc, uix, tix);

	if (rc == 1)
		rc = download(bc, utar, tar);
	if (rc == 1 && rename(tar, arch) < 0)
		rc = error("cannot rename '%s':", tar);
	if (rc == 1 && rename(tix, ix) < 0)
		rc = error("cannot rename '%s':", tix);
	if (rc == 1 && (j = loadindex(bc->dir, key, &sum, &size, &tree, &node))) {
		if (checkarchive(arch, sum, size) < 0)
			rc = -1;
		json_decref(j);
	} else if (rc == 1) {
		rc = -1;
	}
	if (rc != 1) {
		unlink(tix);
		unlink(tar);
		if (rc < 0) {
			unlink(ix);
			unlink(arch);
		}
	}
	free(tix);
	free(tar);
	free(uix);
	free(utar);
	free(ix);
	free(arch);
	return rc;
}

int
bincache_get(const struct bincache *bc, const char *node, const char *key, const char *stagedir)
{
	char *index = entrypath(bc->dir, key, ".json"), *arch = entrypath(bc->dir, key, ".tar.zst");
	char *top = xasprintf("%s.restore", stagedir), *stage = pathjoin(top, "stage");
	const char *sum, *tree, *mnode;
	char got[HASH_HEXMAX];
	unsigned long long bytes;
	json_int_t size;
	json_t *ix = NULL;
	int rc = -1;

	if (!goodkey(key)) {
		rc = 0;
		goto out;
	}
	if (!exists(index) && bc->url) {
		rc = pull(bc, key);
		if (rc <= 0)
			goto out;
		rc = -1;
	}
	if (!exists(index)) {
		rc = 0;
		goto out;
	}
	if (!(ix = loadindex(bc->dir, key, &sum, &size, &tree, &mnode)))
		goto out;
	if (strcmp(mnode, node)) {
		error("cache entry '%s' is of '%s', not '%s'", index, mnode, node);
		goto out;
	}
	if (checkarchive(arch, sum, size) < 0)
		goto out;
	if (rmtree(top) < 0 || mkdirs(top, 0755) < 0)
		goto out;
	if (unpack(arch, top) < 0 || checkmanifest(arch, top, node, key, tree) < 0)
		goto out;
	if (!exists(stage) || hashtree(stage, got, &bytes) < 0)
		goto out;
	if (strcmp(got, tree)) {
		error("cache entry '%s': the restored tree hashes to %s, its index says %s", arch, got, tree);
		goto out;
	}
	if (rmtree(stagedir) < 0)
		goto out;
	if (rename(stage, stagedir) < 0) {
		error("cannot rename '%s' to '%s':", stage, stagedir);
		goto out;
	}
	rc = 1;
out:
	if (rc < 0)
		rmtree(stagedir);
	rmtree(top);
	json_decref(ix);
	free(index);
	free(arch);
	free(top);
	free(stage);
	return rc;
}

/* ---- push and gc ---- */

/* the key of an entry file name "<key>.json", or NULL */
static int
indexname(const char *name, char *key)
{
	if (strlen(name) != 69 || !endswith(name, ".json"))
		return 0;
	memcpy(key, name, 64);
	key[64] = '\0';
	return goodkey(key);
}

/* copy the file from to the new file to, streaming; -1 with a message */
static int
copybytes(const char *from, const char *to)
{
	char buf[65536];
	ssize_t n = 0;
	int in = open(from, O_RDONLY | O_CLOEXEC), out = -1, rc = -1;

	if (in < 0)
		return error("cannot read '%s':", from);
	if ((out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) < 0) {
		error("cannot create '%s':", to);
		goto out;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (writeall(out, buf, (size_t)n) < 0)
			goto out;
	if (n < 0)
		error("cannot read '%s':", from);
	else if (fsync(out) < 0)
		error("cannot write '%s':", to);
	else
		rc = 0;
out:
	close(in);
	if (out >= 0 && close(out) < 0 && rc == 0)
		rc = error("cannot write '%s':", to);
	return rc;
}

static int
copyentry(const char *from, const char *to, const char *key)
{
	char *fa = entrypath(from, key, ".tar.zst"), *fi = entrypath(from, key, ".json");
	char *ta = entrypath(to, key, ".tar.zst"), *ti = entrypath(to, key, ".json");
	char *tmpa = xasprintf("%s/.tmp-%s-%ld.tar.zst", to, key, (long)getpid());
	char *tmpi = xasprintf("%s/.tmp-%s-%ld.json", to, key, (long)getpid());
	int rc = -1;

	if (copybytes(fa, tmpa) == 0 && copybytes(fi, tmpi) == 0 && rename(tmpa, ta) == 0 &&
	    rename(tmpi, ti) == 0)
		rc = 0;
	else
		error("cannot copy the cache entry '%s' to '%s':", key, to);
	unlink(tmpa);
	unlink(tmpi);
	free(fa);
	free(fi);
	free(ta);
	free(ti);
	free(tmpa);
	free(tmpi);
	return rc;
}

long
bincache_push(const char *from, const char *to, const struct strv *keys)
{
	DIR *d = opendir(from);
	struct dirent *de;
	char key[HASH_HEXMAX];
	long n = 0;
	int bad = 0;

	if (!d)
		return error("cannot read the cache '%s':", from);
	if (mkdirs(to, 0755) < 0) {
		closedir(d);
		return -1;
	}
	while ((de = readdir(d))) {
		if (!indexname(de->d_name, key) || (keys && strvfind(keys, key) < 0))
			continue;
		char *there = entrypath(to, key, ".json");
		int have = exists(there) && bincache_verify(to, key) == 0;
		free(there);
		if (have)
			continue;
		if (bincache_verify(from, key) < 0 || copyentry(from, to, key) < 0 ||
		    bincache_verify(to, key) < 0) {
			bad = 1;
			continue;
		}
		n++;
	}
	closedir(d);
	return bad ? -1 : n;
}

/* remove dir/name, adding its size to *bytes: 1 removed, 0 not there, -1 */
static int
drop(const char *dir, const char *name, unsigned long long *bytes)
{
	char *p = pathjoin(dir, name);
	struct stat st;
	int rc = 0;

	if (lstat(p, &st) == 0) {
		if (unlink(p) < 0) {
			rc = error("cannot remove '%s':", p);
		} else {
			*bytes += (unsigned long long)st.st_size;
			rc = 1;
		}
	}
	free(p);
	return rc;
}

long
bincache_gc(const char *dir, const struct strv *keep, unsigned long long *bytes)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	struct strv names = {0};
	char key[HASH_HEXMAX];
	long n = 0;
	int bad = 0, r;

	*bytes = 0;
	if (!d)
		return error("cannot read the cache '%s':", dir);
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' || startswith(de->d_name, ".tmp-"))
			strvadd(&names, de->d_name);
	closedir(d);
	for (size_t i = 0; i < names.n; i++) {
		const char *nm = names.v[i];
		int gone = 0;
		if (startswith(nm, ".tmp-")) {
			gone = 1;
		} else if (indexname(nm, key)) {
			if (strvfind(keep, key) < 0 || bincache_verify(dir, key) < 0) {
				char *a = xasprintf("%s.tar.zst", key);
				if ((r = drop(dir, a, bytes)) < 0)
					bad = 1;
				n += r > 0;
				free(a);
				gone = 1;
			}
		} else if (endswith(nm, ".tar.zst") && strlen(nm) == 72) {
			char *ix = xasprintf("%.64s.json", nm);
			char *p = pathjoin(dir, ix);
			gone = !exists(p);  /* an archive without an index */
			free(p);
			free(ix);
		}
		if (gone) {
			if ((r = drop(dir, nm, bytes)) < 0)
				bad = 1;
			n += r > 0;
		}
	}
	strvfree(&names);
	return bad ? -1 : n;
}
