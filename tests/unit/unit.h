/* unit: what every cmocka unit test includes, and small helpers they share */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <cmocka.h>

/* run a formatted shell command; its exit status (128 when it did not exit) */
static inline int __attribute__((format(printf, 1, 2)))
unit_sh(const char *fmt, ...)
{
	va_list ap;
	char *cmd;
	int rc;

	va_start(ap, fmt);
	if (vasprintf(&cmd, fmt, ap) < 0)
		abort();
	va_end(ap);
	rc = system(cmd);
	free(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
}

/* a fresh temporary directory; caller frees the string */
static inline char *
unit_tmpdir(void)
{
	char *t = strdup("/tmp/mlfs-unit.XXXXXX");

	if (!t || !mkdtemp(t))
		abort();
	return t;
}

/* write text to dir/name, creating parent directories */
static inline void
unit_write(const char *dir, const char *name, const char *text)
{
	char path[8192], cmd[8400];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	if (system(cmd) != 0)
		abort();
	f = fopen(path, "w");
	if (!f)
		abort();
	fputs(text, f);
	fclose(f);
}

/* remove a tree made by a test */
static inline void
unit_rmrf(const char *dir)
{
	char cmd[4200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		abort();
}

/* stderr goes to a file until unit_capture_end, which returns what was written */
static int unit_saved_fd = -1;
static char unit_capfile[64];

static inline void
unit_capture_begin(void)
{
	int fd;

	fflush(stderr);
	snprintf(unit_capfile, sizeof(unit_capfile), "/tmp/mlfs-unit-err.XXXXXX");
	fd = mkstemp(unit_capfile);
	unit_saved_fd = dup(2);
	dup2(fd, 2);
	close(fd);
}

/* caller frees */
static inline char *
unit_capture_end(void)
{
	FILE *f;
	long n;
	char *s;

	fflush(stderr);
	dup2(unit_saved_fd, 2);
	close(unit_saved_fd);
	f = fopen(unit_capfile, "r");
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	s = calloc(1, n + 1);
	if (fread(s, 1, n, f) != (size_t)n)
		abort();
	fclose(f);
	unlink(unit_capfile);
	return s;
}

/* assert that haystack contains needle, showing both when it does not */
#define assert_contains(haystack, needle) do { \
	if (!strstr((haystack), (needle))) \
		fail_msg("expected '%s' in:\n%s", (needle), (haystack)); \
} while (0)
