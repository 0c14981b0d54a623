/* t-graph: the dependency rules (ARCHITECTURE.md, "Data model"), cycles, selection and keys */
#include "unit.h"
#include "graph.h"
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

static void
recipe(const char *dir, const char *name, const char *extra)
{
	char rel[256], text[1024];

	snprintf(rel, sizeof(rel), "%s/recipe.json", name);
	snprintf(text, sizeof(text), "{\"name\": \"%s\", \"version\": \"1\"%s%s}\n", name,
		*extra ? ", " : "", extra);
	unit_write(dir, rel, text);
	snprintf(rel, sizeof(rel), "%s/build.sh", name);
	unit_write(dir, rel, "build() { :; }\n");
}

static int
strpcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* the names of a node's dependencies, sorted, space-separated; caller frees */
static char *
sortednames(struct node **v, size_t n)
{
	struct strv sv = {0};
	struct buf b = {0};

	for (size_t i = 0; i < n; i++)
		strvadd(&sv, v[i]->name);
	if (sv.n)
		qsort(sv.v, sv.n, sizeof(*sv.v), strpcmp);
	for (size_t i = 0; i < sv.n; i++)
		bufprintf(&b, "%s%s", i ? " " : "", sv.v[i]);
	strvfree(&sv);
	return b.s ? b.s : xstrdup("");
}

/* node's dependencies are exactly want (in any order) */
static int
deps_of(struct graph *g, const char *node, const char *want)
{
	struct node *n = graph_get(g, node);
	struct strv w = {0};
	char *got, *exp, *s, *save;
	int ok;

	assert_non_null(n);
	s = xstrdup(want);
	for (char *t = strtok_r(s, " ", &save); t; t = strtok_r(NULL, " ", &save))
		strvadd(&w, t);
	free(s);
	if (w.n)
		qsort(w.v, w.n, sizeof(*w.v), strpcmp);
	got = sortednames(n->deps, n->ndeps);
	struct buf b = {0};
	for (size_t i = 0; i < w.n; i++)
		bufprintf(&b, "%s%s", i ? " " : "", w.v[i]);
	exp = b.s ? b.s : xstrdup("");
	ok = !strcmp(got, exp);
	if (!ok)
		print_message("deps of %s: got '%s', want '%s'\n", node, got, exp);
	free(got);
	free(exp);
	strvfree(&w);
	return ok;
}

static void
loadf(const char *dir, const char *abis, struct recipeset *rs, struct graph *g, int want, int flags)
{
	struct strv sv = {0};
	char *s = strdup(abis), *save, *t;

	for (t = strtok_r(s, ",", &save); t; t = strtok_r(NULL, ",", &save))
		strvadd(&sv, t);
	free(s);
	assert_int_equal(recipes_load(rs, dir, dir, &prof), 0);
	assert_int_equal(graph_build(g, rs, &prof, &sv, flags), want);
	strvfree(&sv);
}

static void
load(const char *dir, const char *abis, struct recipeset *rs, struct graph *g, int want)
{
	loadf(dir, abis, rs, g, want, 0);
}

