#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "util.h"

const char *argv0 = "mlfs";

static void
vmsg(const char *kind, const char *fmt, va_list ap)
{
	int err = errno;
	size_t n = strlen(fmt);

	fprintf(stderr, "%s: ", argv0);
	if (kind)
		fprintf(stderr, "%s: ", kind);
	vfprintf(stderr, fmt, ap);
	if (n && fmt[n - 1] == ':')
		fprintf(stderr, " %s", strerror(err));
	fputc('\n', stderr);
	errno = err;
}

void
warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("warning", fmt, ap);
	va_end(ap);
}

int
error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("error", fmt, ap);
	va_end(ap);
	return -1;
}

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("error", fmt, ap);
	va_end(ap);
	exit(1);
}

void
bug(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: BUG at %s:%d: ", argv0, file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		fatal("malloc:");
	return p;
}

void *
xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz ? sz : 1);

	if (!p)
		fatal("calloc:");
	return p;
}

void *
xreallocarray(void *p, size_t n, size_t sz)
{
	if (sz && n > SIZE_MAX / sz) {
		errno = ENOMEM;
		fatal("realloc:");
	}
	n *= sz;
	p = realloc(p, n ? n : 1);
	if (!p)
		fatal("realloc:");
	return p;
}

char *
xstrdup(const char *s)
{
	char *p;

	if (!s)
		return NULL;
	p = strdup(s);
	if (!p)
		fatal("strdup:");
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		fatal("asprintf:");
	va_end(ap);
	return s;
}

static void
bufgrow(struct buf *b, size_t n)
{
	if (b->n + n + 1 <= b->cap)
		return;
	b->cap = b->cap ? b->cap * 2 : 256;
	while (b->cap < b->n + n + 1)
		b->cap *= 2;
	b->s = xreallocarray(b->s, b->cap, 1);
}

void
bufadd(struct buf *b, const void *p, size_t n)
{
	bufgrow(b, n);
	memcpy(b->s + b->n, p, n);
	b->n += n;
	b->s[b->n] = '\0';
}

void
bufputs(struct buf *b, const char *s)
{
	bufadd(b, s, strlen(s));
}

void
bufprintf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	char probe[1];

	va_start(ap, fmt);
	n = vsnprintf(probe, sizeof(probe), fmt, ap);
	va_end(ap);
	bufgrow(b, n);
	va_start(ap, fmt);
	vsnprintf(b->s + b->n, n + 1, fmt, ap);
	va_end(ap);
	b->n += n;
}

void
buffree(struct buf *b)
{
	free(b->s);
	b->s = NULL;
	b->n = b->cap = 0;
}

void
strvtake(struct strv *sv, char *s)
{
	if (sv->n + 2 > sv->cap) {
		sv->cap = sv->cap ? sv->cap * 2 : 8;
		sv->v = xreallocarray(sv->v, sv->cap, sizeof(*sv->v));
	}
	sv->v[sv->n++] = s;
	sv->v[sv->n] = NULL;
}

void
strvadd(struct strv *sv, const char *s)
{
	strvtake(sv, xstrdup(s));
}

long
strvfind(const struct strv *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return (long)i;
	return -1;
}

void
strvfree(struct strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = sv->cap = 0;
}

char *
readfile(const char *path, size_t *len)
{
	struct buf b = {0};
	char tmp[65536];
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	while ((r = read(fd, tmp, sizeof(tmp))) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			buffree(&b);
			errno = e;
			return NULL;
		}
		bufadd(&b, tmp, r);
	}
	close(fd);
	if (!b.s)
		b.s = xstrdup("");
	if (len)
		*len = b.n;
	return b.s;
}

static int
writeall(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		len -= w;
	}
	return 0;
}

int
syncdir(const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	int fd, rc = 0;

	if (slash == dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		strcpy(dir, ".");
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0)
		rc = error("sync directory '%s':", dir);
	if (fd >= 0)
		close(fd);
	free(dir);
	return rc;
}

