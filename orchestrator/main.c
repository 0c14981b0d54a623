/*
 * mlfs: the command line: options, the command table and the commands. The
 * kept options are in config.c, loading and planning in plan.c, the build in
 * build.c.
 */
#define _GNU_SOURCE
#include <curl/curl.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "book.h"
#include "bincache.h"
#include "build.h"
#include "config.h"
#include "contain.h"
#include "graph.h"
#include "guestcmd.h"
#include "hash.h"
#include "journal.h"
#include "merge.h"
#include "plan.h"
#include "preflight.h"
#include "profile.h"
#include "recipe.h"
#include "report.h"
#include "repair.h"
#include "rootlock.h"
#include "statedir.h"
#include "util.h"
#include "verify.h"

#define MLFS_VERSION "0.1.0"

struct cli {
	struct buildopts o;
	int jobsset;
	int plan;
	int dependents;
	int stats;          /* print where the time of loading and planning went */
	char *out;          /* book, report: -o */
	int all;            /* --all: build, plan, status: every package, not the
	                       kept PKG operands; report: every build the trace keeps */
	struct strv args;   /* operands */
};

static const char usage_text[] =
	"usage: mlfs [-C DIR] [OPTIONS] COMMAND [OPTIONS] [ARGS]\n"
	"\n"
	"commands:\n"
	"  build [PKG...]     build every node not yet built (resumes after a failure);\n"
	"                     with PKG, only those packages and what they need; the\n"
	"                     PKG list is kept: a bare build, plan or status is about\n"
	"                     it again (--all: every package)\n"
	"  plan [PKG...]      print what a build would run, in order\n"
	"  rebuild PKG[:ABI]  rebuild these nodes (--dependents: and what depends on them)\n"
	"  fetch [PKG...]     download and verify the sources\n"
	"  status [PKG...]    each node: done, failed, interrupted, running or pending\n"
	"  log NODE           print a node's log (NODE is PKG:ABI)\n"
	"  clean PKG[:ABI]    forget these nodes' builds so that the next build redoes them\n"
	"  uninstall PKG      remove a package's files from the root\n"
	"  book [-o DIR]      render the multilib book as HTML (default ./book-html)\n"
	"  report [-o FILE]   the last build (--all: every kept one) as one HTML page\n"
	"                     (default ./mlfs-report.html); --json: its data\n"
	"  guest [OPTS] -- CMD  run CMD in a QEMU guest (x32 on; mlfs guest --help)\n"
	"  cache push DIR     copy the binary cache's entries of this build's nodes to DIR\n"
	"  cache gc [DIR]     remove the entries no node of this build has, and broken ones\n"
	"  verify [PKG...]    compare the root with the packages' manifests (missing,\n"
	"                     changed content, mode, link target; unowned files)\n"
	"  version            print the version\n"
	"\n"
	"options (before or after the command; -C DIR only before it):\n"
	"  -C DIR             change to DIR first\n"
	"  --all              build, plan, status: every package, not the kept PKG list\n"
	"  --abi LIST         ABIs to build, comma-separated (default: every profile)\n"
	"  --root DIR         host mode: install into DIR with the host's multilib gcc\n"
	"  --lfs DIR          the LFS partition ($LFS) for the book's stages\n"
	"  --layout NAME      library layout: lfs (default), lib64, multiarch\n"
	"  -j N               jobserver slots for the whole build (default: cores)\n"
	"  -k N               keep going until N failures (default 1)\n"
	"  --state DIR        state dir: journal, logs, build trees (default ./.mlfs)\n"
	"  --recipes DIR      recipe set (default: the installed one)\n"
	"  --profiles DIR     ABI profiles (default: the installed ones)\n"
	"  --patches DIR      patches (default: beside the recipes)\n"
	"  --source PKG=DIR   build PKG from the local tree DIR\n"
	"  --mirror URL       try this mirror first for every source\n"
	"  --offline          fail at once when a source is not in the cache\n"
	"  --no-check         skip the packages' test suites\n"
	"  --contain MODE     host-side steps in a box (read-only host, unprivileged user):\n"
	"                     require (default: refuse when it cannot be made), try\n"
	"                     (else run uncontained with a warning) or off\n"
	"  --jobserver MODE   pipe (default, any GNU make) or fifo (make >= 4.4, ninja >= 1.13)\n"
	"  --keep-build       keep build trees of merged nodes\n"
	"  --from-step STEP   restart failed nodes at STEP\n"
	"  --cache DIR|URL    restore nodes from this binary cache, store built ones\n"
	"  --no-cache         no binary cache\n"
	"  --ccache           every compiler through ccache (--no-ccache: not)\n"
	"  --strip            strip each system-stage node's programs and libraries\n"
	"                     before its merge, as the book's Stripping page (--no-strip)\n"
	"  --icecc            compiles through an icecream cluster (--no-icecc: not)\n"
	"  --icecc-slots N    jobserver slots the cluster adds to -j\n"
	"  --dot, --json, --explain   plan output formats\n"
	"  --stats            print the time spent loading recipes and planning\n"
	"  -q, --quiet        print only errors\n";

