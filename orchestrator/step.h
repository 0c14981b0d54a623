/* step: one step of a node run as its own process group: bash --norc running
   the recipe's build.sh function for the step (or the patches), stdout and
   stderr appended to the node's log, the jobserver's fds passed on, the
   environment given by the caller; inside chroot $LFS (a private mount
   namespace with /dev, /proc, /sys, /run and the state, recipe and patch dirs
   under /run/mlfs) for the chroot and system stages of an LFS build; in a
   QEMU guest for the steps step_inguest names (booted on $LFS, with the same
   view, for a chrooted one) */
#ifndef MLFS_STEP_H
#define MLFS_STEP_H

#include <uv.h>

struct job;
struct container;
struct jobserver;
struct node;
struct strv;

struct stepper {
	uv_loop_t *loop;           /* borrowed */
	const char *state;         /* the state dir; borrowed */
	const char *lfs;           /* $LFS: chroot and system stages run inside; NULL: none */
	const char *recipes;       /* the recipe dir, seen inside as /run/mlfs/recipes */
	const char *patches;       /* the patch dir, seen inside as /run/mlfs/patches */
	struct jobserver *js;      /* whose fds the steps get; may be NULL */
	const struct container *box;  /* host-side steps run in it; NULL: uncontained */
	const char *shared;        /* a dir every contained step may write (the ccache
	                              dir), or NULL; borrowed */
	int chrootro;              /* chrooted steps see $LFS and the state read-only
	                              but for $LFS/tmp and their own trees */
	/* called when a step ends: status is its exit status or -signal */
	void (*done)(void *ctx, struct node *n, int status);
	void *ctx;
	struct job *jobs;          /* the running steps; NULL when none */
};

/* 1 when the steps of n run inside chroot $LFS */
int step_chrooted(const struct stepper *sp, const struct node *n);
/* append to args the command that runs what follows in args inside chroot
   $LFS with the mounts a chrooted step has (the state dir as /run/mlfs/state):
   for node n's step, read-only but for its trees when sp->chrootro says so;
   n NULL (mlfs's own command, e.g. packing the chroot's compiler): writable */
void step_chrootargs(const struct stepper *sp, const struct node *n, struct strv *args);
/* 1 when step of n runs in a QEMU guest: n's ABI runs only there, and n's
   recipe needs_run, or the step is a check step outside chroot $LFS; a
   chrooted node's guest is booted on $LFS with the chroot's view */
int step_inguest(const struct stepper *sp, const struct node *n, const char *step);
/* start step of node n with environment env (its paths are rewritten for a
   chrooted step); 0, or -1 after a message (sp->done is not called) */
int step_start(struct stepper *sp, struct node *n, const char *step, struct strv *env);
/* rewrite the host paths of the state, recipe and patch dirs in env's values
   (whole values, PATH-like lists, MAKEFLAGS' fifo:PATH) as a chrooted step sees them */
void step_insideenv(const struct stepper *sp, struct strv *env);
/* the pids of the running steps' first processes (bash, or the unshare or
   guest that runs it), up to max of them into pids; how many steps run */
size_t step_pids(const struct stepper *sp, int *pids, size_t max);
/* send sig to the process group of every running step */
void step_killall(struct stepper *sp, int sig);

#endif
