/* manifest: what mlfs knows of a package in a root, <statedir>/<pkg>.json
   (see merge.h for the format): the model, its load and save, which package
   owns a path, and the collisions of a new set of files with other packages */
#ifndef MLFS_MANIFEST_H
#define MLFS_MANIFEST_H

#include <jansson.h>
#include "hash.h"
#include "util.h"

struct mergectx;
struct recipe;

enum ftype { FT_FILE, FT_LINK, FT_DIR };
enum how { HOW_COPY, HOW_ABI, HOW_TOOL, HOW_WRAP, HOW_DIR, NHOW };

/* the names of enum ftype and enum how in manifests */
extern const char *const man_ftnames[];
extern const char *const man_hownames[];

/* one entry an ABI's node staged */
struct centry {
	char *path;      /* in the root, after layout links and relocation */
	enum ftype type;
	int mode;
	char hash[HASH_HEXMAX];  /* content (link: target) */
	char key[HASH_HEXMAX];   /* what "identical" compares */
	char *target;    /* FT_LINK */
	char *src;       /* the staged file (only for the node being merged) */
	char *data;      /* rewritten content instead of src */
	size_t len;
};

/* everything one ABI staged */
struct contrib {
	char *abi;
	struct centry *e;
	size_t n, cap;
};

/* one entry installed in the root */
struct fentry {
	char *path;
	enum ftype type;
	int mode;
	enum how how;
	char hash[HASH_HEXMAX];  /* installed content (link: target) */
	char src[HASH_HEXMAX];   /* what it was made from: the staged hash, or the wrapper's */
	char *target;
	struct strv abis;        /* the ABIs it serves */
	/* planning */
	const struct centry *from;
	char *data;              /* generated content (wrappers) */
	size_t len;
	int keep;
};

struct manifest {
	char *pkg, *version, *stage;
	struct contrib *c;
	size_t nc;
	struct fentry *f;
	size_t nf, capf;
};

/* the directory of the manifests; caller frees */
char *man_dir(const struct mergectx *m);
/* <man_dir>/<pkg><suffix>; caller frees */
char *man_path(const struct mergectx *m, const char *pkg, const char *suffix);
/* free a contribution's entries and ABI */
void contrib_free(struct contrib *c);
/* free everything mf owns and zero it */
void man_free(struct manifest *mf);
/* a new zeroed entry at the end of c; borrowed until c grows */
struct centry *centry_add(struct contrib *c);
/* a new zeroed file entry at the end of mf's files; borrowed until they grow */
struct fentry *fentry_add(struct manifest *mf);
/* qsort/bsearch order of file entries: by path */
int fentry_cmp(const void *a, const void *b);
/* mf's file entry for path (files sorted), or NULL; borrowed */
struct fentry *man_find(const struct manifest *mf, const char *path);
/* load pkg's manifest into mf (an absent one: empty, *found 0); -1 after a message */
int man_load(const struct mergectx *m, const char *pkg, struct manifest *mf, int *found);
/* mf as JSON; caller decrefs */
json_t *man_json(const struct manifest *mf);
/* the names of every package with a manifest, sorted, added to out; -1 on error */
int man_packages(const struct mergectx *m, struct strv *out);
/* rule 5: -1 when a file of out belongs to another package, except one of an
   earlier stage, whose (package, path) pairs go to disown */
int man_collide(const struct mergectx *m, const struct recipe *r, const struct manifest *out,
	struct strv *disown);
/* put contribution c (taken) in place of mf's for the same ABI, in ABI order */
void man_setcontrib(struct manifest *mf, struct contrib *c);
/* the package that owns path, or NULL; caller frees */
char *man_owner(const struct mergectx *m, const char *path);

#endif
