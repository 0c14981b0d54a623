/* t-guest: boot the real QEMU guest (scripts/guest.sh's kernel) and run x32,
   32 and 64-bit programs of the host's tree in it */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include "guest.h"
#include "util.h"

static struct guest g;
static char *dir;      /* the test's temp dir: the state dir and a writable share */
static char *skipwhy;  /* why no guest can boot here */

static int
setup(void **state)
{
	dir = unit_tmpdir();
	if (guest_open(&g, dir, &skipwhy) < 0)
		fprintf(stderr, "t-guest: no guest: %s\n", skipwhy);
	return 0;
}

static int
teardown(void **state)
{
	guest_close(&g);
	unit_rmrf(dir);
	free(dir);
	free(skipwhy);
	return 0;
}

/* compile a program for mflag into dir/name, statically when stat */
static char *
program(const char *name, const char *mflag, int stat, const char *text)
{
	char *src = xasprintf("%s/%s.c", dir, name), *exe = xasprintf("%s/%s", dir, name);

	unit_write(dir, strrchr(src, '/') + 1, text);
	assert_int_equal(unit_sh("gcc %s %s -o '%s' '%s'", mflag, stat ? "-static" : "", exe, src), 0);
	free(src);
	return exe;
}

/* run argv in the guest with env and cwd, writable dir; its status, output in *out */
static int
rung(char *const *argv, char *const *env, const char *cwd, int timeout, char **out)
{
	char *log = xasprintf("%s/console.log", dir);
	struct strv rw = {0};
	int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644), rc;

	strvadd(&rw, dir);
	struct guestjob j = {.name = "t-guest", .rw = &rw, .cwd = cwd, .argv = argv, .env = env,
		.timeout = timeout, .outfd = fd};
	rc = guest_run(&g, &j);
	close(fd);
	*out = readfile(log, NULL);
	if (getenv("T_GUEST_VERBOSE"))
		fprintf(stderr, "--- console of the guest:\n%s---\n", *out ? *out : "");
	strvfree(&rw);
	free(log);
	return rc;
}

static const char hello[] =
	"#include <stdio.h>\n#include <stdlib.h>\n"
	"int main(void) {\n"
	"\tFILE *f = fopen(\"written\", \"w\");\n"
	"\tprintf(\"hello %d %s\\n\", (int)(8 * sizeof(void *)), getenv(\"GREETING\"));\n"
	"\tif (!f || fputs(\"x\", f) < 0 || fclose(f)) return 9;\n"
	"\treturn 3;\n}\n";

/* a dynamically linked x32 program of the host's tree runs in the guest, in
   its directory, with exactly its environment; it writes into the writable
   share; its output and exit status come back */
static void
t_x32_runs(void **state)
{
	char *exe, *out, *written;
	char *envv[] = {"GREETING=from-the-host", "PATH=/usr/bin:/bin", NULL};

	if (skipwhy)
		skip();
	written = xasprintf("%s/written", dir);
	exe = program("hello-x32", "-mx32", 0, hello);
	/* this kernel cannot: the guest is needed (on a kernel with x32 it is not) */
	char *argv[] = {exe, NULL};
	assert_int_equal(rung(argv, envv, dir, 0, &out), 3);
	assert_contains(out, "hello 32 from-the-host\n");
	assert_null(strstr(out, "\r"));
	free(out);
	/* its output is not a terminal, as on the host */
	char *tty[] = {"sh", "-c", "if test -t 1; then echo tty; else echo notty; fi", NULL};
	assert_int_equal(rung(tty, envv, "/", 0, &out), 0);
	assert_contains(out, "notty\n");
	assert_true(exists(written));
	free(out);
	/* no variable of the host's environment reaches the command */
	char *envprint[] = {"/usr/bin/env", NULL};
	setenv("MLFS_T_GUEST_LEAK", "1", 1);
	assert_int_equal(rung(envprint, envv, "/", 0, &out), 0);
	assert_contains(out, "GREETING=from-the-host");
	assert_null(strstr(out, "MLFS_T_GUEST_LEAK"));
	free(out);
	free(exe);
	free(written);
}

/* 32-bit and 64-bit static programs run too; a command that fails gives
   its status, and the host's root is read-only */
