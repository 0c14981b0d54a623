/* stagescan: a node's staging dir read into the entries its ABI contributes:
   layout links followed, libraries moved to their ABI's libdir (ELF class and
   machine), symlinks and .pc files following them, .la, the info dir index and
   ignored paths dropped */
#define _GNU_SOURCE
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "elf.h"
#include "hash.h"
#include "manifest.h"
#include "merge.h"
#include "mergerules.h"
#include "profile.h"
#include "recipe.h"
#include "stagescan.h"
#include "util.h"

/* a staged entry while scanning */
struct raw {
	char *path;    /* in the root */
	char *staged;  /* absolute path in the staging dir */
	enum ftype type;
	int mode;
	char *target;
	char *data;    /* rewritten content */
	size_t len;
	int moved;
};

struct stagescan {
	const struct mergectx *m;
	const struct recipe *r;
	const char *abi;
	struct raw *v;
	size_t n, cap;
	struct strv from, to;  /* relocations: old path, new path */
	int err;
};

/* 1 when the whole text has no NUL byte */
int
scan_istext(const char *p, size_t n)
{
	return memchr(p, '\0', n) == NULL;
}

static int
pathchar(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		c == '_' || c == '.' || c == '-' || c == '+';
}

/* replace every whole-path occurrence of directory from (followed by '/' or the
   end of the path) by to; *n counts the replacements */
char *
scan_pathsubst(const char *s, size_t len, const char *from, const char *to, int *n)
{
	struct buf b = {0};
	size_t fl = strlen(from);

	*n = 0;
	for (size_t i = 0; i < len;) {
		int before = i == 0 || !pathchar((unsigned char)s[i - 1]) ||
			(i >= 2 && s[i - 2] == '-' && (s[i - 1] == 'L' || s[i - 1] == 'I'));
		if (before && i + fl <= len && !memcmp(s + i, from, fl) &&
		    (i + fl == len || !pathchar((unsigned char)s[i + fl]))) {
			bufputs(&b, to);
			i += fl;
			(*n)++;
			continue;
		}
		bufadd(&b, s + i, 1);
		i++;
	}
	if (!b.s)
		b.s = xstrdup("");
	return b.s;
}

/* sha256 of a gzip file's decompressed content, from a file or a buffer */
static int
gunziphash(const char *file, const void *data, size_t len, char *hex)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ae;
	struct hasher *h;
	char tmp[65536];
	la_ssize_t r;
	int rc = -1;

	archive_read_support_filter_gzip(a);
	archive_read_support_format_raw(a);
	if (data)
		r = archive_read_open_memory(a, data, len);
	else
		r = archive_read_open_filename(a, file, sizeof(tmp));
	if (r != ARCHIVE_OK || archive_read_next_header(a, &ae) != ARCHIVE_OK ||
	    archive_filter_code(a, 0) != ARCHIVE_FILTER_GZIP) {
		archive_read_free(a);
		return -1;
	}
	h = hashnew(HASH_SHA256);
	while ((r = archive_read_data(a, tmp, sizeof(tmp))) > 0)
		hashadd(h, tmp, r);
	hashend(h, hex);
	if (r == 0)
		rc = 0;
	archive_read_free(a);
	return rc;
}

static struct raw *
rawadd(struct stagescan *s)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->v = xreallocarray(s->v, s->cap, sizeof(*s->v));
	}
	memset(&s->v[s->n], 0, sizeof(s->v[0]));
	return &s->v[s->n++];
}

static void
scanfree(struct stagescan *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].path);
		free(s->v[i].staged);
		free(s->v[i].target);
		free(s->v[i].data);
	}
	free(s->v);
	strvfree(&s->from);
	strvfree(&s->to);
}

/* the mode a staged file is merged with: setuid and setgid bits only where
   the recipe's multilib.setuid names the file; a drop is said in the node's log */
static int
filemode(const struct recipe *r, const char *path, mode_t mode)
{
	mode &= 07777;
	if (!(mode & 06000))
		return mode;
	for (size_t i = 0; i < r->setuid.n; i++)
		if (fnmatch(r->setuid.v[i], path, 0) == 0)
			return mode;
	warn("'%s' of '%s': setuid/setgid bits dropped (mode %04o; a multilib.setuid rule "
		"keeps them)", path, r->name, (unsigned)mode);
	return mode & ~06000;
}

/* the root's own directory link at prefix pre of a path (a merged-/usr root's
   /bin -> usr/bin), as an absolute path in the root; NULL when pre is no link
   to a directory there. Absolute and ".." targets stay inside the root. */
