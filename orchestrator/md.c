/*
 * A line-based Markdown: a block starts at a line's first characters and
 * ends at a blank line or at the start of another kind of block. Nothing is
 * nested but inline markup in paragraphs, list items, table cells and
 * headings. Everything else is escaped: raw HTML in the prose is text.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "html.h"
#include "md.h"
#include "util.h"

/* the end of the span that closes at delim after s, or NULL */
static const char *
closer(const char *s, const char *end, const char *delim)
{
	size_t d = strlen(delim);

	for (const char *p = s; p + d <= end; p++)
		if (!strncmp(p, delim, d))
			return p > s ? p : NULL;
	return NULL;
}

void
md_inline(struct buf *out, const char *s, size_t n)
{
	const char *end = s + n, *p = s;

	while (p < end) {
		const char *c;
		if (*p == '`' && (c = closer(p + 1, end, "`"))) {
			bufputs(out, "<code>");
			html_escn(out, p + 1, c - p - 1);
			bufputs(out, "</code>");
			p = c + 1;
		} else if (!strncmp(p, "**", 2) && p + 2 < end && (c = closer(p + 2, end, "**"))) {
			bufputs(out, "<strong>");
			md_inline(out, p + 2, c - p - 2);
			bufputs(out, "</strong>");
			p = c + 2;
		} else if (*p == '*' && p + 1 < end && p[1] != ' ' && (c = closer(p + 1, end, "*"))) {
			bufputs(out, "<em>");
			md_inline(out, p + 1, c - p - 1);
			bufputs(out, "</em>");
			p = c + 1;
		} else if (*p == '!' && p + 1 < end && p[1] == '[' && (c = closer(p + 2, end, "](")) &&
			closer(c + 2, end, ")")) {
			const char *u = c + 2, *ue = closer(u, end, ")");
			bufputs(out, "<img src=\"");
			html_escn(out, u, ue - u);
			bufputs(out, "\" alt=\"");
			html_escn(out, p + 2, c - p - 2);
			bufputs(out, "\">");
			p = ue + 1;
		} else if (*p == '[' && (c = closer(p + 1, end, "](")) && closer(c + 2, end, ")")) {
			const char *u = c + 2, *ue = closer(u, end, ")");
			bufputs(out, "<a href=\"");
			html_escn(out, u, ue - u);
			bufputs(out, "\">");
			md_inline(out, p + 1, c - p - 1);
			bufputs(out, "</a>");
			p = ue + 1;
		} else {
			html_escn(out, p, 1);
			p++;
		}
	}
}

static int
blank(const char *l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isspace((unsigned char)l[i]))
			return 0;
	return 1;
}

/* the kinds of block a line can start */
enum kind { K_BLANK, K_HEAD, K_FENCE, K_CODE, K_ULIST, K_OLIST, K_TABLE, K_PARA };

static enum kind
kindof(const char *l, size_t n)
{
	size_t i = 0;

	if (blank(l, n))
		return K_BLANK;
	if (l[0] == '#')
		return K_HEAD;
	if (n >= 3 && !strncmp(l, "```", 3))
		return K_FENCE;
	if (n >= 4 && !strncmp(l, "    ", 4))
		return K_CODE;
	if (n >= 2 && (l[0] == '-' || l[0] == '*') && l[1] == ' ')
		return K_ULIST;
	while (i < n && isdigit((unsigned char)l[i]))
		i++;
	if (i && i + 1 < n && l[i] == '.' && l[i + 1] == ' ')
		return K_OLIST;
	if (l[0] == '|')
		return K_TABLE;
	return K_PARA;
}

struct lines {
	const char **s;
	size_t *n;
	size_t count;
};

static void
split(struct lines *ls, const char *text)
{
	const char *p = text;

	memset(ls, 0, sizeof(*ls));
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		ls->s = xreallocarray(ls->s, ls->count + 1, sizeof(*ls->s));
		ls->n = xreallocarray(ls->n, ls->count + 1, sizeof(*ls->n));
		ls->s[ls->count] = p;
		ls->n[ls->count++] = n;
		if (!nl)
			break;
		p = nl + 1;
	}
}

static void
heading(struct buf *out, const char *l, size_t n, char **title)
{
	size_t lvl = 0, at;
	char *text, *id;

	while (lvl < n && l[lvl] == '#')
		lvl++;
	at = lvl;
	if (lvl > 6)
		lvl = 6;
	while (at < n && l[at] == ' ')
		at++;
	text = strndup(l + at, n - at);
	id = html_slug(text);
	if (lvl == 1 && title && !*title)
		*title = xstrdup(text);
	bufprintf(out, "<h%zu id=\"%s\">", lvl, id);
	md_inline(out, text, strlen(text));
	bufprintf(out, "</h%zu>\n", lvl);
	free(text);
	free(id);
}

