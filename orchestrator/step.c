/* step: one step of a node run as its own process group: bash --norc running
   the recipe's build.sh function for the step (or the patches), stdout and
   stderr appended to the node's log, the jobserver's fds passed on, the
   environment given by the caller; inside chroot $LFS (a private mount
   namespace with /dev, /proc, /sys, /run and the state, recipe and patch dirs
   under /run/mlfs) for the chroot and system stages of an LFS build; inside
   a QEMU guest (`mlfs guest`, guest.h) for the steps that run programs of an
   ABI that runs only there */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>
#include "graph.h"
#include "guest.h"
#include "profile.h"
#include "jobserver.h"
#include "recipe.h"
#include "statedir.h"
#include "contain.h"
#include "step.h"
#include "util.h"

/* a running step */
struct job {
	uv_process_t proc;
	struct node *n;
	struct stepper *sp;
	int logfd;
	off_t logstart;  /* where this step's output begins in the log */
	char *step;      /* owned */
	struct job *next;
};

/* wall-clock time in ns: comparable between processes, for the logs */
static unsigned long long
wallns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* the bash program that runs one step of build.sh; DESTDIR is in the
   environment of the install step only (the other steps keep the shell
   variable): a build whose own make rules install into its tree, as
   gettext's headers do, must not have them staged instead. The umask is
   the book's (Chapter 4's .bashrc): the modes of what a step creates do not
   depend on the umask of whoever started mlfs */
static const char driver[] =
	"set -e -o pipefail\n"
	"umask 022\n"
	"step=$1; shift\n"
	"if [ \"$step\" = patch ]; then\n"
	"  for p in \"$@\"; do\n"
	"    echo \"mlfs: applying patch '${p##*/}'\"\n"
	"    if ! patch -p1 -N -i \"$p\"; then\n"
	"      echo \"mlfs: patch '$p' does not apply; rejected hunks:\"\n"
	"      find . -name '*.rej' -exec cat {} +\n"
	"      exit 1\n"
	"    fi\n"
	"  done\n"
	"  exit 0\n"
	"fi\n"
	"if [ \"$step\" = strip ]; then\n"
	"  . \"$MLFS_STRIP_SH\"\n"
	"  strip_staged \"$DESTDIR\"\n"
	"  exit 0\n"
	"fi\n"
	"i=0\n"
	"while v=MLFS_INCLUDE_$i; [ -n \"${!v:-}\" ]; do . \"${!v}\"; i=$((i + 1)); done\n"
	". \"$MLFS_RECIPE/build.sh\"\n"
	"fn=$step\n"
	"if declare -F \"${step}_${MLFS_ABI}\" >/dev/null; then fn=${step}_${MLFS_ABI}; fi\n"
	"cd \"$MLFS_SRC\"\n"
	"[ \"$step\" = install ] || export -n DESTDIR\n"
	"\"$fn\"\n";

/*
 * The chroot and system stages of an LFS build run inside `chroot $LFS`. Each
 * step enters a private mount namespace and a PID namespace (unshare), mounts
 * /dev, /proc, /sys and /run there, binds the state, recipe and patch dirs
 * under /run/mlfs, and chroots. When the step's last process ends the
 * namespace and its mounts go with it, so nothing stays mounted after a crash.
 * Its /proc shows the step's own processes alone (a test suite that walks
 * /proc, as psmisc's fuser does, meets none of the host's), and a daemon the
 * step leaves behind ends with it.
 *
 * Contained ("ro"), the step sees $LFS, the state, the recipes and the
 * patches read-only, except $LFS/tmp and $LFS/var/tmp (once lfs-dirs has
 * made it: test suites put their files there, as gnulib's do), the node's
 * build tree and staging dir, and the shared ccache dir: a write anywhere
 * else (an install without DESTDIR, into the journal, into another node's
 * tree) fails with the path. Each writable dir is bound before the mount
 * above it turns read-only, so that its own mount stays writable. $LFS/tmp,
 * when the setup makes it, is made as every /tmp is (mode 1777).
 */