static _Noreturn void
usage(const char *fmt, const char *arg)
{
	if (fmt) {
		fprintf(stderr, "%s: ", argv0);
		fprintf(stderr, fmt, arg);
		fputc('\n', stderr);
	}
	fputs(usage_text, stderr);
	exit(2);
}

static void
replace(char **slot, const char *val)
{
	free(*slot);
	*slot = val ? abspath(val) : NULL;
}

static void
splitabis(struct strv *sv, const char *list)
{
	char *s = xstrdup(list), *save, *tok;

	strvfree(sv);
	for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (strvfind(sv, tok) < 0)
			strvadd(sv, tok);
	free(s);
}

enum {
	O_ABI = 256, O_ROOT, O_LFS, O_LAYOUT, O_STATE, O_RECIPES, O_PROFILES, O_PATCHES,
	O_SOURCE, O_MIRROR, O_OFFLINE, O_NOCHECK, O_JOBSERVER, O_KEEPBUILD, O_FROMSTEP, O_CONTAIN,
	O_DOT, O_JSON, O_EXPLAIN, O_DEPENDENTS, O_STATS, O_ALL, O_CACHE, O_NOCACHE,
	O_CCACHE, O_NOCCACHE, O_STRIP, O_NOSTRIP, O_ICECC, O_NOICECC, O_ICECCSLOTS,
};

static const struct option longopts[] = {
	{"abi", required_argument, NULL, O_ABI},
	{"root", required_argument, NULL, O_ROOT},
	{"lfs", required_argument, NULL, O_LFS},
	{"layout", required_argument, NULL, O_LAYOUT},
	{"state", required_argument, NULL, O_STATE},
	{"recipes", required_argument, NULL, O_RECIPES},
	{"profiles", required_argument, NULL, O_PROFILES},
	{"patches", required_argument, NULL, O_PATCHES},
	{"source", required_argument, NULL, O_SOURCE},
	{"mirror", required_argument, NULL, O_MIRROR},
	{"offline", no_argument, NULL, O_OFFLINE},
	{"no-check", no_argument, NULL, O_NOCHECK},
	{"jobserver", required_argument, NULL, O_JOBSERVER},
	{"keep-build", no_argument, NULL, O_KEEPBUILD},
	{"from-step", required_argument, NULL, O_FROMSTEP},
	{"contain", required_argument, NULL, O_CONTAIN},
	{"dot", no_argument, NULL, O_DOT},
	{"json", no_argument, NULL, O_JSON},
	{"explain", no_argument, NULL, O_EXPLAIN},
	{"dependents", no_argument, NULL, O_DEPENDENTS},
	{"stats", no_argument, NULL, O_STATS},
	{"all", no_argument, NULL, O_ALL},
	{"output", required_argument, NULL, 'o'},
	{"cache", required_argument, NULL, O_CACHE},
	{"no-cache", no_argument, NULL, O_NOCACHE},
	{"ccache", no_argument, NULL, O_CCACHE},
	{"no-ccache", no_argument, NULL, O_NOCCACHE},
	{"strip", no_argument, NULL, O_STRIP},
	{"no-strip", no_argument, NULL, O_NOSTRIP},
	{"icecc", no_argument, NULL, O_ICECC},
	{"no-icecc", no_argument, NULL, O_NOICECC},
	{"icecc-slots", required_argument, NULL, O_ICECCSLOTS},
	{"quiet", no_argument, NULL, 'q'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static int
number(const char *s, const char *opt)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < 1 || v > 4096)
		usage("option '%s' takes a number from 1 to 4096", opt);
	return (int)v;
}

