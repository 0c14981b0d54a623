#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "elf.h"
#include "profile.h"
#include "util.h"

enum { EI_NIDENT = 16, ARHDR = 60, HEADMAX = 64 };

/* read up to n bytes at off; returns the count or -1 */
static ssize_t
readat(int fd, void *p, size_t n, off_t off)
{
	ssize_t r;

	do
		r = pread(fd, p, n, off);
	while (r < 0 && errno == EINTR);
	return r;
}

static unsigned
get16(const unsigned char *p, int msb)
{
	return msb ? (unsigned)p[0] << 8 | p[1] : (unsigned)p[1] << 8 | p[0];
}

void
elfclassifybuf(const unsigned char *p, size_t n, struct elfinfo *e)
{
	unsigned type;
	int msb;

	memset(e, 0, sizeof(*e));
	if (n < 20 || memcmp(p, "\177ELF", 4) != 0)
		return;
	if ((p[4] != 1 && p[4] != 2) || (p[5] != 1 && p[5] != 2))
		return;
	msb = p[5] == 2;
	e->elfclass = p[4] == 1 ? 32 : 64;
	type = get16(p + 16, msb);
	e->machine = get16(p + 18, msb);
	switch (type) {
	case 1: e->kind = ELF_REL; break;
	case 2: e->kind = ELF_EXEC; break;
	case 3: e->kind = ELF_DYN; break;
	default: e->kind = ELF_OTHER; break;
	}
}

/* size field of an ar member header, or -1 */
static long long
armemsize(const unsigned char *h)
{
	char num[11];
	char *end;
	long long v;

	memcpy(num, h + 48, 10);
	num[10] = '\0';
	v = strtoll(num, &end, 10);
	if (end == num || v < 0 || h[58] != '`' || h[59] != '\n')
		return -1;
	return v;
}

/* 1 when the member name is the archive's symbol table or long-name table */
static int
armeta(const unsigned char *h)
{
	return h[0] == '/' && (h[1] == ' ' || h[1] == '/' || !memcmp(h, "/SYM64/", 7));
}

/* classify the first ELF member of a (non-thin) archive */
static void
arclassify(int fd, struct elfinfo *e)
{
	unsigned char h[ARHDR], head[HEADMAX];
	off_t off = 8;
	long long sz;
	ssize_t r;

	for (;;) {
		if (readat(fd, h, ARHDR, off) != ARHDR || (sz = armemsize(h)) < 0)
			break;
		off += ARHDR;
		if (!armeta(h)) {
			r = readat(fd, head, sizeof(head), off);
			if (r > 0) {
				elfclassifybuf(head, r, e);
				if (e->kind != ELF_NONE)
					break;
			}
		}
		off += sz + (sz & 1);
	}
	if (e->kind == ELF_NONE)
		memset(e, 0, sizeof(*e));
	else
		e->kind = ELF_AR;
}

int
elfclassify(const char *path, struct elfinfo *e)
{
	unsigned char head[HEADMAX];
	ssize_t r;
	int fd;

	memset(e, 0, sizeof(*e));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return error("open '%s':", path);
	r = readat(fd, head, sizeof(head), 0);
	if (r < 0) {
		error("read '%s':", path);
		close(fd);
		return -1;
	}
	if (r >= 8 && !memcmp(head, "!<arch>\n", 8))
		arclassify(fd, e);
	else
		elfclassifybuf(head, r, e);
	close(fd);
	return 0;
}

const char *
elfabi(const struct profiles *p, const struct elfinfo *e)
{
	if (e->kind == ELF_NONE)
		return NULL;
	for (size_t i = 0; i < p->n; i++)
		if (p->abis[i].elfclass == e->elfclass && p->abis[i].machine == e->machine)
			return p->abis[i].name;
	return NULL;
}

const char *
elfkindname(enum elfkind k)
{
	switch (k) {
	case ELF_NONE: return "file";
	case ELF_REL: return "object";
	case ELF_EXEC: return "executable";
	case ELF_DYN: return "shared object";
	case ELF_AR: return "archive";
	case ELF_OTHER: break;
	}
	return "ELF file";
}
