/*
 * icecc for every step (see icecc.h): a probe of the local daemon with a
 * bounded non-blocking connect; the toolchain tarballs of an LFS build's
 * stages, made by icecc-create-env in a worker (inside chroot $LFS for the
 * chroot's gcc) with a time limit; and the environment of a step.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "hash.h"
#include "icecc.h"
#include "util.h"

enum {
	PROBE_MS = 2000,
	ICECC_PORT = 10245,
	CREATE_S = 600,  /* the longest icecc-create-env may take */
};

/* the state dir as chrooted steps see it (step.h) */
static const char inside_state[] = "/run/mlfs/state";
/* Debian's icecc keeps icecc-create-env here when it is not in PATH */
static const char libexec_createenv[] = "/usr/lib/icecc/icecc-create-env";

/* connect to addr within PROBE_MS; 0 or -1 with errno */
static int
tryconnect(const struct sockaddr *addr, socklen_t len)
{
	int fd = socket(addr->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), err = 0;
	socklen_t el = sizeof(err);
	struct pollfd p;

	if (fd < 0)
		return -1;
	if (connect(fd, addr, len) < 0) {
		if (errno != EINPROGRESS) {
			err = errno;
			goto out;
		}
		p = (struct pollfd){.fd = fd, .events = POLLOUT};
		if (poll(&p, 1, PROBE_MS) <= 0)
			err = ETIMEDOUT;
		else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0)
			err = errno;
	}
out:
	close(fd);
	errno = err;
	return err ? -1 : 0;
}

int
icecc_probe(void)
{
	struct sockaddr_un un = {.sun_family = AF_UNIX};
	struct sockaddr_in in = {.sin_family = AF_INET, .sin_port = htons(ICECC_PORT)};
	char *icecc = findexec("icecc");

	if (!icecc) {
		warn("--icecc: no 'icecc' in PATH (scripts/deps.sh installs it): compiling locally");
		return 0;
	}
	free(icecc);
	snprintf(un.sun_path, sizeof(un.sun_path), "/var/run/icecc/iceccd.socket");
	if (tryconnect((struct sockaddr *)&un, sizeof(un)) == 0)
		return 1;
	in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (tryconnect((struct sockaddr *)&in, sizeof(in)) == 0)
		return 1;
	warn("--icecc: the local icecream daemon cannot be reached (/var/run/icecc/iceccd.socket, "
		"127.0.0.1:%d: %s); start iceccd pointed at the scheduler: compiling locally",
		ICECC_PORT, strerror(errno));
	return 0;
}

/* STATE/icecc/rel; caller frees */
static char *
icepath(const struct icecc *ic, const char *rel)
{
	return xasprintf("%s/icecc/%s", ic->state, rel);
}

/* the script chrooted steps run: the copy through its own loader */
static const char runner[] =
	"#!/bin/sh\n"
	"# icecc for chrooted steps: the machine's icecc with its own loader and libraries\n"
	"h=${0%/bin/icecc}/host\n"
	"exec \"$h/ld.so\" --library-path \"$h\" \"$h/icecc\" \"$@\"\n";

/* STATE/icecc/host: icecc, its libraries and loader, icecc-create-env;
   STATE/icecc/bin/icecc runs them; -1 with a message */
static int
chrootcopy(struct icecc *ic, const char *createenv)
{
	char *icecc = findexec("icecc"), *host = icepath(ic, "host"), *bin = icepath(ic, "bin");
	char *script = icepath(ic, "bin/icecc"), *ce = icepath(ic, "host/icecc-create-env");
	char *text = NULL;
	size_t len;
	int rc = -1;

	if (!icecc)
		error("no 'icecc' in PATH");
	else if (rmtree(host) == 0 && mkdirs(host, 0755) == 0 && mkdirs(bin, 0755) == 0 &&
	    bundleexec(icecc, host) == 0 && writefile(script, runner, strlen(runner), 0755) == 0) {
		if (!(text = readfile(createenv, &len)))
			error("cannot read '%s':", createenv);
		else
			rc = writefile(ce, text, len, 0755);
	}
	free(text);
	free(icecc);
	free(host);
	free(bin);
	free(script);
	free(ce);
	return rc;
}

