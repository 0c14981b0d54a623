/* t-journal: record and replay, torn and corrupt lines, compaction, versions */
#include "unit.h"
#include "journal.h"
#include "util.h"

static char *
jpath(char *dir)
{
	return xasprintf("%s/journal.jsonl", dir);
}

static void
test_replay(void **state)
{
	char *dir = unit_tmpdir(), *p = jpath(dir);
	struct journal j;
	const struct jstate *s;

	assert_int_equal(journal_open(&j, p), 0);
	assert_int_equal(journal_start(&j, "gmp:32", "k1", "own1"), 0);
	assert_int_equal(journal_record(&j, "gmp:32", J_STEP, "k1", "configure", 1.5), 0);
	assert_int_equal(journal_record(&j, "gmp:32", J_FAILED, "k1", "build", 0), 0);
	assert_int_equal(journal_record(&j, "zlib:64", J_START, "k2", NULL, 0), 0);
	assert_int_equal(journal_record(&j, "zlib:64", J_MERGED, "k2", NULL, 3.0), 0);
	journal_close(&j);
	assert_int_equal(journal_open(&j, p), 0);
	s = journal_get(&j, "gmp:32");
	assert_non_null(s);
	assert_int_equal(s->ev, J_FAILED);
	assert_string_equal(s->step, "build");
	assert_string_equal(s->key, "k1");
	assert_string_equal(s->own, "own1");
	s = journal_get(&j, "zlib:64");
	assert_int_equal(s->ev, J_MERGED);
	assert_true(s->secs > 2.9);
	assert_null(journal_get(&j, "nosuch:64"));
	journal_close(&j);
	unit_rmrf(dir);
	free(dir);
	free(p);
}

static void
test_torn_line(void **state)
{
	char *dir = unit_tmpdir(), *p = jpath(dir), *err;
	struct journal j;
	FILE *f;

	assert_int_equal(journal_open(&j, p), 0);
	journal_record(&j, "a:64", J_START, "k", NULL, 0);
	journal_record(&j, "a:64", J_MERGED, "k", NULL, 1);
	journal_close(&j);
	/* a crash in the middle of writing the next record */
	f = fopen(p, "a");
	fputs("{\"ev\":\"start\",\"key\":\"k\",\"node\":\"b:6", f);
	fclose(f);
	unit_capture_begin();
	assert_int_equal(journal_open(&j, p), 0);
	err = unit_capture_end();
	assert_contains(err, "torn last line");
	assert_null(journal_get(&j, "b:64"));
	assert_int_equal(journal_get(&j, "a:64")->ev, J_MERGED);
	/* the next record does not glue onto the torn one */
	journal_record(&j, "c:64", J_START, "k", NULL, 0);
	journal_close(&j);
	unit_capture_begin();
	assert_int_equal(journal_open(&j, p), 0);
	free(unit_capture_end());
	assert_int_equal(journal_get(&j, "c:64")->ev, J_START);
	journal_close(&j);
	free(err);
	unit_rmrf(dir);
	free(dir);
	free(p);
}

static void
test_corrupt_line(void **state)
{
	char *dir = unit_tmpdir(), *p = jpath(dir), *err;
	struct journal j;

	unit_write(dir, "journal.jsonl", "{\"mlfs_journal\":1}\n"
		"{\"node\":\"a:64\",\"ev\":\"start\",\"key\":\"k\"}\n"
		"not json at all\n"
		"{\"node\":\"a:64\",\"ev\":\"bogus\"}\n"
		"{\"node\":\"a:64\",\"ev\":\"merged\",\"key\":\"k\"}\n");
	unit_capture_begin();
	assert_int_equal(journal_open(&j, p), 0);
	err = unit_capture_end();
	assert_contains(err, "corrupt journal");
	assert_contains(err, "line 3 skipped");
	assert_contains(err, "line 4 skipped");
	assert_int_equal(journal_get(&j, "a:64")->ev, J_MERGED);
	journal_close(&j);
	free(err);
	unit_rmrf(dir);
	free(dir);
	free(p);
}

static void
test_compact(void **state)
{
	char *dir = unit_tmpdir(), *p = jpath(dir), *text;
	struct journal j;
	size_t len, lines = 0;

	assert_int_equal(journal_open(&j, p), 0);
	for (int round = 0; round < 60; round++) {
		journal_record(&j, "a:64", J_START, "k", NULL, 0);
		journal_record(&j, "a:64", J_STEP, "k", "build", 0);
		journal_record(&j, "b:32", J_START, "k2", NULL, 0);
	}
	journal_record(&j, "a:64", J_MERGED, "k", NULL, 2);
	journal_record(&j, "b:32", J_FAILED, "k2", "check", 0);
	assert_int_equal(journal_compact(&j, 0), 0);
	journal_record(&j, "c:x32", J_START, "k3", NULL, 0);
	journal_close(&j);
	text = readfile(p, &len);
	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	assert_true(lines <= 6);
	free(text);
	assert_int_equal(journal_open(&j, p), 0);
	assert_int_equal(journal_get(&j, "a:64")->ev, J_MERGED);
	assert_int_equal(journal_get(&j, "b:32")->ev, J_FAILED);
	assert_string_equal(journal_get(&j, "b:32")->step, "check");
	assert_int_equal(journal_get(&j, "c:x32")->ev, J_START);
	journal_close(&j);
	unit_rmrf(dir);
	free(dir);
	free(p);
}

static void
test_version(void **state)
{
	char *dir = unit_tmpdir(), *p = jpath(dir), *err, *old;
	struct journal j;

	unit_write(dir, "journal.jsonl", "{\"mlfs_journal\":99}\n{\"node\":\"a:64\",\"ev\":\"merged\"}\n");
	unit_capture_begin();
	assert_int_equal(journal_open(&j, p), 0);
	err = unit_capture_end();
	assert_contains(err, "unknown version");
	assert_null(journal_get(&j, "a:64"));
	old = xasprintf("%s.old", p);
	assert_true(exists(old));
	journal_close(&j);
	free(old);
	free(err);
	unit_rmrf(dir);
	free(dir);
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replay),
		cmocka_unit_test(test_torn_line),
		cmocka_unit_test(test_corrupt_line),
		cmocka_unit_test(test_compact),
		cmocka_unit_test(test_version),
	};
	return cmocka_run_group_tests_name("journal", tests, NULL, NULL);
}
