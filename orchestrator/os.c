/* os: files, directories, paths and processes */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "os.h"
#include "util.h"

char *
readfile(const char *path, size_t *len)
{
	struct buf b = {0};
	char tmp[65536];
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	while ((r = read(fd, tmp, sizeof(tmp))) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			buffree(&b);
			errno = e;
			return NULL;
		}
		bufadd(&b, tmp, r);
	}
	close(fd);
	if (!b.s)
		b.s = xstrdup("");
	if (len)
		*len = b.n;
	return b.s;
}

int
writeall(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		len -= w;
	}
	return 0;
}

int
syncdir(const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	int fd, rc = 0;

	if (slash == dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		strcpy(dir, ".");
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0)
		rc = error("sync directory '%s':", dir);
	if (fd >= 0)
		close(fd);
	free(dir);
	return rc;
}

int
writefile(const char *path, const void *data, size_t len, int mode)
{
	char *tmp = xasprintf("%s.tmp.%d", path, (int)getpid());
	int fd;

	/* a fresh file of ours: a stale temp (or a link planted there) goes first
	   and is never followed */
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0) {
		error("create '%s':", tmp);
		free(tmp);
		return -1;
	}
	if (writeall(fd, data, len) < 0 || fsync(fd) < 0) {
		error("write '%s':", tmp);
		close(fd);
		unlink(tmp);
		free(tmp);
		return -1;
	}
	close(fd);
	if (rename(tmp, path) < 0) {
		error("rename '%s' to '%s':", tmp, path);
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return syncdir(path);
}

int
mkparent(const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	int rc = 0;

	if (slash && slash != dir) {
		*slash = '\0';
		rc = mkdirs(dir, 0755);
	}
	free(dir);
	return rc;
}

int
mkdirs(const char *path, int mode)
{
	char *p = xstrdup(path);
	struct stat st;

	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST) {
			error("create directory '%s':", p);
			free(p);
			return -1;
		}
		if (stat(p, &st) < 0 || !S_ISDIR(st.st_mode)) {
			errno = ENOTDIR;
			error("create directory '%s':", p);
			free(p);
			return -1;
		}
		*s = c;
		if (!c)
			break;
	}
	free(p);
	return 0;
}

/* remove name in directory dfd (shown as shown in messages) without ever
   following a symlink: a directory is opened with O_NOFOLLOW and emptied
   through its fd, so a directory swapped for a link meanwhile is not entered */