static const char chrootsetup[] =
	"set -e\n"
	"umask 022\n"
	"lfs=$1 state=$2 recipes=$3 patches=$4 mode=$5 build=$6 stage=$7 shared=$8; shift 8\n"
	"ro() { [ \"$mode\" != ro ] || mount -o remount,bind,ro \"$1\"; }\n"
	"mkdir -p \"$lfs/dev\" \"$lfs/proc\" \"$lfs/sys\" \"$lfs/run\"\n"
	"[ -d \"$lfs/tmp\" ] || install -d -m 1777 \"$lfs/tmp\"\n"
	"if [ \"$mode\" = ro ]; then\n"
	"  mount --bind \"$lfs\" \"$lfs\"\n"
	"  mount --bind \"$lfs/tmp\" \"$lfs/tmp\"\n"
	"  if [ -d \"$lfs/var/tmp\" ]; then mount --bind \"$lfs/var/tmp\" \"$lfs/var/tmp\"; fi\n"
	"  ro \"$lfs\"\n"
	"fi\n"
	"mount --rbind /dev \"$lfs/dev\"\n"
	"mount -t proc proc \"$lfs/proc\"\n"
	"mount -t sysfs sysfs \"$lfs/sys\"\n"
	"mount -t tmpfs tmpfs \"$lfs/run\"\n"
	"in=$lfs/run/mlfs\n"
	"mkdir -p \"$in/state\" \"$in/recipes\" \"$in/patches\"\n"
	"mount --bind \"$state\" \"$in/state\"\n"
	"if [ \"$mode\" = ro ]; then\n"
	"  for d in \"$build\" \"$stage\" \"$shared\"; do\n"
	"    [ -n \"$d\" ] && [ -d \"$d\" ] || continue\n"
	"    mount --bind \"$d\" \"$in/state${d#\"$state\"}\"\n"
	"  done\n"
	"fi\n"
	"ro \"$in/state\"\n"
	"mount --bind \"$recipes\" \"$in/recipes\"\n"
	"ro \"$in/recipes\"\n"
	"if [ -d \"$patches\" ]; then mount --bind \"$patches\" \"$in/patches\"; ro \"$in/patches\"; fi\n"
	"exec chroot \"$lfs\" \"$@\"\n";

void
step_chrootargs(const struct stepper *sp, const struct node *n, struct strv *args)
{
	unshare_sh(args, chrootsetup, "mlfs-chroot", 1);
	strvadd(args, sp->lfs);
	strvadd(args, sp->state);
	strvadd(args, sp->recipes);
	strvadd(args, sp->patches);
	/* a node's step is contained; mlfs's own command (no node) is not */
	strvadd(args, n && sp->chrootro ? "ro" : "rw");
	strvtake(args, n ? state_path(sp->state, "build", n->name, "") : xstrdup(""));
	strvtake(args, n ? state_stagedir(sp->state, n->name) : xstrdup(""));
	strvadd(args, sp->shared ? sp->shared : "");
}

/* 1 when the steps of n run inside chroot $LFS */
int
step_chrooted(const struct stepper *sp, const struct node *n)
{
	return sp->lfs && n->r->stage >= STAGE_CHROOT;
}

/* a host path as the chrooted step sees it */
static char *
inside(const struct stepper *sp, const char *path)
{
	const char *from[] = {sp->state, sp->recipes, sp->patches};
	const char *to[] = {"/run/mlfs/state", "/run/mlfs/recipes", "/run/mlfs/patches"};

	for (int i = 0; i < 3; i++) {
		size_t n = strlen(from[i]);
		if (!strncmp(path, from[i], n) && (path[n] == '/' || !path[n]))
			return xasprintf("%s%s", to[i], path + n);
	}
	return xstrdup(path);
}

/* value with every host path in it as the chrooted step sees it: a path
   starts the value or follows ' ', ':' or '=' ("fifo:/state/jobserver" in
   MAKEFLAGS, which starts with a space) and ends at ' ', ':' or the end */
