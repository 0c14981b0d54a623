/*
 * The trace of a build. Node events arrive from the scheduler as it journals
 * them; the jobserver is sampled every half second (a line only when the
 * count of tokens in use changes) and so is the estimate of the time left (a
 * line every ten seconds at most). The journal keeps what a resume needs and
 * is compacted; the trace keeps what happened, for `mlfs report`.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include "graph.h"
#include "jobserver.h"
#include "journal.h"
#include "recipe.h"
#include "sched.h"
#include "trace.h"
#include "util.h"

enum { SAMPLE_MS = 500 };
#define ETA_EVERY_NS 10000000000ull

static double
childcpu(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_CHILDREN, &ru) < 0)
		return 0;
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
		ru.ru_stime.tv_usec / 1e6;
}

static double
since(const struct trace *t)
{
	return (nowns() - t->t0) / 1e9;
}

/* o with "ev" first, then its other keys in insertion order; takes o */
static void
emit(struct trace *t, const char *ev, json_t *o)
{
	json_t *line = json_object();
	const char *k;
	json_t *v;
	char *s;

	json_object_set_new(line, "ev", json_string(ev));
	json_object_foreach(o, k, v)
		json_object_set(line, k, v);
	json_decref(o);
	s = json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
	json_decref(line);
	if (s) {
		size_t n = strlen(s);
		s[n] = '\n';
		if (write(t->fd, s, n + 1) != (ssize_t)(n + 1))
			warn("cannot write the build trace:");
		free(s);
	}
}

/* keep the last keep builds of the text: cut before the keep-th build record
   from the end; returns where the kept part starts */
static const char *
keeplast(const char *text, size_t keep)
{
	const char *p = text + strlen(text), *cut = text;
	size_t seen = 0;

	while (p > text) {
		const char *line = p - 1;
		while (line > text && line[-1] != '\n')
			line--;
		if (startswith(line, "{\"ev\":\"build\"") && ++seen == keep) {
			cut = line;
			break;
		}
		p = line;
	}
	return cut;
}

void
trace_open(struct trace *t, const char *state)
{
	char *path = xasprintf("%s/trace.jsonl", state), *text;
	size_t len;

	memset(t, 0, sizeof(*t));
	t->fd = -1;
	t->used = -1;
	text = readfile(path, &len);
	if (text) {
		const char *keep = keeplast(text, TRACE_KEEP - 1);
		if (keep != text)
			writefile(path, keep, strlen(keep), 0644);
		free(text);
	}
	t->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (t->fd < 0)
		warn("cannot open the build trace '%s':", path);
	free(path);
}

static json_t *
nodelist(const struct sched *s)
{
	json_t *a = json_array();

	for (size_t i = 0; i < s->g->n; i++) {
		struct node *n = s->g->nodes[i];
		double best = 0;
		json_t *deps;
		if (s->runs[i].st == N_SKIP || s->runs[i].st == N_DONE)
			continue;
		deps = json_array();
		for (size_t k = 0; k < n->ndeps; k++)
			if (s->runs[n->deps[k]->index].st != N_SKIP)
				json_array_append_new(deps, json_string(n->deps[k]->name));
		for (size_t k = 0; k < n->nusers; k++)
			if (s->runs[n->users[k]->index].prio > best)
				best = s->runs[n->users[k]->index].prio;
		json_array_append_new(a, json_pack("{s:s, s:s, s:o, s:f}", "node", n->name,
			"stage", stage_name(n->r->stage), "deps", deps, "w", s->runs[i].prio - best));
	}
	return a;
}

static void
sample(struct trace *t)
{
	int size = t->js ? js_size(t->js) : 0;
	unsigned long long now = nowns();

	if (size > 0) {
		int pool = js_count(t->js);
		/* the implicit slot is used while mlfs holds anything */
		int used = pool < 0 ? -1 : size - 1 - pool + (js_held(t->js) > 0);
		if (used >= 0 && used != t->used) {
			t->used = used;
			emit(t, "tokens", json_pack("{s:f, s:i, s:i}", "t", since(t), "used", used,
				"size", size));
		}
	}
	if (t->s && now - t->etat >= ETA_EVERY_NS) {
		t->etat = now;
		emit(t, "eta", json_pack("{s:f, s:f}", "t", since(t), "left", trace_eta(t->s)));
	}
}

