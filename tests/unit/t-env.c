/* t-env: the step environment (ARCHITECTURE.md, "Where steps run"), built from nothing */
#include "unit.h"
#include "env.h"
#include "profile.h"
#include "recipe.h"
#include "util.h"

static struct profiles prof;

static const char *curstep;

static void
build(const char *abi, enum stage st, const char *root, const char *lfs, struct strv *env)
{
	static struct recipe r;
	static struct strv abis, sources;
	struct envin in = {0};

	memset(&r, 0, sizeof(r));
	r.name = "gmp";
	r.version = "6.2.1";
	r.dir = "/recipes/gmp";
	r.stage = st;
	strvfree(&abis);
	strvfree(&sources);
	strvadd(&abis, "64");
	strvadd(&abis, "32");
	strvadd(&abis, "x32");
	strvadd(&sources, "/cache/gmp-6.2.1.tar.xz");
	in.prof = &prof;
	in.abi = abi_get(&prof, abi);
	in.r = &r;
	in.abis = &abis;
	in.root = root;
	in.lfs = lfs;
	in.destdir = "/state/stage/gmp:32";
	in.srcdir = "/state/build/gmp:32/src";
	in.home = "/state/build/gmp:32/home";
	in.sources = &sources;
	in.makeflags = " -j4 --jobserver-fds=3,4 --jobserver-auth=3,4";
	in.jobs = 4;
	in.canrun = strcmp(abi, "x32") != 0;
	in.step = curstep;
	setenv("CFLAGS", "-O0 -leak", 1);
	env_build(env, &in);
	strvfree(&abis);
	strvfree(&sources);
}

#define assert_env(env, key, val) assert_string_equal(env_get((env), (key)) ? env_get((env), (key)) : "(unset)", (val))

static void
test_host_32(void **state)
{
	struct strv env = {0};
	char *path = xasprintf("/canary/bin:%s", getenv("PATH") ? getenv("PATH") : "/usr/bin");

	/* the caller's environment is full of things that would change a build */
	setenv("CFLAGS", "-O0 -canary", 1);
	setenv("MAKEFLAGS", "-j99 canary", 1);
	setenv("LD_LIBRARY_PATH", "/canary/lib", 1);
	setenv("MLFS_CANARY", "canary", 1);
	setenv("PATH", path, 1);
	build("32", STAGE_SYSTEM, "/sysroot", NULL, &env);
	assert_env(&env, "MLFS_ABI", "32");
	assert_env(&env, "MLFS_PRIMARY_ABI", "64");
	assert_env(&env, "MLFS_ABIS", "64 32 x32");
	assert_env(&env, "BUILD_MULTI", "-m32");
	assert_env(&env, "CC", "gcc -m32");
	assert_env(&env, "CXX", "g++ -m32");
	assert_env(&env, "HOST_MULTI", "i686-pc-linux-gnu");
	assert_env(&env, "MLFS_BUILD", "x86_64-pc-linux-gnu");
	assert_env(&env, "LFS_TGT", "x86_64-lfs-linux-gnu");
	assert_env(&env, "LFS_TGT_MULTI", "i686-lfs-linux-gnu");
	assert_env(&env, "LIBDIR", "/usr/lib32");
	assert_env(&env, "LIBDIR_MULTI", "lib32");
	assert_env(&env, "DESTDIR", "/state/stage/gmp:32");
	assert_env(&env, "MLFS_CAN_RUN", "1");
	assert_env(&env, "MLFS_GMP_ABI", "32");
	assert_env(&env, "MLFS_OPENSSL_TARGET", "linux-x86");
	assert_env(&env, "MLFS_SOURCE_0", "/cache/gmp-6.2.1.tar.xz");
	assert_env(&env, "MAKEFLAGS", " -j4 --jobserver-fds=3,4 --jobserver-auth=3,4");
	assert_env(&env, "CPPFLAGS", "-I/sysroot/usr/include");
	assert_env(&env, "LDFLAGS", "-L/sysroot/usr/lib32 -Wl,-rpath-link,/sysroot/usr/lib32");
	assert_env(&env, "PKG_CONFIG_LIBDIR", "/sysroot/usr/lib32/pkgconfig:/sysroot/usr/share/pkgconfig");
	assert_env(&env, "PKG_CONFIG_SYSROOT_DIR", "/sysroot");
	assert_env(&env, "LC_ALL", "POSIX");
	/* nothing of the caller's environment */
	assert_null(env_get(&env, "CFLAGS"));
	assert_null(env_get(&env, "MLFS_CANARY"));
	for (size_t i = 0; i < env.n; i++)
		if (strstr(env.v[i], "canary"))
			fail_msg("'%s' came from the caller's environment", env.v[i]);
	strvfree(&env);
	unsetenv("CFLAGS");
	unsetenv("MAKEFLAGS");
	unsetenv("LD_LIBRARY_PATH");
	unsetenv("MLFS_CANARY");
	setenv("PATH", path + strlen("/canary/bin:"), 1);
	free(path);
}

