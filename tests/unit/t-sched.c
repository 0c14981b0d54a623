/* t-sched: the scheduler against a fake runner: -j, dependency order,
   failures, -k, interruption and the journal it writes */
#include "unit.h"
#include <fcntl.h>
#include "graph.h"
#include "journal.h"
#include "profile.h"
#include "recipe.h"
#include "sched.h"
#include "util.h"

static struct profiles prof;

/* the fake runner: steps are queued and finished by the test */
struct fake {
	struct sched *s;
	struct node *running[64];
	int nrunning, maxrunning;
	int starts;
	struct strv order;      /* nodes in the order they were merged */
	struct strv failsteps;  /* "node/step" that fail */
	int killed;
	int begun;              /* nodes begun */
	struct node *lastbegun;
	int slots;              /* free slots of a fake pool (with acquire) */
	int waiting;            /* what slotwait said last */
	int waitcalls;          /* how often it was called */
};

static int
fbegin(void *ctx, struct node *n, struct strv *steps)
{
	struct fake *f = ctx;

	f->begun++;
	f->lastbegun = n;
	strvadd(steps, "configure");
	strvadd(steps, "build");
	return 0;
}

static int
fstart(void *ctx, struct node *n, const char *step)
{
	struct fake *f = ctx;

	/* every dependency is merged before a node's first step */
	for (size_t i = 0; i < n->ndeps; i++)
		assert_true(!n->deps[i]->run || strvfind(&f->order, n->deps[i]->name) >= 0);
	f->running[f->nrunning++] = n;
	f->starts++;
	return 0;
}

static int
ffinish(void *ctx, struct node *n)
{
	struct fake *f = ctx;

	strvadd(&f->order, n->name);
	return 0;
}

static void
fkill(void *ctx, int sig)
{
	((struct fake *)ctx)->killed = sig;
}

static int
facquire(void *ctx)
{
	struct fake *f = ctx;

	if (!f->slots)
		return 0;
	f->slots--;
	return 1;
}

static void
frelease(void *ctx, struct node *n, int idle)
{
	((struct fake *)ctx)->slots++;
}

static void
fslotwait(void *ctx, int waiting)
{
	struct fake *f = ctx;

	/* told only on a change */
	assert_int_not_equal(waiting, f->waiting);
	f->waiting = waiting;
	f->waitcalls++;
}

static void
fprogress(void *ctx, struct node *n)
{
	struct fake *f = ctx;
	int held = 0;

	for (size_t i = 0; i < f->s->g->n; i++)
		held += f->s->runs[i].holds;
	if (held > f->maxrunning)
		f->maxrunning = held;
}

/* finish the oldest running step */
static void
finishone(struct fake *f)
{
	struct node *n = f->running[0];
	struct nrun *r = n->data;
	char key[256];

	memmove(f->running, f->running + 1, --f->nrunning * sizeof(*f->running));
	snprintf(key, sizeof(key), "%s/%s", n->name, r->steps.v[r->step]);
	sched_stepdone(f->s, n, strvfind(&f->failsteps, key) >= 0 ? 2 : 0);
}

static int chainset;  /* mkset writes a lone node and a chain instead */

static void
mkset(const char *dir)
{
	if (chainset) {
		unit_write(dir, "aa/recipe.json", "{\"name\":\"aa\",\"version\":\"1\",\"stage\":\"system\"}");
		unit_write(dir, "zz1/recipe.json", "{\"name\":\"zz1\",\"version\":\"1\",\"stage\":\"system\"}");
		unit_write(dir, "zz2/recipe.json", "{\"name\":\"zz2\",\"version\":\"1\",\"stage\":\"system\",\"depends\":[\"zz1\"]}");
		unit_write(dir, "zz3/recipe.json", "{\"name\":\"zz3\",\"version\":\"1\",\"stage\":\"system\",\"depends\":[\"zz2\"]}");
		unit_write(dir, "aa/build.sh", "");
		unit_write(dir, "zz1/build.sh", "");
		unit_write(dir, "zz2/build.sh", "");
		unit_write(dir, "zz3/build.sh", "");
		return;
	}
	/* a <- b <- d, a <- c; e alone; all for 32 and 64 */
	unit_write(dir, "a/recipe.json", "{\"name\":\"a\",\"version\":\"1\",\"stage\":\"system\",\"abis\":\"all\"}");
	unit_write(dir, "b/recipe.json", "{\"name\":\"b\",\"version\":\"1\",\"stage\":\"system\",\"abis\":\"all\",\"depends\":[\"a\"]}");
	unit_write(dir, "c/recipe.json", "{\"name\":\"c\",\"version\":\"1\",\"stage\":\"system\",\"abis\":\"all\",\"depends\":[\"a\"]}");
	unit_write(dir, "d/recipe.json", "{\"name\":\"d\",\"version\":\"1\",\"stage\":\"system\",\"abis\":\"all\",\"depends\":[\"b\"]}");
	unit_write(dir, "e/recipe.json", "{\"name\":\"e\",\"version\":\"1\",\"stage\":\"system\",\"abis\":\"all\"}");
	for (const char *p = "abcde"; *p; p++) {
		char rel[32];
		snprintf(rel, sizeof(rel), "%c/build.sh", *p);
		unit_write(dir, rel, "");
	}
}

