/* t-vcs: git sources from a local bare repository made here with git(1) */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "unit.h"
#include "util.h"
#include "vcs.h"

static char tmp[] = "/tmp/mlfs-t-vcs.XXXXXX";
static char *origin;      /* the bare repository's path, used as url */
static char c1[41], c2[41];

/* stderr goes to a file until unit_capture_end() */
static char *
at(const char *rel)
{
	return pathjoin(tmp, rel);
}

static void
readid(const char *name, char *id)
{
	char *p = at(name), *s = readfile(p, NULL);

	if (!s || strlen(s) < 40)
		abort();
	memcpy(id, s, 40);
	id[40] = '\0';
	free(s);
	free(p);
}

static int
setup(void **state)
{
	if (!mkdtemp(tmp))
		return -1;
	origin = at("origin.git");
	if (unit_sh("cd %s && git init -q --bare origin.git && git init -q -b main work && cd work &&"
	       " git config user.name t && git config user.email t@example.org &&"
	       " echo one >f && git add f && git commit -qm one && git rev-parse HEAD >../c1 &&"
	       " echo two >f && printf '#!/bin/sh\\necho hi\\n' >run.sh && chmod +x run.sh &&"
	       " ln -s f link && mkdir sub && echo deep >sub/deep && git add -A &&"
	       " git commit -qm two && git rev-parse HEAD >../c2 &&"
	       " git push -q ../origin.git main", tmp) != 0)
		return -1;
	readid("c1", c1);
	readid("c2", c2);
	return 0;
}

static int
teardown(void **state)
{
	rmtree(tmp);
	free(origin);
	return 0;
}

static void
checkfile(const char *dir, const char *rel, const char *want)
{
	char *p = pathjoin(dir, rel), *s = readfile(p, NULL);

	assert_non_null(s);
	assert_string_equal(s, want);
	free(s);
	free(p);
}

/* the pinned commit's tree, exactly, and no .git */
static void
test_pinned(void **state)
{
	char *cache = at("cache1"), *d1 = at("d1"), *d2 = at("d2"), *p, link[64];
	struct stat st;
	ssize_t n;

	assert_int_equal(vcs_checkout(origin, c1, cache, d1), 0);
	checkfile(d1, "f", "one\n");
	p = pathjoin(d1, "run.sh");
	assert_false(exists(p));
	free(p);
	p = pathjoin(d1, ".git");
	assert_false(exists(p));
	free(p);

	assert_int_equal(vcs_checkout(origin, c2, cache, d2), 0);
	checkfile(d2, "f", "two\n");
	checkfile(d2, "sub/deep", "deep\n");
	p = pathjoin(d2, "run.sh");
	assert_int_equal(stat(p, &st), 0);
	assert_true(st.st_mode & S_IXUSR);
	free(p);
	p = pathjoin(d2, "link");
	n = readlink(p, link, sizeof(link) - 1);
	assert_int_equal(n, 1);
	link[n] = '\0';
	assert_string_equal(link, "f");
	free(p);
	p = pathjoin(d2, ".git");
	assert_false(exists(p));
	free(p);
	free(cache);
	free(d1);
	free(d2);
}

/* a second checkout comes from the cache: it works with the origin gone */
static void
test_cache(void **state)
{
	char *cache = at("cache2"), *d3 = at("d3"), *d4 = at("d4"), *away = at("away.git");
	char *repo = vcs_cachepath(cache, origin), *head = pathjoin(repo, "HEAD");
	int rc;

	assert_int_equal(vcs_checkout(origin, c2, cache, d3), 0);
	assert_true(exists(head));
	assert_int_equal(rename(origin, away), 0);
	rc = vcs_checkout(origin, c1, cache, d4);
	assert_int_equal(rename(away, origin), 0);
	assert_int_equal(rc, 0);
	checkfile(d4, "f", "one\n");
	free(cache);
	free(d3);
	free(d4);
	free(away);
	free(repo);
	free(head);
}

/* a commit pushed after the cache was made is fetched */
static void
test_newcommit(void **state)
{
	char *cache = at("cache3"), *d5 = at("d5"), *d6 = at("d6"), c3[41];

	assert_int_equal(vcs_checkout(origin, c1, cache, d5), 0);
	assert_int_equal(unit_sh("cd %s/work && echo three >f && git commit -qam three &&"
		" git rev-parse HEAD >../c3 && git push -q ../origin.git main", tmp), 0);
	readid("c3", c3);
	assert_int_equal(vcs_checkout(origin, c3, cache, d6), 0);
	checkfile(d6, "f", "three\n");
	free(cache);
	free(d5);
	free(d6);
}

/* short, non-hex and absent commits are refused, naming url and commit */
static void
test_badcommit(void **state)
{
	char *cache = at("cache4"), *d = at("d7"), *out;
	const char *absent = "0123456789abcdef0123456789abcdef01234567";
	int rc1, rc2, rc3;

	unit_capture_begin();
	rc1 = vcs_checkout(origin, "abc", cache, d);
	rc2 = vcs_checkout(origin, "g123456789abcdef0123456789abcdef01234567", cache, d);
	rc3 = vcs_checkout(origin, absent, cache, d);
	out = unit_capture_end();
	assert_int_equal(rc1, -1);
	assert_int_equal(rc2, -1);
	assert_int_equal(rc3, -1);
	assert_non_null(strstr(out, "'abc' is not a full commit id"));
	assert_non_null(strstr(out, "'g123456789abcdef"));
	assert_non_null(strstr(out, absent));
	assert_non_null(strstr(out, origin));
	assert_false(exists(d));
	free(out);
	free(cache);
	free(d);
}

/* a missing repository and a non-empty destination are errors */
static void
test_errors(void **state)
{
	char *cache = at("cache5"), *d = at("d8"), *bad = at("nothere.git"), *out, *f;
	int rc1, rc2;

	unit_capture_begin();
	rc1 = vcs_checkout(bad, c1, cache, d);
	assert_int_equal(mkdirs(d, 0755), 0);
	f = pathjoin(d, "x");
	writefile(f, "x", 1, 0644);
	rc2 = vcs_checkout(origin, c1, cache, d);
	out = unit_capture_end();
	assert_int_equal(rc1, -1);
	assert_int_equal(rc2, -1);
	assert_non_null(strstr(out, "no repository at"));
	assert_non_null(strstr(out, "nothere.git"));
	assert_non_null(strstr(out, "Directory not empty"));
	assert_true(exists(f));
	free(out);
	free(f);
	free(cache);
	free(d);
	free(bad);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pinned),
		cmocka_unit_test(test_cache),
		cmocka_unit_test(test_newcommit),
		cmocka_unit_test(test_badcommit),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
