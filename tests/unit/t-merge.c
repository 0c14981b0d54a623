/* t-merge: the multilib merge rules on staged trees built with the real
   multilib gcc (-m32, -m64, -mx32) */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>
#include "unit.h"
#include "elf.h"
#include "hash.h"
#include "merge.h"
#include "profile.h"
#include "recipe.h"
#include "util.h"
#include "verify.h"

static struct profiles prof;
static struct mergectx ctx;
static char top[PATH_MAX], root[PATH_MAX + 8];

/* write text to top/rel, creating directories */
static void
put(const char *rel, const char *text, int mode)
{
	char *p = pathjoin(top, rel), *d = xstrdup(p);

	*strrchr(d, '/') = '\0';
	assert_int_equal(mkdirs(d, 0755), 0);
	assert_int_equal(writefile(p, text, strlen(text), mode), 0);
	free(p);
	free(d);
}

/* the path of rel in the root; static buffer */
static const char *
inr(const char *rel)
{
	static char buf[4][PATH_MAX * 2];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s%s", root, rel);
	return buf[k];
}

/* the path of rel in the test dir; static buffer */
static const char *
intop(const char *rel)
{
	static char buf[4][PATH_MAX * 2];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", top, rel);
	return buf[k];
}

static char *
slurp(const char *path)
{
	char *s = readfile(path, NULL);

	if (!s)
		fail_msg("cannot read '%s': %s", path, strerror(errno));
	return s;
}

static void
recipeinit(struct recipe *r, const char *name)
{
	memset(r, 0, sizeof(*r));
	r->name = (char *)name;
	r->version = (char *)"1.0";
	r->stage = STAGE_SYSTEM;
}

static int
setup(void **state)
{
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";

	snprintf(top, sizeof(top), "%s/t-merge.XXXXXX", tmp);
	if (!mkdtemp(top))
		return -1;
	snprintf(root, sizeof(root), "%s/root", top);
	if (mkdirs(root, 0755) < 0 || profiles_load(&prof, "abi-profiles", "lfs") < 0)
		return -1;
	memset(&ctx, 0, sizeof(ctx));
	ctx.root = root;
	ctx.prof = &prof;
	strvadd(&ctx.abis, "32");
	strvadd(&ctx.abis, "64");
	strvadd(&ctx.abis, "x32");
	return 0;
}

static int
teardown(void **state)
{
	rmtree(top);
	profiles_release(&prof);
	strvfree(&ctx.abis);
	return 0;
}

static const char *
mflag(const char *abi)
{
	return !strcmp(abi, "32") ? "-m32" : !strcmp(abi, "64") ? "-m64" : "-mx32";
}

/* stage a shared library libNAME.so.1.0 (+ .so.1 and .so links) built for abi
   into stage/DIR; value() returns val */
static void
stagelib(const char *stage, const char *dir, const char *name, const char *abi, int val)
{
	assert_int_equal(unit_sh("cd '%s' && mkdir -p '%s%s' && printf 'int %s_value(void) { return %d; }\\n' >%s-%s.c && "
		"gcc %s -shared -fPIC -Wl,-soname,lib%s.so.1 -o '%s%s/lib%s.so.1.0' %s-%s.c && "
		"ln -sf lib%s.so.1.0 '%s%s/lib%s.so.1' && ln -sf lib%s.so.1 '%s%s/lib%s.so'",
		top, stage, dir, name, val, name, abi, mflag(abi), name, stage, dir, name, name, abi,
		name, stage, dir, name, name, stage, dir, name), 0);
}

/* stage a program printing text for abi as stage/PATH */
static void
stageprog(const char *stage, const char *path, const char *abi, const char *text)
{
	assert_int_equal(unit_sh("cd '%s' && mkdir -p \"$(dirname '%s%s')\" && "
		"printf '#include <stdio.h>\\nint main(void) { puts(\"%s\"); return 0; }\\n' >p-%s.c && "
		"gcc %s -o '%s%s' p-%s.c", top, stage, path, text, abi, mflag(abi), stage, path, abi), 0);
}

static const char *
elfabiof(const char *path)
{
	struct elfinfo e;

	if (elfclassify(path, &e) < 0)
		return NULL;
	return elfabi(&prof, &e);
}

/* sha256 of the whole root tree */
static void
roothash(char *hex)
{
	unsigned long long bytes;

	assert_int_equal(hashtree(root, hex, &bytes), 0);
}

/* identical files are installed once, and .gz files that differ only in their
   gzip header too; libraries go to their own libdirs; .la files are dropped */