static void
test_rules(void **state)
{
	char *dir = unit_tmpdir();
	struct recipeset rs;
	struct graph g;

	recipe(dir, "a", "\"stage\": \"system\", \"abis\": \"all\"");
	recipe(dir, "b", "\"stage\": \"system\", \"abis\": \"all\", \"depends\": [\"a\"]");
	recipe(dir, "c", "\"stage\": \"system\", \"depends\": [\"a\"]");
	recipe(dir, "d", "\"stage\": \"system\", \"abis\": \"all\", \"depends\": [\"c\"]");
	recipe(dir, "e", "\"stage\": \"system\", \"one_pass\": true, \"depends\": [\"a\"]");
	recipe(dir, "f", "\"stage\": \"system\", \"depends\": [\"a:32\"]");
	recipe(dir, "t", "\"stage\": \"temp\", \"abis\": \"all\"");
	load(dir, "32,64,x32", &rs, &g, 0);
	assert_string_equal(g.abis.v[0], "64");
	assert_true(deps_of(&g, "b:32", "a:32 t:64 t:32 t:x32"));
	assert_true(deps_of(&g, "c:64", "a:64 t:64 t:32 t:x32"));
	assert_null(graph_get(&g, "c:32"));
	/* d:32 falls back to c on the primary ABI */
	assert_true(deps_of(&g, "d:32", "c:64 t:64 t:32 t:x32"));
	/* a one-pass recipe waits for every ABI of its dependency */
	assert_true(deps_of(&g, "e:64", "a:64 a:32 a:x32 t:64 t:32 t:x32"));
	assert_null(graph_get(&g, "e:32"));
	assert_true(deps_of(&g, "f:64", "a:32 t:64 t:32 t:x32"));
	assert_true(deps_of(&g, "t:32", ""));
	/* topological order */
	for (size_t i = 0; i < g.n; i++)
		for (size_t k = 0; k < g.nodes[i]->ndeps; k++)
			assert_true(g.nodes[i]->deps[k]->index < i);
	graph_release(&g);
	recipes_release(&rs);
	unit_rmrf(dir);
	free(dir);
}

static void
test_book_order(void **state)
{
	char *dir = unit_tmpdir();
	struct recipeset rs;
	struct graph g;

	recipe(dir, "p1", "\"stage\": \"system\", \"order\": 804, \"abis\": \"all\"");
	recipe(dir, "p2", "\"stage\": \"system\", \"order\": 805, \"abis\": \"all\"");
	recipe(dir, "p3", "\"stage\": \"system\", \"order\": 806, \"deps_complete\": true");
	recipe(dir, "p4", "\"stage\": \"system\", \"order\": 807");
	load(dir, "32,64", &rs, &g, 0);
	assert_true(deps_of(&g, "p2:64", "p1:64"));
	assert_true(deps_of(&g, "p2:32", ""));
	assert_true(deps_of(&g, "p3:64", ""));
	assert_true(deps_of(&g, "p4:64", "p3:64"));
	graph_release(&g);
	recipes_release(&rs);
	unit_rmrf(dir);
	free(dir);
}

/* primary_first: the other ABIs wait for the primary's node, in both modes;
   without 64 requested, the first requested ABI is the build's primary */
static void
test_primary_first(void **state)
{
	char *dir = unit_tmpdir();
	struct recipeset rs;
	struct graph g;

	recipe(dir, "h", "\"stage\": \"system\", \"abis\": \"all\"");
	recipe(dir, "c", "\"stage\": \"system\", \"abis\": \"all\", \"primary_first\": true, \"depends\": [\"h\"]");
	for (int flags = 0; flags <= GRAPH_DECLARED; flags += GRAPH_DECLARED) {
		loadf(dir, "32,64,x32", &rs, &g, 0, flags);
		assert_true(deps_of(&g, "c:64", "h:64"));
		assert_true(deps_of(&g, "c:32", "h:32 c:64"));
		assert_true(deps_of(&g, "c:x32", "h:x32 c:64"));
		graph_release(&g);
		recipes_release(&rs);
	}
	load(dir, "32,x32", &rs, &g, 0);
	assert_true(deps_of(&g, "c:32", "h:32"));
	assert_true(deps_of(&g, "c:x32", "h:x32 c:32"));
	graph_release(&g);
	recipes_release(&rs);
	unit_rmrf(dir);
	free(dir);
}

/* host_depends: in host mode; in an LFS build only an earlier page's, on the
   ABIs other than the primary (which has it by book order), so no cycle with
   the book order */
