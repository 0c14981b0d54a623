/* t-glue: the generated multilib glue, used for real: the gcc and pkg-config
   wrappers, the CMake toolchain files, the loader and layout links */
#define _GNU_SOURCE
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "unit.h"
#include "elf.h"
#include "glue.h"
#include "hash.h"
#include "profile.h"
#include "util.h"

static struct profiles prof;
static struct strv abis, norun;
static struct gluectx g;
static char top[PATH_MAX], root[PATH_MAX + 8];

static const char *
inr(const char *rel)
{
	static char buf[4][PATH_MAX * 2];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s%s", root, rel);
	return buf[k];
}

static char *
slurp(const char *path)
{
	char *s = readfile(path, NULL);

	if (!s)
		fail_msg("cannot read '%s'", path);
	return s;
}

static void
linkis(const char *rel, const char *want)
{
	char buf[PATH_MAX];
	ssize_t n = readlink(inr(rel), buf, sizeof(buf) - 1);

	if (n < 0)
		fail_msg("'%s' is not a symlink", rel);
	buf[n] = '\0';
	assert_string_equal(buf, want);
}

static int
setup(void **state)
{
	snprintf(top, sizeof(top), "%s/t-glue.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(top))
		return -1;
	snprintf(root, sizeof(root), "%s/root", top);
	if (mkdirs(root, 0755) < 0 || profiles_load(&prof, "abi-profiles", "lfs") < 0)
		return -1;
	strvadd(&abis, "32");
	strvadd(&abis, "64");
	strvadd(&abis, "x32");
	strvadd(&norun, "x32");
	g = (struct gluectx){ .root = root, .prof = &prof, .abis = &abis, .hostmode = 1,
		.norun = &norun };
	return 0;
}

static int
teardown(void **state)
{
	rmtree(top);
	profiles_release(&prof);
	strvfree(&abis);
	strvfree(&norun);
	return 0;
}

/* the layout's links and libdirs, ld.so.conf, and loader links once glibc is in */
static void
t_links(void **state)
{
	char h1[HASH_HEXMAX], h2[HASH_HEXMAX];
	unsigned long long bytes;
	char *s;

	assert_int_equal(glue_write(&g), 0);
	linkis("/lib32", "usr/lib32");
	linkis("/libx32", "usr/libx32");
	linkis("/lib", "usr/lib");
	assert_false(exists(inr("/lib64/ld-linux-x86-64.so.2")));
	s = slurp(inr("/etc/ld.so.conf.d/mlfs-multilib.conf"));
	assert_non_null(strstr(s, "\n/usr/lib\n"));
	assert_non_null(strstr(s, "\n/usr/lib32\n"));
	assert_non_null(strstr(s, "\n/usr/libx32\n"));
	free(s);
	/* the book's ld.so.conf where there was none */
	assert_int_equal(unit_sh("grep -qx 'include /etc/ld.so.conf.d/\\*.conf' '%s' && grep -qx /usr/local/lib '%s' && "
		"grep -qx /opt/lib '%s'", inr("/etc/ld.so.conf"), inr("/etc/ld.so.conf"), inr("/etc/ld.so.conf")), 0);
	/* glibc merged: the loaders are linked from where programs look for them */
	assert_int_equal(unit_sh("touch '%s' '%s' '%s'", inr("/usr/lib/ld-linux-x86-64.so.2"),
		inr("/usr/lib32/ld-linux.so.2"), inr("/usr/libx32/ld-linux-x32.so.2")), 0);
	assert_int_equal(glue_write(&g), 0);
	linkis("/lib64/ld-linux-x86-64.so.2", "../usr/lib/ld-linux-x86-64.so.2");
	linkis("/usr/lib/ld-linux.so.2", "../lib32/ld-linux.so.2");
	assert_int_equal(unit_sh("test -f '%s'", inr("/libx32/ld-linux-x32.so.2")), 0);
	assert_int_equal(unit_sh("test -L '%s'", inr("/usr/libx32/ld-linux-x32.so.2")), 1);
	/* the list names what the glue made, links too */
	assert_int_equal(unit_sh("grep -qx /usr/lib/ld-linux.so.2 '%s' && grep -qx /lib32 '%s' && "
		"grep -qx /etc/ld.so.conf '%s' && ! grep -qx /usr/lib32 '%s'", inr(GLUE_LIST), inr(GLUE_LIST),
		inr(GLUE_LIST), inr(GLUE_LIST)), 0);
	/* one that is not the glue's (Debian's, or edited) is kept, and not listed */
	assert_int_equal(unit_sh("echo 'include /etc/ld.so.conf.d/*.conf' >'%s'", inr("/etc/ld.so.conf")), 0);
	assert_int_equal(glue_write(&g), 0);
	assert_int_equal(unit_sh("! grep -qx /opt/lib '%s'", inr("/etc/ld.so.conf")), 0);
	assert_int_equal(unit_sh("echo /mine >'%s'", inr("/etc/ld.so.conf")), 0);
	assert_int_equal(glue_write(&g), 0);
	assert_int_equal(unit_sh("echo /mine | cmp - '%s' && ! grep -qx /etc/ld.so.conf '%s'",
		inr("/etc/ld.so.conf"), inr(GLUE_LIST)), 0);
	/* temps of a glue cut by kill -9 go when the glue is written again */
	assert_int_equal(unit_sh("echo half >'%s.tmp.99999' && ln -sf usr/lib32 '%s.mlfs-new'",
		inr("/usr/share/mlfs/cargo/config.toml"), inr("/lib32")), 0);
	assert_int_equal(glue_write(&g), 0);
	assert_false(exists(inr("/usr/share/mlfs/cargo/config.toml.tmp.99999")));
	assert_false(exists(inr("/lib32.mlfs-new")));
	/* writing the glue again changes nothing */
	assert_int_equal(hashtree(root, h1, &bytes), 0);
	assert_int_equal(glue_write(&g), 0);
	assert_int_equal(hashtree(root, h2, &bytes), 0);
	assert_string_equal(h1, h2);
}

static const char *
elfabiof(const char *path)
{
	struct elfinfo e;

	return elfclassify(path, &e) < 0 ? NULL : elfabi(&prof, &e);
}

/* <triplet>-gcc builds for its ABI; 32-bit programs run */
static void
t_gcc_wrappers(void **state)
{
	char out[PATH_MAX * 2];

	assert_int_equal(glue_write(&g), 0);
	assert_false(exists(inr("/usr/bin/x86_64-pc-linux-gnu-gcc")));
	assert_int_equal(unit_sh("cd '%s' && printf '#include <stdio.h>\\nint main(void) { printf(\"%%%%d\\\\n\", (int)sizeof(long)); return 0; }\\n' >h.c && "
		"'%s' -o h32 h.c && '%s' -o hx32 h.c && ./h32 | grep -qx 4", top,
		inr("/usr/bin/i686-pc-linux-gnu-gcc"), inr("/usr/bin/x86_64-pc-linux-gnux32-gcc")), 0);
	snprintf(out, sizeof(out), "%s/h32", top);
	assert_string_equal(elfabiof(out), "32");
	snprintf(out, sizeof(out), "%s/hx32", top);
	assert_string_equal(elfabiof(out), "x32");
	assert_int_equal(unit_sh("cd '%s' && printf 'int main() { return 0; }\\n' >h.cc && '%s' -o hxx h.cc",
		top, inr("/usr/bin/i686-pc-linux-gnu-g++")), 0);
	snprintf(out, sizeof(out), "%s/hxx", top);
	assert_string_equal(elfabiof(out), "32");
}

/* <triplet>-pkg-config finds its ABI's .pc files and prefixes the sysroot */
static void
t_pkg_config(void **state)
{
	const char *pc = "prefix=/usr\nlibdir=%s\nincludedir=/usr/include/foo\nName: foo\n"
		"Version: 1\nDescription: foo\nLibs: -L${libdir} -lfoo\nCflags: -I${includedir}\n";
	const char *dirs[] = { "/usr/lib", "/usr/lib32", "/usr/libx32" };

	assert_int_equal(glue_write(&g), 0);
	for (int i = 0; i < 3; i++) {
		char rel[64], text[512];
		snprintf(rel, sizeof(rel), "%s/pkgconfig", dirs[i]);
		assert_int_equal(mkdirs(inr(rel), 0755), 0);
		snprintf(rel, sizeof(rel), "%s/pkgconfig/foo.pc", dirs[i]);
		snprintf(text, sizeof(text), pc, dirs[i]);
		assert_int_equal(writefile(inr(rel), text, strlen(text), 0644), 0);
	}
	assert_int_equal(unit_sh("env -u PKG_CONFIG_PATH -u PKG_CONFIG_LIBDIR -u PKG_CONFIG_SYSROOT_DIR "
		"'%s' --libs --cflags foo | grep -qx -- '-I%s/usr/include/foo -L%s/usr/lib32 -lfoo *'",
		inr("/usr/bin/i686-pc-linux-gnu-pkg-config"), root, root), 0);
	assert_int_equal(unit_sh("env -u PKG_CONFIG_PATH -u PKG_CONFIG_LIBDIR -u PKG_CONFIG_SYSROOT_DIR "
		"'%s' --libs foo | grep -qx -- '-L%s/usr/libx32 -lfoo *'",
		inr("/usr/bin/x86_64-pc-linux-gnux32-pkg-config"), root), 0);
	assert_int_equal(unit_sh("env -u PKG_CONFIG_PATH -u PKG_CONFIG_LIBDIR -u PKG_CONFIG_SYSROOT_DIR "
		"'%s' --libs foo | grep -qx -- '-L%s/usr/lib -lfoo *'",
		inr("/usr/bin/x86_64-pc-linux-gnu-pkg-config"), root), 0);
}

/* the wrappers answer for their ABI and root, whatever the caller's pkg-config
   variables say */
static void
t_pkg_config_env(void **state)
{
	const char *pc = "prefix=/usr\nlibdir=/usr/lib32\nName: foo\nVersion: 1\nDescription: foo\n"
		"Libs: -L${libdir} -lfoo\n";

	assert_int_equal(glue_write(&g), 0);
	assert_int_equal(mkdirs(inr("/usr/lib32/pkgconfig"), 0755), 0);
	assert_int_equal(writefile(inr("/usr/lib32/pkgconfig/foo.pc"), pc, strlen(pc), 0644), 0);
	/* a foo.pc of the caller's elsewhere, which must not be seen */
	assert_int_equal(unit_sh("mkdir -p '%s/other' && sed 's/-lfoo/-lhostfoo/' '%s' >'%s/other/foo.pc'",
		top, inr("/usr/lib32/pkgconfig/foo.pc"), top), 0);
	assert_int_equal(unit_sh("PKG_CONFIG_PATH='%s/other' PKG_CONFIG_LIBDIR='%s/other' "
		"PKG_CONFIG_SYSROOT_DIR=/nonexistent '%s' --libs foo | grep -qx -- '-L%s/usr/lib32 -lfoo *'",
		top, top, inr("/usr/bin/i686-pc-linux-gnu-pkg-config"), root), 0);
	/* what the caller's variables name is not found through the wrapper */
	assert_int_equal(unit_sh("PKG_CONFIG_PATH='%s/other' '%s' --exists bar 2>/dev/null", top,
		inr("/usr/bin/i686-pc-linux-gnu-pkg-config")), 1);
}

/* meson files: native for every ABI, cross for the others, with the profile's
   cpu, both pkg-config keys, a prefix and strip; cargo names the gcc wrappers
   and every target's pkg-config */
static void
t_meson_cargo(void **state)
{
	char *s, *want;

	assert_int_equal(glue_write(&g), 0);
	s = slurp(inr("/usr/share/mlfs/meson/cross-32.ini"));
	assert_non_null(strstr(s, "c = ['gcc', '-m32']"));
	assert_non_null(strstr(s, "cpu_family = 'x86'\ncpu = 'i686'"));
	assert_non_null(strstr(s, "prefix = '/usr'\nlibdir = '/usr/lib32'"));
	assert_non_null(strstr(s, "needs_exe_wrapper = false"));
	want = xasprintf("pkgconfig = '%s/usr/bin/i686-pc-linux-gnu-pkg-config'\n"
		"pkg-config = '%s/usr/bin/i686-pc-linux-gnu-pkg-config'\n", root, root);
	assert_non_null(strstr(s, want));
	assert_non_null(strstr(s, "strip = 'strip'"));
	free(s);
	s = slurp(inr("/usr/share/mlfs/meson/native-32.ini"));
	assert_non_null(strstr(s, want));
	assert_non_null(strstr(s, "exe_wrapper = ''"));
	assert_null(strstr(s, "[host_machine]"));
	free(want);
	free(s);
	s = slurp(inr("/usr/share/mlfs/meson/cross-x32.ini"));
	assert_non_null(strstr(s, "needs_exe_wrapper = true"));
	assert_non_null(strstr(s, "cpu_family = 'x86_64'"));
	free(s);
	s = slurp(inr("/usr/share/mlfs/meson/native-64.ini"));
	assert_null(strstr(s, "[host_machine]"));
	want = xasprintf("pkgconfig = '%s/usr/bin/x86_64-pc-linux-gnu-pkg-config'\n", root);
	assert_non_null(strstr(s, want));
	assert_non_null(strstr(s, "prefix = '/usr'\nlibdir = '/usr/lib'"));
	free(want);
	free(s);
	assert_false(exists(inr("/usr/share/mlfs/meson/cross-64.ini")));
	assert_int_equal(unit_sh("python3 -c 'import sys, tomllib; d = tomllib.load(open(sys.argv[1], \"rb\")); c = d[\"target\"]; e = d[\"env\"]; r = sys.argv[2]; "
		"assert c[\"i686-unknown-linux-gnu\"][\"linker\"] == r + \"/usr/bin/i686-pc-linux-gnu-gcc\"; "
		"assert c[\"x86_64-unknown-linux-gnux32\"][\"linker\"] == r + \"/usr/bin/x86_64-pc-linux-gnux32-gcc\"; "
		"assert \"x86_64-unknown-linux-gnu\" not in c; "
		"assert e[\"PKG_CONFIG_i686_unknown_linux_gnu\"] == r + \"/usr/bin/i686-pc-linux-gnu-pkg-config\"; "
		"assert e[\"PKG_CONFIG_x86_64_unknown_linux_gnux32\"] == r + \"/usr/bin/x86_64-pc-linux-gnux32-pkg-config\"; "
		"assert e[\"PKG_CONFIG_x86_64_unknown_linux_gnu\"] == r + \"/usr/bin/x86_64-pc-linux-gnu-pkg-config\"' '%s' '%s'",
		inr("/usr/share/mlfs/cargo/config.toml"), root), 0);
}

/* in the multiarch and lib64 layouts the CMake files name the libdir under /usr */
static void
t_cmake_layouts(void **state)
{
	struct profiles p2;
	struct gluectx g2 = g;
	char *s;

	assert_int_equal(profiles_load(&p2, "abi-profiles", "multiarch"), 0);
	g2.prof = &p2;
	assert_int_equal(glue_write(&g2), 0);
	s = slurp(inr("/usr/share/mlfs/cmake/32.cmake"));
	assert_non_null(strstr(s, "set(CMAKE_INSTALL_LIBDIR lib/i386-linux-gnu "));
	assert_non_null(strstr(s, "set(CMAKE_LIBRARY_ARCHITECTURE i386-linux-gnu)"));
	free(s);
	s = slurp(inr("/usr/share/mlfs/meson/native-x32.ini"));
	assert_non_null(strstr(s, "libdir = '/usr/lib/x86_64-linux-gnux32'"));
	free(s);
	profiles_release(&p2);
	assert_int_equal(profiles_load(&p2, "abi-profiles", "lib64"), 0);
	g2.prof = &p2;
	assert_int_equal(glue_write(&g2), 0);
	s = slurp(inr("/usr/share/mlfs/cmake/64.cmake"));
	assert_non_null(strstr(s, "set(CMAKE_INSTALL_LIBDIR lib64 "));
	assert_non_null(strstr(s, "FIND_LIBRARY_USE_LIB64_PATHS TRUE"));
	free(s);
	profiles_release(&p2);
}

/* --abi 32,x32: 32 is the build's primary ABI, yet its wrappers, cross files
   and cargo linker are written (the build machine stays 64-bit) */
static void
t_without_64(void **state)
{
	struct strv two = {0};
	struct gluectx g2 = g;

	strvadd(&two, "32");
	strvadd(&two, "x32");
	assert_string_equal(layout_primary(&prof.layout, &two), "32");
	g2.abis = &two;
	assert_int_equal(glue_write(&g2), 0);
	assert_true(exists(inr("/usr/bin/i686-pc-linux-gnu-gcc")));
	assert_true(exists(inr("/usr/share/mlfs/meson/cross-32.ini")));
	assert_true(exists(inr("/usr/share/mlfs/meson/native-32.ini")));
	assert_false(exists(inr("/usr/share/mlfs/meson/native-64.ini")));
	assert_int_equal(unit_sh("grep -q 'i686-unknown-linux-gnu' '%s' && grep -q 'CMAKE_SYSTEM_PROCESSOR i686' '%s'",
		inr("/usr/share/mlfs/cargo/config.toml"), inr("/usr/share/mlfs/cmake/32.cmake")), 0);
	strvfree(&two);
}

/* a CMake project configured with the 32 toolchain file builds 32-bit code */
static void
t_cmake(void **state)
{
	char out[PATH_MAX * 2];

	if (unit_sh("command -v cmake >/dev/null") != 0)
		skip();
	assert_int_equal(glue_write(&g), 0);
	assert_int_equal(unit_sh("cd '%s' && mkdir -p cm && printf 'cmake_minimum_required(VERSION 3.13)\\nproject(p C)\\n"
		"add_executable(p p.c)\\ninclude(GNUInstallDirs)\\nfile(WRITE ${CMAKE_BINARY_DIR}/libdir.txt \"${CMAKE_INSTALL_LIBDIR}\")\\n' >cm/CMakeLists.txt && "
		"printf 'int main(void) { return sizeof(long) != 4; }\\n' >cm/p.c && "
		"cmake -S cm -B cmb -DCMAKE_TOOLCHAIN_FILE='%s' >cmake.log 2>&1 && cmake --build cmb >>cmake.log 2>&1 && "
		"./cmb/p && grep -qx lib32 cmb/libdir.txt", top, inr("/usr/share/mlfs/cmake/32.cmake")), 0);
	snprintf(out, sizeof(out), "%s/cmb/p", top);
	assert_string_equal(elfabiof(out), "32");
}

/* every glue file a recipe of the project names exists, for each ABI but the
   primary (${MLFS_ABI} filled in) */
static void
t_recipes_name_glue(void **state)
{
	assert_int_equal(glue_write(&g), 0);
	assert_int_equal(unit_sh("n=0; for f in $(grep -rhv '^[[:space:]]*#' recipes | grep -oE '/usr/share/mlfs/[][A-Za-z0-9_./${}:?-]+' | sort -u); do "
		"for a in 32 x32; do p=$(printf %%s \"$f\" | sed -E 's/\\$\\{MLFS_ABI[:?]*\\}/'$a/g); n=$((n + 1)); "
		"[ -e '%s'\"$p\" ] || { echo \"a recipe names $p, which the glue does not write\"; exit 1; }; done; done; "
		"[ $n -gt 0 ]", root), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(t_links, setup, teardown),
		cmocka_unit_test_setup_teardown(t_gcc_wrappers, setup, teardown),
		cmocka_unit_test_setup_teardown(t_pkg_config, setup, teardown),
		cmocka_unit_test_setup_teardown(t_pkg_config_env, setup, teardown),
		cmocka_unit_test_setup_teardown(t_meson_cargo, setup, teardown),
		cmocka_unit_test_setup_teardown(t_cmake_layouts, setup, teardown),
		cmocka_unit_test_setup_teardown(t_without_64, setup, teardown),
		cmocka_unit_test_setup_teardown(t_cmake, setup, teardown),
		cmocka_unit_test_setup_teardown(t_recipes_name_glue, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