static void dropstale(struct icecc *ic);

void
icecc_init(struct icecc *ic, const char *state, const char *lfs, const char *tgt,
	const struct strv *chroot)
{
	char *env;

	memset(ic, 0, sizeof(*ic));
	ic->state = state;
	ic->lfs = lfs;
	ic->tgt = xstrdup(tgt ? tgt : "");
	pthread_mutex_init(&ic->lock, NULL);
	for (size_t i = 0; chroot && i < chroot->n; i++)
		strvadd(&ic->chroot, chroot->v[i]);
	if (!lfs)
		return;
	env = icepath(ic, "env");
	if (!(ic->createenv = findexec("icecc-create-env")) && access(libexec_createenv, X_OK) == 0)
		ic->createenv = xstrdup(libexec_createenv);
	if (!ic->createenv)
		warn("--icecc: no 'icecc-create-env' (Debian's icecc has it): the stages of an LFS "
			"build compile locally");
	else if (mkdirs(env, 0755) < 0)
		warn("--icecc: the stages of an LFS build compile locally");
	else if (chrootcopy(ic, ic->createenv) < 0)
		warn("--icecc: no copy of icecc for chroot $LFS in '%s/icecc': the chroot and "
			"system stages compile locally", state);
	else
		ic->chrootok = 1;
	if (ic->createenv && !exists(env)) {
		free(ic->createenv);
		ic->createenv = NULL;
	}
	if (exists(env))
		dropstale(ic);
	free(env);
}

/* the toolchain a step's compiles use */
struct toolchain {
	char *gcc, *gxx;  /* the drivers as icecc-create-env gets them (inside $LFS for the chroot) */
	char *shown;      /* the C driver as a path of this machine */
	char key[48];     /* "cross-" or "chroot-" and 16 hex digits */
};

static void
tcfree(struct toolchain *t)
{
	free(t->gcc);
	free(t->gxx);
	free(t->shown);
}

/* path, a path inside root, with its last component's symbolic links
   followed inside root, as a path of this machine; NULL when missing */
static char *
rooted(const char *root, const char *path)
{
	char *p = xstrdup(path), target[PATH_MAX];

	for (int i = 0; i < 40; i++) {
		char *host = xasprintf("%s%s", root, p), *next;
		ssize_t n = readlink(host, target, sizeof(target) - 1);
		if (n < 0) {
			int linkless = errno == EINVAL;
			free(p);
			if (linkless && exists(host))
				return host;
			free(host);
			return NULL;
		}
		target[n] = '\0';
		next = linkabs(p, target);
		free(p);
		free(host);
		p = next;
	}
	free(p);
	return NULL;
}

/* feed the identity of file (a path of this machine) into h: the path, and
   when it exists its size, mtime and inode */
