/*
 * The report of a build, from its trace. A node's pieces follow from its
 * events: unpack runs from its start to the start of its first step, a step
 * from its end less its journaled seconds, the merge from "staged" to
 * "merged". The critical path is the longest chain of dependent nodes by
 * their measured times; with the CPU time of every step it gives the lower
 * bound of the makespan, max(critical path, CPU / N).
 */
#define _GNU_SOURCE
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "html.h"
#include "journal.h"
#include "report.h"
#include "util.h"

static const char *const stepnames[] = {
	"unpack", "patch", "prepare", "configure", "build", "check", "install", "strip", "merge", NULL,
};
static const char *const stepcolors[] = {
	"#9e9e9e", "#bcaaa4", "#ffb74d", "#4fc3f7", "#1e88e5", "#66bb6a", "#ab47bc", "#8d6e63",
	"#f06292",
};
static const char *const stnames[] = {"unfinished", "merged", "failed", "interrupted"};

static const char *
stepcolor(const char *name)
{
	for (size_t i = 0; stepnames[i]; i++)
		if (!strcmp(stepnames[i], name))
			return stepcolors[i];
	return "#607d8b";
}

struct rnode *
report_node(struct rbuild *b, const char *name)
{
	for (size_t i = 0; i < b->n; i++)
		if (!strcmp(b->nodes[i].name, name))
			return &b->nodes[i];
	return NULL;
}

static void
addstep(struct rnode *n, const char *name, double t0, double t1)
{
	n->steps = xreallocarray(n->steps, n->nsteps + 1, sizeof(*n->steps));
	n->steps[n->nsteps++] = (struct rstep){xstrdup(name), t0, t1 > t0 ? t1 : t0};
}

static void
addsample(struct rsample **v, size_t *n, double t, double val)
{
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = (struct rsample){t, val};
}

/* where the node's next piece begins: the end of its last one, or its start */
static double
lastend(const struct rnode *n)
{
	return n->nsteps ? n->steps[n->nsteps - 1].t1 : n->t0;
}

static int
newbuild(struct report *r, json_t *o)
{
	struct rbuild *b;
	size_t i;
	json_t *v;

	r->b = xreallocarray(r->b, r->n + 1, sizeof(*r->b));
	b = &r->b[r->n++];
	memset(b, 0, sizeof(*b));
	b->cpu = -1;
	b->cchits = b->ccmisses = -1;
	b->epoch = json_number_value(json_object_get(o, "t"));
	b->jobs = json_integer_value(json_object_get(o, "jobs"));
	b->eta0 = json_number_value(json_object_get(o, "eta"));
	json_array_foreach(json_object_get(o, "nodes"), i, v) {
		const char *name = json_string_value(json_object_get(v, "node"));
		json_t *d;
		size_t k;
		if (!name)
			return -1;
		b->nodes = xreallocarray(b->nodes, b->n + 1, sizeof(*b->nodes));
		struct rnode *n = &b->nodes[b->n++];
		memset(n, 0, sizeof(*n));
		n->name = xstrdup(name);
		if (json_is_string(json_object_get(v, "stage")))
			n->stage = xstrdup(json_string_value(json_object_get(v, "stage")));
		n->est = json_number_value(json_object_get(v, "w"));
		n->t0 = n->t1 = -1;
		json_array_foreach(json_object_get(v, "deps"), k, d)
			if (json_is_string(d))
				strvadd(&n->deps, json_string_value(d));
	}
	return 0;
}

/* the node began at t0 (its unpack with it), but not after its first step,
   whose start came from another clock */
static void
setstart(struct rnode *n, double t0)
{
	int unpack = !strcmp(n->steps[0].name, "unpack");
	double first = unpack ? n->steps[0].t1 : n->steps[0].t0;

	n->t0 = t0 < first ? t0 : first;
	if (unpack)
		n->steps[0].t0 = n->t0;
}

