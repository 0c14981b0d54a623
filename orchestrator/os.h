/* os: the one place for files, directories, paths and processes */
#ifndef MLFS_OS_H
#define MLFS_OS_H

#include <stddef.h>

struct strv;

/* append to args the command that runs sh script (as $0 name, its arguments
   appended after) in a private mount namespace of its own; with ownpids also in
   a PID namespace whose processes all end when the command does */
void unshare_sh(struct strv *args, const char *script, const char *name, int ownpids);
/* read a whole file into a fresh NUL-terminated string; sets *len; NULL and errno on failure */
char *readfile(const char *path, size_t *len);
/* write all n bytes to fd, again after EINTR; -1 with errno on failure */
int writeall(int fd, const void *p, size_t n);
/* write data to path atomically (temp file, fsync, rename); -1 with a message on failure */
int writefile(const char *path, const void *data, size_t len, int mode);
/* make path a symlink to target atomically (a temp link renamed over it); -1 with a message */
int replacelink(const char *target, const char *path);
/* create a directory and its parents; -1 with a message on failure */
int mkdirs(const char *path, int mode);
/* create the parent directory of path and its parents; -1 with a message on failure */
int mkparent(const char *path);
/* remove a tree (no error when it does not exist); -1 with a message on failure */
int rmtree(const char *path);
/* create dest or accept it empty: 0, 1 when it holds something, -1 with a message */
int freshdir(const char *dest);
/* 1 when path exists (lstat), else 0 */
int exists(const char *path);
/* join two path parts with one '/'; caller frees */
char *pathjoin(const char *a, const char *b);
/* absolute, normalised form of path (need not exist); caller frees */
char *abspath(const char *path);
/* the directory part of path ("/a/b" gives "/a", "b" and "/b" give "/"); caller frees */
char *dirof(const char *path);
/* the last component of path; borrowed from path */
const char *baseof(const char *path);
/* fsync the directory that holds path; -1 with a message on failure */
int syncdir(const char *path);
/* run argv (PATH searched) in cwd (NULL: here) with stdin from /dev/null and
   wait for it alone; returns its exit status, 128+signal, or -1 when it cannot start */
int runwait(char *const argv[], const char *cwd);
/* runwait, with stdout and stderr to outfd (-1: to /dev/null) */
int runwaitto(char *const argv[], const char *cwd, int outfd);

/* the first executable file named name in $PATH (/usr/bin:/bin when it is
   unset), absolute; NULL when none; caller frees */
char *findexec(const char *name);
/* copy the program prog, the libraries ldd names for it and its loader (as
   dir/ld.so) into dir, so that `dir/ld.so --library-path dir dir/NAME` runs
   it where the machine's libraries are missing (inside chroot $LFS); -1 with
   a message */
int bundleexec(const char *prog, const char *dir);
/* where the symbolic link at path link with this target points, as an
   absolute path (a relative target is taken from link's directory); caller frees */
char *linkabs(const char *link, const char *target);
/* a relative symlink target from directory dir to path to ("/lib64",
   "/usr/lib/x" gives "../usr/lib/x"); caller frees */
char *pathrel(const char *dir, const char *to);

#endif