/* the sources overrides, abis and mirrors given on the command line replace the kept ones */
static void
parseopts(struct cli *c, int argc, char **argv)
{
	struct buildopts *o = &c->o;
	struct strv srcs = {0}, mirrors = {0};
	int ch, gotsrc = 0, gotmirror = 0;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "j:k:o:qhC:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'C':
			usage("option '-C' goes before the command (mlfs -C DIR COMMAND): the directory "
				"changes before the options and the state are read%s", "");
		case 'j': o->jobs = number(optarg, "-j"); c->jobsset = 1; break;
		case 'k': o->keep = number(optarg, "-k"); break;
		case 'q': o->quiet = 1; break;
		case 'o': free(c->out); c->out = abspath(optarg); break;
		case O_ALL: c->all = 1; break;
		case 'h': usage(NULL, NULL);
		case O_ABI: splitabis(&o->abis, optarg); break;
		case O_ROOT: replace(&o->root, optarg); break;
		case O_LFS: replace(&o->lfs, optarg); break;
		case O_LAYOUT: free(o->layout); o->layout = xstrdup(optarg); break;
		case O_STATE: break;
		case O_RECIPES: replace(&o->recipes, optarg); break;
		case O_PROFILES: replace(&o->profiles, optarg); break;
		case O_PATCHES: replace(&o->patches, optarg); break;
		case O_SOURCE: {
			char *eq = strchr(optarg, '=');
			if (!eq || eq == optarg || !eq[1])
				usage("--source takes PKG=DIR, not '%s'", optarg);
			*eq = '\0';
			char *dir = abspath(eq + 1);
			if (!exists(dir))
				usage("--source: no directory '%s'", dir);
			strvtake(&srcs, xasprintf("%s=%s", optarg, dir));
			free(dir);
			gotsrc = 1;
			break;
		}
		case O_MIRROR: strvadd(&mirrors, optarg); gotmirror = 1; break;
		case O_OFFLINE: o->offline = 1; break;
		case O_NOCHECK: o->nocheck = 1; break;
		case O_JOBSERVER:
			if (strcmp(optarg, "pipe") && strcmp(optarg, "fifo"))
				usage("--jobserver takes pipe or fifo, not '%s'", optarg);
			o->jsmode = !strcmp(optarg, "fifo") ? JSMODE_FIFO : JSMODE_PIPE;
			break;
		case O_KEEPBUILD: o->keepbuild = 1; break;
		case O_FROMSTEP: free(o->fromstep); o->fromstep = xstrdup(optarg); break;
		case O_CONTAIN:
			if ((o->contain = contain_parse(optarg)) < 0)
				usage("--contain takes require, try or off, not '%s'", optarg);
			break;
		case O_DOT: c->plan = PLAN_DOT; break;
		case O_JSON: c->plan = PLAN_JSON; break;
		case O_EXPLAIN: c->plan = PLAN_EXPLAIN; break;
		case O_DEPENDENTS: c->dependents = 1; break;
		case O_STATS: c->stats = 1; break;
		case O_CACHE:
			free(o->cache);
			o->cache = bincache_isurl(optarg) ? xstrdup(optarg) : abspath(optarg);
			break;
		case O_NOCACHE: replace(&o->cache, NULL); break;
		case O_CCACHE: o->ccache = 1; break;
		case O_NOCCACHE: o->ccache = 0; break;
		case O_STRIP: o->strip = 1; break;
		case O_NOSTRIP: o->strip = 0; break;
		case O_ICECC: o->icecc = 1; break;
		case O_NOICECC: o->icecc = 0; break;
		case O_ICECCSLOTS: o->iceccslots = number(optarg, "--icecc-slots"); break;
		default: usage(NULL, NULL);
		}
	}
	if (gotsrc) {
		strvfree(&o->srcover);
		o->srcover = srcs;
	}
	if (gotmirror) {
		strvfree(&o->mirrors);
		o->mirrors = mirrors;
	}
	for (int i = optind; i < argc; i++)
		strvadd(&c->args, argv[i]);
	o->join = !c->jobsset;
	if (o->fromstep) {
		const char *steps[] = {"patch", "prepare", "configure", "build", "check", "install"};
		size_t i;
		for (i = 0; i < 6 && strcmp(steps[i], o->fromstep); i++)
			;
		if (i == 6)
			usage("--from-step takes patch, prepare, configure, build, check or install, not '%s'",
				o->fromstep);
	}
}

