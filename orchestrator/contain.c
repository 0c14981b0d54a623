/*
 * The box is made by util-linux: unshare gives the step a private mount
 * namespace, a shell (as root, inside it) binds each writable directory onto
 * itself and remounts every other mount read-only, then setpriv drops to the
 * unprivileged user for good (no capabilities, no setuid gains), so the step
 * cannot undo the read-only mounts. unshare and setpriv exec in place: the
 * step's process group and pid stay those mlfs spawned.
 */
#define _GNU_SOURCE
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "contain.h"
#include "util.h"

static const char boxsetup[] =
	"set -e\n"
	"uid=$1 gid=$2; shift 2\n"
	"own=\"\n/tmp\n\"\n"
	"while [ \"$1\" != -- ]; do\n"
	/* "=DIR": shared and writable by everyone already (ccache): not chowned */
	"  d=${1#=}\n"
	"  mkdir -p \"$d\"\n"
	"  [ \"$d\" != \"$1\" ] || chown -R \"$uid:$gid\" \"$d\"\n"
	"  mount --bind \"$d\" \"$d\"\n"
	"  own=\"$own$d\n\"\n"
	"  shift\n"
	"done\n"
	"shift\n"
	"mount --bind /tmp /tmp\n"
	"while read -r _ _ _ _ mp opts _; do\n"
	"  case \"$mp\" in /proc|/proc/*|/sys|/sys/*|/dev|/dev/*) continue ;; esac\n"
	"  case \"$opts\" in ro|ro,*) continue ;; esac\n"
	"  case \"$own\" in *\"\n$mp\n\"*) continue ;; esac\n"
	"  if ! mount -o remount,bind,ro \"$mp\"; then\n"
	"    echo \"mlfs: cannot make '$mp' read-only for the step\" >&2\n"
	"    exit 125\n"
	"  fi\n"
	"done </proc/self/mountinfo\n"
	/* the working directory was entered before the mounts: enter it again */
	"cd \"$(pwd -P)\"\n"
	"exec setpriv --reuid=\"$uid\" --regid=\"$gid\" --clear-groups --no-new-privs -- \"$@\"\n";

int
contain_parse(const char *s)
{
	const char *names[] = {"require", "try", "off"};

	for (int i = 0; i < 3; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

void
contain_wrap(const struct container *c, struct strv *args, const struct strv *writable)
{
	unshare_sh(args, boxsetup, "mlfs-box", 0);
	strvtake(args, xasprintf("%ld", c->uid));
	strvtake(args, xasprintf("%ld", c->gid));
	for (size_t i = 0; i < writable->n; i++)
		strvadd(args, writable->v[i]);
	strvadd(args, "--");
}

/* why the box cannot be made here, or NULL when it works; caller frees */
static char *
trybox(const struct container *c, const char *scratch)
{
	struct strv args = {0}, w = {0};
	char *dir = xasprintf("%s/contain-probe", scratch), *why = NULL;
	int rc;

	if (getuid() != 0) {
		free(dir);
		return xstrdup("mlfs does not run as root");
	}
	strvadd(&w, dir);
	contain_wrap(c, &args, &w);
	strvadd(&args, "sh");
	strvadd(&args, "-c");
	/* inside: the scratch is writable, the state dir beside it is not */
	strvadd(&args, "touch \"$1/w\" && ! touch \"$1/../contain-probe.escaped\" 2>/dev/null");
	strvadd(&args, "mlfs-probe");
	strvadd(&args, dir);
	rc = runwait(args.v, NULL);
	if (rc != 0)
		why = xasprintf("the probe step exited with status %d", rc);
	rmtree(dir);
	{
		char *esc = xasprintf("%s/contain-probe.escaped", scratch);
		if (exists(esc)) {
			free(why);
			why = xstrdup("a write outside the writable directories was not stopped");
			unlink(esc);
		}
		free(esc);
	}
	strvfree(&args);
	strvfree(&w);
	free(dir);
	return why;
}

int
contain_probe(struct container *c, enum contain_mode mode, const char *scratch)
{
	struct passwd *pw = getpwnam("nobody");
	char *why;

	c->mode = mode;
	c->usable = 0;
	c->uid = pw ? (long)pw->pw_uid : 65534;
	c->gid = pw ? (long)pw->pw_gid : 65534;
	if (mode == CONTAIN_OFF)
		return 0;
	why = trybox(c, scratch);
	if (!why) {
		c->usable = 1;
		return 0;
	}
	if (mode == CONTAIN_REQUIRE) {
		error("steps cannot be contained here (%s); --contain=try runs them uncontained "
			"with a warning", why);
		free(why);
		return -1;
	}
	warn("steps run uncontained: they cannot be contained here (%s)", why);
	free(why);
	return 0;
}
