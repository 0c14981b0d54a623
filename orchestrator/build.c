/*
 * The real runner. A node's life: a fresh source tree (copied, unpacked or
 * checked out) in $state/build/NODE/src and an empty $state/stage/NODE, then
 * one bash process per step (patch, prepare, configure, build, check,
 * install), each with the environment of env.c and its output appended to
 * $state/logs/NODE.log, then the merge into the root. Every step's process is
 * its own process group so that a signal reaches everything it started.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>
#include "bincache.h"
#include "build.h"
#include "ccwrap.h"
#include "icecc.h"
#include "contain.h"
#include "env.h"
#include "extract.h"
#include "fetch.h"
#include "glue.h"
#include "graph.h"
#include "jobserver.h"
#include "journal.h"
#include "merge.h"
#include "preflight.h"
#include "profile.h"
#include "recipe.h"
#include "sched.h"
#include "statedir.h"
#include "status.h"
#include "tokens.h"
#include "trace.h"
#include "step.h"
#include "unpack.h"
#include "util.h"
#include "vcs.h"
#include "workq.h"

enum { KILL_GRACE_MS = 10000, AUDIT_MS = 1000 };

static const char *const stepnames[] = {"prepare", "configure", "build", "check", "install", NULL};

struct bctx {
	const struct buildopts *o;
	struct profiles *prof;
	struct recipeset *rs;
	struct graph *g;
	uv_loop_t *loop;
	struct journal j;
	struct sched s;
	struct runner run;
	struct jobserver *js;
	struct stepper sp;         /* the running steps */
	char *ccdir;               /* --ccache: the cache dir the steps share; owned */
	struct container box;      /* how host-side steps are contained */
	uv_timer_t audittimer;     /* the pool's audit, while steps run */
	struct strv canrun;        /* ABIs whose programs run here */
	struct strv whynot;        /* pairs: ABI, why it cannot run */
	struct strv fetched;       /* pairs: "alg:sum", cache path */
	uv_signal_t sig[3];
	uv_timer_t killtimer;
	struct status st;
	struct trace trace;        /* STATE/trace.jsonl, for mlfs report */
	struct mergectx mc;
	enum jevent *prev;         /* each node's last journal event before this run */
	struct bincache bc;        /* the binary cache; bc.dir NULL: none */
	struct ccstats cc0;        /* ccache's counters at the start */
	int icecc;                 /* --icecc and the local daemon answers */
	struct icecc ice;          /* the toolchain tarballs (when icecc) */
	struct workq unpackq;      /* unpacks, off the loop, -j at once */
	struct workq mergeq;       /* merges and the glue, off the loop, one at a time */
	struct workq trashq;       /* trees of merged nodes on their way out */
	_Atomic int cancel;        /* set by a signal: queued unpacks do nothing */
};

/* a node's work off the loop */
struct nodework {
	struct work w;             /* first: a struct work * is a struct nodework * */
	struct bctx *c;
	struct node *n;
	struct strv *steps;        /* unpack: the scheduler's list to fill */
	int resume;                /* unpack: keep the build tree, empty the staging dir */
	int rc;
};

char *
build_keyopts(const struct buildopts *o)
{
	return xasprintf("root=%s\nlfs=%s\n", o->root ? o->root : "", o->lfs ? o->lfs : "");
}

static int
definedstep(const struct recipe *r, const char *step, const char *abi)
{
	char *fn = xasprintf("%s_%s", step, abi);
	int yes = recipe_defines(r, fn) || recipe_defines(r, step);

	free(fn);
	return yes;
}

static int
abican(struct bctx *c, const char *abi)
{
	return strvfind(&c->canrun, abi) >= 0;
}

static const char *
whynot(struct bctx *c, const char *abi)
{
	for (size_t i = 0; i + 1 < c->whynot.n; i += 2)
		if (!strcmp(c->whynot.v[i], abi))
			return c->whynot.v[i + 1];
	return "it cannot run here";
}

static void
logline(struct bctx *c, struct node *n, const char *fmt, const char *arg)
{
	char *path = state_logpath(c->o->state, n->name);
	FILE *f = fopen(path, "a");

	if (f) {
		fprintf(f, "mlfs: ");
		fprintf(f, fmt, arg);
		fputc('\n', f);
		fclose(f);
	}
	free(path);
}