static char *
rootdirlink(const char *root, const char *pre)
{
	char *full = pathjoin(root, pre), *t = NULL, *tfull;
	char buf[PATH_MAX];
	struct stat st;
	ssize_t n;

	if (lstat(full, &st) == 0 && S_ISLNK(st.st_mode) &&
	    (n = readlink(full, buf, sizeof(buf) - 1)) > 0) {
		buf[n] = '\0';
		t = linkabs(pre, buf);
		tfull = pathjoin(root, t);
		if (stat(tfull, &st) < 0 || !S_ISDIR(st.st_mode) || !strcmp(t, "/")) {
			free(t);
			t = NULL;
		}
		free(tfull);
	}
	free(full);
	return t;
}

/* the first root directory link among the first end bytes of path p: its
   target, with *len the length of the prefix it replaces; NULL when none */
static char *
firstlink(const char *root, const char *p, size_t end, size_t *len)
{
	for (size_t i = 1; i <= end; i++) {
		if (i < end && p[i] != '/')
			continue;
		char *pre = xasprintf("%.*s", (int)i, p), *t = rootdirlink(root, pre);
		free(pre);
		if (t) {
			*len = i;
			return t;
		}
	}
	return NULL;
}

/* path with the root's directory links on the way followed (the last
   component too when whole): a file staged in /bin goes where the root's
   /bin leads, not over the link; caller frees */
static char *
rootcanon(const char *root, const char *path, int whole)
{
	char *p = xstrdup(path), *t;
	size_t len;

	for (int hops = 0; hops < 40; hops++) {
		size_t end = whole ? strlen(p) : (size_t)(strrchr(p, '/') - p);
		if (!(t = firstlink(root, p, end, &len)))
			break;
		char *np = xasprintf("%s%s", t, p + len);
		free(t);
		free(p);
		p = np;
	}
	return p;
}

/* the target of a staged link at lc (its path in the staging dir) that goes
   to c in the root: a relative target is made again from c's directory */
static char *
movedtarget(const char *root, const char *lc, const char *c, const char *target)
{
	char *ld = dirof(lc), *cd = dirof(c), *t;

	if (target[0] == '/' || !strcmp(ld, cd)) {
		t = xstrdup(target);
	} else {
		char *abs = linkabs(lc, target), *canon = rootcanon(root, abs, 1);
		t = pathrel(cd, canon);
		free(canon);
		free(abs);
	}
	free(ld);
	free(cd);
	return t;
}

static int
walk(struct stagescan *s, const char *dir, const char *rel)
{
	const struct layout *l = &s->m->prof->layout;
	DIR *d = opendir(dir);
	struct dirent *de;
	struct stat st;
	int rc = 0, islink;

	if (!d)
		return error("open directory '%s':", dir);
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		char *full = pathjoin(dir, de->d_name);
		char *r = xasprintf("%s/%s", rel, de->d_name);
		if (lstat(full, &st) < 0) {
			rc = error("stat '%s':", full);
			free(full);
			free(r);
			continue;
		}
		/* through the layout's links, then the root's own */
		char *lc = layout_canon(l, r, &islink);
		char *c = rootcanon(s->m->root, lc, S_ISDIR(st.st_mode));
		if (S_ISDIR(st.st_mode)) {
			struct raw *e = rawadd(s);
			e->path = xstrdup(c);
			e->staged = xstrdup(full);
			e->type = FT_DIR;
			e->mode = st.st_mode & 07777;
			if (walk(s, full, r) < 0)
				rc = -1;
		} else if (S_ISLNK(st.st_mode) && islink) {
			/* the layout's own link, made by the glue */
		} else if (S_ISLNK(st.st_mode) || S_ISREG(st.st_mode)) {
			struct raw *e = rawadd(s);
			e->path = xstrdup(c);
			e->staged = xstrdup(full);
			e->type = S_ISLNK(st.st_mode) ? FT_LINK : FT_FILE;
			e->mode = S_ISLNK(st.st_mode) ? 0777 : filemode(s->r, c, st.st_mode);
			if (e->type == FT_LINK) {
				char buf[PATH_MAX];
				ssize_t n = readlink(full, buf, sizeof(buf) - 1);
				if (n < 0)
					rc = error("read link '%s':", full);
				buf[n < 0 ? 0 : n] = '\0';
				e->target = movedtarget(s->m->root, lc, c, buf);
			}
		} else {
			rc = error("'%s' is neither a file, a directory nor a symlink", full);
		}
		free(full);
		free(r);
		free(lc);
		free(c);
	}
	closedir(d);
	return rc;
}