static void
test_host_depends(void **state)
{
	char *dir = unit_tmpdir();
	struct recipeset rs;
	struct graph g;

	recipe(dir, "nc-temp", "\"stage\": \"temp\", \"abis\": \"all\"");
	recipe(dir, "rl", "\"stage\": \"system\", \"order\": 810, \"abis\": \"all\", \"host_depends\": [\"nc\"]");
	recipe(dir, "nc", "\"stage\": \"system\", \"order\": 829, \"abis\": \"all\"");
	recipe(dir, "py", "\"stage\": \"system\", \"order\": 850, \"abis\": \"all\", "
		"\"host_depends\": [\"nc\", \"rl\", \"nc-temp\"]");
	loadf(dir, "32,64", &rs, &g, 0, GRAPH_DECLARED);
	assert_true(deps_of(&g, "rl:32", "nc:32"));
	assert_true(deps_of(&g, "py:32", "nc:32 rl:32"));
	graph_release(&g);
	recipes_release(&rs);
	/* an LFS build: the primary ABI has them by book order; another ABI
	   waits for its nodes of the earlier pages (rl, nc), not of a later
	   page (rl's nc), nor of another stage (the stage rule has those) */
	load(dir, "32,64", &rs, &g, 0);
	assert_true(deps_of(&g, "rl:32", "nc-temp:64 nc-temp:32"));
	assert_true(deps_of(&g, "nc:64", "rl:64 nc-temp:64 nc-temp:32"));
	assert_true(deps_of(&g, "py:64", "nc:64 nc-temp:64 nc-temp:32"));
	assert_true(deps_of(&g, "py:32", "nc:32 rl:32 nc-temp:64 nc-temp:32"));
	graph_release(&g);
	recipes_release(&rs);
	unit_rmrf(dir);
	free(dir);
}

/* "needs_run": no node for an ABI whose programs cannot run here, and the
   reason kept; a dependency of that ABI falls back to the primary's node */
static void
test_needs_run(void **state)
{
	char *dir = unit_tmpdir();
	struct recipeset rs;
	struct graph g;
	struct abi *x32 = abi_get(&prof, "x32");

	recipe(dir, "py", "\"stage\": \"system\", \"abis\": \"all\", \"needs_run\": true");
	recipe(dir, "mod", "\"stage\": \"system\", \"abis\": \"all\", \"depends\": [\"py\"]");
	load(dir, "32,64,x32", &rs, &g, 0);
	assert_non_null(graph_get(&g, "py:x32"));
	assert_int_equal(g.leftout.n, 0);
	graph_release(&g);
	recipes_release(&rs);
	x32->norun = xstrdup("no x32 here");
	load(dir, "32,64,x32", &rs, &g, 0);
	assert_null(graph_get(&g, "py:x32"));
	assert_non_null(graph_get(&g, "py:32"));
	assert_non_null(graph_get(&g, "mod:x32"));
	assert_true(deps_of(&g, "mod:x32", "py:64"));
	assert_int_equal(g.leftout.n, 2);
	assert_string_equal(g.leftout.v[0], "py:x32");
	assert_string_equal(g.leftout.v[1], "no x32 here");
	free(x32->norun);
	x32->norun = NULL;
	graph_release(&g);
	recipes_release(&rs);
	unit_rmrf(dir);
	free(dir);
}

/* host mode: only declared dependencies */
static void
test_declared(void **state)
{
	char *dir = unit_tmpdir();
	struct recipeset rs;
	struct graph g;

	recipe(dir, "t", "\"stage\": \"cross\", \"abis\": \"all\"");
	recipe(dir, "p1", "\"stage\": \"system\", \"order\": 804, \"abis\": \"all\"");
	recipe(dir, "p2", "\"stage\": \"system\", \"order\": 805, \"abis\": \"all\", \"depends\": [\"p1\"]");
	recipe(dir, "p3", "\"stage\": \"system\", \"order\": 806");
	loadf(dir, "32,64", &rs, &g, 0, GRAPH_DECLARED);
	assert_true(deps_of(&g, "p1:64", ""));
	assert_true(deps_of(&g, "p2:32", "p1:32"));
	assert_true(deps_of(&g, "p3:64", ""));
	graph_release(&g);
	recipes_release(&rs);
	load(dir, "32,64", &rs, &g, 0);
	assert_true(deps_of(&g, "p3:64", "p2:64 t:64 t:32"));
	graph_release(&g);
	recipes_release(&rs);
	unit_rmrf(dir);
	free(dir);
}

