/*
 * The journal: $state/journal.jsonl. The first line is a header
 * {"mlfs_journal":1}; every other line is one compact JSON object
 *   {"node":"gmp:32","ev":"step","key":"<sha256>","step":"configure","t":1700000000,"secs":1.5}
 * appended with O_APPEND and fsynced before the transition it records is acted
 * on. Replay keeps the last event of each node. A line that does not parse (a
 * torn last line after a crash) is skipped with a warning. A journal of another
 * version is set aside and started anew: a lost journal only causes rebuilds.
 * Compaction writes journal.jsonl.tmp with one line per node, fsyncs it and
 * renames it over the journal.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "journal.h"
#include "util.h"

enum { JVERSION = 1 };

static const char *const evnames[] = {
	"none", "start", "step", "staged", "merged", "failed", "interrupted", "clean",
};

const char *
journal_evname(enum jevent ev)
{
	return evnames[ev];
}

static int
evparse(const char *s)
{
	for (size_t i = 0; i < sizeof(evnames) / sizeof(*evnames); i++)
		if (!strcmp(evnames[i], s))
			return i;
	return -1;
}

static size_t
strhash(const char *s)
{
	size_t h = 14695981039346656037ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* the index slot of node: where it is, or the free slot it would take */
static size_t *
probe(const struct journal *j, const char *node)
{
	size_t m = j->tabcap - 1, i = strhash(node) & m;

	while (j->tab[i] && strcmp(j->s[j->tab[i] - 1].node, node))
		i = (i + 1) & m;
	return &j->tab[i];
}

static void
rehash(struct journal *j)
{
	free(j->tab);
	j->tabcap = j->tabcap ? j->tabcap * 2 : 64;
	j->tab = xcalloc(j->tabcap, sizeof(*j->tab));
	for (size_t i = 0; i < j->n; i++)
		*probe(j, j->s[i].node) = i + 1;
}

static struct jstate *
slot(struct journal *j, const char *node)
{
	size_t *t;

	if (2 * (j->n + 1) > j->tabcap)
		rehash(j);
	t = probe(j, node);
	if (*t)
		return &j->s[*t - 1];
	if ((j->n & (j->n - 1)) == 0)
		j->s = xreallocarray(j->s, j->n ? j->n * 2 : 1, sizeof(*j->s));
	memset(&j->s[j->n], 0, sizeof(*j->s));
	j->s[j->n].node = xstrdup(node);
	*t = ++j->n;
	return &j->s[j->n - 1];
}

static void
apply(struct journal *j, const char *node, enum jevent ev, const char *key, const char *own,
	const char *step, double secs)
{
	struct jstate *s = slot(j, node);

	if (own && ev == J_START)
		snprintf(s->own, sizeof(s->own), "%s", own);
	s->ev = ev;
	if (key && (ev == J_START || !s->key[0]))
		snprintf(s->key, sizeof(s->key), "%s", key);
	if (ev == J_START || ev == J_CLEAN) {
		free(s->step);
		s->step = NULL;
	}
	if (step) {
		free(s->step);
		s->step = xstrdup(step);
	}
	if (ev == J_MERGED)
		s->secs = secs;
}

static int
replayline(struct journal *j, const char *line, size_t len, size_t lineno)
{
	json_error_t err;
	json_t *o = json_loadb(line, len, 0, &err);
	const char *node, *ev, *key = NULL, *own = NULL, *step = NULL;
	double secs = 0;
	int e;

	if (!o || json_unpack(o, "{s:s, s:s, s?s, s?s, s?s, s?F}", "node", &node, "ev", &ev,
		"key", &key, "own", &own, "step", &step, "secs", &secs) < 0 || (e = evparse(ev)) < 0) {
		warn("corrupt journal '%s': line %zu skipped", j->path, lineno);
		json_decref(o);
		return -1;
	}
	apply(j, node, e, key, own, step, secs);
	json_decref(o);
	return 0;
}

static int
replay(struct journal *j, char *text, size_t len)
{
	size_t lineno = 0;
	char *p = text, *end = text + len;

	while (p < end) {
		char *nl = memchr(p, '\n', end - p);
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		lineno++;
		if (lineno == 1) {
			json_t *h = json_loadb(p, n, 0, NULL);
			json_t *v = json_object_get(h, "mlfs_journal");
			int ok = json_is_integer(v) && json_integer_value(v) == JVERSION;
			json_decref(h);
			if (!ok)
				return -1;
		} else if (n && nl) {
			replayline(j, p, n, lineno);
		} else if (n) {
			warn("journal '%s': torn last line %zu ignored", j->path, lineno);
		}
		p += n + 1;
	}
	j->lines = lineno;
	return 0;
}

static int
header(int fd)
{
	char h[64];
	int n = snprintf(h, sizeof(h), "{\"mlfs_journal\":%d}\n", JVERSION);

	return write(fd, h, n) == n ? 0 : -1;
}

