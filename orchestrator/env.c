#define _GNU_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "env.h"
#include "profile.h"
#include "recipe.h"
#include "util.h"

static void
set(struct strv *env, const char *key, const char *val)
{
	size_t n = strlen(key);

	for (size_t i = 0; i < env->n; i++) {
		if (!strncmp(env->v[i], key, n) && env->v[i][n] == '=') {
			free(env->v[i]);
			env->v[i] = xasprintf("%s=%s", key, val ? val : "");
			return;
		}
	}
	strvtake(env, xasprintf("%s=%s", key, val ? val : ""));
}

const char *
env_get(const struct strv *env, const char *key)
{
	size_t n = strlen(key);

	for (size_t i = 0; i < env->n; i++)
		if (!strncmp(env->v[i], key, n) && env->v[i][n] == '=')
			return env->v[i] + n + 1;
	return NULL;
}

static char *
upper(const char *prefix, const char *s)
{
	char *u = xasprintf("%s%s", prefix, s);

	for (char *p = u; *p; p++)
		*p = isalnum((unsigned char)*p) ? toupper((unsigned char)*p) : '_';
	return u;
}

/* host mode (--root without --lfs): build against the root's headers and
   libraries */
static void
hostflags(struct strv *env, const struct envin *in, const char *libdir)
{
	const char *root = in->root;
	char *v;

	if (!root || !strcmp(root, "/") || in->lfs)
		return;
	set(env, "MLFS_ROOT", root);
	v = xasprintf("-I%s/usr/include", root);
	set(env, "CPPFLAGS", v);
	free(v);
	v = xasprintf("-L%s%s -Wl,-rpath-link,%s%s", root, libdir, root, libdir);
	set(env, "LDFLAGS", v);
	free(v);
	v = xasprintf("%s%s/pkgconfig:%s/usr/share/pkgconfig", root, libdir, root);
	set(env, "PKG_CONFIG_LIBDIR", v);
	free(v);
	set(env, "PKG_CONFIG_SYSROOT_DIR", root);
	/* a test suite runs programs that need this ABI's libraries of the root */
	if (in->step && !strcmp(in->step, "check")) {
		v = xasprintf("%s%s", root, libdir);
		set(env, "LD_LIBRARY_PATH", v);
		free(v);
	}
}

/* the layout for the recipes that place every ABI (gcc's multilib dirs, ldd):
   MLFS_LAYOUT, MLFS_LIBDIR_<ABI> of every requested ABI, and MLFS_LOADERS,
   their loaders where programs look for them */
static void
layoutvars(struct strv *env, const struct envin *in)
{
	const struct layout *l = &in->prof->layout;
	struct buf ld = {0};

	set(env, "MLFS_LAYOUT", l->name);
	for (size_t i = 0; i < in->abis->n; i++) {
		const struct abi *a = abi_get(in->prof, in->abis->v[i]);
		const char *dir = layout_libdir(l, in->abis->v[i]);
		if (!a || !dir)
			continue;
		char *k = upper("MLFS_LIBDIR_", a->name);
		set(env, k, dir);
		free(k);
		bufprintf(&ld, "%s%s", ld.n ? " " : "", a->loader);
	}
	set(env, "MLFS_LOADERS", ld.s ? ld.s : "");
	buffree(&ld);
}