static void
t_identical_once(void **state)
{
	const char *abis[] = { "32", "64", "x32" };
	struct recipe r;
	json_t *man, *f;
	size_t k;
	int found = 0;

	recipeinit(&r, "zl");
	for (int i = 0; i < 3; i++) {
		char st[32], rel[96];
		snprintf(st, sizeof(st), "zl-%s", abis[i]);
		snprintf(rel, sizeof(rel), "%s/usr/include/zl.h", st);
		put(rel, "int zl_value(void);\n", 0644);
		stagelib(st, layout_libdir(&prof.layout, abis[i]), "zl", abis[i], i);
		snprintf(rel, sizeof(rel), "%s%s/libzl.la", st, layout_libdir(&prof.layout, abis[i]));
		put(rel, "# libzl.la - a libtool library file\n", 0644);
		/* the same page, gzipped at different times: only the gzip header differs */
		snprintf(rel, sizeof(rel), "%s/usr/share/man/man3", st);
		assert_int_equal(unit_sh("mkdir -p '%s/%s' && printf '.TH ZL 3\\n' >'%s/%s/zl.3' && "
			"touch -d @%d '%s/%s/zl.3' && gzip '%s/%s/zl.3'", top, rel, top, rel,
			1000000 + i * 1000, top, rel, top, rel), 0);
		assert_int_equal(merge_node(&ctx, &r, abis[i], intop(st)), 0);
	}
	assert_true(exists(inr("/usr/include/zl.h")));
	assert_false(exists(inr("/usr/include/zl-32.h")));
	assert_true(exists(inr("/usr/share/man/man3/zl.3.gz")));
	assert_string_equal(elfabiof(inr("/usr/lib32/libzl.so.1.0")), "32");
	assert_string_equal(elfabiof(inr("/usr/lib/libzl.so.1.0")), "64");
	assert_string_equal(elfabiof(inr("/usr/libx32/libzl.so.1.0")), "x32");
	assert_false(exists(inr("/usr/lib/libzl.la")));
	assert_false(exists(inr("/usr/lib32/libzl.la")));
	man = json_load_file(inr("/var/lib/mlfs/manifests/zl.json"), 0, NULL);
	assert_non_null(man);
	json_array_foreach(json_object_get(man, "files"), k, f) {
		if (strcmp(json_string_value(json_object_get(f, "path")), "/usr/include/zl.h"))
			continue;
		assert_int_equal(json_array_size(json_object_get(f, "abis")), 3);
		assert_string_equal(json_string_value(json_object_get(f, "type")), "file");
		assert_int_equal(json_integer_value(json_object_get(f, "mode")), 0644);
		found++;
	}
	assert_int_equal(found, 1);
	json_decref(man);
}

/* the info directory index, which every package with a manual stages with
   its own entries, is installed by none of them: no collision */
static void
t_info_dir(void **state)
{
	const char *pkgs[] = { "rl", "lt" };
	struct recipe r[2];

	for (int i = 0; i < 2; i++) {
		char rel[96], text[64];
		recipeinit(&r[i], pkgs[i]);
		snprintf(rel, sizeof(rel), "%s/usr/share/info/dir", pkgs[i]);
		snprintf(text, sizeof(text), "* %s: (%s).\n", pkgs[i], pkgs[i]);
		put(rel, text, 0644);
		snprintf(rel, sizeof(rel), "%s/usr/share/info/%s.info", pkgs[i], pkgs[i]);
		put(rel, "manual\n", 0644);
		assert_int_equal(merge_node(&ctx, &r[i], "64", intop(pkgs[i])), 0);
	}
	assert_true(exists(inr("/usr/share/info/rl.info")));
	assert_true(exists(inr("/usr/share/info/lt.info")));
	assert_false(exists(inr("/usr/share/info/dir")));
}

/* the loader cache glibc's install makes in its staging dir is not
   installed; one that an older manifest lists is the system's: an upgrade
   leaves it, and verify does not call it changed */
static void
t_loader_cache(void **state)
{
	struct recipe r;
	struct vdamage d;
	char hex[HASH_HEXMAX];

	recipeinit(&r, "gl");
	put("gl/etc/ld.so.cache", "staged cache\n", 0644);
	put("gl/usr/share/gl/data", "data\n", 0644);
	assert_int_equal(merge_node(&ctx, &r, "64", intop("gl")), 0);
	assert_true(exists(inr("/usr/share/gl/data")));
	assert_false(exists(inr("/etc/ld.so.cache")));
	/* a manifest from before the rule, and the cache ldconfig made since */
	hashbuf(HASH_SHA256, "staged cache\n", 13, hex);
	assert_int_equal(unit_sh("cd '%s' && printf 'ldconfig made this\\n' >etc/ld.so.cache && "
		"jq '.files += [{\"path\": \"/etc/ld.so.cache\", \"type\": \"file\", \"mode\": 420, "
		"\"how\": \"copy\", \"hash\": \"%s\", \"source\": \"%s\", \"abis\": [\"64\"]}]' "
		"var/lib/mlfs/manifests/gl.json >m.json && mv m.json var/lib/mlfs/manifests/gl.json",
		inr(""), hex, hex), 0);
	assert_int_equal(verify_package(inr(""), "gl", &d), 0);
	vdamage_free(&d);
	put("gl/usr/share/gl/data", "data 2\n", 0644);
	assert_int_equal(merge_node(&ctx, &r, "64", intop("gl")), 0);
	assert_int_equal(unit_sh("grep -qx 'ldconfig made this' '%s'", inr("/etc/ld.so.cache")), 0);
	assert_int_equal(unit_sh("grep -qx 'data 2' '%s'", inr("/usr/share/gl/data")), 0);
}

/* the mtime of path in the root */
static long long
mtimeof(const char *path)
{
	struct stat st;

	assert_int_equal(stat(inr(path), &st), 0);
	return (long long)st.st_mtim.tv_sec;
}

