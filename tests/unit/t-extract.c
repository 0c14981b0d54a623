/* t-extract: every archive format made here with tar(1)/zip(1), strip, and
   hostile archives made with libarchive's writer */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <archive.h>
#include <archive_entry.h>
#include "unit.h"
#include "extract.h"
#include "util.h"

static char tmp[] = "/tmp/mlfs-t-extract.XXXXXX";
static int serial;

static char *
at(const char *rel)
{
	return pathjoin(tmp, rel);
}

/* a fresh name under tmp: "<base>.<n>"; caller frees */
static char *
fresh(const char *base)
{
	char *r = xasprintf("%s.%d", base, ++serial), *p = at(r);

	free(r);
	return p;
}

static int
setup(void **state)
{
	if (!mkdtemp(tmp))
		return -1;
	/* pkg-1.0/ the usual single top directory */
	return unit_sh("cd %s && mkdir -p src/pkg-1.0/bin src/pkg-1.0/sub/deep src/pkg-1.0/empty &&"
		" cd src && echo readme >pkg-1.0/README && printf '#!/bin/sh\\n' >pkg-1.0/bin/run.sh &&"
		" chmod 755 pkg-1.0/bin/run.sh && echo deep >pkg-1.0/sub/deep/file &&"
		" echo ro >pkg-1.0/ro.txt && chmod 444 pkg-1.0/ro.txt && ln -s README pkg-1.0/link &&"
		" tar cf ../a.tar pkg-1.0 && tar czf ../a.tar.gz pkg-1.0 && tar cJf ../a.tar.xz pkg-1.0 &&"
		" tar cjf ../a.tar.bz2 pkg-1.0 && tar --zstd -cf ../a.tar.zst pkg-1.0 &&"
		" tar --lzip -cf ../a.tar.lz pkg-1.0 && zip -qry ../a.zip pkg-1.0 &&"
		" mkdir ../flat && cd ../flat && echo a >a.txt && mkdir b && echo c >b/c.txt &&"
		" tar czf ../flat.tar.gz a.txt b && echo only >only.txt && tar cf ../one.tar only.txt &&"
		" head -c 4096 /dev/urandom >../noise.bin", tmp) == 0 ? 0 : -1;
}

static int
teardown(void **state)
{
	rmtree(tmp);
	return 0;
}

static void
checkfile(const char *dir, const char *rel, const char *want, int mode)
{
	char *p = pathjoin(dir, rel), *s = readfile(p, NULL);
	struct stat st;

	assert_non_null(s);
	assert_string_equal(s, want);
	assert_int_equal(lstat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, mode);
	free(s);
	free(p);
}