static int
nodeevent(struct rbuild *b, const char *ev, double t, json_t *o)
{
	const char *name = json_string_value(json_object_get(o, "node"));
	const char *step = json_string_value(json_object_get(o, "step"));
	double secs = json_number_value(json_object_get(o, "secs"));
	struct rnode *n = name ? report_node(b, name) : NULL;

	if (!n)
		return -1;
	if (!strcmp(ev, "start")) {
		n->t0 = n->t1 = t;
	} else if (!strcmp(ev, "step") && step) {
		double s0 = t - secs;
		if (!n->nsteps && s0 > n->t0)
			addstep(n, "unpack", n->t0, s0);
		addstep(n, step, s0 < lastend(n) ? lastend(n) : s0, t);
	} else if (!strcmp(ev, "staged")) {
		if (!n->nsteps)
			addstep(n, "unpack", n->t0, t);
		n->t1 = t;
	} else if (!strcmp(ev, "merged")) {
		addstep(n, "merge", lastend(n), t);
		n->st = R_MERGED;
		/* the node lasted what the journal says: it was measured from
		   before its start was synced, to before its merge was */
		if (secs > 0)
			setstart(n, t - secs);
	} else if (!strcmp(ev, "failed") || !strcmp(ev, "interrupted")) {
		n->st = !strcmp(ev, "failed") ? R_FAILED : R_INTERRUPTED;
		free(n->failstep);
		n->failstep = xstrdup(step ? step : "?");
		addstep(n, n->failstep, lastend(n), t);
	}
	if (t > n->t1)
		n->t1 = t;
	return 0;
}

static int
event(struct report *r, json_t *o)
{
	const char *ev = json_string_value(json_object_get(o, "ev"));
	json_t *tv = json_object_get(o, "t");
	struct rbuild *b = r->n ? &r->b[r->n - 1] : NULL;
	double t = json_number_value(tv);

	if (!ev || !json_is_number(tv))
		return -1;
	if (!strcmp(ev, "build"))
		return newbuild(r, o);
	if (!b)
		return -1;
	if (t > b->end)
		b->end = t;
	if (!strcmp(ev, "tokens")) {
		b->size = json_integer_value(json_object_get(o, "size"));
		addsample(&b->tokens, &b->ntokens, t, json_integer_value(json_object_get(o, "used")));
	} else if (!strcmp(ev, "eta")) {
		addsample(&b->etas, &b->netas, t, json_number_value(json_object_get(o, "left")));
	} else if (!strcmp(ev, "ccache")) {
		b->cchits = json_integer_value(json_object_get(o, "hits"));
		b->ccmisses = json_integer_value(json_object_get(o, "misses"));
	} else if (!strcmp(ev, "end")) {
		b->ended = 1;
		b->rc = json_integer_value(json_object_get(o, "rc"));
		if (json_is_number(json_object_get(o, "cpu")))
			b->cpu = json_number_value(json_object_get(o, "cpu"));
	} else {
		return nodeevent(b, ev, t, o);
	}
	return 0;
}

/* the longest chain of dependent nodes by measured time; marks it */
static void
critical(struct rbuild *b)
{
	double *len = xcalloc(b->n ? b->n : 1, sizeof(*len));
	long *prev = xcalloc(b->n ? b->n : 1, sizeof(*prev)), best = -1;

	for (size_t i = 0; i < b->n; i++) {
		struct rnode *n = &b->nodes[i];
		double before = 0;
		prev[i] = -1;
		for (size_t k = 0; k < n->deps.n; k++) {
			struct rnode *d = report_node(b, n->deps.v[k]);
			long di = d ? d - b->nodes : -1;
			if (di >= 0 && len[di] > before) {
				before = len[di];
				prev[i] = di;
			}
		}
		len[i] = before + (n->t0 >= 0 ? n->t1 - n->t0 : 0);
		if (best < 0 || len[i] > len[best])
			best = (long)i;
	}
	b->critpath = best >= 0 ? len[best] : 0;
	for (long i = best; i >= 0; i = prev[i])
		b->nodes[i].crit = 1;
	free(len);
	free(prev);
}

static void
finish(struct rbuild *b)
{
	for (size_t i = 0; i < b->n; i++) {
		struct rnode *n = &b->nodes[i];
		/* a build killed outright: what ran was cut at the last event */
		if (n->t0 >= 0 && n->st == R_UNFINISHED && b->end > lastend(n))
			n->t1 = b->end;
	}
	critical(b);
}

