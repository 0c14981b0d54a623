#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <curl/curl.h>
#include <uv.h>
#include "fetch.h"
#include "hash.h"
#include "recipe.h"
#include "util.h"

enum { MAXBACKOFF = 60000 };

/* what became of one attempt */
enum verdict {
	V_DONE,     /* verified and in the cache */
	V_NEXT,     /* this url will not work: drop it */
	V_AGAIN,    /* transient: try this url again in a later round */
	V_RESTART,  /* try this url again at once, from byte zero */
	V_FATAL,    /* a local problem: give up on the item */
};

enum dlstate { DL_READY, DL_RUN, DL_WAIT, DL_DONE };

struct fetch;

struct dl {
	struct fetch *f;
	struct fetchitem *it;
	const struct source *src;
	struct strv urls;   /* every url to try, in order */
	char *bad;          /* per url: 1 once it failed for good */
	size_t cur;         /* the url being tried */
	int round;          /* rounds done after the first */
	int transient;      /* a url failed transiently in this round */
	int restarted;      /* this url was already restarted from zero */
	enum dlstate state;
	CURL *easy;
	int fd;             /* the partial file, open for appending */
	int werr;           /* errno of a failed write */
	curl_off_t resume;  /* bytes already in the partial file */
	char *partial;      /* <cache>/partial/<sum> */
	char *final;        /* <cache>/<alg>/<sum> */
	uv_timer_t backoff;
	int hastimer;
	char errbuf[CURL_ERROR_SIZE];
};

/* a polled socket of curl's */
struct sock {
	uv_poll_t poll;
	curl_socket_t fd;
	struct fetch *f;
};

struct fetch {
	uv_loop_t *loop;
	const struct fetchopts *o;
	CURLM *multi;
	uv_timer_t timer;
	struct dl *dls;
	size_t ndls;
	size_t running;  /* easy handles in the multi */
	size_t left;     /* downloads not finished */
	size_t nopen;    /* open uv handles */
	size_t maxconn;
	long timeout;
	long backoff;
	int failed;
};

static void drain(struct fetch *f);
static void pump(struct fetch *f);

static int
validsum(const struct source *src)
{
	size_t n = strlen(src->sum);

	if (n != hashlen(src->alg))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)src->sum[i]) || isupper((unsigned char)src->sum[i]))
			return 0;
	return 1;
}

static int
validname(const char *s)
{
	return s && *s && !strchr(s, '/') && strcmp(s, ".") && strcmp(s, "..");
}

static char *
cachepath(const char *cache, const struct source *src)
{
	return xasprintf("%s/%s/%s", cache, hashname(src->alg), src->sum);
}

/* move a file that failed its check to <cache>/quarantine/<fname>.<actual>;
   the new path, or NULL after printing why not; caller frees */
static char *
quarantine(const char *cache, const char *path, const char *fname, const char *actual)
{
	char *dir = pathjoin(cache, "quarantine");
	char *q = xasprintf("%s/%s.%s", dir, fname, actual);

	if (mkdirs(dir, 0755) < 0 || rename(path, q) < 0) {
		if (errno)
			error("move '%s' to '%s':", path, q);
		unlink(path);
		free(q);
		q = NULL;
	}
	free(dir);
	return q;
}

char *
fetch_cached(const char *cache, const struct source *src)
{
	char *p = cachepath(cache, src), *q;
	char hex[HASH_HEXMAX];

	if (!exists(p) || hashfile(src->alg, p, hex) < 0) {
		free(p);
		return NULL;
	}
	if (strcmp(hex, src->sum) != 0) {
		q = quarantine(cache, p, src->fname, hex);
		warn("cached '%s' does not match its %s %s (it has %s); moved to '%s'",
			p, hashname(src->alg), src->sum, hex, q ? q : "(removed)");
		free(q);
		free(p);
		return NULL;
	}
	return p;
}

