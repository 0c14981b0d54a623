/*
 * The QEMU guest. Its initramfs holds a static busybox, the modules for 9p
 * over virtio and an init script. Each run gets a control dir (shared as
 * "ctl"): the init mounts the root share, a tmpfs on its /run and the shares
 * listed there (in that order, so a share may be under /run), binds the
 * control dir to /run/mlfs-guest inside the root, chroots and runs
 * run.sh, which starts the command with its environment in its directory,
 * then writes the exit status to ctl/status and powers off. The console is
 * the serial port, so the command's output reaches outfd as it is produced.
 */
#define _GNU_SOURCE
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "guest.h"
#include "hash.h"
#include "util.h"

enum {
	BOOT_TCG = 240,   /* seconds a TCG guest may take to boot (on a busy machine) */
	BOOT_KVM = 8,     /* seconds a KVM guest may take before it counts as hung (it boots in 1-2) */
	MEM_MB = 2048,
};

static const char init_script[] =
	"#!/bin/busybox sh\n"
	"b=/bin/busybox\n"
	"fail() { echo \"mlfs-guest: $*\"; $b sync; $b poweroff -f; }\n"
	"$b mkdir -p /proc /sys /dev /ctl /root\n"
	"$b mount -t proc proc /proc\n"
	"$b mount -t devtmpfs dev /dev\n"
	"exec </dev/null >/dev/console 2>&1\n"
	"$b stty -F /dev/console -opost 2>/dev/null\n"
	"while read -r m; do $b insmod \"/modules/$m.ko\" || fail \"cannot load module $m\"; done </modules.order\n"
	"o=trans=virtio,version=9p2000.L,msize=262144\n"
	"$b mount -t 9p -o $o ctl /ctl || fail 'cannot mount the control share'\n"
	": >/ctl/booted\n"
	"read -r rootopts </ctl/root\n"
	"$b mount -t 9p -o \"$o,$rootopts\" root /root || fail 'cannot mount the root share'\n"
	"for d in proc sys dev run; do [ -d \"/root/$d\" ] || $b mkdir -p \"/root/$d\"; done\n"
	"$b mount -t tmpfs run /root/run || fail 'cannot mount /run'\n"
	"while read -r tag mode path; do\n"
	"  $b mkdir -p \"/root$path\" 2>/dev/null\n"
	"  $b mount -t 9p -o \"$o,cache=mmap,$mode\" \"$tag\" \"/root$path\" || fail \"cannot mount '$path'\"\n"
	"done </ctl/mounts\n"
	"$b mount -t proc proc /root/proc || fail 'cannot mount /proc'\n"
	"$b mount -t sysfs sys /root/sys\n"
	"$b mount -t devtmpfs dev /root/dev || fail 'cannot mount /dev'\n"
	"$b mkdir -p /root/dev/pts /root/dev/shm\n"
	/* devtmpfs has no fd links; bash's process substitution needs /dev/fd */
	"$b ln -sfn /proc/self/fd /root/dev/fd\n"
	"$b ln -sf /proc/self/fd/0 /root/dev/stdin\n"
	"$b ln -sf /proc/self/fd/1 /root/dev/stdout\n"
	"$b ln -sf /proc/self/fd/2 /root/dev/stderr\n"
	"$b mount -t devpts devpts /root/dev/pts\n"
	"$b mount -t tmpfs shm /root/dev/shm\n"
	"$b mkdir -p /root/run/mlfs-guest\n"
	"$b mount --bind /ctl /root/run/mlfs-guest || fail 'cannot bind the control share'\n"
	/* through a pipe, as on the host (a log file): not a terminal, so no
	   colours in test-suite output */
	"( $b chroot /root /bin/sh /run/mlfs-guest/run.sh; echo $? >/ctl/status.tmp ) 2>&1 | $b cat\n"
	"[ -f /ctl/status.tmp ] && $b mv /ctl/status.tmp /ctl/status\n"
	"echo 0 >/proc/sys/kernel/printk\n"
	"$b sync\n"
	"$b poweroff -f\n";

const char *
guest_dir(void)
{
	const char *d = getenv("MLFS_GUEST_DIR");

	return d && *d ? d : "/var/lib/mlfs/guest";
}