/* the state dir comes first: it holds the kept options */
static char *
findstate(int argc, char **argv)
{
	const char *s = getenv("MLFS_STATE");

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--state") && i + 1 < argc)
			s = argv[i + 1];
		else if (!strncmp(argv[i], "--state=", 8))
			s = argv[i] + 8;
		else if (!strcmp(argv[i], "--"))
			break;
	}
	return abspath(s && *s ? s : ".mlfs");
}

static int
cmd_plan(struct cli *c)
{
	struct world w;
	struct strv whys = {0};
	size_t n, in;

	plan_load(&w, &c->o, c->stats);
	plan_scope(&w.g, &c->args);
	plan_leftout(&w.g, &c->args);
	in = plan_inscope(&w.g, c->args.n > 0);
	n = plan_decide(&w.g, c->o.state, &whys, c->args.n > 0);
	plan_print(&w.g, &whys, c->plan, n, in);
	strvfree(&whys);
	plan_release(&w);
	return 0;
}

/* the root a command changes: --root, $LFS or / */
static const char *
rootof(const struct buildopts *o)
{
	return o->root ? o->root : o->lfs ? o->lfs : "/";
}

static int
runbuild(struct cli *c, struct world *w, int scoped)
{
	struct strv whys = {0};
	size_t in = plan_inscope(&w->g, scoped);
	size_t n;
	int rc;

	if (rootlock_take(rootof(&c->o)) < 0)
		return 1;
	n = plan_decide(&w->g, c->o.state, &whys, scoped);
	/* a plain build also repairs what it finds damaged in the root */
	if (!scoped)
		n += repair_mark(&w->g, rootof(&c->o), c->o.state, c->o.quiet);
	strvfree(&whys);
	if (config_save(&c->o) < 0)
		return 1;
	if (!n) {
		if (!c->o.quiet)
			fprintf(stderr, "%s: nothing to do: all %zu node(s) are built\n", argv0, in);
		return 0;
	}
	if (!c->o.quiet)
		plan_leftout(&w->g, &c->args);
	rc = build_run(&c->o, &w->prof, &w->rs, &w->g);
	return rc;
}

static int
cmd_build(struct cli *c)
{
	struct world w;
	int rc;

	plan_load(&w, &c->o, c->stats);
	plan_scope(&w.g, &c->args);
	rc = runbuild(c, &w, c->args.n > 0);
	plan_release(&w);
	return rc;
}

static int
cmd_rebuild(struct cli *c)
{
	struct world w;
	int rc;

	if (!c->args.n)
		usage("rebuild needs PKG or PKG:ABI", NULL);
	plan_load(&w, &c->o, c->stats);
	for (size_t i = 0; i < c->args.n; i++)
		if (graph_select(&w.g, c->args.v[i]) < 0)
			exit(1);
	if (c->dependents)
		graph_select_users(&w.g);
	graph_select_deps(&w.g, SEL_SCOPE);
	rc = runbuild(c, &w, 1);
	plan_release(&w);
	return rc;
}

static int
cmd_fetch(struct cli *c)
{
	struct world w;
	int rc;

	plan_load(&w, &c->o, c->stats);
	if (c->args.n) {
		for (size_t i = 0; i < c->args.n; i++)
			if (graph_select(&w.g, c->args.v[i]) < 0)
				exit(1);
	}
	for (size_t i = 0; i < w.g.n; i++)
		w.g.nodes[i]->run = !c->args.n || w.g.nodes[i]->sel;
	rc = build_fetch(&c->o, &w.g);
	plan_release(&w);
	return rc;
}

