#define _GNU_SOURCE
#include <archive.h>
#include <jansson.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include "guest.h"
#include "hash.h"
#include "preflight.h"
#include "profile.h"
#include "util.h"

extern char **environ;

/* run argv (searched in PATH when path is 0) with stdout and stderr to log;
   wait for that child only; its exit status, 128+signal, or -1 with errno when
   it could not be started */
static int
run(char *const *argv, int path, const char *log)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int rc, st;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	if (path)
		rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	else
		rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		errno = rc;
		return -1;
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* the first lines of a log, for messages; caller frees */
static char *
logtail(const char *log)
{
	char *s = readfile(log, NULL), *r;
	size_t n;

	if (!s)
		return xstrdup("");
	n = strcspn(s, "\n");
	r = xasprintf("%.*s", (int)(n > 300 ? 300 : n), s);
	free(s);
	return r;
}

/* the kernel's configuration text, from /proc/config.gz or /boot; caller frees */
static char *
kconfig(void)
{
	struct archive *a;
	struct archive_entry *ae;
	struct utsname u;
	struct buf b = {0};
	char tmp[65536], *path;
	la_ssize_t r;

	a = archive_read_new();
	archive_read_support_filter_gzip(a);
	archive_read_support_format_raw(a);
	if (archive_read_open_filename(a, "/proc/config.gz", sizeof(tmp)) == ARCHIVE_OK &&
	    archive_read_next_header(a, &ae) == ARCHIVE_OK) {
		while ((r = archive_read_data(a, tmp, sizeof(tmp))) > 0)
			bufadd(&b, tmp, r);
	}
	archive_read_free(a);
	if (b.s || uname(&u) < 0)
		return b.s;
	path = xasprintf("/boot/config-%s", u.release);
	b.s = readfile(path, NULL);
	free(path);
	return b.s;
}

/* why exec of a program of ABI a failed with errno e; caller frees */
static char *
execwhy(const struct abi *a, int e)
{
	char *cfg, *cmd, *why = NULL;
	const char *opt;

	if (e != ENOEXEC)
		return xasprintf("exec failed: %s", strerror(e));
	opt = a->machine == ELF_X86_64 && a->elfclass == 32 ? "CONFIG_X86_X32_ABI" :
		a->machine == ELF_I386 ? "CONFIG_IA32_EMULATION" : NULL;
	cfg = opt ? kconfig() : NULL;
	if (cfg) {
		char *unset = xasprintf("# %s is not set", opt), *set = xasprintf("%s=y", opt);
		if (strstr(cfg, unset))
			why = xasprintf("exec failed: %s (the kernel lacks %s)", strerror(e), opt);
		else if (strstr(cfg, set) && a->elfclass == 32 && a->machine == ELF_X86_64) {
			cmd = readfile("/proc/cmdline", NULL);
			if (!cmd || !strstr(cmd, "syscall.x32=y"))
				why = xasprintf("exec failed: %s (the kernel has %s but it is off: "
					"boot with syscall.x32=y)", strerror(e), opt);
			free(cmd);
		}
		free(unset);
		free(set);
		free(cfg);
	}
	return why ? why : xasprintf("exec failed: %s", strerror(e));
}

