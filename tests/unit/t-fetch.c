/* t-fetch: downloads from busybox httpd and a tiny misbehaving server, both on
   127.0.0.1, started here; file:// urls; the cache, mirrors, resume, retries */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>
#include <curl/curl.h>
#include <uv.h>
#include "unit.h"
#include "fetch.h"
#include "hash.h"
#include "recipe.h"
#include "util.h"

enum { BIG = 300000 };

static char tmp[] = "/tmp/mlfs-t-fetch.XXXXXX";
static char *www;          /* busybox's document root */
static pid_t httpd = -1;
static int port;           /* busybox's port */
static int serial;

/* deterministic bytes, different for each seed */
static char *
gen(unsigned seed, size_t n)
{
	char *p = xmalloc(n + 1);
	unsigned long long x = 0x9e3779b97f4a7c15ull * (seed + 1);

	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = (char)(x >> 24);
	}
	p[n] = '\0';
	return p;
}

static char *
at(const char *rel)
{
	return pathjoin(tmp, rel);
}

static char *
fresh(const char *base)
{
	char *r = xasprintf("%s.%d", base, ++serial), *p = at(r);

	free(r);
	return p;
}

/* put data at www/rel */
static void
serve(const char *rel, const char *data, size_t n)
{
	char *p = pathjoin(www, rel), *dir = xstrdup(p);

	*strrchr(dir, '/') = '\0';
	assert_int_equal(mkdirs(dir, 0755), 0);
	assert_int_equal(writefile(p, data, n, 0644), 0);
	free(dir);
	free(p);
}

static char *
url(const char *rel)
{
	return xasprintf("http://127.0.0.1:%d/%s", port, rel);
}

/* fill a source for data called fname at u (taken) */
static void
mksrc(struct source *s, char *u, const char *fname, enum hashalg alg, const char *data, size_t n)
{
	memset(s, 0, sizeof(*s));
	s->kind = SRC_URL;
	s->url = u;
	s->fname = xstrdup(fname);
	s->alg = alg;
	hashbuf(alg, data, n, s->sum);
}

static void
freesrc(struct source *s)
{
	free(s->url);
	free(s->fname);
	strvfree(&s->mirrors);
}

/* a listening socket on 127.0.0.1 and a free port */
static int
listener(int *p)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 16) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) < 0)
		abort();
	*p = ntohs(a.sin_port);
	return fd;
}

static int
canconnect(int p)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(p)};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), rc;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	rc = connect(fd, (struct sockaddr *)&a, sizeof(a));
	close(fd);
	return rc == 0;
}

/* a port where nothing listens */
static int
deadport(void)
{
	int p, fd = listener(&p);

	close(fd);
	return p;
}

/* the tiny server: one thread answering each connection in one way */
enum tinymode { T_STALL, T_NORANGE, T_FLAKY, T_404 };

struct tiny {
	int lfd, port;
	enum tinymode mode;
	int fails;           /* T_FLAKY: this many 503s first */
	const char *body;
	size_t len;
	atomic_int hits;
	atomic_int stop;
	int held[64], nheld;
	pthread_t th;
};

static void
readreq(int c)
{
	char buf[8192];
	size_t n = 0;
	ssize_t r;

	while (n < sizeof(buf) - 1 && (r = read(c, buf + n, sizeof(buf) - 1 - n)) > 0) {
		n += r;
		buf[n] = '\0';
		if (strstr(buf, "\r\n\r\n"))
			break;
	}
}

static void
say(int c, const char *head, const char *body, size_t len)
{
	if (write(c, head, strlen(head)) < 0)
		return;
	while (len) {
		ssize_t w = write(c, body, len);
		if (w <= 0)
			return;
		body += w;
		len -= w;
	}
}

