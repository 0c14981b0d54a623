/*
 * A node runs when every dependency is done. Starting a node takes a slot
 * (the jobserver's, or a -j counter); the node keeps it through its steps and
 * returns it when it is merged or fails, whatever happened. Each transition is
 * journaled before it is acted on. After a failure no new node starts once -k
 * failures are reached; nodes that depend on a failed one are blocked.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include "graph.h"
#include "journal.h"
#include "sched.h"
#include "util.h"

struct nrun *
sched_state(const struct sched *s, const struct node *n)
{
	return &s->runs[n->index];
}

/* a journal that cannot be written stops the build: no node starts that
   a later run could not account for (the error names the journal) */
static void
jfailed(struct sched *s)
{
	s->jfail = 1;
	s->stopping = 1;
}

static void
jrec(struct sched *s, struct node *n, enum jevent ev, const char *step, double secs)
{
	if (s->j && journal_record(s->j, n->name, ev, n->key, step, secs) < 0)
		jfailed(s);
	if (s->run->journaled)
		s->run->journaled(s->run->ctx, n, ev, step, secs);
}

void
sched_init(struct sched *s, struct graph *g, struct journal *j, struct runner *run,
	int maxjobs, int maxfail)
{
	memset(s, 0, sizeof(*s));
	s->g = g;
	s->j = j;
	s->run = run;
	s->maxjobs = maxjobs > 0 ? maxjobs : 1;
	s->maxfail = maxfail > 0 ? maxfail : 1;
	s->runs = xcalloc(g->n, sizeof(*s->runs));
	for (size_t i = 0; i < g->n; i++) {
		struct node *n = g->nodes[i];
		struct nrun *r = &s->runs[i];
		n->data = r;
		r->st = n->run ? N_WAIT : N_SKIP;
		if (n->run)
			s->ntodo++;
	}
	for (size_t i = 0; i < g->n; i++) {
		struct node *n = g->nodes[i];
		struct nrun *r = &s->runs[i];
		if (r->st != N_WAIT)
			continue;
		for (size_t k = 0; k < n->ndeps; k++)
			if (s->runs[n->deps[k]->index].st == N_WAIT)
				r->nblock++;
	}
	for (size_t i = 0; i < g->n; i++)
		if (s->runs[i].st == N_WAIT && !s->runs[i].nblock)
			s->runs[i].st = N_READY;
	/* critical-path priorities, from the end of the topological order */
	for (size_t i = g->n; i-- > 0;) {
		struct node *n = g->nodes[i];
		double w = run->weight ? run->weight(run->ctx, n) : 1, best = 0;
		for (size_t k = 0; k < n->nusers; k++)
			if (s->runs[n->users[k]->index].prio > best)
				best = s->runs[n->users[k]->index].prio;
		s->runs[i].prio = w + best;
	}
}

static int
takeslot(struct sched *s)
{
	if (s->run->acquire)
		return s->run->acquire(s->run->ctx);
	return s->nrun < s->maxjobs;
}

static void
giveslot(struct sched *s, struct node *n, struct nrun *r)
{
	if (!r->holds)
		return;
	r->holds = 0;
	s->nrun--;
	if (s->run->release)
		s->run->release(s->run->ctx, n, s->nrun == 0);
}

static void
progress(struct sched *s, struct node *n)
{
	if (s->run->progress)
		s->run->progress(s->run->ctx, n);
}

/* a node that cannot run any more blocks everything that depends on it */
static void
block(struct sched *s, struct node *n)
{
	for (size_t i = 0; i < n->nusers; i++) {
		struct nrun *u = &s->runs[n->users[i]->index];
		if (u->st == N_WAIT || u->st == N_READY) {
			u->st = N_BLOCKED;
			block(s, n->users[i]);
		}
	}
}

static void
fail(struct sched *s, struct node *n, struct nrun *r, const char *step, int status)
{
	r->st = N_FAILED;
	r->status = status;
	r->failedat = step;
	/* only a signal mlfs itself passed on interrupts: a step killed by any
	   other signal (a SEGV, kill -9 from inside) failed */
	if (s->signal) {
		r->st = N_STOPPED;
		jrec(s, n, J_INTERRUPTED, step, 0);
	} else {
		jrec(s, n, J_FAILED, step, 0);
		s->nfail++;
		if (s->nfail >= s->maxfail)
			s->stopping = 1;
	}
	giveslot(s, n, r);
	block(s, n);
	progress(s, n);
}

static void
done(struct sched *s, struct node *n, struct nrun *r)
{
	double secs = (nowns() - r->t0) / 1e9;

	jrec(s, n, J_MERGED, NULL, secs);
	if (s->run->after)
		s->run->after(s->run->ctx, n);
	r->st = N_DONE;
	s->ndone++;
	giveslot(s, n, r);
	for (size_t i = 0; i < n->nusers; i++) {
		struct nrun *u = &s->runs[n->users[i]->index];
		if (u->st == N_WAIT && --u->nblock == 0)
			u->st = N_READY;
	}
	progress(s, n);
}

