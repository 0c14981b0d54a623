/* t-report: a build's timeline, tables and critical path from its trace */
#include "unit.h"
#include "report.h"
#include "util.h"

/* a: unpack 0-1, configure 1-3, build 3-7, install 7-8, merge 8-9;
   b (needs a): 9-10 unpack, build 10-12, fails at check 12-13;
   c: independent, 0-4, interrupted in build; tokens and estimates sampled;
   a and c are of the book's cross stage, b of temp */
static const char trace[] =
	"{\"ev\":\"build\",\"t\":1700000000.5,\"jobs\":2,\"nodes\":["
	"{\"node\":\"a:64\",\"stage\":\"cross\",\"deps\":[],\"w\":8},"
	"{\"node\":\"b:64\",\"stage\":\"temp\",\"deps\":[\"a:64\"],\"w\":3},"
	"{\"node\":\"c:32\",\"stage\":\"cross\",\"deps\":[],\"w\":2}],\"eta\":11}\n"
	"{\"ev\":\"start\",\"t\":0,\"node\":\"a:64\"}\n"
	"{\"ev\":\"start\",\"t\":0,\"node\":\"c:32\"}\n"
	"{\"ev\":\"tokens\",\"t\":0.1,\"used\":2,\"size\":2}\n"
	"{\"ev\":\"step\",\"t\":3,\"node\":\"a:64\",\"step\":\"configure\",\"secs\":2}\n"
	"{\"ev\":\"interrupted\",\"t\":4,\"node\":\"c:32\",\"step\":\"build\"}\n"
	"{\"ev\":\"tokens\",\"t\":4,\"used\":1,\"size\":2}\n"
	"{\"ev\":\"step\",\"t\":7,\"node\":\"a:64\",\"step\":\"build\",\"secs\":4}\n"
	"{\"ev\":\"step\",\"t\":8,\"node\":\"a:64\",\"step\":\"install\",\"secs\":1}\n"
	"{\"ev\":\"staged\",\"t\":8,\"node\":\"a:64\"}\n"
	"{\"ev\":\"merged\",\"t\":9,\"node\":\"a:64\",\"secs\":9}\n"
	"{\"ev\":\"eta\",\"t\":9,\"left\":3}\n"
	"{\"ev\":\"start\",\"t\":9,\"node\":\"b:64\"}\n"
	"{\"ev\":\"step\",\"t\":12,\"node\":\"b:64\",\"step\":\"build\",\"secs\":2}\n"
	"{\"ev\":\"failed\",\"t\":13,\"node\":\"b:64\",\"step\":\"check\"}\n"
	"{\"ev\":\"ccache\",\"t\":13.4,\"hits\":3,\"misses\":1}\n"
	"{\"ev\":\"end\",\"t\":13.5,\"rc\":1,\"cpu\":30}\n";

static void
test_parse(void **state)
{
	struct report r;
	struct rnode *a, *b, *c;

	assert_int_equal(report_parse(&r, "trace", trace), 0);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.b[0].n, 3);
	a = report_node(&r.b[0], "a:64");
	b = report_node(&r.b[0], "b:64");
	c = report_node(&r.b[0], "c:32");
	assert_int_equal(a->st, R_MERGED);
	assert_int_equal(b->st, R_FAILED);
	assert_int_equal(c->st, R_INTERRUPTED);
	assert_string_equal(b->failstep, "check");
	assert_int_equal(a->nsteps, 5);
	const char *want[] = {"unpack", "configure", "build", "install", "merge"};
	const double t0[] = {0, 1, 3, 7, 8}, t1[] = {1, 3, 7, 8, 9};
	for (size_t i = 0; i < 5; i++) {
		assert_string_equal(a->steps[i].name, want[i]);
		assert_true(a->steps[i].t0 == t0[i] && a->steps[i].t1 == t1[i]);
	}
	assert_int_equal(b->nsteps, 3);
	assert_string_equal(b->steps[2].name, "check");
	assert_true(b->steps[2].t0 == 12 && b->steps[2].t1 == 13);
	/* the chain a, b is the critical path: 9 + 4 seconds */
	assert_true(r.b[0].critpath == 13);
	assert_true(a->crit && b->crit && !c->crit);
	assert_true(r.b[0].end == 13.5 && r.b[0].ended && r.b[0].rc == 1 && r.b[0].cpu == 30);
	assert_int_equal(r.b[0].ntokens, 2);
	assert_int_equal(r.b[0].netas, 1);
	report_release(&r);
}

