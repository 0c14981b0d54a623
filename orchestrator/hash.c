#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/evp.h>
#include "hash.h"
#include "util.h"

struct hasher {
	EVP_MD_CTX *ctx;
};

/* the digests, fetched once: an implicit fetch at every init costs microseconds */
static EVP_MD *
digest(enum hashalg alg)
{
	static EVP_MD *md[2];

	if (!md[alg])
		md[alg] = EVP_MD_fetch(NULL, alg == HASH_MD5 ? "MD5" : "SHA256", NULL);
	return md[alg];
}

struct hasher *
hashnew(enum hashalg alg)
{
	struct hasher *h = xmalloc(sizeof(*h));

	h->ctx = EVP_MD_CTX_new();
	if (!h->ctx || !digest(alg) || !EVP_DigestInit_ex(h->ctx, digest(alg), NULL))
		fatal("cannot start a %s hash", hashname(alg));
	return h;
}

void
hashadd(struct hasher *h, const void *p, size_t n)
{
	EVP_DigestUpdate(h->ctx, p, n);
}

void
hashstr(struct hasher *h, const char *s)
{
	hashadd(h, s ? s : "", s ? strlen(s) + 1 : 1);
}

void
hashend(struct hasher *h, char *hex)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	static const char digits[] = "0123456789abcdef";

	EVP_DigestFinal_ex(h->ctx, md, &n);
	for (unsigned int i = 0; i < n; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[2 * n] = '\0';
	EVP_MD_CTX_free(h->ctx);
	free(h);
}

void
hashbuf(enum hashalg alg, const void *p, size_t n, char *hex)
{
	struct hasher *h = hashnew(alg);

	hashadd(h, p, n);
	hashend(h, hex);
}

int
hashfilein(struct hasher *h, const char *path)
{
	char buf[65536];
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return error("open '%s':", path);
	while ((r = read(fd, buf, sizeof(buf))) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			error("read '%s':", path);
			close(fd);
			return -1;
		}
		hashadd(h, buf, r);
	}
	close(fd);
	return 0;
}

int
hashfile(enum hashalg alg, const char *path, char *hex)
{
	struct hasher *h = hashnew(alg);
	int rc = hashfilein(h, path);

	hashend(h, hex);
	return rc;
}

static int
namecmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
treewalk(struct hasher *h, const char *top, const char *rel, unsigned long long *bytes)
{
	char *dir = *rel ? pathjoin(top, rel) : xstrdup(top);
	struct strv names = {0};
	struct dirent *e;
	DIR *d = opendir(dir);
	int rc = 0;

	if (!d) {
		error("open directory '%s':", dir);
		free(dir);
		return -1;
	}
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			strvadd(&names, e->d_name);
	closedir(d);
	if (names.n)
		qsort(names.v, names.n, sizeof(*names.v), namecmp);
	for (size_t i = 0; i < names.n && rc == 0; i++) {
		char *r = *rel ? xasprintf("%s/%s", rel, names.v[i]) : xstrdup(names.v[i]);
		char *p = pathjoin(top, r);
		struct stat st;
		char link[4096];
		ssize_t n;

		if (lstat(p, &st) < 0) {
			rc = error("stat '%s':", p);
		} else if (S_ISDIR(st.st_mode)) {
			hashstr(h, "d");
			hashstr(h, r);
			rc = treewalk(h, top, r, bytes);
		} else if (S_ISLNK(st.st_mode)) {
			n = readlink(p, link, sizeof(link) - 1);
			link[n < 0 ? 0 : n] = '\0';
			hashstr(h, "l");
			hashstr(h, r);
			hashstr(h, link);
		} else if (S_ISREG(st.st_mode)) {
			hashstr(h, st.st_mode & 0111 ? "x" : "f");
			hashstr(h, r);
			rc = hashfilein(h, p);
			*bytes += st.st_size;
		}
		free(p);
		free(r);
	}
	strvfree(&names);
	free(dir);
	return rc;
}

int
hashtree(const char *dir, char *hex, unsigned long long *bytes)
{
	struct hasher *h = hashnew(HASH_SHA256);
	int rc;

	*bytes = 0;
	rc = treewalk(h, dir, "", bytes);

	hashend(h, hex);
	return rc;
}

const char *
hashname(enum hashalg alg)
{
	return alg == HASH_MD5 ? "md5" : "sha256";
}

size_t
hashlen(enum hashalg alg)
{
	return alg == HASH_MD5 ? 32 : 64;
}