static void
findsbu(struct report *r)
{
	for (size_t i = r->n; i-- > 0 && !r->sbu;)
		for (size_t k = 0; k < r->b[i].n; k++) {
			struct rnode *n = &r->b[i].nodes[k];
			if (startswith(n->name, "binutils-pass1:") && n->st == R_MERGED) {
				r->sbu = n->t1 - n->t0;
				break;
			}
		}
}

int
report_parse(struct report *r, const char *file, const char *text)
{
	const char *p = text;
	size_t lineno = 0;

	memset(r, 0, sizeof(*r));
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		json_error_t err;
		json_t *o;
		lineno++;
		if (len) {
			o = json_loadb(p, len, 0, &err);
			if (!o || event(r, o) < 0) {
				json_decref(o);
				/* a torn last line of a killed build is no error */
				if (nl)
					return error("'%s': line %zu: not a trace record", file, lineno);
			}
			json_decref(o);
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	for (size_t i = 0; i < r->n; i++)
		finish(&r->b[i]);
	findsbu(r);
	return 0;
}

int
report_load(struct report *r, const char *state)
{
	char *path = xasprintf("%s/trace.jsonl", state), *text;
	size_t len;
	int rc;

	text = readfile(path, &len);
	if (!text) {
		error("no build to report: cannot read '%s':", path);
		free(path);
		return -1;
	}
	rc = report_parse(r, path, text);
	free(text);
	free(path);
	if (rc == 0 && !r->n)
		rc = error("no build to report in '%s/trace.jsonl'", state);
	if (rc == 0 && !r->sbu) {
		/* the SBU of an earlier build that the trace no longer holds */
		struct journal j;
		char *jp = xasprintf("%s/journal.jsonl", state);
		if (exists(jp) && journal_open(&j, jp) == 0) {
			for (size_t i = 0; i < j.n && !r->sbu; i++)
				if (startswith(j.s[i].node, "binutils-pass1:") && j.s[i].ev == J_MERGED)
					r->sbu = j.s[i].secs;
			journal_close(&j);
		}
		free(jp);
	}
	return rc;
}

static double
lowerbound(const struct rbuild *b)
{
	double cpu = b->cpu > 0 && b->jobs > 0 ? b->cpu / b->jobs : 0;

	return cpu > b->critpath ? cpu : b->critpath;
}

/* ---- HTML ---- */

static void
fmtsecs(struct buf *out, double s)
{
	if (s < 0)
		bufputs(out, "–");
	else if (s < 60)
		bufprintf(out, "%.1f s", s);
	else if (s < 3600)
		bufprintf(out, "%d:%02d", (int)s / 60, (int)s % 60);
	else
		bufprintf(out, "%d:%02d:%02d", (int)s / 3600, (int)s / 60 % 60, (int)s % 60);
}

static void
fmtsbu(struct buf *out, const struct report *r, double s)
{
	if (r->sbu > 0)
		bufprintf(out, "%.2f", s / r->sbu);
	else
		bufputs(out, "–");
}

enum { LABELW = 190, CHARTW = 900, LANEH = 16, TOKH = 70, AXISH = 22 };

static double
xof(const struct rbuild *b, double t)
{
	return LABELW + (b->end > 0 ? t / b->end : 0) * CHARTW;
}

static void
axis(struct buf *out, const struct rbuild *b, double y, double h)
{
	double step = 1;
	const double nice[] = {1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200};

	for (size_t i = 0; i < sizeof(nice) / sizeof(*nice); i++) {
		step = nice[i];
		if (b->end / step <= 12)
			break;
	}
	for (double t = 0; t <= b->end + 1e-9; t += step) {
		double x = xof(b, t);
		struct buf lab = {0};
		fmtsecs(&lab, t);
		bufprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e0e0e0\"/>"
			"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#555\">%s</text>\n",
			x, y, x, y + h, x, y - 6, lab.s);
		buffree(&lab);
	}
}