static void
test_html_and_json(void **state)
{
	struct report r;
	struct buf b = {0};
	char *dir = unit_tmpdir(), *path = xasprintf("%s/r.json", dir), *text;
	FILE *f;

	assert_int_equal(report_parse(&r, "trace", trace), 0);
	report_html(&r, 0, &b);
	assert_non_null(strstr(b.s, "<svg"));
	assert_non_null(strstr(b.s, "b:64 check: 1.00 s"));
	assert_non_null(strstr(b.s, "✗ failed"));
	assert_non_null(strstr(b.s, "■ interrupted"));
	/* the lower bound: max(13 s critical path, 30 s CPU / 2 slots) */
	assert_non_null(strstr(b.s, "max(critical path, CPU / N) = 15.0 s"));
	/* the book's stages: cross has a (0-9, merged) and c (0-4), temp has b (9-13) */
	assert_non_null(strstr(b.s, "<tr><td>cross</td><td class=\"n\">2</td><td class=\"n\">1</td>"
		"<td class=\"n\">9.0 s</td><td class=\"n\">13.0 s</td>"));
	assert_non_null(strstr(b.s, "<tr><td>temp</td><td class=\"n\">1</td><td class=\"n\">0</td>"
		"<td class=\"n\">4.0 s</td>"));
	assert_non_null(strstr(b.s, "per step (the sum over nodes)"));
	assert_non_null(strstr(b.s, "3 hit(s), 1 miss(es): 75% of the compiles came from the cache"));
	/* the legend names the steps that ran (check ran, strip and patch did not) */
	assert_non_null(strstr(b.s, "</svg> check</span>"));
	assert_null(strstr(b.s, "</svg> strip</span>"));
	assert_null(strstr(b.s, "</svg> patch</span>"));
	f = fopen(path, "w");
	report_json(&r, 0, f);
	fclose(f);
	assert_int_equal(unit_sh("python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))[\"builds\"][0]; "
		"assert d[\"lower_bound\"] == 15 and d[\"critical_path\"] == 13, d; "
		"assert [n[\"status\"] for n in d[\"nodes\"]] == [\"merged\", \"failed\", \"interrupted\"]; "
		"assert [n[\"stage\"] for n in d[\"nodes\"]] == [\"cross\", \"temp\", \"cross\"]; "
		"assert d[\"stages\"][\"build\"] == 10, d[\"stages\"]; "
		"assert d[\"ccache_hits\"] == 3 and d[\"ccache_misses\"] == 1, d' %s", path), 0);
	text = readfile(path, NULL);
	assert_non_null(text);
	free(text);
	buffree(&b);
	report_release(&r);
	unit_sh("rm -rf %s", dir);
	free(path);
	free(dir);
}

static void
test_bad_line(void **state)
{
	struct report r;

	assert_int_equal(report_parse(&r, "tr", "{\"ev\":\"build\",\"t\":1,\"jobs\":1,\"nodes\":[]}\nnot json\n"), -1);
	report_release(&r);
	/* a torn last line of a killed build is not an error */
	assert_int_equal(report_parse(&r, "tr", "{\"ev\":\"build\",\"t\":1,\"jobs\":1,\"nodes\":[]}\n{\"ev\":\"sta"), 0);
	report_release(&r);
}

/* the merge's node time, measured on another clock, says the node began
   after its first step did: the unpack still ends where it begins or later */
static void
test_clocks(void **state)
{
	static const char tr[] =
		"{\"ev\":\"build\",\"t\":1,\"jobs\":1,\"nodes\":[{\"node\":\"a:64\",\"deps\":[]}]}\n"
		"{\"ev\":\"start\",\"t\":0,\"node\":\"a:64\"}\n"
		"{\"ev\":\"step\",\"t\":2,\"node\":\"a:64\",\"step\":\"build\",\"secs\":1.99}\n"
		"{\"ev\":\"merged\",\"t\":3,\"node\":\"a:64\",\"secs\":2.95}\n";
	struct report r;
	struct rnode *a;

	assert_int_equal(report_parse(&r, "tr", tr), 0);
	a = report_node(&r.b[0], "a:64");
	assert_string_equal(a->steps[0].name, "unpack");
	assert_true(a->steps[0].t0 <= a->steps[0].t1);
	assert_true(a->t0 <= a->steps[1].t0);
	report_release(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_html_and_json),
		cmocka_unit_test(test_bad_line),
		cmocka_unit_test(test_clocks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
