/* t-verify: each kind of damage to a root is found, beneath the root only */
#include "unit.h"
#include "hash.h"
#include "util.h"
#include "verify.h"

static char *dir, *root;

static void
man(const char *pkg, const char *files)
{
	char rel[512], text[8192];

	snprintf(rel, sizeof(rel), "root/var/lib/mlfs/manifests/%s.json", pkg);
	snprintf(text, sizeof(text), "{\"package\": \"%s\", \"staged\": {}, \"files\": [%s]}\n", pkg, files);
	unit_write(dir, rel, text);
}

static int
setup(void **state)
{
	char hx[HASH_HEXMAX], files[4096];

	dir = unit_tmpdir();
	root = pathjoin(dir, "root");
	unit_write(dir, "root/usr/bin/a", "a\n");
	unit_write(dir, "root/usr/bin/b", "b\n");
	assert_int_equal(unit_sh("cd %s/root && chmod 755 usr/bin/a usr/bin/b && ln -s a usr/bin/l && "
		"mkdir -p usr/share/p && echo doc >usr/share/p/d && chmod 644 usr/share/p/d", dir), 0);
	hashbuf(HASH_SHA256, "a\n", 2, hx);
	snprintf(files, sizeof(files),
		"{\"path\": \"/usr/bin/a\", \"type\": \"file\", \"mode\": 493, \"hash\": \"%s\", \"abis\": [\"64\"]},"
		"{\"path\": \"/usr/bin/l\", \"type\": \"link\", \"mode\": 511, \"target\": \"a\", \"abis\": [\"64\"]},"
		"{\"path\": \"/usr/bin\", \"type\": \"dir\", \"mode\": 493}", hx);
	man("pa", files);
	hashbuf(HASH_SHA256, "doc\n", 4, hx);
	snprintf(files, sizeof(files),
		"{\"path\": \"/usr/share/p/d\", \"type\": \"file\", \"mode\": 420, \"hash\": \"%s\", \"abis\": [\"32\"]}", hx);
	man("pd", files);
	return 0;
}

static int
teardown(void **state)
{
	unit_rmrf(dir);
	free(dir);
	free(root);
	return 0;
}

static void
expect(const char *pkg, const char *line)
{
	struct vdamage d;

	assert_int_equal(verify_package(root, pkg, &d), 1);
	assert_int_equal(d.lines.n, 1);
	assert_string_equal(d.lines.v[0], line);
	vdamage_free(&d);
}

static void
test_clean(void **state)
{
	struct vdamage d;
	struct strv pk = {0}, un = {0};

	assert_int_equal(verify_package(root, "pa", &d), 0);
	vdamage_free(&d);
	assert_int_equal(verify_package(root, "pd", &d), 0);
	vdamage_free(&d);
	verify_installed(root, &pk);
	assert_int_equal(pk.n, 2);
	assert_string_equal(pk.v[0], "pa");
	verify_unowned(root, &un);
	assert_int_equal(un.n, 1);
	assert_string_equal(un.v[0], "/usr/bin/b");
	strvfree(&pk);
	strvfree(&un);
}

static void
test_damage(void **state)
{
	struct vdamage d;

	assert_int_equal(unit_sh("cd %s/root && echo edited >usr/bin/a", dir), 0);
	expect("pa", "'/usr/bin/a': content changed");
	assert_int_equal(unit_sh("cd %s/root && echo a >usr/bin/a && chmod 4755 usr/bin/a", dir), 0);
	expect("pa", "'/usr/bin/a': mode 4755, the manifest says 0755");
	assert_int_equal(unit_sh("cd %s/root && chmod 755 usr/bin/a && ln -sf b usr/bin/l", dir), 0);
	expect("pa", "'/usr/bin/l': links to 'b', the manifest says 'a'");
	assert_int_equal(unit_sh("cd %s/root && rm usr/bin/l", dir), 0);
	expect("pa", "'/usr/bin/l': missing");
	assert_int_equal(unit_sh("cd %s/root && ln -s a usr/bin/l && chmod 775 usr/bin", dir), 0);
	expect("pa", "'/usr/bin': mode 0775 lets others write, the manifest says 0755");
	/* a directory may be stricter than the package staged it (another made it first) */
	assert_int_equal(unit_sh("cd %s/root && chmod 700 usr/bin", dir), 0);
	assert_int_equal(verify_package(root, "pa", &d), 0);
	vdamage_free(&d);
	assert_int_equal(unit_sh("cd %s/root && chmod 755 usr/bin && rm usr/bin/l", dir), 0);
	expect("pa", "'/usr/bin/l': missing");
	/* the package's directory replaced by a link to the host's */
	assert_int_equal(unit_sh("cd %s && mkdir -p host && echo doc >host/d && "
		"mv root/usr/share/p root/p.old && ln -s %s/host root/usr/share/p", dir, dir), 0);
	assert_int_equal(verify_package(root, "pd", &d), 1);
	assert_non_null(strstr(d.lines.v[0], "'/usr/share/p/d': a symbolic link"));
	assert_string_equal(d.abis.v[0], "32");
	vdamage_free(&d);
	assert_int_equal(unit_sh("rm %s/root/var/lib/mlfs/manifests/pd.json", dir), 0);
	assert_int_equal(verify_package(root, "pd", &d), 1);
	assert_true(d.noman);
	vdamage_free(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_damage),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