static char *
insidevalue(const struct stepper *sp, const char *v)
{
	struct buf b = {0};

	for (size_t i = 0; v[i];) {
		int start = v[i] == '/' && (i == 0 || strchr(" :=", v[i - 1]));
		if (!start) {
			bufadd(&b, v + i++, 1);
			continue;
		}
		size_t n = strcspn(v + i, " :");
		char *path = xasprintf("%.*s", (int)n, v + i), *in = inside(sp, path);
		bufputs(&b, in);
		free(in);
		free(path);
		i += n;
	}
	return b.s ? b.s : xstrdup("");
}

void
step_insideenv(const struct stepper *sp, struct strv *env)
{
	for (size_t i = 0; i < env->n; i++) {
		char *eq = strchr(env->v[i], '=');
		if (!eq)
			continue;
		char *in = insidevalue(sp, eq + 1);
		if (strcmp(in, eq + 1)) {
			char *kv = xasprintf("%.*s=%s", (int)(eq - env->v[i]), env->v[i], in);
			free(env->v[i]);
			env->v[i] = kv;
		}
		free(in);
	}
}

int
step_inguest(const struct stepper *sp, const struct node *n, const char *step)
{
	if (!n->abi->guest)
		return 0;
	/* inside chroot $LFS only a needs_run recipe's steps go to the guest,
	   booted on $LFS (a check is skipped there: build.c) */
	if (step_chrooted(sp, n))
		return n->r->needsrun;
	return n->r->needsrun || (!strcmp(step, "check") && !n->r->checkcross);
}

/* --bind or --ro-bind HOST=PATH for `mlfs guest` */
static void
bindarg(struct strv *args, int readonly, const char *host, const char *at)
{
	strvadd(args, readonly ? "--ro-bind" : "--bind");
	strvtake(args, xasprintf("%s=%s", host, at));
}

/* the shares of a step of n in a guest booted on $LFS: what chroot $LFS
   shows (chrootsetup), the state, recipe and patch dirs under /run/mlfs;
   contained, $LFS and those dirs read-only except $LFS/tmp, $LFS/var/tmp, the node's
   build tree and staging dir and the shared ccache dir */
static void
lfsguestargs(const struct stepper *sp, const struct node *n, struct strv *args)
{
	int ro = sp->chrootro;
	char *dirs[] = {state_path(sp->state, "build", n->name, ""), state_stagedir(sp->state, n->name),
		sp->shared ? xstrdup(sp->shared) : NULL};
	char *tmp = pathjoin(sp->lfs, "tmp"), *vartmp = pathjoin(sp->lfs, "var/tmp");

	strvadd(args, ro ? "--ro-root" : "--root");
	strvadd(args, sp->lfs);
	bindarg(args, 0, tmp, "/tmp");
	if (ro && exists(vartmp))
		bindarg(args, 0, vartmp, "/var/tmp");
	bindarg(args, ro, sp->state, "/run/mlfs/state");
	for (int i = 0; ro && i < 3; i++)
		if (dirs[i] && exists(dirs[i])) {
			char *in = inside(sp, dirs[i]);
			bindarg(args, 0, dirs[i], in);
			free(in);
		}
	bindarg(args, ro, sp->recipes, "/run/mlfs/recipes");
	if (exists(sp->patches))
		bindarg(args, ro, sp->patches, "/run/mlfs/patches");
	for (int i = 0; i < 3; i++)
		free(dirs[i]);
	free(tmp);
	free(vartmp);
}

/* `mlfs guest` for a step of n in src: outside chroot $LFS the state dir
   and /tmp writable and the rest of the host read-only; inside, booted on
   $LFS (lfsguestargs); the guest holds the node's jobserver slot */