static void
planstep(struct bctx *c, struct node *n, struct strv *steps)
{
	struct recipe *r = n->r;

	if (r->npatches && !unpack_override(&c->o->srcover, r->name))
		strvadd(steps, "patch");
	for (size_t i = 0; stepnames[i]; i++) {
		const char *st = stepnames[i];
		if (!definedstep(r, st, n->abi->name))
			continue;
		if (!strcmp(st, "check") && c->o->nocheck) {
			logline(c, n, "check skipped: %s", "--no-check");
			continue;
		}
		if (!strcmp(st, "check") && !r->checkcross && (!abican(c, n->abi->name) ||
		    (n->abi->guest && step_chrooted(&c->sp, n) && !r->needsrun))) {
			char *why = xasprintf("check skipped for ABI '%s': %s", n->abi->name,
				abican(c, n->abi->name) ? "it runs only in a QEMU guest, not inside "
				"chroot $LFS" : whynot(c, n->abi->name));
			logline(c, n, "%s", why);
			status_note(&c->st, n->name, why);
			free(why);
			continue;
		}
		strvadd(steps, st);
	}
	/* the book's Stripping page, on the node's own staged files */
	if (c->o->strip && r->stage == STAGE_SYSTEM && definedstep(r, "install", n->abi->name))
		strvadd(steps, "strip");
}

/* --from-step: keep the build tree of a node that failed and skip the steps
   before STEP; 1 when it applies (steps filled), 0 when the node unpacks
   afresh, -1 on error */
static int
resume(struct bctx *c, struct node *n, struct strv *steps)
{
	char *src = state_srcdir(c->o->state, n->name);
	enum jevent ev = c->prev[n->index];
	long at;
	int rc = 0;

	if (!c->o->fromstep || (ev != J_FAILED && ev != J_INTERRUPTED) || !exists(src))
		goto out;
	planstep(c, n, steps);
	at = strvfind(steps, c->o->fromstep);
	if (at < 0) {
		rc = error("'%s' has no step '%s' to restart at", n->name, c->o->fromstep);
		goto out;
	}
	for (long i = 0; i < at; i++)
		free(steps->v[i]);
	memmove(steps->v, steps->v + at, (steps->n - at + 1) * sizeof(*steps->v));
	steps->n -= at;
	rc = 1;
	logline(c, n, "restarting at step '%s' in the kept build tree", c->o->fromstep);
out:
	free(src);
	return rc;
}

/* the staging dir from the binary cache instead of the steps; 1 restored */
static int
restore(struct bctx *c, struct node *n)
{
	char *stage = state_stagedir(c->o->state, n->name), *log = state_logpath(c->o->state, n->name);
	unsigned long long t0 = nowns();
	int r;

	status_clear(&c->st);
	r = bincache_get(&c->bc, n->name, n->key, stage);
	if (r < 0)
		warn("'%s': its cache entry was refused; building it", n->name);
	if (r == 1 && mkparent(log) == 0 && writefile(log, "", 0, 0644) == 0) {
		logline(c, n, "restored from the binary cache '%s'", c->bc.url ? c->bc.url : c->bc.dir);
		journal_record(&c->j, n->name, J_STEP, n->key, "restore", (nowns() - t0) / 1e9);
		((struct nrun *)n->data)->restored = 1;
	}
	free(stage);
	free(log);
	return r == 1;
}

/* where n's compiles run, for icecc */
static enum icecc_where
icewhere(const struct bctx *c, const struct node *n)
{
	if (!c->o->lfs)
		return ICECC_HOST;
	return step_chrooted(&c->sp, n) ? ICECC_CHROOT : ICECC_CROSS;
}

/* in a worker: a fresh source tree and staging dir (or, resuming, a fresh
   staging dir only); messages go to the node's log */
static void
unpack_run(struct work *w)
{
	struct nodework *nw = (struct nodework *)w;
	const struct buildopts *o = nw->c->o;
	const char *node = nw->n->name;
	char *src = state_srcdir(o->state, node), *stage = state_stagedir(o->state, node);
	char *top = state_path(o->state, "build", node, ""), *log = state_logpath(o->state, node);
	FILE *f = fopen(log, "a");

	msgto(f);
	if (nw->c->cancel)
		nw->rc = -1;
	else if (nw->resume)
		nw->rc = rmtree(stage) < 0 || mkdirs(stage, 0755) < 0 ? -1 : 0;
	else if (state_discard(o->state, top) < 0 || state_discard(o->state, stage) < 0 ||
	    mkdirs(src, 0755) < 0 || mkdirs(stage, 0755) < 0 ||
	    unpack_node(o, &nw->c->fetched, nw->n, src) < 0)
		nw->rc = -1;
	/* a toolchain tarball is made here, off the loop; one that cannot be
	   made leaves the node's compiles local */
	if (nw->rc == 0 && nw->c->icecc && !nw->n->r->nodistribute)
		icecc_prepare(&nw->c->ice, icewhere(nw->c, nw->n), f);
	msgto(NULL);
	if (f)
		fclose(f);
	free(src);
	free(stage);
	free(top);
	free(log);
}

