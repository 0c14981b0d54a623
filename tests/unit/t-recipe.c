/* t-recipe: recipe, profile and layout parsing and every validation error */
#include "unit.h"
#include "jdoc.h"
#include "profile.h"
#include "recipe.h"
#include "util.h"

static struct profiles prof;

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

static const char good[] =
	"{\n"
	"  \"name\": \"zz\",\n"
	"  \"version\": \"1.2\",\n"
	"  \"stage\": \"system\",\n"
	"  \"order\": 804,\n"
	"  \"abis\": [\"32\", \"64\"],\n"
	"  \"depends\": [],\n"
	"  \"sources\": [{\"url\": \"https://example.invalid/zz-1.2.tar.xz\",\n"
	"    \"sha256\": \"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"}],\n"
	"  \"multilib\": {\"relocate\": true, \"wrap_headers\": [\"zz.h\"], \"rules\": {\"/usr/share/*\": \"primary\"}}\n"
	"}\n";

static const char script[] = "configure() {\n\t./configure\n}\nbuild_32 () {\n\tmake\n}\nfunction install {\n:\n}\n";

/* load text as recipes/NAME/recipe.json (and a build.sh unless noscript); returns rc and stderr */
static int
load(const char *name, const char *text, int noscript, char **err)
{
	char *dir = unit_tmpdir(), rdir[4200], rel[300];
	struct recipe r;
	int rc;

	snprintf(rel, sizeof(rel), "%s/recipe.json", name);
	unit_write(dir, rel, text);
	if (!noscript) {
		snprintf(rel, sizeof(rel), "%s/build.sh", name);
		unit_write(dir, rel, script);
	}
	snprintf(rdir, sizeof(rdir), "%s/%s", dir, name);
	unit_capture_begin();
	rc = recipe_load(&r, rdir, dir, &prof);
	*err = unit_capture_end();
	recipe_release(&r);
	unit_rmrf(dir);
	free(dir);
	return rc;
}

static void
test_good(void **state)
{
	char *dir = unit_tmpdir(), rdir[4200];
	struct recipe r;

	unit_write(dir, "zz/recipe.json", good);
	unit_write(dir, "zz/build.sh", script);
	snprintf(rdir, sizeof(rdir), "%s/zz", dir);
	assert_int_equal(recipe_load(&r, rdir, dir, &prof), 0);
	assert_string_equal(r.name, "zz");
	assert_int_equal(r.stage, STAGE_SYSTEM);
	assert_int_equal(r.order, 804);
	assert_int_equal(r.abis.n, 2);
	assert_true(recipe_has_abi(&r, "32"));
	assert_false(recipe_has_abi(&r, "x32"));
	assert_int_equal(r.nsources, 1);
	assert_string_equal(r.sources[0].fname, "zz-1.2.tar.xz");
	assert_int_equal(r.sources[0].alg, HASH_SHA256);
	assert_true(r.relocate);
	assert_string_equal(r.wrap_headers.v[0], "zz.h");
	assert_string_equal(r.rules[0].action, "primary");
	assert_true(recipe_defines(&r, "configure"));
	assert_true(recipe_defines(&r, "build_32"));
	assert_true(recipe_defines(&r, "install"));
	assert_false(recipe_defines(&r, "check"));
	assert_int_equal(strlen(r.hash), 64);
	recipe_release(&r);
	unit_rmrf(dir);
	free(dir);
}

static void
test_unknown_key(void **state)
{
	char *err;
	const char *t = "{\n  \"name\": \"zz\",\n  \"version\": \"1\",\n  \"dependz\": [],\n  \"stage\": \"system\"\n}\n";

	assert_int_equal(load("zz", t, 0, &err), -1);
	assert_contains(err, "zz/recipe.json:4:3: unknown key 'dependz' (did you mean 'depends'?)");
	free(err);
}

static void
test_wrong_type(void **state)
{
	char *err;
	const char *t = "{\"name\": \"zz\", \"version\": \"1\", \"stage\": \"system\",\n \"depends\": \"zlib\"}\n";

	assert_int_equal(load("zz", t, 0, &err), -1);
	assert_contains(err, "recipe.json:2:2: key 'depends' must be an array of strings, not string");
	free(err);
}

