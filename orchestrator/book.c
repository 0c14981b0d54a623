/*
 * The book. Every page is written from what a build reads: the recipe's
 * keys, its build.sh and includes, the ABI profiles and the layout. A step
 * is shown as bash would run it for one ABI: the function the step calls
 * (configure_32 before configure; build.sh before its includes) with the
 * variables of the step environment replaced by their values. What names
 * this machine (the staging dir, the source tree, the jobserver) stays a
 * variable. Timings come from the journal of the state dir.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include "book.h"
#include "env.h"
#include "graph.h"
#include "html.h"
#include "journal.h"
#include "md.h"
#include "os.h"
#include "profile.h"
#include "recipe.h"
#include "util.h"

static const char *const stepnames[] = {"prepare", "configure", "build", "check", "install", NULL};

static const char *const chapters[NSTAGES] = {
	"Chapter 5. Compiling a cross-toolchain",
	"Chapter 6. Cross-compiling temporary tools",
	"Chapter 7. Entering chroot and building additional temporary tools",
	"Chapter 8. Installing basic system software",
};

/* what stays a variable: it names this machine or this run */
static const char *const symbolic[] = {
	"DESTDIR", "MLFS_SRC", "MLFS_RECIPE", "HOME", "PATH", "SHELL", "TERM", "MAKEFLAGS",
	"MLFS_JOBS", "NINJAJOBS", "MLFS_CAN_RUN", "MLFS_SOURCE_", "MLFS_INCLUDE_", NULL,
};

/* what the programs of a step read from the environment: exported for a reader */
static const char *const exported[] = {
	"CC", "CXX", "CPPFLAGS", "LDFLAGS", "PKG_CONFIG_LIBDIR", "PKG_CONFIG_SYSROOT_DIR",
	"LD_LIBRARY_PATH", "LC_ALL", NULL,
};

/* ---- shell text ---- */

static int
isname(int c)
{
	return isalnum(c) || c == '_';
}

/* 1 when s..e is only blanks */
static int
blankrest(const char *s, const char *e)
{
	for (; s < e; s++)
		if (!isspace((unsigned char)*s))
			return 0;
	return 1;
}

/* "name() {" or "function name {" at the start of a line: the name's length */
static size_t
fnstart(const char *l, size_t n, const char **name)
{
	const char *s = l, *e;

	if (n > 9 && !strncmp(s, "function ", 9))
		s += 9;
	e = s;
	while (e < l + n && isname((unsigned char)*e))
		e++;
	if (e == s || isdigit((unsigned char)*s))
		return 0;
	const char *q = e;
	while (q < l + n && *q == ' ')
		q++;
	if (q + 1 < l + n && q[0] == '(' && q[1] == ')')
		q += 2;
	else if (s == l)
		return 0;
	while (q < l + n && *q == ' ')
		q++;
	if (q >= l + n || *q != '{')
		return 0;
	*name = s;
	return e - s;
}

void
book_functions(const char *text, struct strv *names, struct strv *bodies, struct buf *top)
{
	const char *p = text;

	while (*p) {
		const char *nl = strchr(p, '\n'), *name;
		size_t n = nl ? (size_t)(nl - p) : strlen(p), len = fnstart(p, n, &name);
		if (len) {
			const char *brace = memchr(name + len, '{', n - (name + len - p));
			const char *rest = brace + 1, *close;
			struct buf body = {0};
			strvtake(names, strndup(name, len));
			/* one line: name() { cmd; } */
			close = memrchr(rest, '}', n - (rest - p));
			if (close && !blankrest(rest, close)) {
				const char *b = rest;
				while (*b == ' ')
					b++;
				const char *e = close;
				while (e > b && (e[-1] == ' ' || e[-1] == ';'))
					e--;
				bufadd(&body, b, e - b);
				bufputs(&body, "\n");
			} else {
				p = nl ? nl + 1 : p + n;
				while (*p && !(p[0] == '}' && (p[1] == '\n' || !p[1]))) {
					const char *e = strchr(p, '\n');
					size_t ln = e ? (size_t)(e - p) : strlen(p);
					const char *b = p + (*p == '\t');
					bufadd(&body, b, ln - (b - p));
					bufputs(&body, "\n");
					p += ln + (e != NULL);
				}
				nl = strchr(p, '\n');
			}
			strvtake(bodies, body.s ? body.s : xstrdup(""));
		} else if (top && n && p[0] != '#' && !(n == 1 && p[0] == '}')) {
			const char *b = p;
			while (b < p + n && isspace((unsigned char)*b))
				b++;
			if (b < p + n) {
				bufadd(top, p, n);
				bufputs(top, "\n");
			}
		}
		if (!nl)
			break;
		p = nl + 1;
	}
}

static int
issymbolic(const char *key, size_t n)
{
	for (size_t i = 0; symbolic[i]; i++) {
		size_t k = strlen(symbolic[i]);
		if (symbolic[i][k - 1] == '_' ? n >= k && !strncmp(key, symbolic[i], k)
			: n == k && !strncmp(key, symbolic[i], k))
			return 1;
	}
	return 0;
}