static void
lanes(struct buf *out, const struct rbuild *b, double y0)
{
	for (size_t i = 0; i < b->n; i++) {
		const struct rnode *n = &b->nodes[i];
		double y = y0 + i * LANEH;
		if (n->crit)
			bufprintf(out, "<rect x=\"0\" y=\"%.1f\" width=\"%d\" height=\"%d\" fill=\"#fff3c4\"/>\n",
				y, LABELW + CHARTW, LANEH);
		bufprintf(out, "<text x=\"4\" y=\"%.1f\"%s>", y + LANEH - 4,
			n->crit ? " font-weight=\"bold\"" : "");
		html_esc(out, n->name);
		bufputs(out, "</text>\n");
		for (size_t k = 0; k < n->nsteps; k++) {
			const struct rstep *s = &n->steps[k];
			double x = xof(b, s->t0), w = xof(b, s->t1) - x;
			bufprintf(out, "<rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%d\" fill=\"%s\"%s>"
				"<title>", x, y + 2, w < 0.8 ? 0.8 : w, LANEH - 4, stepcolor(s->name),
				n->crit ? " stroke=\"#b8860b\" stroke-width=\"0.8\"" : "");
			html_esc(out, n->name);
			bufprintf(out, " %s: %.2f s</title></rect>\n", s->name, s->t1 - s->t0);
		}
		/* a step that never ended: the build is running, or was killed */
		if (n->st == R_UNFINISHED && n->t0 >= 0 && n->t1 > lastend(n)) {
			double x = xof(b, lastend(n));
			bufprintf(out, "<rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%d\" "
				"fill=\"url(#unfinished)\" stroke=\"#e65100\" stroke-width=\"0.6\"><title>",
				x, y + 2, xof(b, n->t1) - x, LANEH - 4);
			html_esc(out, n->name);
			bufputs(out, ": a step still running, or cut off</title></rect>\n");
		}
		if (n->st == R_FAILED || n->st == R_INTERRUPTED || (n->st == R_UNFINISHED && n->t0 >= 0)) {
			double x = xof(b, n->t1);
			int left = x + 90 > LABELW + CHARTW;
			/* over its own bar: on a white ground */
			if (left)
				bufprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"84\" height=\"%d\" "
					"fill=\"#fff\" fill-opacity=\"0.9\" rx=\"2\"/>\n", x - 87, y + 1,
					LANEH - 2);
			bufprintf(out, "<text x=\"%.1f\" y=\"%.1f\" fill=\"%s\" font-weight=\"bold\"%s>%s</text>\n",
				left ? x - 3 : x + 3, y + LANEH - 4, n->st == R_FAILED ? "#b00020" : "#e65100",
				left ? " text-anchor=\"end\"" : "", n->st == R_FAILED ? "✗ failed" :
				n->st == R_INTERRUPTED ? "■ interrupted" : "… unfinished");
		}
	}
}

static void
tokenchart(struct buf *out, const struct rbuild *b, double y0)
{
	int size = b->size > 0 ? b->size : b->jobs > 0 ? b->jobs : 1;
	struct buf path = {0};
	double prev = 0;

	bufprintf(out, "<text x=\"4\" y=\"%.1f\">jobserver tokens</text>\n"
		"<text x=\"4\" y=\"%.1f\" fill=\"#555\">in use (of %d)</text>\n"
		"<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#ccc\"/>\n",
		y0 + 14, y0 + 28, size, LABELW, y0, CHARTW, TOKH);
	bufprintf(&path, "M%.1f %.1f", xof(b, 0), y0 + TOKH);
	for (size_t i = 0; i < b->ntokens; i++) {
		double y = y0 + TOKH - b->tokens[i].v / size * TOKH;
		bufprintf(&path, " H%.1f V%.1f", xof(b, b->tokens[i].t), y);
		prev = y;
	}
	bufprintf(&path, " H%.1f V%.1f Z", xof(b, b->end), y0 + TOKH);
	(void)prev;
	bufprintf(out, "<path d=\"%s\" fill=\"#90caf9\" stroke=\"#1565c0\" stroke-width=\"1\"/>\n",
		path.s);
	buffree(&path);
}

