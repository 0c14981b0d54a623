/* guestcmd: `mlfs guest`, one command in a QEMU guest (guest.h): a build
   step's (started by step.c) or a user's, e.g. inside a finished $LFS */
#ifndef MLFS_GUESTCMD_H
#define MLFS_GUESTCMD_H

/* mlfs guest [--root DIR | --ro-root DIR] [--rw DIR]... [--bind DIR=PATH]...
   [--ro-bind DIR=PATH]... [--cwd DIR] [--name NAME] [-j N] [--timeout SECS]
   -- CMD [ARG...]: argv[0] is "guest"; the command gets
   this process's environment; returns its exit status, 2 on a usage error,
   125 when the guest failed (a message names NAME) */
int guestcmd_main(int argc, char **argv);

#endif
