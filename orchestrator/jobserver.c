/*
 * jobserver: the GNU make jobserver protocol, as a pool owner or a client.
 *
 * The pool is a pipe (or a fifo) holding one byte per free slot beyond the
 * implicit one. The shared file descriptions stay blocking, as the make
 * manual asks; mlfs reads through its own non-blocking description and
 * watches only that one with uv_poll, so libuv's O_NONBLOCK does not reach
 * the jobs (style.md §4 pitfall 4).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>
#include "util.h"
#include "jobserver.h"

enum { MAXSLOTS = 4096, TOKEN = '+' };

/* a job that ended since the pool was last found whole */
struct suspect {
	char *who;  /* owned */
	int rank;   /* 2 killed by a signal (or 128+N), 1 failed, 0 ended */
	int even;   /* samples since it ended that missed nothing */
};

struct jobserver {
	enum jsmode mode;
	int n;           /* pool size; 0 when joined and not given */
	int owner;       /* 1 when js_create made the pool */
	int rfd, wfd;    /* pool fds (CLOEXEC, blocking); fifo: wfd is O_RDWR, rfd -1 */
	int pfd;         /* private non-blocking read description, the one polled */
	char *path;      /* fifo path on the host, owned */
	char *dir;       /* directory made by mkdtemp for the fifo, owned */
	char *view;      /* fifo path as the jobs see it, owned */
	char *flags;     /* MAKEFLAGS text, owned */
	int implicit;    /* 1 while the implicit slot is free */
	char *tok;       /* bytes of the tokens held, a stack, owned */
	int ntok, captok;
	int shortrun;    /* js_sample: samples in a row that missed tokens */
	int fewest;      /* the fewest tokens those samples missed */
	struct suspect *sus;  /* jobs that ended since the pool was last whole, owned */
	size_t nsus, capsus;
	uv_poll_t *poll; /* watch handle, owned until its close callback */
	void (*cb)(void *);
	void *arg;
};

static struct jobserver *
jsnew(enum jsmode mode, int n)
{
	struct jobserver *js = xcalloc(1, sizeof(*js));

	js->mode = mode;
	js->n = n;
	js->rfd = js->wfd = js->pfd = -1;
	js->implicit = 1;
	return js;
}

static void
closefds(struct jobserver *js)
{
	if (js->pfd >= 0)
		close(js->pfd);
	if (js->rfd >= 0 && js->rfd != js->wfd)
		close(js->rfd);
	if (js->wfd >= 0)
		close(js->wfd);
	js->rfd = js->wfd = js->pfd = -1;
}

static void forget(struct jobserver *js);

static void
delete(struct jobserver *js)
{
	forget(js);
	closefds(js);
	if (js->owner && js->path)
		unlink(js->path);
	if (js->dir)
		rmdir(js->dir);
	free(js->path);
	free(js->dir);
	free(js->view);
	free(js->flags);
	free(js->tok);
	free(js);
}

static void
setflags(struct jobserver *js)
{
	char j[32] = "";

	if (js->n > 0)
		snprintf(j, sizeof(j), " -j%d", js->n);
	free(js->flags);
	if (js->mode == JS_FIFO)
		js->flags = xasprintf("%s --jobserver-auth=fifo:%s", j, js->view);
	else
		js->flags = xasprintf("%s --jobserver-fds=%d,%d --jobserver-auth=%d,%d",
		    j, JS_CHILDR, JS_CHILDW, JS_CHILDR, JS_CHILDW);
}

static int
fill(struct jobserver *js, int k)
{
	char buf[256];
	int m;

	memset(buf, TOKEN, sizeof(buf));
	for (; k > 0; k -= m) {
		m = k < (int)sizeof(buf) ? k : (int)sizeof(buf);
		if (writeall(js->wfd, buf, m) < 0)
			return error("jobserver: write tokens:");
	}
	return 0;
}

