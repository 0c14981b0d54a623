/* build: runs a build of the graph on a libuv loop: the runner the scheduler
   calls (sources unpacked by unpack.h, steps run by step.h in the environment
   of env.h, merge by merge.h), fetching, the glue, signals and the report */
#ifndef MLFS_BUILD_H
#define MLFS_BUILD_H

#include "util.h"

struct graph;
struct profiles;
struct recipeset;

enum { JSMODE_PIPE, JSMODE_FIFO };

/* options of a build; strings are owned by whoever filled them (main) */
struct buildopts {
	char *state;          /* state dir, absolute */
	char *root;           /* host mode: install root, absolute; NULL: none */
	char *lfs;            /* $LFS, absolute; NULL: none */
	char *recipes;        /* recipes dir */
	char *patches;        /* patches dir */
	char *profiles;       /* abi-profiles dir */
	char *layout;         /* layout name */
	struct strv abis;     /* requested ABIs */
	struct strv srcover;  /* "PKG=DIR" local source trees */
	struct strv mirrors;  /* --mirror base urls */
	struct strv pkgs;     /* the PKG operands of the last build (kept): a bare
	                         build, plan or status is about them; empty: all */
	int jobs;             /* -j */
	int keep;             /* -k: failures before no new node starts */
	int quiet;
	int nocheck;          /* skip every check step */
	int offline;
	int keepbuild;        /* keep build trees of merged nodes */
	int jsmode;           /* JSMODE_PIPE or JSMODE_FIFO */
	char *fromstep;       /* restart failed nodes at this step */
	int join;             /* join the jobserver of a calling make, if any */
	char *cache;          /* binary cache of built nodes: a dir or an http(s) url;
	                         NULL: none (bincache.h) */
	int ccache;           /* every compiler through ccache (ccwrap.h) */
	int strip;            /* a "strip" step after install for system-stage nodes:
	                         the book's Stripping page, recipes/include/strip.sh */
	int icecc;            /* compiles through icecream (icecc.h) */
	int iceccslots;       /* jobserver slots the cluster adds to -j */
	int contain;          /* enum contain_mode: host-side steps in a box (contain.h) */
};

/* text of the options that reach the build, for node keys */
char *build_keyopts(const struct buildopts *o);
/* fetch and verify the sources of the nodes of g that run (node.run); 0 or 1 */
int build_fetch(const struct buildopts *o, struct graph *g);
/* remove package pkg's files from the root and forget its nodes; -1 on error */
int build_uninstall(const struct buildopts *o, struct profiles *p, struct graph *g,
	const char *pkg);
/* build the nodes of g that run (node.run); the rest must be done already;
   returns the exit status: 0, 1 (a failure) or 128+signal */
int build_run(const struct buildopts *o, struct profiles *p, struct recipeset *rs,
	struct graph *g);

#endif