static void
t_abis_and_readonly(void **state)
{
	char *e32, *e64, *out;
	char *envv[] = {"PATH=/usr/bin:/bin", NULL};
	char *script, *argv[] = {"sh", "-c", NULL, NULL};

	if (skipwhy)
		skip();
	e32 = program("hello-32", "-m32", 1, hello);
	e64 = program("hello-64", "-m64", 1, hello);
	/* hello exits 3 */
	script = xasprintf("cd %s && { ./hello-32; [ $? = 3 ]; } && { ./hello-64; [ $? = 3 ]; } && "
		"! touch /usr/mlfs-guest-ro 2>/dev/null && exit 7", dir);
	argv[2] = script;
	assert_int_equal(rung(argv, envv, "/", 0, &out), 7);
	assert_contains(out, "hello 32 (null)");
	assert_contains(out, "hello 64 (null)");
	assert_false(exists("/usr/mlfs-guest-ro"));
	free(out);
	free(script);
	free(e32);
	free(e64);
}

/* a guest whose kernel crashes, and one that runs past its timeout, are
   errors naming the job; no qemu is left */
static void
t_crash_and_timeout(void **state)
{
	char *out, *err;
	char *envv[] = {"PATH=/usr/bin:/bin", NULL};
	char *crash[] = {"sh", "-c", "echo c >/proc/sysrq-trigger", NULL};
	char *hang[] = {"sleep", "600", NULL};

	if (skipwhy)
		skip();
	unit_capture_begin();
	assert_int_equal(rung(crash, envv, "/", 0, &out), -1);
	err = unit_capture_end();
	assert_contains(err, "'t-guest': the guest");
	assert_contains(err, "without an exit status");
	free(err);
	free(out);
	unit_capture_begin();
	assert_int_equal(rung(hang, envv, "/", 5, &out), -1);
	err = unit_capture_end();
	assert_contains(err, "'t-guest': the guest");
	assert_contains(err, "timeout of 5 s");
	free(err);
	free(out);
	assert_int_not_equal(unit_sh("pgrep -x -P %ld qemu-system-x86 >/dev/null", (long)getpid()), 0);
}

/* a step's environment for a guest: the jobserver's descriptors do not exist
   there, so MAKEFLAGS loses them and the job counts become the node's share */
static void
t_env(void **state)
{
	struct strv env = {0};

	strvadd(&env, "MAKEFLAGS=k -j4 --jobserver-fds=3,4 --jobserver-auth=3,4");
	strvadd(&env, "MLFS_JOBS=4");
	strvadd(&env, "NINJAJOBS=4");
	strvadd(&env, "CC=gcc -mx32");
	guest_env(&env, 1);
	assert_string_equal(env.v[0], "MAKEFLAGS=k -j1");
	assert_string_equal(env.v[1], "MLFS_JOBS=1");
	assert_string_equal(env.v[2], "NINJAJOBS=1");
	assert_string_equal(env.v[3], "CC=gcc -mx32");
	strvfree(&env);
}

/* guest_ident gives guest_open's id and makes no initramfs (preflight keys
   its kept answers with it at every build) */
static void
t_ident(void **state)
{
	char id[HASH_HEXMAX], *why = NULL;

	if (skipwhy)
		skip();
	assert_int_equal(guest_ident(id, &why), 0);
	assert_null(why);
	assert_string_equal(id, g.id);
	setenv("MLFS_GUEST", "off", 1);
	assert_int_equal(guest_ident(id, &why), -1);
	unsetenv("MLFS_GUEST");
	assert_non_null(strstr(why, "MLFS_GUEST=off"));
	assert_string_equal(id, "");
	free(why);
}

/* no qemu or no kernel: a reason, not a crash */
static void
t_missing(void **state)
{
	struct guest g2;
	char *why = NULL, *old = getenv("MLFS_GUEST_DIR") ? xstrdup(getenv("MLFS_GUEST_DIR")) : NULL;

	setenv("MLFS_GUEST_DIR", "/nonexistent/mlfs-guest", 1);
	assert_int_equal(guest_open(&g2, dir, &why), -1);
	assert_non_null(why);
	assert_true(strstr(why, "qemu") || strstr(why, "/nonexistent/mlfs-guest") || strstr(why, "MLFS_GUEST=off"));
	free(why);
	if (old)
		setenv("MLFS_GUEST_DIR", old, 1);
	else
		unsetenv("MLFS_GUEST_DIR");
	free(old);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_env),
		cmocka_unit_test(t_missing),
		cmocka_unit_test(t_ident),
		cmocka_unit_test(t_x32_runs),
		cmocka_unit_test(t_abis_and_readonly),
		cmocka_unit_test(t_crash_and_timeout),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