static void
test_missing_checksum(void **state)
{
	char *err;
	const char *t = "{\"name\": \"zz\", \"version\": \"1\", \"stage\": \"system\",\n"
		"  \"sources\": [\n    {\"url\": \"https://example.invalid/zz.tar.gz\"}]}\n";

	assert_int_equal(load("zz", t, 0, &err), -1);
	assert_contains(err, "recipe.json:3:5: source has no checksum");
	free(err);
}

static void
test_bad_checksum(void **state)
{
	char *err;
	const char *t = "{\"name\": \"zz\", \"version\": \"1\", \"stage\": \"system\",\n"
		"  \"sources\": [{\"url\": \"https://example.invalid/zz.tar.gz\",\n  \"md5\": \"123\"}]}\n";

	assert_int_equal(load("zz", t, 0, &err), -1);
	assert_contains(err, "recipe.json:3:3: '123' is not a md5 checksum");
	free(err);
}

static void
test_unknown_abi(void **state)
{
	char *err;
	const char *t = "{\"name\": \"zz\", \"version\": \"1\", \"stage\": \"system\",\n"
		"  \"abis\": [\"32\", \"x64\"]}\n";

	assert_int_equal(load("zz", t, 0, &err), -1);
	assert_contains(err, "recipe.json:2:18: unknown ABI 'x64'");
	free(err);
}

static void
test_bad_stage(void **state)
{
	char *err;
	const char *t = "{\"name\": \"zz\", \"version\": \"1\",\n\"stage\": \"final\"}\n";

	assert_int_equal(load("zz", t, 0, &err), -1);
	assert_contains(err, "recipe.json:2:1: unknown stage 'final'");
	free(err);
}

static void
test_malformed(void **state)
{
	char *err;
	const char *t = "{\"name\": \"zz\",\n  \"version\": \"1\"\n  \"stage\": \"system\"}\n";

	assert_int_equal(load("zz", t, 0, &err), -1);
	assert_contains(err, "recipe.json:3:");
	free(err);
}

static void
test_missing_script(void **state)
{
	char *err;
	const char *t = "{\"name\": \"zz\", \"version\": \"1\", \"stage\": \"system\"}\n";

	assert_int_equal(load("zz", t, 1, &err), -1);
	assert_contains(err, "recipe 'zz' has no build script");
	assert_contains(err, "zz/build.sh");
	free(err);
}

static void
test_name_mismatch(void **state)
{
	char *err;
	const char *t = "{\"name\": \"zy\", \"version\": \"1\", \"stage\": \"system\"}\n";

	assert_int_equal(load("zz", t, 0, &err), -1);
	assert_contains(err, "recipe name 'zy' differs from its directory 'zz'");
	free(err);
}

static void
test_git_unpinned(void **state)
{
	char *err;
	const char *t = "{\"name\": \"zz\", \"version\": \"1\", \"stage\": \"system\",\n"
		"  \"sources\": [{\"git\": \"https://example.invalid/zz.git\"}]}\n";

	assert_int_equal(load("zz", t, 0, &err), -1);
	assert_contains(err, "has no pinned 'commit'");
	free(err);
}

static void
test_unknown_dependency(void **state)
{
	char *dir = unit_tmpdir(), *err;
	struct recipeset rs;

	unit_write(dir, "a/recipe.json", "{\"name\": \"a\", \"version\": \"1\", \"stage\": \"system\",\n"
		"  \"depends\": [\"b\", \"zlibb\"]}\n");
	unit_write(dir, "a/build.sh", "");
	unit_write(dir, "b/recipe.json", "{\"name\": \"b\", \"version\": \"1\", \"stage\": \"system\"}\n");
	unit_write(dir, "b/build.sh", "");
	unit_capture_begin();
	assert_int_equal(recipes_load(&rs, dir, dir, &prof), -1);
	err = unit_capture_end();
	assert_contains(err, "a/recipe.json:2:20: unknown dependency 'zlibb'");
	recipes_release(&rs);
	free(err);
	unit_rmrf(dir);
	free(dir);
}

