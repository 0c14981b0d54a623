/* report: the builds of STATE/trace.jsonl as one self-contained HTML page
   (an SVG timeline and tables) or as JSON for scripts */
#ifndef MLFS_REPORT_H
#define MLFS_REPORT_H

#include <stddef.h>
#include <stdio.h>
#include "util.h"

/* the pieces of a node's run, in order: unpack, patch, prepare, configure,
   build, check, install, merge */
struct rstep {
	char *name;       /* owned */
	double t0, t1;    /* seconds since the build began */
};

enum rstatus { R_UNFINISHED, R_MERGED, R_FAILED, R_INTERRUPTED };

struct rnode {
	char *name;       /* "gmp:32"; owned */
	char *stage;      /* the book's stage ("cross"), or NULL in an older trace; owned */
	struct strv deps; /* nodes of the same build it waited for */
	double est;       /* the scheduler's weight (past time or size guess) */
	double t0, t1;    /* start and end, seconds since the build began */
	enum rstatus st;
	char *failstep;   /* failed or interrupted at this step; owned */
	struct rstep *steps;
	size_t nsteps;
	int crit;         /* on the critical path */
};

struct rsample {
	double t, v;      /* time, and tokens in use or seconds left */
};

struct rbuild {
	double epoch;     /* wall clock at the start */
	int jobs;
	double eta0;      /* the estimate at the start */
	double end;       /* the end, or the last event of a build that was killed */
	int ended, rc;
	double cpu;       /* CPU seconds of every step; < 0 unknown */
	long long cchits, ccmisses;  /* ccache in this build (--ccache); -1: not used */
	double critpath;  /* the longest chain of dependent nodes, seconds */
	struct rnode *nodes;  /* in the scheduler's order */
	size_t n;
	struct rsample *tokens, *etas;
	size_t ntokens, netas;
	int size;         /* pool size */
};

struct report {
	struct rbuild *b;
	size_t n;
	double sbu;       /* seconds of one SBU (binutils pass 1), 0 unknown */
};

/* read the trace text (from file, for messages); a malformed line is an
   error naming file and line; -1 on error */
int report_parse(struct report *r, const char *file, const char *text);
/* read STATE/trace.jsonl and the SBU from the journal; -1 with a message */
int report_load(struct report *r, const char *state);
/* the node called name in b, or NULL; borrowed */
struct rnode *report_node(struct rbuild *b, const char *name);
/* the HTML page of builds [from, r->n) */
void report_html(const struct report *r, size_t from, struct buf *out);
/* the same data as JSON */
void report_json(const struct report *r, size_t from, FILE *f);
/* free what r owns */
void report_release(struct report *r);

#endif
