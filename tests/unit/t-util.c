/* t-util: messages (and where a thread sends them), buffers, string lists,
   strings */
#include "unit.h"
#include <errno.h>
#include <pthread.h>
#include "util.h"

static void
test_messages(void **state)
{
	char *err;

	unit_capture_begin();
	errno = ENOENT;
	assert_int_equal(error("open '%s':", "x"), -1);
	warn("plain %d", 3);
	err = unit_capture_end();
	assert_string_equal(err, "mlfs: error: open 'x': No such file or directory\n"
		"mlfs: warning: plain 3\n");
	free(err);
}

struct tmsg {
	FILE *f;
};

static void *
worker(void *arg)
{
	struct tmsg *t = arg;

	msgto(t->f);
	error("from the worker");
	msgto(NULL);
	return NULL;
}

/* a thread's messages go to its file; the others' still go to stderr */
static void
test_msgto_thread(void **state)
{
	char *path = xasprintf("/tmp/mlfs-unit-msg.%d", (int)getpid()), *text, *err;
	struct tmsg t = {fopen(path, "w")};
	pthread_t th;

	assert_non_null(t.f);
	unit_capture_begin();
	assert_int_equal(pthread_create(&th, NULL, worker, &t), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	error("from main");
	err = unit_capture_end();
	fclose(t.f);
	text = readfile(path, NULL);
	assert_string_equal(text, "mlfs: error: from the worker\n");
	assert_string_equal(err, "mlfs: error: from main\n");
	unlink(path);
	free(text);
	free(err);
	free(path);
}

static void
test_buf_strv(void **state)
{
	struct buf b = {0};
	struct strv sv = {0};

	bufputs(&b, "a");
	bufadd(&b, "bc", 2);
	bufprintf(&b, "%d", 42);
	assert_string_equal(b.s, "abc42");
	assert_int_equal(b.n, 5);
	buffree(&b);
	assert_null(b.s);
	strvadd(&sv, "x");
	strvtake(&sv, xstrdup("y"));
	assert_int_equal(strvfind(&sv, "y"), 1);
	assert_int_equal(strvfind(&sv, "z"), -1);
	assert_null(sv.v[sv.n]);
	strvfree(&sv);
	assert_int_equal(sv.n, 0);
}

static void
test_strings(void **state)
{
	char *s = xasprintf("%s-%d", "a", 1);

	assert_string_equal(s, "a-1");
	free(s);
	assert_true(endswith("file.json", ".json"));
	assert_false(endswith("json", ".json"));
	assert_true(startswith("/usr/lib", "/usr"));
	assert_int_equal(editdist("configure", "confgure"), 1);
	assert_int_equal(editdist("", "abc"), 3);
	assert_null(xstrdup(NULL));
	assert_true(nowns() > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_msgto_thread),
		cmocka_unit_test(test_buf_strv),
		cmocka_unit_test(test_strings),
	};
	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
