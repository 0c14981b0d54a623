/*
 * spin: burn a known amount of CPU time, for the benchmark's recipes.
 *
 *   spin MS [FILE]
 *
 * Runs a busy loop until the process has used MS milliseconds of CPU time
 * (CLOCK_PROCESS_CPUTIME_ID, so a loaded machine stretches the wall time, not
 * the work), then writes "MS\n" to FILE when given.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double
cpums(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int
main(int argc, char *argv[])
{
	volatile unsigned long x = 1;
	double ms;
	FILE *f;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: spin MS [FILE]\n");
		return 2;
	}
	ms = atof(argv[1]);
	while (cpums() < ms)
		for (int i = 0; i < 100000; i++)
			x = x * 6364136223846793005ul + 1442695040888963407ul;
	if (argc == 3) {
		if (!(f = fopen(argv[2], "w")) || fprintf(f, "%s\n", argv[1]) < 0 || fclose(f)) {
			perror(argv[2]);
			return 1;
		}
	}
	return 0;
}