static int
cmd_status(struct cli *c)
{
	struct world w;
	struct journal j;
	char *path;
	size_t counts[5] = {0}, restored = 0;
	const char *names[5] = {"done", "failed", "interrupted", "pending", "running"};
	long holder = state_holder(c->o.state);

	plan_load(&w, &c->o, c->stats);
	plan_scope(&w.g, &c->args);
	path = xasprintf("%s/journal.jsonl", c->o.state);
	if (journal_read(&j, path) < 0) {
		free(path);
		plan_release(&w);
		return 1;
	}
	for (size_t i = 0; i < w.g.n; i++) {
		struct node *n = w.g.nodes[i];
		if (c->args.n && !n->sel)
			continue;
		const struct jstate *s = journal_get(&j, n->name);
		int same = s && !strcmp(s->key, n->key), k = 3;
		/* begun, not ended: running, or cut by a kill when no mlfs holds the state */
		int begun = same && (s->ev == J_START || s->ev == J_STEP || s->ev == J_STAGED);
		if (same && s->ev == J_MERGED)
			k = 0;
		else if (same && s->ev == J_FAILED)
			k = 1;
		else if ((same && s->ev == J_INTERRUPTED) || (begun && !holder))
			k = 2;
		else if (begun)
			k = 4;
		counts[k]++;
		int rest = k == 0 && s->step && !strcmp(s->step, "restore");
		restored += rest;
		printf("%-12s %-24s", rest ? "restored" : names[k], n->name);
		if (k == 0 && s->secs > 0)
			printf(" %.1f s", s->secs);
		if ((k == 1 || (k == 2 && !begun)) && s->step)
			printf(" at step '%s'", s->step);
		else if (begun && k == 2)
			printf(" killed");
		if (begun && s->step)
			printf("%s step '%s' done", k == 2 ? "," : "", s->step);
		putchar('\n');
	}
	printf("%zu done", counts[0]);
	if (restored)
		printf(" (%zu restored)", restored);
	printf(", %zu failed, %zu interrupted, ", counts[1], counts[2]);
	if (counts[4])
		printf("%zu running (mlfs pid %ld), ", counts[4], holder);
	printf("%zu pending\n", counts[3]);
	journal_close(&j);
	free(path);
	plan_release(&w);
	return 0;
}

static int
cmd_log(struct cli *c)
{
	char *path, *text;
	size_t len;

	if (c->args.n != 1)
		usage("log needs one NODE (PKG:ABI)", NULL);
	if (!strchr(c->args.v[0], ':'))
		usage("log needs a node as PKG:ABI, not '%s'", c->args.v[0]);
	path = state_logpath(c->o.state, c->args.v[0]);
	text = readfile(path, &len);
	if (!text) {
		error("no log for '%s': cannot read '%s':", c->args.v[0], path);
		free(path);
		return 1;
	}
	fwrite(text, 1, len, stdout);
	free(text);
	free(path);
	return 0;
}

static int
cmd_clean(struct cli *c)
{
	struct world w;
	struct journal j;
	char *path;
	int rc = 0;

	if (!c->args.n)
		usage("clean needs PKG or PKG:ABI", NULL);
	plan_load(&w, &c->o, c->stats);
	for (size_t i = 0; i < c->args.n; i++)
		if (graph_select(&w.g, c->args.v[i]) < 0)
			exit(1);
	path = xasprintf("%s/journal.jsonl", c->o.state);
	if (mkdirs(c->o.state, 0755) < 0 || journal_open(&j, path) < 0)
		exit(1);
	for (size_t i = 0; i < w.g.n; i++) {
		struct node *n = w.g.nodes[i];
		char *top, *stage;
		if (!n->sel)
			continue;
		top = state_path(c->o.state, "build", n->name, "");
		stage = state_stagedir(c->o.state, n->name);
		rc |= rmtree(top) | rmtree(stage);
		rc |= journal_record(&j, n->name, J_CLEAN, NULL, NULL, 0);
		if (!c->o.quiet)
			fprintf(stderr, "%s: cleaned '%s'\n", argv0, n->name);
		free(top);
		free(stage);
	}
	journal_close(&j);
	free(path);
	plan_release(&w);
	return rc ? 1 : 0;
}