/* 1 when dir holds libraries: a layout libdir, or /lib*, /usr/lib* (not libexec) */
static int
libish(const struct layout *l, const char *dir)
{
	const char *b;

	if (layout_abi_of(l, dir))
		return 1;
	if (startswith(dir, "/usr/"))
		dir += 4;
	b = dir + 1;
	return dir[0] == '/' && startswith(b, "lib") && !strchr(b, '/') && strcmp(b, "libexec");
}

static void
relocate(struct stagescan *s, struct raw *e, char *to)
{
	strvadd(&s->from, e->path);
	strvadd(&s->to, to);
	free(e->path);
	e->path = to;
	e->moved = 1;
}

/* rule 1: libraries of ABI a belong directly in a's libdir */
static void
scanlib(struct stagescan *s, struct raw *e)
{
	const struct layout *l = &s->m->prof->layout;
	struct elfinfo ei;
	const char *eabi, *want, *wantdir;
	char *dir = dirof(e->path);

	if (!libish(l, dir) || elfclassify(e->staged, &ei) < 0 || ei.kind == ELF_NONE)
		goto out;
	eabi = elfabi(s->m->prof, &ei);
	if (!eabi) {
		s->err = error("'%s' is an ELF%d %s for machine %d, which no ABI profile describes",
			e->path, ei.elfclass, elfkindname(ei.kind), ei.machine);
		goto out;
	}
	want = s->r->onepass ? eabi : s->abi;
	if (strcmp(eabi, want)) {
		s->err = error("'%s' (%s) is of ABI %s, but node '%s:%s' builds ABI %s",
			e->path, elfkindname(ei.kind), eabi, s->r->name, s->abi, want);
		goto out;
	}
	wantdir = layout_libdir(l, want);
	if (!wantdir) {
		s->err = error("'%s': layout '%s' has no libdir for ABI %s", e->path, l->name, want);
	} else if (strcmp(dir, wantdir)) {
		if (!s->r->relocate)
			s->err = error("'%s' (%s of ABI %s) is outside its libdir '%s' "
				"and recipe '%s' does not allow 'relocate'", e->path,
				elfkindname(ei.kind), want, wantdir, s->r->name);
		else
			relocate(s, e, xasprintf("%s/%s", wantdir, baseof(e->path)));
	}
out:
	free(dir);
}

/* the node's libdir when dir is some other libdir, else NULL */
static const char *
wrongdir(const struct stagescan *s, const char *dir)
{
	const char *want = layout_libdir(&s->m->prof->layout, s->abi);

	if (s->r->onepass || !want || !libish(&s->m->prof->layout, dir) || !strcmp(dir, want))
		return NULL;
	return want;
}

/* move symlinks whose targets were relocated; 1 when one moved */
static int
scanlinks(struct stagescan *s)
{
	const struct layout *l = &s->m->prof->layout;
	int moved = 0, islink;

	for (size_t i = 0; i < s->n; i++) {
		struct raw *e = &s->v[i];
		if (e->type != FT_LINK || e->moved)
			continue;
		char *dir = dirof(e->path);
		char *t = linkabs(e->path, e->target), *ct = layout_canon(l, t, &islink);
		long k = strvfind(&s->from, ct);
		if (wrongdir(s, dir) && k >= 0) {
			const char *nt = s->to.v[k];
			char *ndir = dirof(nt);
			free(e->target);
			e->target = xstrdup(baseof(nt));
			relocate(s, e, xasprintf("%s/%s", ndir, baseof(e->path)));
			free(ndir);
			moved = 1;
		}
		free(dir);
		free(t);
		free(ct);
	}
	return moved;
}

/* rewrite a relocated .pc file's libdir= and -L paths */
static void
pcrewrite(struct raw *e, const char *olddir, const char *newdir)
{
	size_t len;
	char *text = readfile(e->staged, &len), *sub;
	struct buf b = {0};
	int n;

	if (!text) {
		error("read '%s':", e->staged);
		return;
	}
	for (char *line = text, *nl; *line; line = nl) {
		nl = strchr(line, '\n');
		nl = nl ? nl + 1 : line + strlen(line);
		if (startswith(line, "libdir=")) {
			bufprintf(&b, "libdir=%s\n", newdir);
			continue;
		}
		sub = scan_pathsubst(line, nl - line, olddir, newdir, &n);
		bufputs(&b, sub);
		free(sub);
	}
	free(text);
	e->data = b.s ? b.s : xstrdup("");
	e->len = b.n;
}