/* the path of an executable named name in PATH, or NULL; caller frees */
static char *
inpath(const char *name)
{
	const char *path = getenv("PATH");
	char *copy = xstrdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin"), *save, *d;
	char *found = NULL;

	for (d = strtok_r(copy, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
		char *p = pathjoin(d, name);
		if (access(p, X_OK) == 0)
			found = p;
		else
			free(p);
	}
	free(copy);
	return found;
}

/* the module names of dir/modules.order; -1 when it cannot be read */
static int
modules(const char *dir, struct strv *out)
{
	char *p = pathjoin(dir, "modules.order"), *text = readfile(p, NULL), *save, *w;

	free(p);
	if (!text)
		return -1;
	for (w = strtok_r(text, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save))
		strvadd(out, w);
	free(text);
	return 0;
}

/* the id of the guest: the bytes of everything that boots */
static int
guestid(struct guest *g, const struct strv *mods)
{
	struct hasher *h = hashnew(HASH_SHA256);
	const char *files[] = {"vmlinuz", "busybox", "modules.order"};
	int rc = 0;

	hashstr(h, "guest-v1");
	hashstr(h, init_script);
	for (size_t i = 0; i < 3 && rc == 0; i++) {
		char *p = pathjoin(g->dir, files[i]);
		rc = hashfilein(h, p);
		free(p);
	}
	for (size_t i = 0; i < mods->n && rc == 0; i++) {
		char *p = xasprintf("%s/modules/%s.ko", g->dir, mods->v[i]);
		rc = hashfilein(h, p);
		free(p);
	}
	hashend(h, g->id);
	return rc;
}

/* add one entry to the cpio archive a: a directory when data is NULL */
static int
cpioadd(struct archive *a, const char *name, const char *data, size_t len, int mode)
{
	struct archive_entry *e = archive_entry_new();
	int rc;

	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, data ? AE_IFREG : AE_IFDIR);
	archive_entry_set_perm(e, mode);
	archive_entry_set_size(e, data ? (la_int64_t)len : 0);
	archive_entry_set_mtime(e, 0, 0);
	rc = archive_write_header(a, e);
	if (rc == ARCHIVE_OK && data && len)
		rc = archive_write_data(a, data, len) == (la_ssize_t)len ? ARCHIVE_OK : ARCHIVE_FATAL;
	archive_entry_free(e);
	return rc == ARCHIVE_OK ? 0 : -1;
}

/* add the file dir/from as name */
static int
cpiofile(struct archive *a, const char *dir, const char *from, const char *name, int mode)
{
	char *p = pathjoin(dir, from), *data;
	size_t len;
	int rc;

	data = readfile(p, &len);
	free(p);
	if (!data)
		return -1;
	rc = cpioadd(a, name, data, len, mode);
	free(data);
	return rc;
}

/* write the initramfs to path (a gzipped newc cpio); -1 with *why */
static int
mkinitrd(struct guest *g, const struct strv *mods, const char *path, char **why)
{
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	struct archive *a = archive_write_new();
	int rc = 0;

	archive_write_set_format_cpio_newc(a);
	archive_write_add_filter_gzip(a);
	if (archive_write_open_filename(a, tmp) != ARCHIVE_OK) {
		*why = xasprintf("cannot write '%s': %s", tmp, archive_error_string(a));
		archive_write_free(a);
		free(tmp);
		return -1;
	}
	rc |= cpioadd(a, "bin", NULL, 0, 0755);
	rc |= cpioadd(a, "modules", NULL, 0, 0755);
	rc |= cpioadd(a, "init", init_script, strlen(init_script), 0755);
	rc |= cpiofile(a, g->dir, "busybox", "bin/busybox", 0755);
	rc |= cpiofile(a, g->dir, "modules.order", "modules.order", 0644);
	for (size_t i = 0; i < mods->n; i++) {
		char *from = xasprintf("modules/%s.ko", mods->v[i]);
		rc |= cpiofile(a, g->dir, from, from, 0644);
		free(from);
	}
	if (archive_write_close(a) != ARCHIVE_OK)
		rc = -1;
	archive_write_free(a);
	if (rc == 0 && rename(tmp, path) < 0)
		rc = -1;
	if (rc < 0) {
		*why = xasprintf("cannot build the initramfs '%s' from '%s'", path, g->dir);
		unlink(tmp);
	}
	free(tmp);
	return rc;
}

