/* tokens: how many jobserver tokens the jobserver clients (GNU make, ninja)
   under some process trees hold now, estimated from /proc */
#ifndef MLFS_TOKENS_H
#define MLFS_TOKENS_H

#include <stddef.h>

/*
 * A client that runs k > 0 jobs holds k-1 tokens: its first job runs on the
 * slot it was started in (for a step's top make, the node's own slot; for a
 * sub-make, the slot of the job that runs it), every other one on a token it
 * read. Its jobs are its children, reaped or not yet: a make holds the token
 * of a job that ended until it has reaped it. The estimate is low for the
 * moment between a client's read of a token and its fork of the job, and for
 * a client that is not named here; it is high for a $(shell) child of make
 * and for a client that runs jobs without the pool (ninja before 1.13,
 * `make -j8`). The audit that uses it (jobserver.h js_sample) trusts only a
 * shortfall seen over several samples.
 */

/* tokens held by the clients among the processes roots[0..n-1] and their
   descendants, read from /proc now; -1 with a message when /proc cannot be
   read */
int tokens_held(const int *roots, size_t n);
/* 1 when comm (a process name as in /proc/PID/stat) is a jobserver client
   this estimate counts: make, gmake, ninja, samu */
int tokens_client(const char *comm);

#endif