/* installed files keep the staged copies' mtimes (Python's bytecode records
   its source's), and a kept file (the same content) takes the new one's:
   the primary ABI's, whichever ABI merged first */
static void
t_mtimes(void **state)
{
	struct recipe r;

	recipeinit(&r, "py");
	put("s32/usr/lib/py/os.py", "x = 1\n", 0644);
	put("s64/usr/lib/py/os.py", "x = 1\n", 0644);
	assert_int_equal(unit_sh("touch -d @1000000000 '%s' && touch -d @1200000000 '%s'",
		intop("s32/usr/lib/py/os.py"), intop("s64/usr/lib/py/os.py")), 0);
	assert_int_equal(merge_node(&ctx, &r, "32", intop("s32")), 0);
	assert_int_equal(mtimeof("/usr/lib/py/os.py"), 1000000000);
	assert_int_equal(merge_node(&ctx, &r, "64", intop("s64")), 0);
	assert_int_equal(mtimeof("/usr/lib/py/os.py"), 1200000000);
	/* a rebuild of the same content */
	assert_int_equal(unit_sh("touch -d @1300000000 '%s'", intop("s64/usr/lib/py/os.py")), 0);
	assert_int_equal(merge_node(&ctx, &r, "64", intop("s64")), 0);
	assert_int_equal(mtimeof("/usr/lib/py/os.py"), 1300000000);
}

static const char gmph[] =
	"#ifndef GMPT_H\n#define GMPT_H\n#define GMPT_LIMB_BITS %d\n#define GMPT_ABI \"%s\"\n#endif\n";

static void
stageheader(const char *stage, const char *abi, int bits)
{
	char text[256], rel[128];

	snprintf(text, sizeof(text), gmph, bits, abi);
	snprintf(rel, sizeof(rel), "%s/usr/include/gmpt.h", stage);
	put(rel, text, 0644);
	snprintf(rel, sizeof(rel), "%s/usr/include/gmptxx.h", stage);
	put(rel, "#include <gmpt.h>\n", 0644);
}

/* compile and run a program that prints GMPT_LIMB_BITS through the wrapper */
static int
runwrapped(const char *abi, const char *out)
{
	return unit_sh("cd '%s' && printf '#include <stdio.h>\\n#include <gmptxx.h>\\n"
		"int main(void) { printf(\"%%%%d %%%%s\\\\n\", GMPT_LIMB_BITS, GMPT_ABI); return 0; }\\n' >w.c && "
		"gcc %s -I'%s/usr/include' -o w-%s w.c 2>w-%s.err && ./w-%s >'%s'",
		top, mflag(abi), root, abi, abi, abi, out);
}

/* a header that differs between ABIs is installed per ABI behind a wrapper that
   selects by the compiler's macros; an ABI not built yet is an #error */
static void
t_wrap_header(void **state)
{
	struct recipe r;
	struct stat st64, st64b;
	char *s;

	recipeinit(&r, "gmpt");
	stageheader("g32", "32", 32);
	stageheader("g64", "64", 64);
	stageheader("gx32", "x32", 99);
	assert_int_equal(merge_node(&ctx, &r, "32", intop("g32")), 0);
	/* one ABI so far: the plain header */
	s = slurp(inr("/usr/include/gmpt.h"));
	assert_non_null(strstr(s, "GMPT_LIMB_BITS 32"));
	free(s);
	assert_int_equal(merge_node(&ctx, &r, "64", intop("g64")), 0);
	assert_true(exists(inr("/usr/include/gmpt-32.h")));
	assert_true(exists(inr("/usr/include/gmpt-64.h")));
	assert_false(exists(inr("/usr/include/gmptxx-32.h")));
	s = slurp(inr("/usr/include/gmpt.h"));
	assert_non_null(strstr(s, "#include \"gmpt-64.h\""));
	assert_non_null(strstr(s, "#error \"gmpt.h: not built for the x32 ABI\""));
	free(s);
	assert_int_equal(runwrapped("32", intop("o32")), 0);
	assert_int_equal(runwrapped("64", intop("o64")), 0);
	s = slurp(intop("o32"));
	assert_string_equal(s, "32 32\n");
	free(s);
	s = slurp(intop("o64"));
	assert_string_equal(s, "64 64\n");
	free(s);
	/* x32 is requested but not merged: the wrapper says so */
	assert_int_not_equal(runwrapped("x32", intop("ox32")), 0);
	s = slurp(intop("w-x32.err"));
	assert_non_null(strstr(s, "gmpt.h: not built for the x32 ABI"));
	free(s);
	assert_int_equal(merge_node(&ctx, &r, "x32", intop("gx32")), 0);
	/* x32 programs cannot run here: check its branch at compile time */
	assert_int_equal(unit_sh("cd '%s' && printf '#include <gmpt.h>\\n_Static_assert(GMPT_LIMB_BITS == 99, \"x32\");\\n' >x.c && "
		"gcc -mx32 -I'%s/usr/include' -c -o x.o x.c && gcc -m32 -I'%s/usr/include' -c -o x32.o x.c 2>/dev/null",
		top, root, root), 1);
	assert_int_equal(unit_sh("cd '%s' && gcc -mx32 -I'%s/usr/include' -c -o x.o x.c", top, root), 0);
	/* rebuilding one ABI changes only its copy */
	assert_int_equal(stat(inr("/usr/include/gmpt-64.h"), &st64), 0);
	stageheader("g32b", "32", 33);
	assert_int_equal(merge_node(&ctx, &r, "32", intop("g32b")), 0);
	assert_int_equal(stat(inr("/usr/include/gmpt-64.h"), &st64b), 0);
	assert_int_equal(st64.st_ino, st64b.st_ino);
	assert_int_equal(runwrapped("32", intop("o32")), 0);
	s = slurp(intop("o32"));
	assert_string_equal(s, "33 32\n");
	free(s);
}

