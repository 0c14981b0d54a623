/* t-book: the book's step commands, as bash would run them for each ABI and layout */
#include "unit.h"
#include "book.h"
#include "md.h"
#include "profile.h"
#include "recipe.h"
#include "util.h"

static const char script[] =
	"# shellcheck shell=bash\n"
	"# a comment with $LIBDIR stays\n"
	"unset CC\n"
	"\n"
	"helper() {\n"
	"\techo \"$MLFS_ABI\"\n"
	"}\n"
	"\n"
	"configure() {\n"
	"\tlocal cross=()\n"
	"\tif [ \"${MLFS_HOST:?}\" != \"${MLFS_BUILD:?}\" ]; then\n"
	"\t\tcross=(--host=\"$MLFS_HOST\" --build=\"$MLFS_BUILD\")\n"
	"\tfi\n"
	"\tABI=\"${MLFS_GMP_ABI:?}\" ./configure --prefix=/usr --libdir=\"${LIBDIR:?}\" \"${cross[@]}\"\n"
	"}\n"
	"\n"
	"build() { make; }\n"
	"\n"
	"install() {\n"
	"\tmake DESTDIR=\"${DESTDIR:?}\" install\n"
	"\tsed -i 's/$LIBDIR/x/' \"$MLFS_SRC/f\" # $LIBDIR\n"
	"\techo ${#cross[@]} $UNKNOWN_VAR ${LIBDIR%%/lib*}\n"
	"}\n";

static void
test_functions(void **state)
{
	struct strv names = {0}, bodies = {0};
	struct buf top = {0};

	book_functions(script, &names, &bodies, &top);
	assert_int_equal(names.n, 4);
	assert_string_equal(names.v[0], "helper");
	assert_string_equal(names.v[1], "configure");
	assert_string_equal(names.v[2], "build");
	assert_string_equal(names.v[3], "install");
	assert_string_equal(bodies.v[0], "echo \"$MLFS_ABI\"\n");
	assert_string_equal(bodies.v[2], "make\n");
	assert_true(startswith(bodies.v[1], "local cross=()\nif [ "));
	assert_string_equal(top.s, "unset CC\n");
	strvfree(&names);
	strvfree(&bodies);
	buffree(&top);
}

static struct profiles prof;

/* the configure body of the script for abi in layout */
static char *
resolved(const char *layout, const char *abi, const char *fn)
{
	struct profiles p;
	struct recipe r = {.name = "gmp", .version = "6.2.1", .dir = "/r/gmp", .stage = STAGE_SYSTEM};
	struct strv abis = {0}, env = {0}, names = {0}, bodies = {0};
	char *out = NULL;

	assert_int_equal(profiles_load(&p, "abi-profiles", layout), 0);
	strvadd(&abis, "64");
	strvadd(&abis, "32");
	strvadd(&abis, "x32");
	book_env(&env, &p, abi_get(&p, abi), &r, &abis, NULL, NULL, NULL);
	book_functions(script, &names, &bodies, NULL);
	for (size_t i = 0; i < names.n; i++)
		if (!strcmp(names.v[i], fn))
			out = book_resolve(bodies.v[i], &env);
	strvfree(&abis);
	strvfree(&env);
	strvfree(&names);
	strvfree(&bodies);
	profiles_release(&p);
	assert_non_null(out);
	return out;
}

static void
test_resolve_abis(void **state)
{
	char *s = resolved("lfs", "32", "configure");

	assert_non_null(strstr(s, "ABI=\"32\" ./configure --prefix=/usr --libdir=\"/usr/lib32\""));
	assert_non_null(strstr(s, "cross=(--host=\"i686-pc-linux-gnu\" --build=\"x86_64-pc-linux-gnu\")"));
	assert_null(strstr(s, "$MLFS"));
	assert_null(strstr(s, "${MLFS"));
	assert_null(strstr(s, "LIBDIR"));
	free(s);
	s = resolved("lfs", "x32", "configure");
	assert_non_null(strstr(s, "ABI=\"x32\" ./configure --prefix=/usr --libdir=\"/usr/libx32\""));
	assert_non_null(strstr(s, "--host=\"x86_64-pc-linux-gnux32\""));
	free(s);
	s = resolved("lfs", "64", "configure");
	assert_non_null(strstr(s, "ABI=\"64\" ./configure --prefix=/usr --libdir=\"/usr/lib\""));
	free(s);
}

static void
test_resolve_layouts(void **state)
{
	char *s = resolved("lib64", "64", "configure");

	assert_non_null(strstr(s, "--libdir=\"/usr/lib64\""));
	free(s);
	s = resolved("lib64", "32", "configure");
	assert_non_null(strstr(s, "--libdir=\"/usr/lib\""));
	free(s);
	s = resolved("multiarch", "32", "configure");
	assert_non_null(strstr(s, "--libdir=\"/usr/lib/i386-linux-gnu\""));
	free(s);
	s = resolved("multiarch", "x32", "configure");
	assert_non_null(strstr(s, "--libdir=\"/usr/lib/x86_64-linux-gnux32\""));
	free(s);
}

/* what names this machine stays a variable; single quotes, comments and
   other expansions are left alone */
static void
test_resolve_keeps(void **state)
{
	char *s = resolved("lfs", "32", "install");

	assert_string_equal(s,
		"make DESTDIR=\"${DESTDIR:?}\" install\n"
		"sed -i 's/$LIBDIR/x/' \"$MLFS_SRC/f\" # $LIBDIR\n"
		"echo ${#cross[@]} $UNKNOWN_VAR ${LIBDIR%%/lib*}\n");
	free(s);
}

static void
test_markdown(void **state)
{
	struct buf b = {0};
	char *title;

	md_render(&b, "# The <title>\n\nA *b* **c** `d<e` [f](g.html).\n\n- one\n  two\n- three\n\n"
		"| a | b |\n|---|---|\n| `x` | y |\n\n    code <here>\n\n![a \"shot\"](s.png)\n", &title);
	assert_string_equal(title, "The <title>");
	assert_string_equal(b.s,
		"<h1 id=\"the-title\">The &lt;title&gt;</h1>\n"
		"<p>A <em>b</em> <strong>c</strong> <code>d&lt;e</code> <a href=\"g.html\">f</a>.</p>\n"
		"<ul>\n<li>one two</li>\n<li>three</li>\n</ul>\n"
		"<table>\n<tr><th>a</th><th>b</th></tr>\n<tr><td><code>x</code></td><td>y</td></tr>\n"
		"</table>\n<pre><code>code &lt;here&gt;\n</code></pre>\n"
		"<p><img src=\"s.png\" alt=\"a &quot;shot&quot;\"></p>\n");
	free(title);
	buffree(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_functions),
		cmocka_unit_test(test_resolve_abis),
		cmocka_unit_test(test_resolve_layouts),
		cmocka_unit_test(test_resolve_keeps),
		cmocka_unit_test(test_markdown),
	};
	(void)prof;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