static void
test_profile_errors(void **state)
{
	char *dir = unit_tmpdir(), path[4200], *err;
	struct abi a;

	unit_write(dir, "p.json", "{\"name\": \"32\", \"mflag\": \"-m32\",\n \"hots\": \"x\"}\n");
	snprintf(path, sizeof(path), "%s/p.json", dir);
	unit_capture_begin();
	assert_int_equal(abi_load(&a, path), -1);
	err = unit_capture_end();
	assert_contains(err, "p.json:2:2: unknown key 'hots' (did you mean 'host'?)");
	abi_release(&a);
	free(err);
	unit_rmrf(dir);
	free(dir);
}

/* a source name is one file name: '../../x' is refused at load, at its place */
static void
test_source_name(void **state)
{
	char *err;
	const char *t = "{\"name\": \"zz\", \"version\": \"1\", \"stage\": \"system\",\n"
		"  \"sources\": [{\"url\": \"https://example.invalid/zz.tar.gz\",\n"
		"    \"sha256\": \"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\",\n"
		"    \"name\": \"../../x\"}]}\n";
	const char *u = "{\"name\": \"zz\", \"version\": \"1\", \"stage\": \"system\",\n"
		"  \"sources\": [{\"url\": \"https://example.invalid/..\",\n"
		"    \"md5\": \"0123456789abcdef0123456789abcdef\"}]}\n";

	assert_int_equal(load("zz", t, 0, &err), -1);
	assert_contains(err, "recipe.json:4:5: source name '../../x' must be a plain file name");
	free(err);
	assert_int_equal(load("zz", u, 0, &err), -1);
	assert_contains(err, "recipe.json:2:16: source name '..' must be a plain file name");
	free(err);
}

/* a flood of unknown keys: the first few are named, the rest counted */
static void
test_unknown_flood(void **state)
{
	struct buf b = {0};
	char *err, *p;
	int lines = 0;

	bufputs(&b, "{\"name\": \"zz\", \"version\": \"1\", \"stage\": \"system\"");
	for (int i = 0; i < 20000; i++)
		bufprintf(&b, ",\n \"k%d\": 1", i);
	bufputs(&b, "}\n");
	assert_int_equal(load("zz", b.s, 0, &err), -1);
	for (p = err; *p; p++)
		lines += *p == '\n';
	assert_true(lines <= JDOC_MAXUNKNOWN + 1);
	assert_contains(err, "recipe.json:2:2: unknown key 'k0'");
	assert_contains(err, "19990 more unknown keys in '(top)'");
	free(err);
	buffree(&b);
}

/* the same name in two stage directories: both files named, with the place */
static void
test_defined_twice(void **state)
{
	char *dir = unit_tmpdir(), *err;
	struct recipeset rs;

	unit_write(dir, "temp/aa/recipe.json", "{\"name\": \"aa\", \"version\": \"1\", \"stage\": \"temp\"}\n");
	unit_write(dir, "temp/aa/build.sh", "");
	unit_write(dir, "system/aa/recipe.json", "{\"version\": \"1\",\n \"name\": \"aa\", \"stage\": \"system\"}\n");
	unit_write(dir, "system/aa/build.sh", "");
	unit_capture_begin();
	assert_int_equal(recipes_load(&rs, dir, dir, &prof), -1);
	err = unit_capture_end();
	assert_contains(err, "recipe.json:");
	assert_contains(err, "recipe 'aa' is defined twice (also in '");
	assert_true(strstr(err, "system/aa/recipe.json:2:2: recipe") ||
		strstr(err, "temp/aa/recipe.json:1:2: recipe"));
	recipes_release(&rs);
	free(err);
	unit_rmrf(dir);
	free(dir);
}