static void *
tinyloop(void *arg)
{
	struct tiny *t = arg;
	struct pollfd p = {.fd = t->lfd, .events = POLLIN};
	char head[256];
	int c, hit;

	while (!t->stop) {
		if (poll(&p, 1, 50) <= 0 || (c = accept(t->lfd, NULL, NULL)) < 0)
			continue;
		hit = ++t->hits;
		if (t->mode == T_STALL) {
			if (t->nheld < 64)
				t->held[t->nheld++] = c;
			else
				close(c);
			continue;
		}
		readreq(c);
		if (t->mode == T_404) {
			say(c, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", "", 0);
		} else if (t->mode == T_FLAKY && hit <= t->fails) {
			say(c, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", "", 0);
		} else {
			snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n"
				"Connection: close\r\n\r\n", t->len);
			say(c, head, t->body, t->len);
		}
		close(c);
	}
	for (int i = 0; i < t->nheld; i++)
		close(t->held[i]);
	return NULL;
}

static void
tinystart(struct tiny *t, enum tinymode mode, const char *body, size_t len)
{
	memset(t, 0, sizeof(*t));
	t->mode = mode;
	t->body = body;
	t->len = len;
	t->lfd = listener(&t->port);
	assert_int_equal(pthread_create(&t->th, NULL, tinyloop, t), 0);
}

static void
tinystop(struct tiny *t)
{
	t->stop = 1;
	pthread_join(t->th, NULL);
	close(t->lfd);
}

static char *
tinyurl(struct tiny *t, const char *rel)
{
	return xasprintf("http://127.0.0.1:%d/%s", t->port, rel);
}

static int
setup(void **state)
{
	int fd;
	char *p;

	if (!mkdtemp(tmp))
		return -1;
	www = at("www");
	if (mkdirs(www, 0755) < 0)
		return -1;
	fd = listener(&port);
	close(fd);
	p = xasprintf("127.0.0.1:%d", port);
	httpd = fork();
	if (httpd == 0) {
		int null = open("/dev/null", O_RDWR);

		setpgid(0, 0);
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		execlp("busybox", "busybox", "httpd", "-f", "-p", p, "-h", www, (char *)NULL);
		_exit(127);
	}
	free(p);
	if (httpd < 0)
		return -1;
	for (int i = 0; i < 100 && !canconnect(port); i++)
		usleep(20000);
	return canconnect(port) ? 0 : -1;
}

static int
teardown(void **state)
{
	if (httpd > 0) {
		kill(-httpd, SIGTERM);
		kill(httpd, SIGTERM);
		waitpid(httpd, NULL, 0);
	}
	rmtree(tmp);
	free(www);
	return 0;
}

struct prog {
	char name[8][32];
	curl_off_t now[8], total[8];
	int n;
};

static void
progress(void *arg, const char *name, curl_off_t now, curl_off_t total)
{
	struct prog *p = arg;
	int i;

	for (i = 0; i < p->n && strcmp(p->name[i], name); i++)
		;
	if (i == p->n) {
		if (p->n == 8)
			return;
		snprintf(p->name[p->n++], sizeof(p->name[0]), "%s", name);
	}
	p->now[i] = now;
	p->total[i] = total;
}

/* fetch items on a fresh loop; the loop must close cleanly (no handle left) */
static int
run(const struct fetchopts *o, struct fetchitem *items, size_t n)
{
	uv_loop_t loop;
	int rc;

	assert_int_equal(uv_loop_init(&loop), 0);
	rc = fetch_run(&loop, o, items, n);
	assert_int_equal(uv_loop_close(&loop), 0);
	return rc;
}

/* the item's file is in the cache with the data and the upstream name */
static void
cached(const char *cache, const struct fetchitem *it, const char *data, size_t n)
{
	char *want = xasprintf("%s/%s/%s", cache, hashname(it->src->alg), it->src->sum);
	char *name = xasprintf("%s/by-name/%s", cache, it->src->fname), *s, link[256];
	char *target = xasprintf("../%s/%s", hashname(it->src->alg), it->src->sum);
	size_t len;
	ssize_t k;

	assert_non_null(it->path);
	assert_string_equal(it->path, want);
	assert_non_null(it->named);
	assert_string_equal(it->named, name);
	k = readlink(name, link, sizeof(link) - 1);
	assert_true(k > 0);
	link[k] = '\0';
	assert_string_equal(link, target);
	s = readfile(name, &len);
	assert_non_null(s);
	assert_int_equal(len, n);
	assert_memory_equal(s, data, n);
	free(s);
	free(want);
	free(name);
	free(target);
}

/* four files (one asked for twice), three at once; then all from the cache */
static void
test_parallel(void **state)
{
	char *cache = fresh("cache"), *data[4], *rel, fname[32];
	struct source src[5];
	struct fetchitem it[5] = {{0}};
	struct prog pg = {0};
	struct fetchopts o = {.cache = cache, .maxconn = 3, .timeout_s = 10, .quiet = 1,
		.progress = progress, .arg = &pg};
	int dead = deadport();

	for (int i = 0; i < 4; i++) {
		data[i] = gen(i, BIG + i);
		snprintf(fname, sizeof(fname), "par%d.tar", i);
		rel = xasprintf("par/%s", fname);
		serve(rel, data[i], BIG + i);
		mksrc(&src[i], url(rel), fname, HASH_SHA256, data[i], BIG + i);
		it[i].src = &src[i];
		free(rel);
	}
	mksrc(&src[4], url("par/par0.tar"), "par0.tar", HASH_SHA256, data[0], BIG);
	it[4].src = &src[4];
	assert_int_equal(run(&o, it, 5), 0);
	for (int i = 0; i < 4; i++) {
		cached(cache, &it[i], data[i], BIG + i);
		fetchitem_release(&it[i]);
	}
	cached(cache, &it[4], data[0], BIG);
	fetchitem_release(&it[4]);
	assert_int_equal(pg.n, 4);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pg.now[i], pg.total[i]);
		assert_true(pg.total[i] >= BIG);
	}
	/* a second run finds everything in the cache: no server is asked */
	for (int i = 0; i < 5; i++) {
		free(src[i].url);
		src[i].url = xasprintf("http://127.0.0.1:%d/gone", dead);
	}
	o.quiet = 0;
	assert_int_equal(run(&o, it, 5), 0);
	for (int i = 0; i < 5; i++) {
		cached(cache, &it[i], data[i < 4 ? i : 0], i < 4 ? BIG + i : BIG);
		fetchitem_release(&it[i]);
		freesrc(&src[i]);
	}
	for (int i = 0; i < 4; i++)
		free(data[i]);
	free(cache);
}

