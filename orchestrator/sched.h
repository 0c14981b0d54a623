/* sched: runs the graph's nodes in dependency order, -j at once, through a
   runner (the real one spawns processes; tests use a fake one) */
#ifndef MLFS_SCHED_H
#define MLFS_SCHED_H

#include <stddef.h>
#include "util.h"

struct graph;
struct journal;
struct node;

enum nstate {
	N_SKIP,     /* not part of this run */
	N_DONE,     /* merged (now or by an earlier run with the same key) */
	N_WAIT,     /* waits for dependencies */
	N_READY,    /* may start when a slot is free */
	N_RUN,      /* running a step, unpacking or merging */
	N_FAILED,   /* a step failed */
	N_BLOCKED,  /* a dependency failed */
	N_STOPPED,  /* interrupted */
};

/* the scheduler's state of one node (node->data) */
struct nrun {
	enum nstate st;
	size_t nblock;          /* dependencies not yet done */
	struct strv steps;      /* the steps to run, in order */
	size_t step;            /* index of the running or next step */
	char *why;              /* why it runs: "never built", "recipe changed", ... */
	unsigned long long t0;  /* start, ns */
	unsigned long long tstep;  /* start of the current step, ns */
	int status;             /* the failed step's exit status (-signal when killed) */
	const char *failedat;   /* the step, "unpack" or "merge" it failed at (borrowed
	                           from steps or static) */
	int holds;              /* 1 while it holds a slot */
	int unpacking;          /* 1 from its start until its first step can run */
	double prio;            /* the longest path from here to the end: ready nodes
	                           with the highest start first */
	int restored;           /* the runner restored its staging dir from a cache:
	                           no step ran */
};

/* what a runner does for the scheduler; every call returns 0 or -1 */
struct runner {
	void *ctx;
	/* prepare n for its first step (fresh unpack) and fill steps: 0 done, -1
	   failed, or 1 when the work goes on off the loop: then the runner fills
	   steps and calls sched_begun from the loop */
	int (*begin)(void *ctx, struct node *n, struct strv *steps);
	/* start step of n; later call sched_stepdone from the event loop */
	int (*start)(void *ctx, struct node *n, const char *step);
	/* all steps done: merge n into the root: 0 done, -1 failed, or 1 when the
	   merge goes on off the loop: then the runner calls sched_merged */
	int (*finish)(void *ctx, struct node *n);
	/* n is merged and journaled: its staging dir may go (may be NULL) */
	void (*after)(void *ctx, struct node *n);
	/* send sig to every running step */
	void (*killall)(void *ctx, int sig);
	/* take a slot (1 taken, 0 none free now); NULL: the scheduler counts -j itself */
	int (*acquire)(void *ctx);
	/* waiting 1: a ready node waits for a slot, so watch for one and call
	   sched_pump when one may be free; 0: stop watching (no node needs a slot;
	   a build that watched the pool all along woke for every free token). Called
	   on every change, starting from 0 (may be NULL) */
	void (*slotwait)(void *ctx, int waiting);
	/* give back the slot n held; idle tells that no node holds one now */
	void (*release)(void *ctx, struct node *n, int idle);
	/* how long n is expected to take, any unit (NULL: every node weighs 1) */
	double (*weight)(void *ctx, struct node *n);
	/* a node changed state or step: for the status line */
	void (*progress)(void *ctx, struct node *n);
	/* an event of n was journaled (ev: enum jevent), for the build's trace (may be NULL) */
	void (*journaled)(void *ctx, struct node *n, int ev, const char *step, double secs);
};

struct sched {
	struct graph *g;      /* borrowed */
	struct journal *j;    /* borrowed; NULL: nothing recorded */
	struct runner *run;   /* borrowed */
	int maxjobs;          /* -j */
	int maxfail;          /* -k: stop starting after this many failures */
	int nrun;             /* nodes holding a slot */
	int nfail;
	int stopping;         /* no new nodes start */
	int signal;           /* the signal that interrupted the build, or 0 */
	int slotwait;         /* 1 while a ready node waits for a slot (runner told) */
	int jfail;            /* 1 once the journal could not be written: nothing more starts */
	size_t ndone, ntodo;  /* progress counters of this run */
	struct nrun *runs;    /* one per node, owned */
	const char *fromstep; /* restart failed nodes at this step (borrowed) */
};

/* set up s for g: the nodes with run set run; the others count as done */
void sched_init(struct sched *s, struct graph *g, struct journal *j, struct runner *run,
	int maxjobs, int maxfail);
/* start every node that can start now; called at start, after each completion
   and when a slot may have become free */
void sched_pump(struct sched *s);
/* a step of n ended with status (0 ok, >0 exit status, <0 -signal) */
void sched_stepdone(struct sched *s, struct node *n, int status);
/* the begin that the runner took off the loop ended: rc 0 or -1 */
void sched_begun(struct sched *s, struct node *n, int rc);
/* the merge that the runner took off the loop ended: rc 0 or -1 */
void sched_merged(struct sched *s, struct node *n, int rc);
/* stop starting nodes and signal the running ones */
void sched_interrupt(struct sched *s, int sig);
/* 1 when nothing runs and nothing more can start */
int sched_finished(const struct sched *s);
/* the state of n */
struct nrun *sched_state(const struct sched *s, const struct node *n);
/* free what s owns */
void sched_release(struct sched *s);

#endif
