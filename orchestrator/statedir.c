/* statedir: the layout of the state dir, its lock, its trash and the steps a
   killed mlfs left running.
     STATE/lock                    held (flock) by the one mlfs that changes STATE
     STATE/build/PKG/ABI/src       a node's source tree (home/ beside it)
     STATE/stage/PKG/ABI           its staging dir (DESTDIR)
     STATE/logs/PKG/ABI.log        its log
     STATE/run/PKG/ABI.pgid        the process group of its running step
     STATE/trash/                  trees on their way out, removed in the background */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include "statedir.h"
#include "util.h"

char *
state_nodedir(const char *node)
{
	char *s = xstrdup(node), *colon = strchr(s, ':');

	if (colon)
		*colon = '/';
	return s;
}

char *
state_path(const char *state, const char *sub, const char *node, const char *suffix)
{
	char *f = state_nodedir(node), *p = xasprintf("%s/%s/%s%s", state, sub, f, suffix);

	free(f);
	return p;
}

char *
state_srcdir(const char *state, const char *node)
{
	return state_path(state, "build", node, "/src");
}

char *
state_stagedir(const char *state, const char *node)
{
	return state_path(state, "stage", node, "");
}

char *
state_logpath(const char *state, const char *node)
{
	return state_path(state, "logs", node, ".log");
}

char *
state_pgidpath(const char *state, const char *node)
{
	return state_path(state, "run", node, ".pgid");
}

/* remove path (a tree) in the background: rm -rf, started by a shell that
   returns at once, so that neither the loop nor the exit of mlfs waits */
static void
rmlater(const char *path)
{
	char *cmd[] = {"sh", "-c", "rm -rf -- \"$1\" </dev/null >/dev/null 2>&1 &", "mlfs-rm",
		(char *)path, NULL};

	if (runwait(cmd, NULL) != 0)
		rmtree(path);
}

/* let the tree at path go without waiting for it (gcc's takes a minute to
   remove): renamed into STATE/trash at once, where the node may unpack
   again, then removed in the background; -1 with a message */
int
state_discard(const char *state, const char *path)
{
	static _Atomic unsigned seq;
	char *dir, *trash;
	int rc = 0;

	if (!exists(path))
		return 0;
	dir = xasprintf("%s/trash", state);
	trash = xasprintf("%s/%ld.%u", dir, (long)getpid(), seq++);
	if (mkdirs(dir, 0755) < 0 || rename(path, trash) < 0)
		rc = rmtree(path);
	else
		rmlater(trash);
	free(trash);
	free(dir);
	return rc;
}

/* the trees an earlier mlfs left in STATE/trash (killed before they went) */
void
state_emptytrash(const char *state)
{
	char *dir = xasprintf("%s/trash", state);
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *p = pathjoin(dir, e->d_name);
		rmlater(p);
		free(p);
	}
	if (d)
		closedir(d);
	free(dir);
}

/* end the process group recorded in a run/PKG/ABI.pgid file of a killed
   mlfs if it still runs a step, and remove the file */
static void
reapone(const char *p)
{
	char *text, *cmd, *proc;
	long pgid;
	size_t len;

	text = readfile(p, NULL);
	pgid = text ? strtol(text, NULL, 10) : 0;
	proc = xasprintf("/proc/%ld/cmdline", pgid);
	cmd = pgid > 1 ? readfile(proc, &len) : NULL;
	free(proc);
	if (cmd && memmem(cmd, len, "mlfs-step", 9)) {
		warn("ending the steps left running by an interrupted build (process group %ld)", pgid);
		kill(-pgid, SIGKILL);
		for (int i = 0; i < 100 && kill(-pgid, 0) == 0; i++)
			usleep(10000);
	}
	unlink(p);
	free(cmd);
	free(text);
}

/* reapone for every .pgid file of a run/PKG directory */
static void
reapdir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		if (!endswith(e->d_name, ".pgid"))
			continue;
		char *p = pathjoin(dir, e->d_name);
		reapone(p);
		free(p);
	}
	if (d)
		closedir(d);
}

/* a step of an earlier mlfs that was killed may still run: end its process
   group before anything touches the trees it writes */
void
state_reap(const char *state)
{
	char *dir = xasprintf("%s/run", state);
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char *p = pathjoin(dir, e->d_name);
		if (endswith(p, ".pgid"))
			reapone(p);
		else
			reapdir(p);
		free(p);
	}
	if (d)
		closedir(d);
	mkdirs(dir, 0755);
	free(dir);
}

/* the pid written in the lock file fd (0 when none is yet) */
static long
lockpid(int fd)
{
	char pid[32];
	ssize_t n = pread(fd, pid, sizeof(pid) - 1, 0);

	pid[n > 0 ? n : 0] = '\0';
	return strtol(pid, NULL, 10);
}

int
state_lock(const char *state)
{
	char *p = xasprintf("%s/lock", state);
	char pid[32];
	int fd;

	if (mkdirs(state, 0755) < 0) {
		free(p);
		return -1;
	}
	fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		error("cannot open lock '%s':", p);
		free(p);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		error("another mlfs (pid %ld) is using state dir '%s'", lockpid(fd), state);
		close(fd);
		free(p);
		return -1;
	}
	snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, strlen(pid), 0) < 0)
		warn("cannot write lock '%s':", p);
	free(p);
	return fd;
}

long
state_holder(const char *state)
{
	char *p = xasprintf("%s/lock", state);
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	long holder = 0;

	free(p);
	if (fd < 0)
		return 0;
	if (flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK) {
		holder = lockpid(fd);
		if (holder <= 0)
			holder = 1;  /* held, its pid not yet written */
	}
	close(fd);
	return holder;
}