/* 1 when a node of build b ran the step called name */
static int
ranstep(const struct rbuild *b, const char *name)
{
	for (size_t i = 0; i < b->n; i++)
		for (size_t k = 0; k < b->nodes[i].nsteps; k++)
			if (!strcmp(b->nodes[i].steps[k].name, name))
				return 1;
	return 0;
}

/* the colours of the steps build b ran, and the critical path's */
static void
legend(struct buf *out, const struct rbuild *b)
{
	bufputs(out, "<p class=\"legend\">");
	for (size_t i = 0; stepnames[i]; i++)
		if (ranstep(b, stepnames[i]))
			bufprintf(out, "<span><svg width=\"12\" height=\"12\" aria-hidden=\"true\">"
				"<rect width=\"12\" height=\"12\" fill=\"%s\"/></svg> %s</span> ",
				stepcolors[i], stepnames[i]);
	bufputs(out, "<span><svg width=\"12\" height=\"12\" aria-hidden=\"true\"><rect width=\"12\" "
		"height=\"12\" fill=\"#fff3c4\" stroke=\"#b8860b\"/></svg> critical path</span></p>\n");
}

static void
timeline(struct buf *out, const struct rbuild *b)
{
	double y0 = AXISH, h = y0 + b->n * LANEH + 12 + TOKH + 8;

	bufprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"%d\" "
		"height=\"%.0f\" viewBox=\"0 0 %d %.0f\" class=\"timeline\" "
		"style=\"max-width:100%%;height:auto\">\n"
		"<title>timeline of the build</title>\n"
		"<defs><pattern id=\"unfinished\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
		"patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#ffe0b2\"/>"
		"<rect width=\"3\" height=\"6\" fill=\"#ffb74d\"/></pattern></defs>\n",
		LABELW + CHARTW + 10, h, LABELW + CHARTW + 10, h);
	axis(out, b, y0, b->n * LANEH + 12 + TOKH);
	lanes(out, b, y0);
	tokenchart(out, b, y0 + b->n * LANEH + 12);
	bufputs(out, "</svg>\n");
}

/* the end of a table row: seconds, then in SBU */
static void
timecells(struct buf *out, const struct report *r, double secs)
{
	fmtsecs(out, secs);
	bufputs(out, "</td><td class=\"n\">");
	fmtsbu(out, r, secs);
	bufputs(out, "</td></tr>\n");
}

/* the book's stages (Chapter 5 cross, 6 temp, 7 chroot, 8 system): nodes
   that ran, from the first start to the last end, and the node time summed */
static void
bookstagetable(struct buf *out, const struct report *r, const struct rbuild *b)
{
	static const char *const book[] = {"cross", "temp", "chroot", "system", NULL};

	bufputs(out, "<table><caption>per stage of the book (nodes that ran in this build)</caption>\n"
		"<tr><th>stage</th><th class=\"n\">nodes</th><th class=\"n\">merged</th>"
		"<th class=\"n\">first start to last end</th><th class=\"n\">node time summed</th>"
		"<th class=\"n\">SBU summed</th></tr>\n");
	for (size_t i = 0; book[i]; i++) {
		double first = -1, last = -1, sum = 0;
		size_t cnt = 0, merged = 0;
		for (size_t k = 0; k < b->n; k++) {
			const struct rnode *n = &b->nodes[k];
			if (!n->stage || strcmp(n->stage, book[i]) || n->t0 < 0)
				continue;
			cnt++;
			merged += n->st == R_MERGED;
			sum += n->t1 - n->t0;
			if (first < 0 || n->t0 < first)
				first = n->t0;
			if (n->t1 > last)
				last = n->t1;
		}
		if (!cnt)
			continue;
		bufprintf(out, "<tr><td>%s</td><td class=\"n\">%zu</td><td class=\"n\">%zu</td>"
			"<td class=\"n\">", book[i], cnt, merged);
		fmtsecs(out, last - first);
		bufputs(out, "</td><td class=\"n\">");
		timecells(out, r, sum);
	}
	bufputs(out, "</table>\n");
}