int
journal_read(struct journal *j, const char *path)
{
	size_t len = 0;
	char *text;
	int rc = 0;

	memset(j, 0, sizeof(*j));
	j->path = xstrdup(path);
	j->fd = -1;
	text = readfile(path, &len);
	if (!text && errno != ENOENT)
		rc = error("cannot read journal '%s':", path);
	else if (text && len && replay(j, text, len) < 0)
		rc = error("journal '%s' has an unknown version", path);
	free(text);
	return rc;
}

int
journal_open(struct journal *j, const char *path)
{
	size_t len = 0;
	char *text;

	memset(j, 0, sizeof(*j));
	j->path = xstrdup(path);
	text = readfile(path, &len);
	if (text && len && replay(j, text, len) < 0) {
		char *old = xasprintf("%s.old", path);
		warn("journal '%s' has an unknown version: set aside as '%s', starting anew", path, old);
		rename(path, old);
		free(old);
		for (size_t i = 0; i < j->n; i++)
			free(j->s[i].step), free(j->s[i].node);
		j->n = 0;
		if (j->tab)
			memset(j->tab, 0, j->tabcap * sizeof(*j->tab));
		len = 0;
	}
	free(text);
	j->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (j->fd < 0)
		return error("cannot open journal '%s':", path);
	if (!len || !exists(path)) {
		if (header(j->fd) < 0 || fsync(j->fd) < 0)
			return error("cannot write journal '%s':", path);
		j->lines = 1;
	} else if (lseek(j->fd, 0, SEEK_END) > 0) {
		/* a torn last line must not glue onto the next record */
		char c = 0;
		int rfd = open(path, O_RDONLY | O_CLOEXEC);
		if (rfd >= 0 && lseek(rfd, -1, SEEK_END) >= 0 && read(rfd, &c, 1) == 1 && c != '\n')
			if (write(j->fd, "\n", 1) != 1)
				warn("cannot repair journal '%s':", path);
		if (rfd >= 0)
			close(rfd);
	}
	return 0;
}

static char *
recordline(const char *node, enum jevent ev, const char *key, const char *own, const char *step,
	double secs)
{
	json_t *o = json_object();
	char *s, *line;

	json_object_set_new(o, "node", json_string(node));
	json_object_set_new(o, "ev", json_string(evnames[ev]));
	if (key && *key)
		json_object_set_new(o, "key", json_string(key));
	if (own && *own)
		json_object_set_new(o, "own", json_string(own));
	if (step)
		json_object_set_new(o, "step", json_string(step));
	if (secs > 0)
		json_object_set_new(o, "secs", json_real(secs));
	json_object_set_new(o, "t", json_integer(time(NULL)));
	s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	line = xasprintf("%s\n", s);
	free(s);
	return line;
}

static int
append(struct journal *j, const char *node, enum jevent ev, const char *key, const char *own,
	const char *step, double secs)
{
	char *line = recordline(node, ev, key, own, step, secs);
	size_t n = strlen(line);
	int rc = 0;

	if (write(j->fd, line, n) != (ssize_t)n || fdatasync(j->fd) < 0)
		rc = error("cannot write journal '%s':", j->path);
	free(line);
	if (rc == 0) {
		apply(j, node, ev, key, own, step, secs);
		j->lines++;
	}
	return rc;
}

int
journal_record(struct journal *j, const char *node, enum jevent ev, const char *key,
	const char *step, double secs)
{
	return append(j, node, ev, key, NULL, step, secs);
}

int
journal_start(struct journal *j, const char *node, const char *key, const char *own)
{
	return append(j, node, J_START, key, own, NULL, 0);
}

const struct jstate *
journal_get(const struct journal *j, const char *node)
{
	size_t *t;

	if (!j->tabcap)
		return NULL;
	t = probe(j, node);
	return *t ? &j->s[*t - 1] : NULL;
}

int
journal_compact(struct journal *j, int force)
{
	struct buf b = {0};
	int fd;

	if (!force && (j->lines < 100 || j->lines < 3 * j->n))
		return 0;
	bufprintf(&b, "{\"mlfs_journal\":%d}\n", JVERSION);
	for (size_t i = 0; i < j->n; i++) {
		struct jstate *s = &j->s[i];
		char *line;
		if (s->ev == J_CLEAN)
			continue;
		/* a node is replayed from its start, then its last event */
		line = recordline(s->node, J_START, s->key, s->own, NULL, 0);
		bufputs(&b, line);
		free(line);
		if (s->ev != J_START) {
			line = recordline(s->node, s->ev, s->key, NULL, s->step, s->secs);
			bufputs(&b, line);
			free(line);
		}
	}
	if (writefile(j->path, b.s, b.n, 0644) < 0) {
		buffree(&b);
		return -1;
	}
	buffree(&b);
	fd = open(j->path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0)
		return error("cannot reopen journal '%s':", j->path);
	close(j->fd);
	j->fd = fd;
	j->lines = 1 + 2 * j->n;
	return 0;
}

void
journal_close(struct journal *j)
{
	if (j->fd >= 0)
		close(j->fd);
	for (size_t i = 0; i < j->n; i++) {
		free(j->s[i].node);
		free(j->s[i].step);
	}
	free(j->s);
	free(j->tab);
	free(j->path);
	memset(j, 0, sizeof(*j));
}