/* on the loop: the steps, then the scheduler goes on */
static void
unpack_done(struct work *w)
{
	struct nodework *nw = (struct nodework *)w;
	struct bctx *c = nw->c;

	if (nw->rc == 0 && !nw->resume)
		planstep(c, nw->n, nw->steps);
	else if (nw->rc < 0 && !c->cancel)
		logline(c, nw->n, "%s", "unpacking the sources failed");
	sched_begun(&c->s, nw->n, nw->rc);
	free(nw);
}

/* a fresh log, then the unpack off the loop */
static int
run_begin(void *ctx, struct node *n, struct strv *steps)
{
	struct bctx *c = ctx;
	struct nodework *nw;
	int r;

	if (c->bc.dir && restore(c, n)) {
		strvfree(steps);
		return 0;
	}
	r = resume(c, n, steps);
	if (r < 0)
		return -1;
	if (r == 0) {
		char *log = state_logpath(c->o->state, n->name);
		int fd;
		strvfree(steps);
		mkparent(log);
		fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd >= 0) {
			dprintf(fd, "mlfs: %s (%s %s, stage %s)\n", n->name, n->r->name, n->r->version,
				stage_name(n->r->stage));
			close(fd);
		}
		free(log);
	}
	nw = xcalloc(1, sizeof(*nw));
	*nw = (struct nodework){.w = {.run = unpack_run, .done = unpack_done}, .c = c, .n = n,
		.steps = steps, .resume = r == 1};
	workq_push(&c->unpackq, &nw->w);
	return 1;
}

static void
stepenv(struct bctx *c, struct node *n, const char *step, struct strv *env)
{
	char *src = state_srcdir(c->o->state, n->name), *stage = state_stagedir(c->o->state, n->name);
	char *home = state_path(c->o->state, "build", n->name, "/home");
	struct strv sources = {0};
	struct envin in = {
		.prof = c->prof, .abi = n->abi, .r = n->r, .abis = &c->g->abis,
		.root = c->o->root, .lfs = c->o->lfs, .destdir = stage, .srcdir = src,
		.home = home, .sources = &sources, .jobs = c->o->jobs,
		.makeflags = c->js ? js_makeflags(c->js) : NULL,
		.canrun = abican(c, n->abi->name), .step = step,
	};

	for (size_t i = 0; i < n->r->nsources; i++) {
		const struct source *s = &n->r->sources[i];
		const char *p = s->kind == SRC_URL ? unpack_cached(&c->fetched, s) : s->path;
		strvadd(&sources, p ? p : "");
	}
	mkdirs(home, 0755);
	env_build(env, &in);
	if (!strcmp(step, "strip"))
		strvtake(env, xasprintf("MLFS_STRIP_SH=%s/include/strip.sh", c->o->recipes));
	if (c->o->ccache)
		ccwrap_env(env, c->o->state, step_chrooted(&c->sp, n));
	if (c->icecc && !n->r->nodistribute)
		icecc_env(&c->ice, env, icewhere(c, n), c->o->ccache);
	strvfree(&sources);
	free(src);
	free(stage);
	free(home);
}

static void audit_cb(uv_timer_t *t);

static int
run_start(void *ctx, struct node *n, const char *step)
{
	struct bctx *c = ctx;
	struct strv env = {0};
	int rc;

	stepenv(c, n, step, &env);
	rc = step_start(&c->sp, n, step, &env);
	strvfree(&env);
	if (rc == 0 && !uv_is_active((uv_handle_t *)&c->audittimer))
		uv_timer_start(&c->audittimer, audit_cb, AUDIT_MS, AUDIT_MS);
	return rc;
}

static void
run_killall(void *ctx, int sig)
{
	struct bctx *c = ctx;

	step_killall(&c->sp, sig);
}

/* the step's node is a suspect of a leak until the audit acquits it; the
   audit stops with the last step (the next one starts it again) */
static void
step_done(void *ctx, struct node *n, int status)
{
	struct bctx *c = ctx;

	js_suspect(c->js, n->name, status);
	if (!c->sp.jobs)
		uv_timer_stop(&c->audittimer);
	sched_stepdone(&c->s, n, status);
}

static int glue(struct bctx *c);

/* in a worker: the merge and the glue; their messages go to the node's log,
   which a failure report shows */
