/* t-preflight: compile, link and run a test program per ABI with the real gcc */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* 32 and 64 run here; x32 compiles and links, and the report says why it cannot run */
static void
t_three_abis(void **state)
{
	struct pfresult r;
	char *text = NULL;
	size_t len;
	FILE *f;

	assert_int_equal(preflight(&prof, &abis, "gcc", &r), 0);
	assert_int_equal(r.n, 3);
	assert_string_equal(r.v[0].abi, "32");
	assert_int_equal(r.v[0].compiles, 1);
	assert_int_equal(r.v[0].links, 1);
	assert_int_equal(r.v[0].runs, 1);
	assert_int_equal(r.v[1].runs, 1);
	assert_int_equal(r.v[2].compiles, 1);
	assert_int_equal(r.v[2].links, 1);
	assert_int_equal(r.v[2].runs, 0);
	assert_non_null(strstr(r.v[2].why, "Exec format error"));
	if (nox32config())
		assert_non_null(strstr(r.v[2].why, "the kernel lacks CONFIG_X86_X32_ABI"));
	assert_true(pfcanrun(&r, "32"));
	assert_true(pfcanrun(&r, "64"));
	assert_false(pfcanrun(&r, "x32"));
	f = open_memstream(&text, &len);
	pfprint(&r, f);
	fclose(f);
	assert_non_null(strstr(text, "32: compiles, links, runs\n"));
	assert_non_null(strstr(text, "x32: compiles, links, cannot run: exec failed: Exec format error"));
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_three_abis),
		cmocka_unit_test(t_no_compiler),
		cmocka_unit_test(t_wrong_target),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