/* the value of the n-byte name key in env, or NULL */
static const char *
lookup(const struct strv *env, const char *key, size_t n)
{
	for (size_t i = 0; i < env->n; i++)
		if (!strncmp(env->v[i], key, n) && env->v[i][n] == '=')
			return env->v[i] + n + 1;
	return NULL;
}

/* ${...} at p: its end (after '}') and the name, when it is a form we resolve */
static const char *
braced(const char *p, const char **name, size_t *n)
{
	const char *s = p + 2, *e = s;

	while (isname((unsigned char)*e))
		e++;
	if (e == s || isdigit((unsigned char)*s))
		return NULL;
	*name = s;
	*n = e - s;
	if (*e == '}')
		return e + 1;
	if ((e[0] == ':' && (e[1] == '?' || e[1] == '-')) || e[0] == '-' || e[0] == '?') {
		int depth = 1;
		for (e++; *e && depth; e++) {
			if (*e == '{')
				depth++;
			else if (*e == '}')
				depth--;
			if (*e == '\n')
				return NULL;
		}
		return depth ? NULL : e;
	}
	return NULL;
}

char *
book_resolve(const char *text, const struct strv *env)
{
	struct buf b = {0};
	int sq = 0, dq = 0, word = 1;

	for (const char *p = text; *p;) {
		const char *name = NULL, *end = NULL, *val;
		size_t n = 0;
		if (*p == '\\' && !sq && p[1]) {
			bufadd(&b, p, 2);
			p += 2;
			word = 0;
			continue;
		}
		if (*p == '\'' && !dq)
			sq = !sq;
		else if (*p == '"' && !sq)
			dq = !dq;
		else if (*p == '#' && !sq && !dq && word) {
			const char *nl = strchr(p, '\n');
			size_t len = nl ? (size_t)(nl - p) : strlen(p);
			bufadd(&b, p, len);
			p += len;
			continue;
		} else if (*p == '$' && !sq) {
			if (p[1] == '{') {
				end = braced(p, &name, &n);
			} else if (isname((unsigned char)p[1]) && !isdigit((unsigned char)p[1])) {
				name = p + 1;
				for (end = name; isname((unsigned char)*end); end++)
					;
				n = end - name;
			}
			if (end && !issymbolic(name, n) && (val = lookup(env, name, n)) && *val) {
				bufputs(&b, val);
				p = end;
				word = 0;
				continue;
			}
		}
		word = isspace((unsigned char)*p) || strchr(";&|(", *p);
		bufadd(&b, p, 1);
		p++;
	}
	return b.s ? b.s : xstrdup("");
}

void
book_env(struct strv *env, const struct profiles *p, const struct abi *a,
	const struct recipe *r, const struct strv *abis, const char *root, const char *lfs,
	const char *step)
{
	struct strv all = {0};
	struct envin in = {
		.prof = p, .abi = a, .r = r, .abis = abis, .root = root, .lfs = lfs,
		.destdir = "", .srcdir = "", .home = "", .jobs = 1, .canrun = 1, .step = step,
	};

	env_build(&all, &in);
	for (size_t i = 0; i < all.n; i++) {
		const char *eq = strchr(all.v[i], '=');
		if (!issymbolic(all.v[i], eq - all.v[i]))
			strvadd(env, all.v[i]);
	}
	strvfree(&all);
}

/* ---- timings ---- */

struct timing {
	struct strv nodes;  /* node names */
	double *secs;       /* parallel: the last merged run */
	double sbu;         /* binutils pass 1 on the primary ABI, or any ABI */
};

/* the journal read without opening it for writing: a build may be running */
static void
timings(struct timing *t, const char *state, const char *primary)
{
	char *path = xasprintf("%s/journal.jsonl", state), *text;
	size_t len;

	memset(t, 0, sizeof(*t));
	text = state ? readfile(path, &len) : NULL;
	free(path);
	if (!text)
		return;
	for (char *p = text, *nl; *p; p = nl + 1) {
		json_t *o;
		nl = strchr(p, '\n');
		if (!nl)
			break;
		o = json_loadb(p, nl - p, 0, NULL);
		const char *node = json_string_value(json_object_get(o, "node"));
		const char *ev = json_string_value(json_object_get(o, "ev"));
		double secs = json_number_value(json_object_get(o, "secs"));
		if (node && ev && !strcmp(ev, "merged") && secs > 0) {
			long i = strvfind(&t->nodes, node);
			if (i < 0) {
				strvadd(&t->nodes, node);
				t->secs = xreallocarray(t->secs, t->nodes.n, sizeof(*t->secs));
				i = t->nodes.n - 1;
			}
			t->secs[i] = secs;
		}
		json_decref(o);
	}
	free(text);
	for (size_t i = 0; i < t->nodes.n; i++)
		if (startswith(t->nodes.v[i], "binutils-pass1:")) {
			const char *abi = strchr(t->nodes.v[i], ':') + 1;
			if (!t->sbu || !strcmp(abi, primary))
				t->sbu = t->secs[i];
		}
}