/* a library staged in the wrong libdir moves, with its symlinks and .pc file */
static void
t_relocate(void **state)
{
	struct recipe r;
	char buf[PATH_MAX];
	ssize_t n;
	char *s;

	recipeinit(&r, "bz");
	r.relocate = 1;
	stagelib("bz32", "/usr/lib", "bz", "32", 32);
	/* the LFS bzip2 link: /usr/lib/libbz.so.2 -> ../../lib/libbz.so.1.0 */
	assert_int_equal(unit_sh("ln -s ../../lib/libbz.so.1.0 '%s/bz32/usr/lib/libbz.so.2'", top), 0);
	put("bz32/usr/lib/pkgconfig/bz.pc", "prefix=/usr\nlibdir=${prefix}/lib\n"
		"Name: bz\nVersion: 1\nDescription: bz\nLibs: -L/usr/lib -lbz\n", 0644);
	assert_int_equal(merge_node(&ctx, &r, "32", intop("bz32")), 0);
	assert_false(exists(inr("/usr/lib/libbz.so.1.0")));
	assert_false(exists(inr("/usr/lib/pkgconfig/bz.pc")));
	assert_string_equal(elfabiof(inr("/usr/lib32/libbz.so.1.0")), "32");
	n = readlink(inr("/usr/lib32/libbz.so"), buf, sizeof(buf) - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, "libbz.so.1");
	n = readlink(inr("/usr/lib32/libbz.so.2"), buf, sizeof(buf) - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, "libbz.so.1.0");
	s = slurp(inr("/usr/lib32/pkgconfig/bz.pc"));
	assert_non_null(strstr(s, "\nlibdir=/usr/lib32\n"));
	assert_non_null(strstr(s, "Libs: -L/usr/lib32 -lbz\n"));
	free(s);
	/* the relocated library links and runs */
	assert_int_equal(unit_sh("cd '%s' && printf 'int bz_value(void);\\nint main(void) { return bz_value() != 32; }\\n' >m.c && "
		"gcc -m32 -o m m.c -L'%s/usr/lib32' -lbz && LD_LIBRARY_PATH='%s/usr/lib32' ./m",
		top, root, root), 0);
}

/* without "relocate" a library in the wrong libdir is an error and nothing merges */
static void
t_relocate_refused(void **state)
{
	struct recipe r;

	recipeinit(&r, "bz");
	stagelib("bz32", "/usr/lib", "bz", "32", 32);
	put("bz32/usr/include/bz.h", "int bz_value(void);\n", 0644);
	assert_int_equal(merge_node(&ctx, &r, "32", intop("bz32")), -1);
	assert_false(exists(inr("/usr/include/bz.h")));
	assert_false(exists(inr("/usr/lib32/libbz.so.1.0")));
	assert_false(exists(inr("/var/lib/mlfs/manifests/bz.json")));
}

/* an object of another ABI in a libdir is an error, relocate or not */
static void
t_wrong_abi(void **state)
{
	struct recipe r;

	recipeinit(&r, "wa");
	r.relocate = 1;
	stagelib("wa32", "/usr/lib32", "wa", "64", 64);
	assert_int_equal(merge_node(&ctx, &r, "32", intop("wa32")), -1);
	assert_false(exists(inr("/usr/lib32/libwa.so.1.0")));
	assert_false(exists(inr("/usr/lib/libwa.so.1.0")));
	/* an x32 archive in the 64-bit node's libdir */
	assert_int_equal(unit_sh("cd '%s' && mkdir -p wa64/usr/lib && echo 'int f(void){return 1;}' >f.c && "
		"gcc -mx32 -c f.c -o f.o && ar rcs wa64/usr/lib/libwa.a f.o", top), 0);
	assert_int_equal(merge_node(&ctx, &r, "64", intop("wa64")), -1);
	assert_false(exists(inr("/usr/lib/libwa.a")));
}

/* differing programs: the primary's wins; *-config scripts and chost_tools are
   also installed as <host-triplet>-<name> with their own libdir */
