/* unpack: a node's main source put into its fresh source tree: a --source
   tree or a local path copied (cp -a), a git commit checked out from
   STATE/cache/git, or a fetched archive extracted */
#ifndef MLFS_UNPACK_H
#define MLFS_UNPACK_H

struct buildopts;
struct node;
struct source;
struct strv;

/* the local tree of --source NAME=DIR among srcover ("PKG=DIR"), or NULL; borrowed */
const char *unpack_override(const struct strv *srcover, const char *name);
/* the cache path of a fetched source among fetched (pairs: "alg:sum", path),
   or NULL; borrowed */
const char *unpack_cached(const struct strv *fetched, const struct source *s);
/* put node n's main source into the empty directory src; -1 with a message */
int unpack_node(const struct buildopts *o, const struct strv *fetched, struct node *n,
	const char *src);

#endif
