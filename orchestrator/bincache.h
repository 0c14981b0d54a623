/* bincache: a cache of built nodes. Each merged node's staging dir and a small
   manifest are kept as one archive under the node's key, so that a later build
   with the same key restores the staging dir instead of running the steps; the
   restored dir goes through the ordinary merge.

   A cache is a directory (or an http(s) url serving one) of entries:
     <key>.json       the index: node, key, sha256 and size of the archive, and
                      the tree hash (hash.h's hashtree) of the staging dir
     <key>.tar.zst    the archive: stage/..., the staging dir, then
                      MANIFEST.json (node, key, package, ABI, tree hash, files)
   An entry is used only when the archive's size and sha256 match the index, the
   manifest names the same node and key, every archive member is a plain file,
   directory, symlink or hardlink inside stage/ (no absolute path, no '..', no
   device, no duplicate, no write through a symlink) and the restored tree hashes
   to the index's tree hash. Anything else is refused with a message naming the
   entry and the node is built. Entries are written to a temp name and renamed,
   the archive before the index, so a reader never sees half an entry. */
#ifndef MLFS_BINCACHE_H
#define MLFS_BINCACHE_H

#include "util.h"

struct bincache {
	char *dir;   /* local entries: the cache dir, or STATE/bincache when the
	                cache is a url (downloads are kept there); owned */
	char *url;   /* http(s) base url read from, or NULL; owned */
	long timeout_s;  /* connect and stall timeout of a download (<= 0: 30) */
};

/* 1 when loc is an http(s) url */
int bincache_isurl(const char *loc);
/* set up bc for the cache loc (a directory or an http(s) url) of the state
   dir state; 0, or -1 with a message */
int bincache_open(struct bincache *bc, const char *loc, const char *state);
/* free what bc owns */
void bincache_close(struct bincache *bc);
/* store stagedir as the entry of node under key in bc->dir (kept when it is
   there already); 0, or -1 with a message */
int bincache_put(const struct bincache *bc, const char *node, const char *key,
	const char *stagedir);
/* restore the entry of node under key into stagedir (replaced when it exists):
   1 restored, 0 no entry, -1 the entry was refused (message printed, stagedir
   absent) */
int bincache_get(const struct bincache *bc, const char *node, const char *key,
	const char *stagedir);
/* check the entry key in dir: index, size and sha256 of the archive; 0, or -1
   with a message */
int bincache_verify(const char *dir, const char *key);
/* copy the entries of dir from whose key is in keys (NULL: every entry) to the
   directory to, verified, skipping those it has; the number copied, or -1 */
long bincache_push(const char *from, const char *to, const struct strv *keys);
/* remove from dir every entry whose key is not in keep, every entry that does
   not verify and every leftover temp; the number of files removed, or -1;
   *bytes gets their size */
long bincache_gc(const char *dir, const struct strv *keep, unsigned long long *bytes);

#endif
