/* jdoc: a JSON file parsed by jansson, with the line and column of every key,
   and the checks that validation errors are made of (file:line:col: ... 'key') */
#ifndef MLFS_JDOC_H
#define MLFS_JDOC_H

#include <jansson.h>

/* where a key (or an array element) stands in the text */
struct jloc {
	char *path;  /* "sources[0].sha256"; owned */
	int line, col;
};

struct jdoc {
	char *file;         /* path for messages; owned */
	json_t *root;       /* owned reference */
	char *text;         /* the parsed text, scanned for locs on the first
	                       jdoc_where (errors only); owned */
	struct jloc *locs;  /* owned */
	size_t nlocs;
	int scanned;
};

/* parse file into d; on a syntax error prints file:line:col and returns -1 */
int jdoc_load(struct jdoc *d, const char *file);
/* parse text as if it came from file (used by tests); as jdoc_load */
int jdoc_parse(struct jdoc *d, const char *file, const char *text);
/* free everything d owns */
void jdoc_release(struct jdoc *d);
/* line and column of path, or of its nearest recorded ancestor (1:1 at worst) */
void jdoc_where(const struct jdoc *d, const char *path, int *line, int *col);
/* the line and column of path in file, loaded again for a message found after
   its jdoc was released (1:1 when the file or path is not there) */
void jdoc_place(const char *file, const char *path, int *line, int *col);
/* print "error: file:line:col: msg" for path and return -1 */
int jdoc_error(const struct jdoc *d, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* a child path: "a" + "b" -> "a.b"; "" + "b" -> "b"; caller frees */
char *jpath_key(const char *parent, const char *key);
/* an element path: "a" + 2 -> "a[2]"; caller frees */
char *jpath_index(const char *parent, size_t i);

enum { JDOC_MAXUNKNOWN = 10 };  /* unknown keys named one by one; the rest are counted */
/* obj at path must be an object whose keys all appear in the NULL-terminated
   list; an unknown key is an error with "did you mean" (the first
   JDOC_MAXUNKNOWN of them, then their count); -1 on error */
int jdoc_keys(const struct jdoc *d, const char *path, json_t *obj, const char *const *keys);
/* string member key of obj: *out is borrowed (NULL when absent and optional);
   missing-but-required or not-a-string is an error; -1 on error */
int jdoc_str(const struct jdoc *d, const char *path, json_t *obj, const char *key,
	int required, const char **out);
/* boolean member (default when absent); -1 on a wrong type */
int jdoc_bool(const struct jdoc *d, const char *path, json_t *obj, const char *key, int *out);
/* array of strings, appended to out (a struct strv *); -1 on error */
struct strv;
int jdoc_strlist(const struct jdoc *d, const char *path, json_t *obj, const char *key,
	int required, struct strv *out);
/* name of a JSON value's type for messages ("string", "array", ...) */
const char *jdoc_type(json_t *v);

#endif