/* global mirrors first; a 404 moves on to the next url; then the source's own
   mirrors after its url */
static void
test_mirrors(void **state)
{
	char *cache = fresh("cache"), *data = gen(10, 5000), *out;
	struct source s;
	struct fetchitem it = {.src = &s};
	struct fetchopts o = {.cache = cache, .timeout_s = 10};
	int rc;

	serve("good/mir.tar.gz", data, 5000);
	mksrc(&s, url("upstream/mir.tar.gz"), "mir.tar.gz", HASH_SHA256, data, 5000);
	strvtake(&o.mirrors, url("nope"));
	strvtake(&o.mirrors, url("good/"));
	unit_capture_begin();
	rc = run(&o, &it, 1);
	out = unit_capture_end();
	assert_int_equal(rc, 0);
	cached(cache, &it, data, 5000);
	assert_non_null(strstr(out, "/nope/mir.tar.gz' not found (http 404)"));
	assert_null(strstr(out, "upstream"));  /* found before upstream was asked */
	assert_non_null(strstr(out, "/good/mir.tar.gz'"));
	fetchitem_release(&it);
	free(out);
	strvfree(&o.mirrors);
	free(cache);

	/* no global mirror: the url, then the source's mirrors in order */
	cache = fresh("cache");
	o.cache = cache;
	strvtake(&s.mirrors, url("nope2/mir.tar.gz"));
	strvtake(&s.mirrors, url("good/mir.tar.gz"));
	unit_capture_begin();
	rc = run(&o, &it, 1);
	out = unit_capture_end();
	assert_int_equal(rc, 0);
	cached(cache, &it, data, 5000);
	assert_true(strstr(out, "/upstream/mir.tar.gz' not found") < strstr(out, "/nope2/mir.tar.gz' not found"));
	fetchitem_release(&it);
	freesrc(&s);
	free(out);
	free(data);
	free(cache);
}