static void
t_config_tool(void **state)
{
	const char *abis[] = { "32", "64", "x32" };
	struct recipe r;
	char *s;

	recipeinit(&r, "nc");
	strvadd(&r.chost_tools, "nctool");
	for (int i = 0; i < 3; i++) {
		char st[32], rel[96], text[256];
		snprintf(st, sizeof(st), "nc-%s", abis[i]);
		snprintf(rel, sizeof(rel), "%s/usr/bin/nc6-config", st);
		/* every ABI's script names /usr/lib: the 32 and x32 ones leaked it */
		snprintf(text, sizeof(text), "#!/bin/sh\n# abi %s\necho -L/usr/lib -lnc\n", abis[i]);
		put(rel, text, 0755);
		stageprog(st, "/usr/bin/nctool", abis[i], abis[i]);
		stageprog(st, "/usr/bin/ncplain", abis[i], abis[i]);
	}
	assert_int_equal(merge_node(&ctx, &r, "32", intop("nc-32")), 0);
	/* before the primary arrives the 32-bit program stands in */
	assert_string_equal(elfabiof(inr("/usr/bin/ncplain")), "32");
	assert_int_equal(merge_node(&ctx, &r, "x32", intop("nc-x32")), 0);
	assert_int_equal(merge_node(&ctx, &r, "64", intop("nc-64")), 0);
	assert_string_equal(elfabiof(inr("/usr/bin/ncplain")), "64");
	assert_string_equal(elfabiof(inr("/usr/bin/nctool")), "64");
	assert_string_equal(elfabiof(inr("/usr/bin/i686-pc-linux-gnu-nctool")), "32");
	assert_string_equal(elfabiof(inr("/usr/bin/x86_64-pc-linux-gnux32-nctool")), "x32");
	assert_false(exists(inr("/usr/bin/i686-pc-linux-gnu-ncplain")));
	assert_int_equal(unit_sh("'%s' | grep -qx 32", inr("/usr/bin/i686-pc-linux-gnu-nctool")), 0);
	s = slurp(inr("/usr/bin/nc6-config"));
	assert_non_null(strstr(s, "# abi 64\necho -L/usr/lib -lnc"));
	free(s);
	s = slurp(inr("/usr/bin/i686-pc-linux-gnu-nc6-config"));
	assert_non_null(strstr(s, "# abi 32\necho -L/usr/lib32 -lnc"));
	free(s);
	s = slurp(inr("/usr/bin/x86_64-pc-linux-gnux32-nc6-config"));
	assert_non_null(strstr(s, "# abi x32\necho -L/usr/libx32 -lnc"));
	free(s);
	assert_int_equal(unit_sh("'%s' | grep -qx -- '-L/usr/lib32 -lnc'",
		inr("/usr/bin/i686-pc-linux-gnu-nc6-config")), 0);
	strvfree(&r.chost_tools);
}

/* a file of another package is a collision naming both */
static void
t_collision(void **state)
{
	struct recipe a, b;
	char *owner;

	recipeinit(&a, "pa");
	recipeinit(&b, "pb");
	put("pa/usr/bin/tool", "#!/bin/sh\necho a\n", 0755);
	put("pb/usr/bin/tool", "#!/bin/sh\necho b\n", 0755);
	put("pb/usr/share/pb/data", "b\n", 0644);
	assert_int_equal(merge_node(&ctx, &a, "64", intop("pa")), 0);
	assert_int_equal(merge_node(&ctx, &b, "64", intop("pb")), -1);
	assert_false(exists(inr("/usr/share/pb/data")));
	owner = merge_owner(&ctx, "/usr/bin/tool");
	assert_string_equal(owner, "pa");
	free(owner);
	assert_int_equal(unit_sh("grep -q 'echo a' '%s'", inr("/usr/bin/tool")), 0);
}

/* a package of a later stage takes over the files of an earlier one (the book
   installs Chapter 6 tools again in Chapter 8); the other way is a collision */
static void
t_takeover(void **state)
{
	struct recipe t, f, late;
	char *owner;

	recipeinit(&t, "tool-pass1");
	t.stage = STAGE_TEMP;
	recipeinit(&f, "tool");
	recipeinit(&late, "tool-pass2");
	late.stage = STAGE_TEMP;
	put("t1/usr/bin/tool", "#!/bin/sh\necho temp\n", 0755);
	put("t1/usr/share/tool/temp-only", "x\n", 0644);
	put("f1/usr/bin/tool", "#!/bin/sh\necho final\n", 0755);
	assert_int_equal(merge_node(&ctx, &t, "64", intop("t1")), 0);
	assert_int_equal(merge_node(&ctx, &f, "64", intop("f1")), 0);
	owner = merge_owner(&ctx, "/usr/bin/tool");
	assert_string_equal(owner, "tool");
	free(owner);
	assert_int_equal(merge_uninstall(&ctx, "tool-pass1"), 0);
	assert_int_equal(unit_sh("grep -q final '%s'", inr("/usr/bin/tool")), 0);
	assert_false(exists(inr("/usr/share/tool/temp-only")));
	assert_int_equal(merge_node(&ctx, &late, "64", intop("t1")), -1);
	assert_int_equal(unit_sh("grep -q final '%s'", inr("/usr/bin/tool")), 0);
}

