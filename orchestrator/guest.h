/* guest: runs one command inside a QEMU guest for programs this machine's
   kernel cannot exec (x32). The guest boots Debian's kernel with
   syscall.x32=y from a busybox initramfs, sees the host's root read-only (or
   a tree such as $LFS as its root) and chosen trees over virtio-9p at their
   own paths or at others, runs the command with its environment in a chroot,
   and its exit status comes back. */
#ifndef MLFS_GUEST_H
#define MLFS_GUEST_H

#include "hash.h"
#include "util.h"

/* a guest that can boot; every string is owned */
struct guest {
	char *dir;      /* kernel, modules and busybox (scripts/guest.sh) */
	char *qemu;     /* qemu-system-x86_64 */
	char *state;    /* the state dir: initramfs, kept answers, control dirs */
	char *initrd;   /* the initramfs, in state/guest, named by its content */
	char *accel;    /* "kvm" or "tcg" once known, else NULL */
	char id[HASH_HEXMAX];  /* hash of kernel, modules, busybox and init */
};

/* a host directory the guest sees at another path; borrowed strings */
struct guestbind {
	const char *host;  /* the directory on the host */
	const char *at;    /* its absolute path in the guest */
	int readonly;
};

/* one command to run in a guest; every pointer is borrowed */
struct guestjob {
	const char *name;       /* what messages name: a node ("gmp:x32"), or "guest" */
	const char *root;       /* NULL: the host's root, read-only; else this tree */
	int rootro;             /* with root: the tree read-only (else writable) */
	const struct strv *rw;  /* host directories shared writable at their own paths */
	const struct guestbind *binds;  /* nbinds directories shared at other paths */
	size_t nbinds;
	const char *cwd;        /* where the command starts (NULL: /) */
	char *const *argv;      /* the command; argv[0] is searched in env's PATH */
	char *const *env;       /* its whole environment */
	int cpus;               /* virtual CPUs (0: 1) */
	int timeout;            /* seconds from start before the guest is killed (0: none) */
	int boot;               /* seconds it may take to boot (0: a default for TCG) */
	int outfd;              /* the guest's console: the command's output as produced */
};

/* the directory of the guest's files: $MLFS_GUEST_DIR or /var/lib/mlfs/guest */
const char *guest_dir(void);
/* find qemu and the guest's files and build the initramfs into state/guest
   when it is not there yet; 0, or -1 with *why set (owned) and no message
   (also when $MLFS_GUEST is "off") */
int guest_open(struct guest *g, const char *state, char **why);
/* the id guest_open would give (into id, HASH_HEXMAX bytes), without making
   the initramfs; 0, or -1 with *why set (owned) */
int guest_ident(char *id, char **why);
/* the accelerator: "kvm" when /dev/kvm opens and a guest boots with it within
   a short time, else "tcg"; $MLFS_GUEST_ACCEL overrides; the answer is kept in
   state/guest/accel for this guest and this kernel; borrowed from g */
const char *guest_accel(struct guest *g);
/* boot a guest, run j and power it off: j's exit status, or -1 after an error
   naming j->name when the guest cannot boot, crashes or outlives j->timeout;
   qemu never outlives this call (nor its caller: it dies with it) */
int guest_run(struct guest *g, const struct guestjob *j);
/* a step's environment for a guest: no jobserver descriptors reach it, so
   MAKEFLAGS loses them and every job count becomes jobs (the node's share) */
void guest_env(struct strv *env, int jobs);
/* free what g owns */
void guest_close(struct guest *g);

#endif