/* qemu and the guest's files are there and g->id is their hash: 0, or -1 with
   *why; mods gets the kernel modules the initramfs loads */
static int
identify(struct guest *g, struct strv *mods, char **why)
{
	char *kernel = pathjoin(g->dir, "vmlinuz");
	int rc = -1;

	g->qemu = inpath("qemu-system-x86_64");
	if (getenv("MLFS_GUEST") && !strcmp(getenv("MLFS_GUEST"), "off"))
		*why = xstrdup("guests are off (MLFS_GUEST=off)");
	else if (!g->qemu)
		*why = xstrdup("no qemu-system-x86_64 in PATH (package qemu-system-x86)");
	else if (access(kernel, R_OK) < 0 || modules(g->dir, mods) < 0)
		*why = xasprintf("no guest kernel in '%s' (scripts/guest.sh puts it there)", g->dir);
	else if (guestid(g, mods) < 0)
		*why = xasprintf("cannot read the guest's files in '%s'", g->dir);
	else
		rc = 0;
	free(kernel);
	return rc;
}

int
guest_ident(char *id, char **why)
{
	struct guest g = {0};
	struct strv mods = {0};
	int rc;

	*why = NULL;
	*id = '\0';
	g.dir = xstrdup(guest_dir());
	rc = identify(&g, &mods, why);
	if (rc == 0)
		strcpy(id, g.id);
	strvfree(&mods);
	guest_close(&g);
	return rc;
}

int
guest_open(struct guest *g, const char *state, char **why)
{
	struct strv mods = {0};
	char *gdir = NULL;
	int rc = -1;

	memset(g, 0, sizeof(*g));
	*why = NULL;
	g->dir = xstrdup(guest_dir());
	g->state = xstrdup(state);
	if (identify(g, &mods, why) == 0) {
		gdir = pathjoin(state, "guest");
		g->initrd = xasprintf("%s/initramfs-%.16s.cpio.gz", gdir, g->id);
		if (mkdirs(gdir, 0755) < 0)
			*why = xasprintf("cannot create '%s'", gdir);
		else if (exists(g->initrd) || mkinitrd(g, &mods, g->initrd, why) == 0)
			rc = 0;
	}
	free(gdir);
	strvfree(&mods);
	if (rc < 0) {
		guest_close(g);
		memset(g, 0, sizeof(*g));
	}
	return rc;
}

/* text quoted for sh: 'it'\''s' */
static void
shquote(struct buf *b, const char *s)
{
	bufputs(b, "'");
	for (; *s; s++) {
		if (*s == '\'')
			bufputs(b, "'\\''");
		else
			bufadd(b, s, 1);
	}
	bufputs(b, "'");
}

/* a share of the guest besides its root: host directory, path in the guest */
struct share {
	char *host, *at;
	int readonly;
};

/* the shares of a job, outer paths in the guest first */
struct shares {
	struct share *v;
	size_t n;
};

/* 1 when the guest's root is read-only */
static int
rootreadonly(const struct guestjob *j)
{
	return !j->root || j->rootro;
}

/* the control dir's files: root (mount options), mounts (tag mode path), run.sh */
static int
writectl(const char *ctl, const struct guestjob *j, const struct shares *sh)
{
	struct buf root = {0}, mounts = {0}, run = {0};
	char *p;
	int rc = 0;

	bufputs(&root, rootreadonly(j) ? "ro,cache=loose\n" : "rw\n");
	for (size_t i = 0; i < sh->n; i++)
		bufprintf(&mounts, "sh%zu %s %s\n", i, sh->v[i].readonly ? "ro" : "rw", sh->v[i].at);
	bufputs(&run, "cd ");
	shquote(&run, j->cwd ? j->cwd : "/");
	bufputs(&run, " || exit 125\nexec env -i");
	for (size_t i = 0; j->env && j->env[i]; i++) {
		bufputs(&run, " ");
		shquote(&run, j->env[i]);
	}
	for (size_t i = 0; j->argv[i]; i++) {
		bufputs(&run, " ");
		shquote(&run, j->argv[i]);
	}
	bufputs(&run, "\n");
	const char *names[] = {"root", "mounts", "run.sh"};
	struct buf *texts[] = {&root, &mounts, &run};
	for (int i = 0; i < 3; i++) {
		p = pathjoin(ctl, names[i]);
		rc |= writefile(p, texts[i]->s ? texts[i]->s : "", texts[i]->n, 0644);
		free(p);
	}
	buffree(&root);
	buffree(&mounts);
	buffree(&run);
	return rc;
}

