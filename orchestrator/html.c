#define _GNU_SOURCE
#include <ctype.h>
#include <string.h>
#include "html.h"
#include "util.h"

const char html_css[] =
	":root{--fg:#1d1d1f;--muted:#5f6368;--line:#d0d4d9;--code:#f4f5f7;--link:#0b57a4}\n"
	"body{font:16px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;color:var(--fg);"
	"max-width:62rem;margin:0 auto;padding:1rem 1.5rem 4rem}\n"
	"a{color:var(--link)}\n"
	"h1{font-size:1.8rem;margin:.5rem 0 1rem;border-bottom:2px solid var(--line)}\n"
	"h2{font-size:1.35rem;margin-top:2rem;border-bottom:1px solid var(--line)}\n"
	"h3{font-size:1.1rem;margin-top:1.5rem}\n"
	"h4{font-size:1rem;margin:1rem 0 .3rem;color:var(--muted)}\n"
	"code,pre{font:14px/1.45 ui-monospace,'DejaVu Sans Mono',monospace}\n"
	"code{background:var(--code);padding:0 .2em;border-radius:3px}\n"
	"pre{background:var(--code);border:1px solid var(--line);border-radius:4px;"
	"padding:.6rem .8rem;overflow-x:auto;white-space:pre;tab-size:4}\n"
	"pre code{background:none;padding:0}\n"
	"table{border-collapse:collapse;margin:.5rem 0 1rem}\n"
	"th,td{border:1px solid var(--line);padding:.2rem .5rem;text-align:left;vertical-align:top}\n"
	"th{background:var(--code)}\n"
	"td code{word-break:break-all}\n"
	"img{max-width:100%;height:auto;border:1px solid var(--line)}\n"
	"td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}\n"
	"nav.top{display:flex;justify-content:space-between;gap:1rem;font-size:.9rem;"
	"border-bottom:1px solid var(--line);padding-bottom:.4rem}\n"
	"nav.toc ol{padding-left:1.4rem}\n"
	".muted{color:var(--muted)}\n"
	".abi{border-left:4px solid var(--line);padding-left:1rem;margin:1.5rem 0}\n"
	".abi-32{border-color:#e08e0b}.abi-64{border-color:#1976d2}.abi-x32{border-color:#2e7d32}\n"
	".crit{font-weight:bold}\n"
	".failed{color:#b00020;font-weight:bold}\n"
	"dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}\n"
	"dl.facts dt{font-weight:bold}dl.facts dd{margin:0}\n"
	"svg text{font:11px system-ui,sans-serif}\n"
	"@media print{body{max-width:none;font-size:11pt;padding:0}"
	"nav.top{display:none}a{color:inherit;text-decoration:none}"
	"pre{white-space:pre-wrap;word-break:break-all;page-break-inside:avoid}"
	"h1,h2,h3{page-break-after:avoid}.abi{page-break-inside:avoid}}\n";

void
html_escn(struct buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '&': bufputs(b, "&amp;"); break;
		case '<': bufputs(b, "&lt;"); break;
		case '>': bufputs(b, "&gt;"); break;
		case '"': bufputs(b, "&quot;"); break;
		case '\'': bufputs(b, "&#39;"); break;
		default: bufadd(b, &s[i], 1);
		}
	}
}

void
html_esc(struct buf *b, const char *s)
{
	html_escn(b, s ? s : "", s ? strlen(s) : 0);
}

void
html_head(struct buf *b, const char *title, const char *href, const char *extra)
{
	bufputs(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
	html_esc(b, title);
	bufputs(b, "</title>\n");
	if (href) {
		bufputs(b, "<link rel=\"stylesheet\" href=\"");
		html_esc(b, href);
		bufputs(b, "\">\n");
	} else {
		bufprintf(b, "<style>\n%s</style>\n", html_css);
	}
	if (extra)
		bufprintf(b, "<style>%s</style>\n", extra);
	bufputs(b, "</head>\n<body>\n");
}

void
html_foot(struct buf *b)
{
	bufputs(b, "</body>\n</html>\n");
}

char *
html_slug(const char *s)
{
	struct buf b = {0};
	int dash = 0;

	for (; *s; s++) {
		unsigned char c = *s;
		if (isalnum(c) || c == '.' || c == '_') {
			if (dash && b.n)
				bufputs(&b, "-");
			dash = 0;
			char lc = tolower(c);
			bufadd(&b, &lc, 1);
		} else {
			dash = 1;
		}
	}
	if (!b.n)
		bufputs(&b, "x");
	return b.s;
}