/* pkg-config files of the node's libraries staged in another libdir */
static void
scanpc(struct stagescan *s, struct raw *e)
{
	char *dir = dirof(e->path), *libdir = dirof(dir);
	const char *want = wrongdir(s, libdir);

	if (!endswith(e->path, ".pc") || strcmp(baseof(dir), "pkgconfig") || !want)
		goto out;
	if (!s->r->relocate) {
		s->err = error("'%s' of node '%s:%s' is outside '%s/pkgconfig' "
			"and recipe '%s' does not allow 'relocate'", e->path, s->r->name,
			s->abi, want, s->r->name);
		goto out;
	}
	pcrewrite(e, libdir, want);
	if (!e->data)
		s->err = -1;
	relocate(s, e, xasprintf("%s/pkgconfig/%s", want, baseof(e->path)));
out:
	free(dir);
	free(libdir);
}

static int
ignored(const struct recipe *r, const char *path)
{
	const struct mrule *rule = rules_find(r, path);

	return rule && !strcmp(rule->action, "ignore");
}

static int
rawcmp(const void *a, const void *b)
{
	return strcmp(((const struct raw *)a)->path, ((const struct raw *)b)->path);
}

/* hash a raw entry into a contribution entry, taking its strings */
static int
centryfrom(struct centry *c, struct raw *e)
{
	c->path = xstrdup(e->path);
	c->type = e->type;
	c->mode = e->mode;
	c->target = e->target;
	c->data = e->data;
	c->len = e->len;
	e->target = e->data = NULL;
	if (c->type == FT_DIR)
		return 0;
	if (c->type == FT_LINK) {
		hashbuf(HASH_SHA256, c->target, strlen(c->target), c->hash);
		strcpy(c->key, c->hash);
		return 0;
	}
	if (c->data)
		hashbuf(HASH_SHA256, c->data, c->len, c->hash);
	else {
		c->src = xstrdup(e->staged);
		if (hashfile(HASH_SHA256, c->src, c->hash) < 0)
			return -1;
	}
	if (!endswith(c->path, ".gz") || gunziphash(c->src, c->data, c->len, c->key) < 0)
		strcpy(c->key, c->hash);
	return 0;
}

int
scan_neverinstalled(const char *path)
{
	/* libtool archives go, as the book removes them; each package's install
	   rewrites the info index with its own entries (install-info can make it
	   again from the manuals); glibc's install makes a loader cache of its
	   staging dir, and the build makes the root's after each merge */
	return endswith(path, ".la") || !strcmp(path, "/usr/share/info/dir") ||
		!strcmp(path, "/etc/ld.so.cache");
}

/* stagescan stagedir into the contribution c of node r:abi; -1 after printing errors */
int
stagescan(const struct mergectx *m, const struct recipe *r, const char *abi,
	const char *stagedir, struct contrib *c)
{
	struct stagescan s = { .m = m, .r = r, .abi = abi };

	if (walk(&s, stagedir, "") < 0)
		s.err = -1;
	for (size_t i = 0; i < s.n; i++)
		if (s.v[i].type == FT_FILE && !endswith(s.v[i].path, ".la"))
			scanlib(&s, &s.v[i]);
	while (scanlinks(&s))
		;
	for (size_t i = 0; i < s.n; i++)
		if (s.v[i].type == FT_FILE && !s.v[i].moved)
			scanpc(&s, &s.v[i]);
	if (s.n)
		qsort(s.v, s.n, sizeof(*s.v), rawcmp);
	for (size_t i = 0; i < s.n && !s.err; i++) {
		struct raw *e = &s.v[i];
		if (i && !strcmp(e->path, s.v[i - 1].path)) {
			if (e->type == FT_DIR && s.v[i - 1].type == FT_DIR)
				continue;
			s.err = error("'%s' and '%s' are both staged as '%s'", s.v[i - 1].staged,
				e->staged, e->path);
			break;
		}
		/* rule 6 */
		if ((e->type == FT_FILE && scan_neverinstalled(e->path)) || ignored(r, e->path))
			continue;
		if (centryfrom(centry_add(c), e) < 0)
			s.err = -1;
	}
	scanfree(&s);
	return s.err ? -1 : 0;
}
