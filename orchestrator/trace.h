/* trace: the timeline of every build, appended to STATE/trace.jsonl for
   `mlfs report`: node events with sub-second times, the jobserver tokens in
   use and the estimated time left, sampled while the build runs */
#ifndef MLFS_TRACE_H
#define MLFS_TRACE_H

#include <uv.h>

struct jobserver;
struct sched;

/*
 * One JSON object a line, "ev" first:
 *   {"ev":"build","t":EPOCH,"jobs":N,"nodes":[{"node":"gmp:32","deps":[...],"w":S}],"eta":S}
 *   {"ev":"start"|"step"|"staged"|"merged"|"failed"|"interrupted","t":S,"node":...,
 *    "step":...,"secs":S}
 *   {"ev":"tokens","t":S,"used":K,"size":N}
 *   {"ev":"eta","t":S,"left":S}
 *   {"ev":"ccache","t":S,"hits":H,"misses":M}   (--ccache: this build's compiles)
 *   {"ev":"end","t":S,"rc":RC,"cpu":S}
 * Every t but the build's is in seconds since the build record. The file
 * keeps the last TRACE_KEEP builds.
 */
enum { TRACE_KEEP = 20 };

struct trace {
	int fd;                 /* -1: not recording */
	unsigned long long t0;  /* monotonic ns at the build record */
	double cpu0;            /* CPU seconds of reaped children at the start */
	uv_timer_t timer;       /* samples tokens and the estimate */
	int timing;             /* the timer was initialised */
	struct jobserver *js;   /* borrowed; NULL: no token samples */
	struct sched *s;        /* borrowed */
	int used;               /* the last tokens sample written, -1 before any */
	double lasteta;         /* seconds: the last estimate written */
	unsigned long long etat;  /* when it was written, ns */
};

/* open STATE/trace.jsonl for appending, trimmed to the last TRACE_KEEP-1
   builds; on failure warn and record nothing (a report is not worth a build) */
void trace_open(struct trace *t, const char *state);
/* write the build record for the nodes s runs and start sampling js (may be
   NULL) and the estimate every half second on loop */
void trace_begin(struct trace *t, struct sched *s, uv_loop_t *loop, struct jobserver *js);
/* a node event (a journal enum jevent); step and secs as journaled */
void trace_node(struct trace *t, const char *node, int ev, const char *step, double secs);
/* what ccache did in this build (--ccache): its hits and misses */
void trace_ccache(struct trace *t, unsigned long long hits, unsigned long long misses);
/* the build ended with exit status rc: the end record with the CPU time */
void trace_end(struct trace *t, int rc);
/* stop sampling (the timer is closed by the caller's uv_walk) and close */
void trace_close(struct trace *t);

/* seconds the nodes of s that are not finished still need: the longest
   remaining path, weighted by the scheduler's priorities, or the work left
   over -j when that is longer; 0 when nothing is left */
double trace_eta(const struct sched *s);

#endif
