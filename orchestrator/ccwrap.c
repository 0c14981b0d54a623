/*
 * ccache for every step (see ccwrap.h). The copy for chrooted steps is the
 * machine's ccache with the libraries ldd names and the machine's loader
 * (bundleexec, os.h), started through that loader with --library-path, so
 * that nothing of the machine's /lib is needed inside $LFS.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "ccwrap.h"
#include "os.h"
#include "util.h"

/* the script chrooted steps run: the copy through its own loader */
static const char runner[] =
	"#!/bin/sh\n"
	"# ccache for chrooted steps: the machine's ccache with its own loader and libraries\n"
	"h=${0%/bin/ccache}/host\n"
	"exec \"$h/ld.so\" --library-path \"$h\" \"$h/ccache\" \"$@\"\n";

int
ccwrap_setup(const char *state, int chroot)
{
	char *ccache = findexec("ccache"), *top = pathjoin(state, "ccache");
	char *cache = pathjoin(top, "cache"), *host = pathjoin(top, "host");
	char *bin = pathjoin(top, "bin"), *script = pathjoin(bin, "ccache");
	int rc = 0;

	if (!ccache)
		rc = error("--ccache: no 'ccache' in PATH (scripts/deps.sh installs it)");
	/* one cache for steps of every user (contained ones run as nobody, chrooted
	   ones as root): its dir and what ccache makes in it (CCACHE_UMASK)
	   are writable by all */
	else if (mkdirs(cache, 0755) < 0 || chmod(cache, 0777) < 0)
		rc = error("cannot make the ccache dir '%s':", cache);
	else if (chroot && (rmtree(host) < 0 || mkdirs(host, 0755) < 0 || mkdirs(bin, 0755) < 0 ||
		bundleexec(ccache, host) < 0 || writefile(script, runner, strlen(runner), 0755) < 0))
		rc = -1;
	free(ccache);
	free(top);
	free(cache);
	free(host);
	free(bin);
	free(script);
	return rc;
}

/* set key to value in env */
static void
setenvv(struct strv *env, const char *key, const char *value)
{
	size_t n = strlen(key);

	for (size_t i = 0; i < env->n; i++)
		if (!strncmp(env->v[i], key, n) && env->v[i][n] == '=') {
			free(env->v[i]);
			env->v[i] = xasprintf("%s=%s", key, value);
			return;
		}
	strvtake(env, xasprintf("%s=%s", key, value));
}

static const char *
getenvv(const struct strv *env, const char *key)
{
	size_t n = strlen(key);

	for (size_t i = 0; i < env->n; i++)
		if (!strncmp(env->v[i], key, n) && env->v[i][n] == '=')
			return env->v[i] + n + 1;
	return NULL;
}

void
ccwrap_env(struct strv *env, const char *state, int chrooted)
{
	char *cache = xasprintf("%s/ccache/cache", state);
	char *wrap = chrooted ? xasprintf("%s/ccache/bin/ccache", state) : xstrdup("ccache");
	const char *keys[] = {"CC", "CXX"};

	for (int i = 0; i < 2; i++) {
		const char *v = getenvv(env, keys[i]);
		if (!v || startswith(v, wrap))
			continue;
		char *w = xasprintf("%s %s", wrap, v);
		setenvv(env, keys[i], w);
		free(w);
	}
	setenvv(env, "CCACHE_DIR", cache);
	setenvv(env, "CCACHE_UMASK", "000");
	free(cache);
	free(wrap);
}

int
ccwrap_stats(const char *state, struct ccstats *st)
{
	char *cmd = xasprintf("CCACHE_DIR='%s/ccache/cache' ccache --print-stats 2>/dev/null", state);
	FILE *f;
	char line[256], name[128];
	unsigned long long v;
	int got = 0;

	memset(st, 0, sizeof(*st));
	if (strchr(state, '\'') || !(f = popen(cmd, "r"))) {
		free(cmd);
		return -1;
	}
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%127s %llu", name, &v) == 2) {
			got = 1;
			if (!strcmp(name, "direct_cache_hit") || !strcmp(name, "preprocessed_cache_hit"))
				st->hits += v;
			else if (!strcmp(name, "cache_miss"))
				st->misses += v;
		}
	free(cmd);
	return pclose(f) == 0 && got ? 0 : -1;
}
