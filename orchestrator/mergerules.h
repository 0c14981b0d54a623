/* mergerules: the multilib rules of DESIGN's merge, from every ABI's staged
   entries to the files of the root: identical entries are one copy; differing
   headers get a wrapper and per-ABI copies (see wrap.h); programs keep the
   primary ABI's copy; *-config and the recipe's chost_tools get a
   <triplet>-name copy per other ABI; the recipe's rules decide the rest */
#ifndef MLFS_MERGERULES_H
#define MLFS_MERGERULES_H

struct manifest;
struct mergectx;
struct mrule;
struct recipe;

/* the first rule of r whose glob matches path, or NULL; borrowed */
const struct mrule *rules_find(const struct recipe *r, const char *path);
/* compute the root's files of mf's contributions into out's files (sorted);
   -1 after printing every conflict */
int rules_resolve(const struct mergectx *m, const struct recipe *r, const struct manifest *mf,
	struct manifest *out);

#endif
