/* fetch: parallel downloads (libcurl multi on the libuv loop) into a
   content-addressed cache, verified before use (ARCHITECTURE.md, "Data model")

   The cache directory holds:
     <cache>/<alg>/<hexsum>      every verified file, once, named by its checksum
     <cache>/by-name/<fname>     symlink to ../<alg>/<hexsum>, the upstream name
                                 (the last fetched file of that name wins)
     <cache>/partial/<hexsum>    an interrupted download, resumed with a Range request
     <cache>/quarantine/<fname>.<actualsum>
                                 a download whose checksum did not match; never used
   A file is moved from partial/ to <alg>/ only after its checksum matched, so
   everything under <alg>/ is verified; it is hashed again before each use.

   Urls of one source are tried in this order, each once per round:
     1. M/<fname> for each global mirror M (o->mirrors), in order: a mirror the
        user names (a local copy, --mirror file:///srv/src) comes first, as
        buildroot's primary site does;
     2. the source's own url;
     3. the source's own mirrors (src->mirrors), in order.
   A permanent failure (HTTP 4xx other than 408/429, a missing file:// file, a
   checksum mismatch) drops that url; a transient one (timeout, stall, 5xx,
   connection refused or reset) keeps it for the next round. When a round ends
   with only transient failures left, the next one starts after a backoff of
   backoff_ms, doubled each round (at most 60 s), up to `retries` more rounds.
   Every failure of one url is printed: as a warning while other urls or
   rounds remain, as an error when it was the last chance.

   curl_global_init must have been called (main does it). */
#ifndef MLFS_FETCH_H
#define MLFS_FETCH_H

#include <stddef.h>
#include <curl/curl.h>
#include <uv.h>
#include "recipe.h"
#include "util.h"

struct fetchopts {
	const char *cache;    /* cache directory, created when missing; borrowed */
	struct strv mirrors;  /* global mirror base urls, tried first (see above); borrowed */
	int offline;          /* 1: no transfer at all, fail naming every file not cached */
	int maxconn;          /* transfers at once (<= 0: 4) */
	long timeout_s;       /* connect timeout and stall timeout: a transfer that
	                         receives no byte for this long fails (<= 0: 60) */
	int retries;          /* further rounds after transient failures (< 0: 0) */
	long backoff_ms;      /* delay before the first further round (<= 0: 1000) */
	int quiet;            /* 1: no "fetched" line per download on stderr */
	/* called as bytes arrive (may be NULL): now and total count the whole file,
	   including a resumed part; total is 0 when unknown */
	void (*progress)(void *arg, const char *name, curl_off_t now, curl_off_t total);
	void *arg;            /* passed to progress */
};

struct fetchitem {
	const struct source *src;  /* an SRC_URL source with fname, alg and sum; borrowed */
	char *path;                /* out: <cache>/<alg>/<hexsum>, verified; owned by the
	                              item, free with fetchitem_release (NULL on failure) */
	char *named;               /* out: <cache>/by-name/<fname>, a symlink to path;
	                              owned like path */
};

/* fetch every item not yet in the cache, up to maxconn at once, driving loop
   until all are done (other handles on loop may stay active); fills each
   item's path and named; returns 0, or -1 after printing every failure */
int fetch_run(uv_loop_t *loop, const struct fetchopts *o, struct fetchitem *items, size_t n);
/* the cache path of a source if it is there and verified, else NULL; caller frees */
char *fetch_cached(const char *cache, const struct source *src);
/* free what an item owns (path, named) */
void fetchitem_release(struct fetchitem *it);

#endif
