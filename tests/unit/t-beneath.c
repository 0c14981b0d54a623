/* t-beneath: paths of a root resolved beneath it: a link out of the root, a
   link made of '..' and a '..' component are refused by openat2 and by the
   O_NOFOLLOW walk alike, and nothing outside is touched */
#include "unit.h"
#include <errno.h>
#include <sys/stat.h>
#include "beneath.h"
#include "hash.h"

struct fix {
	char *dir, *root, *out;
};

static int
setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	f->dir = unit_tmpdir();
	if (asprintf(&f->root, "%s/root", f->dir) < 0 || asprintf(&f->out, "%s/outside", f->dir) < 0)
		abort();
	assert_int_equal(unit_sh("cd '%s' && mkdir -p root/usr/share root/usr/lib outside && "
		"echo host >outside/f && echo mine >root/usr/lib/a && "
		"ln -s '%s' root/usr/share/x && ln -s ../../.. root/usr/share/y && "
		"ln -s a root/usr/lib/alink", f->dir, f->out), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix *f = *state;

	unit_sh("rm -rf '%s'", f->dir);
	free(f->dir);
	free(f->root);
	free(f->out);
	free(f);
	bn_forcewalk(0);
	return 0;
}

static void
refusals(struct fix *f)
{
	struct stat st;
	char hex[HASH_HEXMAX], buf[64];

	errno = 0;
	assert_int_equal(bn_open(f->root, "/usr/share/x/f", O_WRONLY | O_CREAT | O_TRUNC, 0644), -1);
	assert_int_equal(errno, ELOOP);
	assert_int_equal(bn_open(f->root, "/usr/share/y/tmp/new", O_WRONLY | O_CREAT, 0644), -1);
	assert_int_equal(errno, ELOOP);
	assert_int_equal(bn_open(f->root, "/usr/../../outside/f", O_RDONLY, 0), -1);
	assert_int_equal(bn_unlink(f->root, "/usr/share/x/f"), -1);
	assert_int_equal(errno, ELOOP);
	assert_int_equal(bn_mkdirs(f->root, "/usr/share/x/sub", 0755), -1);
	assert_int_equal(bn_rename(f->root, "/usr/lib/a", "/usr/share/x/a"), -1);
	assert_int_equal(bn_symlink("a", f->root, "/usr/share/x/l"), -1);
	assert_int_equal(bn_lstat(f->root, "/usr/share/x/f", &st), -1);
	assert_int_equal(bn_hash(f->root, "/usr/lib/alink", hex), -1);
	assert_int_equal(bn_readlink(f->root, "/usr/share/y/x", buf, sizeof(buf)), -1);
	assert_int_equal(bn_isdir(f->root, "/usr/share/x"), 0);
	/* outside is as it was */
	assert_int_equal(unit_sh("cd '%s' && test \"$(cat f)\" = host && test \"$(ls | wc -l)\" = 1",
		f->out), 0);
	assert_int_equal(unit_sh("test \"$(cat '%s/usr/lib/a')\" = mine", f->root), 0);
}

static void
ordinary(struct fix *f)
{
	struct stat st;
	char hex[HASH_HEXMAX], want[HASH_HEXMAX], buf[64];
	int fd;

	assert_int_equal(bn_mkdirs(f->root, "/usr/share/doc/p", 0755), 0);
	assert_int_equal(bn_isdir(f->root, "/usr/share/doc/p"), 1);
	fd = bn_open(f->root, "/usr/share/doc/p/t", O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "mine\n", 5), 5);
	close(fd);
	assert_int_equal(bn_chmod(f->root, "/usr/share/doc/p/t", 0644), 0);
	assert_int_equal(bn_lstat(f->root, "usr/share/doc/p/t", &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(bn_rename(f->root, "/usr/share/doc/p/t", "/usr/lib/b"), 0);
	assert_int_equal(bn_hash(f->root, "/usr/lib/b", hex), 0);
	hashbuf(HASH_SHA256, "mine\n", 5, want);
	assert_string_equal(hex, want);
	assert_true(bn_readlink(f->root, "/usr/lib/alink", buf, sizeof(buf)) == 1);
	assert_string_equal(buf, "a");
	/* the last component is acted on itself: the link goes, its target stays */
	assert_int_equal(bn_unlink(f->root, "/usr/share/x"), 0);
	assert_int_equal(unit_sh("test -f '%s/f'", f->out), 0);
	assert_int_equal(bn_symlink("b", f->root, "/usr/lib/blink"), 0);
	assert_int_equal(bn_rmdir(f->root, "/usr/share/doc/p"), 0);
	assert_int_equal(bn_isdir(f->root, "/usr/share/doc/p"), 0);
}

static void
test_openat2(void **state)
{
	struct fix *f = *state;

	refusals(f);
	ordinary(f);
	if (!bn_usedopenat2())
		print_message("openat2 is missing here: the walk ran instead\n");
}

static void
test_walk(void **state)
{
	struct fix *f = *state;

	bn_forcewalk(1);
	refusals(f);
	ordinary(f);
	assert_false(bn_usedopenat2());
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_openat2, setup, teardown),
		cmocka_unit_test_setup_teardown(test_walk, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