/* path in qemu's option syntax: each comma doubled; caller frees */
static char *
qemuescape(const char *s)
{
	struct buf b = {0};

	bufputs(&b, "");
	for (; *s; s++)
		bufputs(&b, *s == ',' ? ",," : (char[]){*s, 0});
	return b.s;
}

static void
virtfs(struct strv *args, const char *path, const char *tag, int readonly)
{
	char *p = qemuescape(path);

	strvadd(args, "-virtfs");
	strvtake(args, xasprintf("local,path=%s,mount_tag=%s,security_model=none,multidevs=remap%s",
		p, tag, readonly ? ",readonly=on" : ""));
	free(p);
}

/* qemu's command line for job j with control dir ctl */
static void
qemuargs(struct guest *g, const struct guestjob *j, const char *accel, const char *ctl,
	const struct shares *sh, struct strv *args)
{
	char *kernel = pathjoin(g->dir, "vmlinuz");

	strvadd(args, g->qemu);
	strvadd(args, "-nodefaults");
	strvadd(args, "-no-user-config");
	strvadd(args, "-display");
	strvadd(args, "none");
	strvadd(args, "-serial");
	strvadd(args, "stdio");
	strvadd(args, "-no-reboot");
	strvadd(args, "-accel");
	strvadd(args, !strcmp(accel, "kvm") ? "kvm" : "tcg,thread=multi");
	if (!strcmp(accel, "kvm")) {
		strvadd(args, "-cpu");
		strvadd(args, "host");
	}
	strvadd(args, "-m");
	strvtake(args, xasprintf("%d", MEM_MB));
	strvadd(args, "-smp");
	strvtake(args, xasprintf("%d", j->cpus > 0 ? j->cpus : 1));
	strvadd(args, "-kernel");
	strvadd(args, kernel);
	strvadd(args, "-initrd");
	strvadd(args, g->initrd);
	strvadd(args, "-append");
	strvadd(args, "console=ttyS0 quiet loglevel=1 syscall.x32=y panic=-1 "
		/* a TCG guest on a busy machine: no timer check (it panics), no
		   lockup or stall reports (they land in the log) */
		"no_timer_check nowatchdog nosoftlockup rcupdate.rcu_cpu_stall_suppress=1");
	virtfs(args, j->root ? j->root : "/", "root", rootreadonly(j));
	virtfs(args, ctl, "ctl", 0);
	for (size_t i = 0; i < sh->n; i++) {
		char tag[32];
		snprintf(tag, sizeof(tag), "sh%zu", i);
		virtfs(args, sh->v[i].host, tag, sh->v[i].readonly);
	}
	free(kernel);
}

/* add a share of host at the guest's path at, unless that path is shared
   already or is the guest's root */
static void
addshare(struct shares *sh, const struct guestjob *j, const char *host, const char *at, int ro)
{
	char *h = abspath(host);

	for (size_t i = 0; i < sh->n; i++)
		if (!strcmp(sh->v[i].at, at)) {
			free(h);
			return;
		}
	if (!strcmp(at, "/") || (j->root && !strcmp(h, j->root) && !strcmp(at, h))) {
		free(h);
		return;
	}
	sh->v = xreallocarray(sh->v, sh->n + 1, sizeof(*sh->v));
	sh->v[sh->n++] = (struct share){h, xstrdup(at), ro};
}

/* the shares of j: the writable dirs at their own paths, then the binds,
   sorted so that outer paths in the guest come first (inner ones are
   mounted over them) */