static double
timeof(const struct timing *t, const char *node)
{
	long i = strvfind(&t->nodes, node);

	return i < 0 ? 0 : t->secs[i];
}

/* ---- pages ---- */

struct bookctx {
	const struct bookopts *o;
	const struct profiles *p;
	const struct recipeset *rs;
	const struct graph *g;
	struct timing t;
	struct strv chapters;   /* prose: file names */
	struct strv files;      /* what the prose shows: pictures and pages, copied */
	struct strv titles;     /* prose: their first headings */
	struct strv pages;      /* every page in reading order: "x.html" */
	struct strv pagetitles;
};

static int
writepage(struct bookctx *c, const char *name, struct buf *b)
{
	char *path = pathjoin(c->o->out, name);
	int rc = writefile(path, b->s, b->n, 0644);

	free(path);
	buffree(b);
	return rc;
}

static char *
recipepage(const struct recipe *r)
{
	return xasprintf("%s.html", r->name);
}

/* links to the page before and after, and the contents */
static void
topnav(struct buf *b, struct bookctx *c, const char *page)
{
	long i = strvfind(&c->pages, page);

	bufputs(b, "<nav class=\"top\" aria-label=\"pages\"><span>");
	if (i <= 0)
		bufputs(b, "&#160;");
	if (i > 0) {
		bufprintf(b, "<a rel=\"prev\" href=\"%s\">← ", c->pages.v[i - 1]);
		html_esc(b, c->pagetitles.v[i - 1]);
		bufputs(b, "</a>");
	}
	bufputs(b, "</span><a href=\"index.html\">Contents</a><span>");
	if (i < 0 || (size_t)i + 1 >= c->pages.n)
		bufputs(b, "&#160;");
	if (i >= 0 && (size_t)i + 1 < c->pages.n) {
		bufprintf(b, "<a rel=\"next\" href=\"%s\">", c->pages.v[i + 1]);
		html_esc(b, c->pagetitles.v[i + 1]);
		bufputs(b, " →</a>");
	}
	bufputs(b, "</span></nav>\n");
}

static void
deplink(struct buf *b, struct bookctx *c, const char *dep)
{
	char *name = xstrdup(dep), *colon = strchr(name, ':');

	if (colon)
		*colon = '\0';
	if (recipe_get(c->rs, name))
		bufprintf(b, "<a href=\"%s.html\"><code>", name);
	else
		bufputs(b, "<code>");
	html_esc(b, dep);
	bufputs(b, recipe_get(c->rs, name) ? "</code></a>" : "</code>");
	free(name);
}

static void
sources(struct buf *b, const struct recipe *r)
{
	if (!r->nsources && !r->npatches)
		return;
	bufputs(b, "<h2 id=\"sources\">Sources</h2>\n<table>\n<tr><th>file</th><th>from</th>"
		"<th>checksum</th></tr>\n");
	for (size_t i = 0; i < r->nsources; i++) {
		const struct source *s = &r->sources[i];
		bufputs(b, "<tr><td><code>");
		html_esc(b, s->kind == SRC_PATH ? "(a directory of the recipe)" : s->fname);
		bufprintf(b, "</code>%s</td><td>", s->unpack ? " (unpacked)" : "");
		if (s->kind == SRC_PATH) {
			html_esc(b, strrchr(s->path, '/') ? strrchr(s->path, '/') + 1 : s->path);
		} else {
			html_esc(b, s->url);
			for (size_t k = 0; k < s->mirrors.n; k++) {
				bufputs(b, "<br><span class=\"muted\">mirror: ");
				html_esc(b, s->mirrors.v[k]);
				bufputs(b, "</span>");
			}
		}
		bufputs(b, "</td><td><code>");
		if (s->kind == SRC_URL)
			bufprintf(b, "%s %s", s->alg == HASH_MD5 ? "md5" : "sha256", s->sum);
		else if (s->kind == SRC_GIT)
			bufprintf(b, "commit %s", s->commit);
		else
			bufputs(b, "hashed as a tree");
		bufputs(b, "</code></td></tr>\n");
	}
	for (size_t i = 0; i < r->npatches; i++) {
		bufputs(b, "<tr><td><code>");
		html_esc(b, r->patches[i].rel);
		bufprintf(b, "</code> (patch)</td><td>patches/</td><td><code>%s %s</code></td></tr>\n",
			r->patches[i].alg == HASH_MD5 ? "md5" : "sha256", r->patches[i].sum);
	}
	bufputs(b, "</table>\n");
}

