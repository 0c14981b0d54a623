/* t-plan: which nodes run and why, from the graph's keys and the journal */
#include "unit.h"
#include <fcntl.h>
#include <unistd.h>
#include "graph.h"
#include "journal.h"
#include "plan.h"
#include "profile.h"
#include "recipe.h"
#include "util.h"

static struct profiles prof;

struct pworld {
	char *dir, *state, *jpath;
	struct recipeset rs;
	struct graph g;
};

/* a <- b <- c, and d alone, for 64 */
static void
wopen(struct pworld *w)
{
	struct strv abis = {0};

	memset(w, 0, sizeof(*w));
	w->dir = unit_tmpdir();
	w->state = pathjoin(w->dir, "st");
	w->jpath = pathjoin(w->state, "journal.jsonl");
	unit_write(w->dir, "r/a/recipe.json", "{\"name\":\"a\",\"version\":\"1\",\"stage\":\"system\"}");
	unit_write(w->dir, "r/b/recipe.json", "{\"name\":\"b\",\"version\":\"1\",\"stage\":\"system\",\"depends\":[\"a\"]}");
	unit_write(w->dir, "r/c/recipe.json", "{\"name\":\"c\",\"version\":\"1\",\"stage\":\"system\",\"depends\":[\"b\"]}");
	unit_write(w->dir, "r/d/recipe.json", "{\"name\":\"d\",\"version\":\"1\",\"stage\":\"system\"}");
	for (const char *p = "abcd"; *p; p++) {
		char rel[32];
		snprintf(rel, sizeof(rel), "r/%c/build.sh", *p);
		unit_write(w->dir, rel, "");
	}
	char *r = pathjoin(w->dir, "r");
	assert_int_equal(recipes_load(&w->rs, r, r, &prof), 0);
	free(r);
	strvadd(&abis, "64");
	assert_int_equal(graph_build(&w->g, &w->rs, &prof, &abis, GRAPH_DECLARED), 0);
	strvfree(&abis);
	graph_keys(&w->g, &prof, "");
	assert_int_equal(mkdirs(w->state, 0755), 0);
}

static void
wclose(struct pworld *w)
{
	graph_release(&w->g);
	recipes_release(&w->rs);
	unit_rmrf(w->dir);
	free(w->jpath);
	free(w->state);
	free(w->dir);
}

/* journal node as merged with its key */
static void
merged(struct journal *j, const struct node *n)
{
	assert_int_equal(journal_start(j, n->name, n->key, n->own), 0);
	assert_int_equal(journal_record(j, n->name, J_MERGED, n->key, NULL, 1.5), 0);
}

static const char *
why(const struct pworld *w, const struct strv *whys, const char *node)
{
	return whys->v[graph_get(&w->g, node)->index];
}

/* nothing journaled: everything runs, never built */
static void
test_fresh(void **state)
{
	struct pworld w;
	struct strv whys = {0};

	wopen(&w);
	assert_int_equal(plan_decide(&w.g, w.state, &whys, 0), 4);
	assert_string_equal(why(&w, &whys, "c:64"), "never built");
	assert_false(exists(w.jpath));  /* planning writes nothing */
	strvfree(&whys);
	wclose(&w);
}