/* a non-blocking description of the pipe read end fd, private to mlfs */
static int
privfd(int fd)
{
	char p[64];
	int r, fl;

	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	r = open(p, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (r >= 0)
		return r;
	/* no /proc: share the description non-blocking, as make >= 4.2 does itself */
	warn("jobserver: reopen '%s':", p);
	r = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (r < 0)
		return error("jobserver: dup:");
	fl = fcntl(r, F_GETFL);
	if (fl < 0 || fcntl(r, F_SETFL, fl | O_NONBLOCK) < 0) {
		close(r);
		return error("jobserver: set O_NONBLOCK:");
	}
	return r;
}

static int
safepath(const char *p)
{
	for (; *p; p++)
		if (isspace((unsigned char)*p) || *p == '\\')
			return 0;
	return 1;
}

static int
mkpipe(struct jobserver *js)
{
	int fd[2];

	if (pipe2(fd, O_CLOEXEC) < 0)
		return error("jobserver: pipe:");
	js->rfd = fd[0];
	js->wfd = fd[1];
	js->pfd = privfd(js->rfd);
	return js->pfd < 0 ? -1 : 0;
}

static int
mkfifopool(struct jobserver *js, const char *fifodir)
{
	const char *tmp;
	struct stat st;

	if (fifodir) {
		if (mkdirs(fifodir, 0755) < 0)
			return -1;
		js->path = pathjoin(fifodir, "jobserver");
	} else {
		tmp = getenv("TMPDIR");
		js->dir = xasprintf("%s/mlfs-js.XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(js->dir)) {
			error("jobserver: create directory '%s':", js->dir);
			free(js->dir);
			js->dir = NULL;
			return -1;
		}
		js->path = pathjoin(js->dir, "jobserver");
	}
	if (!safepath(js->path)) {
		error("jobserver: fifo path '%s' has a space or a backslash", js->path);
		goto err;
	}
	if (mkfifo(js->path, 0600) < 0) {
		/* a stale fifo left by a killed run */
		if (errno != EEXIST || lstat(js->path, &st) < 0 || !S_ISFIFO(st.st_mode)
		    || unlink(js->path) < 0 || mkfifo(js->path, 0600) < 0) {
			error("jobserver: mkfifo '%s':", js->path);
			goto err;
		}
	}
	/* the reader first, so that opening the writer cannot hang */
	js->pfd = open(js->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (js->pfd < 0)
		return error("jobserver: open '%s':", js->path);
	js->wfd = open(js->path, O_RDWR | O_CLOEXEC);
	if (js->wfd < 0)
		return error("jobserver: open '%s':", js->path);
	js->view = xstrdup(js->path);
	return 0;
err:
	free(js->path);  /* not ours: js_free must not unlink it */
	js->path = NULL;
	return -1;
}

struct jobserver *
js_create(int n, enum jsmode mode, const char *fifodir)
{
	struct jobserver *js;
	int rc;

	if (n < 1 || n > MAXSLOTS) {
		error("jobserver: %d slots is out of range 1..%d", n, MAXSLOTS);
		return NULL;
	}
	js = jsnew(mode, n);
	js->owner = 1;
	rc = mode == JS_FIFO ? mkfifopool(js, fifodir) : mkpipe(js);
	if (rc < 0 || fill(js, n - 1) < 0) {
		delete(js);
		return NULL;
	}
	setflags(js);
	return js;
}

/* split MAKEFLAGS into words (backslash quotes the next character); the last
   jobserver option goes to *auth (caller frees) and the last -jN to *n */
static void
scanflags(const char *s, char **auth, int *n)
{
	struct buf w = {0};
	long j;

	*auth = NULL;
	*n = 0;
	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\n')
			s++;
		if (!*s)
			break;
		w.n = 0;
		bufadd(&w, "", 0);
		for (; *s && *s != ' ' && *s != '\t' && *s != '\n'; s++) {
			if (*s == '\\' && s[1])
				s++;
			bufadd(&w, s, 1);
		}
		if (strcmp(w.s, "--") == 0)
			break;  /* variable definitions follow */
		if (startswith(w.s, "--jobserver-auth=") || startswith(w.s, "--jobserver-fds=")) {
			free(*auth);
			*auth = xstrdup(strchr(w.s, '=') + 1);
		} else if (startswith(w.s, "-j")) {
			j = strtol(w.s + 2, NULL, 10);
			*n = j > 0 && j <= MAXSLOTS ? j : 0;
		}
	}
	buffree(&w);
}

static int
parsefds(const char *s, int *r, int *w)
{
	char *end;
	long a, b;

	errno = 0;
	a = strtol(s, &end, 10);
	if (end == s || *end != ',')
		return -1;
	s = end + 1;
	b = strtol(s, &end, 10);
	if (end == s || *end || errno || a > INT_MAX || b > INT_MAX || a < INT_MIN || b < INT_MIN)
		return -1;
	*r = a;
	*w = b;
	return 0;
}

/* an inherited fd usable as the pool's read (want O_RDONLY) or write end */
static int
okfd(int fd, int want)
{
	struct stat st;
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fstat(fd, &st) < 0 || !S_ISFIFO(st.st_mode))
		return 0;
	fl &= O_ACCMODE;
	if (fl != O_RDWR && fl != want)
		return 0;
	return fcntl(fd, F_SETFD, FD_CLOEXEC) == 0;
}

static int
joinpipe(struct jobserver *js, const char *auth, int r, int w)
{
	if (!okfd(r, O_RDONLY) || !okfd(w, O_WRONLY)) {
		warn("jobserver: fds '%s' unavailable: add '+' to the parent make rule", auth);
		return -1;
	}
	js->pfd = privfd(r);
	if (js->pfd < 0)
		return -1;
	js->rfd = r;  /* ours to close only once the join worked */
	js->wfd = w;
	return 0;
}