int
writefile(const char *path, const void *data, size_t len, int mode)
{
	char *tmp = xasprintf("%s.tmp.%d", path, (int)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	if (fd < 0) {
		error("create '%s':", tmp);
		free(tmp);
		return -1;
	}
	if (writeall(fd, data, len) < 0 || fsync(fd) < 0) {
		error("write '%s':", tmp);
		close(fd);
		unlink(tmp);
		free(tmp);
		return -1;
	}
	close(fd);
	if (rename(tmp, path) < 0) {
		error("rename '%s' to '%s':", tmp, path);
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return syncdir(path);
}

int
mkparent(const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	int rc = 0;

	if (slash && slash != dir) {
		*slash = '\0';
		rc = mkdirs(dir, 0755);
	}
	free(dir);
	return rc;
}

int
mkdirs(const char *path, int mode)
{
	char *p = xstrdup(path);
	struct stat st;

	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST) {
			error("create directory '%s':", p);
			free(p);
			return -1;
		}
		if (stat(p, &st) < 0 || !S_ISDIR(st.st_mode)) {
			errno = ENOTDIR;
			error("create directory '%s':", p);
			free(p);
			return -1;
		}
		*s = c;
		if (!c)
			break;
	}
	free(p);
	return 0;
}

int
rmtree(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	int rc = 0;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : error("stat '%s':", path);
	if (!S_ISDIR(st.st_mode)) {
		if (unlink(path) < 0)
			return error("remove '%s':", path);
		return 0;
	}
	chmod(path, 0700);
	d = opendir(path);
	if (!d)
		return error("open directory '%s':", path);
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *sub = pathjoin(path, e->d_name);
		if (rmtree(sub) < 0)
			rc = -1;
		free(sub);
	}
	closedir(d);
	if (rc == 0 && rmdir(path) < 0)
		rc = error("remove directory '%s':", path);
	return rc;
}

int
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

char *
pathjoin(const char *a, const char *b)
{
	size_t n = strlen(a);

	while (*b == '/')
		b++;
	if (n && a[n - 1] == '/')
		return xasprintf("%s%s", a, b);
	return xasprintf("%s/%s", a, b);
}

char *
abspath(const char *path)
{
	struct buf b = {0};
	char cwd[PATH_MAX];
	char *tmp, *tok, *save;
	struct strv parts = {0};

	if (path[0] == '/') {
		tmp = xstrdup(path);
	} else {
		if (!getcwd(cwd, sizeof(cwd)))
			fatal("getcwd:");
		tmp = pathjoin(cwd, path);
	}
	for (tok = strtok_r(tmp, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		if (!strcmp(tok, "."))
			continue;
		if (!strcmp(tok, "..")) {
			if (parts.n)
				free(parts.v[--parts.n]);
			continue;
		}
		strvadd(&parts, tok);
	}
	for (size_t i = 0; i < parts.n; i++) {
		bufputs(&b, "/");
		bufputs(&b, parts.v[i]);
	}
	if (!b.n)
		bufputs(&b, "/");
	strvfree(&parts);
	free(tmp);
	return b.s;
}

int
copyfile(const char *from, const char *to)
{
	struct stat st;
	size_t len;
	char *data;
	int rc;

	if (stat(from, &st) < 0)
		return error("stat '%s':", from);
	data = readfile(from, &len);
	if (!data)
		return error("read '%s':", from);
	rc = writefile(to, data, len, st.st_mode & 07777);
	if (rc == 0)
		chmod(to, st.st_mode & 07777);
	free(data);
	return rc;
}

int
endswith(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

int
startswith(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

unsigned long long
nowns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

int
editdist(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b);
	int *row = xcalloc(m + 1, sizeof(int)), d;

	for (size_t j = 0; j <= m; j++)
		row[j] = j;
	for (size_t i = 1; i <= n; i++) {
		int prev = row[0];
		row[0] = i;
		for (size_t j = 1; j <= m; j++) {
			int cur = row[j];
			int sub = prev + (a[i - 1] != b[j - 1]);
			int del = row[j] + 1, ins = row[j - 1] + 1;
			row[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
			prev = cur;
		}
	}
	d = row[m];
	free(row);
	return d;
}

int
runwait(char *const argv[], const char *cwd)
{
	extern char **environ;
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int st, rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (cwd)
		posix_spawn_file_actions_addchdir_np(&fa, cwd);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		errno = rc;
		return error("cannot run '%s':", argv[0]);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return error("wait for '%s':", argv[0]);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}
