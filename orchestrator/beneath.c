/*
 * Resolution beneath a root. The parent directory of a path is opened as an
 * O_PATH fd, by one openat2 call or component by component (openat with
 * O_NOFOLLOW | O_DIRECTORY, refusing ".."), and the operation is the *at
 * call on the last component with links not followed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/openat2.h>
#include "beneath.h"
#include "hash.h"
#include "util.h"

static int forcewalk;
static int usedopenat2;

void
bn_forcewalk(int on)
{
	forcewalk = on;
}

int
bn_usedopenat2(void)
{
	return usedopenat2;
}

const char *
bn_strerror(int e)
{
	if (e == ELOOP || e == EXDEV)
		return "a symbolic link or '..' on the way leads out of the root or is not followed there";
	return strerror(e);
}

/* path without its leading slashes */
static const char *
rel(const char *path)
{
	while (*path == '/')
		path++;
	return path;
}

static int
openroot(const char *root)
{
	return open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

/* one component below dirfd as a real directory, created when create is set */
static int
step(int dirfd, const char *name, int create, mode_t mode)
{
	struct stat st;
	int fd;

	if (!strcmp(name, "..")) {
		errno = ELOOP;
		return -1;
	}
	for (int tries = 0; tries < 2; tries++) {
		fd = openat(dirfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0)
			return fd;
		if (errno == ENOTDIR && fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISLNK(st.st_mode)) {
			errno = ELOOP;
			return -1;
		}
		if (errno != ENOENT || !create)
			return -1;
		if (mkdirat(dirfd, name, mode) < 0 && errno != EEXIST)
			return -1;
	}
	return -1;
}

/* dir (relative) below rootfd, component by component */
static int
walk(int rootfd, const char *dir, int create, mode_t mode)
{
	char *copy = xstrdup(dir), *save = NULL;
	int fd = fcntl(rootfd, F_DUPFD_CLOEXEC, 0);

	for (char *c = strtok_r(copy, "/", &save); fd >= 0 && c; c = strtok_r(NULL, "/", &save)) {
		if (!strcmp(c, "."))
			continue;
		int next = step(fd, c, create, mode), e = errno;
		close(fd);
		fd = next;
		errno = e;
	}
	free(copy);
	return fd;
}

/* dir (relative) below rootfd by openat2, or -2 when the kernel lacks it */
static int
viaopenat2(int rootfd, const char *dir)
{
#ifdef SYS_openat2
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	long fd;

	if (forcewalk)
		return -2;
	fd = syscall(SYS_openat2, rootfd, *dir ? dir : ".", &how, sizeof(how));
	if (fd < 0 && (errno == ENOSYS || errno == EPERM))
		return -2;
	usedopenat2 = 1;
	if (fd < 0 && errno == EXDEV)
		errno = ELOOP;
	return (int)fd;
#else
	return -2;
#endif
}

/* the directory dir (relative) below root; create: with its missing parents */
static int
opendirat(const char *root, const char *dir, int create, mode_t mode)
{
	int rootfd = openroot(root), fd, e;

	if (rootfd < 0)
		return -1;
	usedopenat2 = 0;
	fd = viaopenat2(rootfd, dir);
	if (fd == -2 || (fd < 0 && errno == ENOENT && create))
		fd = walk(rootfd, dir, create, mode);
	e = errno;
	close(rootfd);
	errno = e;
	return fd;
}

/* the parent directory of path as an fd, and its last component in *base
   (a fresh string, caller frees) */
static int
parent(const char *root, const char *path, char **base)
{
	const char *p = rel(path);
	char *copy = xstrdup(p), *slash;
	size_t n = strlen(copy);
	int fd;

	while (n > 0 && copy[n - 1] == '/')
		copy[--n] = '\0';
	slash = strrchr(copy, '/');
	*base = xstrdup(slash ? slash + 1 : copy);
	if (slash)
		*slash = '\0';
	if (!**base || !strcmp(*base, "..") || !strcmp(*base, ".")) {
		free(*base);
		*base = NULL;
		free(copy);
		errno = !strcmp(p, "") ? EINVAL : ELOOP;
		return -1;
	}
	fd = opendirat(root, slash ? copy : "", 0, 0);
	free(copy);
	if (fd < 0) {
		int e = errno;
		free(*base);
		*base = NULL;
		errno = e;
	}
	return fd;
}

/* close fd and free base keeping errno; return rc */
static int
done(int fd, char *base, int rc)
{
	int e = errno;

	if (fd >= 0)
		close(fd);
	free(base);
	errno = e;
	return rc;
}

int
bn_open(const char *root, const char *path, int flags, mode_t mode)
{
	char *base;
	int fd = parent(root, path, &base);

	if (fd < 0)
		return -1;
	return done(fd, base, openat(fd, base, flags | O_NOFOLLOW | O_CLOEXEC, mode));
}

int
bn_lstat(const char *root, const char *path, struct stat *st)
{
	char *base;
	int fd;

	if (!*rel(path)) {
		int r = openroot(root);
		return r < 0 ? -1 : done(r, NULL, fstat(r, st));
	}
	fd = parent(root, path, &base);
	if (fd < 0)
		return -1;
	return done(fd, base, fstatat(fd, base, st, AT_SYMLINK_NOFOLLOW));
}

ssize_t
bn_readlink(const char *root, const char *path, char *buf, size_t size)
{
	char *base;
	int fd = parent(root, path, &base);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = readlinkat(fd, base, buf, size - 1);
	if (n >= 0)
		buf[n] = '\0';
	done(fd, base, 0);
	return n;
}

int
bn_unlink(const char *root, const char *path)
{
	char *base;
	int fd = parent(root, path, &base);

	if (fd < 0)
		return -1;
	return done(fd, base, unlinkat(fd, base, 0));
}

int
bn_rmdir(const char *root, const char *path)
{
	char *base;
	int fd = parent(root, path, &base);

	if (fd < 0)
		return -1;
	return done(fd, base, unlinkat(fd, base, AT_REMOVEDIR));
}

int
bn_rename(const char *root, const char *from, const char *to)
{
	char *fb, *tb;
	int ffd = parent(root, from, &fb), tfd, rc;

	if (ffd < 0)
		return -1;
	tfd = parent(root, to, &tb);
	if (tfd < 0)
		return done(ffd, fb, -1);
	rc = renameat(ffd, fb, tfd, tb);
	done(tfd, tb, 0);
	return done(ffd, fb, rc);
}

int
bn_symlink(const char *target, const char *root, const char *path)
{
	char *base;
	int fd = parent(root, path, &base);

	if (fd < 0)
		return -1;
	return done(fd, base, symlinkat(target, fd, base));
}

int
bn_mkdirs(const char *root, const char *path, mode_t mode)
{
	int fd = opendirat(root, rel(path), 1, mode);

	return fd < 0 ? -1 : done(fd, NULL, 0);
}

int
bn_chmod(const char *root, const char *path, mode_t mode)
{
	char *base;
	int fd = parent(root, path, &base), f;

	if (fd < 0)
		return -1;
	f = openat(fd, base, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (f < 0)
		return done(fd, base, -1);
	done(fd, base, 0);
	return done(f, NULL, fchmod(f, mode));
}

int
bn_isdir(const char *root, const char *path)
{
	struct stat st;

	if (bn_lstat(root, path, &st) < 0)
		return errno == ENOENT || errno == ENOTDIR || errno == ELOOP ? 0 : -1;
	return S_ISDIR(st.st_mode);
}

int
bn_hash(const char *root, const char *path, char *hex)
{
	struct hasher *h;
	char buf[65536];
	struct stat st;
	ssize_t r;
	int fd = bn_open(root, path, O_RDONLY | O_NONBLOCK, 0);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		return done(fd, NULL, -1);
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		return done(fd, NULL, -1);
	}
	h = hashnew(HASH_SHA256);
	while ((r = read(fd, buf, sizeof(buf))) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			hashend(h, hex);
			return done(fd, NULL, -1);
		}
		hashadd(h, buf, r);
	}
	hashend(h, hex);
	return done(fd, NULL, 0);
}