static void
guestargs(const struct stepper *sp, const struct node *n, const char *src, struct strv *args)
{
	const char *t = getenv("MLFS_GUEST_TIMEOUT");

	/* this very binary, even after a new one was installed over it */
	strvadd(args, "/proc/self/exe");
	strvadd(args, "--state");
	strvadd(args, sp->state);
	strvadd(args, "guest");
	strvadd(args, "--name");
	strvadd(args, n->name);
	if (step_chrooted(sp, n)) {
		lfsguestargs(sp, n, args);
		strvadd(args, "--cwd");
		strvtake(args, inside(sp, src));
	} else {
		strvadd(args, "--rw");
		strvadd(args, sp->state);
		strvadd(args, "--rw");
		strvadd(args, "/tmp");
		strvadd(args, "--cwd");
		strvadd(args, src);
	}
	strvadd(args, "--timeout");
	strvadd(args, t && *t ? t : "21600");
	strvadd(args, "--");
	strvadd(args, "bash");
}

static void
job_close_cb(uv_handle_t *h)
{
	struct job *jb = h->data;

	free(jb->step);
	free(jb);
}

/* 1 when text has GNU make's words that a -jN of its own, N > 1, replaced
   the pool it was given ("-j8 forced in submake"); a makefile that forces
   -j1 (gettext's) runs serially, within its share */
static int
ownpool(const char *text)
{
	for (const char *p = text; (p = strstr(p, "-j")); p += 2) {
		char *end;
		long n = strtol(p + 2, &end, 10);
		if (end != p + 2 && n > 1 &&
		    (startswith(end, " forced in submake: resetting jobserver mode") ||
		     startswith(end, " forced in makefile: resetting jobserver mode")))
			return 1;
	}
	return 0;
}

/* a make of the step ignored the pool (`make -j8` in a recipe): said in the
   log and on stderr, naming the node and step */
static void
checkpool(struct job *jb)
{
	char *log = state_logpath(jb->sp->state, jb->n->name), *text;
	size_t len;

	text = readfile(log, &len);
	if (text && (size_t)jb->logstart <= len && ownpool(text + jb->logstart)) {
		dprintf(jb->logfd, "mlfs: warning: a make in step '%s' ran with a -j of its own and "
			"ignored the jobserver's pool\n", jb->step);
		warn("'%s': a make in step '%s' ran with a -j of its own and ignored the jobserver's "
			"pool (use plain make: the pool arrives in MAKEFLAGS)", jb->n->name, jb->step);
	}
	free(text);
	free(log);
}

static void
job_exit_cb(uv_process_t *p, int64_t status, int sig)
{
	struct job *jb = p->data, **pp;
	struct stepper *sp = jb->sp;
	struct node *n = jb->n;

	for (pp = &sp->jobs; *pp != jb; pp = &(*pp)->next)
		;
	*pp = jb->next;
	{
		char *pg = state_pgidpath(sp->state, n->name);
		unlink(pg);
		free(pg);
	}
	if (jb->logfd >= 0) {
		if (sp->js)
			checkpool(jb);
		dprintf(jb->logfd, "mlfs: --- step ended at %llu\n", wallns());
		if (sig)
			dprintf(jb->logfd, "mlfs: step terminated by signal %d\n", sig);
		else if (status)
			dprintf(jb->logfd, "mlfs: step failed with status %d\n", (int)status);
		close(jb->logfd);
	}
	uv_close((uv_handle_t *)p, job_close_cb);
	sp->done(sp->ctx, n, sig ? -sig : (int)status);
}

