/* hash: sha256 and md5 of buffers, files and directory trees (libcrypto) */
#ifndef MLFS_HASH_H
#define MLFS_HASH_H

#include <stddef.h>

enum hashalg { HASH_SHA256, HASH_MD5 };
enum { HASH_HEXMAX = 65 };  /* a sha256 in hex plus its NUL */

/* an incremental hash; opaque */
struct hasher;

/* start a hash; caller frees with hashend */
struct hasher *hashnew(enum hashalg alg);
/* feed bytes */
void hashadd(struct hasher *h, const void *p, size_t n);
/* feed a string and its terminating NUL, so that fields cannot run together */
void hashstr(struct hasher *h, const char *s);
/* finish into hex (at least HASH_HEXMAX bytes) and free h */
void hashend(struct hasher *h, char *hex);
/* hash of a buffer in hex */
void hashbuf(enum hashalg alg, const void *p, size_t n, char *hex);
/* hash of a file's bytes in hex; -1 with a message on failure */
int hashfile(enum hashalg alg, const char *path, char *hex);
/* feed a file's bytes into h; -1 with a message on failure */
int hashfilein(struct hasher *h, const char *path);
/* sha256 of a tree: every entry's relative path, type, mode bit x, link target and
   content, in sorted order; *bytes gets the size of its regular files; -1 with a
   message on failure */
int hashtree(const char *dir, char *hex, unsigned long long *bytes);
/* name of an algorithm: "sha256" or "md5" */
const char *hashname(enum hashalg alg);
/* hex length of an algorithm's digest */
size_t hashlen(enum hashalg alg);

#endif