static int
cmd_uninstall(struct cli *c)
{
	struct world w;
	int rc = 0;

	if (!c->args.n)
		usage("uninstall needs PKG", NULL);
	plan_load(&w, &c->o, c->stats);
	if (rootlock_take(rootof(&c->o)) < 0) {
		plan_release(&w);
		return 1;
	}
	for (size_t i = 0; i < c->args.n; i++) {
		if (!recipe_get(&w.rs, c->args.v[i])) {
			rc = error("unknown package '%s'", c->args.v[i]);
			continue;
		}
		if (build_uninstall(&c->o, &w.prof, &w.g, c->args.v[i]) < 0)
			rc = -1;
	}
	plan_release(&w);
	return rc ? 1 : 0;
}

/* the option of longopts called name (up to '=' or the end), or NULL */
static const struct option *
longopt(const char *name)
{
	size_t len = strcspn(name, "=");

	for (const struct option *o = longopts; o->name; o++)
		if (strlen(o->name) == len && !strncmp(o->name, name, len))
			return o;
	return NULL;
}

/* options may come before the command: move the command word to argv[1] so
   that getopt sees every option, wherever it was given; 0 when there is no
   command */
static int
findcommand(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--"))
			return 0;
		if (a[0] != '-' || !a[1]) {
			for (int k = i; k > 1; k--)
				argv[k] = argv[k - 1];
			argv[1] = (char *)a;
			return 1;
		}
		if (a[1] == '-') {
			const struct option *o = longopt(a + 2);
			if (!o)
				usage("unknown option '%s'", a);
			if (o->has_arg == required_argument && !strchr(a, '='))
				i++;
		} else if (strchr("jkoC", a[1]) && !a[2]) {
			i++;
		} else if (!strchr("jkoqhC", a[1])) {
			usage("unknown option '%s'", a);
		}
	}
	return 0;
}

/* build, plan and status without PKG operands are about the kept ones; a
   build's operands are kept for the next */
static void
keptpkgs(struct cli *c, const char *cmd)
{
	int build = !strcmp(cmd, "build");

	if (!build && strcmp(cmd, "plan") && strcmp(cmd, "status"))
		return;
	if (c->all) {
		if (c->args.n)
			usage("--all and PKG operands exclude each other%s", "");
		if (build)
			strvfree(&c->o.pkgs);
	} else if (c->args.n) {
		if (build) {
			strvfree(&c->o.pkgs);
			for (size_t i = 0; i < c->args.n; i++)
				strvadd(&c->o.pkgs, c->args.v[i]);
		}
	} else if (c->o.pkgs.n) {
		for (size_t i = 0; i < c->o.pkgs.n; i++)
			strvadd(&c->args, c->o.pkgs.v[i]);
		if (!c->o.quiet && strcmp(cmd, "status")) {
			struct buf b = {0};
			for (size_t i = 0; i < c->o.pkgs.n; i++)
				bufprintf(&b, " %s", c->o.pkgs.v[i]);
			fprintf(stderr, "%s: the kept packages:%s (--all: every package)\n", argv0, b.s);
			buffree(&b);
		}
	}
}

/* the book, from the recipes, profiles and layout a build would use; its
   prose beside the recipes (a source tree, or the installed share/mlfs) */
static int
cmd_book(struct cli *c)
{
	struct world w;
	char *prose;
	int rc;

	plan_load(&w, &c->o, c->stats);
	prose = xasprintf("%s/../book", c->o.recipes);
	/* neither --lfs nor --root: an LFS build at the book's $LFS */
	struct bookopts bo = {.prose = prose, .out = c->out ? c->out : "book-html",
		.state = c->o.state, .root = c->o.root,
		.lfs = c->o.lfs ? c->o.lfs : c->o.root ? NULL : "/mnt/lfs"};
	rc = book_render(&bo, &w.prof, &w.rs, &w.g);
	if (rc == 0 && !c->o.quiet)
		fprintf(stderr, "%s: book written to '%s/index.html'\n", argv0, bo.out);
	free(prose);
	plan_release(&w);
	return rc < 0 ? 1 : 0;
}

