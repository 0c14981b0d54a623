/* journal: the build's state as JSON lines, replayed at start (ARCHITECTURE.md, "A node's way") */
#ifndef MLFS_JOURNAL_H
#define MLFS_JOURNAL_H

#include <stddef.h>
#include "hash.h"

/* node events, in the order a node passes them */
enum jevent {
	J_NONE,
	J_START,        /* the node began: fresh unpack */
	J_STEP,         /* a step finished; step names it */
	J_STAGED,       /* every step finished: the staging dir is complete */
	J_MERGED,       /* merged into the root: the node is done */
	J_FAILED,       /* a step failed; step names it */
	J_INTERRUPTED,  /* stopped by a signal */
	J_CLEAN,        /* forgotten by clean or rebuild */
};

/* what the journal knows of one node after replay */
struct jstate {
	char *node;     /* "gmp:32"; owned */
	enum jevent ev; /* the last event */
	char key[HASH_HEXMAX];  /* the key of the last start */
	char own[HASH_HEXMAX];  /* the node's own hash (no dependencies) at the last start */
	char *step;     /* the last finished (J_STEP) or failed step; owned */
	double secs;    /* duration of the last finished run */
};

struct journal {
	char *path;
	int fd;              /* open for appending */
	struct jstate *s;    /* one entry per node seen */
	size_t n;
	size_t *tab;         /* open-addressing index of s by node name: i + 1, 0 free */
	size_t tabcap;       /* a power of two, over twice n */
	size_t lines;        /* lines read and appended, for compaction */
};

/* open (creating) path and replay it; a torn or corrupt line is warned about and
   skipped; -1 with a message on failure */
int journal_open(struct journal *j, const char *path);
/* replay path without writing it (no lock needed: plan and status); an
   absent journal is empty; -1 with a message when it cannot be read or has
   an unknown version; free with journal_close */
int journal_read(struct journal *j, const char *path);
/* append one event and fsync it; step and secs may be NULL/0; -1 on failure */
int journal_record(struct journal *j, const char *node, enum jevent ev, const char *key,
	const char *step, double secs);
/* append a start event with the node's key and own hash; -1 on failure */
int journal_start(struct journal *j, const char *node, const char *key, const char *own);
/* the replayed state of node, or NULL; borrowed */
const struct jstate *journal_get(const struct journal *j, const char *node);
/* rewrite the journal with one line per node when it has grown (write, fsync, rename) */
int journal_compact(struct journal *j, int force);
/* name of an event ("merged") */
const char *journal_evname(enum jevent ev);
/* close and free */
void journal_close(struct journal *j);

#endif
