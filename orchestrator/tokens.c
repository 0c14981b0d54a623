/*
 * tokens: the jobserver tokens held by the make and ninja processes under the
 * running steps, from one pass over /proc/[pid]/stat (pid, name, parent).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "util.h"
#include "tokens.h"

/* one process as /proc shows it */
struct proc {
	int pid, ppid;
	int client;  /* a jobserver client (tokens_client) */
	int under;   /* 0 not known yet, 1 under a root, 2 not */
	int kids;    /* its children, zombies included */
};

static const char *const clients[] = {"make", "gmake", "ninja", "samu", NULL};

int
tokens_client(const char *comm)
{
	for (int i = 0; clients[i]; i++)
		if (!strcmp(comm, clients[i]))
			return 1;
	return 0;
}

/* pid, parent and name of one process; 0, or -1 when it is gone */
static int
readstat(int dfd, const char *pid, struct proc *p)
{
	char path[64], buf[512], *lp, *rp;
	ssize_t len;
	int fd;

	snprintf(path, sizeof(path), "%s/stat", pid);
	fd = openat(dfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return -1;
	buf[len] = '\0';
	/* "PID (NAME) S PPID ...": the name may hold spaces and parentheses */
	lp = strchr(buf, '(');
	rp = strrchr(buf, ')');
	if (!lp || !rp || rp < lp || sscanf(rp + 1, " %*c %d", &p->ppid) != 1)
		return -1;
	*rp = '\0';
	p->pid = atoi(buf);
	p->client = tokens_client(lp + 1);
	p->under = 0;
	p->kids = 0;
	return 0;
}

static int
bypid(const void *a, const void *b)
{
	const struct proc *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

static struct proc *
find(struct proc *v, size_t n, int pid)
{
	struct proc key = {.pid = pid};

	return bsearch(&key, v, n, sizeof(*v), bypid);
}

/* every process now, sorted by pid; caller frees; NULL with a message */
static struct proc *
readall(size_t *n)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	struct proc *v = NULL;
	size_t cap = 0;

	*n = 0;
	if (!d) {
		error("tokens: open '/proc':");
		return NULL;
	}
	while ((e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 256;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		if (readstat(dirfd(d), e->d_name, &v[*n]) == 0)
			(*n)++;
	}
	closedir(d);
	if (!v)
		v = xmalloc(sizeof(*v));
	qsort(v, *n, sizeof(*v), bypid);
	return v;
}

/* 1 when p is one of the roots or descends from one (memoised in under) */
static int
under(struct proc *v, size_t n, struct proc *p, const int *roots, size_t nroots)
{
	struct proc *up;

	if (p->under)
		return p->under == 1;
	p->under = 2;  /* also ends a loop in the parent chain, were there one */
	for (size_t i = 0; i < nroots; i++)
		if (p->pid == roots[i])
			return p->under = 1;
	up = p->ppid > 0 ? find(v, n, p->ppid) : NULL;
	if (up && under(v, n, up, roots, nroots))
		p->under = 1;
	return p->under == 1;
}

int
tokens_held(const int *roots, size_t nroots)
{
	struct proc *v, *up;
	size_t n;
	int held = 0;

	if (!nroots)
		return 0;
	v = readall(&n);
	if (!v)
		return -1;
	for (size_t i = 0; i < n; i++) {
		up = v[i].ppid > 0 ? find(v, n, v[i].ppid) : NULL;
		if (up && up->client)
			up->kids++;
	}
	for (size_t i = 0; i < n; i++)
		if (v[i].client && v[i].kids > 1 && under(v, n, &v[i], roots, nroots))
			held += v[i].kids - 1;
	free(v);
	return held;
}
