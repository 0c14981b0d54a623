/* t-elf: ELF classification of objects built by the real multilib gcc */
#define _GNU_SOURCE
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "unit.h"
#include "elf.h"
#include "profile.h"
#include "util.h"

static struct profiles prof;
static char top[PATH_MAX];

static int
setup(void **state)
{
	snprintf(top, sizeof(top), "%s/t-elf.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(top) || profiles_load(&prof, "abi-profiles", "lfs") < 0)
		return -1;
	return unit_sh("cd '%s' && echo 'int f(void) { return 1; }' >f.c && echo 'int main(void) { return 0; }' >m.c && "
		"for m in 32 64 x32; do gcc -m$m -c f.c -o f$m.o && gcc -m$m -shared -fPIC f.c -o f$m.so && "
		"ar rcs f$m.a f$m.o && gcc -m$m m.c -o m$m && gcc -m$m -static -no-pie m.c -o s$m 2>/dev/null || "
		"gcc -m$m -no-pie m.c -o s$m; done && "
		"echo text >t.txt && ar rcs lead.a t.txt f32.o && ar rcs empty.a && printf '\\177ELF' >short", top);
}

static int
teardown(void **state)
{
	rmtree(top);
	profiles_release(&prof);
	return 0;
}

static void
check(const char *name, enum elfkind kind, int cls, int machine, const char *abi)
{
	char path[PATH_MAX * 2];
	struct elfinfo e;

	snprintf(path, sizeof(path), "%s/%s", top, name);
	assert_int_equal(elfclassify(path, &e), 0);
	if (e.kind != kind)
		fail_msg("%s: kind %s, not %s", name, elfkindname(e.kind), elfkindname(kind));
	assert_int_equal(e.elfclass, cls);
	assert_int_equal(e.machine, machine);
	if (abi)
		assert_string_equal(elfabi(&prof, &e), abi);
	else
		assert_null(elfabi(&prof, &e));
}

/* i386 is 32, x86_64 ELF64 is 64, x86_64 ELF32 is x32, for every kind of object */
static void
t_kinds(void **state)
{
	const char *abis[] = { "32", "64", "x32" };
	const int cls[] = { 32, 64, 32 }, mach[] = { ELF_I386, ELF_X86_64, ELF_X86_64 };

	for (int i = 0; i < 3; i++) {
		char n[32];
		snprintf(n, sizeof(n), "f%s.o", abis[i]);
		check(n, ELF_REL, cls[i], mach[i], abis[i]);
		snprintf(n, sizeof(n), "f%s.so", abis[i]);
		check(n, ELF_DYN, cls[i], mach[i], abis[i]);
		snprintf(n, sizeof(n), "f%s.a", abis[i]);
		check(n, ELF_AR, cls[i], mach[i], abis[i]);
		snprintf(n, sizeof(n), "m%s", abis[i]);
		check(n, ELF_DYN, cls[i], mach[i], abis[i]);
		snprintf(n, sizeof(n), "s%s", abis[i]);
		check(n, ELF_EXEC, cls[i], mach[i], abis[i]);
	}
}

/* archives are classified by their first object; other files are not objects */
static void
t_others(void **state)
{
	char path[PATH_MAX * 2];
	struct elfinfo e;

	check("lead.a", ELF_AR, 32, ELF_I386, "32");
	check("empty.a", ELF_NONE, 0, 0, NULL);
	check("t.txt", ELF_NONE, 0, 0, NULL);
	check("short", ELF_NONE, 0, 0, NULL);
	snprintf(path, sizeof(path), "%s/missing", top);
	assert_int_equal(elfclassify(path, &e), -1);
	/* an ELF for a machine no profile describes (EM_AARCH64 = 183) */
	e = (struct elfinfo){ .kind = ELF_DYN, .elfclass = 64, .machine = 183 };
	assert_null(elfabi(&prof, &e));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_kinds),
		cmocka_unit_test(t_others),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