/* a layout without a libdir for an ABI that has a profile */
static void
test_layout_missing_abi(void **state)
{
	char *dir = unit_tmpdir(), *err;
	struct profiles p;

	assert_int_equal(unit_sh("cp abi-profiles/*.json '%s'/ && mkdir '%s/layouts'", dir, dir), 0);
	unit_write(dir, "layouts/two.json", "{\"name\": \"two\", \"description\": \"x\", \"primary\": \"64\",\n"
		"  \"libdirs\": {\"64\": \"/usr/lib\", \"32\": \"/usr/lib32\"}}\n");
	unit_capture_begin();
	assert_int_equal(profiles_load(&p, dir, "two"), -1);
	err = unit_capture_end();
	assert_contains(err, "layouts/two.json:2:3: layout has no libdir for ABI 'x32'");
	profiles_release(&p);
	free(err);
	unit_rmrf(dir);
	free(dir);
}

static void
test_profiles_real(void **state)
{
	struct abi *x32 = abi_get(&prof, "x32");

	assert_int_equal(prof.n, 3);
	assert_non_null(x32);
	assert_int_equal(x32->elfclass, 32);
	assert_int_equal(x32->machine, ELF_X86_64);
	assert_string_equal(x32->loader, "/libx32/ld-linux-x32.so.2");
	assert_string_equal(abi_extra(x32, "gmp_abi"), "x32");
	assert_string_equal(layout_libdir(&prof.layout, "32"), "/usr/lib32");
	assert_string_equal(layout_abi_of(&prof.layout, "/usr/libx32"), "x32");
	assert_string_equal(prof.layout.primary, "64");
}

static void
test_layouts(void **state)
{
	struct profiles p;

	assert_int_equal(profiles_load(&p, "abi-profiles", "multiarch"), 0);
	assert_string_equal(layout_libdir(&p.layout, "32"), "/usr/lib/i386-linux-gnu");
	profiles_release(&p);
	assert_int_equal(profiles_load(&p, "abi-profiles", "lib64"), 0);
	assert_string_equal(layout_libdir(&p.layout, "64"), "/usr/lib64");
	profiles_release(&p);
	unit_capture_begin();
	assert_int_equal(profiles_load(&p, "abi-profiles", "nosuch"), -1);
	char *err = unit_capture_end();
	assert_contains(err, "unknown layout 'nosuch'");
	free(err);
	profiles_release(&p);
}

/* recipes may sit in stage directories (recipes/temp/m4) beside flat ones;
   a recipe whose stage contradicts its directory is refused */
static void
test_stage_dirs(void **state)
{
	char *dir = unit_tmpdir(), *err;
	struct recipeset rs;

	unit_write(dir, "temp/aa/recipe.json", "{\"name\": \"aa\", \"version\": \"1\", \"stage\": \"temp\"}\n");
	unit_write(dir, "temp/aa/build.sh", script);
	unit_write(dir, "system/bb/recipe.json", "{\"name\": \"bb\", \"version\": \"1\", \"stage\": \"system\", \"depends\": [\"aa\"]}\n");
	unit_write(dir, "system/bb/build.sh", script);
	unit_write(dir, "cc/recipe.json", "{\"name\": \"cc\", \"version\": \"1\", \"stage\": \"chroot\"}\n");
	unit_write(dir, "cc/build.sh", script);
	unit_write(dir, "notes/dd/recipe.json", "{\"name\": \"dd\", \"version\": \"1\", \"stage\": \"system\"}\n");
	unit_write(dir, "notes/dd/build.sh", script);
	assert_int_equal(recipes_load(&rs, dir, dir, &prof), 0);
	assert_int_equal(rs.n, 3);
	assert_non_null(recipe_get(&rs, "aa"));
	assert_non_null(recipe_get(&rs, "bb"));
	assert_non_null(recipe_get(&rs, "cc"));
	assert_null(recipe_get(&rs, "dd"));
	recipes_release(&rs);
	unit_write(dir, "temp/ee/recipe.json", "{\"name\": \"ee\", \"version\": \"1\",\n \"stage\": \"system\"}\n");
	unit_write(dir, "temp/ee/build.sh", script);
	unit_capture_begin();
	assert_int_equal(recipes_load(&rs, dir, dir, &prof), -1);
	err = unit_capture_end();
	assert_contains(err, "temp/ee/recipe.json:2:");
	assert_contains(err, "'stage'");
	assert_contains(err, "stage directory 'temp'");
	free(err);
	recipes_release(&rs);
	unit_rmrf(dir);
	free(dir);
}