/* point <cache>/by-name/<fname> at the verified file; the link's path, or NULL */
static char *
namelink(const char *cache, const struct source *src)
{
	char *dir = pathjoin(cache, "by-name");
	char *link = pathjoin(dir, src->fname);
	char *tmp = xasprintf("%s/.%s.tmp.%d", dir, src->fname, (int)getpid());
	char *target = xasprintf("../%s/%s", hashname(src->alg), src->sum);

	if (mkdirs(dir, 0755) < 0) {
		free(link);
		link = NULL;
	} else if (unlink(tmp), symlink(target, tmp) < 0 || rename(tmp, link) < 0) {
		error("link '%s' to '%s':", link, target);
		unlink(tmp);
		free(link);
		link = NULL;
	}
	free(target);
	free(tmp);
	free(dir);
	return link;
}

static int
takecached(const char *cache, struct fetchitem *it, char *path)
{
	it->path = path;
	it->named = namelink(cache, it->src);
	return it->named ? 0 : -1;
}

void
fetchitem_release(struct fetchitem *it)
{
	free(it->path);
	free(it->named);
	it->path = it->named = NULL;
}

/* curl's callbacks */

static size_t
writecb(char *p, size_t sz, size_t nm, void *arg)
{
	struct dl *d = arg;
	size_t n = sz * nm, off = 0;
	ssize_t w;

	while (off < n) {
		w = write(d->fd, p + off, n - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			d->werr = errno;
			return 0;
		}
		off += w;
	}
	return n;
}

static int
xfercb(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
	struct dl *d = arg;
	const struct fetchopts *o = d->f->o;

	o->progress(o->arg, d->src->fname, d->resume + dlnow, dltotal ? d->resume + dltotal : 0);
	return 0;
}

static void
sockclosed(uv_handle_t *h)
{
	struct sock *k = h->data;

	k->f->nopen--;
	free(k);
}

static void
pollcb(uv_poll_t *h, int status, int events)
{
	struct sock *k = h->data;
	struct fetch *f = k->f;
	int flags = 0, running;

	if (status < 0)
		flags = CURL_CSELECT_ERR;
	if (events & UV_READABLE)
		flags |= CURL_CSELECT_IN;
	if (events & UV_WRITABLE)
		flags |= CURL_CSELECT_OUT;
	curl_multi_socket_action(f->multi, k->fd, flags, &running);
	drain(f);
}

static int
sockcb(CURL *e, curl_socket_t s, int what, void *userp, void *socketp)
{
	struct fetch *f = userp;
	struct sock *k = socketp;
	int ev = 0, rc;

	if (what == CURL_POLL_REMOVE) {
		if (k) {
			uv_poll_stop(&k->poll);
			uv_close((uv_handle_t *)&k->poll, sockclosed);
			curl_multi_assign(f->multi, s, NULL);
		}
		return 0;
	}
	if (!k) {
		k = xcalloc(1, sizeof(*k));
		k->fd = s;
		k->f = f;
		rc = uv_poll_init_socket(f->loop, &k->poll, s);
		if (rc < 0) {
			free(k);
			return error("poll socket %d: %s", (int)s, uv_strerror(rc));
		}
		k->poll.data = k;
		f->nopen++;
		curl_multi_assign(f->multi, s, k);
	}
	if (what & CURL_POLL_IN)
		ev |= UV_READABLE;
	if (what & CURL_POLL_OUT)
		ev |= UV_WRITABLE;
	rc = uv_poll_start(&k->poll, ev, pollcb);
	return rc < 0 ? error("poll socket %d: %s", (int)s, uv_strerror(rc)) : 0;
}

