/* transaction: change the root's files of one package from an old manifest to
   a new one so that a crash at any instant leaves a state the next run repairs.
   Every new file is first written as a temp beside its target, then the intent
   <statedir>/<pkg>.pending.json (renames, removals, the new manifest) is
   written with state "commit", then the renames and removals are done and the
   manifest written; tx_recover finishes an intent in state "commit" and drops
   the temps of one in state "prepare". */
#ifndef MLFS_TRANSACTION_H
#define MLFS_TRANSACTION_H

struct manifest;
struct mergectx;
struct strv;

/* turn the root's files of pkg from old into nw (NULL: remove them all and the
   manifest); disowned (pairs: package, path; taken) leave other manifests;
   -1 after printing errors */
int tx_apply(const struct mergectx *m, const char *pkg, const struct manifest *old,
	struct manifest *nw, struct strv *disowned);
/* finish or roll back every interrupted transaction; -1 on error */
int tx_recover(const struct mergectx *m);

#endif