static void
test_cycle(void **state)
{
	char *dir = unit_tmpdir(), *err;
	struct recipeset rs;
	struct graph g;

	recipe(dir, "x", "\"stage\": \"system\", \"depends\": [\"y\"]");
	recipe(dir, "y", "\"stage\": \"system\", \"depends\": [\"z\"]");
	recipe(dir, "z", "\"stage\": \"system\", \"depends\": [\"x\"]");
	unit_capture_begin();
	load(dir, "64", &rs, &g, -1);
	err = unit_capture_end();
	assert_contains(err, "x/recipe.json:1:62: dependency cycle: 'x:64' -> 'y:64' -> 'z:64' -> 'x:64'");
	free(err);
	graph_release(&g);
	recipes_release(&rs);
	unit_rmrf(dir);
	free(dir);
}

static void
test_missing_abi(void **state)
{
	char *dir = unit_tmpdir(), *err;
	struct recipeset rs;
	struct graph g;

	recipe(dir, "a", "\"stage\": \"system\", \"abis\": [\"32\"]");
	recipe(dir, "b", "\"stage\": \"system\", \"abis\": [\"x32\"], \"depends\": [\"a\"]");
	unit_capture_begin();
	load(dir, "32,64,x32", &rs, &g, -1);
	err = unit_capture_end();
	assert_contains(err, "'b:x32' depends on 'a', which is built neither for ABI 'x32' nor for '64'");
	free(err);
	graph_release(&g);
	recipes_release(&rs);
	unit_rmrf(dir);
	free(dir);
}

static void
test_select_and_keys(void **state)
{
	char *dir = unit_tmpdir(), keys[16][65], path[4200];
	struct recipeset rs;
	struct graph g;

	recipe(dir, "a", "\"stage\": \"system\", \"abis\": \"all\"");
	recipe(dir, "b", "\"stage\": \"system\", \"abis\": \"all\", \"depends\": [\"a\"]");
	recipe(dir, "c", "\"stage\": \"system\", \"abis\": \"all\"");
	load(dir, "32,64", &rs, &g, 0);
	graph_keys(&g, &prof, "opts");
	assert_int_equal(g.n, 6);
	for (size_t i = 0; i < g.n; i++)
		strcpy(keys[i], g.nodes[i]->key);
	assert_int_equal(graph_select(&g, "a:32"), 0);
	graph_select_users(&g);
	assert_true(graph_get(&g, "b:32")->sel);
	assert_false(graph_get(&g, "b:64")->sel);
	assert_false(graph_get(&g, "c:32")->sel);
	graph_unselect(&g);
	unit_capture_begin();
	assert_int_equal(graph_select(&g, "nosuch"), -1);
	free(unit_capture_end());
	graph_release(&g);
	recipes_release(&rs);
	/* editing a's build.sh changes a's and b's keys, not c's */
	snprintf(path, sizeof(path), "a/build.sh");
	unit_write(dir, path, "build() { echo changed; }\n");
	load(dir, "32,64", &rs, &g, 0);
	graph_keys(&g, &prof, "opts");
	for (size_t i = 0; i < g.n; i++) {
		const char *name = g.nodes[i]->r->name;
		if (!strcmp(name, "c"))
			assert_string_equal(keys[i], g.nodes[i]->key);
		else
			assert_string_not_equal(keys[i], g.nodes[i]->key);
	}
	graph_release(&g);
	recipes_release(&rs);
	unit_rmrf(dir);
	free(dir);
}