/* a partial download is resumed with a range request: the server's copy has
   a wrong first half, so only a resumed download can match the checksum */
static void
test_resume(void **state)
{
	char *cache = fresh("cache"), *data = gen(20, BIG), *bad = xmalloc(BIG), *part, *dir, *full;
	struct source s;
	struct fetchitem it = {.src = &s};
	struct fetchopts o = {.cache = cache, .timeout_s = 10, .quiet = 1};

	memset(bad, 'x', BIG / 2);
	memcpy(bad + BIG / 2, data + BIG / 2, BIG - BIG / 2);
	serve("res/half.tar", bad, BIG);
	mksrc(&s, url("res/half.tar"), "half.tar", HASH_SHA256, data, BIG);
	dir = pathjoin(cache, "partial");
	assert_int_equal(mkdirs(dir, 0755), 0);
	part = pathjoin(dir, s.sum);
	assert_int_equal(writefile(part, data, BIG / 2, 0644), 0);
	assert_int_equal(run(&o, &it, 1), 0);
	cached(cache, &it, data, BIG);
	assert_false(exists(part));

	/* a partial file that is already complete needs no server at all */
	full = xstrdup(it.path);
	fetchitem_release(&it);
	assert_int_equal(rename(full, part), 0);
	free(s.url);
	s.url = xasprintf("http://127.0.0.1:%d/gone", deadport());
	assert_int_equal(run(&o, &it, 1), 0);
	cached(cache, &it, data, BIG);
	fetchitem_release(&it);
	freesrc(&s);
	free(full);
	free(part);
	free(dir);
	free(bad);
	free(data);
	free(cache);
}

/* a server that ignores the range: the partial file is dropped and the
   download starts again from zero */
static void
test_norange(void **state)
{
	char *cache = fresh("cache"), *data = gen(30, BIG), *part, *dir, *out;
	struct source s;
	struct fetchitem it = {.src = &s};
	struct fetchopts o = {.cache = cache, .timeout_s = 10, .quiet = 1};
	struct tiny t;
	int rc;

	tinystart(&t, T_NORANGE, data, BIG);
	mksrc(&s, tinyurl(&t, "norange.tar"), "norange.tar", HASH_SHA256, data, BIG);
	dir = pathjoin(cache, "partial");
	assert_int_equal(mkdirs(dir, 0755), 0);
	part = pathjoin(dir, s.sum);
	assert_int_equal(writefile(part, "garbage", 7, 0644), 0);
	unit_capture_begin();
	rc = run(&o, &it, 1);
	out = unit_capture_end();
	tinystop(&t);
	assert_int_equal(rc, 0);
	cached(cache, &it, data, BIG);
	assert_non_null(strstr(out, "restarting from zero"));
	assert_int_equal(t.hits, 2);
	fetchitem_release(&it);
	freesrc(&s);
	free(out);
	free(part);
	free(dir);
	free(data);
	free(cache);
}

