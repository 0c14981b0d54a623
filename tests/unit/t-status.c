/* t-status: the plain progress lines (stderr not a terminal), the steps they
   name (unpack, a step, merge), notes, the summary and --quiet */
#include "unit.h"
#include "graph.h"
#include "profile.h"
#include "recipe.h"
#include "sched.h"
#include "status.h"
#include "util.h"

static struct profiles prof;

struct sworld {
	char *dir;
	struct recipeset rs;
	struct graph g;
	struct sched s;
	struct runner run;
	uv_loop_t loop;
	struct status st;
	struct node *pending;    /* the node whose begin goes on "off the loop" */
};

static int
sbegin(void *ctx, struct node *n, struct strv *steps)
{
	struct sworld *w = ctx;

	w->pending = n;
	return 1;  /* the unpack goes on: sched_begun later */
}

static int
sstart(void *ctx, struct node *n, const char *step)
{
	return 0;
}

static int
sfinish(void *ctx, struct node *n)
{
	return 0;
}

static void
sprogress(void *ctx, struct node *n)
{
	struct sworld *w = ctx;

	status_update(&w->st, n);
}

static void
wopen(struct sworld *w, int quiet)
{
	struct strv abis = {0};

	memset(w, 0, sizeof(*w));
	w->dir = unit_tmpdir();
	unit_write(w->dir, "r/p/recipe.json", "{\"name\":\"p\",\"version\":\"1\",\"stage\":\"system\"}");
	unit_write(w->dir, "r/p/build.sh", "");
	char *r = pathjoin(w->dir, "r");
	assert_int_equal(recipes_load(&w->rs, r, r, &prof), 0);
	free(r);
	strvadd(&abis, "64");
	assert_int_equal(graph_build(&w->g, &w->rs, &prof, &abis, 0), 0);
	strvfree(&abis);
	w->g.nodes[0]->run = 1;
	w->run = (struct runner){.ctx = w, .begin = sbegin, .start = sstart, .finish = sfinish,
		.progress = sprogress};
	sched_init(&w->s, &w->g, NULL, &w->run, 1, 1);
	assert_int_equal(uv_loop_init(&w->loop), 0);
	status_init(&w->st, &w->loop, &w->s, quiet);
}

static void
wclose(struct sworld *w)
{
	status_release(&w->st);
	uv_run(&w->loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&w->loop), 0);
	sched_release(&w->s);
	graph_release(&w->g);
	recipes_release(&w->rs);
	unit_rmrf(w->dir);
	free(w->dir);
}

static void
test_plain_lines(void **state)
{
	struct sworld w;
	struct nrun *r;
	char *err;

	unit_capture_begin();  /* stderr is a file: plain lines */
	wopen(&w, 0);
	sched_pump(&w.s);
	r = sched_state(&w.s, w.pending);
	assert_int_equal(r->unpacking, 1);
	status_update(&w.st, w.pending);  /* shown as unpacking while it unpacks */
	strvadd(&r->steps, "build");
	sched_begun(&w.s, w.pending, 0);  /* the step starts */
	status_note(&w.st, "p:64", "check skipped: --no-check");
	sched_stepdone(&w.s, w.pending, 0);  /* merged */
	status_summary(&w.st);
	err = unit_capture_end();
	assert_non_null(strstr(err, "mlfs: [0/1] p:64: unpack\n"));
	assert_non_null(strstr(err, "mlfs: [0/1] p:64: build\n"));
	assert_non_null(strstr(err, "mlfs: p:64: check skipped: --no-check\n"));
	assert_non_null(strstr(err, "mlfs: [1/1] p:64: merged ("));
	assert_non_null(strstr(err, "mlfs: 1 of 1 node(s) built in "));
	assert_null(strchr(err, '\r'));
	free(err);
	wclose(&w);
}

static void
test_quiet(void **state)
{
	struct sworld w;
	char *err;

	unit_capture_begin();
	wopen(&w, 1);
	sched_pump(&w.s);
	strvadd(&sched_state(&w.s, w.pending)->steps, "build");
	sched_begun(&w.s, w.pending, 0);
	status_note(&w.st, "p:64", "a note");
	sched_stepdone(&w.s, w.pending, 0);
	status_summary(&w.st);
	err = unit_capture_end();
	assert_string_equal(err, "");
	free(err);
	wclose(&w);
}

static int
setup(void **state)
{
	unsetenv("TERM");
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
		cmocka_unit_test(test_plain_lines),
		cmocka_unit_test(test_quiet),
	};
	return cmocka_run_group_tests_name("status", tests, setup, teardown);
}