static void
timer_cb(uv_timer_t *h)
{
	sample(h->data);
}

void
trace_begin(struct trace *t, struct sched *s, uv_loop_t *loop, struct jobserver *js)
{
	struct timespec ts;

	if (t->fd < 0)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	t->t0 = nowns();
	t->cpu0 = childcpu();
	t->s = s;
	t->js = js;
	emit(t, "build", json_pack("{s:f, s:i, s:o, s:f}", "t", ts.tv_sec + ts.tv_nsec / 1e9,
		"jobs", s->maxjobs, "nodes", nodelist(s), "eta", trace_eta(s)));
	t->etat = t->t0;
	uv_timer_init(loop, &t->timer);
	t->timer.data = t;
	uv_timer_start(&t->timer, timer_cb, SAMPLE_MS, SAMPLE_MS);
	uv_unref((uv_handle_t *)&t->timer);
	t->timing = 1;
}

void
trace_node(struct trace *t, const char *node, int ev, const char *step, double secs)
{
	json_t *o;

	if (t->fd < 0 || !t->t0)
		return;
	o = json_pack("{s:f, s:s}", "t", since(t), "node", node);
	if (step)
		json_object_set_new(o, "step", json_string(step));
	if (secs > 0)
		json_object_set_new(o, "secs", json_real(secs));
	emit(t, journal_evname(ev), o);
	/* a node's slot came or went: the pool changed */
	if (ev == J_START || ev == J_MERGED || ev == J_FAILED || ev == J_INTERRUPTED)
		sample(t);
}

void
trace_ccache(struct trace *t, unsigned long long hits, unsigned long long misses)
{
	if (t->fd < 0 || !t->t0)
		return;
	emit(t, "ccache", json_pack("{s:f, s:I, s:I}", "t", since(t), "hits", (json_int_t)hits,
		"misses", (json_int_t)misses));
}

void
trace_end(struct trace *t, int rc)
{
	if (t->fd < 0 || !t->t0)
		return;
	emit(t, "end", json_pack("{s:f, s:i, s:f}", "t", since(t), "rc", rc,
		"cpu", childcpu() - t->cpu0));
}

void
trace_close(struct trace *t)
{
	if (t->timing)
		uv_timer_stop(&t->timer);
	t->timing = 0;
	/* fd 0 is a trace never opened (a zeroed struct) */
	if (t->fd > 0)
		close(t->fd);
	t->fd = -1;
}

/* the node's weight: its priority less the longest priority after it */
static double
ownweight(const struct sched *s, const struct node *n)
{
	double best = 0;

	for (size_t k = 0; k < n->nusers; k++)
		if (s->runs[n->users[k]->index].prio > best)
			best = s->runs[n->users[k]->index].prio;
	return s->runs[n->index].prio - best;
}

static int
pending(enum nstate st)
{
	return st == N_WAIT || st == N_READY || st == N_RUN;
}

double
trace_eta(const struct sched *s)
{
	const struct graph *g = s->g;
	double *rest = xcalloc(g->n ? g->n : 1, sizeof(*rest)), work = 0, path = 0;
	unsigned long long now = nowns();

	for (size_t i = g->n; i-- > 0;) {
		const struct node *n = g->nodes[i];
		const struct nrun *r = &s->runs[i];
		double w, after = 0;
		if (!pending(r->st))
			continue;
		w = ownweight(s, n);
		if (r->st == N_RUN)
			w -= (now - r->t0) / 1e9;
		if (w < 0)
			w = 0;
		for (size_t k = 0; k < n->nusers; k++)
			if (rest[n->users[k]->index] > after)
				after = rest[n->users[k]->index];
		rest[i] = w + after;
		work += w;
		if (rest[i] > path)
			path = rest[i];
	}
	free(rest);
	return work / s->maxjobs > path ? work / s->maxjobs : path;
}
