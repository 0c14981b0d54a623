/*
 * icecc for every step (see icecc.h): a probe of the local daemon with a
 * bounded non-blocking connect, and the environment of a step.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "icecc.h"
#include "util.h"

enum { PROBE_MS = 2000, ICECC_PORT = 10245 };

/* connect to addr within PROBE_MS; 0 or -1 with errno */
static int
tryconnect(const struct sockaddr *addr, socklen_t len)
{
	int fd = socket(addr->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), err = 0;
	socklen_t el = sizeof(err);
	struct pollfd p;

	if (fd < 0)
		return -1;
	if (connect(fd, addr, len) < 0) {
		if (errno != EINPROGRESS) {
			err = errno;
			goto out;
		}
		p = (struct pollfd){.fd = fd, .events = POLLOUT};
		if (poll(&p, 1, PROBE_MS) <= 0)
			err = ETIMEDOUT;
		else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0)
			err = errno;
	}
out:
	close(fd);
	errno = err;
	return err ? -1 : 0;
}

static int
inpath(const char *name)
{
	const char *path = getenv("PATH");
	char *dirs = xstrdup(path && *path ? path : "/usr/bin:/bin"), *save, *d;
	int found = 0;

	for (d = strtok_r(dirs, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
		char *p = pathjoin(d, name);
		found = access(p, X_OK) == 0;
		free(p);
	}
	free(dirs);
	return found;
}

int
icecc_probe(void)
{
	struct sockaddr_un un = {.sun_family = AF_UNIX};
	struct sockaddr_in in = {.sin_family = AF_INET, .sin_port = htons(ICECC_PORT)};

	if (!inpath("icecc")) {
		warn("--icecc: no 'icecc' in PATH (scripts/deps.sh installs it): compiling locally");
		return 0;
	}
	snprintf(un.sun_path, sizeof(un.sun_path), "/var/run/icecc/iceccd.socket");
	if (tryconnect((struct sockaddr *)&un, sizeof(un)) == 0)
		return 1;
	in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (tryconnect((struct sockaddr *)&in, sizeof(in)) == 0)
		return 1;
	warn("--icecc: the local icecream daemon cannot be reached (/var/run/icecc/iceccd.socket, "
		"127.0.0.1:%d: %s); start iceccd pointed at the scheduler: compiling locally",
		ICECC_PORT, strerror(errno));
	return 0;
}

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

void
icecc_env(struct strv *env, int ccache)
{
	const char *keys[] = {"CC=", "CXX="};

	if (ccache) {
		setenvv(env, "CCACHE_PREFIX", "icecc");
		return;
	}
	for (size_t i = 0; i < env->n; i++)
		for (int k = 0; k < 2; k++)
			if (startswith(env->v[i], keys[k]) && !strstr(env->v[i], "icecc ")) {
				char *kv = xasprintf("%sicecc %s", keys[k], env->v[i] + strlen(keys[k]));
				free(env->v[i]);
				env->v[i] = kv;
			}
}
