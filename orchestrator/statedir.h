/* statedir: the layout of the state dir, its lock, its trash and the steps a
   killed mlfs left running.
     STATE/lock                    held (flock) by the one mlfs that changes STATE
     STATE/build/PKG/ABI/src       a node's source tree (home/ beside it)
     STATE/stage/PKG/ABI           its staging dir (DESTDIR)
     STATE/logs/PKG/ABI.log        its log
     STATE/run/PKG/ABI.pgid        the process group of its running step
     STATE/trash/                  trees on their way out, removed in the background */
#ifndef MLFS_STATEDIR_H
#define MLFS_STATEDIR_H

/* a node's name as a file name: "gmp:32" gives "gmp/32" (a colon in a path
   splits LD_LIBRARY_PATH and make's targets); caller frees */
char *state_nodedir(const char *node);
/* state/<sub>/<node as a file name><suffix>; caller frees */
char *state_path(const char *state, const char *sub, const char *node, const char *suffix);
/* the node's source tree; caller frees */
char *state_srcdir(const char *state, const char *node);
/* the node's staging dir; caller frees */
char *state_stagedir(const char *state, const char *node);
/* the node's log; caller frees */
char *state_logpath(const char *state, const char *node);
/* the file that records the process group of the node's running step; caller frees */
char *state_pgidpath(const char *state, const char *node);
/* take the state dir's lock, held until the process exits: one mlfs at a time
   changes a state dir; the fd, or -1 after a message naming the holder */
int state_lock(const char *state);
/* the pid of the mlfs holding the state dir's lock (a build running), or 0
   when none holds it */
long state_holder(const char *state);
/* let the tree at path go without waiting for it: renamed into STATE/trash,
   then removed in the background; -1 with a message */
int state_discard(const char *state, const char *path);
/* remove in the background what an earlier mlfs left in STATE/trash */
void state_emptytrash(const char *state);
/* end the steps a killed mlfs left running (their STATE/run/ .pgid files) */
void state_reap(const char *state);

#endif
