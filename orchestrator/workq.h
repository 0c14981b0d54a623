/* workq: work taken off the event loop, one item at a time per queue, on
   libuv's thread pool. An item's run function runs in a worker thread (it
   must not touch the loop or the scheduler; its messages go where msgto
   sends them); its done function runs on the loop afterwards. Items of one
   queue start in the order they were pushed, at most max at once (the merges:
   one, so that two merges never change the root together). */
#ifndef MLFS_WORKQ_H
#define MLFS_WORKQ_H

#include <uv.h>

struct work {
	uv_work_t req;                    /* internal */
	struct workq *q;                  /* internal */
	struct work *next;                /* internal */
	void (*run)(struct work *w);      /* in a worker thread */
	void (*done)(struct work *w);     /* on the loop; may free w */
};

struct workq {
	uv_loop_t *loop;     /* borrowed */
	struct work *head;   /* waiting items, oldest first */
	struct work *tail;
	int max;             /* items that may run at once */
	int busy;            /* items running */
	int nqueued;         /* items pushed and not done */
};

/* an empty queue on loop whose items run at most max at once */
void workq_init(struct workq *q, uv_loop_t *loop, int max);
/* run w after the items pushed before it */
void workq_push(struct workq *q, struct work *w);

#endif