/* another file that differs between ABIs is a conflict unless a rule covers it */
static void
t_conflict(void **state)
{
	struct recipe r;
	struct mrule rule = { .glob = (char *)"/usr/share/cf/*", .action = (char *)"primary" };

	recipeinit(&r, "cf");
	put("cf32/usr/share/cf/data", "thirty-two\n", 0644);
	put("cf64/usr/share/cf/data", "sixty-four\n", 0644);
	assert_int_equal(merge_node(&ctx, &r, "32", intop("cf32")), 0);
	assert_int_equal(merge_node(&ctx, &r, "64", intop("cf64")), -1);
	assert_int_equal(unit_sh("grep -q thirty-two '%s'", inr("/usr/share/cf/data")), 0);
	r.rules = &rule;
	r.nrules = 1;
	assert_int_equal(merge_node(&ctx, &r, "64", intop("cf64")), 0);
	assert_int_equal(unit_sh("grep -q sixty-four '%s'", inr("/usr/share/cf/data")), 0);
}

/* a rebuild removes what it no longer installs */
static void
t_rebuild_stale(void **state)
{
	struct recipe r;

	recipeinit(&r, "st");
	put("st1/usr/bin/st-old", "#!/bin/sh\n", 0755);
	put("st1/usr/share/st/old/file", "old\n", 0644);
	put("st1/usr/bin/st", "#!/bin/sh\n", 0755);
	put("st2/usr/bin/st", "#!/bin/sh\necho 2\n", 0755);
	assert_int_equal(merge_node(&ctx, &r, "64", intop("st1")), 0);
	assert_true(exists(inr("/usr/share/st/old/file")));
	assert_int_equal(merge_node(&ctx, &r, "64", intop("st2")), 0);
	assert_false(exists(inr("/usr/bin/st-old")));
	assert_false(exists(inr("/usr/share/st/old/file")));
	assert_false(exists(inr("/usr/share/st")));
	assert_true(exists(inr("/usr/bin/st")));
	assert_int_equal(unit_sh("grep -q 'echo 2' '%s'", inr("/usr/bin/st")), 0);
}

static void
stageall(const char *pfx)
{
	const char *abis[] = { "32", "64", "x32" };

	for (int i = 0; i < 3; i++) {
		char st[64], rel[128];
		snprintf(st, sizeof(st), "%s-%s", pfx, abis[i]);
		stageheader(st, abis[i], 8 * (i + 2));
		stagelib(st, layout_libdir(&prof.layout, abis[i]), "id", abis[i], i);
		snprintf(rel, sizeof(rel), "%s/usr/share/id/README", st);
		put(rel, "same\n", 0644);
		snprintf(rel, sizeof(rel), "%s/usr/bin/id-config", st);
		put(rel, "#!/bin/sh\necho /usr/lib\n", 0755);
	}
}

/* merging twice gives the same root, and so does any order of the ABIs */
static void
t_idempotent(void **state)
{
	char h1[HASH_HEXMAX], h2[HASH_HEXMAX], h3[HASH_HEXMAX];
	struct recipe r;

	recipeinit(&r, "id");
	stageall("id");
	assert_int_equal(merge_node(&ctx, &r, "32", intop("id-32")), 0);
	assert_int_equal(merge_node(&ctx, &r, "64", intop("id-64")), 0);
	assert_int_equal(merge_node(&ctx, &r, "x32", intop("id-x32")), 0);
	roothash(h1);
	assert_int_equal(merge_node(&ctx, &r, "64", intop("id-64")), 0);
	assert_int_equal(merge_node(&ctx, &r, "32", intop("id-32")), 0);
	roothash(h2);
	assert_string_equal(h1, h2);
	assert_int_equal(rmtree(root), 0);
	assert_int_equal(merge_node(&ctx, &r, "x32", intop("id-x32")), 0);
	assert_int_equal(merge_node(&ctx, &r, "64", intop("id-64")), 0);
	assert_int_equal(merge_node(&ctx, &r, "32", intop("id-32")), 0);
	roothash(h3);
	assert_string_equal(h1, h3);
}

/* uninstall removes every file and the manifest, and leaves other packages */
static void
t_uninstall(void **state)
{
	struct recipe r, o;

	recipeinit(&r, "id");
	recipeinit(&o, "other");
	stageall("id");
	put("other/usr/share/id/other", "mine\n", 0644);
	assert_int_equal(merge_node(&ctx, &o, "64", intop("other")), 0);
	assert_int_equal(merge_node(&ctx, &r, "32", intop("id-32")), 0);
	assert_int_equal(merge_node(&ctx, &r, "64", intop("id-64")), 0);
	assert_int_equal(merge_uninstall(&ctx, "id"), 0);
	assert_false(exists(inr("/usr/include/gmpt.h")));
	assert_false(exists(inr("/usr/include/gmpt-32.h")));
	assert_false(exists(inr("/usr/lib32/libid.so.1.0")));
	assert_false(exists(inr("/usr/lib/libid.so")));
	assert_false(exists(inr("/usr/bin/i686-pc-linux-gnu-id-config")));
	assert_false(exists(inr("/usr/share/id/README")));
	assert_false(exists(inr("/var/lib/mlfs/manifests/id.json")));
	assert_true(exists(inr("/usr/share/id/other")));
	assert_true(exists(inr("/usr/lib32")));
	assert_int_equal(merge_uninstall(&ctx, "id"), -1);
}

