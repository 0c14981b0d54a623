/* t-icecc: the environment a step gets with --icecc: host mode wraps CC and
   CXX; an LFS stage gets ICECC_VERSION of a tarball icecc-create-env packed
   from its compiler, keyed by that toolchain's identity (another assembler
   needs a new one); a compiler that does not exist yet, or a link in the
   chroot that points outside it, leaves the compiles local after one warning */
#include "unit.h"
#include <sys/stat.h>
#include "env.h"
#include "icecc.h"
#include "util.h"

static char *dir;

/* env with CC and CXX as env.c sets them for abi's flag and compiler prefix */
static void
stepenv(struct strv *env, const char *prefix, const char *mflag)
{
	strvtake(env, xasprintf("CC=%sgcc %s", prefix, mflag));
	strvtake(env, xasprintf("CXX=%sg++ %s", prefix, mflag));
}

/* host mode: CC and CXX through icecc, or ccache's prefix; no tarball */
static void
test_host(void **state)
{
	struct icecc ic;
	struct strv env = {0}, cc = {0};

	icecc_init(&ic, dir, NULL, NULL, NULL);
	assert_int_equal(icecc_prepare(&ic, ICECC_HOST, NULL), 0);
	stepenv(&env, "", "-m32");
	icecc_env(&ic, &env, ICECC_HOST, 0);
	assert_string_equal(env_get(&env, "CC"), "icecc gcc -m32");
	assert_string_equal(env_get(&env, "CXX"), "icecc g++ -m32");
	assert_null(env_get(&env, "ICECC_VERSION"));
	icecc_env(&ic, &env, ICECC_HOST, 0);  /* never twice */
	assert_string_equal(env_get(&env, "CC"), "icecc gcc -m32");
	strvtake(&cc, xstrdup("CC=ccache gcc -mx32"));
	icecc_env(&ic, &cc, ICECC_HOST, 1);
	assert_string_equal(env_get(&cc, "CC"), "ccache gcc -mx32");
	assert_string_equal(env_get(&cc, "CCACHE_PREFIX"), "icecc");
	strvfree(&env);
	strvfree(&cc);
	icecc_free(&ic);
}

/* the cross stage: no compiler yet gives one warning and local compiles;
   then the machine's gcc under the cross name is packed, ICECC_VERSION names
   the tarball, and a toolchain with another assembler has none until it is
   packed again */
static void
test_cross(void **state)
{
	struct icecc ic;
	struct strv env = {0}, chroot = {0};
	char *lfs = pathjoin(dir, "lfs"), *err, *tar;
	struct stat st;

	if (access("/usr/bin/icecc-create-env", X_OK) != 0 || access("/usr/bin/gcc", X_OK) != 0)
		skip();
	assert_int_equal(mkdirs(lfs, 0755), 0);
	icecc_init(&ic, dir, lfs, "x86_64-lfs-linux-gnu", &chroot);
	stepenv(&env, "x86_64-lfs-linux-gnu-", "-m64");
	unit_capture_begin();
	assert_int_equal(icecc_prepare(&ic, ICECC_CROSS, NULL), 0);
	icecc_env(&ic, &env, ICECC_CROSS, 0);
	icecc_env(&ic, &env, ICECC_CROSS, 0);
	err = unit_capture_end();
	assert_contains(err, "tools/bin/x86_64-lfs-linux-gnu-gcc' yet: compiling locally until it is built");
	assert_null(strstr(strstr(err, "yet") + 1, "yet"));
	free(err);
	assert_string_equal(env_get(&env, "CC"), "x86_64-lfs-linux-gnu-gcc -m64");
	assert_null(env_get(&env, "ICECC_VERSION"));

	/* the machine's gcc under the cross name */
	assert_int_equal(unit_sh("mkdir -p '%s/tools/bin' && ln -s /usr/bin/gcc '%s/tools/bin/x86_64-lfs-linux-gnu-gcc'"
		" && ln -s /usr/bin/g++ '%s/tools/bin/x86_64-lfs-linux-gnu-g++'", lfs, lfs, lfs), 0);
	assert_int_equal(icecc_prepare(&ic, ICECC_CROSS, NULL), 0);
	icecc_env(&ic, &env, ICECC_CROSS, 0);
	assert_string_equal(env_get(&env, "CC"), "icecc x86_64-lfs-linux-gnu-gcc -m64");
	assert_string_equal(env_get(&env, "CXX"), "icecc x86_64-lfs-linux-gnu-g++ -m64");
	tar = xstrdup(env_get(&env, "ICECC_VERSION"));
	assert_non_null(strstr(tar, "/icecc/env/cross-"));
	assert_true(endswith(tar, ".tar.gz"));
	assert_int_equal(stat(tar, &st), 0);
	assert_true(st.st_size > 1000000);
	assert_int_equal(unit_sh("tar -tzf '%s' | grep -qx usr/bin/cc1", tar), 0);
	strvfree(&env);

	/* the same compiler: the same tarball, nothing packed again */
	stepenv(&env, "x86_64-lfs-linux-gnu-", "-m32");
	icecc_env(&ic, &env, ICECC_CROSS, 0);
	assert_string_equal(env_get(&env, "ICECC_VERSION"), tar);
	strvfree(&env);

	/* another assembler (binutils rebuilt): no tarball for it yet, one
	   warning, local compiles */
	assert_int_equal(unit_sh("ln -s /usr/bin/as '%s/tools/bin/x86_64-lfs-linux-gnu-as'", lfs), 0);
	stepenv(&env, "x86_64-lfs-linux-gnu-", "-m32");
	unit_capture_begin();
	icecc_env(&ic, &env, ICECC_CROSS, 0);
	err = unit_capture_end();
	assert_contains(err, "no toolchain tarball for");
	assert_string_equal(env_get(&env, "CC"), "x86_64-lfs-linux-gnu-gcc -m32");
	assert_null(env_get(&env, "ICECC_VERSION"));
	free(err);
	strvfree(&env);
	free(tar);
	free(lfs);
	icecc_free(&ic);
}