static void
dependencies(struct buf *b, struct bookctx *c, const struct recipe *r)
{
	int any = 0;

	bufputs(b, "<h2 id=\"dependencies\">Dependencies</h2>\n<ul>\n");
	if (r->depends.n) {
		bufputs(b, "<li>needs: ");
		for (size_t i = 0; i < r->depends.n; i++) {
			bufputs(b, i ? ", " : "");
			deplink(b, c, r->depends.v[i]);
		}
		bufputs(b, " (each ABI waits for the same ABI's node, or the primary ABI's when the "
			"dependency is not built for it)</li>\n");
		any = 1;
	}
	if (r->hostdepends.n) {
		bufputs(b, "<li>in host mode also: ");
		for (size_t i = 0; i < r->hostdepends.n; i++) {
			bufputs(b, i ? ", " : "");
			deplink(b, c, r->hostdepends.v[i]);
		}
		bufputs(b, " (an LFS build has them from an earlier chapter)</li>\n");
		any = 1;
	}
	bufputs(b, "<li>needed by: ");
	for (size_t i = 0, k = 0; i < c->rs->n; i++) {
		const struct recipe *u = &c->rs->r[i];
		int uses = 0;
		for (size_t d = 0; d < u->depends.n && !uses; d++)
			uses = !strncmp(u->depends.v[d], r->name, strlen(r->name)) &&
				(!u->depends.v[d][strlen(r->name)] || u->depends.v[d][strlen(r->name)] == ':');
		if (uses) {
			bufputs(b, k++ ? ", " : "");
			deplink(b, c, u->name);
		}
		if (i + 1 == c->rs->n && !k)
			bufputs(b, "no recipe names it");
	}
	bufputs(b, "</li>\n");
	if (r->order && !r->depscomplete && c->g && !(c->o->root && !c->o->lfs))
		bufputs(b, "<li>in an LFS build, on the primary ABI it also waits for the page before it "
			"in book order, and every node waits for the chapters before</li>\n");
	(void)any;
	bufputs(b, "</ul>\n");
}

static void abireasons(struct buf *b, struct bookctx *c, const struct recipe *r);

/* the ABIs r is built for in this book, and why */
static void
abiswhy(struct buf *b, struct bookctx *c, const struct recipe *r)
{
	const struct graph *g = c->g;

	bufputs(b, "<h2 id=\"abis\">ABIs</h2>\n<p>");
	if (r->onepass)
		bufprintf(b, "One node, <code>%s:%s</code>, builds every ABI in one pass: a multilib "
			"compiler and its libraries are configured once with all of <code>", r->name,
			g->primary);
	else
		bufputs(b, "Built for ABI ");
	for (size_t i = 0, k = 0; i < g->abis.n; i++) {
		char *node = xasprintf("%s:%s", r->name, g->abis.v[i]);
		if (graph_get(g, node) || r->onepass) {
			bufprintf(b, "%s%s", k++ ? (r->onepass ? " " : ", ") : "", g->abis.v[i]);
		}
		free(node);
	}
	bufputs(b, r->onepass ? "</code>.</p>\n" : ".</p>\n");
	struct buf items = {0};
	abireasons(&items, c, r);
	if (items.n)
		bufprintf(b, "<ul>\n%s</ul>\n", items.s);
	buffree(&items);
}

/* the list of reasons of abiswhy */
static void
abireasons(struct buf *b, struct bookctx *c, const struct recipe *r)
{
	const struct graph *g = c->g;

	if (!r->onepass && r->allabis)
		bufputs(b, "<li>Its libraries are wanted by programs of every ABI (<code>\"abis\": "
			"\"all\"</code>).</li>\n");
	else if (!r->onepass && r->abis.n)
		bufputs(b, "<li>The recipe names its ABIs: its programs and data are needed once.</li>\n");
	else if (!r->onepass)
		bufputs(b, "<li>Programs only: built for the primary ABI, whose programs land in "
			"<code>/usr/bin</code>.</li>\n");
	for (size_t i = 0; i + 1 < g->leftout.n; i += 2)
		if (startswith(g->leftout.v[i], r->name) && g->leftout.v[i][strlen(r->name)] == ':') {
			bufprintf(b, "<li>Left out here: <code>");
			html_esc(b, g->leftout.v[i]);
			bufputs(b, "</code>: its build runs what it builds, and that ABI's programs cannot "
				"run on this machine (");
			html_esc(b, g->leftout.v[i + 1]);
			bufputs(b, ").</li>\n");
		}
	if (r->primaryfirst)
		bufputs(b, "<li>The primary ABI's node is installed first; the others build after it, "
			"side by side.</li>\n");
	if (r->checkcross)
		bufputs(b, "<li>Its <code>check</code> step runs no target programs, so it runs for "
			"every ABI.</li>\n");
	else if (recipe_defines(r, "check"))
		bufputs(b, "<li>Its <code>check</code> step runs the programs it built: mlfs skips it "
			"for an ABI whose programs cannot run on the build machine, and says so.</li>\n");
}

