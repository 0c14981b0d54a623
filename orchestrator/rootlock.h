/* rootlock: one mlfs at a time changes a root. The lock is
   <root>/var/lib/mlfs/lock (made beneath the root, never through a link),
   held with flock until the process exits. It stays empty, so that a build
   with nothing to do leaves the root byte for byte as it was. */
#ifndef MLFS_ROOTLOCK_H
#define MLFS_ROOTLOCK_H

/* take the lock of root (absolute); the fd (close-on-exec, kept open until
   exit), or -1 after a message naming the lock or the error */
int rootlock_take(const char *root);

#endif