/* a file that does not match its checksum is refused and quarantined */
static void
test_corrupt(void **state)
{
	char *cache = fresh("cache"), *good = gen(40, 20000), *bad = gen(41, 20000), *out;
	char *want, *q, actual[HASH_HEXMAX], *s2;
	struct source s;
	struct fetchitem it = {.src = &s};
	struct fetchopts o = {.cache = cache, .timeout_s = 10, .retries = 2, .backoff_ms = 10};
	size_t len;
	int rc;

	serve("bad/corrupt.tar", bad, 20000);
	mksrc(&s, url("bad/corrupt.tar"), "corrupt.tar", HASH_SHA256, good, 20000);
	hashbuf(HASH_SHA256, bad, 20000, actual);
	unit_capture_begin();
	rc = run(&o, &it, 1);
	out = unit_capture_end();
	assert_int_equal(rc, -1);
	assert_null(it.path);
	want = xasprintf("error: checksum mismatch for '%s': expected sha256 %s, got %s", s.url, s.sum, actual);
	assert_non_null(strstr(out, want));
	q = xasprintf("%s/quarantine/corrupt.tar.%s", cache, actual);
	s2 = readfile(q, &len);
	assert_non_null(s2);
	assert_int_equal(len, 20000);
	assert_memory_equal(s2, bad, 20000);
	free(s2);
	free(want);
	want = xasprintf("%s/sha256/%s", cache, s.sum);
	assert_false(exists(want));
	free(want);
	want = xasprintf("%s/partial/%s", cache, s.sum);
	assert_false(exists(want));
	free(want);
	want = xasprintf("%s/by-name/corrupt.tar", cache);
	assert_false(exists(want));
	free(want);
	fetchitem_release(&it);
	freesrc(&s);
	free(q);
	free(out);
	free(good);
	free(bad);
	free(cache);
}

/* a server that accepts and never answers: a clear timeout, quickly */
static void
test_stall(void **state)
{
	char *cache = fresh("cache"), *out, *want;
	struct source s;
	struct fetchitem it = {.src = &s};
	struct fetchopts o = {.cache = cache, .timeout_s = 1, .quiet = 1};
	unsigned long long t0;
	double secs;
	struct tiny t;
	int rc;

	tinystart(&t, T_STALL, NULL, 0);
	mksrc(&s, tinyurl(&t, "stall.tar"), "stall.tar", HASH_SHA256, "x", 1);
	unit_capture_begin();
	t0 = nowns();
	rc = run(&o, &it, 1);
	secs = (nowns() - t0) / 1e9;
	out = unit_capture_end();
	tinystop(&t);
	assert_int_equal(rc, -1);
	assert_true(secs < 4);
	want = xasprintf("error: timed out: no data from '%s' for 1 s", s.url);
	assert_non_null(strstr(out, want));
	assert_int_equal(t.hits, 1);
	free(want);
	freesrc(&s);
	free(out);
	free(cache);
}

/* three stalling downloads at once take the time of one: they overlap */
static void
test_overlap(void **state)
{
	char *cache = fresh("cache"), *out, name[32];
	struct source s[3];
	struct fetchitem it[3] = {{0}};
	struct fetchopts o = {.cache = cache, .timeout_s = 1, .maxconn = 3, .quiet = 1};
	unsigned long long t0;
	double secs;
	struct tiny t;
	int rc;

	tinystart(&t, T_STALL, NULL, 0);
	for (int i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "ov%d.tar", i);
		mksrc(&s[i], tinyurl(&t, name), name, HASH_SHA256, name, strlen(name));
		it[i].src = &s[i];
	}
	unit_capture_begin();
	t0 = nowns();
	rc = run(&o, it, 3);
	secs = (nowns() - t0) / 1e9;
	out = unit_capture_end();
	tinystop(&t);
	assert_int_equal(rc, -1);
	assert_int_equal(t.hits, 3);
	assert_true(secs < 2.5);  /* one after the other would take 3 s */
	for (int i = 0; i < 3; i++) {
		assert_non_null(strstr(out, s[i].url));
		freesrc(&s[i]);
	}
	free(out);
	free(cache);
}

