/* contain: a host-side step in a box. The step runs in its own mount
   namespace where every mount of the host is read-only except the node's
   build tree, its staging dir and /tmp, as an unprivileged user (nobody, no
   supplementary groups, no new privileges): a step that writes anywhere else
   (an install without DESTDIR, /usr/local/..., the root outside its staging
   dir, another node's tree, the state dir) fails, and the tool's message
   with the path is in the node's log. The build tree and staging dir are
   given to that user before each step. Chrooted steps (chroot and system
   stages of an LFS build) keep their own namespace (step.h). */
#ifndef MLFS_CONTAIN_H
#define MLFS_CONTAIN_H

#include "util.h"

enum contain_mode {
	CONTAIN_REQUIRE,  /* default: refuse to build when steps cannot be contained */
	CONTAIN_TRY,      /* contain when possible, else run uncontained with a warning */
	CONTAIN_OFF,      /* never contain */
};

struct container {
	enum contain_mode mode;
	int usable;          /* the box works here (set by contain_probe) */
	long uid, gid;       /* the unprivileged user the steps run as */
};

/* the mode named s ("require", "try", "off"), or -1 */
int contain_parse(const char *s);
/* set c up for mode: find the user and run the box once around `true` with
   scratch (a directory it may create) writable; 0, or -1 after an error when
   mode is CONTAIN_REQUIRE and the box cannot be made (with CONTAIN_TRY one
   warning and c->usable 0) */
int contain_probe(struct container *c, enum contain_mode mode, const char *scratch);
/* append to args the command that runs what follows in args inside the box,
   with the directories of writable (given to the step's user) writable; an
   entry "=DIR" is a shared directory, writable by everyone already (the
   ccache dir): writable in the box, and not given to the step's user */
void contain_wrap(const struct container *c, struct strv *args, const struct strv *writable);

#endif