/* argv: the words of cc, then the rest (NULL-terminated); frees with strvfree */
static void
ccargv(struct strv *v, const char *cc, const char *mflag)
{
	char *s = xstrdup(cc), *save, *w;

	for (w = strtok_r(s, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
		strvadd(v, w);
	free(s);
	strvadd(v, mflag);
}

static const char *const probe =
	"#include <stdio.h>\n"
	"int main(void)\n{\n\tprintf(\"mlfs %d\\n\", (int)sizeof(void *));\n\treturn 0;\n}\n";

/* the test program of ABI a: it does not compile unless a's macros are defined */
static char *
source(const struct abi *a)
{
	struct buf b = {0};

	bufputs(&b, "#if !(");
	for (size_t i = 0; i < a->defines.n; i++)
		bufprintf(&b, "%sdefined(%s)", i ? " && " : "", a->defines.v[i]);
	if (!a->defines.n)
		bufputs(&b, "1");
	bufprintf(&b, ")\n#error \"the compiler does not target the %s ABI\"\n#endif\n", a->name);
	bufputs(&b, probe);
	return b.s;
}

/* compile, link and run for one ABI in directory dir */
static void
check(const struct abi *a, const char *cc, const char *dir, struct pfabi *r)
{
	char *src = xasprintf("%s/t-%s.c", dir, a->name), *obj = xasprintf("%s/t-%s.o", dir, a->name);
	char *exe = xasprintf("%s/t-%s", dir, a->name), *log = xasprintf("%s/t-%s.log", dir, a->name);
	char *text = source(a), *out;
	char *runv[] = { exe, NULL };
	struct strv v = {0};
	int st;

	r->abi = a->name;
	r->compiles = r->links = r->runs = -1;
	if (writefile(src, text, strlen(text), 0644) < 0)
		goto out;
	ccargv(&v, cc, a->mflag);
	strvadd(&v, "-c");
	strvadd(&v, src);
	strvadd(&v, "-o");
	strvadd(&v, obj);
	st = run(v.v, 0, log);
	r->compiles = st == 0;
	if (st != 0) {
		r->why = st < 0 ? xasprintf("cannot run '%s': %s", v.v[0], strerror(errno)) : logtail(log);
		goto out;
	}
	strvfree(&v);
	ccargv(&v, cc, a->mflag);
	strvadd(&v, obj);
	strvadd(&v, "-o");
	strvadd(&v, exe);
	st = run(v.v, 0, log);
	r->links = st == 0;
	if (st != 0) {
		r->why = logtail(log);
		goto out;
	}
	st = run(runv, 1, log);
	out = readfile(log, NULL);
	r->runs = st == 0 && out && startswith(out, "mlfs ");
	if (st < 0)
		r->why = execwhy(a, errno);
	else if (!r->runs)
		r->why = xasprintf("the test program exited with status %d", st);
	free(out);
out:
	strvfree(&v);
	free(text);
	free(src);
	free(obj);
	free(exe);
	free(log);
}

/* run the test program of r's ABI, already built in dir, in guest g */
static void
inguest(struct guest *g, const char *dir, struct pfabi *r)
{
	char *exe = xasprintf("%s/t-%s", dir, r->abi), *log = xasprintf("%s/g-%s.log", dir, r->abi);
	char *argv[] = {exe, NULL}, *env[] = {"PATH=/usr/bin:/bin", NULL}, *out;
	int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644), st;
	struct guestjob j = {.name = "preflight", .argv = argv, .env = env, .outfd = fd};

	st = fd >= 0 ? guest_run(g, &j) : -1;
	/* a guest that failed to boot or crashed gets a second chance */
	if (st < 0 && fd >= 0 && ftruncate(fd, 0) == 0 && lseek(fd, 0, SEEK_SET) == 0)
		st = guest_run(g, &j);
	r->guestfailed = st < 0;
	if (fd >= 0)
		close(fd);
	out = readfile(log, NULL);
	if (st == 0 && out && (startswith(out, "mlfs ") || strstr(out, "\nmlfs "))) {
		r->runs = 1;
		r->guest = xstrdup(guest_accel(g));
	} else {
		char *why = xasprintf("%s; nor in a QEMU guest (%s: %.*s)", r->why ? r->why : "",
			st < 0 ? "it failed" : "the program failed", out ? (int)strcspn(out, "\n") : 0,
			out ? out : "");
		free(r->why);
		r->why = why;
	}
	free(out);
	free(exe);
	free(log);
}

/* preflight, with the errors printed when loud; an ABI that cannot run here
   is tried in a guest whose state dir is gstate (NULL: no guest; "": a temp
   dir) */
static int
probeall(const struct profiles *p, const struct strv *abis, const char *cc,
	struct pfresult *out, int loud, const char *gstate)
{
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char *dir = xasprintf("%s/mlfs-preflight.XXXXXX", tmp), *gwhy = NULL;
	struct guest g;
	int rc = 0, gopen = 0;

	memset(out, 0, sizeof(*out));
	if (!cc)
		cc = "gcc";
	if (!mkdtemp(dir)) {
		rc = error("create a temp directory '%s':", dir);
		free(dir);
		return rc;
	}
	out->v = xcalloc(abis->n, sizeof(*out->v));
	for (size_t i = 0; i < abis->n; i++) {
		const struct abi *a = abi_get(p, abis->v[i]);
		struct pfabi *r = &out->v[out->n++];
		if (!a) {
			r->abi = abis->v[i];
			r->compiles = r->links = r->runs = -1;
			r->why = xstrdup("no such ABI profile");
			rc = error("preflight: no profile for ABI '%s'", abis->v[i]);
			continue;
		}
		check(a, cc, dir, r);
		if (gstate && r->links == 1 && r->runs != 1) {
			if (!gopen && !gwhy)
				gopen = guest_open(&g, *gstate ? gstate : dir, &gwhy) == 0;
			if (gopen)
				inguest(&g, dir, r);
		}
		if (!loud)
			continue;
		if (r->compiles == 0)
			rc = error("ABI %s: '%s %s' cannot compile a C program (%s); is gcc-multilib "
				"installed?", a->name, cc, a->mflag, r->why ? r->why : "");
		else if (r->links == 0)
			rc = error("ABI %s: '%s %s' cannot link a C program (%s); is gcc-multilib "
				"(with the ABI's C library) installed?", a->name, cc, a->mflag,
				r->why ? r->why : "");
	}
	if (gopen)
		guest_close(&g);
	free(gwhy);
	rmtree(dir);
	free(dir);
	return rc;
}

int
preflight(const struct profiles *p, const struct strv *abis, const char *cc,
	struct pfresult *out)
{
	return probeall(p, abis, cc, out, 1, NULL);
}

/* the id of the guest that would run programs here, "" when there is none */
static void
guestid(char *id)
{
	char *why = NULL;

	guest_ident(id, &why);
	free(why);
}

/* what a kept answer depends on: the kernel, each ABI's profile and the guest */
static void
norunkey(const struct profiles *p, const struct strv *abis, char *hex)
{
	struct hasher *h = hashnew(HASH_SHA256);
	struct utsname u;
	char gid[HASH_HEXMAX];

	hashstr(h, "canrun-v2");
	guestid(gid);
	hashstr(h, gid);
	if (uname(&u) == 0) {
		hashstr(h, u.release);
		hashstr(h, u.version);
		hashstr(h, u.machine);
	}
	for (size_t i = 0; i < abis->n; i++) {
		const struct abi *a = abi_get(p, abis->v[i]);
		hashstr(h, abis->v[i]);
		hashstr(h, a ? a->hash : "");
	}
	hashend(h, hex);
}

/* the kept answer for key: 0 and the norun and guest fields set, or -1 */
static int
norunload(struct profiles *p, const char *path, const char *key)
{
	json_t *c = json_load_file(path, 0, NULL), *v;
	const char *abi;
	int rc = -1;

	if (c && json_is_string(v = json_object_get(c, "key")) && !strcmp(json_string_value(v), key)) {
		json_object_foreach(json_object_get(c, "norun"), abi, v) {
			struct abi *a = abi_get(p, abi);
			if (a && json_is_string(v)) {
				free(a->norun);
				a->norun = xstrdup(json_string_value(v));
			}
		}
		json_object_foreach(json_object_get(c, "guest"), abi, v) {
			struct abi *a = abi_get(p, abi);
			if (a && json_is_string(v)) {
				free(a->guest);
				a->guest = xstrdup(json_string_value(v));
			}
		}
		rc = 0;
	}
	json_decref(c);
	return rc;
}

/* set the profiles' norun and guest from res and keep them in path when
   statedir exists */
static void
norunkeep(struct profiles *p, const struct pfresult *res, const char *statedir,
	const char *path, const char *key)
{
	json_t *c, *no = json_object(), *gu = json_object();
	char *text;

	for (size_t i = 0; i < res->n; i++) {
		struct abi *a = abi_get(p, res->v[i].abi);
		if (!a || res->v[i].compiles != 1 || res->v[i].links != 1)
			continue;
		if (res->v[i].guest) {
			free(a->guest);
			a->guest = xstrdup(res->v[i].guest);
			json_object_set_new(gu, a->name, json_string(a->guest));
		}
		if (res->v[i].runs == 1)
			continue;
		free(a->norun);
		a->norun = xstrdup(res->v[i].why ? res->v[i].why : "its programs do not run here");
		json_object_set_new(no, a->name, json_string(a->norun));
	}
	c = json_pack("{s:s, s:o, s:o}", "key", key, "norun", no, "guest", gu);
	text = json_dumps(c, JSON_INDENT(2) | JSON_SORT_KEYS);
	for (size_t i = 0; i < res->n; i++)
		if (res->v[i].guestfailed) {
			free(text);
			text = NULL;
		}
	/* kept only where a build has made the state dir, and not after a
	   guest failed (it may boot next time) */
	if (text && exists(statedir))
		writefile(path, text, strlen(text), 0644);
	free(text);
	json_decref(c);
}

void
pfnorun(struct profiles *p, const struct strv *abis, const char *statedir)
{
	char key[HASH_HEXMAX], *path = xasprintf("%s/canrun.json", statedir);
	struct pfresult res;

	norunkey(p, abis, key);
	if (norunload(p, path, key) == 0) {
		free(path);
		return;
	}
	probeall(p, abis, NULL, &res, 0, exists(statedir) ? statedir : "");
	norunkeep(p, &res, statedir, path, key);
	pfrelease(&res);
	free(path);
}

int
pfbuild(struct profiles *p, const struct strv *abis, const char *statedir, struct pfresult *out)
{
	char key[HASH_HEXMAX], *path = xasprintf("%s/canrun.json", statedir);
	int rc;

	norunkey(p, abis, key);
	if (norunload(p, path, key) == 0) {
		/* the kept guest answer; native runs are asked again (cheap) */
		rc = probeall(p, abis, NULL, out, 1, NULL);
		for (size_t i = 0; i < out->n; i++) {
			const struct abi *a = abi_get(p, out->v[i].abi);
			if (a && a->guest && out->v[i].links == 1 && out->v[i].runs != 1) {
				out->v[i].runs = 1;
				out->v[i].guest = xstrdup(a->guest);
			}
		}
	} else {
		rc = probeall(p, abis, NULL, out, 1, statedir);
		norunkeep(p, out, statedir, path, key);
	}
	free(path);
	return rc;
}

int
pfcanrun(const struct pfresult *r, const char *abi)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->v[i].abi, abi))
			return r->v[i].runs == 1;
	return 0;
}

static const char *
verb(int v, const char *yes, const char *no)
{
	return v == 1 ? yes : v == 0 ? no : "not tried";
}

/* "TCG" for "tcg" */
static char *
upper(const char *s)
{
	char *u = xstrdup(s);

	for (char *q = u; *q; q++)
		if (*q >= 'a' && *q <= 'z')
			*q -= 'a' - 'A';
	return u;
}

void
pfprint(const struct pfresult *r, FILE *f)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct pfabi *a = &r->v[i];
		fprintf(f, "%s: abi %s: %s, %s, %s", argv0, a->abi,
			verb(a->compiles, "compiles", "does not compile"),
			verb(a->links, "links", "does not link"),
			a->guest ? "cannot run natively" : verb(a->runs, "runs", "cannot run"));
		if (a->why)
			fprintf(f, ": %s", a->why);
		fputc('\n', f);
		if (a->guest) {
			char *acc = upper(a->guest);
			fprintf(f, "%s: %s: runs in a QEMU guest (%s)\n", argv0, a->abi, acc);
			free(acc);
		}
	}
}

void
pfrelease(struct pfresult *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].why);
		free(r->v[i].guest);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
}
