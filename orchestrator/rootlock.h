/* rootlock: one mlfs at a time changes a root. The lock is
   <root>/var/lib/mlfs/lock (made beneath the root, never through a link),
   held with flock until the process exits, with the holder's pid inside. */
#ifndef MLFS_ROOTLOCK_H
#define MLFS_ROOTLOCK_H

/* take the lock of root (absolute); the fd (close-on-exec, kept open until
   exit), or -1 after a message naming the holder or the error */
int rootlock_take(const char *root);

#endif
