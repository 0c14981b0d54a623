/* rootlock: the root's own lock, beside its manifests */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
#include "beneath.h"
#include "rootlock.h"
#include "util.h"

static const char lockdir[] = "var/lib/mlfs";
static const char lockfile[] = "var/lib/mlfs/lock";

int
rootlock_take(const char *root)
{
	char pid[32];
	int fd;

	if (mkdirs(root, 0755) < 0)
		return -1;
	if (bn_mkdirs(root, lockdir, 0755) < 0 ||
	    (fd = bn_open(root, lockfile, O_RDWR | O_CREAT, 0644)) < 0)
		return error("cannot open the lock of root '%s' ('%s/%s'): %s", root, root, lockfile,
			bn_strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		ssize_t n = pread(fd, pid, sizeof(pid) - 1, 0);
		pid[n > 0 ? n : 0] = '\0';
		close(fd);
		return error("another mlfs (pid %ld) is changing root '%s'", strtol(pid, NULL, 10),
			root);
	}
	snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, strlen(pid), 0) < 0)
		warn("cannot write the lock of root '%s':", root);
	return fd;
}