static void
steptable(struct buf *out, const struct report *r, const struct rbuild *b)
{
	bufputs(out, "<table><caption>per step (the sum over nodes)</caption>\n"
		"<tr><th>step</th><th class=\"n\">nodes</th><th class=\"n\">wall</th>"
		"<th class=\"n\">SBU</th></tr>\n");
	for (size_t i = 0; stepnames[i]; i++) {
		double sum = 0;
		size_t cnt = 0;
		for (size_t k = 0; k < b->n; k++)
			for (size_t s = 0; s < b->nodes[k].nsteps; s++)
				if (!strcmp(b->nodes[k].steps[s].name, stepnames[i])) {
					sum += b->nodes[k].steps[s].t1 - b->nodes[k].steps[s].t0;
					cnt++;
				}
		if (!cnt)
			continue;
		bufprintf(out, "<tr><td>%s</td><td class=\"n\">%zu</td><td class=\"n\">", stepnames[i], cnt);
		timecells(out, r, sum);
	}
	bufputs(out, "</table>\n");
}

static void
nodetable(struct buf *out, const struct report *r, const struct rbuild *b)
{
	bufputs(out, "<table><caption>per node (CPU time is measured for the whole build only)</caption>\n"
		"<tr><th>node</th><th>status</th><th class=\"n\">start</th><th class=\"n\">wall</th>"
		"<th class=\"n\">SBU</th><th class=\"n\">estimate</th><th>steps</th></tr>\n");
	for (size_t i = 0; i < b->n; i++) {
		const struct rnode *n = &b->nodes[i];
		bufprintf(out, "<tr%s><td>", n->crit ? " class=\"crit\"" : "");
		html_esc(out, n->name);
		bufprintf(out, "</td><td%s>%s", n->st == R_FAILED ? " class=\"failed\"" : "", stnames[n->st]);
		if (n->failstep) {
			bufputs(out, " at ");
			html_esc(out, n->failstep);
		}
		bufputs(out, "</td><td class=\"n\">");
		fmtsecs(out, n->t0);
		bufputs(out, "</td><td class=\"n\">");
		fmtsecs(out, n->t0 >= 0 ? n->t1 - n->t0 : -1);
		bufputs(out, "</td><td class=\"n\">");
		fmtsbu(out, r, n->t0 >= 0 ? n->t1 - n->t0 : 0);
		bufputs(out, "</td><td class=\"n\">");
		fmtsecs(out, n->est);
		bufputs(out, "</td><td>");
		for (size_t k = 0; k < n->nsteps; k++)
			bufprintf(out, "%s%s %.1f", k ? ", " : "", n->steps[k].name,
				n->steps[k].t1 - n->steps[k].t0);
		bufputs(out, "</td></tr>\n");
	}
	bufputs(out, "</table>\n");
}

/* how good the estimate of the time left was: the estimate against what was
   left in fact, at the start and at every sample */
static void
etatable(struct buf *out, const struct rbuild *b)
{
	bufputs(out, "<table><caption>the estimate of the time left against the time that was "
		"left</caption>\n<tr><th class=\"n\">at</th><th class=\"n\">estimated</th>"
		"<th class=\"n\">in fact</th><th class=\"n\">error</th></tr>\n");
	for (size_t i = 0; i <= b->netas; i++) {
		double t = i ? b->etas[i - 1].t : 0, est = i ? b->etas[i - 1].v : b->eta0;
		double left = b->end - t;
		/* at most 12 rows: the start, then evenly spread samples */
		if (i && b->netas > 11 && (i * 11) % b->netas >= 11 && i != b->netas)
			continue;
		bufputs(out, "<tr><td class=\"n\">");
		fmtsecs(out, t);
		bufputs(out, "</td><td class=\"n\">");
		fmtsecs(out, est);
		bufputs(out, "</td><td class=\"n\">");
		/* a build that did not end: what was left is not known */
		if (!b->ended)
			left = -1;
		fmtsecs(out, left);
		if (left > 0)
			bufprintf(out, "</td><td class=\"n\">%+.0f %%</td></tr>\n", (est - left) / left * 100);
		else
			bufputs(out, "</td><td class=\"n\">–</td></tr>\n");
	}
	bufputs(out, "</table>\n");
}

