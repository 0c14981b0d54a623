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
	int fd;

	if (mkdirs(root, 0755) < 0)
		return -1;
	if (bn_mkdirs(root, lockdir, 0755) < 0 ||
	    (fd = bn_open(root, lockfile, O_RDWR | O_CREAT, 0644)) < 0)
		return error("cannot open the lock of root '%s' ('%s/%s'): %s", root, root, lockfile,
			bn_strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		close(fd);
		return error("another mlfs is changing root '%s' (it holds '%s/%s')", root, root,
			lockfile);
	}
	return fd;
}