/* 503 is retried with backoff until it works; 404 is not retried */
static void
test_retry(void **state)
{
	char *cache = fresh("cache"), *data = gen(50, 7000), *out;
	struct source s;
	struct fetchitem it = {.src = &s};
	struct fetchopts o = {.cache = cache, .timeout_s = 5, .retries = 3, .backoff_ms = 50, .quiet = 1};
	struct tiny t;
	int rc;

	tinystart(&t, T_FLAKY, data, 7000);
	t.fails = 2;
	mksrc(&s, tinyurl(&t, "flaky.tar"), "flaky.tar", HASH_SHA256, data, 7000);
	unit_capture_begin();
	rc = run(&o, &it, 1);
	out = unit_capture_end();
	tinystop(&t);
	assert_int_equal(rc, 0);
	assert_int_equal(t.hits, 3);
	cached(cache, &it, data, 7000);
	assert_non_null(strstr(out, "http 503; trying again in 50 ms"));
	assert_non_null(strstr(out, "http 503; trying again in 100 ms"));
	fetchitem_release(&it);
	freesrc(&s);
	free(out);

	/* 404 */
	tinystart(&t, T_404, NULL, 0);
	mksrc(&s, tinyurl(&t, "gone.tar"), "gone.tar", HASH_SHA256, "gone", 4);
	unit_capture_begin();
	rc = run(&o, &it, 1);
	out = unit_capture_end();
	tinystop(&t);
	assert_int_equal(rc, -1);
	assert_int_equal(t.hits, 1);
	assert_non_null(strstr(out, "error: 'http://"));
	assert_non_null(strstr(out, "/gone.tar' not found (http 404)"));
	freesrc(&s);
	free(out);
	free(data);
	free(cache);
}

/* offline: nothing is fetched, every missing file is named at once */
static void
test_offline(void **state)
{
	char *cache = fresh("cache"), *data = gen(60, 3000), *file = fresh("off.tar"), *out;
	struct source s[3];
	struct fetchitem it[3] = {{0}};
	struct fetchopts o = {.cache = cache, .timeout_s = 10, .quiet = 1};
	int dead = deadport(), rc;
	unsigned long long t0;

	assert_int_equal(writefile(file, data, 3000, 0644), 0);
	mksrc(&s[0], xasprintf("file://%s", file), "have.tar", HASH_SHA256, data, 3000);
	it[0].src = &s[0];
	assert_int_equal(run(&o, it, 1), 0);
	fetchitem_release(&it[0]);
	mksrc(&s[1], xasprintf("http://127.0.0.1:%d/a", dead), "miss1.tar", HASH_SHA256, "a", 1);
	mksrc(&s[2], xasprintf("http://127.0.0.1:%d/b", dead), "miss2.tar", HASH_SHA256, "b", 1);
	it[1].src = &s[1];
	it[2].src = &s[2];
	o.offline = 1;
	o.retries = 5;
	unit_capture_begin();
	t0 = nowns();
	rc = run(&o, it, 3);
	out = unit_capture_end();
	assert_int_equal(rc, -1);
	assert_true(nowns() - t0 < 1000000000ull);
	cached(cache, &it[0], data, 3000);
	assert_null(it[1].path);
	assert_null(it[2].path);
	assert_non_null(strstr(out, "'miss1.tar' is not in the cache"));
	assert_non_null(strstr(out, "'miss2.tar' is not in the cache"));
	assert_null(strstr(out, "have.tar"));
	for (int i = 0; i < 3; i++) {
		fetchitem_release(&it[i]);
		freesrc(&s[i]);
	}
	free(out);
	free(file);
	free(data);
	free(cache);
}

/* file:// urls and md5 sums; a missing file:// file moves on like a 404 */
static void
test_file_md5(void **state)
{
	char *cache = fresh("cache"), *data = gen(70, 9000), *file = fresh("md5.tar"), *want, *out;
	struct source s;
	struct fetchitem it = {.src = &s};
	struct fetchopts o = {.cache = cache, .timeout_s = 10, .quiet = 1};
	int rc;

	assert_int_equal(writefile(file, data, 9000, 0644), 0);
	mksrc(&s, xasprintf("file://%s.missing", file), "md5.tar", HASH_MD5, data, 9000);
	strvtake(&s.mirrors, xasprintf("file://%s", file));
	assert_int_equal(strlen(s.sum), 32);
	unit_capture_begin();
	rc = run(&o, &it, 1);
	out = unit_capture_end();
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, ".missing' not found"));
	cached(cache, &it, data, 9000);
	want = xasprintf("%s/md5/%s", cache, s.sum);
	assert_string_equal(it.path, want);
	free(want);
	fetchitem_release(&it);
	freesrc(&s);
	free(out);
	free(file);
	free(data);
	free(cache);
}

