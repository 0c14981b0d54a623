/* wrap: multilib header wrappers. A header whose ABIs differ is installed once
   per ABI beside its own name (gmp.h -> gmp-32.h, gmp-64.h, gmp-x32.h, so that
   the copies' quoted #includes resolve as before) and replaced by a wrapper that
   includes the compiling ABI's copy, chosen by the profiles' predefined macros */
#ifndef MLFS_WRAP_H
#define MLFS_WRAP_H

struct buf;
struct profiles;
struct strv;

/* the per-ABI name of a header: ("/usr/include/gmp.h", "32") gives
   "/usr/include/gmp-32.h", a name without a suffix gets "-32"; caller frees */
char *wrapname(const char *path, const char *abi);
/* append to out the wrapper for header path: one branch for each ABI of abis (in
   that order) that includes its copy when the ABI is in built, and is an #error
   that names the header and the ABI otherwise; -1 with a message when an ABI has
   no profile or no predefined macros */
int wraptext(struct buf *out, const struct profiles *p, const char *path,
	const struct strv *abis, const struct strv *built);

#endif