static void
test_toolchain(void **state)
{
	char *dir = unit_tmpdir();
	struct recipeset rs;
	struct graph g;

	recipe(dir, "t", "\"stage\": \"temp\", \"abis\": \"all\"");
	recipe(dir, "early", "\"stage\": \"system\", \"order\": 1, \"abis\": \"all\"");
	recipe(dir, "libc", "\"stage\": \"system\", \"order\": 2, \"abis\": \"all\", "
		"\"toolchain\": true, \"primary_first\": true");
	recipe(dir, "lib", "\"stage\": \"system\", \"order\": 3, \"abis\": \"all\"");
	recipe(dir, "ld", "\"stage\": \"system\", \"order\": 4, \"toolchain\": true");
	recipe(dir, "cc", "\"stage\": \"system\", \"order\": 5, \"one_pass\": true, \"toolchain\": true");
	recipe(dir, "late", "\"stage\": \"system\", \"order\": 6, \"abis\": \"all\"");
	load(dir, "32,64,x32", &rs, &g, 0);
	/* before the libc page: the stage before only */
	assert_true(deps_of(&g, "early:32", "t:32 t:64 t:x32"));
	/* after it: the libc of the node's own ABI */
	assert_true(deps_of(&g, "lib:32", "libc:32 t:32 t:64 t:x32"));
	assert_true(deps_of(&g, "lib:x32", "libc:x32 t:32 t:64 t:x32"));
	assert_true(deps_of(&g, "lib:64", "libc:64 t:32 t:64 t:x32"));
	/* the one-pass compiler: every ABI's libc, and the linker before it */
	assert_true(deps_of(&g, "cc:64", "ld:64 libc:32 libc:64 libc:x32 t:32 t:64 t:x32"));
	/* after the compiler: its own libc, the primary's linker and compiler */
	assert_true(deps_of(&g, "late:32", "cc:64 ld:64 libc:32 t:32 t:64 t:x32"));
	graph_release(&g);
	recipes_release(&rs);
	/* host mode has none of it: only declared dependencies */
	loadf(dir, "32,64,x32", &rs, &g, 0, GRAPH_DECLARED);
	assert_true(deps_of(&g, "late:32", ""));
	assert_true(deps_of(&g, "cc:64", ""));
	graph_release(&g);
	recipes_release(&rs);
	unit_rmrf(dir);
	free(dir);
}

/* 1 when from depends on to, directly or not */
static int
reaches(const struct node *from, const struct node *to, unsigned char *seen)
{
	if (from == to)
		return 1;
	if (seen[from->index])
		return 0;
	seen[from->index] = 1;
	for (size_t i = 0; i < from->ndeps; i++)
		if (reaches(from->deps[i], to, seen))
			return 1;
	return 0;
}

static int
waits_for(const struct graph *g, const struct node *from, const char *to)
{
	const struct node *t = graph_get(g, to);
	unsigned char *seen = xcalloc(g->n + 1, 1);
	int ok;

	assert_non_null(t);
	ok = reaches(from, t, seen);
	free(seen);
	if (!ok)
		print_message("'%s' can start before '%s'\n", from->name, to);
	return ok;
}

/* the project's own book for 32, 64 and x32, an LFS build */
static void
loadbook(struct recipeset *rs, struct graph *g, struct strv *abis)
{
	strvadd(abis, "32");
	strvadd(abis, "64");
	strvadd(abis, "x32");
	assert_int_equal(recipes_load(rs, "recipes", "patches", &prof), 0);
	assert_int_equal(graph_build(g, rs, &prof, abis, 0), 0);
}

/* the project's own book: no Chapter 8 node of any ABI starts before the
   glibc of its ABI, and none after the final gcc's page before it */
static void
test_book_toolchain(void **state)
{
	struct recipeset rs;
	struct graph g;
	struct strv abis = {0};
	const struct recipe *glibc, *gcc;
	size_t checked = 0, bad = 0;

	loadbook(&rs, &g, &abis);
	glibc = recipe_get(&rs, "glibc");
	gcc = recipe_get(&rs, "gcc");
	assert_non_null(glibc);
	assert_non_null(gcc);
	assert_true(waits_for(&g, graph_get(&g, "gcc:64"), "glibc:32"));
	assert_true(waits_for(&g, graph_get(&g, "gcc:64"), "glibc:x32"));
	for (size_t i = 0; i < g.n; i++) {
		struct node *n = g.nodes[i];
		char want[64];
		if (n->r->stage != STAGE_SYSTEM || n->r == glibc || n->r->order < glibc->order)
			continue;
		snprintf(want, sizeof(want), "glibc:%s", n->abi->name);
		bad += !waits_for(&g, n, want);
		if (n->r->order > gcc->order)
			bad += !waits_for(&g, n, "gcc:64") + !waits_for(&g, n, "binutils:64");
		checked++;
	}
	assert_true(checked > 100);
	assert_int_equal(bad, 0);
	graph_release(&g);
	recipes_release(&rs);
	strvfree(&abis);
}