/* the merge of n ended with rc (1: it goes on off the loop) */
static void
merged(struct sched *s, struct node *n, struct nrun *r, int rc)
{
	if (rc > 0)
		return;
	if (rc < 0)
		fail(s, n, r, "merge", 1);
	else
		done(s, n, r);
}

/* run the node's next step, or merge it when none is left */
static void
next(struct sched *s, struct node *n, struct nrun *r)
{
	if (r->step < r->steps.n) {
		r->tstep = nowns();
		progress(s, n);
		if (s->run->start(s->run->ctx, n, r->steps.v[r->step]) < 0)
			fail(s, n, r, r->steps.v[r->step], 127);
		return;
	}
	jrec(s, n, J_STAGED, NULL, 0);
	r->tstep = nowns();
	progress(s, n);
	merged(s, n, r, s->run->finish(s->run->ctx, n));
}

/* the begin of n ended with rc (1: it goes on off the loop) */
static void
began(struct sched *s, struct node *n, struct nrun *r, int rc)
{
	if (rc > 0)
		return;
	r->unpacking = 0;
	if (s->signal)
		fail(s, n, r, "unpack", -s->signal);
	else if (rc < 0)
		fail(s, n, r, "unpack", 1);
	else
		next(s, n, r);
}

static void
begin(struct sched *s, struct node *n, struct nrun *r)
{
	r->st = N_RUN;
	r->holds = 1;
	s->nrun++;
	r->t0 = r->tstep = nowns();
	r->step = 0;
	r->restored = 0;
	r->unpacking = 1;
	strvfree(&r->steps);
	if (s->j && journal_start(s->j, n->name, n->key, n->own) < 0) {
		jfailed(s);
		fail(s, n, r, "journal", 1);
		return;
	}
	if (s->run->journaled)
		s->run->journaled(s->run->ctx, n, J_START, NULL, 0);
	began(s, n, r, s->run->begin(s->run->ctx, n, &r->steps));
}

/* the ready node on the longest path to the end, or -1 */
static long
bestready(const struct sched *s)
{
	long best = -1;

	for (size_t i = 0; i < s->g->n; i++)
		if (s->runs[i].st == N_READY && (best < 0 || s->runs[i].prio > s->runs[best].prio))
			best = (long)i;
	return best;
}

/* tell the runner whether a ready node now waits for a slot */
static void
slotwait(struct sched *s, int waiting)
{
	if (waiting == s->slotwait)
		return;
	s->slotwait = waiting;
	if (s->run->slotwait)
		s->run->slotwait(s->run->ctx, waiting);
}

void
sched_pump(struct sched *s)
{
	long i;

	while (!s->stopping && (i = bestready(s)) >= 0) {
		if (!takeslot(s)) {
			slotwait(s, 1);
			return;
		}
		begin(s, s->g->nodes[i], &s->runs[i]);
	}
	slotwait(s, 0);
}

void
sched_stepdone(struct sched *s, struct node *n, int status)
{
	struct nrun *r = &s->runs[n->index];
	const char *step = r->steps.v[r->step];

	if (status != 0) {
		fail(s, n, r, step, status);
	} else {
		jrec(s, n, J_STEP, step, (nowns() - r->tstep) / 1e9);
		r->step++;
		if (s->signal) {
			fail(s, n, r, r->step < r->steps.n ? r->steps.v[r->step] : "merge", -s->signal);
		} else {
			next(s, n, r);
		}
	}
	sched_pump(s);
}

void
sched_begun(struct sched *s, struct node *n, int rc)
{
	began(s, n, &s->runs[n->index], rc < 0 ? -1 : 0);
	sched_pump(s);
}

void
sched_merged(struct sched *s, struct node *n, int rc)
{
	merged(s, n, &s->runs[n->index], rc < 0 ? -1 : 0);
	sched_pump(s);
}

void
sched_interrupt(struct sched *s, int sig)
{
	s->stopping = 1;
	slotwait(s, 0);
	if (!s->signal)
		s->signal = sig;
	if (s->run->killall)
		s->run->killall(s->run->ctx, sig);
}

int
sched_finished(const struct sched *s)
{
	for (size_t i = 0; i < s->g->n; i++) {
		enum nstate st = s->runs[i].st;
		if (st == N_RUN)
			return 0;
		if (st == N_READY && !s->stopping)
			return 0;
	}
	return 1;
}

void
sched_release(struct sched *s)
{
	for (size_t i = 0; i < s->g->n; i++) {
		strvfree(&s->runs[i].steps);
		free(s->runs[i].why);
		s->g->nodes[i]->data = NULL;
	}
	free(s->runs);
	s->runs = NULL;
}