static int
rmat(int dfd, const char *name, const char *shown)
{
	struct dirent *e;
	DIR *d;
	int fd, rc = 0;

	if (unlinkat(dfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return error("remove '%s':", shown);
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : error("open directory '%s':", shown);
	fchmod(fd, 0700);
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return error("open directory '%s':", shown);
	}
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *sub = pathjoin(shown, e->d_name);
		if (rmat(dirfd(d), e->d_name, sub) < 0)
			rc = -1;
		free(sub);
	}
	closedir(d);
	if (rc == 0 && unlinkat(dfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		rc = error("remove directory '%s':", shown);
	return rc;
}

int
rmtree(const char *path)
{
	return rmat(AT_FDCWD, path, path);
}

int
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

char *
pathjoin(const char *a, const char *b)
{
	size_t n = strlen(a);

	while (*b == '/')
		b++;
	if (n && a[n - 1] == '/')
		return xasprintf("%s%s", a, b);
	return xasprintf("%s/%s", a, b);
}

char *
abspath(const char *path)
{
	struct buf b = {0};
	char cwd[PATH_MAX];
	char *tmp, *tok, *save;
	struct strv parts = {0};

	if (path[0] == '/') {
		tmp = xstrdup(path);
	} else {
		if (!getcwd(cwd, sizeof(cwd)))
			fatal("getcwd:");
		tmp = pathjoin(cwd, path);
	}
	for (tok = strtok_r(tmp, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		if (!strcmp(tok, "."))
			continue;
		if (!strcmp(tok, "..")) {
			if (parts.n)
				free(parts.v[--parts.n]);
			continue;
		}
		strvadd(&parts, tok);
	}
	for (size_t i = 0; i < parts.n; i++) {
		bufputs(&b, "/");
		bufputs(&b, parts.v[i]);
	}
	if (!b.n)
		bufputs(&b, "/");
	strvfree(&parts);
	free(tmp);
	return b.s;
}

int
runwait(char *const argv[], const char *cwd)
{
	return runwaitto(argv, cwd, -2);
}

/* outfd -2: stdout and stderr stay this process's */
int
runwaitto(char *const argv[], const char *cwd, int outfd)
{
	extern char **environ;
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int st, rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (outfd == -1)
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	else if (outfd >= 0)
		posix_spawn_file_actions_adddup2(&fa, outfd, 1);
	if (outfd != -2)
		posix_spawn_file_actions_adddup2(&fa, 1, 2);
	if (cwd)
		posix_spawn_file_actions_addchdir_np(&fa, cwd);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		errno = rc;
		return error("cannot run '%s':", argv[0]);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return error("wait for '%s':", argv[0]);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}

char *
dirof(const char *path)
{
	const char *s = strrchr(path, '/');

	if (!s || s == path)
		return xstrdup("/");
	return xasprintf("%.*s", (int)(s - path), path);
}

const char *
baseof(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

int
replacelink(const char *target, const char *path)
{
	char *tmp = xasprintf("%s.mlfs-new", path);
	int rc = 0;

	unlink(tmp);
	if (symlink(target, tmp) < 0)
		rc = error("create symlink '%s':", tmp);
	else if (rename(tmp, path) < 0)
		rc = error("rename '%s' to '%s':", tmp, path);
	else
		rc = syncdir(path);
	free(tmp);
	return rc;
}

int
freshdir(const char *dest)
{
	DIR *d;
	struct dirent *e;
	int n = 0;

	if (mkdirs(dest, 0755) < 0)
		return -1;
	if (!(d = opendir(dest)))
		return error("open directory '%s':", dest);
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n ? 1 : 0;
}

char *
linkabs(const char *link, const char *target)
{
	char *d, *j, *a;

	if (target[0] == '/')
		return abspath(target);
	d = dirof(link);
	j = pathjoin(d, target);
	a = abspath(j);
	free(d);
	free(j);
	return a;
}

char *
pathrel(const char *dir, const char *to)
{
	char *d = abspath(dir), *t = abspath(to);
	struct buf b = {0};
	size_t i = 0, common = 0;

	if (!strcmp(d, "/")) {
		b.s = xstrdup(t[1] ? t + 1 : ".");
		free(d);
		free(t);
		return b.s;
	}
	/* the longest common prefix that ends at a component boundary */
	for (; d[i] && d[i] == t[i]; i++)
		if (d[i] == '/')
			common = i;
	if (!d[i] && (t[i] == '/' || !t[i]))
		common = i;
	for (const char *s = d + common; *s; s++)
		if (*s == '/')
			bufputs(&b, "../");
	bufputs(&b, t[common] == '/' ? t + common + 1 : t + common);
	free(d);
	free(t);
	if (!b.s)
		b.s = xstrdup(".");
	return b.s;
}

char *
findexec(const char *name)
{
	const char *path = getenv("PATH");
	char *dirs = xstrdup(path && *path ? path : "/usr/bin:/bin"), *save, *d;
	char *found = NULL;
	struct stat st;

	for (d = strtok_r(dirs, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
		char *p = pathjoin(d, name);
		if (access(p, X_OK) == 0 && stat(p, &st) == 0 && S_ISREG(st.st_mode))
			found = abspath(p);
		free(p);
	}
	free(dirs);
	return found;
}

/* copy the file from to to with mode 0755; -1 with a message */
static int
copyexec(const char *from, const char *to)
{
	size_t len;
	char *data = readfile(from, &len);
	int rc;

	if (!data)
		return error("cannot read '%s':", from);
	rc = writefile(to, data, len, 0755);
	free(data);
	return rc;
}

int
bundleexec(const char *prog, const char *dir)
{
	char *cmd, line[4096];
	FILE *f;
	int rc = 0, loader = 0;

	if (strchr(prog, '\''))
		return error("cannot bundle '%s': a quote in its path", prog);
	cmd = xasprintf("ldd '%s'", prog);
	f = popen(cmd, "r");
	free(cmd);
	if (!f)
		return error("cannot run ldd on '%s':", prog);
	while (rc == 0 && fgets(line, sizeof(line), f)) {
		char *arrow = strstr(line, "=> "), *lib = arrow ? arrow + 3 : line;
		lib += strspn(lib, " \t");
		if (*lib != '/')
			continue;
		lib[strcspn(lib, " \t\n")] = '\0';
		char *to = arrow ? pathjoin(dir, baseof(lib)) : pathjoin(dir, "ld.so");
		loader |= !arrow;
		rc = copyexec(lib, to);
		free(to);
	}
	if (pclose(f) != 0 && rc == 0)
		rc = error("ldd '%s' failed", prog);
	if (rc == 0 && !loader)
		rc = error("ldd names no loader for '%s'", prog);
	if (rc == 0) {
		char *to = pathjoin(dir, baseof(prog));
		rc = copyexec(prog, to);
		free(to);
	}
	return rc;
}

void
unshare_sh(struct strv *args, const char *script, const char *name, int ownpids)
{
	const char *pre[] = {"unshare", "--mount", "--propagation", "private"};
	/* --kill-child: SIGKILL to the namespace's first process, and so to all of
	   it, when unshare ends (a cancelled or killed step) */
	const char *pids[] = {"--pid", "--fork", "--kill-child"};

	for (size_t i = 0; i < sizeof(pre) / sizeof(*pre); i++)
		strvadd(args, pre[i]);
	for (size_t i = 0; ownpids && i < sizeof(pids) / sizeof(*pids); i++)
		strvadd(args, pids[i]);
	strvadd(args, "--");
	strvadd(args, "/bin/sh");
	strvadd(args, "-c");
	strvadd(args, script);
	strvadd(args, name);
}
