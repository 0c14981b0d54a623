/* t-preflight: compile, link and run a test program per ABI with the real gcc */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "unit.h"
#include "preflight.h"
#include "profile.h"
#include "util.h"

static struct profiles prof;
static struct strv abis;

static int
setup(void **state)
{
	if (profiles_load(&prof, "abi-profiles", "lfs") < 0)
		return -1;
	strvadd(&abis, "32");
	strvadd(&abis, "64");
	strvadd(&abis, "x32");
	return 0;
}

static int
teardown(void **state)
{
	profiles_release(&prof);
	strvfree(&abis);
	return 0;
}

/* 1 when the running kernel's config says it has no x32 support */
static int
nox32config(void)
{
	return system("zcat /proc/config.gz 2>/dev/null | grep -q '# CONFIG_X86_X32_ABI is not set'") == 0;
}

/* 1 when an x32 program runs here, found without preflight: built by gcc
   -mx32 and run by the shell */
static int
x32runs(void)
{
	char *dir = unit_tmpdir();
	int rc = unit_sh("cd '%s' && printf 'int main(void) { return 0; }\\n' >t.c && "
		"gcc -mx32 -o t t.c && ./t 2>/dev/null", dir);

	unit_rmrf(dir);
	free(dir);
	return rc == 0;
}

/* 32 and 64 run here; x32 compiles and links, and runs when this kernel runs
   x32 programs, else the report says why it cannot run */
static void
t_three_abis(void **state)
{
	struct pfresult r;
	char *text = NULL;
	size_t len;
	FILE *f;
	int x32 = x32runs();

	assert_int_equal(preflight(&prof, &abis, "gcc", &r), 0);
	assert_int_equal(r.n, 3);
	assert_string_equal(r.v[0].abi, "32");
	assert_int_equal(r.v[0].compiles, 1);
	assert_int_equal(r.v[0].links, 1);
	assert_int_equal(r.v[0].runs, 1);
	assert_int_equal(r.v[1].runs, 1);
	assert_int_equal(r.v[2].compiles, 1);
	assert_int_equal(r.v[2].links, 1);
	assert_int_equal(r.v[2].runs, x32);
	if (!x32)
		assert_non_null(strstr(r.v[2].why, "Exec format error"));
	if (!x32 && nox32config())
		assert_non_null(strstr(r.v[2].why, "the kernel lacks CONFIG_X86_X32_ABI"));
	assert_true(pfcanrun(&r, "32"));
	assert_true(pfcanrun(&r, "64"));
	assert_int_equal(pfcanrun(&r, "x32"), x32);
	f = open_memstream(&text, &len);
	pfprint(&r, f);
	fclose(f);
	assert_non_null(strstr(text, "32: compiles, links, runs\n"));
	assert_non_null(strstr(text, x32 ? "x32: compiles, links, runs\n" :
		"x32: compiles, links, cannot run: exec failed: Exec format error"));
	free(text);
	pfrelease(&r);
}

/* a compiler that does not exist cannot compile: an error */
static void
t_no_compiler(void **state)
{
	struct pfresult r;

	assert_int_equal(preflight(&prof, &abis, "/nonexistent/mlfs-cc", &r), -1);
	assert_int_equal(r.v[0].compiles, 0);
	assert_int_equal(r.v[0].links, -1);
	assert_int_equal(r.v[0].runs, -1);
	assert_non_null(strstr(r.v[0].why, "No such file"));
	pfrelease(&r);
}

/* a flag that makes gcc target another ABI fails the ABI's macro check */
static void
t_wrong_target(void **state)
{
	struct abi *a = abi_get(&prof, "32");
	char *saved = a->mflag;
	struct strv one = {0};
	struct pfresult r;

	strvadd(&one, "32");
	a->mflag = (char *)"-m64";
	assert_int_equal(preflight(&prof, &one, "gcc -O0", &r), -1);
	a->mflag = saved;
	assert_int_equal(r.v[0].compiles, 0);
	assert_non_null(strstr(r.v[0].why, "does not target the 32 ABI"));
	pfrelease(&r);
	assert_int_equal(preflight(&prof, &one, "gcc -O0", &r), 0);
	assert_int_equal(r.v[0].runs, 1);
	pfrelease(&r);
	strvfree(&one);
}

/* the norun of each ABI, from a fresh probe or the answer kept in the state dir */
static void
norun(const char *statedir, const char **v32, const char **v64, const char **vx32)
{
	const char *names[] = {"32", "64", "x32"};
	const char **out[] = {v32, v64, vx32};

	for (int i = 0; i < 3; i++) {
		struct abi *a = abi_get(&prof, names[i]);
		free(a->norun);
		a->norun = NULL;
	}
	pfnorun(&prof, &abis, statedir);
	for (int i = 0; i < 3; i++)
		*out[i] = abi_get(&prof, names[i])->norun;
}

/* the answer is kept for this kernel and these profiles, and asked again when
   the kept key differs; without a state dir nothing is written */
static void
t_norun_kept(void **state)
{
	char *dir = unit_tmpdir(), *path = xasprintf("%s/canrun.json", dir), *text;
	const char *n32, *n64, *nx32;
	json_t *c;

	int x32 = x32runs();

	norun(dir, &n32, &n64, &nx32);
	assert_null(n32);
	assert_null(n64);
	if (x32)
		assert_null(nx32);
	else
		assert_non_null(strstr(nx32, "Exec format error"));
	/* the kept answer is what a second call reads: change it */
	c = json_load_file(path, 0, NULL);
	assert_non_null(c);
	if (!json_is_object(json_object_get(c, "norun")))
		json_object_set_new(c, "norun", json_object());
	json_object_set_new(json_object_get(c, "norun"), "x32", json_string("kept answer"));
	assert_int_equal(json_dump_file(c, path, 0), 0);
	norun(dir, &n32, &n64, &nx32);
	assert_string_equal(nx32, "kept answer");
	/* another key (another kernel or profile): probed again */
	json_object_set_new(c, "key", json_string("another kernel"));
	assert_int_equal(json_dump_file(c, path, 0), 0);
	json_decref(c);
	norun(dir, &n32, &n64, &nx32);
	if (x32)
		assert_null(nx32);
	else
		assert_non_null(strstr(nx32, "Exec format error"));
	text = readfile(path, NULL);
	assert_non_null(text);
	assert_null(strstr(text, "another kernel"));
	free(text);
	/* no state dir yet (a plan before the first build): probed, nothing written */
	unit_rmrf(dir);
	norun(dir, &n32, &n64, &nx32);
	assert_true(x32 ? nx32 == NULL : nx32 != NULL);
	assert_false(exists(dir));
	free(path);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_three_abis),
		cmocka_unit_test(t_no_compiler),
		cmocka_unit_test(t_wrong_target),
		cmocka_unit_test(t_norun_kept),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