static void
onebuild(struct buf *out, const struct report *r, const struct rbuild *b, size_t idx)
{
	time_t when = (time_t)b->epoch;
	char date[64];
	size_t merged = 0, failed = 0, stopped = 0, unstarted = 0;

	for (size_t i = 0; i < b->n; i++) {
		merged += b->nodes[i].st == R_MERGED;
		failed += b->nodes[i].st == R_FAILED;
		unstarted += b->nodes[i].t0 < 0;
		stopped += b->nodes[i].t0 >= 0 &&
			(b->nodes[i].st == R_INTERRUPTED || b->nodes[i].st == R_UNFINISHED);
	}
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S UTC", gmtime(&when));
	bufprintf(out, "<section id=\"build-%zu\">\n<h2>Build of %s</h2>\n<dl class=\"facts\">\n",
		idx + 1, date);
	bufprintf(out, "<dt>nodes</dt><dd>%zu: %zu merged, %zu failed, %zu interrupted or unfinished, "
		"%zu not started</dd>\n<dt>slots</dt><dd>-j %d</dd>\n<dt>makespan</dt><dd>", b->n, merged,
		failed, stopped, unstarted, b->jobs);
	fmtsecs(out, b->end);
	bufprintf(out, "%s</dd>\n<dt>critical path</dt><dd>", b->ended ? "" : " (the build did not end)");
	fmtsecs(out, b->critpath);
	bufputs(out, "</dd>\n<dt>CPU time</dt><dd>");
	fmtsecs(out, b->cpu);
	bufputs(out, "</dd>\n<dt>lower bound</dt><dd>max(critical path, CPU / N) = ");
	fmtsecs(out, lowerbound(b));
	if (lowerbound(b) > 0)
		bufprintf(out, "; the makespan is %.2f× the bound", b->end / lowerbound(b));
	bufputs(out, "</dd>\n<dt>SBU</dt><dd>");
	if (r->sbu > 0)
		bufprintf(out, "%.1f s (binutils pass 1)", r->sbu);
	else
		bufputs(out, "unknown: binutils pass 1 was not built");
	bufputs(out, "</dd>\n<dt>first estimate</dt><dd>");
	fmtsecs(out, b->eta0);
	if (b->cchits >= 0) {
		long long all = b->cchits + b->ccmisses;
		bufprintf(out, "</dd>\n<dt>ccache</dt><dd>%lld hit(s), %lld miss(es)", b->cchits,
			b->ccmisses);
		if (all > 0)
			bufprintf(out, ": %.0f%% of the compiles came from the cache",
				100.0 * b->cchits / all);
	}
	bufputs(out, "</dd>\n</dl>\n");
	legend(out, b);
	timeline(out, b);
	bufputs(out, "<h3>Book stages</h3>\n");
	bookstagetable(out, r, b);
	bufputs(out, "<h3>Steps</h3>\n");
	steptable(out, r, b);
	bufputs(out, "<h3>Nodes</h3>\n");
	nodetable(out, r, b);
	bufputs(out, "<h3>Estimate</h3>\n");
	etatable(out, b);
	bufputs(out, "</section>\n");
}

void
report_html(const struct report *r, size_t from, struct buf *out)
{
	html_head(out, "mlfs build report", NULL, "body{max-width:none}"
		".legend span{margin-right:.8rem;white-space:nowrap}"
		"caption{text-align:left;font-weight:bold;padding:.3rem 0}");
	bufputs(out, "<h1>mlfs build report</h1>\n");
	for (size_t i = r->n; i-- > from;)
		onebuild(out, r, &r->b[i], i);
	html_foot(out);
}

/* ---- JSON ---- */