/* the last build, or every build the trace keeps, as HTML or JSON */
static int
cmd_report(struct cli *c)
{
	struct report r;
	struct buf b = {0};
	const char *out = c->out ? c->out : "mlfs-report.html";
	int rc = 0;

	if (report_load(&r, c->o.state) < 0)
		return 1;
	if (c->plan == PLAN_JSON) {
		FILE *f = c->out ? fopen(out, "w") : stdout;
		if (!f) {
			report_release(&r);
			return error("cannot write '%s':", out), 1;
		}
		report_json(&r, c->all ? 0 : r.n - 1, f);
		if (f != stdout && fclose(f) != 0)
			rc = error("cannot write '%s':", out);
	} else {
		report_html(&r, c->all ? 0 : r.n - 1, &b);
		rc = writefile(out, b.s, b.n, 0644);
		if (rc == 0 && !c->o.quiet)
			fprintf(stderr, "%s: report written to '%s'\n", argv0, out);
		buffree(&b);
	}
	report_release(&r);
	return rc < 0 ? 1 : 0;
}

/* the binary cache's local dir, from the kept --cache; exits when there is none */
static char *
cachedir(const struct cli *c)
{
	struct bincache bc;
	char *dir;

	if (!c->o.cache)
		fatal("no binary cache: build with --cache DIR or --cache URL first");
	if (bincache_open(&bc, c->o.cache, c->o.state) < 0)
		exit(1);
	dir = xstrdup(bc.dir);
	bincache_close(&bc);
	return dir;
}

static int
cmd_cache(struct cli *c)
{
	struct world w;
	struct strv keys = {0};
	unsigned long long bytes = 0;
	char *dir, *to;
	long n;

	if (!c->args.n || (strcmp(c->args.v[0], "push") && strcmp(c->args.v[0], "gc")))
		usage("cache needs 'push DIR' or 'gc [DIR]'", NULL);
	if (!strcmp(c->args.v[0], "push") && c->args.n != 2)
		usage("cache push needs a directory", NULL);
	if (c->args.n > 2)
		usage("cache takes at most one directory, not '%s'", c->args.v[2]);
	plan_load(&w, &c->o, c->stats);
	for (size_t i = 0; i < w.g.n; i++)
		strvadd(&keys, w.g.nodes[i]->key);
	dir = !strcmp(c->args.v[0], "gc") && c->args.n == 2 ? abspath(c->args.v[1]) : cachedir(c);
	if (!strcmp(c->args.v[0], "push")) {
		to = abspath(c->args.v[1]);
		n = bincache_push(dir, to, &keys);
		if (n >= 0 && !c->o.quiet)
			fprintf(stderr, "%s: %ld entr%s copied to '%s'\n", argv0, n, n == 1 ? "y" : "ies", to);
		free(to);
	} else {
		n = bincache_gc(dir, &keys, &bytes);
		if (n >= 0 && !c->o.quiet)
			fprintf(stderr, "%s: %ld file(s) removed from '%s' (%.1f MiB)\n", argv0, n, dir,
				bytes / 1048576.0);
	}
	free(dir);
	strvfree(&keys);
	plan_release(&w);
	return n < 0 ? 1 : 0;
}

/* the packages to verify: those named, else every one with a manifest or a
   node the journal has merged */
static void
verifiable(struct cli *c, struct world *w, struct strv *pkgs)
{
	char *path = xasprintf("%s/journal.jsonl", c->o.state);
	struct journal j;

	for (size_t i = 0; i < c->args.n; i++)
		strvadd(pkgs, c->args.v[i]);
	if (!c->args.n)
		verify_installed(rootof(&c->o), pkgs);
	if (!c->args.n && exists(path) && journal_open(&j, path) == 0) {
		for (size_t i = 0; i < w->g.n; i++) {
			char *why = plan_why(&j, w->g.nodes[i]);
			if (!why && strvfind(pkgs, w->g.nodes[i]->r->name) < 0)
				strvadd(pkgs, w->g.nodes[i]->r->name);
			free(why);
		}
		journal_close(&j);
	}
	free(path);
}