static void
sharelist(const struct guestjob *j, struct shares *out)
{
	for (size_t i = 0; j->rw && i < j->rw->n; i++) {
		char *p = abspath(j->rw->v[i]);
		addshare(out, j, p, p, 0);
		free(p);
	}
	for (size_t i = 0; i < j->nbinds; i++)
		addshare(out, j, j->binds[i].host, j->binds[i].at, j->binds[i].readonly);
	for (size_t i = 1; i < out->n; i++)
		for (size_t k = i; k > 0 && strlen(out->v[k - 1].at) > strlen(out->v[k].at); k--) {
			struct share t = out->v[k];
			out->v[k] = out->v[k - 1];
			out->v[k - 1] = t;
		}
}

static void
freeshares(struct shares *sh)
{
	for (size_t i = 0; i < sh->n; i++) {
		free(sh->v[i].host);
		free(sh->v[i].at);
	}
	free(sh->v);
}

/* start qemu in the caller's process group (a step's group: a kill of the
   step reaches it), with its console on outfd; it dies with its parent */
static pid_t
spawn(char *const *argv, int outfd)
{
	pid_t parent = getpid(), pid = fork();

	if (pid != 0)
		return pid;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
	int null = open("/dev/null", O_RDONLY);
	if (null >= 0)
		dup2(null, 0);
	dup2(outfd, 1);
	dup2(outfd, 2);
	execv(argv[0], argv);
	dprintf(2, "mlfs: cannot run '%s': %s\n", argv[0], strerror(errno));
	_exit(127);
}

static void
pause100ms(void)
{
	struct timespec ts = {0, 100000000L};

	nanosleep(&ts, NULL);
}

/* wait for qemu; kill it when it does not boot within boot seconds or runs
   past timeout; its wait status, or -1 with *late set to 'b' or 't' */
static int
watch(pid_t pid, const char *ctl, int boot, int timeout, char *late)
{
	char *booted = pathjoin(ctl, "booted");
	unsigned long long t0 = nowns();
	int st, up = 0;
	pid_t r;

	*late = 0;
	for (;;) {
		r = waitpid(pid, &st, WNOHANG);
		if (r == pid || (r < 0 && errno != EINTR))
			break;
		double secs = (nowns() - t0) / 1e9;
		up = up || exists(booted);
		if ((!up && secs > boot) || (timeout > 0 && secs > timeout)) {
			*late = timeout > 0 && secs > timeout ? 't' : 'b';
			kill(pid, SIGKILL);
			while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
				;
			break;
		}
		pause100ms();
	}
	free(booted);
	return *late || r < 0 ? -1 : st;
}

/* the exit status the guest wrote, or -1 */
static int
exitstatus(const char *ctl)
{
	char *p = pathjoin(ctl, "status"), *text = readfile(p, NULL), *end;
	long v = -1;

	if (text) {
		v = strtol(text, &end, 10);
		if (end == text)
			v = -1;
	}
	free(text);
	free(p);
	return (int)v;
}

