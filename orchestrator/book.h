/* book: `mlfs book`, the multilib book as static HTML from the same recipes,
   profiles and layout a build runs: the prose chapters of book/ and one page
   per recipe with each step's commands as they run for each ABI */
#ifndef MLFS_BOOK_H
#define MLFS_BOOK_H

#include "util.h"

struct abi;
struct graph;
struct profiles;
struct recipe;
struct recipeset;

struct bookopts {
	const char *prose;    /* the prose chapters: *.md, in name order */
	const char *out;      /* the output directory, created */
	const char *state;    /* its journal gives the timings (may not exist) */
	const char *root;     /* host mode root, or NULL */
	const char *lfs;      /* $LFS, or NULL */
};

/* render the whole book into o->out; -1 with a message on error */
int book_render(const struct bookopts *o, const struct profiles *p, const struct recipeset *rs,
	const struct graph *g);

/* shell functions of text: names[i] is defined with body bodies[i] (the
   lines between "name() {" and the closing "}" at the start of a line,
   one tab of indentation removed); other top-level lines but comments go to
   *top when top is set */
void book_functions(const char *text, struct strv *names, struct strv *bodies, struct buf *top);
/* the variables of a step of recipe r for ABI a that a reader types as
   values: env_build's, less what names this machine (DESTDIR, the source
   tree, the jobserver); "KEY=VALUE" strings appended to env */
void book_env(struct strv *env, const struct profiles *p, const struct abi *a,
	const struct recipe *r, const struct strv *abis, const char *root, const char *lfs,
	const char *step);
/* text with $KEY, ${KEY}, ${KEY:?...}, ${KEY:-...} replaced by the value
   of KEY in env, outside single quotes and comments; unknown variables stay
   as they are; caller frees */
char *book_resolve(const char *text, const struct strv *env);

#endif