static int
cmd_verify(struct cli *c)
{
	struct world w;
	struct strv pkgs = {0}, unowned = {0};
	int bad = 0;

	plan_load(&w, &c->o, c->stats);
	verifiable(c, &w, &pkgs);
	for (size_t i = 0; i < pkgs.n; i++) {
		struct vdamage d;
		if (verify_package(rootof(&c->o), pkgs.v[i], &d)) {
			verify_print(&d, stdout);
			bad++;
		}
		vdamage_free(&d);
	}
	if (!c->args.n)
		verify_unowned(rootof(&c->o), &unowned);
	for (size_t i = 0; i < unowned.n; i++)
		printf("unowned: '%s'\n", unowned.v[i]);
	if (!c->o.quiet)
		fprintf(stderr, "%s: %zu package(s) verified in '%s': %d damaged, %zu unowned file(s)\n",
			argv0, pkgs.n, rootof(&c->o), bad, unowned.n);
	strvfree(&pkgs);
	strvfree(&unowned);
	plan_release(&w);
	return bad ? 1 : 0;
}

static const struct cmd {
	const char *name;
	int (*run)(struct cli *);
	int saves;  /* takes the kept options */
	int locks;  /* changes the state dir: one mlfs at a time */
} cmds[] = {
	{"build", cmd_build, 1, 1},
	{"plan", cmd_plan, 1, 0},
	{"rebuild", cmd_rebuild, 1, 1},
	{"fetch", cmd_fetch, 1, 1},
	{"status", cmd_status, 1, 0},
	{"log", cmd_log, 0, 0},
	{"clean", cmd_clean, 1, 1},
	{"uninstall", cmd_uninstall, 1, 1},
	{"book", cmd_book, 1, 0},
	{"report", cmd_report, 0, 0},
	{"cache", cmd_cache, 1, 1},
	{"verify", cmd_verify, 1, 0},
};

static void
clifree(struct cli *c)
{
	strvfree(&c->args);
	free(c->out);
	free(c->o.state);
	free(c->o.root);
	free(c->o.lfs);
	free(c->o.recipes);
	free(c->o.profiles);
	free(c->o.patches);
	free(c->o.layout);
	free(c->o.fromstep);
	free(c->o.cache);
	strvfree(&c->o.abis);
	strvfree(&c->o.srcover);
	strvfree(&c->o.mirrors);
	strvfree(&c->o.pkgs);
}

int
main(int argc, char **argv)
{
	struct cli c = {0};
	const struct cmd *cmd = NULL;
	int rc;

	/* options before the command: -C DIR and --state DIR */
	for (;;) {
		if (argc > 2 && !strcmp(argv[1], "-C")) {
			if (chdir(argv[2]) < 0)
				fatal("cannot change to '%s':", argv[2]);
		} else if (argc > 2 && !strcmp(argv[1], "--state")) {
			setenv("MLFS_STATE", argv[2], 1);
		} else if (argc > 1 && !strncmp(argv[1], "--state=", 8)) {
			setenv("MLFS_STATE", argv[1] + 8, 1);
			argv++;
			argc--;
			continue;
		} else {
			break;
		}
		argv += 2;
		argc -= 2;
	}
	if (argc < 2)
		usage(NULL, NULL);
	if (strcmp(argv[1], "--version") && strcmp(argv[1], "--help") && strcmp(argv[1], "-h") &&
	    !findcommand(argc, argv))
		usage("no command given%s", "");
	if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
		printf("mlfs %s\n", MLFS_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (!strcmp(argv[1], "guest"))
		return guestcmd_main(argc - 1, argv + 1);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(*cmds); i++)
		if (!strcmp(cmds[i].name, argv[1]))
			cmd = &cmds[i];
	if (!cmd)
		usage("unknown command '%s'", argv[1]);
	c.o.state = findstate(argc, argv);
	if (cmd->saves && config_load(&c.o) < 0) {
		clifree(&c);
		return 1;
	}
	parseopts(&c, argc - 1, argv + 1);
	keptpkgs(&c, cmd->name);
	if (cmd->locks && state_lock(c.o.state) < 0) {
		clifree(&c);
		return 1;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmd->run(&c);
	curl_global_cleanup();
	clifree(&c);
	return rc;
}
