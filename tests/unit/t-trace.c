/* t-trace: the estimate of the time left, and the trace a report reads */
#include "unit.h"
#include <math.h>
#include "graph.h"
#include "journal.h"
#include "profile.h"
#include "recipe.h"
#include "report.h"
#include "sched.h"
#include "trace.h"
#include "util.h"

static struct profiles prof;

/* aa alone (30 s); zz1 (10 s) <- zz2 (20 s) <- zz3 (5 s); on ABI 64 */
static double
fweight(void *ctx, struct node *n)
{
	if (!strcmp(n->r->name, "aa"))
		return 30;
	return !strcmp(n->r->name, "zz1") ? 10 : !strcmp(n->r->name, "zz2") ? 20 : 5;
}

struct world {
	char *dir;
	struct recipeset rs;
	struct graph g;
	struct sched s;
	struct runner run;
};

static void
wopen(struct world *w, int jobs)
{
	struct strv abis = {0};

	memset(w, 0, sizeof(*w));
	w->dir = unit_tmpdir();
	unit_write(w->dir, "aa/recipe.json", "{\"name\":\"aa\",\"version\":\"1\",\"stage\":\"system\"}");
	unit_write(w->dir, "zz1/recipe.json", "{\"name\":\"zz1\",\"version\":\"1\",\"stage\":\"system\"}");
	unit_write(w->dir, "zz2/recipe.json",
		"{\"name\":\"zz2\",\"version\":\"1\",\"stage\":\"system\",\"depends\":[\"zz1\"]}");
	unit_write(w->dir, "zz3/recipe.json",
		"{\"name\":\"zz3\",\"version\":\"1\",\"stage\":\"system\",\"depends\":[\"zz2\"]}");
	for (const char *const *n = (const char *const[]){"aa", "zz1", "zz2", "zz3", NULL}; *n; n++) {
		char *rel = xasprintf("%s/build.sh", *n);
		unit_write(w->dir, rel, "");
		free(rel);
	}
	strvadd(&abis, "64");
	assert_int_equal(recipes_load(&w->rs, w->dir, w->dir, &prof), 0);
	assert_int_equal(graph_build(&w->g, &w->rs, &prof, &abis, GRAPH_DECLARED), 0);
	strvfree(&abis);
	for (size_t i = 0; i < w->g.n; i++)
		w->g.nodes[i]->run = 1;
	w->run = (struct runner){.weight = fweight};
	sched_init(&w->s, &w->g, NULL, &w->run, jobs, 1);
}

static void
wclose(struct world *w)
{
	sched_release(&w->s);
	graph_release(&w->g);
	recipes_release(&w->rs);
	unit_rmrf(w->dir);
	free(w->dir);
}

static struct nrun *
state(struct world *w, const char *node)
{
	return sched_state(&w->s, graph_get(&w->g, node));
}

static void
test_eta(void **state_)
{
	struct world w;

	/* -j 4: the chain of 35 s is longer than 65 s of work over 4 */
	wopen(&w, 4);
	assert_true(fabs(trace_eta(&w.s) - 35) < 1e-9);
	/* zz1 done: 25 s of chain is left, aa alone is longer */
	state(&w, "zz1:64")->st = N_DONE;
	assert_true(fabs(trace_eta(&w.s) - 30) < 1e-9);
	/* aa running for 12 of its 30 s: 18 s of it left */
	state(&w, "aa:64")->st = N_RUN;
	state(&w, "aa:64")->t0 = nowns() - 12000000000ull;
	assert_true(fabs(trace_eta(&w.s) - 25) < 0.1);
	/* a node over its time counts as nearly done, not as negative */
	state(&w, "aa:64")->t0 = nowns() - 100000000000ull;
	assert_true(fabs(trace_eta(&w.s) - 25) < 1e-9);
	wclose(&w);
	/* -j 1: the work left, 65 s, is the longer */
	wopen(&w, 1);
	assert_true(fabs(trace_eta(&w.s) - 65) < 1e-9);
	state(&w, "zz1:64")->st = N_DONE;
	state(&w, "zz2:64")->st = N_DONE;
	state(&w, "zz3:64")->st = N_DONE;
	state(&w, "aa:64")->st = N_DONE;
	assert_true(trace_eta(&w.s) == 0);
	wclose(&w);
}

/* the trace of a build, read back as the report reads it */
static void
test_trace_roundtrip(void **state_)
{
	struct world w;
	struct trace t;
	struct report r;
	char *path, *text;
	uv_loop_t *loop = uv_default_loop();

	wopen(&w, 2);
	trace_open(&t, w.dir);
	trace_begin(&t, &w.s, loop, NULL);
	trace_node(&t, "zz1:64", J_START, NULL, 0);
	trace_node(&t, "zz1:64", J_STEP, "build", 0.001);
	trace_node(&t, "zz1:64", J_STAGED, NULL, 0);
	trace_node(&t, "zz1:64", J_MERGED, NULL, 0.002);
	trace_node(&t, "aa:64", J_START, NULL, 0);
	trace_node(&t, "aa:64", J_FAILED, "configure", 0);
	trace_end(&t, 1);
	trace_close(&t);
	uv_close((uv_handle_t *)&t.timer, NULL);
	uv_run(loop, UV_RUN_DEFAULT);
	path = xasprintf("%s/trace.jsonl", w.dir);
	text = readfile(path, NULL);
	assert_non_null(text);
	assert_int_equal(report_parse(&r, path, text), 0);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.b[0].n, 4);
	assert_int_equal(r.b[0].jobs, 2);
	assert_true(fabs(r.b[0].eta0 - 35) < 1e-6);
	assert_true(r.b[0].ended && r.b[0].rc == 1 && r.b[0].cpu >= 0);
	struct rnode *z2 = report_node(&r.b[0], "zz2:64"), *z1 = report_node(&r.b[0], "zz1:64");
	assert_int_equal(z2->deps.n, 1);
	assert_string_equal(z2->deps.v[0], "zz1:64");
	assert_true(fabs(z2->est - 20) < 1e-6);
	assert_int_equal(z1->st, R_MERGED);
	assert_string_equal(z1->steps[z1->nsteps - 2].name, "build");
	assert_int_equal(report_node(&r.b[0], "aa:64")->st, R_FAILED);
	assert_int_equal(report_node(&r.b[0], "zz3:64")->st, R_UNFINISHED);
	report_release(&r);
	free(text);
	free(path);
	wclose(&w);
}

static int
setup(void **state_)
{
	return profiles_load(&prof, "abi-profiles", "lfs");
}

static int
teardown(void **state_)
{
	profiles_release(&prof);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_eta),
		cmocka_unit_test(test_trace_roundtrip),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
