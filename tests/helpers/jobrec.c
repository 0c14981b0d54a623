/*
 * jobrec: a fake build job for the jobserver tests.
 *
 *   jobrec FILE MS [K]
 *
 * Takes up to K extra tokens from the jobserver in MAKEFLAGS without waiting
 * (a pipe "R,W" or "fifo:PATH"), then runs for MS milliseconds and appends
 * "START STOP WEIGHT\n" to FILE in one write: monotonic nanoseconds and 1 plus
 * the tokens it held. Gives the tokens back after the record is written.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static unsigned long long
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* open the jobserver named in MAKEFLAGS: a private non-blocking reader and a writer */
static int
jsopen(int *rfd, int *wfd)
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
	if (!strncmp(auth, "fifo:", 5)) {
		*rfd = open(auth + 5, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		*wfd = open(auth + 5, O_WRONLY | O_CLOEXEC);
	} else if (sscanf(auth, "%d,%d", &r, &w) == 2 && r >= 0 && w >= 0) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", r);
		*rfd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		*wfd = w;
	} else {
		return -1;
	}
	return *rfd < 0 || *wfd < 0 ? -1 : 0;
}

int
main(int argc, char *argv[])
{
	char tok[64], line[128];
	int k = 0, got = 0, rfd, wfd, fd, len;
	unsigned long long start, stop;
	struct timespec ts;
	long ms;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: jobrec FILE MS [K]\n");
		return 2;
	}
	ms = atol(argv[2]);
	if (argc == 4)
		k = atoi(argv[3]);
	if (k > (int)sizeof(tok))
		k = sizeof(tok);
	if (k > 0 && jsopen(&rfd, &wfd) < 0) {
		fprintf(stderr, "jobrec: no usable jobserver in MAKEFLAGS\n");
		return 1;
	}
	while (got < k && read(rfd, tok + got, 1) == 1)
		got++;
	start = now();
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = ms % 1000 * 1000000;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	stop = now();
	len = snprintf(line, sizeof(line), "%llu %llu %d\n", start, stop, 1 + got);
	fd = open(argv[1], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, line, len) != len) {
		perror("jobrec: write record");
		return 1;
	}
	close(fd);
	if (got > 0 && write(wfd, tok, got) != got) {
		perror("jobrec: give back tokens");
		return 1;
	}
	return 0;
}
