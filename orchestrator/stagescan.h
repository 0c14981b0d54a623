/* stagescan: read a node's staging dir into the contribution of its ABI.
   Paths under a layout link are canonical (/lib32/x is /usr/lib32/x); rule 1
   moves libraries to their ABI's libdir (when the recipe allows 'relocate'),
   with the symlinks to them and the .pc files naming them; rule 6 drops .la
   files, the info directory index and the loader cache; the recipe's
   'ignore' rules drop their paths. Files are hashed (a .gz file's comparison
   key is the hash of its content). */
#ifndef MLFS_STAGESCAN_H
#define MLFS_STAGESCAN_H

#include <stddef.h>

struct contrib;
struct mergectx;
struct recipe;

/* scan stagedir into the contribution c of node r:abi; -1 after printing errors */
int stagescan(const struct mergectx *m, const struct recipe *r, const char *abi,
	const char *stagedir, struct contrib *c);
/* 1 when the merge never installs the file path (rule 6): a libtool archive,
   the info directory index, the loader cache (what the system makes itself) */
int scan_neverinstalled(const char *path);
/* 1 when the n bytes at p hold no NUL byte */
int scan_istext(const char *p, size_t n);
/* s (len bytes) with every whole-path occurrence of directory from replaced by
   to; *n counts them; caller frees */
char *scan_pathsubst(const char *s, size_t len, const char *from, const char *to, int *n);

#endif
