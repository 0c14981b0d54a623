/*
 * tokthief: a jobserver client that dies holding a token.
 *
 *   tokthief [FILE]
 *
 * Waits up to 5 s for a token from the jobserver in MAKEFLAGS (a pipe "R,W"
 * or "fifo:PATH"), writes "took\n" to FILE when given, and kills itself with
 * SIGKILL without giving the token back. Exits 1 when it got no token.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* a private non-blocking reader of the jobserver named in MAKEFLAGS */
static int
jsopen(void)
{
	const char *f = getenv("MAKEFLAGS"), *a = NULL, *p;
	char path[4096], auth[4096];
	size_t n;
	int r, w;

	for (p = f; p && (p = strstr(p, "--jobserver-")); p++)
		if (!strncmp(p, "--jobserver-auth=", 17) || !strncmp(p, "--jobserver-fds=", 16))
			a = strchr(p, '=') + 1;
	if (!a)
		return -1;
	n = strcspn(a, " \t");
	if (n >= sizeof(auth))
		return -1;
	memcpy(auth, a, n);
	auth[n] = '\0';
	if (!strncmp(auth, "fifo:", 5))
		return open(auth + 5, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (sscanf(auth, "%d,%d", &r, &w) != 2 || r < 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", r);
	return open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
}

int
main(int argc, char *argv[])
{
	struct pollfd pfd;
	char c;
	FILE *f;

	pfd.fd = jsopen();
	pfd.events = POLLIN;
	if (pfd.fd < 0) {
		fprintf(stderr, "tokthief: no usable jobserver in MAKEFLAGS\n");
		return 1;
	}
	for (;;) {
		if (poll(&pfd, 1, 5000) <= 0) {
			fprintf(stderr, "tokthief: no token came\n");
			return 1;
		}
		if (read(pfd.fd, &c, 1) == 1)
			break;  /* else sniped: wait again */
	}
	if (argc > 1 && (f = fopen(argv[1], "w"))) {
		fputs("took\n", f);
		fclose(f);
	}
	kill(getpid(), SIGKILL);
	return 1;
}
