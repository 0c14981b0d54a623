/* fuzz-jdoc: libFuzzer target for the JSON loader: jansson's parse, then the
   line:column scanner and key validation that every recipe, profile and
   layout goes through (jdoc.c) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "jdoc.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static const char *const keys[] = {"name", "version", "stage", "depends", "sources", NULL};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* every bad input prints an error: mlfs's messages go to /dev/null,
	   libFuzzer's and the sanitizers' still to fd 2 */
	if (!(stderr = fopen("/dev/null", "w")))
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xmalloc(size + 1);
	struct jdoc d;
	int line, col;
	const char *s;

	memcpy(text, data, size);
	text[size] = '\0';
	if (jdoc_parse(&d, "fuzz.json", text) == 0) {
		jdoc_keys(&d, "", d.root, keys);
		jdoc_str(&d, "", d.root, "name", 0, &s);
		jdoc_where(&d, "sources[0].url", &line, &col);
		jdoc_where(&d, "depends[3]", &line, &col);
		jdoc_where(&d, "a.b.c[1].d", &line, &col);
	}
	jdoc_release(&d);
	free(text);
	return 0;
}
