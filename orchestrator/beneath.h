/* beneath: entries of a root reached beneath it, never through a symbolic
   link. The root's own path may hold links; below it every directory on the
   way must be a real directory, and the last component is acted on itself
   (a link is removed or replaced, never followed). A path that would leave
   the root or pass a link fails with errno ELOOP (bn_strerror says why).
   Resolution uses openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS) where the
   kernel has it, a walk with O_NOFOLLOW at every component otherwise.
   Every function takes the root's absolute path and a path inside it
   ("/usr/lib/x" or "usr/lib/x"); none prints: they return -1 with errno. */
#ifndef MLFS_BENEATH_H
#define MLFS_BENEATH_H

#include <sys/stat.h>
#include <sys/types.h>

/* use the O_NOFOLLOW walk even where openat2 exists (tests of the fallback) */
void bn_forcewalk(int on);
/* 1 when the last resolution used openat2 */
int bn_usedopenat2(void);
/* the text of errno e, with ELOOP as "a symbolic link is in the way" */
const char *bn_strerror(int e);
/* open path with flags (O_NOFOLLOW and O_CLOEXEC added); an fd, caller closes */
int bn_open(const char *root, const char *path, int flags, mode_t mode);
/* lstat of path */
int bn_lstat(const char *root, const char *path, struct stat *st);
/* the target of the link at path into buf (NUL-terminated); its length */
ssize_t bn_readlink(const char *root, const char *path, char *buf, size_t size);
/* remove the file or link at path */
int bn_unlink(const char *root, const char *path);
/* remove the empty directory at path */
int bn_rmdir(const char *root, const char *path);
/* rename from to to, both in the root */
int bn_rename(const char *root, const char *from, const char *to);
/* create a symbolic link at path to target (which is not resolved) */
int bn_symlink(const char *target, const char *root, const char *path);
/* create the directory path and its parents (mode for the new ones) */
int bn_mkdirs(const char *root, const char *path, mode_t mode);
/* chmod the file or directory at path (not a link) */
int bn_chmod(const char *root, const char *path, mode_t mode);
/* 1 when path is a real directory, 0 when not (or missing), -1 on other errors */
int bn_isdir(const char *root, const char *path);
/* sha256 of the regular file at path into hex (HASH_HEXMAX bytes) */
int bn_hash(const char *root, const char *path, char *hex);

#endif
