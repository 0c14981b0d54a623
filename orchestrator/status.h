/* status: what the user sees while a build runs: one live line on a terminal,
   plain lines otherwise, nothing but errors with --quiet; NO_COLOR respected */
#ifndef MLFS_STATUS_H
#define MLFS_STATUS_H

#include <uv.h>
#include "util.h"

struct node;
struct sched;

struct status {
	uv_timer_t timer;   /* redraws the live line every second */
	struct sched *s;    /* borrowed */
	int tty;            /* stderr is a terminal: live line */
	int quiet;
	int color;
	int drawn;          /* a live line is on the screen */
	int started;        /* the timer was initialised */
	unsigned long long t0;
	struct strv notes;  /* remarks shown again in the summary */
};

/* start showing the progress of s on loop */
void status_init(struct status *st, uv_loop_t *loop, struct sched *s, int quiet);
/* node n changed state or step */
void status_update(struct status *st, struct node *n);
/* a remark about a node, kept for the summary ("check skipped ...") */
void status_note(struct status *st, const char *node, const char *msg);
/* erase the live line so that other messages print cleanly */
void status_clear(struct status *st);
/* the closing lines: counts and time, and the notes */
void status_summary(struct status *st);
/* stop the timer and free the notes */
void status_release(struct status *st);

#endif
