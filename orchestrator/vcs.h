/* vcs: git sources pinned to a commit, through libgit2 (see unpack.h) */
#ifndef MLFS_VCS_H
#define MLFS_VCS_H

/* 1 when s is a full commit id: exactly 40 lowercase or uppercase hex digits */
int vcs_iscommit(const char *s);
/* the bare cache repository of url: <cachedir>/<sha256 of url>.git; caller frees */
char *vcs_cachepath(const char *cachedir, const char *url);
/* put the tree of commit (40 hex digits) of the repository at url (a path,
   file://, http(s):// or ssh url) into dest, which must not exist or be an
   empty directory; no .git is made. The repository is cloned once into a bare
   cache under cachedir and fetched again (every branch and tag) only when
   commit is not in the cache yet. Refused: a commit that is not 40 hex
   digits, a commit not found after the fetch (the error names url and commit).
   On failure dest is removed. Returns 0 or -1 after printing why. */
int vcs_checkout(const char *url, const char *commit, const char *cachedir, const char *dest);

#endif
