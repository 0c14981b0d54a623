/* t-jobserver: the jobserver pool, its MAKEFLAGS, joining, audits, and real
   make and helper clients sharing one pool */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <uv.h>
#include "unit.h"
#include "util.h"
#include "jobserver.h"

static char *
tmpdir(void)
{
	char *d = xstrdup("/tmp/t-jobserver.XXXXXX");

	assert_non_null(mkdtemp(d));
	return d;
}

/* absolute path of a test helper program (build/helpers or $HELPERS) */
static char *
helper(const char *name)
{
	const char *h = getenv("HELPERS");
	char *p = xasprintf("%s/%s", h && *h ? h : "build/helpers", name);
	char *a = realpath(p, NULL);

	if (!a || access(a, X_OK) < 0)
		fail_msg("helper '%s' missing: make build/helpers/%s", p, name);
	free(p);
	return a;
}

static int
nonblocking(int fd)
{
	return (fcntl(fd, F_GETFL) & O_NONBLOCK) != 0;
}

static int
cloexec(int fd)
{
	return (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0;
}

/* run f(js, who) with stderr sent to a string; caller frees */
static char *
capture(int (*f)(struct jobserver *, const char *), struct jobserver *js,
    const char *who, int *rc)
{
	char path[] = "/tmp/t-jobserver-err.XXXXXX";
	int fd = mkstemp(path), save;
	size_t n;
	char *s;

	assert_true(fd >= 0);
	fflush(stderr);
	save = dup(2);
	dup2(fd, 2);
	*rc = f(js, who);
	fflush(stderr);
	dup2(save, 2);
	close(save);
	close(fd);
	s = readfile(path, &n);
	unlink(path);
	assert_non_null(s);
	return s;
}

/* in a forked child: put the pool at JS_CHILDR, JS_CHILDW, whatever numbers it has */
static void
childfds(struct jobserver *js)
{
	int r, w;

	if (js_fds(js, &r, &w) == 0)
		return;
	r = fcntl(r, F_DUPFD, 10);
	w = fcntl(w, F_DUPFD, 10);
	if (r < 0 || w < 0 || dup2(r, JS_CHILDR) < 0 || dup2(w, JS_CHILDW) < 0)
		_exit(126);
}

/* fork argv in dir with the pool and MAKEFLAGS, output to dir/log */
static pid_t
start(struct jobserver *js, const char *dir, char *const argv[])
{
	pid_t pid = fork();
	char *log;
	int fd;

	assert_true(pid >= 0);
	if (pid > 0)
		return pid;
	childfds(js);
	if (chdir(dir) < 0)
		_exit(126);
	log = pathjoin(dir, "log");
	fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (fd < 0)
		_exit(126);
	dup2(fd, 1);
	dup2(fd, 2);
	setenv("MAKEFLAGS", js_makeflags(js), 1);
	unsetenv("MAKELEVEL");
	unsetenv("MFLAGS");
	execvp(argv[0], argv);
	_exit(127);
}

static void
waitok(pid_t pid, const char *dir)
{
	int st;
	char *log = pathjoin(dir, "log"), *s;
	size_t n;

	assert_int_equal(waitpid(pid, &st, 0), pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		s = readfile(log, &n);
		fail_msg("child failed (status %#x): %s", st, s ? s : "(no log)");
	}
	free(log);
}

/* the most weight that ran at once in a jobrec record file; *nrec records */
static int
overlap(const char *file, int *nrec)
{
	struct ev { unsigned long long t; int w; } ev[256], tmp;
	unsigned long long a, b;
	int w, n = 0, cur = 0, max = 0;
	FILE *f = fopen(file, "r");

	assert_non_null(f);
	while (n < 254 && fscanf(f, "%llu %llu %d", &a, &b, &w) == 3) {
		assert_true(a < b);
		ev[n++] = (struct ev){a, w};
		ev[n++] = (struct ev){b, -w};
	}
	fclose(f);
	*nrec = n / 2;
	/* by time; at a tie the stop comes first */
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && (ev[j].t < ev[j - 1].t
		    || (ev[j].t == ev[j - 1].t && ev[j].w < ev[j - 1].w)); j--) {
			tmp = ev[j];
			ev[j] = ev[j - 1];
			ev[j - 1] = tmp;
		}
	for (int i = 0; i < n; i++) {
		cur += ev[i].w;
		if (cur > max)
			max = cur;
	}
	return max;
}