/* the chroot's gcc is found inside $LFS: an absolute link resolves there,
   not on this machine, and a link to what exists only here is no compiler */
static void
test_chroot_links(void **state)
{
	struct icecc ic;
	struct strv env = {0}, chroot = {0};
	char *lfs = pathjoin(dir, "lfs"), *err;

	if (access("/usr/bin/icecc-create-env", X_OK) != 0 || access("/usr/bin/icecc", X_OK) != 0)
		skip();
	strvadd(&chroot, "false");
	assert_int_equal(unit_sh("mkdir -p '%s/usr/bin' && ln -s /bin/sh '%s/usr/bin/gcc'", lfs, lfs), 0);
	icecc_init(&ic, dir, lfs, "x86_64-lfs-linux-gnu", &chroot);
	assert_true(ic.chrootok);
	assert_int_equal(unit_sh("test -x '%s/icecc/bin/icecc' && '%s/icecc/bin/icecc' --version | grep -q ICECC",
		dir, dir), 0);
	stepenv(&env, "", "-mx32");
	unit_capture_begin();
	icecc_env(&ic, &env, ICECC_CHROOT, 0);
	err = unit_capture_end();
	assert_contains(err, "lfs/usr/bin/gcc' yet");
	assert_string_equal(env_get(&env, "CC"), "gcc -mx32");
	free(err);

	/* now the link's target exists inside: a compiler, but packing it
	   failed (the chroot command is false), so still local, one warning */
	unit_write(lfs, "bin/sh", "#!/bin/sh\n");
	unit_capture_begin();
	assert_int_equal(icecc_prepare(&ic, ICECC_CHROOT, NULL), -1);
	err = unit_capture_end();
	assert_contains(err, "cannot pack the toolchain of");
	free(err);
	unit_capture_begin();
	icecc_env(&ic, &env, ICECC_CHROOT, 0);
	icecc_env(&ic, &env, ICECC_CHROOT, 0);
	err = unit_capture_end();
	assert_contains(err, "icecc-create-env cannot pack");
	assert_null(strstr(strstr(err, "cannot pack") + 1, "cannot pack"));
	assert_string_equal(env_get(&env, "CC"), "gcc -mx32");
	assert_null(env_get(&env, "ICECC_VERSION"));
	/* a failed toolchain is not packed again in this build */
	assert_int_equal(icecc_prepare(&ic, ICECC_CHROOT, NULL), 0);
	free(err);
	strvfree(&env);
	strvfree(&chroot);
	free(lfs);
	icecc_free(&ic);
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_host, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cross, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chroot_links, setup, teardown),
	};
	return cmocka_run_group_tests_name("icecc", tests, NULL, NULL);
}