static void
ontimer(uv_timer_t *t)
{
	struct fetch *f = t->data;
	int running;

	curl_multi_socket_action(f->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	drain(f);
}

static int
timercb(CURLM *m, long ms, void *userp)
{
	struct fetch *f = userp;

	if (ms < 0)
		uv_timer_stop(&f->timer);
	else
		uv_timer_start(&f->timer, ontimer, ms, 0);
	return 0;
}

/* one attempt */

static int
start(struct dl *d)
{
	struct fetch *f = d->f;
	const char *url = d->urls.v[d->cur];
	struct stat st;
	CURL *e;

	d->fd = open(d->partial, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (d->fd < 0 || fstat(d->fd, &st) < 0)
		return error("open '%s':", d->partial);
	d->resume = st.st_size;
	d->werr = 0;
	d->errbuf[0] = '\0';
	d->easy = e = curl_easy_init();
	if (!e)
		return error("cannot start a transfer of '%s'", url);
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, d);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, writecb);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, d);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, d->errbuf);
	curl_easy_setopt(e, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(e, CURLOPT_MAXREDIRS, 10L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https,ftp,ftps,file");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https,ftp,ftps");
	curl_easy_setopt(e, CURLOPT_USERAGENT, "mlfs");
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, f->timeout);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, f->timeout);
	curl_easy_setopt(e, CURLOPT_RESUME_FROM_LARGE, d->resume);
	if (f->o->progress) {
		curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
		curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, xfercb);
		curl_easy_setopt(e, CURLOPT_XFERINFODATA, d);
	}
	if (curl_multi_add_handle(f->multi, e) != CURLM_OK) {
		curl_easy_cleanup(e);
		d->easy = NULL;
		return error("cannot start a transfer of '%s'", url);
	}
	d->state = DL_RUN;
	f->running++;
	return 0;
}

/* the verified file enters the cache */
static enum verdict
promote(struct dl *d, char **msg)
{
	const char *cache = d->f->o->cache;
	char *dir = xasprintf("%s/%s", cache, hashname(d->src->alg));

	if (mkdirs(dir, 0755) < 0) {
		free(dir);
		*msg = xasprintf("cannot store '%s' in the cache", d->src->fname);
		return V_FATAL;
	}
	free(dir);
	if (rename(d->partial, d->final) < 0) {
		*msg = xasprintf("rename '%s' to '%s': %s", d->partial, d->final, strerror(errno));
		return V_FATAL;
	}
	syncdir(d->final);
	if (takecached(cache, d->it, xstrdup(d->final)) < 0) {
		*msg = xasprintf("cannot name '%s' in the cache", d->src->fname);
		return V_FATAL;
	}
	return V_DONE;
}

static enum verdict
verify(struct dl *d, const char *url, char **msg)
{
	const struct source *src = d->src;
	char hex[HASH_HEXMAX], *q;

	if (hashfile(src->alg, d->partial, hex) < 0) {
		*msg = xasprintf("cannot verify '%s'", d->partial);
		return V_FATAL;
	}
	if (strcmp(hex, src->sum) == 0)
		return promote(d, msg);
	q = quarantine(d->f->o->cache, d->partial, src->fname, hex);
	*msg = xasprintf("checksum mismatch for '%s': expected %s %s, got %s; moved to '%s'",
		url, hashname(src->alg), src->sum, hex, q ? q : "(removed)");
	free(q);
	if (d->resume > 0 && !d->restarted)
		return V_RESTART;  /* the resumed part may be what was wrong */
	return V_NEXT;
}

static const char *
curlwhy(struct dl *d, CURLcode rc)
{
	size_t n = strlen(d->errbuf);

	while (n && d->errbuf[n - 1] == '\n')
		d->errbuf[--n] = '\0';
	return n ? d->errbuf : curl_easy_strerror(rc);
}

static enum verdict
judge(struct dl *d, CURLcode rc, long code, char **msg)
{
	const char *url = d->urls.v[d->cur];

	switch (rc) {
	case CURLE_OK:
		return verify(d, url, msg);
	case CURLE_WRITE_ERROR:
		if (d->werr) {
			*msg = xasprintf("write '%s': %s", d->partial, strerror(d->werr));
			return V_FATAL;
		}
		break;
	case CURLE_HTTP_RETURNED_ERROR:
		if (code == 416 && d->resume > 0 && !d->restarted) {
			*msg = xasprintf("'%s' refused to resume at byte %lld; restarting from zero",
				url, (long long)d->resume);
			return V_RESTART;
		}
		if (code == 404 || code == 410) {
			*msg = xasprintf("'%s' not found (http %ld)", url, code);
			return V_NEXT;
		}
		*msg = xasprintf("cannot fetch '%s': http %ld", url, code);
		return code >= 500 || code == 408 || code == 429 ? V_AGAIN : V_NEXT;
	case CURLE_RANGE_ERROR:
		if (d->resume > 0 && !d->restarted) {
			*msg = xasprintf("'%s' cannot resume at byte %lld; restarting from zero",
				url, (long long)d->resume);
			return V_RESTART;
		}
		break;
	case CURLE_OPERATION_TIMEDOUT:
		*msg = xasprintf("timed out: no data from '%s' for %ld s (%s)",
			url, d->f->timeout, curlwhy(d, rc));
		return V_AGAIN;
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_FTP_ACCEPT_TIMEOUT:
		*msg = xasprintf("cannot fetch '%s': %s", url, curlwhy(d, rc));
		return V_AGAIN;
	case CURLE_FILE_COULDNT_READ_FILE:
	case CURLE_REMOTE_FILE_NOT_FOUND:
		*msg = xasprintf("'%s' not found (%s)", url, curlwhy(d, rc));
		return V_NEXT;
	case CURLE_PEER_FAILED_VERIFICATION:
		*msg = xasprintf("tls certificate of '%s' not trusted: %s", url, curlwhy(d, rc));
		return V_NEXT;
	default:
		break;
	}
	*msg = xasprintf("cannot fetch '%s': %s", url, curlwhy(d, rc));
	return V_NEXT;
}