static void
merge_run(struct work *w)
{
	struct nodework *nw = (struct nodework *)w;
	struct bctx *c = nw->c;
	char *stage = state_stagedir(c->o->state, nw->n->name);
	char *log = state_logpath(c->o->state, nw->n->name);
	FILE *f = fopen(log, "a");

	if (f)
		fprintf(f, "mlfs: --- merge of '%s' into '%s'\n", nw->n->name, c->mc.root);
	msgto(f);
	nw->rc = merge_node(&c->mc, nw->n->r, nw->n->abi->name, stage);
	/* the loader links as soon as a glibc brings a loader: the next nodes
	   (the chroot stage) run programs that request it */
	if (nw->rc == 0)
		nw->rc = glue(c);
	/* the book's installs in the chroot run ldconfig: so does each merge there */
	if (nw->rc == 0 && c->o->lfs && !c->o->root && nw->n->r->stage >= STAGE_CHROOT) {
		if (f)
			fflush(f);
		glue_ldcache(c->o->lfs, f ? fileno(f) : -1);
	}
	/* a failed store is a warning in the node's log: the node is merged */
	if (nw->rc == 0 && c->bc.dir && !((struct nrun *)nw->n->data)->restored &&
	    bincache_put(&c->bc, nw->n->name, nw->n->key, stage) < 0)
		warn("'%s' was not stored in the binary cache '%s'", nw->n->name, c->bc.dir);
	msgto(NULL);
	if (f)
		fclose(f);
	free(log);
	free(stage);
}

static void
merge_done(struct work *w)
{
	struct nodework *nw = (struct nodework *)w;

	sched_merged(&nw->c->s, nw->n, nw->rc);
	free(nw);
}

static int
run_finish(void *ctx, struct node *n)
{
	struct bctx *c = ctx;
	struct nodework *nw = xcalloc(1, sizeof(*nw));

	*nw = (struct nodework){.w = {.run = merge_run, .done = merge_done}, .c = c, .n = n};
	workq_push(&c->mergeq, &nw->w);
	return 1;
}

/* in a worker: the merged node's trees go to the trash */
static void
trash_run(struct work *w)
{
	struct nodework *nw = (struct nodework *)w;
	const struct buildopts *o = nw->c->o;
	char *stage = state_stagedir(o->state, nw->n->name);
	char *top = state_path(o->state, "build", nw->n->name, "");

	state_discard(o->state, stage);
	if (!o->keepbuild)
		state_discard(o->state, top);
	free(stage);
	free(top);
}

static void
trash_done(struct work *w)
{
	free(w);
}

static void
run_after(void *ctx, struct node *n)
{
	struct bctx *c = ctx;
	struct nodework *nw = xcalloc(1, sizeof(*nw));

	*nw = (struct nodework){.w = {.run = trash_run, .done = trash_done}, .c = c, .n = n};
	workq_push(&c->trashq, &nw->w);
}

static int
run_acquire(void *ctx)
{
	struct bctx *c = ctx;

	/* with cluster slots in the pool, nodes (their configure, link, install
	   and check steps run here) stay within the local -j */
	if (c->icecc && c->o->iceccslots && c->s.nrun >= c->o->jobs)
		return 0;
	return js_try_acquire(c->js);
}

/* watch the pool only while a ready node waits for a slot */
static void token_cb(void *arg);

static void
run_slotwait(void *ctx, int waiting)
{
	struct bctx *c = ctx;

	if (waiting)
		js_watch(c->js, c->loop, token_cb, c);
	else
		js_unwatch(c->js);
}

/* once a second while steps run: tokens that neither the pool, nor mlfs, nor
   by their process trees the running steps' makes hold (tokens.h) are refilled
   when several samples in a row miss them (js_sample); /proc is read only
   while tokens are out and a step that ended is a suspect, since only a dead
   client loses one */
static void
audit_cb(uv_timer_t *t)
{
	struct bctx *c = t->data;
	int out = js_out(c->js), held = 0, *pids;
	size_t n;

	if (out < 0 || (out > 0 && !js_suspects(c->js)))
		return;
	if (out > 0) {
		n = step_pids(&c->sp, NULL, 0);
		pids = xcalloc(n + 1, sizeof(*pids));
		step_pids(&c->sp, pids, n);
		held = tokens_held(pids, n);
		free(pids);
		if (held < 0)
			return;
	}
	js_sample(c->js, held);
}

static void
run_release(void *ctx, struct node *n, int idle)
{
	struct bctx *c = ctx;

	js_release(c->js);
	/* no node runs: every token must be back; repair before anything starts.
	   A lost token is blamed on the suspects (js_suspect), not on whichever
	   node happened to end last */
	if (idle)
		js_audit(c->js, n->name);
}

