/* t-os: the OS helpers: atomic writes that follow no planted link, tree
   removal that never leaves the tree, links, fresh directories, paths and
   running a program */
#include "unit.h"
#include <fcntl.h>
#include <sys/stat.h>
#include "util.h"

static char *dir;

static char *
at(const char *rel)
{
	return pathjoin(dir, rel);
}

/* a link planted at writefile's temp name is replaced, not followed: the
   file it points to stays as it was and path becomes a regular file */
static void
test_writefile_planted_link(void **state)
{
	char *victim = at("victim"), *path = at("conf"), *text;
	char *tmp = xasprintf("%s.tmp.%d", path, (int)getpid());
	struct stat st;

	assert_int_equal(writefile(victim, "precious\n", 9, 0644), 0);
	assert_int_equal(symlink(victim, tmp), 0);
	assert_int_equal(writefile(path, "new\n", 4, 0600), 0);
	text = readfile(victim, NULL);
	assert_string_equal(text, "precious\n");
	free(text);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);
	text = readfile(path, NULL);
	assert_string_equal(text, "new\n");
	free(text);
	assert_false(exists(tmp));
	free(tmp);
	free(victim);
	free(path);
}

/* rmtree removes links, not what they point to; read-only directories go too */
static void
test_rmtree_stays_inside(void **state)
{
	char *outside = at("outside"), *tree = at("tree"), *keep = at("outside/keep");
	char *sub = at("tree/sub"), *ro = at("tree/ro");

	assert_int_equal(mkdirs(outside, 0755), 0);
	assert_int_equal(writefile(keep, "k", 1, 0644), 0);
	assert_int_equal(mkdirs(sub, 0755), 0);
	assert_int_equal(mkdirs(ro, 0755), 0);
	assert_int_equal(unit_sh("ln -s '%s' '%s/link' && ln -s '%s' '%s/filelink' && "
		"touch '%s/f' && chmod 0500 '%s'", outside, sub, keep, sub, ro, ro), 0);
	assert_int_equal(rmtree(tree), 0);
	assert_false(exists(tree));
	assert_true(exists(keep));
	assert_int_equal(rmtree(tree), 0);  /* absent: no error */
	/* a link given as the tree is removed itself */
	char *l = at("l");
	assert_int_equal(symlink(outside, l), 0);
	assert_int_equal(rmtree(l), 0);
	assert_false(exists(l));
	assert_true(exists(keep));
	free(l);
	free(outside);
	free(tree);
	free(keep);
	free(sub);
	free(ro);
}

static void
test_replacelink(void **state)
{
	char *l = at("ln"), buf[64];
	ssize_t n;

	assert_int_equal(replacelink("one", l), 0);
	assert_int_equal(replacelink("two", l), 0);
	n = readlink(l, buf, sizeof(buf) - 1);
	assert_int_equal(n, 3);
	buf[n] = '\0';
	assert_string_equal(buf, "two");
	free(l);
}

static void
test_freshdir(void **state)
{
	char *d = at("fresh/a"), *f = at("fresh/a/x");

	assert_int_equal(freshdir(d), 0);
	assert_int_equal(freshdir(d), 0);
	assert_int_equal(writefile(f, "x", 1, 0644), 0);
	assert_int_equal(freshdir(d), 1);
	free(d);
	free(f);
}

static void
test_paths(void **state)
{
	char *s;

	s = dirof("/a/b/c");
	assert_string_equal(s, "/a/b");
	free(s);
	s = dirof("/a");
	assert_string_equal(s, "/");
	free(s);
	s = dirof("a");
	assert_string_equal(s, "/");
	free(s);
	assert_string_equal(baseof("/a/b/c"), "c");
	assert_string_equal(baseof("c"), "c");
	s = abspath("/a/./b/../c//d/");
	assert_string_equal(s, "/a/c/d");
	free(s);
	s = pathjoin("/a/", "/b");
	assert_string_equal(s, "/a/b");
	free(s);
}

static void
test_runwait(void **state)
{
	char *ok[] = {"sh", "-c", "exit 3", NULL};
	char *sig[] = {"sh", "-c", "kill -TERM $$", NULL};
	char *none[] = {"/nonexistent/prog", NULL};

	assert_int_equal(runwait(ok, NULL), 3);
	assert_int_equal(runwait(sig, NULL), 128 + 15);
	unit_capture_begin();
	int rc = runwait(none, NULL);
	char *err = unit_capture_end();
	assert_true(rc == -1 || rc == 127);
	free(err);
}

static int
setup(void **state)
{
	dir = unit_tmpdir();
	return 0;
}

static int
teardown(void **state)
{
	unit_rmrf(dir);
	free(dir);
	return 0;
}

static void
test_pathrel(void **state)
{
	char *s;

	s = pathrel("/lib64", "/usr/lib/ld-linux-x86-64.so.2");
	assert_string_equal(s, "../usr/lib/ld-linux-x86-64.so.2");
	free(s);
	s = pathrel("/usr/lib", "/usr/lib32/ld-linux.so.2");
	assert_string_equal(s, "../lib32/ld-linux.so.2");
	free(s);
	s = pathrel("/usr/lib", "/usr/lib/x");
	assert_string_equal(s, "x");
	free(s);
	s = pathrel("/", "/usr/lib");
	assert_string_equal(s, "usr/lib");
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_writefile_planted_link, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rmtree_stays_inside, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replacelink, setup, teardown),
		cmocka_unit_test(test_pathrel),
		cmocka_unit_test_setup_teardown(test_freshdir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_runwait, setup, teardown),
	};
	return cmocka_run_group_tests_name("os", tests, NULL, NULL);
}