static int
joinfifo(struct jobserver *js, const char *path)
{
	struct stat st;

	if (!safepath(path) || stat(path, &st) < 0 || !S_ISFIFO(st.st_mode)) {
		warn("jobserver: fifo '%s' unavailable", path);
		return -1;
	}
	js->path = xstrdup(path);
	js->view = xstrdup(path);
	js->pfd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (js->pfd < 0)
		return error("jobserver: open '%s':", path);
	js->wfd = open(path, O_RDWR | O_CLOEXEC);
	if (js->wfd < 0)
		return error("jobserver: open '%s':", path);
	return 0;
}

struct jobserver *
js_join(const char *makeflags)
{
	struct jobserver *js = NULL;
	char *auth;
	int n, r, w, rc;

	if (!makeflags)
		return NULL;
	scanflags(makeflags, &auth, &n);
	if (!auth)
		return NULL;
	if (startswith(auth, "fifo:") && auth[5]) {
		js = jsnew(JS_FIFO, n);
		rc = joinfifo(js, auth + 5);
	} else if (parsefds(auth, &r, &w) == 0) {
		if (r < 0 || w < 0) {
			free(auth);
			return NULL;  /* the parent says we are not a sub-make */
		}
		js = jsnew(JS_PIPE, n);
		rc = joinpipe(js, auth, r, w);
	} else {
		warn("jobserver: invalid --jobserver-auth string '%s'", auth);
		free(auth);
		return NULL;
	}
	free(auth);
	if (rc < 0) {
		delete(js);
		return NULL;
	}
	setflags(js);
	return js;
}

const char *
js_makeflags(struct jobserver *js)
{
	return js->flags;
}

int
js_size(struct jobserver *js)
{
	return js->n;
}

const char *
js_path(struct jobserver *js)
{
	return js->mode == JS_FIFO ? js->path : NULL;
}

int
js_fds(struct jobserver *js, int *rfd, int *wfd)
{
	if (js->mode == JS_FIFO) {
		*rfd = *wfd = -1;
		return 0;
	}
	*rfd = js->rfd;
	*wfd = js->wfd;
	return 2;
}

int
js_try_acquire(struct jobserver *js)
{
	char c;
	ssize_t r;

	if (js->implicit) {
		js->implicit = 0;
		return 1;
	}
	for (;;) {
		r = read(js->pfd, &c, 1);
		if (r == 1)
			break;
		if (r == 0)
			return error("jobserver: the pool was closed");
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;  /* empty, or another client sniped the token */
		return error("jobserver: read token:");
	}
	if (js->ntok == js->captok) {
		js->captok = js->captok ? 2 * js->captok : 16;
		js->tok = xreallocarray(js->tok, js->captok, 1);
	}
	js->tok[js->ntok++] = c;
	return 1;
}

int
js_release(struct jobserver *js)
{
	char c;

	if (js->ntok > 0) {
		c = js->tok[--js->ntok];
		if (writeall(js->wfd, &c, 1) < 0)
			return error("jobserver: give back token:");
		return 0;
	}
	if (js->implicit)
		return error("jobserver: release with no slot held");
	js->implicit = 1;
	return 0;
}

int
js_held(struct jobserver *js)
{
	return js->ntok + !js->implicit;
}

int
js_count(struct jobserver *js)
{
	int k;

	if (ioctl(js->pfd, FIONREAD, &k) < 0)
		return error("jobserver: count tokens:");
	return k;
}

static void
pollcb(uv_poll_t *h, int status, int events)
{
	struct jobserver *js = h->data;

	if (js && js->cb)
		js->cb(js->arg);
}

static void
closecb(uv_handle_t *h)
{
	free(h);
}

int
js_watch(struct jobserver *js, uv_loop_t *loop, void (*cb)(void *), void *arg)
{
	int rc;

	if (!js->poll) {
		js->poll = xmalloc(sizeof(*js->poll));
		rc = uv_poll_init(loop, js->poll, js->pfd);
		if (rc < 0) {
			free(js->poll);
			js->poll = NULL;
			return error("jobserver: poll: %s", uv_strerror(rc));
		}
		js->poll->data = js;
	} else if (js->poll->loop != loop) {
		return error("jobserver: already watched from another loop");
	}
	js->cb = cb;
	js->arg = arg;
	rc = uv_poll_start(js->poll, UV_READABLE, pollcb);
	if (rc < 0)
		return error("jobserver: poll: %s", uv_strerror(rc));
	return 0;
}

void
js_unwatch(struct jobserver *js)
{
	if (js->poll)
		uv_poll_stop(js->poll);
}