/* the tree of setup's pkg-1.0 is in dir */
static void
checktree(const char *dir)
{
	char *p = pathjoin(dir, "link"), link[64];
	struct stat st;
	ssize_t n;

	checkfile(dir, "README", "readme\n", 0644);
	checkfile(dir, "bin/run.sh", "#!/bin/sh\n", 0755);
	checkfile(dir, "sub/deep/file", "deep\n", 0644);
	checkfile(dir, "ro.txt", "ro\n", 0444);
	n = readlink(p, link, sizeof(link) - 1);
	assert_int_equal(n, 6);
	link[n] = '\0';
	assert_string_equal(link, "README");
	free(p);
	p = pathjoin(dir, "empty");
	assert_int_equal(lstat(p, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	free(p);
}

/* each format unpacks to the same tree, stripped or not */
static void
test_format(void **state)
{
	const char *ext = *state;
	char *name = xasprintf("a.%s", ext), *arch = at(name);
	char *d1 = fresh("fmt"), *d2 = fresh("fmt"), *top;

	assert_int_equal(extract_archive(arch, d1, 1), 0);
	checktree(d1);
	assert_int_equal(extract_archive(arch, d2, 0), 0);
	top = pathjoin(d2, "pkg-1.0");
	checktree(top);
	free(top);
	free(name);
	free(arch);
	free(d1);
	free(d2);
}

/* strip leaves archives without one top directory alone */
static void
test_nostrip(void **state)
{
	char *a = at("flat.tar.gz"), *o = at("one.tar"), *d1 = fresh("flat"), *d2 = fresh("one");

	assert_int_equal(extract_archive(a, d1, 1), 0);
	checkfile(d1, "a.txt", "a\n", 0644);
	checkfile(d1, "b/c.txt", "c\n", 0644);
	assert_int_equal(extract_archive(o, d2, 1), 0);
	checkfile(d2, "only.txt", "only\n", 0644);
	free(a);
	free(o);
	free(d1);
	free(d2);
}

struct ent {
	int type;            /* AE_IFREG, AE_IFDIR, AE_IFLNK, AE_IFCHR, or 'h' for a hardlink */
	const char *name;
	const char *target;  /* symlink or hardlink target, or file contents */
};

/* write an archive with libarchive (format: pax tar or zip); its path; caller frees */
static char *
mkarchive(const char *base, int zip, const struct ent *ents, size_t n)
{
	char *path = fresh(base);
	struct archive *a = archive_write_new();
	struct archive_entry *e;

	if (zip)
		archive_write_set_format_zip(a);
	else
		archive_write_set_format_pax_restricted(a);
	assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
	for (size_t i = 0; i < n; i++) {
		e = archive_entry_new();
		archive_entry_set_pathname(e, ents[i].name);
		archive_entry_set_mtime(e, 1700000000, 0);
		switch (ents[i].type) {
		case 'h':
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_perm(e, 0644);
			archive_entry_set_hardlink(e, ents[i].target);
			archive_entry_set_size(e, 0);
			break;
		case AE_IFLNK:
			archive_entry_set_filetype(e, AE_IFLNK);
			archive_entry_set_perm(e, 0777);
			archive_entry_set_symlink(e, ents[i].target);
			break;
		case AE_IFDIR:
			archive_entry_set_filetype(e, AE_IFDIR);
			archive_entry_set_perm(e, 0755);
			break;
		case 'S':
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_perm(e, 06777);
			archive_entry_set_size(e, strlen(ents[i].target));
			break;
		case AE_IFCHR:
			archive_entry_set_filetype(e, AE_IFCHR);
			archive_entry_set_perm(e, 0666);
			archive_entry_set_rdev(e, makedev(1, 3));
			break;
		default:
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_perm(e, 0644);
			archive_entry_set_size(e, strlen(ents[i].target));
			break;
		}
		assert_true(archive_write_header(a, e) >= ARCHIVE_WARN);
		if (ents[i].type == AE_IFREG || ents[i].type == 'S')
			archive_write_data(a, ents[i].target, strlen(ents[i].target));
		archive_entry_free(e);
	}
	archive_write_close(a);
	archive_write_free(a);
	return path;
}

/* extract a hostile archive into <box>/a/dest: it must fail with an error
   containing want, leave no dest and nothing new in <box> outside a/dest */
static void
refused(const struct ent *ents, size_t n, int zip, const char *want)
{
	char *box = fresh("box"), *dest = xasprintf("%s/a/dest", box);
	char *arch = mkarchive("hostile", zip, ents, n), *out, *listing, *lf;
	int rc;

	assert_int_equal(unit_sh("mkdir -p %s/a %s/outside && touch %s/a/keep", box, box, box), 0);
	unit_capture_begin();
	rc = extract_archive(arch, dest, 1);
	out = unit_capture_end();
	assert_int_equal(rc, -1);
	assert_non_null(strstr(out, want));
	assert_false(exists(dest));
	/* the box holds exactly what it held before */
	lf = xasprintf("%s.list", box);
	assert_int_equal(unit_sh("cd %s && find . | sort >%s", box, lf), 0);
	listing = readfile(lf, NULL);
	assert_non_null(listing);
	assert_string_equal(listing, ".\n./a\n./a/keep\n./outside\n");
	free(listing);
	free(lf);
	free(out);
	free(arch);
	free(dest);
	free(box);
}

static void
test_dotdot(void **state)
{
	const struct ent e[] = {{AE_IFREG, "ok.txt", "ok\n"}, {AE_IFREG, "../x", "x\n"}};
	const struct ent z[] = {{AE_IFREG, "../../outside/z", "z\n"}};

	refused(e, 2, 0, "refusing '../x'");
	refused(e, 2, 1, "refusing '../x'");
	refused(z, 1, 0, "'..' in the path");
}

static void
test_absolute(void **state)
{
	char *abs = fresh("abs");
	const struct ent e[] = {{AE_IFREG, abs, "abs\n"}};
	char *want = xasprintf("refusing '%s'", abs);

	refused(e, 1, 0, want);
	refused(e, 1, 1, want);
	assert_false(exists(abs));
	free(want);
	free(abs);
}

static void
test_symlink_escape(void **state)
{
	const struct ent e[] = {
		{AE_IFLNK, "evil", "../../outside"},
		{AE_IFREG, "evil/pwned", "pwned\n"},
	};
	const struct ent a[] = {{AE_IFLNK, "etc", "/etc"}, {AE_IFREG, "etc/pwned", "x\n"}};
	/* b -> . is harmless, but b/.. from the top is the parent of dest */
	const struct ent c[] = {{AE_IFLNK, "b", "."}, {AE_IFLNK, "a", "b/.."}};
	/* x -> d/.. is inside while d is a directory; d then becomes -> . */
	const struct ent late[] = {{AE_IFDIR, "d", NULL}, {AE_IFLNK, "x", "d/.."}, {AE_IFLNK, "d", "."}};

	refused(e, 2, 0, "refusing 'evil'");
	refused(e, 2, 1, "refusing 'evil'");
	refused(a, 2, 0, "symlink to '/etc' points outside");
	refused(c, 2, 0, "refusing 'a'");
	refused(late, 3, 0, "refusing 'x'");
}

static void
test_through_symlink(void **state)
{
	const struct ent e[] = {
		{AE_IFDIR, "sub", NULL},
		{AE_IFLNK, "in", "sub"},
		{AE_IFREG, "in/f", "f\n"},
	};

	refused(e, 3, 0, "written through the symlink 'in'");
}

static void
test_hardlink_escape(void **state)
{
	struct stat before, after;
	const struct ent a[] = {{'h', "pw", "/etc/passwd"}};
	const struct ent b[] = {{'h', "pw", "../../../../../../etc/passwd"}};
	const struct ent c[] = {{'h', "pw", "nothere"}};
	const struct ent d[] = {{AE_IFLNK, "l", "."}, {'h', "pw", "l/x"}};

	assert_int_equal(stat("/etc/passwd", &before), 0);
	refused(a, 1, 0, "hardlink to '/etc/passwd'");
	refused(b, 1, 0, "hardlink to '../../../../../../etc/passwd'");
	refused(c, 1, 0, "hardlink to 'nothere' outside the archive");
	refused(d, 2, 0, "hardlink to 'l/x' outside the archive");
	assert_int_equal(stat("/etc/passwd", &after), 0);
	assert_int_equal(before.st_nlink, after.st_nlink);
}

static void
test_device(void **state)
{
	const struct ent e[] = {{AE_IFCHR, "null", NULL}};

	refused(e, 1, 0, "device node");
}

/* hardlinks inside the archive are kept, as hardlinks */
static void
test_hardlink_ok(void **state)
{
	const struct ent e[] = {{AE_IFDIR, "p", NULL}, {AE_IFREG, "p/a", "same\n"}, {'h', "p/b", "p/a"}};
	char *arch = mkarchive("hard", 0, e, 3), *d = fresh("hard"), *a, *b;
	struct stat sa, sb;

	assert_int_equal(extract_archive(arch, d, 1), 0);
	a = pathjoin(d, "a");
	b = pathjoin(d, "b");
	assert_int_equal(lstat(a, &sa), 0);
	assert_int_equal(lstat(b, &sb), 0);
	assert_int_equal(sa.st_ino, sb.st_ino);
	checkfile(d, "b", "same\n", 0644);
	free(a);
	free(b);
	free(arch);
	free(d);
}

/* setuid and setgid bits never reach a source tree; the rest of the mode does */
static void
test_setuid_dropped(void **state)
{
	const struct ent e[] = {{AE_IFDIR, "p", NULL}, {'S', "p/su", "#!/bin/sh\n"}};
	char *arch = mkarchive("suid", 0, e, 2), *d = fresh("suid"), *f;
	struct stat st;

	assert_int_equal(extract_archive(arch, d, 1), 0);
	f = pathjoin(d, "su");
	assert_int_equal(lstat(f, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0777);
	free(f);
	free(arch);
	free(d);
}

/* not an archive, and a destination that is not empty */
static void
test_errors(void **state)
{
	char *noise = at("noise.bin"), *d1 = fresh("noise"), *d2 = fresh("full"), *f, *out;
	char *tar = at("a.tar");
	int rc1, rc2;

	assert_int_equal(mkdirs(d2, 0755), 0);
	f = pathjoin(d2, "mine");
	assert_int_equal(writefile(f, "mine", 4, 0644), 0);
	unit_capture_begin();
	rc1 = extract_archive(noise, d1, 1);
	rc2 = extract_archive(tar, d2, 1);
	out = unit_capture_end();
	assert_int_equal(rc1, -1);
	assert_int_equal(rc2, -1);
	assert_non_null(strstr(out, noise));
	assert_non_null(strstr(out, "Directory not empty"));
	assert_false(exists(d1));
	assert_true(exists(f));
	free(out);
	free(f);
	free(noise);
	free(tar);
	free(d1);
	free(d2);
}

/* make and free disk writers, as an unpack does */
static void *
writers(void *arg)
{
	for (int i = 0; i < 50000; i++)
		archive_write_free(extract_diskwriter());
	return arg;
}

/* unpacks run in parallel threads: the process's umask stays what it was */
static void
test_parallel_umask(void **state)
{
	pthread_t t[4];
	mode_t before = umask(022);

	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, writers, NULL), 0);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(umask(before), 022);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_prestate(test_format, "tar"),
		cmocka_unit_test_prestate(test_format, "tar.gz"),
		cmocka_unit_test_prestate(test_format, "tar.xz"),
		cmocka_unit_test_prestate(test_format, "tar.bz2"),
		cmocka_unit_test_prestate(test_format, "tar.zst"),
		cmocka_unit_test_prestate(test_format, "tar.lz"),
		cmocka_unit_test_prestate(test_format, "zip"),
		cmocka_unit_test(test_nostrip),
		cmocka_unit_test(test_dotdot),
		cmocka_unit_test(test_absolute),
		cmocka_unit_test(test_symlink_escape),
		cmocka_unit_test(test_through_symlink),
		cmocka_unit_test(test_hardlink_escape),
		cmocka_unit_test(test_device),
		cmocka_unit_test(test_hardlink_ok),
		cmocka_unit_test(test_setuid_dropped),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_parallel_umask),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
