/* t-step: one step run by step.c: the bash driver against a recipe's build.sh,
   its output and end in the node's log, the process group file, the status
   the callback gets, killing, and the paths a chrooted step sees */
#include "unit.h"
#include <signal.h>
#include "graph.h"
#include "profile.h"
#include "recipe.h"
#include "statedir.h"
#include "step.h"
#include "util.h"

static struct profiles prof;

struct world {
	char *dir, *state;
	struct recipeset rs;
	struct graph g;
	uv_loop_t loop;
	struct stepper sp;
	int ended, status;
	int pgidseen;
};

static void
done(void *ctx, struct node *n, int status)
{
	struct world *w = ctx;

	w->ended++;
	w->status = status;
}

/* a recipe "p" whose build() is body */
static void
wopen(struct world *w, const char *body)
{
	struct strv abis = {0};
	char *sh = xasprintf("build() {\n%s\n}\n", body);

	memset(w, 0, sizeof(*w));
	w->dir = unit_tmpdir();
	w->state = pathjoin(w->dir, "st");
	unit_write(w->dir, "r/p/recipe.json", "{\"name\":\"p\",\"version\":\"1\",\"stage\":\"system\"}");
	unit_write(w->dir, "r/p/build.sh", sh);
	free(sh);
	char *r = pathjoin(w->dir, "r");
	assert_int_equal(recipes_load(&w->rs, r, r, &prof), 0);
	free(r);
	strvadd(&abis, "64");
	assert_int_equal(graph_build(&w->g, &w->rs, &prof, &abis, 0), 0);
	strvfree(&abis);
	assert_int_equal(uv_loop_init(&w->loop), 0);
	w->sp = (struct stepper){.loop = &w->loop, .state = w->state, .recipes = w->rs.dir,
		.patches = w->rs.patchdir, .done = done, .ctx = w};
	char *src = state_srcdir(w->state, "p:64");
	assert_int_equal(mkdirs(src, 0755), 0);
	free(src);
}

/* the environment the driver needs */
static void
wenv(struct world *w, struct strv *env)
{
	char *recipe = pathjoin(w->rs.dir, "p"), *src = state_srcdir(w->state, "p:64");

	strvtake(env, xasprintf("PATH=%s", getenv("PATH")));
	strvtake(env, xasprintf("MLFS_RECIPE=%s", recipe));
	strvtake(env, xasprintf("MLFS_SRC=%s", src));
	strvadd(env, "MLFS_ABI=64");
	free(recipe);
	free(src);
}

static void
wclose(struct world *w)
{
	assert_int_equal(uv_loop_close(&w->loop), 0);
	graph_release(&w->g);
	recipes_release(&w->rs);
	unit_rmrf(w->dir);
	free(w->state);
	free(w->dir);
}

static char *
wlog(struct world *w)
{
	char *p = state_logpath(w->state, "p:64"), *text = readfile(p, NULL);

	free(p);
	assert_non_null(text);
	return text;
}

/* a failing step: its output and its status reach the log and the callback */
static void
test_status_and_log(void **state)
{
	struct world w;
	struct strv env = {0};
	char *log, *pg;

	wopen(&w, "\techo \"hello from $PWD\"\n\texit 3");
	wenv(&w, &env);
	assert_int_equal(step_start(&w.sp, graph_get(&w.g, "p:64"), "build", &env), 0);
	strvfree(&env);
	assert_non_null(w.sp.jobs);
	pg = state_pgidpath(w.state, "p:64");
	assert_true(exists(pg));  /* the process group is on record while it runs */
	uv_run(&w.loop, UV_RUN_DEFAULT);
	assert_int_equal(w.ended, 1);
	assert_int_equal(w.status, 3);
	assert_null(w.sp.jobs);
	assert_false(exists(pg));
	log = wlog(&w);
	assert_non_null(strstr(log, "step 'build' of 'p:64' started"));
	assert_non_null(strstr(log, "hello from "));
	assert_non_null(strstr(log, "/build/p/64/src"));
	assert_non_null(strstr(log, "step failed with status 3"));
	free(log);
	free(pg);
	wclose(&w);
}

