#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "graph.h"
#include "sched.h"
#include "status.h"
#include "trace.h"
#include "util.h"

static const char *
curstep(const struct nrun *r)
{
	if (r->unpacking)
		return "unpack";
	return r->step < r->steps.n ? r->steps.v[r->step] : "merge";
}

/* the estimated time left, from past timings and the critical path */
static void
eta(struct buf *b, const struct sched *s)
{
	unsigned long long left = (unsigned long long)(trace_eta(s) + 0.5);

	if (left >= 3600)
		bufprintf(b, "; ~%lluh%02llu left", left / 3600, left / 60 % 60);
	else
		bufprintf(b, "; ~%llu:%02llu left", left / 60, left % 60);
}

static void
draw(struct status *st)
{
	struct sched *s = st->s;
	struct buf b = {0}, left = {0};
	unsigned long long now = nowns();
	int shown = 0;

	bufprintf(&b, "[%zu/%zu] %d running", s->ndone, s->ntodo, s->nrun);
	for (size_t i = 0; i < s->g->n && shown < 4; i++) {
		struct nrun *r = &s->runs[i];
		if (r->st != N_RUN)
			continue;
		unsigned long long secs = (now - r->tstep) / 1000000000ull;
		bufprintf(&b, "%s %s %s %llu:%02llu", shown ? "," : ":", s->g->nodes[i]->name,
			curstep(r), secs / 60, secs % 60);
		shown++;
	}
	if (s->nrun > shown)
		bufprintf(&b, " …");
	eta(&left, s);
	if (b.n > 160 - left.n)
		b.n = 160 - left.n;
	b.s[b.n] = '\0';
	bufputs(&b, left.s);
	buffree(&left);
	fprintf(stderr, "\r\033[K%s%s%s", st->color ? "\033[1m" : "", b.s, st->color ? "\033[0m" : "");
	fflush(stderr);
	st->drawn = 1;
	buffree(&b);
}

static void
timer_cb(uv_timer_t *t)
{
	struct status *st = t->data;

	if (st->s->nrun)
		draw(st);
}

void
status_init(struct status *st, uv_loop_t *loop, struct sched *s, int quiet)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

	memset(st, 0, sizeof(*st));
	st->s = s;
	st->quiet = quiet;
	st->tty = !quiet && isatty(2) && term && strcmp(term, "dumb");
	st->color = st->tty && !(nc && *nc);
	st->t0 = nowns();
	if (st->tty) {
		uv_timer_init(loop, &st->timer);
		st->timer.data = st;
		uv_timer_start(&st->timer, timer_cb, 1000, 1000);
		uv_unref((uv_handle_t *)&st->timer);
		st->started = 1;
	}
}

void
status_clear(struct status *st)
{
	if (st->drawn) {
		fprintf(stderr, "\r\033[K");
		fflush(stderr);
		st->drawn = 0;
	}
}

void
status_update(struct status *st, struct node *n)
{
	struct nrun *r = n->data;
	double secs = (nowns() - r->t0) / 1e9;

	if (st->quiet)
		return;
	if (st->tty) {
		if (r->st == N_DONE || r->st == N_FAILED) {
			status_clear(st);
			fprintf(stderr, "%s %s (%.1f s)\n", r->st == N_DONE ? r->restored ?
				"restored" : "built" : "FAILED", n->name, secs);
		}
		draw(st);
		return;
	}
	switch (r->st) {
	case N_RUN:
		fprintf(stderr, "mlfs: [%zu/%zu] %s: %s\n", st->s->ndone, st->s->ntodo, n->name,
			curstep(r));
		break;
	case N_DONE:
		fprintf(stderr, "mlfs: [%zu/%zu] %s: %s (%.1f s)\n", st->s->ndone, st->s->ntodo,
			n->name, r->restored ? "restored" : "merged", secs);
		break;
	case N_FAILED:
		fprintf(stderr, "mlfs: [%zu/%zu] %s: FAILED at %s\n", st->s->ndone, st->s->ntodo,
			n->name, r->failedat ? r->failedat : curstep(r));
		break;
	case N_STOPPED:
		fprintf(stderr, "mlfs: %s: interrupted\n", n->name);
		break;
	default:
		break;
	}
}

void
status_note(struct status *st, const char *node, const char *msg)
{
	strvtake(&st->notes, xasprintf("%s: %s", node, msg));
	if (!st->quiet && !st->tty)
		fprintf(stderr, "mlfs: %s: %s\n", node, msg);
}

void
status_summary(struct status *st)
{
	size_t failed = 0, blocked = 0, stopped = 0, restored = 0;
	struct sched *s = st->s;

	for (size_t i = 0; i < s->g->n; i++) {
		failed += s->runs[i].st == N_FAILED;
		blocked += s->runs[i].st == N_BLOCKED || (s->runs[i].st == N_READY && s->stopping) ||
			(s->runs[i].st == N_WAIT && s->stopping);
		stopped += s->runs[i].st == N_STOPPED;
		restored += s->runs[i].st == N_DONE && s->runs[i].restored;
	}
	status_clear(st);
	if (st->tty)
		for (size_t i = 0; i < st->notes.n; i++)
			fprintf(stderr, "mlfs: note: %s\n", st->notes.v[i]);
	if (st->quiet && !failed && !stopped)
		return;
	fprintf(stderr, "mlfs: %zu of %zu node(s) built in %.1f s", s->ndone, s->ntodo,
		(nowns() - st->t0) / 1e9);
	if (restored)
		fprintf(stderr, " (%zu restored from the cache)", restored);
	if (failed)
		fprintf(stderr, ", %zu failed", failed);
	if (blocked)
		fprintf(stderr, ", %zu not started", blocked);
	if (stopped)
		fprintf(stderr, ", %zu interrupted", stopped);
	fputc('\n', stderr);
}

void
status_release(struct status *st)
{
	if (st->started) {
		uv_timer_stop(&st->timer);
		st->started = 0;
	}
	strvfree(&st->notes);
}