/* give up on d after printing msg (freed); summary: name the file and the urls tried */
static void
fail(struct dl *d, char *msg, int summary)
{
	error("%s", msg);
	free(msg);
	if (summary && (d->urls.n > 1 || d->round))
		error("cannot fetch '%s': tried %zu url%s", d->src->fname, d->urls.n,
			d->urls.n > 1 ? "s" : "");
	d->state = DL_DONE;
	d->f->left--;
	d->f->failed = 1;
}

static void
backedoff(uv_timer_t *t)
{
	struct dl *d = t->data;

	d->state = DL_READY;
	pump(d->f);
}

/* the url after d->cur that is still worth a try, or n */
static size_t
nexturl(struct dl *d, size_t from)
{
	while (from < d->urls.n && d->bad[from])
		from++;
	return from;
}

/* move on after the current url failed with msg */
static void
advance(struct dl *d, char *msg)
{
	struct fetch *f = d->f;
	size_t nx = nexturl(d, d->cur + 1);
	long delay;

	d->restarted = 0;
	if (nx < d->urls.n) {
		warn("%s", msg);
		free(msg);
		d->cur = nx;
		d->state = DL_READY;
		return;
	}
	if (!d->transient || d->round >= f->o->retries) {
		fail(d, msg, 1);
		return;
	}
	d->round++;
	d->transient = 0;
	d->cur = nexturl(d, 0);
	delay = f->backoff;
	for (int i = 1; i < d->round && delay < MAXBACKOFF; i++)
		delay *= 2;
	if (delay > MAXBACKOFF)
		delay = MAXBACKOFF;
	warn("%s; trying again in %ld ms", msg, delay);
	free(msg);
	if (!d->hastimer) {
		uv_timer_init(f->loop, &d->backoff);
		d->backoff.data = d;
		d->hastimer = 1;
		f->nopen++;
	}
	d->state = DL_WAIT;
	uv_timer_start(&d->backoff, backedoff, delay, 0);
}