static void
feedfile(struct hasher *h, const char *file)
{
	struct stat st;
	char id[160];

	hashstr(h, file ? file : "");
	if (!file || stat(file, &st) < 0) {
		hashstr(h, "-");
		return;
	}
	snprintf(id, sizeof(id), "%lld %lld.%09ld %llu %llu", (long long)st.st_size,
		(long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec, (unsigned long long)st.st_ino,
		(unsigned long long)st.st_dev);
	hashstr(h, id);
}

/* feed every file matching pattern, in glob's sorted order */
static void
feedglob(struct hasher *h, const char *pattern)
{
	glob_t g = {0};

	if (glob(pattern, 0, NULL, &g) == 0)
		for (size_t i = 0; i < g.gl_pathc; i++)
			feedfile(h, g.gl_pathv[i]);
	globfree(&g);
}

/* where's toolchain and its key; -1 when its C driver does not exist (t->shown
   names it) */
static int
identify(const struct icecc *ic, enum icecc_where where, struct toolchain *t)
{
	int cross = where == ICECC_CROSS, rc;
	char *files[3], *cc1[2] = {NULL, NULL}, hex[HASH_HEXMAX];  /* paths of this machine */
	struct hasher *h = hashnew(HASH_SHA256);

	memset(t, 0, sizeof(*t));
	if (cross) {
		t->gcc = xasprintf("%s/tools/bin/%s-gcc", ic->lfs, ic->tgt);
		t->gxx = xasprintf("%s/tools/bin/%s-g++", ic->lfs, ic->tgt);
		t->shown = xstrdup(t->gcc);
		files[0] = access(t->gcc, X_OK) == 0 ? xstrdup(t->gcc) : NULL;
		files[1] = xstrdup(t->gxx);
		files[2] = xasprintf("%s/tools/bin/%s-as", ic->lfs, ic->tgt);
		cc1[0] = xasprintf("%s/tools/libexec/gcc/%s/*/cc1*", ic->lfs, ic->tgt);
	} else {
		t->gcc = xstrdup("/usr/bin/gcc");
		t->gxx = xstrdup("/usr/bin/g++");
		t->shown = xasprintf("%s%s", ic->lfs, t->gcc);
		files[0] = rooted(ic->lfs, t->gcc);
		files[1] = rooted(ic->lfs, t->gxx);
		files[2] = rooted(ic->lfs, "/usr/bin/as");
		cc1[0] = xasprintf("%s/usr/libexec/gcc/*/*/cc1*", ic->lfs);
		cc1[1] = xasprintf("%s/usr/lib/gcc/*/*/cc1*", ic->lfs);  /* where Debian has it */
	}
	hashstr(h, cross ? "cross" : "chroot");
	hashstr(h, ic->lfs);
	for (int i = 0; i < 3; i++)
		feedfile(h, files[i]);
	for (int i = 0; i < 2 && cc1[i]; i++)
		feedglob(h, cc1[i]);
	hashend(h, hex);
	snprintf(t->key, sizeof(t->key), "%s-%.16s", cross ? "cross" : "chroot", hex);
	rc = files[0] ? 0 : -1;
	for (int i = 0; i < 3; i++)
		free(files[i]);
	free(cc1[0]);
	free(cc1[1]);
	return rc;
}

/* run argv in cwd with a fixed environment and its output to log, in a
   process group of its own that is killed after CREATE_S seconds; its exit
   status, 128+signal, or -1 after a warning */
static int
runlogged(char *const argv[], const char *cwd, const char *log)
{
	char *envp[] = {"PATH=/usr/bin:/bin:/usr/sbin:/sbin", "LC_ALL=POSIX", NULL};
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	struct timespec tick = {0, 100 * 1000 * 1000};
	pid_t pid;
	int st, rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	posix_spawn_file_actions_addchdir_np(&fa, cwd);
	posix_spawnattr_init(&at);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setpgroup(&at, 0);
	rc = posix_spawnp(&pid, argv[0], &fa, &at, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	if (rc != 0) {
		errno = rc;
		warn("cannot run '%s':", argv[0]);
		return -1;
	}
	for (long waited = 0;; waited++) {
		pid_t r = waitpid(pid, &st, WNOHANG);
		if (r == pid)
			break;
		if (r < 0 && errno != EINTR) {
			warn("wait for '%s':", argv[0]);
			return -1;
		}
		if (waited >= CREATE_S * 10L) {
			kill(-pid, SIGKILL);
			while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
				;
			warn("'%s' took more than %d s and was killed", argv[0], CREATE_S);
			return -1;
		}
		nanosleep(&tick, NULL);
	}
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}

/* the one *.tar.gz in dir, or NULL; caller frees */
static char *
findtarball(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char *found = NULL;

	while (d && !found && (e = readdir(d)))
		if (endswith(e->d_name, ".tar.gz"))
			found = pathjoin(dir, e->d_name);
	if (d)
		closedir(d);
	return found;
}

/* run icecc-create-env for t in STATE/icecc/make-KEY and move its tarball
   to tar; -1 with a message */
static int
pack(struct icecc *ic, enum icecc_where where, const struct toolchain *t, const char *tar)
{
	char *rel = xasprintf("make-%s", t->key), *dir = icepath(ic, rel);
	char *logrel = xasprintf("%s.log", t->key), *log = icepath(ic, logrel), *made = NULL;
	struct strv argv = {0};
	int rc;

	if (rmtree(dir) < 0 || mkdirs(dir, 0755) < 0) {
		rc = -1;
		goto done;
	}
	if (where == ICECC_CHROOT) {
		for (size_t i = 0; i < ic->chroot.n; i++)
			strvadd(&argv, ic->chroot.v[i]);
		strvadd(&argv, "/bin/bash");
		strvadd(&argv, "-c");
		strvadd(&argv, "cd \"$1\" && exec /bin/bash \"$2\" \"$3\" \"$4\"");
		strvadd(&argv, "mlfs-icecc");
		strvtake(&argv, xasprintf("%s/icecc/%s", inside_state, rel));
		strvtake(&argv, xasprintf("%s/icecc/host/icecc-create-env", inside_state));
	} else {
		strvadd(&argv, ic->createenv);
	}
	strvadd(&argv, t->gcc);
	strvadd(&argv, t->gxx);
	rc = runlogged(argv.v, dir, log);
	if (rc > 0)
		warn("icecc-create-env failed with status %d", rc);
	else if (rc == 0 && !(made = findtarball(dir)))
		warn("icecc-create-env made no tarball in '%s'", dir);
	else if (rc == 0 && rename(made, tar) < 0)
		warn("cannot move '%s' to '%s':", made, tar);
	else if (rc == 0)
		goto out;
	rc = -1;
	warn("--icecc: cannot pack the toolchain of '%s' (icecc-create-env's output: '%s'): "
		"compiles with it stay local", t->shown, log);
out:
	rmtree(dir);
done:
	strvfree(&argv);
	free(rel);
	free(dir);
	free(logrel);
	free(log);
	free(made);
	return rc < 0 ? -1 : 0;
}

/* STATE/icecc/env/KEY.tar.gz; caller frees */
static char *
tarpath(const struct icecc *ic, const char *key)
{
	return xasprintf("%s/icecc/env/%s.tar.gz", ic->state, key);
}

/* remove KEY.tar.gz in env and KEY.log beside it; their bytes */
static unsigned long long
dropkey(const struct icecc *ic, const char *key)
{
	char *tar = tarpath(ic, key), *rel = xasprintf("%s.log", key), *log = icepath(ic, rel);
	struct stat st;
	unsigned long long bytes = stat(tar, &st) == 0 ? (unsigned long long)st.st_size : 0;

	if (unlink(tar) < 0 && errno != ENOENT)
		warn("--icecc: cannot remove '%s':", tar);
	unlink(log);
	free(log);
	free(rel);
	free(tar);
	return bytes;
}

/* drop the tarballs of toolchains $LFS no longer has (replaced by a later
   page, or removed with /tools): a build calls this before any step starts,
   so no compile is using one */
static void
dropstale(struct icecc *ic)
{
	char *env = icepath(ic, "env");
	DIR *d = opendir(env);
	struct strv keep = {0}, stale = {0};
	struct toolchain t;
	struct dirent *e;
	unsigned long long bytes = 0;

	if (identify(ic, ICECC_CROSS, &t) == 0)
		strvadd(&keep, t.key);
	tcfree(&t);
	if (identify(ic, ICECC_CHROOT, &t) == 0)
		strvadd(&keep, t.key);
	tcfree(&t);
	while (d && (e = readdir(d))) {
		size_t n = strlen(e->d_name);
		char *key = endswith(e->d_name, ".tar.gz") ? xasprintf("%.*s", (int)(n - 7), e->d_name) : NULL;
		if (key && strvfind(&keep, key) < 0)
			strvtake(&stale, key);
		else
			free(key);
	}
	if (d)
		closedir(d);
	for (size_t i = 0; i < stale.n; i++)
		bytes += dropkey(ic, stale.v[i]);
	if (stale.n)
		fprintf(stderr, "mlfs: icecc: removed %zu tarball(s) of toolchains that $LFS no longer "
			"has (%.1f MB)\n", stale.n, bytes / 1e6);
	strvfree(&keep);
	strvfree(&stale);
	free(env);
}

int
icecc_prepare(struct icecc *ic, enum icecc_where where, FILE *log)
{
	struct toolchain t;
	char *tar;
	int rc = 0;

	if (where == ICECC_HOST || !ic->createenv || (where == ICECC_CHROOT && !ic->chrootok))
		return 0;
	if (identify(ic, where, &t) < 0) {
		tcfree(&t);
		return 0;
	}
	tar = tarpath(ic, t.key);
	pthread_mutex_lock(&ic->lock);
	if (!exists(tar) && strvfind(&ic->failed, t.key) < 0) {
		unsigned long long t0 = nowns();
		rc = pack(ic, where, &t, tar);
		if (rc < 0)
			strvadd(&ic->failed, t.key);
		else if (log)
			fprintf(log, "mlfs: icecc: packed the toolchain of '%s' into '%s' (%.1f s)\n",
				t.shown, tar, (nowns() - t0) / 1e9);
	}
	pthread_mutex_unlock(&ic->lock);
	free(tar);
	tcfree(&t);
	return rc;
}

/* set key to value in env */
static void
setenvv(struct strv *env, const char *key, const char *value)
{
	size_t n = strlen(key);

	for (size_t i = 0; i < env->n; i++)
		if (!strncmp(env->v[i], key, n) && env->v[i][n] == '=') {
			free(env->v[i]);
			env->v[i] = xasprintf("%s=%s", key, value);
			return;
		}
	strvtake(env, xasprintf("%s=%s", key, value));
}

/* 1 the first time what is told about (then the caller warns), else 0 */
static int
firsttime(struct icecc *ic, const char *what)
{
	if (strvfind(&ic->told, what) >= 0)
		return 0;
	strvadd(&ic->told, what);
	return 1;
}

/* the tarball of where's toolchain, made already; NULL after a warning
   (once for each toolchain) when there is none; caller frees */
static char *
tarball(struct icecc *ic, enum icecc_where where)
{
	struct toolchain t;
	char *tar = NULL, *log;
	int failed;

	if (!ic->createenv || (where == ICECC_CHROOT && !ic->chrootok))
		return NULL;  /* said by icecc_init */
	if (identify(ic, where, &t) < 0) {
		if (firsttime(ic, t.shown))
			warn("--icecc: no compiler '%s' yet: compiling locally until it is built", t.shown);
		tcfree(&t);
		return NULL;
	}
	tar = tarpath(ic, t.key);
	if (!exists(tar)) {
		pthread_mutex_lock(&ic->lock);
		failed = strvfind(&ic->failed, t.key) >= 0;
		pthread_mutex_unlock(&ic->lock);
		log = xasprintf("%s/icecc/%s.log", ic->state, t.key);
		if (firsttime(ic, t.key))
			warn(failed ? "--icecc: icecc-create-env cannot pack '%s' (its output: '%s'): "
				"compiles with it stay local" : "--icecc: no toolchain tarball for '%s' "
				"(it changed since its node began): compiles with it stay local",
				t.shown, log);
		free(log);
		free(tar);
		tar = NULL;
	}
	tcfree(&t);
	return tar;
}

void
icecc_env(struct icecc *ic, struct strv *env, enum icecc_where where, int ccache)
{
	const char *keys[] = {"CC=", "CXX="};
	char *prog, *tar = NULL;

	if (where != ICECC_HOST) {
		if (!(tar = tarball(ic, where)))
			return;
		setenvv(env, "ICECC_VERSION", tar);
		free(tar);
	}
	prog = where == ICECC_CHROOT ? icepath(ic, "bin/icecc") : xstrdup("icecc");
	if (ccache) {
		setenvv(env, "CCACHE_PREFIX", prog);
		free(prog);
		return;
	}
	for (size_t i = 0; i < env->n; i++)
		for (int k = 0; k < 2; k++)
			if (startswith(env->v[i], keys[k]) && !strstr(env->v[i], "icecc ")) {
				char *kv = xasprintf("%s%s %s", keys[k], prog, env->v[i] + strlen(keys[k]));
				free(env->v[i]);
				env->v[i] = kv;
			}
	free(prog);
}

void
icecc_free(struct icecc *ic)
{
	free(ic->tgt);
	free(ic->createenv);
	strvfree(&ic->chroot);
	strvfree(&ic->failed);
	strvfree(&ic->told);
	pthread_mutex_destroy(&ic->lock);
	memset(ic, 0, sizeof(*ic));
}
