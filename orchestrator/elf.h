/* elf: classify staged files as ELF objects, archives of them, or neither */
#ifndef MLFS_ELF_H
#define MLFS_ELF_H

#include <stddef.h>

struct profiles;

enum elfkind {
	ELF_NONE,  /* not an object: a script, data, a thin or empty archive */
	ELF_REL,   /* relocatable object (.o) */
	ELF_EXEC,  /* static-address executable */
	ELF_DYN,   /* shared object or PIE executable */
	ELF_AR,    /* ar archive; class and machine are its first object's */
	ELF_OTHER, /* core files and other ELF types */
};

struct elfinfo {
	enum elfkind kind;
	int elfclass;  /* 32 or 64 (0 with ELF_NONE) */
	int machine;   /* e_machine: ELF_I386, ELF_X86_64, ... */
};

/* classify the file at path into *e; 0 (kind ELF_NONE for other files) or -1
   with a message when it cannot be read */
int elfclassify(const char *path, struct elfinfo *e);
/* classify n bytes of file contents (used by elfclassify and tests) */
void elfclassifybuf(const unsigned char *p, size_t n, struct elfinfo *e);
/* name of the ABI whose elf class and machine e has ("32", "64", "x32"), or
   NULL for ELF_NONE and unknown machines; borrowed from p */
const char *elfabi(const struct profiles *p, const struct elfinfo *e);
/* "shared object", "archive", ... for messages */
const char *elfkindname(enum elfkind k);

#endif