/* a transfer ended with rc */
static void
finished(struct dl *d, CURLcode rc)
{
	struct fetch *f = d->f;
	char *msg = NULL;
	long code = 0;
	enum verdict v;

	curl_easy_getinfo(d->easy, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_cleanup(d->easy);
	d->easy = NULL;
	if (close(d->fd) < 0 && rc == CURLE_OK) {
		d->werr = errno;
		rc = CURLE_WRITE_ERROR;
	}
	d->fd = -1;
	v = judge(d, rc, code, &msg);
	switch (v) {
	case V_DONE:
		if (!f->o->quiet)
			fprintf(stderr, "%s: fetched '%s'\n", argv0, d->urls.v[d->cur]);
		d->state = DL_DONE;
		f->left--;
		break;
	case V_FATAL:
		fail(d, msg, 0);
		break;
	case V_RESTART:
		warn("%s", msg);
		free(msg);
		if (truncate(d->partial, 0) < 0 && errno != ENOENT) {
			fail(d, xasprintf("truncate '%s': %s", d->partial, strerror(errno)), 0);
			break;
		}
		d->restarted = 1;
		d->state = DL_READY;
		break;
	case V_AGAIN:
		d->transient = 1;
		advance(d, msg);
		break;
	case V_NEXT:
		d->bad[d->cur] = 1;
		advance(d, msg);
		break;
	}
}

/* take the finished transfers from curl */
static void
drain(struct fetch *f)
{
	CURLMsg *m;
	CURLcode rc;
	CURL *e;
	struct dl *d;
	char *pv;
	int left;

	while ((m = curl_multi_info_read(f->multi, &left))) {
		if (m->msg != CURLMSG_DONE)
			continue;
		e = m->easy_handle;
		rc = m->data.result;
		curl_easy_getinfo(e, CURLINFO_PRIVATE, &pv);
		d = (struct dl *)pv;
		curl_multi_remove_handle(f->multi, e);
		f->running--;
		finished(d, rc);
	}
	pump(f);
}

/* start waiting downloads while there is room */
static void
pump(struct fetch *f)
{
	for (size_t i = 0; i < f->ndls && f->running < f->maxconn; i++) {
		struct dl *d = &f->dls[i];

		if (d->state != DL_READY)
			continue;
		if (start(d) < 0) {
			if (d->fd >= 0)
				close(d->fd);
			d->fd = -1;
			fail(d, xasprintf("cannot fetch '%s'", d->src->fname), 0);
		}
	}
}

static void
addurls(struct dl *d, const struct fetchopts *o)
{
	const struct source *src = d->src;

	for (size_t i = 0; i < o->mirrors.n; i++) {
		const char *m = o->mirrors.v[i];
		size_t n = strlen(m);

		strvtake(&d->urls, xasprintf("%s%s%s", m, n && m[n - 1] == '/' ? "" : "/", src->fname));
	}
	if (src->url)
		strvadd(&d->urls, src->url);
	for (size_t i = 0; i < src->mirrors.n; i++)
		strvadd(&d->urls, src->mirrors.v[i]);
	d->bad = xcalloc(d->urls.n, 1);
}

/* check an item before anything happens */
static int
check(struct fetchitem *items, size_t n, size_t i)
{
	const struct source *src = items[i].src;

	if (src->kind != SRC_URL)
		return error("source '%s' is not a download", src->fname ? src->fname : "?");
	if (!validname(src->fname))
		return error("bad file name '%s' for '%s'", src->fname ? src->fname : "", src->url);
	if (!validsum(src))
		return error("bad %s checksum '%s' for '%s'", hashname(src->alg), src->sum, src->fname);
	for (size_t j = 0; j < i; j++) {
		const struct source *o = items[j].src;

		if (!strcmp(o->fname, src->fname) && (o->alg != src->alg || strcmp(o->sum, src->sum)))
			return error("two sources named '%s' with different checksums", src->fname);
	}
	return 0;
}

/* the earlier item with the same file, or i */
static size_t
firstsame(struct fetchitem *items, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (items[j].src->alg == items[i].src->alg && !strcmp(items[j].src->sum, items[i].src->sum))
			return j;
	return i;
}

/* a download with a complete partial file needs no transfer */
static int
partialdone(struct dl *d)
{
	char hex[HASH_HEXMAX], *msg = NULL;
	struct stat st;

	if (stat(d->partial, &st) < 0 || st.st_size == 0)
		return 0;
	if (hashfile(d->src->alg, d->partial, hex) < 0 || strcmp(hex, d->src->sum))
		return 0;
	if (promote(d, &msg) != V_DONE) {
		fail(d, msg, 0);
		return 1;
	}
	d->state = DL_DONE;
	d->f->left--;
	return 1;
}

static void
closed(uv_handle_t *h)
{
	struct fetch *f = h->data;

	f->nopen--;
}

static void
dlclosed(uv_handle_t *h)
{
	struct dl *d = h->data;

	d->f->nopen--;
}

static void
setup(struct fetch *f, uv_loop_t *loop, const struct fetchopts *o)
{
	f->loop = loop;
	f->o = o;
	f->maxconn = o->maxconn > 0 ? (size_t)o->maxconn : 4;
	f->timeout = o->timeout_s > 0 ? o->timeout_s : 60;
	f->backoff = o->backoff_ms > 0 ? o->backoff_ms : 1000;
	f->multi = curl_multi_init();
	if (!f->multi)
		fatal("cannot start libcurl");
	curl_multi_setopt(f->multi, CURLMOPT_SOCKETFUNCTION, sockcb);
	curl_multi_setopt(f->multi, CURLMOPT_SOCKETDATA, f);
	curl_multi_setopt(f->multi, CURLMOPT_TIMERFUNCTION, timercb);
	curl_multi_setopt(f->multi, CURLMOPT_TIMERDATA, f);
	uv_timer_init(loop, &f->timer);
	f->timer.data = f;
	f->nopen++;
}

static void
teardown(struct fetch *f)
{
	curl_multi_cleanup(f->multi);
	uv_close((uv_handle_t *)&f->timer, closed);
	for (size_t i = 0; i < f->ndls; i++)
		if (f->dls[i].hastimer)
			uv_close((uv_handle_t *)&f->dls[i].backoff, dlclosed);
	while (f->nopen)
		uv_run(f->loop, UV_RUN_ONCE);
	for (size_t i = 0; i < f->ndls; i++) {
		strvfree(&f->dls[i].urls);
		free(f->dls[i].bad);
		free(f->dls[i].partial);
		free(f->dls[i].final);
	}
	free(f->dls);
}

/* fetch the items not in the cache; -1 when one failed */
static int
transfer(uv_loop_t *loop, const struct fetchopts *o, struct fetchitem *items, size_t n, size_t *want, size_t nwant)
{
	struct fetch f = {0};
	char *partdir = pathjoin(o->cache, "partial");
	int rc = mkdirs(partdir, 0755);

	free(partdir);
	if (rc < 0)
		return -1;
	setup(&f, loop, o);
	f.dls = xcalloc(nwant, sizeof(*f.dls));
	f.ndls = f.left = nwant;
	for (size_t i = 0; i < nwant; i++) {
		struct dl *d = &f.dls[i];

		d->f = &f;
		d->it = &items[want[i]];
		d->src = d->it->src;
		d->fd = -1;
		d->partial = xasprintf("%s/partial/%s", o->cache, d->src->sum);
		d->final = cachepath(o->cache, d->src);
		addurls(d, o);
		if (partialdone(d))
			continue;
		if (d->urls.n == 0) {
			fail(d, xasprintf("no url for '%s'", d->src->fname), 0);
			continue;
		}
		d->state = DL_READY;
	}
	pump(&f);
	while (f.left) {
		uv_run(loop, UV_RUN_ONCE);
		if (f.left && !uv_loop_alive(loop))
			BUG("%zu downloads left and nothing to wait for", f.left);
	}
	rc = f.failed ? -1 : 0;
	teardown(&f);
	return rc;
}

int
fetch_run(uv_loop_t *loop, const struct fetchopts *o, struct fetchitem *items, size_t n)
{
	size_t *want = xcalloc(n, sizeof(*want)), nwant = 0;
	int rc = 0;
	char *p;

	for (size_t i = 0; i < n; i++) {
		items[i].path = items[i].named = NULL;
		if (check(items, n, i) < 0)
			rc = -1;
	}
	if (rc < 0 || mkdirs(o->cache, 0755) < 0) {
		free(want);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (firstsame(items, i) != i)
			continue;
		if ((p = fetch_cached(o->cache, items[i].src))) {
			if (takecached(o->cache, &items[i], p) < 0)
				rc = -1;
		} else if (o->offline) {
			rc = error("'%s' is not in the cache '%s' (offline)", items[i].src->fname, o->cache);
		} else {
			want[nwant++] = i;
		}
	}
	if (!o->offline && nwant && transfer(loop, o, items, n, want, nwant) < 0)
		rc = -1;
	free(want);
	for (size_t i = 0; i < n; i++) {
		size_t j = firstsame(items, i);

		if (j != i && items[j].path && takecached(o->cache, &items[i], xstrdup(items[j].path)) < 0)
			rc = -1;
	}
	return rc;
}