/* run j with accelerator accel */
static int
runwith(struct guest *g, const struct guestjob *j, const char *accel, int quiet)
{
	struct shares sh = {0};
	struct strv args = {0};
	char *run = xasprintf("%s/guest/run", g->state);
	char *ctl = xasprintf("%s/%ld.XXXXXX", run, (long)getpid());
	int boot = j->boot > 0 ? j->boot : BOOT_TCG, st, rc = -1;
	char late;
	pid_t pid;

	if (mkdirs(run, 0755) < 0 || !mkdtemp(ctl)) {
		rc = error("'%s': cannot create a guest control dir in '%s':", j->name, run);
		goto out;
	}
	sharelist(j, &sh);
	if (writectl(ctl, j, &sh) < 0) {
		rc = error("'%s': cannot write the guest's control files in '%s'", j->name, ctl);
		goto out;
	}
	qemuargs(g, j, accel, ctl, &sh, &args);
	pid = spawn(args.v, j->outfd);
	if (pid < 0) {
		rc = error("'%s': cannot start '%s':", j->name, g->qemu);
		goto out;
	}
	st = watch(pid, ctl, boot, j->timeout, &late);
	rc = exitstatus(ctl);
	if (quiet || rc >= 0)
		goto out;
	if (late == 'b')
		error("'%s': the guest (%s) did not boot within %d s; it was killed", j->name, accel, boot);
	else if (late == 't')
		error("'%s': the guest (%s) ran past the timeout of %d s; it was killed", j->name, accel,
			j->timeout);
	else if (st >= 0 && WIFSIGNALED(st))
		error("'%s': the guest's qemu was killed by signal %d", j->name, WTERMSIG(st));
	else
		error("'%s': the guest (%s) stopped without an exit status (a crash, or a failed "
			"mount: see its console output above; qemu status %d)", j->name, accel,
			st >= 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	rc = -1;
out:
	if (exists(ctl))
		rmtree(ctl);
	freeshares(&sh);
	strvfree(&args);
	free(ctl);
	free(run);
	return rc;
}

/* what the kept accelerator answer depends on: this guest and this kernel */
static char *
accelkey(const struct guest *g)
{
	struct utsname u;

	if (uname(&u) < 0)
		memset(&u, 0, sizeof(u));
	return xasprintf("%s %s %s\n", g->id, u.release, u.version);
}

const char *
guest_accel(struct guest *g)
{
	const char *env = getenv("MLFS_GUEST_ACCEL");
	char *path, *key, *kept, *argv[] = {"true", NULL}, *envv[] = {"PATH=/usr/bin:/bin", NULL};
	int fd, null;

	if (g->accel)
		return g->accel;
	if (env && (!strcmp(env, "kvm") || !strcmp(env, "tcg")))
		return g->accel = xstrdup(env);
	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return g->accel = xstrdup("tcg");
	close(fd);
	/* a property of the machine: kept beside the guest's files when they
	   are writable, else in the state dir */
	path = access(g->dir, W_OK) == 0 ? pathjoin(g->dir, "accel") :
		xasprintf("%s/guest/accel", g->state);
	key = accelkey(g);
	kept = readfile(path, NULL);
	if (kept && startswith(kept, key)) {
		g->accel = xstrdup(kept + strlen(key));
		g->accel[strcspn(g->accel, "\n")] = '\0';
	} else {
		struct guestjob j = {.name = "kvm probe", .argv = argv, .env = envv, .boot = BOOT_KVM,
			.timeout = 2 * BOOT_KVM};
		null = open("/dev/null", O_WRONLY | O_CLOEXEC);
		j.outfd = null;
		/* a nested KVM guest may hang at boot: then TCG */
		g->accel = xstrdup(runwith(g, &j, "kvm", 1) == 0 ? "kvm" : "tcg");
		close(null);
		char *text = xasprintf("%s%s\n", key, g->accel);
		writefile(path, text, strlen(text), 0644);
		free(text);
	}
	free(kept);
	free(key);
	free(path);
	return g->accel;
}

int
guest_run(struct guest *g, const struct guestjob *j)
{
	return runwith(g, j, guest_accel(g), 0);
}

/* MAKEFLAGS without the jobserver and job counts, then "-jN"; caller frees */
static char *
makeflags(const char *v, int jobs)
{
	struct buf b = {0};
	char *s = xstrdup(v), *save, *w;

	bufputs(&b, "MAKEFLAGS=");
	for (w = strtok_r(s, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		if (startswith(w, "--jobserver-auth=") || startswith(w, "--jobserver-fds=") ||
		    startswith(w, "-j"))
			continue;
		bufprintf(&b, "%s ", w);
	}
	bufprintf(&b, "-j%d", jobs);
	free(s);
	return b.s;
}

void
guest_env(struct strv *env, int jobs)
{
	if (jobs < 1)
		jobs = 1;
	for (size_t i = 0; i < env->n; i++) {
		char *kv = env->v[i], *nv;
		if (startswith(kv, "MAKEFLAGS="))
			nv = makeflags(kv + strlen("MAKEFLAGS="), jobs);
		else if (startswith(kv, "MLFS_JOBS=") || startswith(kv, "NINJAJOBS="))
			nv = xasprintf("%.*s%d", (int)(strchr(kv, '=') - kv + 1), kv, jobs);
		else
			continue;
		free(env->v[i]);
		env->v[i] = nv;
	}
}

void
guest_close(struct guest *g)
{
	free(g->dir);
	free(g->qemu);
	free(g->state);
	free(g->initrd);
	free(g->accel);
}