int
step_start(struct stepper *sp, struct node *n, const char *step, struct strv *env)
{
	struct job *jb = xcalloc(1, sizeof(*jb));
	struct strv args = {0};
	uv_process_options_t po = {0};
	uv_stdio_container_t io[5];
	char *log = state_logpath(sp->state, n->name), *src = state_srcdir(sp->state, n->name);
	int rc, nio = 3, rfd, wfd;

	jb->n = n;
	jb->sp = sp;
	mkparent(log);
	jb->logfd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (jb->logfd < 0) {
		error("cannot open log '%s':", log);
		free(jb);
		free(log);
		free(src);
		return -1;
	}
	dprintf(jb->logfd, "mlfs: --- step '%s' of '%s' started at %llu\n", step, n->name, wallns());
	jb->logstart = lseek(jb->logfd, 0, SEEK_END);
	jb->step = xstrdup(step);
	if (step_inguest(sp, n, step)) {
		dprintf(jb->logfd, "mlfs: step '%s' runs in a QEMU guest (%s)%s\n", step, n->abi->guest,
			step_chrooted(sp, n) ? ", booted on $LFS" : "");
		if (step_chrooted(sp, n))
			step_insideenv(sp, env);
		guest_env(env, 1);
		guestargs(sp, n, src, &args);
	} else if (step_chrooted(sp, n)) {
		step_insideenv(sp, env);
		step_chrootargs(sp, n, &args);
		strvadd(&args, "/bin/bash");
	} else {
		if (sp->box) {
			struct strv w = {0};
			strvtake(&w, state_path(sp->state, "build", n->name, ""));
			strvtake(&w, state_stagedir(sp->state, n->name));
			if (sp->shared)
				strvtake(&w, xasprintf("=%s", sp->shared));
			contain_wrap(sp->box, &args, &w);
			strvfree(&w);
		}
		strvadd(&args, "bash");
	}
	strvadd(&args, "--noprofile");
	strvadd(&args, "--norc");
	strvadd(&args, "-c");
	strvadd(&args, driver);
	strvadd(&args, "mlfs-step");
	strvadd(&args, step);
	if (!strcmp(step, "patch"))
		for (size_t i = 0; i < n->r->npatches; i++)
			strvtake(&args, step_chrooted(sp, n) ? inside(sp, n->r->patches[i].file) :
				xstrdup(n->r->patches[i].file));
	io[0].flags = UV_IGNORE;
	io[1].flags = io[2].flags = UV_INHERIT_FD;
	io[1].data.fd = io[2].data.fd = jb->logfd;
	if (sp->js && js_fds(sp->js, &rfd, &wfd) == 2) {
		io[JS_CHILDR].flags = io[JS_CHILDW].flags = UV_INHERIT_FD;
		io[JS_CHILDR].data.fd = rfd;
		io[JS_CHILDW].data.fd = wfd;
		nio = 5;
	}
	po.file = args.v[0];
	po.args = args.v;
	po.env = env->v;
	po.cwd = src;
	po.flags = UV_PROCESS_DETACHED;
	po.stdio = io;
	po.stdio_count = nio;
	po.exit_cb = job_exit_cb;
	jb->proc.data = jb;
	rc = uv_spawn(sp->loop, &jb->proc, &po);
	strvfree(&args);
	free(log);
	free(src);
	if (rc < 0) {
		dprintf(jb->logfd, "mlfs: cannot start bash: %s\n", uv_strerror(rc));
		close(jb->logfd);
		jb->logfd = -1;
		uv_close((uv_handle_t *)&jb->proc, job_close_cb);
		return error("'%s': cannot start step '%s': %s", n->name, step, uv_strerror(rc));
	}
	jb->next = sp->jobs;
	sp->jobs = jb;
	{
		char *pg = state_pgidpath(sp->state, n->name), *txt = xasprintf("%d\n", jb->proc.pid);
		if (mkparent(pg) == 0)
			writefile(pg, txt, strlen(txt), 0644);
		free(pg);
		free(txt);
	}
	return 0;
}

size_t
step_pids(const struct stepper *sp, int *pids, size_t max)
{
	size_t n = 0;

	for (struct job *jb = sp->jobs; jb; jb = jb->next, n++)
		if (n < max)
			pids[n] = jb->proc.pid;
	return n;
}

void
step_killall(struct stepper *sp, int sig)
{
	for (struct job *jb = sp->jobs; jb; jb = jb->next)
		uv_kill(-jb->proc.pid, sig);
}