/* the project's own book: every node of the chroot stage after Chapter 7's
   directories and essential files waits for them (util-linux's install
   needs the group tty of /etc/group), whatever its deps_complete says */
static void
test_book_chroot_files(void **state)
{
	struct recipeset rs;
	struct graph g;
	struct strv abis = {0};
	const struct recipe *files;
	size_t checked = 0, bad = 0;

	loadbook(&rs, &g, &abis);
	files = recipe_get(&rs, "lfs-files");
	assert_non_null(files);
	for (size_t i = 0; i < g.n; i++) {
		struct node *n = g.nodes[i];
		if (n->r->stage != STAGE_CHROOT || n->r->order <= files->order)
			continue;
		bad += !waits_for(&g, n, "lfs-files:64") + !waits_for(&g, n, "lfs-dirs:64");
		checked++;
	}
	assert_true(checked >= 8);
	assert_int_equal(bad, 0);
	graph_release(&g);
	recipes_release(&rs);
	strvfree(&abis);
}

/* the project's own book: Python's 32 and x32 nodes (which run beside the
   primary ABI's chain) link the libraries of their ABI that the book builds
   on earlier pages, so they wait for them */
static void
test_book_python_libraries(void **state)
{
	const char *abis[] = {"32", "x32"};
	const char *libs[] = {"zlib", "bzip2", "xz", "libffi", "expat", "openssl", "ncurses",
		"readline", "gdbm", "libxcrypt"};
	struct recipeset rs;
	struct graph g;
	struct strv sv = {0};
	size_t bad = 0;

	loadbook(&rs, &g, &sv);
	for (size_t a = 0; a < 2; a++) {
		char *py = xasprintf("python:%s", abis[a]);
		struct node *n = graph_get(&g, py);
		assert_non_null(n);
		for (size_t i = 0; i < sizeof(libs) / sizeof(*libs); i++) {
			char *lib = xasprintf("%s:%s", libs[i], abis[a]);
			bad += !waits_for(&g, n, lib);
			free(lib);
		}
		free(py);
	}
	assert_int_equal(bad, 0);
	graph_release(&g);
	recipes_release(&rs);
	strvfree(&sv);
}

/* the project's own book: the 32 and x32 nodes of a page built with meson
   (udev) wait for the build tools that the primary ABI's earlier pages bring:
   meson, ninja, gperf and jinja2 */
static void
test_book_build_tools(void **state)
{
	const char *tools[] = {"meson:64", "ninja:64", "gperf:64", "jinja2:64"};
	struct recipeset rs;
	struct graph g;
	struct strv sv = {0};
	size_t checked = 0, bad = 0;

	loadbook(&rs, &g, &sv);
	for (size_t i = 0; i < g.n; i++) {
		struct node *n = g.nodes[i];
		char *sh = pathjoin(n->r->dir, "build.sh"), *text = readfile(sh, NULL);
		if (text && strstr(text, "meson setup") && strcmp(n->abi->name, "64")) {
			for (size_t t = 0; t < sizeof(tools) / sizeof(*tools); t++)
				bad += !waits_for(&g, n, tools[t]);
			checked++;
		}
		free(text);
		free(sh);
	}
	assert_int_equal(checked, 2);
	assert_int_equal(bad, 0);
	graph_release(&g);
	recipes_release(&rs);
	strvfree(&sv);
}

/* host mode has no nodes of the recipes only an LFS build uses, says why, and
   drops the edges to them; an LFS build keeps them */
