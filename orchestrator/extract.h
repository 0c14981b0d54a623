/* extract: unpack an archive (tar with any compression, zip, cpio, ...) with
   libarchive into a fresh directory, refusing anything that could write or
   point outside it (see unpack.h) */
#ifndef MLFS_EXTRACT_H
#define MLFS_EXTRACT_H

struct archive;

/* unpack archive into dest, which must not exist or be an empty directory;
   strip=1 removes the single top-level directory when the archive has exactly
   one (nothing is stripped otherwise). Modes (less setuid and setgid bits), symlinks and
   hardlinks are kept, owners are not. Refused with an error naming the entry, before anything is
   written for it: absolute paths, '..' components, device nodes, symlinks
   whose target resolves outside dest, hardlinks to anything but an earlier
   entry, writing through a symlink. Symlinks are checked again once the tree
   is complete (and stripped). Nothing is written outside dest; on any error
   dest is removed. Returns 0 or -1 after printing why. */
int extract_archive(const char *archive, const char *dest, int strip);
/* a new libarchive disk writer (the caller frees it with archive_write_free).
   archive_write_disk_new() reads the umask by setting it to 0 and back: two
   threads at it together (unpacks run in parallel) could leave the whole
   process with umask 0; here they take turns */
struct archive *extract_diskwriter(void);

#endif