/* "include": files of the tree's include/ dir; their steps count, their text
   is in the key; a bad or missing name is an error naming file:line and key */
static void
test_include(void **state)
{
	char *dir = unit_tmpdir(), *err, rdir[4200], hash[65];
	struct recipe r;

	unit_write(dir, "include/common.sh", "prepare() {\n\t:\n}\n");
	unit_write(dir, "system/ii/recipe.json",
		"{\"name\": \"ii\", \"version\": \"1\", \"stage\": \"system\",\n \"include\": [\"common.sh\"],"
		" \"sources\": [{\"path\": \"src\"}]}\n");
	unit_write(dir, "system/ii/build.sh", "build() {\n\t:\n}\n");
	unit_write(dir, "system/ii/src/a", "0123456789");
	unit_write(dir, "system/ii/src/sub/b", "01234");
	snprintf(rdir, sizeof(rdir), "%s/system/ii", dir);
	assert_int_equal(recipe_load(&r, rdir, dir, &prof), 0);
	assert_int_equal(r.includes.n, 1);
	assert_true(endswith(r.includes.v[0], "/include/common.sh"));
	assert_true(recipe_defines(&r, "prepare"));
	assert_true(recipe_defines(&r, "build"));
	/* the path source's bytes, counted while hashing it (the weight guess) */
	assert_int_equal(r.treebytes, 15);
	memcpy(hash, r.hash, sizeof(hash));
	recipe_release(&r);
	unit_write(dir, "include/common.sh", "prepare() {\n\ttrue\n}\n");
	assert_int_equal(recipe_load(&r, rdir, dir, &prof), 0);
	assert_string_not_equal(hash, r.hash);
	recipe_release(&r);
	unit_write(dir, "system/ii/recipe.json",
		"{\"name\": \"ii\", \"version\": \"1\", \"stage\": \"system\",\n \"include\": [\"../x.sh\"]}\n");
	unit_capture_begin();
	assert_int_equal(recipe_load(&r, rdir, dir, &prof), -1);
	err = unit_capture_end();
	assert_contains(err, "system/ii/recipe.json:2:");
	assert_contains(err, "key 'include': '../x.sh' must be a file name");
	free(err);
	recipe_release(&r);
	unit_write(dir, "system/ii/recipe.json",
		"{\"name\": \"ii\", \"version\": \"1\", \"stage\": \"system\",\n \"include\": [\"gone.sh\"]}\n");
	unit_capture_begin();
	assert_int_equal(recipe_load(&r, rdir, dir, &prof), -1);
	err = unit_capture_end();
	assert_contains(err, "key 'include': no file");
	assert_contains(err, "include/gone.sh");
	free(err);
	recipe_release(&r);
	unit_rmrf(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_wrong_type),
		cmocka_unit_test(test_missing_checksum),
		cmocka_unit_test(test_bad_checksum),
		cmocka_unit_test(test_unknown_abi),
		cmocka_unit_test(test_bad_stage),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_missing_script),
		cmocka_unit_test(test_name_mismatch),
		cmocka_unit_test(test_git_unpinned),
		cmocka_unit_test(test_unknown_dependency),
		cmocka_unit_test(test_profile_errors),
		cmocka_unit_test(test_profiles_real),
		cmocka_unit_test(test_layouts),
		cmocka_unit_test(test_stage_dirs),
		cmocka_unit_test(test_include),
		cmocka_unit_test(test_source_name),
		cmocka_unit_test(test_unknown_flood),
		cmocka_unit_test(test_defined_twice),
		cmocka_unit_test(test_layout_missing_abi),
	};
	return cmocka_run_group_tests_name("recipe", tests, setup, teardown);
}