/* a Makefile with ntarget targets, each a jobrec run of ms milliseconds */
static void
makefile(const char *dir, int ntarget, int ms)
{
	struct buf b = {0};
	char *jr = helper("jobrec"), *p = pathjoin(dir, "Makefile");

	bufputs(&b, "all:");
	for (int i = 0; i < ntarget; i++)
		bufprintf(&b, " t%d", i);
	bufputs(&b, "\n");
	for (int i = 0; i < ntarget; i++)
		bufprintf(&b, "t%d:\n\t@%s %s/rec %d\n", i, jr, dir, ms);
	assert_int_equal(writefile(p, b.s, b.n, 0644), 0);
	buffree(&b);
	free(jr);
	free(p);
}

static void
counts(enum jsmode mode)
{
	struct jobserver *js = js_create(3, mode, NULL);
	int r, w;

	assert_non_null(js);
	assert_int_equal(js_size(js), 3);
	assert_int_equal(js_count(js), 2);
	assert_int_equal(js_held(js), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(js_try_acquire(js), 1);
	assert_int_equal(js_try_acquire(js), 0);  /* EAGAIN is no error */
	assert_int_equal(js_try_acquire(js), 0);
	assert_int_equal(js_held(js), 3);
	assert_int_equal(js_count(js), 0);
	assert_int_equal(js_release(js), 0);
	assert_int_equal(js_count(js), 1);  /* a token goes back first */
	assert_int_equal(js_release(js), 0);
	assert_int_equal(js_release(js), 0);  /* the implicit slot: not written */
	assert_int_equal(js_count(js), 2);
	assert_int_equal(js_held(js), 0);
	assert_int_equal(js_release(js), -1);
	assert_int_equal(js_count(js), 2);
	if (mode == JS_PIPE) {
		assert_int_equal(js_fds(js, &r, &w), 2);
		assert_true(cloexec(r) && cloexec(w));
		/* mlfs read through its own description: the shared one stays blocking */
		assert_false(nonblocking(r));
	} else {
		assert_int_equal(js_fds(js, &r, &w), 0);
		assert_int_equal(r, -1);
	}
	js_free(js);
}

static void
t_counts_pipe(void **state)
{
	counts(JS_PIPE);
}

static void
t_counts_fifo(void **state)
{
	counts(JS_FIFO);
}

static void
t_one_slot(void **state)
{
	struct jobserver *js = js_create(1, JS_PIPE, NULL);

	assert_non_null(js);
	assert_int_equal(js_count(js), 0);
	assert_int_equal(js_try_acquire(js), 1);
	assert_int_equal(js_try_acquire(js), 0);
	assert_int_equal(js_release(js), 0);
	js_free(js);
	assert_null(js_create(0, JS_PIPE, NULL));
	assert_null(js_create(5000, JS_PIPE, NULL));
}

static void
t_fifo_file(void **state)
{
	char *d = tmpdir(), *sub = pathjoin(d, "run/mlfs"), *want;
	struct jobserver *js = js_create(4, JS_FIFO, sub);
	struct stat st;
	char *tdir;

	assert_non_null(js);
	want = pathjoin(sub, "jobserver");
	assert_string_equal(js_path(js), want);
	assert_int_equal(stat(want, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);
	js_free(js);
	assert_false(exists(want));
	/* a stale fifo from a killed run is replaced */
	assert_int_equal(mkfifo(want, 0600), 0);
	js = js_create(2, JS_FIFO, sub);
	assert_non_null(js);
	assert_int_equal(js_count(js), 1);
	js_free(js);
	/* something else in the way is an error, and is left alone */
	assert_int_equal(writefile(want, "x", 1, 0644), 0);
	assert_null(js_create(2, JS_FIFO, sub));
	assert_true(exists(want));
	unlink(want);
	/* no dir given: a private one, removed at the end */
	js = js_create(2, JS_FIFO, NULL);
	assert_non_null(js);
	tdir = xstrdup(js_path(js));
	*strrchr(tdir, '/') = '\0';
	assert_true(exists(tdir));
	js_free(js);
	assert_false(exists(tdir));
	free(tdir);
	free(want);
	free(sub);
	rmtree(d);
	free(d);
}

static void
t_makeflags(void **state)
{
	char *d = tmpdir(), *sub = pathjoin(d, "run/mlfs"), *want;
	struct jobserver *js = js_create(3, JS_PIPE, NULL);

	assert_string_equal(js_makeflags(js), " -j3 --jobserver-fds=3,4 --jobserver-auth=3,4");
	assert_null(js_path(js));
	js_free(js);
	js = js_create(12, JS_FIFO, sub);
	assert_non_null(js);
	want = xasprintf(" -j12 --jobserver-auth=fifo:%s/run/mlfs/jobserver", d);
	assert_string_equal(js_makeflags(js), want);
	js_free(js);
	free(want);
	free(sub);
	rmtree(d);
	free(d);
}

/* join the owner's pipe through copies of its fds, with MAKEFLAGS fmt % (r, w) */
static struct jobserver *
joinfmt(struct jobserver *owner, const char *fmt, int *r, int *w)
{
	int rr, ww;
	char *f;
	struct jobserver *js;

	js_fds(owner, &rr, &ww);
	*r = dup(rr);  /* without CLOEXEC, as inherited */
	*w = dup(ww);
	f = xasprintf(fmt, *r, *w);
	js = js_join(f);
	if (!js) {
		close(*r);
		close(*w);
	}
	free(f);
	return js;
}

static void
t_join_pipe(void **state)
{
	struct jobserver *own = js_create(3, JS_PIPE, NULL), *js;
	int r, w;

	js = joinfmt(own, " -j3 --jobserver-auth=%d,%d", &r, &w);
	assert_non_null(js);
	assert_int_equal(js_size(js), 3);
	assert_string_equal(js_makeflags(js), " -j3 --jobserver-fds=3,4 --jobserver-auth=3,4");
	assert_true(cloexec(r) && cloexec(w));
	/* the client has its implicit slot, then shares the owner's tokens */
	assert_int_equal(js_try_acquire(js), 1);
	assert_int_equal(js_count(own), 2);
	assert_int_equal(js_try_acquire(js), 1);
	assert_int_equal(js_count(own), 1);
	assert_int_equal(js_try_acquire(own), 1);
	assert_int_equal(js_try_acquire(own), 1);
	assert_int_equal(js_try_acquire(own), 0);
	assert_int_equal(js_try_acquire(js), 0);
	assert_int_equal(js_audit(js, "x"), 0);  /* a client never audits */
	js_free(js);  /* gives its token back */
	assert_int_equal(js_count(own), 1);
	assert_int_equal(js_release(own), 0);
	assert_int_equal(js_release(own), 0);
	assert_int_equal(js_count(own), 2);

	/* the last option wins; --jobserver-fds counts; letter flags come first */
	js = joinfmt(own, " -j3 --jobserver-auth=-2,-2 --jobserver-auth=%d,%d", &r, &w);
	assert_non_null(js);
	js_free(js);
	js = joinfmt(own, "ks -j5 --jobserver-fds=%d,%d", &r, &w);
	assert_non_null(js);
	assert_int_equal(js_size(js), 5);
	js_free(js);
	js = joinfmt(own, "--jobserver-auth=%d,%d", &r, &w);
	assert_non_null(js);
	assert_int_equal(js_size(js), 0);  /* no -j given: none passed on */
	assert_string_equal(js_makeflags(js), " --jobserver-fds=3,4 --jobserver-auth=3,4");
	js_free(js);
	assert_null(joinfmt(own, " -j3 --jobserver-auth=%d,%d --jobserver-auth=-2,-2", &r, &w));
	/* after "--" come variable definitions, not options */
	js = joinfmt(own, " -j3 --jobserver-fds=%d,%d -- --jobserver-auth=-2,-2", &r, &w);
	assert_non_null(js);
	js_free(js);
	js_free(own);
}

static void
t_join_fifo(void **state)
{
	struct jobserver *own = js_create(4, JS_FIFO, NULL), *js;
	char *f = xasprintf(" -j4 --jobserver-auth=fifo:%s", js_path(own));

	js = js_join(f);
	assert_non_null(js);
	assert_string_equal(js_makeflags(js), f);
	assert_int_equal(js_try_acquire(js), 1);
	assert_int_equal(js_try_acquire(js), 1);
	assert_int_equal(js_count(own), 2);
	js_free(js);
	assert_int_equal(js_count(own), 3);
	assert_true(exists(js_path(own)));  /* a client does not unlink */
	js_free(own);
	free(f);
}

static void
t_join_bad(void **state)
{
	const char *bad[] = {
		"", " -j3", "-j3 --jobserver-auth=-2,-2", " -j3 --jobserver-auth=-1,4",
		"--jobserver-auth=foo", "--jobserver-auth=3", "--jobserver-auth=3,x",
		"--jobserver-auth=3,4x", "--jobserver-auth=,4", "--jobserver-auth=fifo:",
		"--jobserver-auth=fifo:/nonexistent/jobserver", "--jobserver-auth=900,901",
		"--jobserver-auth=99999999999,4",
	};
	int fd = open("/dev/null", O_RDWR), p[2];
	char *f;

	assert_null(js_join(NULL));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (js_join(bad[i]))
			fail_msg("joined '%s'", bad[i]);
	/* open fds, but not a pipe */
	f = xasprintf(" -j2 --jobserver-auth=%d,%d", fd, fd);
	assert_null(js_join(f));
	free(f);
	/* a pipe given the wrong way round */
	assert_int_equal(pipe(p), 0);
	f = xasprintf(" -j2 --jobserver-auth=%d,%d", p[1], p[0]);
	assert_null(js_join(f));
	free(f);
	/* a regular file is no fifo */
	assert_null(js_join("--jobserver-auth=fifo:/etc/passwd"));
	close(p[0]);
	close(p[1]);
	close(fd);
}

static int
auditfn(struct jobserver *js, const char *who)
{
	return js_audit(js, who);
}

static int
freefn(struct jobserver *js, const char *who)
{
	js_free(js);
	return 0;
}

static void
audit(enum jsmode mode)
{
	struct jobserver *js = js_create(4, mode, NULL), *cl;
	char *f, *err, c = '+';
	int rc, r, w;

	/* a client that took a token and never gave it back */
	if (mode == JS_PIPE) {
		cl = joinfmt(js, " -j4 --jobserver-auth=%d,%d", &r, &w);
	} else {
		f = xasprintf(" -j4 --jobserver-auth=fifo:%s", js_path(js));
		cl = js_join(f);
		free(f);
	}
	assert_non_null(cl);
	assert_int_equal(js_try_acquire(cl), 1);  /* implicit */
	assert_int_equal(js_try_acquire(cl), 1);
	assert_int_equal(js_try_acquire(cl), 1);
	assert_int_equal(js_count(js), 1);
	err = capture(auditfn, js, "gmp:32", &rc);
	assert_int_equal(rc, 2);
	assert_non_null(strstr(err, "jobserver: 2 tokens leaked by 'gmp:32', refilling"));
	free(err);
	assert_int_equal(js_count(js), 3);
	err = capture(auditfn, js, "again", &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(err, "");
	free(err);
	/* the client comes back late: an excess, drained */
	js_free(cl);
	assert_int_equal(js_count(js), 5);
	err = capture(auditfn, js, "gmp:32", &rc);
	assert_int_equal(rc, 2);
	assert_non_null(strstr(err, "jobserver: 2 extra tokens returned by 'gmp:32', draining"));
	free(err);
	assert_int_equal(js_count(js), 3);
	/* what mlfs holds itself is not a leak */
	assert_int_equal(js_try_acquire(js), 1);
	assert_int_equal(js_try_acquire(js), 1);
	assert_int_equal(js_audit(js, "x"), 0);
	assert_int_equal(js_count(js), 2);
	assert_int_equal(js_release(js), 0);
	assert_int_equal(js_release(js), 0);
	/* an extra byte written straight into the pool */
	if (mode == JS_FIFO) {
		r = open(js_path(js), O_WRONLY);
		assert_int_equal(write(r, &c, 1), 1);
		close(r);
	} else {
		js_fds(js, &r, &w);
		assert_int_equal(write(w, &c, 1), 1);
	}
	assert_int_equal(js_count(js), 4);
	err = capture(freefn, js, NULL, &rc);  /* js_free audits once more */
	assert_non_null(strstr(err, "jobserver: 1 extra tokens returned by 'the build', draining"));
	free(err);
}

static void
t_audit_pipe(void **state)
{
	audit(JS_PIPE);
}

static void
t_audit_fifo(void **state)
{
	audit(JS_FIFO);
}

static int
samplefn(struct jobserver *js, const char *who)
{
	return js_sample(js, 0);
}

/* take one token out of the pool behind mlfs's back, never to come back */
static void
steal(struct jobserver *js)
{
	int r, w, fd;
	char c;

	if (js_fds(js, &r, &w) == 2) {
		assert_int_equal(read(r, &c, 1), 1);
		return;
	}
	fd = open(js_path(js), O_RDONLY | O_NONBLOCK);
	assert_true(fd >= 0);
	assert_int_equal(read(fd, &c, 1), 1);
	close(fd);
}

/* js_sample against a client holding two tokens: the estimate of what the
   jobs hold decides, a refill takes JS_RUNS short samples in a row and names
   the suspects of the highest rank; a suspect goes after JS_RUNS even samples */
static void
sample(enum jsmode mode)
{
	struct jobserver *js = js_create(4, mode, NULL), *cl;
	char *f, *err;
	int rc, r, w;

	if (mode == JS_PIPE) {
		cl = joinfmt(js, " -j4 --jobserver-auth=%d,%d", &r, &w);
	} else {
		f = xasprintf(" -j4 --jobserver-auth=fifo:%s", js_path(js));
		cl = js_join(f);
		free(f);
	}
	assert_non_null(cl);
	assert_int_equal(js_try_acquire(cl), 1);  /* implicit */
	assert_int_equal(js_try_acquire(cl), 1);
	assert_int_equal(js_try_acquire(cl), 1);
	assert_int_equal(js_out(js), 2);
	js_suspect(cl, "joined", -9);  /* a joined pool keeps none */
	assert_false(js_suspects(cl));
	/* held as estimated: even; ok:64 is acquitted on the third even sample */
	assert_false(js_suspects(js));
	js_suspect(js, "ok:64", 0);
	assert_true(js_suspects(js));
	assert_int_equal(js_sample(js, 2), JS_EVEN);
	assert_int_equal(js_sample(js, 3), JS_EVEN);
	js_suspect(js, "bad:64", 2);
	js_suspect(js, "dead:64", -9);
	assert_int_equal(js_sample(js, 2), JS_EVEN);
	/* one missing, but an even sample breaks the run */
	assert_int_equal(js_sample(js, 1), JS_SHORT);
	assert_int_equal(js_sample(js, 2), JS_EVEN);
	assert_int_equal(js_sample(js, 0), JS_SHORT);
	assert_int_equal(js_sample(js, 1), JS_SHORT);
	assert_int_equal(js_count(js), 1);
	/* the third in a row refills the fewest the run saw missing (1, not 2),
	   blamed on the one killed by a signal */
	err = capture(samplefn, js, NULL, &rc);
	assert_int_equal(rc, JS_REFILLED);
	assert_non_null(strstr(err, "jobserver: 1 tokens leaked by 'dead:64', refilling"));
	free(err);
	assert_false(js_suspects(js));
	assert_int_equal(js_count(js), 2);
	assert_int_equal(js_out(js), 1);
	/* the client gives both back after all: the one too many is drained */
	js_free(cl);
	assert_int_equal(js_out(js), 0);
	err = capture(samplefn, js, NULL, &rc);
	assert_int_equal(rc, JS_EVEN);
	assert_non_null(strstr(err, "jobserver: 1 extra tokens returned by 'the jobs', draining"));
	free(err);
	assert_int_equal(js_count(js), 3);
	/* the idle audit names the suspects of the highest rank, then its fallback */
	js_suspect(js, "a:64", 0);
	js_suspect(js, "b:64", 0);
	js_suspect(js, "a:64", 0);
	steal(js);
	err = capture(auditfn, js, "last:64", &rc);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(err, "jobserver: 1 tokens leaked by 'a:64', 'b:64', refilling"));
	free(err);
	steal(js);
	err = capture(auditfn, js, "last:64", &rc);
	assert_non_null(strstr(err, "jobserver: 1 tokens leaked by 'last:64', refilling"));
	free(err);
	/* what mlfs holds itself is not missing */
	assert_int_equal(js_try_acquire(js), 1);
	assert_int_equal(js_try_acquire(js), 1);
	assert_int_equal(js_out(js), 0);
	for (int i = 0; i < JS_RUNS; i++)
		assert_int_equal(js_sample(js, 0), JS_EVEN);
	assert_int_equal(js_count(js), 2);
	assert_int_equal(js_release(js), 0);
	assert_int_equal(js_release(js), 0);
	js_suspect(js, "left:64", 1);  /* freed with the pool */
	err = capture(freefn, js, NULL, &rc);
	assert_string_equal(err, "");
	free(err);
}

static void
t_sample_pipe(void **state)
{
	sample(JS_PIPE);
}

static void
t_sample_fifo(void **state)
{
	sample(JS_FIFO);
}

/* a forked child takes a token and is SIGKILLed: the pool is whole after audit */
static void
t_killed_child(void **state)
{
	struct jobserver *js = js_create(3, JS_PIPE, NULL);
	int r, w, st;
	char c;
	pid_t pid;

	js_fds(js, &r, &w);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (read(r, &c, 1) == 1)
			raise(SIGKILL);
		_exit(1);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	assert_int_equal(js_count(js), 1);
	assert_int_equal(js_audit(js, "thief"), 1);
	assert_int_equal(js_count(js), 2);
	for (int i = 0; i < 3; i++)
		assert_int_equal(js_try_acquire(js), 1);
	assert_int_equal(js_try_acquire(js), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(js_release(js), 0);
	js_free(js);
}

/* the tokthief helper, exec'd with MAKEFLAGS, in both modes */
static void
thief(enum jsmode mode)
{
	struct jobserver *js = js_create(3, mode, NULL);
	char *d = tmpdir(), *tt = helper("tokthief"), *took = pathjoin(d, "took");
	char *argv[] = {tt, took, NULL};
	int st;
	pid_t pid = start(js, d, argv);

	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	assert_true(exists(took));
	assert_int_equal(js_count(js), 1);
	assert_int_equal(js_audit(js, "tokthief"), 1);
	assert_int_equal(js_count(js), 2);
	js_free(js);
	free(took);
	free(tt);
	rmtree(d);
	free(d);
}

static void
t_thief_pipe(void **state)
{
	thief(JS_PIPE);
}

static void
t_thief_fifo(void **state)
{
	thief(JS_FIFO);
}

/* a plain make on 12 jobrec targets, given one slot of a pool of 3 */
static void
t_make_pool(void **state)
{
	struct jobserver *js = js_create(3, JS_PIPE, NULL);
	char *d = tmpdir(), *rec = pathjoin(d, "rec");
	char *argv[] = {"make", NULL};
	int n, max;

	makefile(d, 12, 150);
	assert_int_equal(js_try_acquire(js), 1);  /* the slot the make runs in */
	waitok(start(js, d, argv), d);
	assert_int_equal(js_release(js), 0);
	max = overlap(rec, &n);
	assert_int_equal(n, 12);
	print_message("# make in a pool of 3: at most %d jobs at once\n", max);
	assert_int_equal(max, 3);
	assert_int_equal(js_audit(js, "make"), 0);
	assert_int_equal(js_count(js), 2);
	js_free(js);
	free(rec);
	rmtree(d);
	free(d);
}

/* two makes in one pool of 4 never run more than 4 jobs together */
static void
t_two_makes(void **state)
{
	struct jobserver *js = js_create(4, JS_PIPE, NULL);
	char *d = tmpdir(), *a = pathjoin(d, "a"), *b = pathjoin(d, "b");
	char *rec = pathjoin(d, "rec");
	char *argv[] = {"make", NULL};
	pid_t pa, pb;
	int n, max;

	assert_int_equal(mkdir(a, 0755), 0);
	assert_int_equal(mkdir(b, 0755), 0);
	makefile(a, 12, 120);
	makefile(b, 12, 120);
	assert_int_equal(js_try_acquire(js), 1);
	assert_int_equal(js_try_acquire(js), 1);
	pa = start(js, a, argv);
	pb = start(js, b, argv);
	waitok(pa, a);
	waitok(pb, b);
	assert_int_equal(js_release(js), 0);
	assert_int_equal(js_release(js), 0);
	/* one record file for both */
	{
		char *ra = pathjoin(a, "rec"), *rb = pathjoin(b, "rec"), *s;
		size_t len;
		struct buf all = {0};

		s = readfile(ra, &len);
		assert_non_null(s);
		bufadd(&all, s, len);
		free(s);
		s = readfile(rb, &len);
		assert_non_null(s);
		bufadd(&all, s, len);
		free(s);
		assert_int_equal(writefile(rec, all.s, all.n, 0644), 0);
		buffree(&all);
		free(ra);
		free(rb);
	}
	max = overlap(rec, &n);
	assert_int_equal(n, 24);
	print_message("# two makes in a pool of 4: at most %d jobs at once\n", max);
	assert_int_equal(max, 4);
	assert_int_equal(js_audit(js, "make"), 0);
	assert_int_equal(js_count(js), 3);
	js_free(js);
	free(rec);
	free(a);
	free(b);
	rmtree(d);
	free(d);
}

/*
 * A small scheduler on a libuv loop, as the lead's will be: it runs six jobrec
 * jobs, at most two at a time, each taking up to 3 extra tokens itself. Another
 * client holds every token for the first 100 ms, so the scheduler must wait
 * on js_watch for its second slot.
 */
struct sched {
	uv_loop_t loop;
	uv_timer_t timer;
	struct jobserver *js, *other;
	char *dir, *rec, *jobrec;
	int todo, running, woke;
	unsigned long long tfree;  /* when the other client gave its tokens back */
};

struct sjob {
	uv_process_t proc;
	struct sched *s;
};

static void pump(struct sched *s);

static void
jobclosecb(uv_handle_t *h)
{
	free(h->data);
}

static void
exitcb(uv_process_t *p, int64_t status, int sig)
{
	struct sjob *j = p->data;

	assert_int_equal(status, 0);
	assert_int_equal(sig, 0);
	j->s->running--;
	assert_int_equal(js_release(j->s->js), 0);
	uv_close((uv_handle_t *)p, jobclosecb);
	pump(j->s);
}

static void
spawn(struct sched *s)
{
	struct sjob *j = xcalloc(1, sizeof(*j));
	uv_process_options_t o = {0};
	uv_stdio_container_t io[5];
	char *flags = xasprintf("MAKEFLAGS=%s", js_makeflags(s->js));
	char *env[] = {flags, NULL};
	char *argv[] = {s->jobrec, s->rec, "200", "3", NULL};
	int r, w, rc;

	j->s = s;
	j->proc.data = j;
	io[0].flags = UV_IGNORE;
	io[1].flags = io[2].flags = UV_INHERIT_FD;
	io[1].data.fd = io[2].data.fd = 2;
	o.stdio_count = 3;
	if (js_fds(s->js, &r, &w) == 2) {
		io[JS_CHILDR].flags = io[JS_CHILDW].flags = UV_INHERIT_FD;
		io[JS_CHILDR].data.fd = r;
		io[JS_CHILDW].data.fd = w;
		o.stdio_count = 5;
	}
	o.stdio = io;
	o.file = argv[0];
	o.args = argv;
	o.env = env;
	o.exit_cb = exitcb;
	rc = uv_spawn(&s->loop, &j->proc, &o);
	if (rc < 0)
		fail_msg("spawn: %s", uv_strerror(rc));
	s->running++;
	s->todo--;
	free(flags);
}

static void
wakecb(void *arg)
{
	struct sched *s = arg;

	s->woke++;
	pump(s);
}

static void
pump(struct sched *s)
{
	int rc;

	while (s->todo > 0 && s->running < 2) {
		rc = js_try_acquire(s->js);
		assert_true(rc >= 0);
		if (rc == 0) {
			assert_int_equal(js_watch(s->js, &s->loop, wakecb, s), 0);
			return;
		}
		spawn(s);
	}
	js_unwatch(s->js);
}

static void
timercb(uv_timer_t *t)
{
	struct sched *s = t->data;

	s->tfree = nowns();
	while (js_held(s->other) > 0)
		assert_int_equal(js_release(s->other), 0);
	uv_close((uv_handle_t *)t, NULL);
}

static void
uvsched(enum jsmode mode)
{
	struct sched s = {0};
	int n, max, r, w, early = 0;
	unsigned long long a, b;
	char *f;
	FILE *fp;

	s.dir = tmpdir();
	s.rec = pathjoin(s.dir, "rec");
	s.jobrec = helper("jobrec");
	s.todo = 6;
	s.js = js_create(4, mode, NULL);
	assert_non_null(s.js);
	if (mode == JS_PIPE) {
		s.other = joinfmt(s.js, " -j4 --jobserver-auth=%d,%d", &r, &w);
	} else {
		f = xasprintf(" -j4 --jobserver-auth=fifo:%s", js_path(s.js));
		s.other = js_join(f);
		free(f);
	}
	assert_non_null(s.other);
	for (int i = 0; i < 4; i++)  /* its implicit slot and the 3 tokens */
		assert_int_equal(js_try_acquire(s.other), 1);
	assert_int_equal(js_count(s.js), 0);
	assert_int_equal(uv_loop_init(&s.loop), 0);
	assert_int_equal(uv_timer_init(&s.loop, &s.timer), 0);
	s.timer.data = &s;
	assert_int_equal(uv_timer_start(&s.timer, timercb, 100, 0), 0);
	pump(&s);
	assert_int_equal(s.running, 1);  /* the implicit slot only */
	assert_int_equal(uv_run(&s.loop, UV_RUN_DEFAULT), 0);
	assert_int_equal(s.todo, 0);
	assert_int_equal(s.running, 0);
	assert_true(s.woke > 0);
	if (mode == JS_PIPE) {
		js_fds(s.js, &r, &w);
		assert_false(nonblocking(r));  /* libuv polled a private description */
	}
	max = overlap(s.rec, &n);
	assert_int_equal(n, 6);
	print_message("# libuv scheduler, %s pool of 4 with greedy clients: at most %d at once, woken %d times\n",
	    mode == JS_PIPE ? "pipe" : "fifo", max, s.woke);
	assert_int_equal(max, 4);
	/* only the implicit slot's job started before the tokens came back */
	fp = fopen(s.rec, "r");
	assert_non_null(fp);
	while (fscanf(fp, "%llu %llu %d", &a, &b, &n) == 3)
		early += a < s.tfree;
	fclose(fp);
	assert_int_equal(early, 1);
	js_free(s.other);
	assert_int_equal(js_audit(s.js, "jobrec"), 0);
	assert_int_equal(js_count(s.js), 3);
	js_free(s.js);
	assert_int_equal(uv_run(&s.loop, UV_RUN_DEFAULT), 0);  /* the poll handle's close */
	assert_int_equal(uv_loop_close(&s.loop), 0);
	free(s.jobrec);
	free(s.rec);
	rmtree(s.dir);
	free(s.dir);
}

static void
t_uv_pipe(void **state)
{
	uvsched(JS_PIPE);
}

static void
t_uv_fifo(void **state)
{
	uvsched(JS_FIFO);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_counts_pipe),
		cmocka_unit_test(t_counts_fifo),
		cmocka_unit_test(t_one_slot),
		cmocka_unit_test(t_fifo_file),
		cmocka_unit_test(t_makeflags),
		cmocka_unit_test(t_join_pipe),
		cmocka_unit_test(t_join_fifo),
		cmocka_unit_test(t_join_bad),
		cmocka_unit_test(t_audit_pipe),
		cmocka_unit_test(t_audit_fifo),
		cmocka_unit_test(t_sample_pipe),
		cmocka_unit_test(t_sample_fifo),
		cmocka_unit_test(t_killed_child),
		cmocka_unit_test(t_thief_pipe),
		cmocka_unit_test(t_thief_fifo),
		cmocka_unit_test(t_make_pool),
		cmocka_unit_test(t_two_makes),
		cmocka_unit_test(t_uv_pipe),
		cmocka_unit_test(t_uv_fifo),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
