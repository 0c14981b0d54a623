/* merge: move a node's staging dir into the root under the multilib rules
   (ARCHITECTURE.md, "The merge"), and keep a manifest per package.

   Everything mlfs knows about a package in a root is its manifest,
   <statedir>/<pkg>.json (statedir defaults to <root>/var/lib/mlfs/manifests):
     "staged": per ABI, every entry that ABI's node staged (after relocation),
               with type, mode, sha256 and the comparison key (the sha256 of the
               decompressed content for .gz files)
     "files":  every entry installed in the root: path, type, mode, sha256, the
               ABIs it serves and how it was made ("copy", "abi" for a per-ABI
               copy, "tool" for <host-triplet>-<name>, "wrap" for a header
               wrapper, "dir")
   The root is a function of the "staged" sets: merging recomputes it for the
   package and changes only the entries that differ. A differing header
   /usr/include/x/h.h is installed as x/h-32.h, x/h-64.h ... (see wrap.h).

   A merge first writes every new file as a temp beside its target, then the
   intent <statedir>/<pkg>.pending.json (renames, removals, new manifest), then
   renames; merge_recover (run by every merge) finishes an interrupted intent or
   drops one whose temps were not all written, so a merge cut at any instant and
   run again from the same staging dir gives the same root. */
#ifndef MLFS_MERGE_H
#define MLFS_MERGE_H

#include "util.h"

struct profiles;
struct recipe;

struct mergectx {
	const char *root;      /* absolute: "/" or a sysroot directory; borrowed */
	const char *statedir;  /* where manifests live; NULL: <root>/var/lib/mlfs/manifests */
	const struct profiles *prof;  /* borrowed */
	struct strv abis;      /* the requested ABIs ("32", "64", "x32"); owned by the caller */
};

/* merge the staging dir of node r:abi into the root; 0, or -1 after printing
   every error: with the root as before, or (said so) part-way through a commit
   whose kept intent the next merge finishes */
int merge_node(const struct mergectx *m, const struct recipe *r, const char *abi,
	const char *stagedir);
/* remove every file of package pkg from the root and drop its manifest; -1 on error */
int merge_uninstall(const struct mergectx *m, const char *pkg);
/* finish or roll back merges that were interrupted; -1 on error */
int merge_recover(const struct mergectx *m);
/* the package that owns path (an absolute path in the root), or NULL; caller frees */
char *merge_owner(const struct mergectx *m, const char *path);

#endif
