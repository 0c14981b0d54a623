/* workq: serial queues of work on libuv's thread pool */
#define _GNU_SOURCE
#include <stddef.h>
#include <uv.h>
#include "util.h"
#include "workq.h"

void
workq_init(struct workq *q, uv_loop_t *loop, int max)
{
	*q = (struct workq){.loop = loop, .max = max > 0 ? max : 1};
}

static void start(struct workq *q);

static void
work_cb(uv_work_t *req)
{
	struct work *w = req->data;

	w->run(w);
}

static void
after_cb(uv_work_t *req, int status)
{
	struct work *w = req->data;
	struct workq *q = w->q;

	q->busy--;
	q->nqueued--;
	w->done(w);
	start(q);
}

/* submit the oldest waiting item when fewer than max run */
static void
start(struct workq *q)
{
	struct work *w = q->head;
	int rc;

	if (q->busy >= q->max || !w)
		return;
	q->head = w->next;
	if (!q->head)
		q->tail = NULL;
	w->req.data = w;
	rc = uv_queue_work(q->loop, &w->req, work_cb, after_cb);
	if (rc < 0) {
		/* cannot happen with a live loop: run it here rather than lose it */
		warn("thread pool: %s; working on the loop", uv_strerror(rc));
		w->run(w);
		q->nqueued--;
		w->done(w);
		start(q);
		return;
	}
	q->busy++;
	start(q);
}

void
workq_push(struct workq *q, struct work *w)
{
	w->q = q;
	w->next = NULL;
	if (q->tail)
		q->tail->next = w;
	else
		q->head = w;
	q->tail = w;
	q->nqueued++;
	start(q);
}