/* a cached file that went bad is quarantined and fetched again; the same
   file under two names gets both names */
static void
test_recache(void **state)
{
	char *cache = fresh("cache"), *data = gen(80, 4000), *file = fresh("re.tar"), *out;
	char *q, *bad = gen(81, 4000), actual[HASH_HEXMAX];
	struct source s[2];
	struct fetchitem it[2] = {{0}};
	struct fetchopts o = {.cache = cache, .quiet = 1};
	int rc;

	assert_int_equal(writefile(file, data, 4000, 0644), 0);
	mksrc(&s[0], xasprintf("file://%s", file), "re.tar", HASH_SHA256, data, 4000);
	mksrc(&s[1], xasprintf("file://%s", file), "re-again.tar", HASH_SHA256, data, 4000);
	it[0].src = &s[0];
	it[1].src = &s[1];
	assert_int_equal(run(&o, it, 2), 0);
	cached(cache, &it[0], data, 4000);
	cached(cache, &it[1], data, 4000);
	assert_int_equal(chmod(it[0].path, 0644), 0);
	assert_int_equal(writefile(it[0].path, bad, 4000, 0644), 0);
	hashbuf(HASH_SHA256, bad, 4000, actual);
	fetchitem_release(&it[0]);
	fetchitem_release(&it[1]);
	unit_capture_begin();
	rc = run(&o, it, 1);
	out = unit_capture_end();
	assert_int_equal(rc, 0);
	cached(cache, &it[0], data, 4000);
	assert_non_null(strstr(out, "does not match its sha256"));
	q = xasprintf("%s/quarantine/re.tar.%s", cache, actual);
	assert_true(exists(q));
	fetchitem_release(&it[0]);
	freesrc(&s[0]);
	freesrc(&s[1]);
	free(q);
	free(out);
	free(bad);
	free(file);
	free(data);
	free(cache);
}

/* recipe mistakes are refused before anything is fetched */
static void
test_badsource(void **state)
{
	char *cache = fresh("cache"), *out;
	struct source s[3];
	struct fetchitem it[3] = {{0}};
	struct fetchopts o = {.cache = cache, .quiet = 1};
	int rc;

	mksrc(&s[0], url("x"), "../evil", HASH_SHA256, "a", 1);
	mksrc(&s[1], url("y"), "same.tar", HASH_SHA256, "a", 1);
	mksrc(&s[2], url("z"), "same.tar", HASH_SHA256, "b", 1);
	for (int i = 0; i < 3; i++)
		it[i].src = &s[i];
	unit_capture_begin();
	rc = run(&o, it, 3);
	out = unit_capture_end();
	assert_int_equal(rc, -1);
	assert_non_null(strstr(out, "bad file name '../evil'"));
	assert_non_null(strstr(out, "two sources named 'same.tar' with different checksums"));
	assert_false(exists(cache));
	for (int i = 0; i < 3; i++)
		freesrc(&s[i]);
	free(out);
	free(cache);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parallel),
		cmocka_unit_test(test_mirrors),
		cmocka_unit_test(test_resume),
		cmocka_unit_test(test_norange),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_stall),
		cmocka_unit_test(test_overlap),
		cmocka_unit_test(test_retry),
		cmocka_unit_test(test_offline),
		cmocka_unit_test(test_file_md5),
		cmocka_unit_test(test_recache),
		cmocka_unit_test(test_badsource),
	};
	int rc;

	signal(SIGPIPE, SIG_IGN);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, setup, teardown);
	curl_global_cleanup();
	return rc;
}
