/* t-bincache: store a staging dir with files, a symlink, a hardlink and modes,
   restore it identical, refuse a wrong node, a flipped byte, a short archive,
   and trim with gc */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "unit.h"
#include "bincache.h"
#include "hash.h"
#include "util.h"

static const char key[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
static const char key2[] = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";

/* a staging dir under t: usr/lib/libx.so.1 (0755), libx.so -> libx.so.1, a
   hardlink, an empty dir and an absolute symlink */
static char *
mkstage(const char *t)
{
	char *s = pathjoin(t, "stage");

	unit_write(s, "usr/lib/libx.so.1", "ELF-ish\n");
	unit_write(s, "usr/include/x.h", "#define X 1\n");
	assert_int_equal(unit_sh("cd '%s' && chmod 755 usr/lib/libx.so.1 && "
		"ln -s libx.so.1 usr/lib/libx.so && ln usr/include/x.h usr/include/y.h && "
		"mkdir -p usr/share/empty && ln -s /usr/bin/true usr/lib/abs", s), 0);
	return s;
}

static void
roundtrip(void **state)
{
	char *t = unit_tmpdir(), *s = mkstage(t), *c = pathjoin(t, "cache"), *out = pathjoin(t, "out");
	char h1[HASH_HEXMAX], h2[HASH_HEXMAX];
	struct bincache bc;
	struct stat a, b;
	unsigned long long n;

	assert_int_equal(bincache_open(&bc, c, t), 0);
	assert_int_equal(bincache_get(&bc, "x:64", key, out), 0);
	assert_int_equal(bincache_put(&bc, "x:64", key, s), 0);
	assert_int_equal(bincache_verify(c, key), 0);
	assert_int_equal(bincache_get(&bc, "x:64", key, out), 1);
	assert_int_equal(hashtree(s, h1, &n), 0);
	assert_int_equal(hashtree(out, h2, &n), 0);
	assert_string_equal(h1, h2);
	assert_int_equal(unit_sh("cd '%s' && test \"$(readlink usr/lib/abs)\" = /usr/bin/true && "
		"test -d usr/share/empty && test -x usr/lib/libx.so.1", out), 0);
	char *x = pathjoin(out, "usr/include/x.h"), *y = pathjoin(out, "usr/include/y.h");
	assert_int_equal(stat(x, &a), 0);
	assert_int_equal(stat(y, &b), 0);
	assert_true(a.st_ino == b.st_ino);
	/* another node under this key is refused */
	assert_int_equal(bincache_get(&bc, "x:32", key, out), -1);
	assert_false(exists(out));
	bincache_close(&bc);
	unit_sh("rm -rf '%s'", t);
	free(x);
	free(y);
	free(t);
	free(s);
	free(c);
	free(out);
}

static void
corrupt(void **state)
{
	char *t = unit_tmpdir(), *s = mkstage(t), *c = pathjoin(t, "cache"), *out = pathjoin(t, "out");
	struct bincache bc;

	assert_int_equal(bincache_open(&bc, c, t), 0);
	assert_int_equal(bincache_put(&bc, "x:64", key, s), 0);
	assert_int_equal(unit_sh("cd '%s' && printf '\\377' | dd of=%s.tar.zst bs=1 seek=40 "
		"conv=notrunc 2>/dev/null", c, key), 0);
	assert_int_equal(bincache_verify(c, key), -1);
	assert_int_equal(bincache_get(&bc, "x:64", key, out), -1);
	assert_false(exists(out));
	/* stored again over the bad entry, then cut short */
	assert_int_equal(bincache_put(&bc, "x:64", key, s), 0);
	assert_int_equal(bincache_get(&bc, "x:64", key, out), 1);
	assert_int_equal(unit_sh("cd '%s' && truncate -s 30 %s.tar.zst", c, key), 0);
	assert_int_equal(bincache_get(&bc, "x:64", key, out), -1);
	assert_false(exists(out));
	/* a key that is not hex names no file */
	assert_int_equal(bincache_get(&bc, "x:64", "../../etc/passwd", out), 0);
	bincache_close(&bc);
	unit_sh("rm -rf '%s'", t);
	free(t);
	free(s);
	free(c);
	free(out);
}

static void
pushgc(void **state)
{
	char *t = unit_tmpdir(), *s = mkstage(t), *c = pathjoin(t, "cache"), *to = pathjoin(t, "to");
	struct bincache bc;
	struct strv keep = {0};
	unsigned long long bytes;

	assert_int_equal(bincache_open(&bc, c, t), 0);
	assert_int_equal(bincache_put(&bc, "x:64", key, s), 0);
	assert_int_equal(bincache_put(&bc, "x:32", key2, s), 0);
	strvadd(&keep, key);
	assert_int_equal(bincache_push(c, to, &keep), 1);
	assert_int_equal(bincache_push(c, to, NULL), 1);
	assert_int_equal(bincache_push(c, to, NULL), 0);
	unit_write(c, ".tmp-left", "x");
	assert_int_equal(bincache_gc(c, &keep, &bytes), 3);
	assert_true(bytes > 0);
	assert_int_equal(bincache_verify(c, key), 0);
	assert_int_equal(bincache_verify(c, key2), -1);
	strvfree(&keep);
	bincache_close(&bc);
	unit_sh("rm -rf '%s'", t);
	free(t);
	free(s);
	free(c);
	free(to);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(roundtrip),
		cmocka_unit_test(corrupt),
		cmocka_unit_test(pushgc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
