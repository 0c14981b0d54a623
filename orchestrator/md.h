/* md: the book's prose, a small Markdown, rendered to HTML: # headings,
   paragraphs, - and 1. lists, ``` and indented code, | tables, and inline
   `code`, **strong**, *emphasis*, [links](url) and ![images](file) */
#ifndef MLFS_MD_H
#define MLFS_MD_H

#include "util.h"

/* append the HTML of text to out; headings get ids from their text; the text
   of the first level-1 heading is returned in *title when title is set
   (caller frees; NULL when there is none) */
void md_render(struct buf *out, const char *text, char **title);
/* append one line's inline markup */
void md_inline(struct buf *out, const char *s, size_t n);

#endif
