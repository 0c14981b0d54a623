/* util: error reporting, allocation that never fails, strings and files */
#ifndef MLFS_UTIL_H
#define MLFS_UTIL_H

#include <stdarg.h>
#include <stddef.h>

/* program name used as the prefix of every message */
extern const char *argv0;

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

/* read a whole file into a fresh NUL-terminated string; sets *len; NULL and errno on failure */
char *readfile(const char *path, size_t *len);
/* write data to path atomically (temp file, fsync, rename); -1 with a message on failure */
int writefile(const char *path, const void *data, size_t len, int mode);
/* create a directory and its parents; -1 with a message on failure */
int mkdirs(const char *path, int mode);
/* create the parent directory of path and its parents; -1 with a message on failure */
int mkparent(const char *path);
/* remove a tree (no error when it does not exist); -1 with a message on failure */
int rmtree(const char *path);
/* 1 when path exists (lstat), else 0 */
int exists(const char *path);
/* join two path parts with one '/'; caller frees */
char *pathjoin(const char *a, const char *b);
/* absolute, normalised form of path (need not exist); caller frees */
char *abspath(const char *path);
/* fsync the directory that holds path; -1 with a message on failure */
int syncdir(const char *path);
/* copy a regular file keeping its mode; -1 with a message on failure */
int copyfile(const char *from, const char *to);
/* 1 when s ends with suffix */
int endswith(const char *s, const char *suffix);
/* 1 when s starts with prefix */
int startswith(const char *s, const char *prefix);
/* monotonic time in nanoseconds */
unsigned long long nowns(void);
/* run argv (PATH searched) in cwd (NULL: here) with stdin from /dev/null and
   wait for it alone; returns its exit status, 128+signal, or -1 when it cannot start */
int runwait(char *const argv[], const char *cwd);
/* edit distance between two short strings, for "did you mean" */
int editdist(const char *a, const char *b);

#endif