/* read up to k tokens out of the pool; how many came */
static int
drain(struct jobserver *js, int k)
{
	char buf[256];
	ssize_t r;
	int got = 0;

	while (got < k) {
		r = read(js->pfd, buf, k - got < (int)sizeof(buf) ? k - got : (int)sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += r;
	}
	return got;
}

int
js_out(struct jobserver *js)
{
	int have;

	if (!js->owner)
		return 0;
	have = js_count(js);
	if (have < 0)
		return -1;
	return have < js->n - 1 - js->ntok ? js->n - 1 - js->ntok - have : 0;
}

void
js_suspect(struct jobserver *js, const char *who, int status)
{
	int rank = status < 0 || status > 128 ? 2 : status ? 1 : 0;
	size_t i;

	if (!js->owner)
		return;
	for (i = 0; i < js->nsus && strcmp(js->sus[i].who, who); i++)
		;
	if (i == js->nsus) {
		if (js->nsus == js->capsus) {
			js->capsus = js->capsus ? 2 * js->capsus : 8;
			js->sus = xreallocarray(js->sus, js->capsus, sizeof(*js->sus));
		}
		js->sus[js->nsus++] = (struct suspect){.who = xstrdup(who), .rank = rank};
	} else if (rank > js->sus[i].rank) {
		js->sus[i].rank = rank;
	}
	js->sus[i].even = 0;
}

int
js_suspects(struct jobserver *js)
{
	return js->nsus > 0;
}

static void
forget(struct jobserver *js)
{
	for (size_t i = 0; i < js->nsus; i++)
		free(js->sus[i].who);
	free(js->sus);
	js->sus = NULL;
	js->nsus = js->capsus = 0;
}

/* the suspects of the highest rank, "a', 'b"; fallback when there are none;
   caller frees */
static char *
blame(struct jobserver *js, const char *fallback)
{
	struct buf b = {0};
	int top = 0;

	for (size_t i = 0; i < js->nsus; i++)
		if (js->sus[i].rank > top)
			top = js->sus[i].rank;
	for (size_t i = 0; i < js->nsus; i++)
		if (js->sus[i].rank == top)
			bufprintf(&b, "%s%s", b.s ? "', '" : "", js->sus[i].who);
	return b.s ? b.s : xstrdup(fallback);
}

/* a sample missed nothing: the suspects that JS_RUNS samples acquitted go */
static void
acquit(struct jobserver *js)
{
	size_t k = 0;

	for (size_t i = 0; i < js->nsus; i++) {
		if (++js->sus[i].even >= JS_RUNS)
			free(js->sus[i].who);
		else
			js->sus[k++] = js->sus[i];
	}
	js->nsus = k;
}

int
js_sample(struct jobserver *js, int held)
{
	int want, have, miss, rc;
	char *who;

	if (!js->owner)
		return JS_EVEN;
	want = js->n - 1 - js->ntok;
	have = js_count(js);
	if (have < 0)
		return -1;
	if (have > want) {
		/* a refill that the jobs made up for after all */
		js->shortrun = 0;
		who = blame(js, "the jobs");
		warn("jobserver: %d extra tokens returned by '%s', draining", have - want, who);
		free(who);
		drain(js, have - want);
		return JS_EVEN;
	}
	miss = want - have - (held > 0 ? held : 0);
	if (miss <= 0) {
		js->shortrun = 0;
		acquit(js);
		return JS_EVEN;
	}
	if (js->shortrun == 0 || miss < js->fewest)
		js->fewest = miss;
	if (++js->shortrun < JS_RUNS)
		return JS_SHORT;
	js->shortrun = 0;
	who = blame(js, "the jobs");
	warn("jobserver: %d tokens leaked by '%s', refilling", js->fewest, who);
	free(who);
	forget(js);
	rc = fill(js, js->fewest);
	return rc < 0 ? -1 : JS_REFILLED;
}

int
js_audit(struct jobserver *js, const char *who)
{
	int want, have, rc = 0;
	char *named;

	if (!js->owner)
		return 0;
	js->shortrun = 0;
	want = js->n - 1 - js->ntok;
	if (want < 0)
		want = 0;
	have = js_count(js);
	if (have < 0)
		return -1;
	named = blame(js, who);
	forget(js);
	if (have < want) {
		warn("jobserver: %d tokens leaked by '%s', refilling", want - have, named);
		rc = fill(js, want - have) < 0 ? -1 : want - have;
	} else if (have > want) {
		warn("jobserver: %d extra tokens returned by '%s', draining", have - want, named);
		rc = drain(js, have - want);
	}
	free(named);
	return rc;
}

void
js_free(struct jobserver *js)
{
	if (!js)
		return;
	while (js->ntok > 0)
		js_release(js);
	js_audit(js, "the build");
	if (js->poll) {
		uv_poll_stop(js->poll);
		js->poll->data = NULL;
		uv_close((uv_handle_t *)js->poll, closecb);
	}
	delete(js);
}