static void
mergerules(struct buf *b, const struct recipe *r, const struct profiles *p)
{
	bufputs(b, "<h2 id=\"merge\">Merge</h2>\n<ul>\n<li>Libraries go by ELF class and machine "
		"into the libdir of their ABI (");
	for (size_t i = 0; i < p->layout.abis.n; i++)
		bufprintf(b, "%s%s <code>%s</code>", i ? ", " : "", p->layout.abis.v[i],
			p->layout.libdirs.v[i]);
	bufprintf(b, "); the programs of ABI %s land in <code>/usr/bin</code>.</li>\n",
		p->layout.primary);
	if (r->wrap_headers.n) {
		bufputs(b, "<li>Wrapped headers (one copy per ABI, and a wrapper that includes the "
			"right one by the compiler's macros): ");
		for (size_t i = 0; i < r->wrap_headers.n; i++) {
			bufputs(b, i ? ", <code>" : "<code>");
			html_esc(b, r->wrap_headers.v[i]);
			bufputs(b, "</code>");
		}
		bufputs(b, ".</li>\n");
	}
	bufputs(b, "<li>Any other header that differs between ABIs is wrapped too; identical ones "
		"are shared.</li>\n");
	if (r->chost_tools.n) {
		bufputs(b, "<li>Also installed as <code>&lt;triplet&gt;-name</code> for each ABI: ");
		for (size_t i = 0; i < r->chost_tools.n; i++) {
			bufputs(b, i ? ", <code>" : "<code>");
			html_esc(b, r->chost_tools.v[i]);
			bufputs(b, "</code>");
		}
		bufputs(b, ".</li>\n");
	}
	if (r->relocate)
		bufputs(b, "<li>A library staged in the wrong libdir is moved to its ABI's.</li>\n");
	for (size_t i = 0; i < r->nrules; i++) {
		bufputs(b, "<li><code>");
		html_esc(b, r->rules[i].glob);
		bufprintf(b, "</code>: %s</li>\n", r->rules[i].action);
	}
	bufputs(b, "</ul>\n");
}

/* the body of the function bash calls for step on ABI abi, or NULL */
struct fns {
	struct strv names, bodies;
	struct buf top;
};

static const char *
findfn(struct fns *f, size_t nf, const char *name)
{
	/* build.sh (the first) wins over the includes, a later include over an earlier */
	for (size_t i = 0; i < nf; i++) {
		size_t k = i == 0 ? 0 : nf - i;
		long at = -1;
		for (size_t j = 0; j < f[k].names.n; j++)
			if (!strcmp(f[k].names.v[j], name))
				at = (long)j;
		if (at >= 0)
			return f[k].bodies.v[at];
	}
	return NULL;
}

static void
pre(struct buf *b, const char *text, const char *cls)
{
	bufprintf(b, "<pre class=\"%s\"><code>", cls);
	html_esc(b, text);
	bufputs(b, "</code></pre>\n");
}

/* a body resolved; one that uses local or return only works inside a
   function, so it is shown as one, and called */
static char *
typeable(const char *fn, const char *body, const struct strv *env)
{
	char *t = book_resolve(body, env), *w;
	struct buf b = {0};

	if (!strstr(t, "local ") && !strstr(t, "return"))
		return t;
	bufprintf(&b, "%s() {\n", fn);
	for (const char *p = t; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p + 1) : strlen(p);
		bufputs(&b, len > 1 ? "\t" : "");
		bufadd(&b, p, len);
		p += len;
	}
	bufprintf(&b, "}\n%s", fn);
	free(t);
	w = b.s;
	return w;
}

static void
envblock(struct buf *b, const struct strv *env, const struct recipe *r)
{
	struct buf t = {0};

	for (size_t i = 0; exported[i]; i++) {
		const char *v = env_get(env, exported[i]);
		if (v && *v)
			bufprintf(&t, "export %s=\"%s\"\n", exported[i], v);
	}
	for (size_t i = 0; i < r->env.n; i++) {
		const char *eq = strchr(r->env.v[i], '=');
		bufprintf(&t, "export %.*s=\"%s\"\n", (int)(eq - r->env.v[i]), r->env.v[i], eq + 1);
	}
	bufputs(&t, "DESTDIR=/path/to/staging   # mlfs: STATE/stage/PKG/ABI, exported to install only");
	pre(b, t.s, "env");
	buffree(&t);
}

static void
abisection(struct buf *b, struct bookctx *c, const struct recipe *r, const struct abi *a,
	struct fns *f, size_t nf)
{
	const char *libdir = layout_libdir(&c->p->layout, a->name);
	char *slug = html_slug(a->name), *node = xasprintf("%s:%s", r->name, a->name);
	struct strv env = {0};
	double secs = timeof(&c->t, node);

