#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <string.h>
#include <unistd.h>
#include "guest.h"
#include "guestcmd.h"
#include "util.h"

extern char **environ;

static const char guest_usage[] =
	"usage: mlfs [--state DIR] guest [--root DIR | --ro-root DIR] [--rw DIR]...\n"
	"                 [--bind DIR=PATH]... [--ro-bind DIR=PATH]... [--cwd DIR]\n"
	"                 [--name NAME] [-j N] [--timeout SECS] -- CMD [ARG...]\n"
	"  run CMD in a QEMU guest (Debian's kernel with x32 on) with this environment:\n"
	"  --root DIR     the guest's root is DIR (a finished $LFS), writable;\n"
	"                 default: the host's root, read-only\n"
	"  --ro-root DIR  the guest's root is DIR, read-only\n"
	"  --rw DIR       share DIR writable at its own path (repeatable)\n"
	"  --bind DIR=PATH     share DIR writable at PATH in the guest (repeatable)\n"
	"  --ro-bind DIR=PATH  share DIR read-only at PATH in the guest (repeatable)\n"
	"  --cwd DIR      where CMD starts (default /)\n"
	"  --name NAME    what messages call the run (default \"guest\")\n"
	"  -j N           virtual CPUs (default 1)\n"
	"  --timeout SECS kill the guest after SECS (default: none)\n";

/* DIR=PATH of --bind (split at the last '=': PATH is absolute) into bs;
   -1 when it is not of that form */
static int
addbind(struct guestbind **bs, size_t *n, const char *arg, int readonly)
{
	const char *eq = strrchr(arg, '=');

	if (!eq || eq == arg || eq[1] != '/')
		return -1;
	char *host = xasprintf("%.*s", (int)(eq - arg), arg);
	*bs = xreallocarray(*bs, *n + 1, sizeof(**bs));
	(*bs)[(*n)++] = (struct guestbind){abspath(host), xstrdup(eq + 1), readonly};
	free(host);
	return 0;
}

static void
freebinds(struct guestbind *bs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free((char *)bs[i].host);
		free((char *)bs[i].at);
	}
	free(bs);
}

static int
usage2(const char *what)
{
	if (what)
		fprintf(stderr, "%s: guest: %s\n", argv0, what);
	fputs(guest_usage, stderr);
	return 2;
}

int
guestcmd_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"root", required_argument, NULL, 'r'}, {"ro-root", required_argument, NULL, 'R'},
		{"rw", required_argument, NULL, 'w'}, {"bind", required_argument, NULL, 'b'},
		{"ro-bind", required_argument, NULL, 'B'},
		{"cwd", required_argument, NULL, 'c'}, {"name", required_argument, NULL, 'n'},
		{"timeout", required_argument, NULL, 't'}, {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct guestjob j = {.name = "guest", .outfd = 1};
	struct strv rw = {0};
	struct guestbind *binds = NULL;
	size_t nbinds = 0;
	struct guest g;
	char *root = NULL, *cwd = NULL, *state, *why = NULL, *end;
	const char *st = getenv("MLFS_STATE");
	int ch, rc;

	/* a step's guest goes with the mlfs that started it, even after a kill -9 */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "+j:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r':
		case 'R': free(root); root = abspath(optarg); j.rootro = ch == 'R'; break;
		case 'b':
		case 'B':
			if (addbind(&binds, &nbinds, optarg, ch == 'B') < 0)
				optind = argc + 3;
			break;
		case 'w': strvtake(&rw, abspath(optarg)); break;
		case 'c': free(cwd); cwd = xstrdup(optarg); break;
		case 'n': j.name = optarg; break;
		case 'j':
		case 't':
			(ch == 'j' ? &j.cpus : &j.timeout)[0] = (int)strtol(optarg, &end, 10);
			if (*end || end == optarg)
				optind = argc + 1;
			break;
		case 'h': fputs(guest_usage, stdout); optind = argc + 2; break;
		default: optind = argc + 1; break;
		}
		if (optind > argc)
			break;
	}
	if (optind > argc) {
		free(root);
		free(cwd);
		strvfree(&rw);
		freebinds(binds, nbinds);
		return optind == argc + 2 ? 0 : usage2(optind == argc + 3 ?
			"--bind and --ro-bind take DIR=PATH, PATH absolute" :
			"a bad option (-j and --timeout take a number)");
	}
	state = abspath(st && *st ? st : ".mlfs");
	if (optind >= argc) {
		rc = usage2("no command");
	} else if (root && !exists(root)) {
		fprintf(stderr, "%s: error: guest: no root '%s'\n", argv0, root);
		rc = 2;
	} else if (guest_open(&g, state, &why) < 0) {
		error("'%s': no QEMU guest here: %s", j.name, why);
		rc = 125;
	} else {
		j.root = root;
		j.rw = &rw;
		j.binds = binds;
		j.nbinds = nbinds;
		j.cwd = cwd;
		j.argv = argv + optind;
		j.env = environ;
		rc = guest_run(&g, &j);
		if (rc < 0)
			rc = 125;
		guest_close(&g);
	}
	free(why);
	free(state);
	free(root);
	free(cwd);
	strvfree(&rw);
	freebinds(binds, nbinds);
	return rc;
}
