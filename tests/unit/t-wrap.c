/* t-wrap: header wrapper names and text, compiled by the real gcc for each ABI */
#define _GNU_SOURCE
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "unit.h"
#include "profile.h"
#include "util.h"
#include "wrap.h"

static struct profiles prof;
static char top[PATH_MAX];

static int
setup(void **state)
{
	snprintf(top, sizeof(top), "%s/t-wrap.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(top) || profiles_load(&prof, "abi-profiles", "lfs") < 0)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	rmtree(top);
	profiles_release(&prof);
	return 0;
}

static void
t_names(void **state)
{
	char *s;

	s = wrapname("/usr/include/gmp.h", "32");
	assert_string_equal(s, "/usr/include/gmp-32.h");
	free(s);
	s = wrapname("/usr/include/openssl/configuration.h", "x32");
	assert_string_equal(s, "/usr/include/openssl/configuration-x32.h");
	free(s);
	s = wrapname("/usr/include/c++/cstdfoo", "64");
	assert_string_equal(s, "/usr/include/c++/cstdfoo-64");
	free(s);
	s = wrapname("/usr/include/.hidden", "64");
	assert_string_equal(s, "/usr/include/.hidden-64");
	free(s);
}

/* the wrapper picks each ABI's copy; an ABI not built is an #error naming it */
static void
t_compiles(void **state)
{
	struct strv abis = {0}, built = {0};
	struct buf b = {0};
	char path[PATH_MAX * 2];

	strvadd(&abis, "32");
	strvadd(&abis, "64");
	strvadd(&abis, "x32");
	strvadd(&built, "32");
	strvadd(&built, "64");
	assert_int_equal(wraptext(&b, &prof, "/usr/include/sub/w.h", &abis, &built), 0);
	snprintf(path, sizeof(path), "%s/inc/sub", top);
	assert_int_equal(mkdirs(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/inc/sub/w.h", top);
	assert_int_equal(writefile(path, b.s, b.n, 0644), 0);
	assert_int_equal(unit_sh("cd '%s' && echo 'int w = 32;' >inc/sub/w-32.h && echo 'int w = 64;' >inc/sub/w-64.h && "
		"echo '#include <sub/w.h>' >t.c && gcc -m32 -Iinc -E t.c | grep -q 'int w = 32' && "
		"gcc -m64 -Iinc -E t.c | grep -q 'int w = 64'", top), 0);
	assert_int_equal(unit_sh("cd '%s' && gcc -mx32 -Iinc -c t.c -o t.o 2>err.txt", top), 1);
	assert_int_equal(unit_sh("grep -q 'sub/w.h: not built for the x32 ABI' '%s/err.txt'", top), 0);
	/* an ABI with no profile is an error */
	strvadd(&abis, "mips");
	buffree(&b);
	assert_int_equal(wraptext(&b, &prof, "/usr/include/w.h", &abis, &built), -1);
	buffree(&b);
	strvfree(&abis);
	strvfree(&built);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_names),
		cmocka_unit_test(t_compiles),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
