/* preflight: before building, can each requested ABI compile, link and run a
   test program? The answer gives MLFS_CAN_RUN per ABI. */
#ifndef MLFS_PREFLIGHT_H
#define MLFS_PREFLIGHT_H

#include <stdio.h>

struct profiles;
struct strv;

/* what one ABI can do: 1 yes, 0 no, -1 not tried (an earlier step failed) */
struct pfabi {
	const char *abi;  /* borrowed from the profiles */
	int compiles, links, runs;
	char *why;        /* owned: why the first failing step failed, or NULL */
	char *guest;      /* owned: "tcg" or "kvm" when it runs only in a QEMU guest
	                     (runs is 1, why says why not natively), else NULL */
	int guestfailed;  /* 1 when the guest itself failed (boot, crash): an
	                     answer that is not kept */
};

struct pfresult {
	struct pfabi *v;  /* owned, one per requested ABI in request order */
	size_t n;
};

/* compile, link and run a tiny C program for each ABI of abis with cc (split on
   blanks; NULL: "gcc") plus the ABI's -m flag, in a fresh temp directory; fills
   out (release it with pfrelease); returns -1 after an error naming the likely
   missing package when an ABI cannot compile or link, else 0 (an ABI that
   cannot run is not an error) */
int preflight(const struct profiles *p, const struct strv *abis, const char *cc,
	struct pfresult *out);
/* preflight for a build in statedir: an ABI whose programs this kernel
   cannot run is tried in a QEMU guest (guest.h), the answer kept in
   statedir/canrun.json with pfnorun's for this kernel, these profiles and
   this guest; sets each profile's guest; -1 as preflight */
int pfbuild(struct profiles *p, const struct strv *abis, const char *statedir,
	struct pfresult *out);
/* set the norun of each ABI of abis that compiles and links but whose programs
   do not run here, natively or in a QEMU guest (why, as text), and the guest
   of those that run only in a guest; the answer is kept in statedir/canrun.json
   for this kernel and these profiles, and asked again when either changes;
   an ABI that cannot compile or link is left unknown (norun stays NULL) */
void pfnorun(struct profiles *p, const struct strv *abis, const char *statedir);
/* 1 when abi's programs ran in r (MLFS_CAN_RUN) */
int pfcanrun(const struct pfresult *r, const char *abi);
/* print one line per ABI: "x32: compiles, links, cannot run: ...", and
   "x32: runs in a QEMU guest (TCG)" */
void pfprint(const struct pfresult *r, FILE *f);
/* free what r owns */
void pfrelease(struct pfresult *r);

#endif
