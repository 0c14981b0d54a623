/* html: escaping, the page shell and the style shared by the book and the
   report; pages are plain HTML5 that reads without JavaScript and prints */
#ifndef MLFS_HTML_H
#define MLFS_HTML_H

#include <stddef.h>
#include "util.h"

/* append s with &, <, >, " and ' escaped */
void html_esc(struct buf *b, const char *s);
/* the same for n bytes of s */
void html_escn(struct buf *b, const char *s, size_t n);
/* "<!DOCTYPE html>" up to "<body>": title escaped; the style sheet linked
   from href when href is set, else html_css inlined; then the style extra
   (may be NULL) */
void html_head(struct buf *b, const char *title, const char *href, const char *extra);
/* "</body></html>" */
void html_foot(struct buf *b);
/* an id or file name from s: lowercase letters, digits and '-'; caller frees */
char *html_slug(const char *s);
/* the style of every page: screen and print */
extern const char html_css[];

#endif