static json_t *
nodejson(const struct report *r, const struct rnode *n)
{
	json_t *o = json_object(), *steps = json_array(), *deps = json_array();

	for (size_t k = 0; k < n->nsteps; k++)
		json_array_append_new(steps, json_pack("{s:s, s:f, s:f, s:f}", "step", n->steps[k].name,
			"start", n->steps[k].t0, "end", n->steps[k].t1, "secs",
			n->steps[k].t1 - n->steps[k].t0));
	for (size_t k = 0; k < n->deps.n; k++)
		json_array_append_new(deps, json_string(n->deps.v[k]));
	json_object_set_new(o, "node", json_string(n->name));
	json_object_set_new(o, "status", json_string(stnames[n->st]));
	if (n->stage)
		json_object_set_new(o, "stage", json_string(n->stage));
	if (n->failstep)
		json_object_set_new(o, "at", json_string(n->failstep));
	if (n->t0 >= 0) {
		json_object_set_new(o, "start", json_real(n->t0));
		json_object_set_new(o, "end", json_real(n->t1));
		json_object_set_new(o, "secs", json_real(n->t1 - n->t0));
		if (r->sbu > 0)
			json_object_set_new(o, "sbu", json_real((n->t1 - n->t0) / r->sbu));
	}
	json_object_set_new(o, "estimate", json_real(n->est));
	json_object_set_new(o, "critical", json_boolean(n->crit));
	json_object_set_new(o, "deps", deps);
	json_object_set_new(o, "steps", steps);
	return o;
}

static json_t *
samples(const struct rsample *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_pack("[f, f]", v[i].t, v[i].v));
	return a;
}

static json_t *
buildjson(const struct report *r, const struct rbuild *b)
{
	json_t *o = json_object(), *nodes = json_array(), *stages = json_object();

	for (size_t i = 0; i < b->n; i++) {
		json_array_append_new(nodes, nodejson(r, &b->nodes[i]));
		for (size_t k = 0; k < b->nodes[i].nsteps; k++) {
			const struct rstep *s = &b->nodes[i].steps[k];
			json_t *v = json_object_get(stages, s->name);
			double sum = (v ? json_real_value(v) : 0) + s->t1 - s->t0;
			json_object_set_new(stages, s->name, json_real(sum));
		}
	}
	json_object_set_new(o, "start", json_real(b->epoch));
	json_object_set_new(o, "jobs", json_integer(b->jobs));
	json_object_set_new(o, "ended", json_boolean(b->ended));
	if (b->ended)
		json_object_set_new(o, "rc", json_integer(b->rc));
	json_object_set_new(o, "makespan", json_real(b->end));
	json_object_set_new(o, "critical_path", json_real(b->critpath));
	if (b->cpu >= 0)
		json_object_set_new(o, "cpu", json_real(b->cpu));
	json_object_set_new(o, "lower_bound", json_real(lowerbound(b)));
	if (b->cchits >= 0) {
		json_object_set_new(o, "ccache_hits", json_integer(b->cchits));
		json_object_set_new(o, "ccache_misses", json_integer(b->ccmisses));
	}
	json_object_set_new(o, "eta_start", json_real(b->eta0));
	json_object_set_new(o, "eta", samples(b->etas, b->netas));
	json_object_set_new(o, "tokens", samples(b->tokens, b->ntokens));
	json_object_set_new(o, "pool", json_integer(b->size));
	json_object_set_new(o, "stages", stages);
	json_object_set_new(o, "nodes", nodes);
	return o;
}

void
report_json(const struct report *r, size_t from, FILE *f)
{
	json_t *o = json_object(), *builds = json_array();

	for (size_t i = from; i < r->n; i++)
		json_array_append_new(builds, buildjson(r, &r->b[i]));
	if (r->sbu > 0)
		json_object_set_new(o, "sbu", json_real(r->sbu));
	json_object_set_new(o, "builds", builds);
	json_dumpf(o, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(9));
	fputc('\n', f);
	json_decref(o);
}

void
report_release(struct report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		struct rbuild *b = &r->b[i];
		for (size_t k = 0; k < b->n; k++) {
			struct rnode *n = &b->nodes[k];
			for (size_t s = 0; s < n->nsteps; s++)
				free(n->steps[s].name);
			free(n->steps);
			free(n->name);
			free(n->stage);
			free(n->failstep);
			strvfree(&n->deps);
		}
		free(b->nodes);
		free(b->tokens);
		free(b->etas);
	}
	free(r->b);
	memset(r, 0, sizeof(*r));
}