/* kill -9 a merge at many moments: the next merge gives the same root */
static void
t_interrupted(void **state)
{
	char want[HASH_HEXMAX], got[HASH_HEXMAX];
	unsigned long long t0, dt;
	struct recipe r;

	recipeinit(&r, "id");
	stageall("id");
	for (int i = 0; i < 40; i++) {
		char rel[64];
		snprintf(rel, sizeof(rel), "id-64/usr/share/id/f%02d", i);
		put(rel, rel, 0644);
	}
	assert_int_equal(merge_node(&ctx, &r, "32", intop("id-32")), 0);
	t0 = nowns();
	assert_int_equal(merge_node(&ctx, &r, "64", intop("id-64")), 0);
	dt = (nowns() - t0) / 1000;
	roothash(want);
	unit_sh("cd '%s' && find . -printf '%%p %%y %%m %%l %%s\\n' | sort >'%s/want.lst'", root, top);
	for (int k = 0; k < 24; k++) {
		pid_t pid;
		int st;
		assert_int_equal(merge_uninstall(&ctx, "id"), 0);
		assert_int_equal(merge_node(&ctx, &r, "32", intop("id-32")), 0);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			int rc = merge_node(&ctx, &r, "64", intop("id-64"));
			_exit(rc ? 1 : 0);
		}
		usleep(dt * k / 16);
		kill(pid, SIGKILL);
		assert_int_equal(waitpid(pid, &st, 0), pid);
		assert_int_equal(merge_node(&ctx, &r, "64", intop("id-64")), 0);
		roothash(got);
		if (strcmp(want, got))
			unit_sh("cd '%s' && find . -printf '%%p %%y %%m %%l %%s\\n' | sort | diff '%s/want.lst' - >&2", root, top);
		assert_string_equal(want, got);
	}
}

/* a commit that fails part-way does not say the root is unchanged: it is
   not; the kept intent is finished once the obstacle is gone */
static void
t_half_commit(void **state)
{
	struct recipe r;
	char *err, *s;
	int rc;

	recipeinit(&r, "half");
	put("h1/usr/share/half/a", "one\n", 0644);
	put("h1/usr/share/half/b", "b\n", 0644);
	assert_int_equal(merge_node(&ctx, &r, "64", intop("h1")), 0);
	put("h2/usr/share/half/a", "two\n", 0644);
	/* b goes, but in the root it is immutable (chattr +i; its content is
	   still the manifest's): its unlink fails after a's new version is
	   renamed in */
	if (unit_sh("chattr +i '%s' 2>/dev/null", inr("/usr/share/half/b")) != 0)
		skip();
	unit_capture_begin();
	rc = merge_node(&ctx, &r, "64", intop("h2"));
	err = unit_capture_end();
	assert_int_equal(rc, -1);
	assert_null(strstr(err, "the root is unchanged"));
	assert_non_null(strstr(err, "failed part-way"));
	free(err);
	s = slurp(inr("/usr/share/half/a"));
	assert_string_equal(s, "two\n");
	free(s);
	assert_true(exists(inr("/var/lib/mlfs/manifests/half.pending.json")));
	assert_int_equal(unit_sh("chattr -i '%s'", inr("/usr/share/half/b")), 0);
	assert_int_equal(merge_recover(&ctx), 0);
	assert_false(exists(inr("/usr/share/half/b")));
	assert_false(exists(inr("/var/lib/mlfs/manifests/half.pending.json")));
}

/* a root whose /bin and /sbin lead to usr/bin and usr/sbin (merged /usr):
   what is staged there goes through the links, which stay; a relative link
   target is made again from where the link lands */
static void
t_root_dirlinks(void **state)
{
	struct recipe r;
	char buf[PATH_MAX];
	ssize_t n;
	char *man, *got;

	recipeinit(&r, "tools");
	assert_int_equal(mkdirs(inr("/usr/bin"), 0755), 0);
	assert_int_equal(mkdirs(inr("/usr/sbin"), 0755), 0);
	assert_int_equal(symlink("usr/bin", inr("/bin")), 0);
	assert_int_equal(symlink("/usr/sbin", inr("/sbin")), 0);
	put("tools/bin/tool", "#!/bin/sh\n", 0755);
	put("tools/sbin/admin", "#!/bin/sh\n", 0755);
	put("tools/usr/share/tools/run", "run\n", 0644);
	assert_int_equal(symlink("../usr/share/tools/run", intop("tools/bin/run")), 0);
	assert_int_equal(merge_node(&ctx, &r, "64", intop("tools")), 0);
	assert_true(exists(inr("/usr/bin/tool")));
	assert_true(exists(inr("/usr/sbin/admin")));
	n = readlink(inr("/bin"), buf, sizeof(buf) - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, "usr/bin");
	n = readlink(inr("/usr/bin/run"), buf, sizeof(buf) - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, "../share/tools/run");
	got = slurp(inr("/usr/bin/run"));
	assert_string_equal(got, "run\n");
	free(got);
	man = slurp(inr("/var/lib/mlfs/manifests/tools.json"));
	assert_non_null(strstr(man, "\"/usr/bin/tool\""));
	assert_null(strstr(man, "\"/bin/tool\""));
	free(man);
	assert_int_equal(merge_uninstall(&ctx, "tools"), 0);
	assert_false(exists(inr("/usr/bin/tool")));
	assert_false(exists(inr("/usr/sbin/admin")));
	assert_int_equal(readlink(inr("/sbin"), buf, sizeof(buf)), 9);
}