/* merged nodes are done; a changed key says what changed; failures name the step */
static void
test_why(void **state)
{
	struct pworld w;
	struct journal j;
	struct strv whys = {0};
	struct node *a, *b, *c, *d;
	char *s;

	wopen(&w);
	a = graph_get(&w.g, "a:64");
	b = graph_get(&w.g, "b:64");
	c = graph_get(&w.g, "c:64");
	d = graph_get(&w.g, "d:64");
	assert_int_equal(journal_open(&j, w.jpath), 0);
	merged(&j, a);
	merged(&j, b);
	merged(&j, c);
	assert_int_equal(journal_start(&j, d->name, d->key, d->own), 0);
	assert_int_equal(journal_record(&j, d->name, J_STEP, d->key, "configure", 1), 0);
	assert_int_equal(journal_record(&j, d->name, J_FAILED, d->key, "build", 0), 0);
	assert_null(plan_why(&j, a));
	s = plan_why(&j, d);
	assert_string_equal(s, "failed at step 'build'");
	free(s);
	journal_close(&j);

	/* a's recipe changes: a runs, b and c because of it */
	unit_write(w.dir, "r/a/build.sh", "build() { :; }\n");
	graph_release(&w.g);
	recipes_release(&w.rs);
	char *r = pathjoin(w.dir, "r");
	struct strv abis = {0};
	strvadd(&abis, "64");
	assert_int_equal(recipes_load(&w.rs, r, r, &prof), 0);
	assert_int_equal(graph_build(&w.g, &w.rs, &prof, &abis, GRAPH_DECLARED), 0);
	graph_keys(&w.g, &prof, "");
	strvfree(&abis);
	free(r);
	assert_int_equal(plan_decide(&w.g, w.state, &whys, 0), 4);
	assert_string_equal(why(&w, &whys, "a:64"), "recipe, profile or options changed");
	assert_string_equal(why(&w, &whys, "b:64"), "dependency 'a:64' will be rebuilt");
	assert_string_equal(why(&w, &whys, "c:64"), "dependency 'b:64' will be rebuilt");
	assert_string_equal(why(&w, &whys, "d:64"), "failed at step 'build'");
	strvfree(&whys);
	wclose(&w);
}

/* build c: only c and what it needs, and of those only what is not done;
   rebuild b: b whatever the journal says */
static void
test_scope_and_force(void **state)
{
	struct pworld w;
	struct journal j;
	struct strv whys = {0}, args = {0};

	wopen(&w);
	assert_int_equal(journal_open(&j, w.jpath), 0);
	merged(&j, graph_get(&w.g, "a:64"));
	merged(&j, graph_get(&w.g, "b:64"));
	journal_close(&j);
	strvadd(&args, "c");
	plan_scope(&w.g, &args);
	assert_int_equal(graph_get(&w.g, "c:64")->sel, SEL_SCOPE);
	assert_int_equal(graph_get(&w.g, "a:64")->sel, SEL_SCOPE);
	assert_int_equal(graph_get(&w.g, "d:64")->sel, SEL_NONE);
	assert_int_equal(plan_decide(&w.g, w.state, &whys, 1), 1);
	assert_true(graph_get(&w.g, "c:64")->run);
	assert_false(graph_get(&w.g, "b:64")->run);
	assert_false(graph_get(&w.g, "d:64")->run);
	strvfree(&whys);

	graph_unselect(&w.g);
	assert_int_equal(graph_select(&w.g, "b:64"), 0);
	graph_select_deps(&w.g, SEL_SCOPE);
	assert_int_equal(plan_decide(&w.g, w.state, &whys, 1), 1);
	assert_true(graph_get(&w.g, "b:64")->run);
	assert_string_equal(why(&w, &whys, "b:64"), "asked for");
	assert_false(graph_get(&w.g, "a:64")->run);
	strvfree(&whys);
	strvfree(&args);
	wclose(&w);
}

/* the JSON plan carries every node, its key, whether it runs and why */
static void
test_print_json(void **state)
{
	struct pworld w;
	struct strv whys = {0};
	char *out;
	size_t n;

	wopen(&w);
	n = plan_decide(&w.g, w.state, &whys, 0);
	fflush(stdout);
	char *path = pathjoin(w.dir, "plan.json");
	int saved = dup(1), fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	dup2(fd, 1);
	close(fd);
	plan_print(&w.g, &whys, PLAN_JSON, n);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	out = readfile(path, NULL);
	assert_non_null(strstr(out, "\"name\": \"b:64\""));
	assert_non_null(strstr(out, graph_get(&w.g, "b:64")->key));
	assert_non_null(strstr(out, "\"why\": \"never built\""));
	free(out);
	free(path);
	strvfree(&whys);
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
		cmocka_unit_test(test_fresh),
		cmocka_unit_test(test_why),
		cmocka_unit_test(test_scope_and_force),
		cmocka_unit_test(test_print_json),
	};
	return cmocka_run_group_tests_name("plan", tests, setup, teardown);
}