/* the function for the node's ABI wins over the plain one */
static void
test_abi_function(void **state)
{
	struct world w;
	struct strv env = {0};
	char *log;

	wopen(&w, "\techo plain\n}\nbuild_64() {\n\techo for-64");
	wenv(&w, &env);
	assert_int_equal(step_start(&w.sp, graph_get(&w.g, "p:64"), "build", &env), 0);
	strvfree(&env);
	uv_run(&w.loop, UV_RUN_DEFAULT);
	assert_int_equal(w.status, 0);
	log = wlog(&w);
	assert_non_null(strstr(log, "for-64"));
	assert_null(strstr(log, "plain"));
	free(log);
	wclose(&w);
}

static void
killer(uv_timer_t *t)
{
	struct world *w = t->data;

	step_killall(&w->sp, SIGTERM);
	uv_close((uv_handle_t *)t, NULL);
}

/* killall reaches the whole process group, the sleep the step started too */
static void
test_killall(void **state)
{
	struct world w;
	struct strv env = {0};
	uv_timer_t t;

	wopen(&w, "\tsleep 60 & wait");
	wenv(&w, &env);
	assert_int_equal(step_start(&w.sp, graph_get(&w.g, "p:64"), "build", &env), 0);
	strvfree(&env);
	uv_timer_init(&w.loop, &t);
	t.data = &w;
	uv_timer_start(&t, killer, 200, 0);
	uv_run(&w.loop, UV_RUN_DEFAULT);
	assert_int_equal(w.ended, 1);
	assert_int_equal(w.status, -SIGTERM);
	wclose(&w);
}

/* a step that cannot start says so and the callback is not called */
static void
test_cannot_start(void **state)
{
	struct world w;
	struct strv env = {0};

	wopen(&w, "\ttrue");
	strvadd(&env, "PATH=/nonexistent");
	unit_capture_begin();
	int rc = step_start(&w.sp, graph_get(&w.g, "p:64"), "build", &env);
	char *err = unit_capture_end();
	strvfree(&env);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, "cannot start step 'build'"));
	free(err);
	uv_run(&w.loop, UV_RUN_DEFAULT);
	assert_int_equal(w.ended, 0);
	wclose(&w);
}

/* a chrooted step sees the state dir at /run/mlfs/state: in whole values, in
   lists and in MAKEFLAGS' fifo, which follows a space */
static void
test_inside_paths(void **state)
{
	struct stepper sp = {.state = "/var/st", .recipes = "/home/r", .patches = "/home/p"};
	struct strv env = {0};

	strvadd(&env, "MAKEFLAGS= -j3 --jobserver-auth=fifo:/var/st/jobserver");
	strvadd(&env, "MLFS_SRC=/var/st/build/p/64/src");
	strvadd(&env, "LIST=/home/r/include:/usr/lib:/home/p");
	strvadd(&env, "OTHER=/var/stx/y /usr/bin");
	strvadd(&env, "FLAGS=--with-x=/home/r/p");
	step_insideenv(&sp, &env);
	assert_string_equal(env.v[0], "MAKEFLAGS= -j3 --jobserver-auth=fifo:/run/mlfs/state/jobserver");
	assert_string_equal(env.v[1], "MLFS_SRC=/run/mlfs/state/build/p/64/src");
	assert_string_equal(env.v[2], "LIST=/run/mlfs/recipes/include:/usr/lib:/run/mlfs/patches");
	assert_string_equal(env.v[3], "OTHER=/var/stx/y /usr/bin");
	assert_string_equal(env.v[4], "FLAGS=--with-x=/run/mlfs/recipes/p");
	strvfree(&env);
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
		cmocka_unit_test(test_status_and_log),
		cmocka_unit_test(test_abi_function),
		cmocka_unit_test(test_killall),
		cmocka_unit_test(test_cannot_start),
		cmocka_unit_test(test_inside_paths),
	};
	return cmocka_run_group_tests_name("step", tests, setup, teardown);
}