	bufprintf(b, "<section class=\"abi abi-%s\" id=\"abi-%s\">\n<h3>", slug, slug);
	if (r->onepass)
		bufprintf(b, "Every ABI in one pass (run as ABI %s)", a->name);
	else
		bufprintf(b, "ABI %s", a->name);
	bufprintf(b, ": <code>%s</code>, <code>%s</code>, libraries in <code>%s</code></h3>\n",
		a->mflag, a->host, libdir ? libdir : "?");
	if (secs > 0) {
		bufprintf(b, "<p>Last build: %.1f s", secs);
		if (c->t.sbu > 0)
			bufprintf(b, " = %.2f SBU", secs / c->t.sbu);
		bufputs(b, ".</p>\n");
	}
	book_env(&env, c->p, a, r, &c->g->abis, c->o->root, c->o->lfs, NULL);
	bufputs(b, "<h4>environment</h4>\n");
	envblock(b, &env, r);
	if (f[0].top.n) {
		char *t = book_resolve(f[0].top.s, &env);
		bufputs(b, "<h4>before every step</h4>\n");
		pre(b, t, "cmd");
		free(t);
	}
	if (r->npatches) {
		struct buf t = {0};
		for (size_t i = 0; i < r->npatches; i++)
			bufprintf(&t, "patch -p1 -i ../%s\n", r->patches[i].rel);
		bufputs(b, "<h4>patch</h4>\n");
		pre(b, t.s, "cmd");
		buffree(&t);
	}
	for (size_t i = 0; stepnames[i]; i++) {
		char *fn = xasprintf("%s_%s", stepnames[i], a->name);
		const char *body = findfn(f, nf, fn);
		const char *used = fn;
		struct strv senv = {0};
		if (!body) {
			body = findfn(f, nf, stepnames[i]);
			used = stepnames[i];
		}
		if (body) {
			char *t;
			book_env(&senv, c->p, a, r, &c->g->abis, c->o->root, c->o->lfs, stepnames[i]);
			t = typeable(used, body, &senv);
			bufprintf(b, "<h4>%s", stepnames[i]);
			if (strcmp(used, stepnames[i]))
				bufprintf(b, " <span class=\"muted\">(%s)</span>", used);
			bufputs(b, "</h4>\n");
			pre(b, t, "cmd");
			free(t);
		}
		strvfree(&senv);
		free(fn);
	}
	bufputs(b, "</section>\n");
	strvfree(&env);
	free(node);
	free(slug);
}

/* the helper functions build.sh and its includes define, as written */
static void
helpers(struct buf *b, struct fns *f, size_t nf, const struct recipe *r)
{
	int any = 0;

	for (size_t k = 0; k < nf; k++)
		for (size_t i = 0; i < f[k].names.n; i++) {
			const char *n = f[k].names.v[i];
			int step = 0;
			for (size_t s = 0; stepnames[s] && !step; s++)
				step = startswith(n, stepnames[s]) &&
					(!n[strlen(stepnames[s])] || n[strlen(stepnames[s])] == '_');
			if (step)
				continue;
			if (!any)
				bufputs(b, "<h2 id=\"helpers\">Shell functions the steps call</h2>\n<p>As "
					"written; their variables take the values of the ABI being built.</p>\n");
			any = 1;
			struct buf t = {0};
			bufprintf(&t, "%s() {\n", n);
			for (const char *p = f[k].bodies.v[i]; *p;) {
				const char *nl = strchr(p, '\n');
				size_t len = nl ? (size_t)(nl - p + 1) : strlen(p);
				bufputs(&t, "\t");
				bufadd(&t, p, len);
				p += len;
			}
			bufputs(&t, "}");
			bufputs(b, "<h4><code>");
			html_esc(b, n);
			bufprintf(b, "</code> <span class=\"muted\">(%s)</span></h4>\n",
				k ? strrchr(r->includes.v[k - 1], '/') + 1 : "build.sh");
			pre(b, t.s, "fn");
			buffree(&t);
		}
}

