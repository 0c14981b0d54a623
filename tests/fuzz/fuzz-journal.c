/* fuzz-journal: libFuzzer target for the journal's replay: any bytes as
   STATE/journal.jsonl (torn lines, bad versions, huge counts), then a lookup,
   an append and a forced compaction */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "journal.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static char dir[] = "/tmp/mlfs-fuzz-journal.XXXXXX";

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* mlfs's warnings go to /dev/null, libFuzzer's reports still to fd 2 */
	if (!(stderr = fopen("/dev/null", "w")) || !mkdtemp(dir))
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *path = xasprintf("%s/journal.jsonl", dir), *old = xasprintf("%s.old", path);
	struct journal j;
	FILE *f = fopen(path, "w");

	if (!f)
		abort();
	fwrite(data, 1, size, f);
	fclose(f);
	if (journal_open(&j, path) == 0) {
		journal_get(&j, "gmp:32");
		journal_record(&j, "gmp:32", J_FAILED, NULL, "build", 0);
		journal_compact(&j, 1);
	}
	journal_close(&j);
	unlink(path);
	unlink(old);
	free(old);
	free(path);
	return 0;
}