/* the cells of a table row "| a | b |" */
static void
row(struct buf *out, const char *l, size_t n, const char *tag)
{
	const char *p = l + 1, *end = l + n;

	while (end > p && (end[-1] == ' ' || end[-1] == '|'))
		end--;
	bufputs(out, "<tr>");
	while (p <= end) {
		const char *bar = memchr(p, '|', end - p);
		const char *ce = bar ? bar : end;
		while (p < ce && *p == ' ')
			p++;
		const char *e = ce;
		while (e > p && e[-1] == ' ')
			e--;
		bufprintf(out, "<%s>", tag);
		md_inline(out, p, e - p);
		bufprintf(out, "</%s>", tag);
		if (!bar)
			break;
		p = bar + 1;
	}
	bufputs(out, "</tr>\n");
}

static int
separator(const char *l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr("|-: ", l[i]))
			return 0;
	return 1;
}

void
md_render(struct buf *out, const char *text, char **title)
{
	struct lines ls;
	size_t i = 0;

	if (title)
		*title = NULL;
	split(&ls, text);
	while (i < ls.count) {
		const char *l = ls.s[i];
		size_t n = ls.n[i];
		enum kind k = kindof(l, n);
		switch (k) {
		case K_BLANK:
			i++;
			break;
		case K_HEAD:
			heading(out, l, n, title);
			i++;
			break;
		case K_FENCE:
			bufputs(out, "<pre><code>");
			for (i++; i < ls.count && strncmp(ls.s[i], "```", 3); i++) {
				html_escn(out, ls.s[i], ls.n[i]);
				bufputs(out, "\n");
			}
			bufputs(out, "</code></pre>\n");
			i++;
			break;
		case K_CODE:
			bufputs(out, "<pre><code>");
			while (i < ls.count && (kindof(ls.s[i], ls.n[i]) == K_CODE ||
				(blank(ls.s[i], ls.n[i]) && i + 1 < ls.count &&
				kindof(ls.s[i + 1], ls.n[i + 1]) == K_CODE))) {
				if (ls.n[i] >= 4)
					html_escn(out, ls.s[i] + 4, ls.n[i] - 4);
				bufputs(out, "\n");
				i++;
			}
			bufputs(out, "</code></pre>\n");
			break;
		case K_ULIST:
		case K_OLIST:
			bufputs(out, k == K_ULIST ? "<ul>\n" : "<ol>\n");
			while (i < ls.count && kindof(ls.s[i], ls.n[i]) == k) {
				const char *b = k == K_ULIST ? ls.s[i] + 2 : strchr(ls.s[i], '.') + 2;
				struct buf item = {0};
				bufadd(&item, b, ls.n[i] - (b - ls.s[i]));
				/* continuation lines are indented */
				for (i++; i < ls.count && ls.n[i] && (ls.s[i][0] == ' ' || ls.s[i][0] == '\t') &&
					kindof(ls.s[i], ls.n[i]) != K_BLANK; i++) {
					const char *c = ls.s[i];
					size_t cn = ls.n[i];
					while (cn && (*c == ' ' || *c == '\t'))
						c++, cn--;
					bufputs(&item, " ");
					bufadd(&item, c, cn);
				}
				bufputs(out, "<li>");
				md_inline(out, item.s, item.n);
				bufputs(out, "</li>\n");
				buffree(&item);
			}
			bufputs(out, k == K_ULIST ? "</ul>\n" : "</ol>\n");
			break;
		case K_TABLE:
			bufputs(out, "<table>\n");
			row(out, l, n, "th");
			for (i++; i < ls.count && kindof(ls.s[i], ls.n[i]) == K_TABLE; i++)
				if (!separator(ls.s[i], ls.n[i]))
					row(out, ls.s[i], ls.n[i], "td");
			bufputs(out, "</table>\n");
			break;
		case K_PARA: {
			struct buf p = {0};
			while (i < ls.count && kindof(ls.s[i], ls.n[i]) == K_PARA) {
				if (p.n)
					bufputs(&p, " ");
				bufadd(&p, ls.s[i], ls.n[i]);
				i++;
			}
			bufputs(out, "<p>");
			md_inline(out, p.s, p.n);
			bufputs(out, "</p>\n");
			buffree(&p);
			break;
		}
		}
	}
	free(ls.s);
	free(ls.n);
}