struct world {
	char *dir;
	struct recipeset rs;
	struct graph g;
	struct journal j;
	struct sched s;
	struct fake f;
	struct runner run;
};

static void
wopen(struct world *w, int jobs, int keep)
{
	struct strv abis = {0};
	char *jp;

	memset(w, 0, sizeof(*w));
	w->dir = unit_tmpdir();
	mkset(w->dir);
	strvadd(&abis, "32");
	strvadd(&abis, "64");
	assert_int_equal(recipes_load(&w->rs, w->dir, w->dir, &prof), 0);
	assert_int_equal(graph_build(&w->g, &w->rs, &prof, &abis, 0), 0);
	strvfree(&abis);
	graph_keys(&w->g, &prof, "");
	for (size_t i = 0; i < w->g.n; i++)
		w->g.nodes[i]->run = 1;
	jp = xasprintf("%s/journal.jsonl", w->dir);
	assert_int_equal(journal_open(&w->j, jp), 0);
	free(jp);
	w->run = (struct runner){.ctx = &w->f, .begin = fbegin, .start = fstart, .finish = ffinish,
		.killall = fkill, .progress = fprogress};
	sched_init(&w->s, &w->g, &w->j, &w->run, jobs, keep);
	w->f.s = &w->s;
}

static void
wdrive(struct world *w)
{
	sched_pump(&w->s);
	while (w->f.nrunning)
		finishone(&w->f);
	assert_true(sched_finished(&w->s));
}

static void
wclose(struct world *w)
{
	sched_release(&w->s);
	journal_close(&w->j);
	graph_release(&w->g);
	recipes_release(&w->rs);
	strvfree(&w->f.order);
	strvfree(&w->f.failsteps);
	unit_rmrf(w->dir);
	free(w->dir);
}

static void
test_parallel_limit(void **state)
{
	struct world w;

	for (int jobs = 1; jobs <= 4; jobs++) {
		wopen(&w, jobs, 1);
		wdrive(&w);
		assert_int_equal(w.f.order.n, 10);
		assert_int_equal(w.s.ndone, 10);
		assert_int_equal(w.f.maxrunning, jobs);
		assert_int_equal(w.f.starts, 20);
		wclose(&w);
	}
}

static void
test_failure_blocks_dependents(void **state)
{
	struct world w;

	wopen(&w, 1, 1);
	strvadd(&w.f.failsteps, "b:32/build");
	wdrive(&w);
	assert_int_equal(sched_state(&w.s, graph_get(&w.g, "b:32"))->st, N_FAILED);
	assert_int_equal(w.s.nfail, 1);
	/* nothing starts after the first failure with -k 1: b:32 was the last node
	   begun, every other one begun was merged, and some were never begun */
	assert_ptr_equal(w.f.lastbegun, graph_get(&w.g, "b:32"));
	assert_int_equal(w.f.order.n, w.f.begun - 1);
	assert_true(w.f.begun < 10);
	assert_int_equal(sched_state(&w.s, graph_get(&w.g, "d:32"))->st, N_BLOCKED);
	assert_int_equal(journal_get(&w.j, "b:32")->ev, J_FAILED);
	assert_string_equal(journal_get(&w.j, "b:32")->step, "build");
	wclose(&w);
}

static void
test_keep_going(void **state)
{
	struct world w;

	wopen(&w, 2, 10);
	strvadd(&w.f.failsteps, "b:32/configure");
	wdrive(&w);
	/* everything independent of b:32 is built; d:32 is blocked */
	assert_int_equal(w.f.order.n, 8);
	assert_int_equal(sched_state(&w.s, graph_get(&w.g, "d:32"))->st, N_BLOCKED);
	assert_int_equal(sched_state(&w.s, graph_get(&w.g, "d:64"))->st, N_DONE);
	assert_int_equal(sched_state(&w.s, graph_get(&w.g, "e:32"))->st, N_DONE);
	assert_null(journal_get(&w.j, "d:32"));
	wclose(&w);
}

static void
test_interrupt(void **state)
{
	struct world w;
	struct node *n;

	wopen(&w, 3, 1);
	sched_pump(&w.s);
	assert_int_equal(w.f.nrunning, 3);
	sched_interrupt(&w.s, 2);
	assert_int_equal(w.f.killed, 2);
	/* the running steps die of the signal */
	while (w.f.nrunning) {
		n = w.f.running[0];
		memmove(w.f.running, w.f.running + 1, --w.f.nrunning * sizeof(*w.f.running));
		sched_stepdone(&w.s, n, -2);
		assert_int_equal(sched_state(&w.s, n)->st, N_STOPPED);
		assert_int_equal(journal_get(&w.j, n->name)->ev, J_INTERRUPTED);
	}
	assert_true(sched_finished(&w.s));
	assert_int_equal(w.s.nrun, 0);
	wclose(&w);
}

