/* verify: the root against the packages' manifests, like rpm -V. Each entry
   of a manifest's "files" is looked up beneath the root (beneath.h, links
   never followed) and compared: missing, type, mode, content (sha256) and
   link target. Unowned files are those in a directory where a package
   installed something that no manifest lists. */
#ifndef MLFS_VERIFY_H
#define MLFS_VERIFY_H

#include <stdio.h>
#include "util.h"

/* what is wrong with one package in the root */
struct vdamage {
	char *pkg;            /* owned */
	int noman;            /* the manifest is missing or unreadable */
	struct strv lines;    /* one per problem: "'/usr/bin/x': missing"; owned */
	struct strv abis;     /* the ABIs served by the damaged entries; owned */
};

/* the manifest directory of root: <root>/var/lib/mlfs/manifests; caller frees */
char *verify_mandir(const char *root);
/* compare package pkg's files in root with its manifest into d (cleared
   first); 1 when something is wrong, 0 when all is as merged */
int verify_package(const char *root, const char *pkg, struct vdamage *d);
/* every package that has a manifest in root, sorted, into pkgs */
void verify_installed(const char *root, struct strv *pkgs);
/* the unowned files of root's owned directories into out ("/usr/bin/stray") */
void verify_unowned(const char *root, struct strv *out);
/* print d's problems as "PKG: problem" lines to f */
void verify_print(const struct vdamage *d, FILE *f);
/* free what d owns */
void vdamage_free(struct vdamage *d);

#endif
