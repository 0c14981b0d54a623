/* util: error reporting, allocation that never fails, buffers, string lists and
   strings; files, paths and processes are in os.h, which this header includes */
#ifndef MLFS_UTIL_H
#define MLFS_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/* program name used as the prefix of every message */
extern const char *argv0;

/* send the calling thread's warnings and errors to f (NULL: stderr again);
   a worker thread's go to the log of the node it works for */
void msgto(FILE *f);
/* print "mlfs: warning: msg"; a format ending in ':' appends strerror(errno) */
void warn(const char *fmt, ...);
/* print "mlfs: error: msg" like warn and return -1 */
int error(const char *fmt, ...);
/* print like error and exit 1 */
_Noreturn void fatal(const char *fmt, ...);
/* report a broken internal invariant with its place and abort */
#define BUG(...) bug(__FILE__, __LINE__, __VA_ARGS__)
_Noreturn void bug(const char *file, int line, const char *fmt, ...);

/* malloc that exits on failure */
void *xmalloc(size_t n);
/* calloc that exits on failure */
void *xcalloc(size_t n, size_t sz);
/* reallocarray that exits on failure */
void *xreallocarray(void *p, size_t n, size_t sz);
/* strdup that exits on failure; NULL gives NULL */
char *xstrdup(const char *s);
/* asprintf into a fresh string; caller frees */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* a growable byte buffer, always NUL-terminated once used */
struct buf {
	char *s;   /* contents, owned */
	size_t n;  /* bytes used, not counting the NUL */
	size_t cap;
};
/* append n bytes */
void bufadd(struct buf *b, const void *p, size_t n);
/* append a string */
void bufputs(struct buf *b, const char *s);
/* append formatted text */
void bufprintf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* free the contents and reset */
void buffree(struct buf *b);

/* a growable array of owned strings */
struct strv {
	char **v;  /* NULL-terminated once one is added */
	size_t n;
	size_t cap;
};
/* append a copy of s */
void strvadd(struct strv *sv, const char *s);
/* append s, taking ownership */
void strvtake(struct strv *sv, char *s);
/* index of s in sv, or -1 */
long strvfind(const struct strv *sv, const char *s);
/* free every string and the array */
void strvfree(struct strv *sv);
/* sort in strcmp order */
void strvsort(struct strv *sv);

/* 1 when s ends with suffix */
int endswith(const char *s, const char *suffix);
/* 1 when s starts with prefix */
int startswith(const char *s, const char *prefix);
/* monotonic time in nanoseconds */
unsigned long long nowns(void);
/* edit distance between two short strings, for "did you mean" */
int editdist(const char *a, const char *b);

#include "os.h"

#endif