/* the intent of a merge cut before its temps were written, one of them
   beneath a directory link of the root: the rollback drops it all */
static void
t_rollback_beneath_link(void **state)
{
	const char *intent = "{\"package\": \"cut\", \"state\": \"prepare\", "
		"\"renames\": [[\"/bin/.tool.mlfs-new\", \"/bin/tool\"], "
		"[\"/usr/share/cut/.x.mlfs-new\", \"/usr/share/cut/x\"]], "
		"\"removes\": [], \"rmdirs\": [], \"disown\": [], \"manifest\": null}";

	assert_int_equal(mkdirs(inr("/usr/bin"), 0755), 0);
	assert_int_equal(symlink("usr/bin", inr("/bin")), 0);
	put("root/usr/share/cut/.x.mlfs-new", "half\n", 0644);
	put("root/var/lib/mlfs/manifests/cut.pending.json", intent, 0644);
	assert_int_equal(merge_recover(&ctx), 0);
	assert_false(exists(inr("/var/lib/mlfs/manifests/cut.pending.json")));
	assert_false(exists(inr("/usr/share/cut/.x.mlfs-new")));
}

/* the mode of the root's rel, or -1 */
static int
rootmode(const char *rel)
{
	struct stat st;

	return lstat(inr(rel), &st) < 0 ? -1 : (int)(st.st_mode & 07777);
}

/* a rebuilt package gives the directories it had the modes it stages now,
   also where the root's were changed; a directory a package finds in the
   root the first time keeps its mode */
/* stage st with /usr/share/dm (mode dm, a file in it) and a sticky /tmp */
static void
stagedirs(const char *st, int dm)
{
	char rel[64];

	snprintf(rel, sizeof(rel), "%s/usr/share/dm/f", st);
	put(rel, "x\n", 0644);
	snprintf(rel, sizeof(rel), "%s/tmp/.keep", st);
	put(rel, "", 0644);
	snprintf(rel, sizeof(rel), "%s/usr/share/dm", st);
	assert_int_equal(chmod(intop(rel), dm), 0);
	snprintf(rel, sizeof(rel), "%s/tmp", st);
	assert_int_equal(chmod(intop(rel), 01777), 0);
}

static void
t_dir_modes(void **state)
{
	struct recipe r, q;

	recipeinit(&r, "dm");
	recipeinit(&q, "dq");
	stagedirs("dm1", 0777);
	assert_int_equal(merge_node(&ctx, &r, "64", intop("dm1")), 0);
	assert_int_equal(rootmode("/usr/share/dm"), 0777);
	assert_int_equal(rootmode("/tmp"), 01777);
	/* the rebuild stages 0755; the root's /tmp lost its sticky bit */
	stagedirs("dm2", 0755);
	assert_int_equal(chmod(inr("/tmp"), 0777), 0);
	assert_int_equal(merge_node(&ctx, &r, "64", intop("dm2")), 0);
	assert_int_equal(rootmode("/usr/share/dm"), 0755);
	assert_int_equal(rootmode("/tmp"), 01777);
	/* another package staging the same directory with another mode */
	put("dq1/usr/share/dm/q", "q\n", 0644);
	assert_int_equal(chmod(intop("dq1/usr/share/dm"), 0700), 0);
	assert_int_equal(merge_node(&ctx, &q, "64", intop("dq1")), 0);
	assert_int_equal(rootmode("/usr/share/dm"), 0755);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(t_identical_once, setup, teardown),
		cmocka_unit_test_setup_teardown(t_info_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(t_loader_cache, setup, teardown),
		cmocka_unit_test_setup_teardown(t_mtimes, setup, teardown),
		cmocka_unit_test_setup_teardown(t_wrap_header, setup, teardown),
		cmocka_unit_test_setup_teardown(t_relocate, setup, teardown),
		cmocka_unit_test_setup_teardown(t_relocate_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(t_wrong_abi, setup, teardown),
		cmocka_unit_test_setup_teardown(t_config_tool, setup, teardown),
		cmocka_unit_test_setup_teardown(t_collision, setup, teardown),
		cmocka_unit_test_setup_teardown(t_takeover, setup, teardown),
		cmocka_unit_test_setup_teardown(t_conflict, setup, teardown),
		cmocka_unit_test_setup_teardown(t_rebuild_stale, setup, teardown),
		cmocka_unit_test_setup_teardown(t_idempotent, setup, teardown),
		cmocka_unit_test_setup_teardown(t_uninstall, setup, teardown),
		cmocka_unit_test_setup_teardown(t_interrupted, setup, teardown),
		cmocka_unit_test_setup_teardown(t_half_commit, setup, teardown),
		cmocka_unit_test_setup_teardown(t_root_dirlinks, setup, teardown),
		cmocka_unit_test_setup_teardown(t_rollback_beneath_link, setup, teardown),
		cmocka_unit_test_setup_teardown(t_dir_modes, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
