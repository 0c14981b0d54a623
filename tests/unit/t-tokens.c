/* t-tokens: the tokens real GNU make processes hold, estimated from /proc */
#include "unit.h"
#include <errno.h>
#include <signal.h>
#include "tokens.h"
#include "util.h"

/* start make in dir with args (NULL-terminated) and no jobserver of ours */
static pid_t
startmake(const char *dir, const char *jobs)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		unsetenv("MAKEFLAGS");
		unsetenv("MFLAGS");
		unsetenv("MAKELEVEL");
		execlp("make", "make", "-s", jobs, "-C", dir, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* wait until dir/name exists (the job started); fails after a minute */
static void
await(const char *dir, const char *name)
{
	char *p = xasprintf("%s/%s", dir, name);

	for (int i = 0; i < 60000 && access(p, F_OK) < 0; i++)
		usleep(1000);
	if (access(p, F_OK) < 0)
		fail_msg("'%s' never appeared", p);
	free(p);
}

static void
finish(const char *dir, pid_t pid)
{
	int st;

	unit_write(dir, "go", "");
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* recipe lines of a job that marks its start and waits for dir/go */
static char *
waiting(const char *dir, const char *targets)
{
	return xasprintf("all: %s\n%s:\n\t@touch $@.on; while [ ! -e %s/go ]; do sleep 0.02; done\n",
		targets, targets, dir);
}

static void
t_client(void **state)
{
	assert_true(tokens_client("make"));
	assert_true(tokens_client("gmake"));
	assert_true(tokens_client("ninja"));
	assert_false(tokens_client("bash"));
	assert_false(tokens_client("maker"));
	assert_false(tokens_client(""));
}

/* make -j3 running three jobs holds two tokens; nothing under other roots */
static void
t_one_make(void **state)
{
	char *d = unit_tmpdir(), *mk = waiting(d, "a b c");
	pid_t pid, other;
	int roots[2];

	unit_write(d, "Makefile", mk);
	pid = startmake(d, "-j3");
	await(d, "a.on");
	await(d, "b.on");
	await(d, "c.on");
	roots[0] = pid;
	assert_int_equal(tokens_held(roots, 1), 2);
	/* an unrelated tree (a sleep) holds none, and no roots none */
	other = fork();
	assert_true(other >= 0);
	if (other == 0) {
		execlp("sleep", "sleep", "60", (char *)NULL);
		_exit(127);
	}
	roots[1] = other;
	assert_int_equal(tokens_held(roots + 1, 1), 0);
	assert_int_equal(tokens_held(roots, 2), 2);
	assert_int_equal(tokens_held(roots, 0), 0);
	kill(other, SIGKILL);
	waitpid(other, NULL, 0);
	finish(d, pid);
	unit_sh("rm -rf '%s'", d);
	free(mk);
	free(d);
}

/* the root is the shell a step runs: a make with two jobs (one of them a
   sub-make with two of its own) holds one token, the sub-make one more */
static void
t_sub_make(void **state)
{
	char *d = unit_tmpdir(), *sub = xasprintf("%s/sub", d), *mk = waiting(d, "p q");
	char *top = xasprintf("all: x s\nx:\n\t@touch $@.on; while [ ! -e %s/go ]; do sleep 0.02; done\n"
		"s:\n\t+$(MAKE) -s -C sub\n", d);
	pid_t sh;
	int root;

	unit_write(d, "Makefile", top);
	unit_write(sub, "Makefile", mk);
	sh = fork();
	assert_true(sh >= 0);
	if (sh == 0) {
		unsetenv("MAKEFLAGS");
		unsetenv("MFLAGS");
		unsetenv("MAKELEVEL");
		execlp("sh", "sh", "-c", "make -s -j4 -C \"$1\"; exit $?", "sh", d, (char *)NULL);
		_exit(127);
	}
	await(d, "x.on");
	await(sub, "p.on");
	await(sub, "q.on");
	root = sh;
	assert_int_equal(tokens_held(&root, 1), 2);
	finish(d, sh);
	unit_sh("rm -rf '%s'", d);
	free(top);
	free(mk);
	free(sub);
	free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_client),
		cmocka_unit_test(t_one_make),
		cmocka_unit_test(t_sub_make),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
