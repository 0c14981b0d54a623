/* jobserver: a GNU make jobserver that mlfs owns or joins, driven from a libuv loop */
#ifndef MLFS_JOBSERVER_H
#define MLFS_JOBSERVER_H

#include <uv.h>

/*
 * Protocol (reference/style.md §8). A pool of n slots is n-1 one-byte tokens
 * in a pipe or a named pipe, plus the implicit slot every process has. A
 * client reads a byte to run one more job and writes the same byte back when
 * that job ends.
 *
 * Owner: js_create makes the pool and writes n-1 '+' tokens. Its fds are
 * CLOEXEC. They stay blocking for the children; mlfs reads only through a
 * private non-blocking file description (a reopen of /proc/self/fd/R, or a
 * separate open of the fifo), so O_NONBLOCK never leaks to the jobs.
 *
 * Child: pipe mode: spawn with stdio[JS_CHILDR] = {UV_INHERIT_FD, r} and
 * stdio[JS_CHILDW] = {UV_INHERIT_FD, w} (stdio_count 5) from js_fds, and
 * MAKEFLAGS=js_makeflags(). Fifo mode: only MAKEFLAGS; the child opens the
 * path. Children that are not builds (tar, patch) get neither.
 *
 * Accounting: js_try_acquire hands out the implicit slot first, then tokens;
 * js_release gives back tokens first and the implicit slot last. Call
 * js_release once for every successful js_try_acquire, whatever became of
 * the job (failure, signal, spawn error).
 */

enum jsmode {
	JS_PIPE,  /* --jobserver-auth=R,W (make >= 4.0; the only form make 4.3 knows) */
	JS_FIFO,  /* --jobserver-auth=fifo:PATH (make >= 4.4, ninja >= 1.13) */
};

/* fd numbers a pipe-mode child sees the pool at, as written in js_makeflags */
enum { JS_CHILDR = 3, JS_CHILDW = 4 };

/* a pool, owned or joined; opaque */
struct jobserver;

/* own a new pool of n slots (1..4096): n-1 tokens plus the implicit slot; for
   JS_FIFO the fifo is fifodir/jobserver (fifodir is created, a stale fifo there
   replaced; NULL: a fresh mkdtemp dir under $TMPDIR, removed by js_free); NULL
   with a message on failure; caller frees with js_free */
struct jobserver *js_create(int n, enum jsmode mode, const char *fifodir);
/* join the pool named by a MAKEFLAGS value (last --jobserver-auth= or
   --jobserver-fds= wins; "R,W" inherited fds or "fifo:PATH"); NULL when there is
   none, it is disabled (negative fds) or unusable (warns); the fds are made
   CLOEXEC; caller frees with js_free */
struct jobserver *js_join(const char *makeflags);
/* MAKEFLAGS for a job: " -jN --jobserver-fds=3,4 --jobserver-auth=3,4" (pipe) or
   " -jN --jobserver-auth=fifo:PATH" (fifo); -jN is left out only for a joined
   pool whose size was not given; borrowed, valid until js_free */
const char *js_makeflags(struct jobserver *js);
/* pool size N (for -jN and NINJAJOBS); 0 when joined and unknown */
int js_size(struct jobserver *js);
/* host path of the fifo (for chown); NULL in pipe mode; borrowed */
const char *js_path(struct jobserver *js);
/* pipe mode: set *rfd, *wfd to the fds to map to JS_CHILDR, JS_CHILDW and
   return 2; fifo mode: set both to -1 and return 0 */
int js_fds(struct jobserver *js, int *rfd, int *wfd);
/* take a slot without blocking: 1 when taken (implicit first, then a token),
   0 when none is free now (EAGAIN, a sniped token), -1 with a message on error */
int js_try_acquire(struct jobserver *js);
/* give back one slot taken with js_try_acquire (a token first, the implicit
   slot last; the implicit slot is never written to the pool); -1 with a message
   when the write fails or nothing is held */
int js_release(struct jobserver *js);
/* slots held now, the implicit one included */
int js_held(struct jobserver *js);
/* tokens sitting in the pool now (FIONREAD); -1 with a message on error */
int js_count(struct jobserver *js);
/* call cb(arg) from loop whenever a token may be readable (level-triggered and
   spurious: call js_try_acquire and expect 0); a second call replaces cb; -1
   with a message on error (uv error text) */
int js_watch(struct jobserver *js, uv_loop_t *loop, void (*cb)(void *), void *arg);
/* stop calling the watch callback; the handle stays until js_free */
void js_unwatch(struct jobserver *js);
/* owner only, when no job runs: make the pool hold n-1 tokens less the ones
   mlfs holds itself; warns "jobserver: N tokens leaked by 'who', refilling"
   (the suspects, as js_sample names them, when there are any) or drains
   extras; forgets the suspects and starts js_sample's runs afresh;
   returns how many tokens it added or removed (0 for a joined pool), -1 with a
   message on error */
int js_audit(struct jobserver *js, const char *who);
/* owner only: tokens out of the pool now, neither in it nor held by mlfs
   (the jobs hold them, or they were lost); 0 when none are, or for a joined
   pool; -1 with a message on error */
int js_out(struct jobserver *js);
/* a job ended with status (0, an exit status, or -signal): a suspect of a
   leak until JS_RUNS samples after it found nothing missing, or a refill or
   js_audit named it; who is copied */
void js_suspect(struct jobserver *js, const char *who, int status);
/* 1 while there is a suspect */
int js_suspects(struct jobserver *js);
/* what one js_sample found */
enum jssample {
	JS_EVEN,      /* nothing missing */
	JS_SHORT,     /* tokens missing, not seen on enough samples in a row yet */
	JS_REFILLED,  /* tokens missing on JS_RUNS samples in a row: refilled now */
};
/* samples in a row that a refill, or a suspect's acquittal, takes */
enum { JS_RUNS = 3 };
/* owner only, one sample of the audit while jobs run (about a second apart):
   held is the tokens the running jobs hold by an estimate (tokens_held).
   Tokens the pool holds beyond n-1 less mlfs's own are drained at once
   ("extra tokens returned by ..., draining"). Tokens missing (js_out less
   held) on JS_RUNS samples in a row are refilled, the fewest of those samples
   saw, with the warning "jobserver: N tokens leaked by 'who', refilling", so
   that a client caught between its read of a token and the fork of its job is
   not taken for a leak; who names the suspects killed by a signal (or a
   shell's 128+N status), else those that failed, else all of them, else "the
   jobs". Returns an enum jssample (JS_EVEN for a joined pool), -1 with a
   message on error */
int js_sample(struct jobserver *js, int held);
/* release held tokens, audit an owned pool, close the fds, unlink the fifo
   (and its directory when js_create made it) and free js; a watch handle is
   closed with uv_close and freed by its close callback, so run the loop once
   more before uv_loop_close; NULL is a no-op */
void js_free(struct jobserver *js);

#endif