/* a first build's guess of a node's seconds, from the size of its sources:
   about 50 kB of compressed archive, or 250 kB of unpacked tree (its bytes
   counted when the tree was hashed), per second on the project machine
   (gcc 1600 s, glibc 360 s, m4 30 s) */
static double
guess(struct bctx *c, struct node *n)
{
	struct stat st;
	double secs = n->r->treebytes / 250e3;

	/* a --source tree replaces the archives */
	if (unpack_override(&c->o->srcover, n->r->name))
		return secs;
	for (size_t i = 0; i < n->r->nsources; i++) {
		const struct source *s = &n->r->sources[i];
		const char *p = s->kind == SRC_URL ? unpack_cached(&c->fetched, s) : NULL;
		if (p && stat(p, &st) == 0)
			secs += st.st_size / 50e3;
	}
	return secs;
}

/* the node's duration at its last merge, when known, else a guess from its
   sources (the start order puts the longest chains first) */
static double
run_weight(void *ctx, struct node *n)
{
	struct bctx *c = ctx;
	const struct jstate *s = journal_get(&c->j, n->name);
	double g;

	if (s && s->secs > 0)
		return s->secs;
	g = guess(c, n);
	return g > 1 ? g : 1;
}

static void
run_progress(void *ctx, struct node *n)
{
	struct bctx *c = ctx;

	status_update(&c->st, n);
}

static void
run_journaled(void *ctx, struct node *n, int ev, const char *step, double secs)
{
	struct bctx *c = ctx;

	trace_node(&c->trace, n->name, ev, step, secs);
}

static void
token_cb(void *arg)
{
	struct bctx *c = arg;

	sched_pump(&c->s);
}

static void
kill_cb(uv_timer_t *t)
{
	struct bctx *c = t->data;

	warn("jobs still running after %d s: killing them", KILL_GRACE_MS / 1000);
	step_killall(&c->sp, SIGKILL);
}

static void
signal_cb(uv_signal_t *h, int sig)
{
	struct bctx *c = h->data;

	if (c->s.signal) {
		step_killall(&c->sp, SIGKILL);
		return;
	}
	c->cancel = 1;
	status_clear(&c->st);
	warn("interrupted by signal %d: stopping %d running node(s)", sig, c->s.nrun);
	sched_interrupt(&c->s, sig);
	uv_timer_start(&c->killtimer, kill_cb, KILL_GRACE_MS, 0);
}