void
env_build(struct strv *env, const struct envin *in)
{
	const struct abi *a = in->abi;
	const struct profiles *p = in->prof;
	const char *libdir = layout_libdir(&p->layout, a->name);
	const char *primary = in->abis->n ? in->abis->v[0] : p->layout.primary;
	const struct abi *pa = abi_get(p, primary);
	int cross = in->r->stage <= STAGE_TEMP && in->lfs;
	struct buf abis = {0};
	char *v;

	for (size_t i = 0; i < in->abis->n; i++)
		bufprintf(&abis, "%s%s", i ? " " : "", in->abis->v[i]);
	if (cross) {
		v = xasprintf("%s/tools/bin:/usr/local/bin:/usr/bin:/bin", in->lfs);
		set(env, "PATH", v);
		free(v);
	} else {
		set(env, "PATH", "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin");
	}
	set(env, "HOME", in->home);
	set(env, "SHELL", "/bin/bash");
	set(env, "LC_ALL", "POSIX");
	set(env, "TERM", "dumb");
	set(env, "TZ", "UTC");
	set(env, "MLFS_ABI", a->name);
	set(env, "MLFS_PRIMARY_ABI", primary);
	set(env, "MLFS_ABIS", abis.s ? abis.s : "");
	set(env, "BUILD_MULTI", a->mflag);
	set(env, "HOST_MULTI", a->host);
	set(env, "MLFS_HOST", a->host);
	set(env, "MLFS_BUILD", pa ? pa->host : a->host);
	set(env, "LFS_TGT", pa ? pa->cross : a->cross);
	set(env, "LFS_TGT_MULTI", a->cross);
	set(env, "LIBDIR", libdir);
	/* the libdir under /usr: lib32 (lfs), lib/i386-linux-gnu (multiarch) */
	set(env, "LIBDIR_MULTI", !strncmp(libdir, "/usr/", 5) ? libdir + 5 : libdir + 1);
	layoutvars(env, in);
	if (in->lfs)
		set(env, "LFS", in->lfs);
	v = cross ? xasprintf("%s-gcc %s", pa->cross, a->mflag) : xasprintf("gcc %s", a->mflag);
	set(env, "CC", v);
	free(v);
	v = cross ? xasprintf("%s-g++ %s", pa->cross, a->mflag) : xasprintf("g++ %s", a->mflag);
	set(env, "CXX", v);
	free(v);
	/* a cross or temp build on the host finds the .pc files of $LFS */
	v = cross ? xasprintf("%s%s/pkgconfig:%s/usr/share/pkgconfig", in->lfs, libdir, in->lfs)
		: xasprintf("%s/pkgconfig:/usr/share/pkgconfig", libdir);
	set(env, "PKG_CONFIG_LIBDIR", v);
	free(v);
	if (cross)
		set(env, "PKG_CONFIG_SYSROOT_DIR", in->lfs);
	hostflags(env, in, libdir);
	set(env, "DESTDIR", in->destdir);
	set(env, "MLFS_SRC", in->srcdir);
	set(env, "MLFS_RECIPE", in->r->dir);
	set(env, "MLFS_NAME", in->r->name);
	set(env, "MLFS_VERSION", in->r->version);
	set(env, "MLFS_STAGE", stage_name(in->r->stage));
	set(env, "MLFS_CAN_RUN", in->canrun ? "1" : "0");
	v = xasprintf("%d", in->jobs);
	set(env, "MLFS_JOBS", v);
	set(env, "NINJAJOBS", v);
	free(v);
	if (in->makeflags)
		set(env, "MAKEFLAGS", in->makeflags);
	for (size_t i = 0; in->sources && i < in->sources->n; i++) {
		char key[48];
		snprintf(key, sizeof(key), "MLFS_SOURCE_%zu", i);
		set(env, key, in->sources->v[i]);
	}
	for (size_t i = 0; i < in->r->includes.n; i++) {
		char key[48];
		snprintf(key, sizeof(key), "MLFS_INCLUDE_%zu", i);
		set(env, key, in->r->includes.v[i]);
	}
	for (size_t i = 0; i < a->nextras; i++) {
		char *k = upper("MLFS_", a->extras[i].key);
		set(env, k, a->extras[i].value);
		free(k);
	}
	for (size_t i = 0; i < in->r->env.n; i++) {
		char *k = xstrdup(in->r->env.v[i]), *eq = strchr(k, '=');
		*eq = '\0';
		set(env, k, eq + 1);
		free(k);
	}
	buffree(&abis);
}