/* a step killed by a signal mlfs did not send failed: it is not an interruption */
static void
test_killed_step_fails(void **state)
{
	struct world w;
	struct node *n;

	wopen(&w, 3, 1);
	sched_pump(&w.s);
	n = w.f.running[0];
	memmove(w.f.running, w.f.running + 1, --w.f.nrunning * sizeof(*w.f.running));
	sched_stepdone(&w.s, n, -9);
	assert_int_equal(sched_state(&w.s, n)->st, N_FAILED);
	assert_int_equal(sched_state(&w.s, n)->status, -9);
	assert_int_equal(journal_get(&w.j, n->name)->ev, J_FAILED);
	assert_int_equal(w.s.nfail, 1);
	assert_int_equal(w.s.signal, 0);
	wclose(&w);
}

static void
test_only_marked(void **state)
{
	struct world w;

	wopen(&w, 2, 1);
	sched_release(&w.s);
	for (size_t i = 0; i < w.g.n; i++)
		w.g.nodes[i]->run = 0;
	graph_get(&w.g, "c:64")->run = 1;
	sched_init(&w.s, &w.g, &w.j, &w.run, 2, 1);
	wdrive(&w);
	assert_int_equal(w.f.order.n, 1);
	assert_string_equal(w.f.order.v[0], "c:64");
	wclose(&w);
}

/* with one slot, the head of the longest chain starts before a lone node
   that comes first in plan order */
static void
test_critical_path(void **state)
{
	struct world w;

	chainset = 1;
	wopen(&w, 1, 1);
	chainset = 0;
	assert_string_equal(w.g.nodes[0]->name, "aa:64");
	sched_pump(&w.s);
	assert_int_equal(w.f.nrunning, 1);
	assert_string_equal(w.f.running[0]->name, "zz1:64");
	while (w.f.nrunning)
		finishone(&w.f);
	assert_int_equal(w.f.order.n, 4);
	assert_string_equal(w.f.order.v[0], "zz1:64");
	wclose(&w);
}

/* the pool is watched only while a ready node waits for a slot: with free
   slots and nothing ready (a chain), never; with one slot and many ready
   nodes, until the last of them has started */
static void
test_slotwait(void **state)
{
	struct world w;

	chainset = 1;
	wopen(&w, 8, 1);
	chainset = 0;
	w.run.acquire = facquire;
	w.run.release = frelease;
	w.run.slotwait = fslotwait;
	w.f.slots = 8;
	sched_pump(&w.s);
	assert_int_equal(w.f.nrunning, 2);
	while (w.f.nrunning) {
		finishone(&w.f);
		assert_int_equal(w.f.waiting, 0);
	}
	assert_int_equal(w.f.waitcalls, 0);
	assert_int_equal(w.f.order.n, 4);
	wclose(&w);

	wopen(&w, 1, 1);
	w.run.acquire = facquire;
	w.run.release = frelease;
	w.run.slotwait = fslotwait;
	w.f.slots = 1;
	sched_pump(&w.s);
	assert_int_equal(w.f.nrunning, 1);
	assert_int_equal(w.f.waiting, 1);
	while (w.f.nrunning) {
		int ready = 0;
		for (size_t i = 0; i < w.g.n; i++)
			ready += w.s.runs[i].st == N_READY;
		/* watching exactly while a ready node waits */
		assert_int_equal(w.f.waiting, ready > 0);
		finishone(&w.f);
	}
	assert_int_equal(w.f.waiting, 0);
	assert_int_equal(w.f.order.n, 10);
	wclose(&w);
}

/* a journal that cannot be written stops the build: the node whose start
   cannot be recorded does not run, and nothing starts after it */
static void
test_journal_failure(void **state)
{
	struct world w;
	int full = open("/dev/full", O_WRONLY | O_CLOEXEC);

	assert_true(full >= 0);
	wopen(&w, 2, 10);
	dup2(full, w.j.fd);
	close(full);
	unit_capture_begin();
	wdrive(&w);
	char *err = unit_capture_end();
	assert_non_null(strstr(err, "cannot write journal"));
	free(err);
	assert_int_equal(w.s.jfail, 1);
	assert_int_equal(w.f.starts, 0);
	assert_int_equal(w.f.order.n, 0);
	wclose(&w);
}

static int
setup(void **state)
{
	return profiles_load(&prof, "abi-profiles", "lfs");
}

static int
teardown(void **state)
{
	profiles_release(&prof);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parallel_limit),
		cmocka_unit_test(test_failure_blocks_dependents),
		cmocka_unit_test(test_keep_going),
		cmocka_unit_test(test_interrupt),
		cmocka_unit_test(test_killed_step_fails),
		cmocka_unit_test(test_only_marked),
		cmocka_unit_test(test_critical_path),
		cmocka_unit_test(test_slotwait),
		cmocka_unit_test(test_journal_failure),
	};
	return cmocka_run_group_tests_name("sched", tests, setup, teardown);
}