static int
recipehtml(struct bookctx *c, const struct recipe *r)
{
	struct buf b = {0};
	size_t nf = 1 + r->includes.n;
	struct fns *f = xcalloc(nf, sizeof(*f));
	char *page = recipepage(r), *title = xasprintf("%s-%s", r->name, r->version);
	int rc;

	for (size_t i = 0; i < nf; i++) {
		char *text = readfile(i ? r->includes.v[i - 1] : r->script, NULL);
		if (text)
			book_functions(text, &f[i].names, &f[i].bodies, i ? NULL : &f[i].top);
		free(text);
	}
	html_head(&b, title, "style.css", NULL);
	topnav(&b, c, page);
	bufputs(&b, "<main>\n<h1>");
	html_esc(&b, title);
	bufputs(&b, "</h1>\n<p>");
	html_esc(&b, r->desc);
	bufprintf(&b, ".</p>\n<dl class=\"facts\"><dt>chapter</dt><dd>%s</dd>", chapters[r->stage]);
	if (r->order)
		bufprintf(&b, "<dt>book order</dt><dd>%d</dd>", r->order);
	bufputs(&b, "<dt>version</dt><dd>");
	html_esc(&b, r->version);
	bufputs(&b, "</dd></dl>\n");
	sources(&b, r);
	dependencies(&b, c, r);
	abiswhy(&b, c, r);
	mergerules(&b, r, c->p);
	bufputs(&b, "<h2 id=\"commands\">Commands</h2>\n<p>Each step runs in its own <code>bash -e "
		"-o pipefail</code> in the unpacked source tree, with the environment below and "
		"nothing else. The variables of the ABI and the layout are replaced by their values; "
		"<code>$DESTDIR</code> is where the node is staged before mlfs merges it.</p>\n");
	for (size_t i = 0; i < c->g->abis.n; i++) {
		char *node = xasprintf("%s:%s", r->name, c->g->abis.v[i]);
		if (graph_get(c->g, node))
			abisection(&b, c, r, abi_get(c->p, c->g->abis.v[i]), f, nf);
		free(node);
	}
	helpers(&b, f, nf, r);
	bufputs(&b, "</main>\n");
	html_foot(&b);
	rc = writepage(c, page, &b);
	for (size_t i = 0; i < nf; i++) {
		strvfree(&f[i].names);
		strvfree(&f[i].bodies);
		buffree(&f[i].top);
	}
	free(f);
	free(page);
	free(title);
	return rc;
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* the prose chapters: *.md of the prose directory, in name order */
static int
loadprose(struct bookctx *c)
{
	DIR *d = c->o->prose ? opendir(c->o->prose) : NULL;
	struct dirent *e;

	if (!d) {
		/* a recipe set without prose still makes a book */
		if (c->o->prose)
			warn("no prose chapters: cannot read '%s':", c->o->prose);
		return 0;
	}
	while ((e = readdir(d))) {
		if (endswith(e->d_name, ".md"))
			strvadd(&c->chapters, e->d_name);
		else if (endswith(e->d_name, ".png") || endswith(e->d_name, ".html"))
			strvadd(&c->files, e->d_name);
	}
	closedir(d);
	if (c->chapters.n)
		qsort(c->chapters.v, c->chapters.n, sizeof(*c->chapters.v), cmpstr);
	return 0;
}

static char *
prosepage(const char *md)
{
	return xasprintf("%.*s.html", (int)(strlen(md) - 3), md);
}

static int
prosehtml(struct bookctx *c, size_t i)
{
	char *path = pathjoin(c->o->prose, c->chapters.v[i]), *text = readfile(path, NULL);
	char *page = prosepage(c->chapters.v[i]), *title;
	struct buf body = {0}, b = {0};
	int rc;

	if (!text) {
		rc = error("cannot read '%s':", path);
		free(path);
		free(page);
		return rc;
	}
	md_render(&body, text, &title);
	html_head(&b, title ? title : c->chapters.v[i], "style.css", NULL);
	topnav(&b, c, page);
	bufputs(&b, "<main>\n");
	bufputs(&b, body.s ? body.s : "");
	bufputs(&b, "</main>\n");
	html_foot(&b);
	rc = writepage(c, page, &b);
	buffree(&body);
	free(title);
	free(text);
	free(path);
	free(page);
	return rc;
}

/* the first heading of every chapter, for the contents and the links */
static void
prosetitles(struct bookctx *c)
{
	for (size_t i = 0; i < c->chapters.n; i++) {
		char *path = pathjoin(c->o->prose, c->chapters.v[i]), *text = readfile(path, NULL);
		char *title = NULL;
		struct buf junk = {0};
		if (text)
			md_render(&junk, text, &title);
		strvtake(&c->titles, title ? title : xstrdup(c->chapters.v[i]));
		buffree(&junk);
		free(text);
		free(path);
	}
}

/* a recipe is in this book when the graph has a node of it */
static int
inbook(const struct graph *g, const struct recipe *r)
{
	for (size_t i = 0; i < g->abis.n; i++) {
		char *node = xasprintf("%s:%s", r->name, g->abis.v[i]);
		int yes = graph_get(g, node) != NULL;
		free(node);
		if (yes)
			return 1;
	}
	return 0;
}

static void
readingorder(struct bookctx *c)
{
	for (size_t i = 0; i < c->chapters.n; i++) {
		strvtake(&c->pages, prosepage(c->chapters.v[i]));
		strvadd(&c->pagetitles, c->titles.v[i]);
	}
	for (size_t i = 0; i < c->rs->n; i++)
		if (inbook(c->g, &c->rs->r[i])) {
			strvtake(&c->pages, recipepage(&c->rs->r[i]));
			strvtake(&c->pagetitles, xasprintf("%s-%s", c->rs->r[i].name, c->rs->r[i].version));
		}
}

static int
indexhtml(struct bookctx *c)
{
	struct buf b = {0};
	const struct layout *l = &c->p->layout;
	int open = -1;

	html_head(&b, "Multilib Linux From Scratch, built by mlfs", "style.css", NULL);
	bufputs(&b, "<main>\n<h1>Multilib Linux From Scratch, built by mlfs</h1>\n<p>This book is "
		"rendered from the recipes, ABI profiles and layout that <code>mlfs build</code> runs. "
		"Every command below is what a build runs, for ");
	for (size_t i = 0; i < c->g->abis.n; i++)
		bufprintf(&b, "%sABI %s", i ? (i + 1 == c->g->abis.n ? " and " : ", ") : "",
			c->g->abis.v[i]);
	bufprintf(&b, ", with the <code>%s</code> layout (", l->name);
	for (size_t i = 0; i < l->abis.n; i++)
		bufprintf(&b, "%s%s in <code>%s</code>", i ? ", " : "", l->abis.v[i], l->libdirs.v[i]);
	bufputs(&b, ")");
	if (c->o->lfs) {
		bufputs(&b, ", for an LFS build in <code>");
		html_esc(&b, c->o->lfs);
		bufputs(&b, "</code>");
	} else if (c->o->root) {
		bufputs(&b, ", in host mode into <code>");
		html_esc(&b, c->o->root);
		bufputs(&b, "</code>");
	}
	bufputs(&b, ".</p>\n");
	if (c->t.sbu > 0)
		bufprintf(&b, "<p>Timings are those of the last build; 1 SBU = %.1f s (binutils pass 1)."
			"</p>\n", c->t.sbu);
	bufputs(&b, "<nav class=\"toc\" aria-label=\"contents\">\n<h2 id=\"contents\">Contents</h2>\n");
	if (c->chapters.n) {
		bufputs(&b, "<h3>About multilib</h3>\n<ol>\n");
		for (size_t i = 0; i < c->chapters.n; i++) {
			bufprintf(&b, "<li><a href=\"%s\">", c->pages.v[i]);
			html_esc(&b, c->titles.v[i]);
			bufputs(&b, "</a></li>\n");
		}
		bufputs(&b, "</ol>\n");
	}
	for (size_t i = 0; i < c->rs->n; i++) {
		const struct recipe *r = &c->rs->r[i];
		if (!inbook(c->g, r))
			continue;
		if ((int)r->stage != open) {
			if (open >= 0)
				bufputs(&b, "</ol>\n");
			bufprintf(&b, "<h3>%s</h3>\n<ol>\n", chapters[r->stage]);
			open = r->stage;
		}
		bufprintf(&b, "<li><a href=\"%s.html\">", r->name);
		html_esc(&b, r->name);
		bufputs(&b, "-");
		html_esc(&b, r->version);
		bufputs(&b, "</a> <span class=\"muted\">");
		html_esc(&b, r->desc);
		bufputs(&b, "</span>");
		double sum = 0;
		for (size_t k = 0; k < c->g->abis.n; k++) {
			char *node = xasprintf("%s:%s", r->name, c->g->abis.v[k]);
			sum += timeof(&c->t, node);
			free(node);
		}
		if (sum > 0 && c->t.sbu > 0)
			bufprintf(&b, " <span class=\"muted\">(%.2f SBU)</span>", sum / c->t.sbu);
		bufputs(&b, "</li>\n");
	}
	if (open >= 0)
		bufputs(&b, "</ol>\n");
	bufputs(&b, "</nav>\n</main>\n");
	html_foot(&b);
	return writepage(c, "index.html", &b);
}

/* a picture or page the prose shows, copied beside it */
static int
copyprose(const char *from, const char *to)
{
	size_t len;
	char *data = readfile(from, &len);
	int rc;

	if (!data)
		return error("cannot read '%s':", from);
	rc = writefile(to, data, len, 0644);
	free(data);
	return rc;
}

int
book_render(const struct bookopts *o, const struct profiles *p, const struct recipeset *rs,
	const struct graph *g)
{
	struct bookctx c = {.o = o, .p = p, .rs = rs, .g = g};
	char *css;
	int rc = 0;

	if (mkdirs(o->out, 0755) < 0 || loadprose(&c) < 0)
		return -1;
	timings(&c.t, o->state, g->primary);
	prosetitles(&c);
	readingorder(&c);
	css = pathjoin(o->out, "style.css");
	rc |= writefile(css, html_css, strlen(html_css), 0644);
	free(css);
	rc |= indexhtml(&c);
	for (size_t i = 0; i < c.chapters.n; i++)
		rc |= prosehtml(&c, i);
	for (size_t i = 0; i < c.files.n; i++) {
		char *from = pathjoin(o->prose, c.files.v[i]), *to = pathjoin(o->out, c.files.v[i]);
		rc |= copyprose(from, to);
		free(from);
		free(to);
	}
	for (size_t i = 0; i < rs->n; i++)
		if (inbook(g, &rs->r[i]))
			rc |= recipehtml(&c, &rs->r[i]);
	strvfree(&c.chapters);
	strvfree(&c.files);
	strvfree(&c.titles);
	strvfree(&c.pages);
	strvfree(&c.pagetitles);
	strvfree(&c.t.nodes);
	free(c.t.secs);
	return rc ? -1 : 0;
}