static void
walk_close_cb(uv_handle_t *h, void *arg)
{
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

/* downloads on the live line: one redraw per tenth of a second at most */
static void
fetch_progress_cb(void *arg, const char *name, curl_off_t now, curl_off_t total)
{
	static unsigned long long last;
	static long long lastpct = -1;
	unsigned long long t = nowns();
	long long pct = total ? (long long)(now * 100 / total) : -1;

	(void)arg;
	if ((t - last < 100000000ull && pct < 100) || (pct >= 0 && pct == lastpct))
		return;
	last = t;
	lastpct = pct;
	if (total)
		fprintf(stderr, "\r\033[Kfetching %s: %lld%% of %.1f MiB", name, pct,
			total / 1048576.0);
	else
		fprintf(stderr, "\r\033[Kfetching %s: %.1f MiB", name, now / 1048576.0);
	fflush(stderr);
}

/* fetch every URL source of the nodes that run into the cache */
static int
fetchall(struct bctx *c)
{
	struct fetchitem *items = xcalloc(c->g->n * 4 + 1, sizeof(*items));
	struct fetchopts fo = {0};
	size_t n = 0;
	int rc;

	for (size_t i = 0; i < c->g->n; i++) {
		struct node *nd = c->g->nodes[i];
		if (!nd->run)
			continue;
		for (size_t k = 0; k < nd->r->nsources; k++) {
			const struct source *s = &nd->r->sources[k];
			int dup = 0;
			if (s->kind != SRC_URL || (k == 0 && unpack_override(&c->o->srcover, nd->r->name)))
				continue;
			for (size_t m = 0; m < n; m++)
				dup |= !strcmp(items[m].src->sum, s->sum);
			if (!dup) {
				items = xreallocarray(items, n + 1, sizeof(*items));
				memset(&items[n], 0, sizeof(*items));
				items[n++].src = s;
			}
		}
	}
	fo.cache = xasprintf("%s/cache", c->o->state);
	fo.mirrors = c->o->mirrors;
	fo.offline = c->o->offline;
	fo.quiet = c->o->quiet;
	fo.retries = 2;
	if (!c->o->quiet && isatty(2) && getenv("TERM") && strcmp(getenv("TERM"), "dumb"))
		fo.progress = fetch_progress_cb;
	rc = n ? fetch_run(c->loop, &fo, items, n) : 0;
	if (fo.progress)
		fprintf(stderr, "\r\033[K");
	for (size_t i = 0; i < n; i++) {
		if (items[i].path) {
			strvtake(&c->fetched, xasprintf("%s:%s", hashname(items[i].src->alg), items[i].src->sum));
			strvadd(&c->fetched, items[i].path);
		}
		fetchitem_release(&items[i]);
	}
	free(items);
	free((char *)fo.cache);
	return rc;
}

/* which requested ABIs can run their programs here */
static int
checkabis(struct bctx *c)
{
	struct pfresult res = {0};
	int rc = pfbuild(c->prof, &c->g->abis, c->o->state, &res);

	for (size_t i = 0; i < res.n; i++) {
		struct pfabi *a = &res.v[i];
		if (a->runs == 1) {
			strvadd(&c->canrun, a->abi);
		} else {
			strvadd(&c->whynot, a->abi);
			strvadd(&c->whynot, a->why ? a->why : "it cannot run here");
		}
	}
	if (!c->o->quiet)
		pfprint(&res, stderr);
	pfrelease(&res);
	return rc;
}

/* the multilib glue of the root: before the build (links and directories the
   packages install through), after every merge and after the build (loader
   links, once glibc is there) */
static int
glue(struct bctx *c)
{
	struct strv norun = {0};
	struct gluectx gc = {
		.root = c->o->root ? c->o->root : c->o->lfs ? c->o->lfs : "/",
		.prof = c->prof, .abis = &c->g->abis, .hostmode = c->o->root != NULL,
		.norun = &norun,
	};
	int rc;

	for (size_t i = 0; i + 1 < c->whynot.n; i += 2)
		strvadd(&norun, c->whynot.v[i]);
	/* the host itself cannot run what runs only in a guest */
	for (size_t i = 0; i < c->g->abis.n; i++) {
		const struct abi *a = abi_get(c->prof, c->g->abis.v[i]);
		if (a && a->guest && strvfind(&norun, a->name) < 0)
			strvadd(&norun, a->name);
	}
	rc = glue_write(&gc);
	strvfree(&norun);
	return rc;
}

static void
tail(const char *path, int lines)
{
	size_t len;
	char *text = readfile(path, &len), *p;
	int seen = 0;

	if (!text)
		return;
	for (p = text + len; p > text; p--)
		if (p[-1] == '\n' && p != text + len && ++seen > lines)
			break;
	fprintf(stderr, "%s", p);
	if (len && text[len - 1] != '\n')
		fputc('\n', stderr);
	free(text);
}

static int
report(struct bctx *c)
{
	int failed = 0;

	for (size_t i = 0; i < c->g->n; i++) {
		struct node *n = c->g->nodes[i];
		struct nrun *r = sched_state(&c->s, n);
		const struct jstate *js = journal_get(&c->j, n->name);
		char *log;

		if (r->st != N_FAILED)
			continue;
		failed++;
		log = state_logpath(c->o->state, n->name);
		error("'%s' failed at step '%s' (%s %d); log: %s", n->name,
			js && js->step ? js->step : "?", r->status < 0 ? "signal" : "status",
			r->status < 0 ? -r->status : r->status, log);
		fprintf(stderr, "--- last lines of %s:\n", log);
		tail(log, 30);
		fprintf(stderr, "---\n");
		free(log);
	}
	return failed;
}

/* the jobserver's fifo or pipe to the contained steps' user */
static void
givepool(struct bctx *c)
{
	int rfd, wfd;

	if (js_path(c->js) && chown(js_path(c->js), c->box.uid, c->box.gid) < 0)
		warn("cannot give the jobserver fifo '%s' to the steps' user:", js_path(c->js));
	if (js_fds(c->js, &rfd, &wfd) == 2 && fchown(rfd, c->box.uid, c->box.gid) < 0)
		warn("cannot give the jobserver pipe to the steps' user:");
}

static int
setup(struct bctx *c)
{
	char *p;
	int rc = 0;

	p = xasprintf("%s/include/strip.sh", c->o->recipes);
	if (c->o->strip && !exists(p))
		rc = error("--strip: no '%s' in the recipe set", p);
	free(p);
	if (rc < 0)
		return -1;
	/* the unpacks, a merge and the trash run in libuv's thread pool: room
	   for all of them (read at its first use) */
	if (!getenv("UV_THREADPOOL_SIZE")) {
		char n[16];
		snprintf(n, sizeof(n), "%d", c->o->jobs + 2 < 4 ? 4 : c->o->jobs + 2 > 128 ? 128 :
			c->o->jobs + 2);
		setenv("UV_THREADPOOL_SIZE", n, 1);
	}
	c->loop = uv_default_loop();
	state_reap(c->o->state);
	state_emptytrash(c->o->state);
	p = xasprintf("%s/logs", c->o->state);
	rc |= mkdirs(p, 0755);
	free(p);
	p = xasprintf("%s/journal.jsonl", c->o->state);
	rc |= journal_open(&c->j, p);
	free(p);
	if (rc < 0)
		return -1;
	if (c->o->join && getenv("MAKEFLAGS"))
		c->js = js_join(getenv("MAKEFLAGS"));
	if (c->js && !c->o->quiet)
		fprintf(stderr, "%s: joining the jobserver of the calling make (%d slots)\n", argv0,
			js_size(c->js));
	if (c->o->icecc)
		c->icecc = icecc_probe();
	if (!c->js)
		c->js = js_create(c->o->jobs + (c->icecc ? c->o->iceccslots : 0), c->o->jsmode == JSMODE_FIFO ? JS_FIFO : JS_PIPE, c->o->state);
	if (!c->js)
		return -1;
	workq_init(&c->unpackq, c->loop, c->o->jobs);
	workq_init(&c->mergeq, c->loop, 1);
	workq_init(&c->trashq, c->loop, 1);
	if (contain_probe(&c->box, c->o->contain, c->o->state) < 0)
		return -1;
	/* the contained steps' user opens the pool's fifo, or reopens its pipe
	   through /proc/self/fd */
	if (c->box.usable)
		givepool(c);
	c->sp = (struct stepper){
		.loop = c->loop, .state = c->o->state, .lfs = c->o->lfs, .recipes = c->rs->dir,
		.patches = c->rs->patchdir, .js = c->js, .done = step_done, .ctx = c,
		.box = c->box.usable ? &c->box : NULL,
		.chrootro = c->o->contain != CONTAIN_OFF,
		.shared = c->o->ccache ? (c->ccdir = xasprintf("%s/ccache/cache", c->o->state)) : NULL,
	};
	if (c->icecc) {
		/* the LFS stages' toolchains exist here alone: icecc_init readies
		   their tarballs, the chroot's made inside chroot $LFS */
		const struct abi *pa = c->g->abis.n ? abi_get(c->prof, c->g->abis.v[0]) : NULL;
		struct strv chroot = {0};
		if (c->o->lfs)
			step_chrootargs(&c->sp, NULL, &chroot);
		icecc_init(&c->ice, c->o->state, c->o->lfs, pa ? pa->cross : NULL, &chroot);
		strvfree(&chroot);
	}
	if (c->o->cache && bincache_open(&c->bc, c->o->cache, c->o->state) < 0)
		return -1;
	if (c->o->ccache && (ccwrap_setup(c->o->state, c->o->lfs != NULL) < 0 ||
	    ccwrap_stats(c->o->state, &c->cc0) < 0))
		return -1;
	c->mc.root = c->o->root ? c->o->root : c->o->lfs ? c->o->lfs : "/";
	c->mc.prof = c->prof;
	c->mc.abis = c->g->abis;
	c->run = (struct runner){
		.ctx = c, .begin = run_begin, .start = run_start, .finish = run_finish,
		.after = run_after, .killall = run_killall, .acquire = run_acquire,
		.release = run_release, .slotwait = run_slotwait, .progress = run_progress, .weight = run_weight,
		.journaled = run_journaled,
	};
	uv_timer_init(c->loop, &c->killtimer);
	c->killtimer.data = c;
	uv_unref((uv_handle_t *)&c->killtimer);
	uv_timer_init(c->loop, &c->audittimer);
	c->audittimer.data = c;
	uv_unref((uv_handle_t *)&c->audittimer);
	int sigs[3] = {SIGINT, SIGTERM, SIGHUP};
	for (int i = 0; i < 3; i++) {
		uv_signal_init(c->loop, &c->sig[i]);
		c->sig[i].data = c;
		uv_signal_start(&c->sig[i], signal_cb, sigs[i]);
		uv_unref((uv_handle_t *)&c->sig[i]);
	}
	return 0;
}

static void
teardown(struct bctx *c)
{
	if (c->js) {
		js_unwatch(c->js);
		js_free(c->js);
	}
	status_release(&c->st);
	trace_close(&c->trace);
	uv_walk(c->loop, walk_close_cb, NULL);
	uv_run(c->loop, UV_RUN_DEFAULT);
	if (uv_loop_close(c->loop) != 0)
		warn("event loop closed with handles still open");
	journal_compact(&c->j, 0);
	journal_close(&c->j);
	strvfree(&c->canrun);
	strvfree(&c->whynot);
	strvfree(&c->fetched);
	bincache_close(&c->bc);
	free(c->prev);
	free(c->ccdir);
	if (c->icecc)
		icecc_free(&c->ice);
}

/* what ccache did in this build */
static void
ccsummary(struct bctx *c)
{
	struct ccstats now;

	if (ccwrap_stats(c->o->state, &now) < 0)
		return;
	unsigned long long h = now.hits - c->cc0.hits, m = now.misses - c->cc0.misses;
	trace_ccache(&c->trace, h, m);
	if (c->o->quiet)
		return;
	fprintf(stderr, "%s: ccache: %llu hit(s), %llu miss(es)", argv0, h, m);
	if (h + m)
		fprintf(stderr, ", %.0f%% hits", 100.0 * h / (h + m));
	fputc('\n', stderr);
}

int
build_run(const struct buildopts *o, struct profiles *p, struct recipeset *rs, struct graph *g)
{
	struct bctx c = {.o = o, .prof = p, .rs = rs, .g = g};
	int rc = 0, failed;

	if (setup(&c) < 0) {
		teardown(&c);
		return 1;
	}
	c.prev = xcalloc(g->n, sizeof(*c.prev));
	for (size_t i = 0; i < g->n; i++) {
		const struct jstate *js = journal_get(&c.j, g->nodes[i]->name);
		c.prev[i] = js ? js->ev : J_NONE;
	}
	if (checkabis(&c) < 0 || glue(&c) < 0) {
		teardown(&c);
		return 1;
	}
	/* a source that cannot be fetched fails its nodes at their turn, not the
	   whole build now: what does not need it still builds */
	if (fetchall(&c) < 0)
		warn("some sources could not be fetched (above): the nodes that need them "
			"will fail at their turn");
	sched_init(&c.s, g, &c.j, &c.run, o->jobs, o->keep);
	status_init(&c.st, c.loop, &c.s, o->quiet);
	trace_open(&c.trace, o->state);
	trace_begin(&c.trace, &c.s, c.loop, c.js);
	sched_pump(&c.s);
	while (!sched_finished(&c.s)) {
		if (uv_run(c.loop, UV_RUN_ONCE) == 0 && !sched_finished(&c.s) && !c.sp.jobs) {
			/* nothing can wake us: pump once more, then give up */
			sched_pump(&c.s);
			if (!c.sp.jobs && !sched_finished(&c.s))
				break;
		}
	}
	status_clear(&c.st);
	failed = report(&c);
	if (!c.s.signal && glue(&c) < 0)
		failed++;
	status_summary(&c.st);
	if (o->ccache)
		ccsummary(&c);
	if (c.s.jfail)
		error("the journal '%s' could not be written: the build stopped", c.j.path);
	if (c.s.signal)
		rc = 128 + c.s.signal;
	else if (failed || c.s.jfail)
		rc = 1;
	trace_end(&c.trace, rc);
	sched_release(&c.s);
	teardown(&c);
	return rc;
}

int
build_fetch(const struct buildopts *o, struct graph *g)
{
	struct bctx c = {.o = o, .g = g};
	int rc;

	c.loop = uv_default_loop();
	rc = fetchall(&c);
	uv_walk(c.loop, walk_close_cb, NULL);
	uv_run(c.loop, UV_RUN_DEFAULT);
	uv_loop_close(c.loop);
	strvfree(&c.fetched);
	return rc < 0 ? 1 : 0;
}

int
build_uninstall(const struct buildopts *o, struct profiles *p, struct graph *g, const char *pkg)
{
	struct mergectx mc = {.root = o->root ? o->root : o->lfs ? o->lfs : "/", .prof = p,
		.abis = g->abis};
	struct journal j;
	char *path = xasprintf("%s/journal.jsonl", o->state);
	int rc = merge_uninstall(&mc, pkg);

	if (rc == 0 && mkdirs(o->state, 0755) == 0 && journal_open(&j, path) == 0) {
		for (size_t i = 0; i < g->n; i++)
			if (!strcmp(g->nodes[i]->r->name, pkg))
				journal_record(&j, g->nodes[i]->name, J_CLEAN, NULL, NULL, 0);
		journal_close(&j);
	}
	free(path);
	return rc;
}