static void
test_x32_cannot_run(void **state)
{
	struct strv env = {0};

	build("x32", STAGE_SYSTEM, "/", NULL, &env);
	assert_env(&env, "MLFS_CAN_RUN", "0");
	assert_env(&env, "LIBDIR", "/usr/libx32");
	assert_env(&env, "HOST_MULTI", "x86_64-pc-linux-gnux32");
	assert_env(&env, "PKG_CONFIG_LIBDIR", "/usr/libx32/pkgconfig:/usr/share/pkgconfig");
	/* a root of / needs no sysroot flags */
	assert_null(env_get(&env, "CPPFLAGS"));
	assert_null(env_get(&env, "PKG_CONFIG_SYSROOT_DIR"));
	strvfree(&env);
}

static void
test_cross_stage(void **state)
{
	struct strv env = {0};

	build("32", STAGE_CROSS, NULL, "/mnt/lfs", &env);
	assert_env(&env, "CC", "x86_64-lfs-linux-gnu-gcc -m32");
	assert_env(&env, "LFS", "/mnt/lfs");
	assert_true(startswith(env_get(&env, "PATH"), "/mnt/lfs/tools/bin:"));
	/* pkg-config looks into $LFS, and --root adds no host-mode flags */
	assert_env(&env, "PKG_CONFIG_LIBDIR", "/mnt/lfs/usr/lib32/pkgconfig:/mnt/lfs/usr/share/pkgconfig");
	assert_env(&env, "PKG_CONFIG_SYSROOT_DIR", "/mnt/lfs");
	strvfree(&env);
	build("x32", STAGE_TEMP, "/mnt/lfs", "/mnt/lfs", &env);
	assert_env(&env, "CC", "x86_64-lfs-linux-gnu-gcc -mx32");
	assert_env(&env, "LFS_TGT_MULTI", "x86_64-lfs-linux-gnux32");
	assert_null(env_get(&env, "CPPFLAGS"));
	assert_null(env_get(&env, "LDFLAGS"));
	assert_env(&env, "PKG_CONFIG_SYSROOT_DIR", "/mnt/lfs");
	strvfree(&env);
	build("64", STAGE_SYSTEM, NULL, "/mnt/lfs", &env);
	assert_env(&env, "CC", "gcc -m64");
	assert_false(startswith(env_get(&env, "PATH"), "/mnt/lfs"));
	assert_env(&env, "PKG_CONFIG_LIBDIR", "/usr/lib/pkgconfig:/usr/share/pkgconfig");
	assert_null(env_get(&env, "PKG_CONFIG_SYSROOT_DIR"));
	strvfree(&env);
}

/* host mode: a test suite finds the ABI's libraries of the root */
static void
test_check_libpath(void **state)
{
	struct strv env = {0};

	build("32", STAGE_SYSTEM, "/sysroot", NULL, &env);
	assert_null(env_get(&env, "LD_LIBRARY_PATH"));
	strvfree(&env);
	curstep = "check";
	build("32", STAGE_SYSTEM, "/sysroot", NULL, &env);
	assert_env(&env, "LD_LIBRARY_PATH", "/sysroot/usr/lib32");
	strvfree(&env);
	build("64", STAGE_SYSTEM, "/", NULL, &env);
	assert_null(env_get(&env, "LD_LIBRARY_PATH"));
	strvfree(&env);
	curstep = NULL;
}

static int
setup(void **state)
{
	return profiles_load(&prof, "abi-profiles", "lfs");
}

static int
teardown(void **state)
{
	profiles_release(&prof);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_32),
		cmocka_unit_test(test_x32_cannot_run),
		cmocka_unit_test(test_cross_stage),
		cmocka_unit_test(test_check_libpath),
	};
	return cmocka_run_group_tests_name("env", tests, setup, teardown);
}