static void
test_hostmode_leaves_out(void **state)
{
	char *dir = unit_tmpdir();
	struct recipeset rs;
	struct graph g;

	recipe(dir, "binutils-pass1", "\"stage\": \"cross\"");
	recipe(dir, "libc", "\"stage\": \"system\", \"abis\": \"all\", \"lfs_only\": \"the host's libc serves\"");
	recipe(dir, "zlib", "\"stage\": \"system\", \"abis\": \"all\", \"depends\": [\"libc\"]");
	loadf(dir, "32,64", &rs, &g, 0, GRAPH_DECLARED);
	assert_null(graph_get(&g, "binutils-pass1:64"));
	assert_null(graph_get(&g, "libc:32"));
	assert_true(deps_of(&g, "zlib:32", ""));
	assert_int_equal(g.n, 2);
	assert_int_equal(g.hostout.n, 4);
	assert_string_equal(g.hostout.v[0], "binutils-pass1");
	assert_non_null(strstr(g.hostout.v[1], "Chapter 5"));
	assert_string_equal(g.hostout.v[2], "libc");
	assert_string_equal(g.hostout.v[3], "the host's libc serves");
	graph_release(&g);
	recipes_release(&rs);
	load(dir, "32,64", &rs, &g, 0);
	assert_true(deps_of(&g, "zlib:32", "libc:32 binutils-pass1:64"));
	assert_int_equal(g.hostout.n, 0);
	graph_release(&g);
	recipes_release(&rs);
	unit_rmrf(dir);
	free(dir);
}

/* --abi 32,x32: the first requested ABI becomes the primary one; recipes
   without "abis" are built for it, and the layout's hash says so */
static void
test_primary_not_requested(void **state)
{
	char *dir = unit_tmpdir();
	struct profiles p2;
	struct recipeset rs;
	struct graph g;
	struct strv abis = {0};
	char before[65];

	recipe(dir, "tool", "\"stage\": \"system\"");
	recipe(dir, "lib", "\"stage\": \"system\", \"abis\": \"all\", \"depends\": [\"tool\"]");
	assert_int_equal(profiles_load(&p2, "abi-profiles", "lfs"), 0);
	strvadd(&abis, "64");
	strvadd(&abis, "32");
	assert_null(layout_primary(&p2.layout, &abis));
	strvfree(&abis);
	strvadd(&abis, "32");
	strvadd(&abis, "x32");
	memcpy(before, p2.layout.hash, sizeof(before));
	assert_string_equal(layout_primary(&p2.layout, &abis), "32");
	assert_string_not_equal(before, p2.layout.hash);
	assert_string_equal(layout_libdir(&p2.layout, "32"), "/usr/lib32");
	assert_int_equal(recipes_load(&rs, dir, dir, &p2), 0);
	assert_int_equal(graph_build(&g, &rs, &p2, &abis, GRAPH_DECLARED), 0);
	assert_string_equal(g.primary, "32");
	assert_true(deps_of(&g, "lib:x32", "tool:32"));
	assert_true(deps_of(&g, "lib:32", "tool:32"));
	assert_int_equal(g.n, 3);
	graph_release(&g);
	recipes_release(&rs);
	profiles_release(&p2);
	strvfree(&abis);
	unit_rmrf(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_book_order),
		cmocka_unit_test(test_primary_first),
		cmocka_unit_test(test_host_depends),
		cmocka_unit_test(test_declared),
		cmocka_unit_test(test_needs_run),
		cmocka_unit_test(test_hostmode_leaves_out),
		cmocka_unit_test(test_primary_not_requested),
		cmocka_unit_test(test_toolchain),
		cmocka_unit_test(test_book_toolchain),
		cmocka_unit_test(test_book_chroot_files),
		cmocka_unit_test(test_book_python_libraries),
		cmocka_unit_test(test_book_build_tools),
		cmocka_unit_test(test_cycle),
		cmocka_unit_test(test_missing_abi),
		cmocka_unit_test(test_select_and_keys),
	};
	return cmocka_run_group_tests_name("graph", tests, setup, teardown);
}
