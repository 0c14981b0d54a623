#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "glue.h"
#include "profile.h"
#include "util.h"

static const char *
gcc(const struct gluectx *g)
{
	return g->cc ? g->cc : "gcc";
}

static const char *
gxx(const struct gluectx *g)
{
	return g->cxx ? g->cxx : "g++";
}

/* a path as the generated files name it: with the root's prefix in host mode */
static char *
seen(const struct gluectx *g, const char *path)
{
	if (g->hostmode && strcmp(g->root, "/"))
		return pathjoin(g->root, path);
	return xstrdup(path);
}

static char *
dirname_of(const char *path)
{
	const char *s = strrchr(path, '/');

	if (!s || s == path)
		return xstrdup("/");
	return xasprintf("%.*s", (int)(s - path), path);
}

char *
gluerel(const char *dir, const char *to)
{
	char *d = abspath(dir), *t = abspath(to);
	struct buf b = {0};
	size_t i = 0, common = 0;

	if (!strcmp(d, "/")) {
		b.s = xstrdup(t[1] ? t + 1 : ".");
		free(d);
		free(t);
		return b.s;
	}
	/* the longest common prefix that ends at a component boundary */
	for (; d[i] && d[i] == t[i]; i++)
		if (d[i] == '/')
			common = i;
	if (!d[i] && (t[i] == '/' || !t[i]))
		common = i;
	for (const char *s = d + common; *s; s++)
		if (*s == '/')
			bufputs(&b, "../");
	bufputs(&b, t[common] == '/' ? t + common + 1 : t + common);
	free(d);
	free(t);
	if (!b.s)
		b.s = xstrdup(".");
	return b.s;
}

/* write text to path in the root (atomically, only when it changed) */
static int
put(const struct gluectx *g, const char *path, const char *text, int mode)
{
	char *full = pathjoin(g->root, path), *dir = dirname_of(full), *cur;
	size_t len;
	struct stat st;
	int rc = 0;

	cur = readfile(full, &len);
	if (cur && len == strlen(text) && !memcmp(cur, text, len) && stat(full, &st) == 0 &&
	    (int)(st.st_mode & 07777) == mode)
		goto out;
	rc = mkdirs(dir, 0755);
	if (rc == 0)
		rc = writefile(full, text, strlen(text), mode);
	if (rc == 0 && chmod(full, mode) < 0)
		rc = error("chmod '%s':", full);
out:
	free(cur);
	free(dir);
	free(full);
	return rc;
}

/* make path in the root a symlink to target, replacing another symlink */
static int
mklink(const struct gluectx *g, const char *path, const char *target)
{
	char *full = pathjoin(g->root, path), *dir = dirname_of(full), *tmp = NULL;
	char buf[PATH_MAX];
	struct stat st;
	ssize_t n;
	int rc = 0;

	if (lstat(full, &st) == 0) {
		if (!S_ISLNK(st.st_mode)) {
			rc = error("'%s' should be a symlink to '%s' but is not one", full, target);
			goto out;
		}
		n = readlink(full, buf, sizeof(buf) - 1);
		if (n >= 0 && (buf[n] = '\0', !strcmp(buf, target)))
			goto out;
	}
	rc = mkdirs(dir, 0755);
	if (rc < 0)
		goto out;
	tmp = xasprintf("%s.mlfs-new", full);
	unlink(tmp);
	if (symlink(target, tmp) < 0)
		rc = error("create symlink '%s':", tmp);
	else if (rename(tmp, full) < 0)
		rc = error("rename '%s' to '%s':", tmp, full);
	else
		rc = syncdir(full);
out:
	free(tmp);
	free(dir);
	free(full);
	return rc;
}

/* the layout's links, their targets made directories */
static int
layoutlinks(const struct gluectx *g)
{
	const struct layout *l = &g->prof->layout;
	int rc = 0;

	for (size_t i = 0; i + 1 < l->links.n; i += 2) {
		const char *path = l->links.v[i], *target = l->links.v[i + 1];
		char *d = dirname_of(path);
		char *abs = target[0] == '/' ? xstrdup(target) : pathjoin(d, target);
		char *full = pathjoin(g->root, abs);
		if (mkdirs(full, 0755) < 0 || mklink(g, path, target) < 0)
			rc = -1;
		free(full);
		free(abs);
		free(d);
	}
	for (size_t i = 0; i < l->libdirs.n; i++) {
		char *full = pathjoin(g->root, l->libdirs.v[i]);
		if (strvfind(g->abis, l->abis.v[i]) >= 0 && mkdirs(full, 0755) < 0)
			rc = -1;
		free(full);
	}
	return rc;
}

/* path with a leading layout link replaced by its target; caller frees */
static char *
canon(const struct layout *l, const char *path)
{
	for (size_t i = 0; i + 1 < l->links.n; i += 2) {
		const char *lp = l->links.v[i], *t = l->links.v[i + 1];
		size_t n = strlen(lp);
		if (strncmp(path, lp, n) || (path[n] != '/' && path[n] != '\0'))
			continue;
		char *d = dirname_of(lp), *j = t[0] == '/' ? xstrdup(t) : pathjoin(d, t);
		char *a = abspath(j), *r = xasprintf("%s%s", a, path + n);
		free(d);
		free(j);
		free(a);
		return r;
	}
	return xstrdup(path);
}

/* a loader that glibc put in its libdir is linked from where programs look */
static int
loaders(const struct gluectx *g)
{
	const struct layout *l = &g->prof->layout;
	int rc = 0;

	for (size_t i = 0; i < g->abis->n; i++) {
		const struct abi *a = abi_get(g->prof, g->abis->v[i]);
		const char *libdir = a ? layout_libdir(l, a->name) : NULL;
		if (!libdir)
			continue;
		const char *base = strrchr(a->loader, '/') + 1;
		char *real = xasprintf("%s/%s", libdir, base), *at = canon(l, a->loader);
		char *full = pathjoin(g->root, real);
		if (strcmp(real, at) && exists(full)) {
			char *d = dirname_of(at), *rel = gluerel(d, real);
			if (mklink(g, at, rel) < 0)
				rc = -1;
			free(rel);
			free(d);
		}
		free(full);
		free(at);
		free(real);
	}
	return rc;
}

static int
ldconf(const struct gluectx *g)
{
	const struct layout *l = &g->prof->layout;
	struct buf b = {0};
	char *conf = pathjoin(g->root, "etc/ld.so.conf");
	int rc;

	bufputs(&b, "# generated by mlfs: the libdirs of every ABI\n");
	for (size_t i = 0; i < l->libdirs.n; i++)
		if (strvfind(g->abis, l->abis.v[i]) >= 0)
			bufprintf(&b, "%s\n", l->libdirs.v[i]);
	rc = put(g, "/etc/ld.so.conf.d/mlfs-multilib.conf", b.s, 0644);
	if (rc == 0 && !exists(conf))
		rc = put(g, "/etc/ld.so.conf", "include /etc/ld.so.conf.d/*.conf\n", 0644);
	free(conf);
	buffree(&b);
	return rc;
}

/* the variables through which a caller's pkg-config setting would leak into a
   wrapper that must answer for its ABI and root only */
static const char pcvars[] = "PKG_CONFIG_PATH PKG_CONFIG_LIBDIR PKG_CONFIG_SYSROOT_DIR "
	"PKG_CONFIG_SYSTEM_LIBRARY_PATH PKG_CONFIG_SYSTEM_INCLUDE_PATH";

static int
pkgconfig(const struct gluectx *g, const struct abi *a, const char *libdir)
{
	char *pers = xasprintf("/usr/share/pkgconfig/personality.d/%s.personality", a->host);
	char *sp = seen(g, pers), *pc = xasprintf("%s/pkgconfig", libdir);
	char *pcs = seen(g, pc), *share = seen(g, "/usr/share/pkgconfig");
	char *bin = xasprintf("/usr/bin/%s-pkg-config", a->host);
	struct buf b = {0}, w = {0};
	int rc;

	bufprintf(&b, "Triplet: %s\n", a->host);
	if (g->hostmode && strcmp(g->root, "/"))
		bufprintf(&b, "SysrootDir: %s\n", g->root);
	bufprintf(&b, "DefaultSearchPaths: %s:%s\n", pcs, share);
	bufputs(&b, "SystemIncludePaths: /usr/include\n");
	bufprintf(&b, "SystemLibraryPaths: %s\n", libdir);
	rc = put(g, pers, b.s, 0644);
	bufprintf(&w, "#!/bin/sh\n# generated by mlfs: pkg-config for the %s ABI of this root only\n"
		"unset %s\nexec pkgconf --personality='%s' \"$@\"\n", a->name, pcvars, sp);
	if (rc == 0)
		rc = put(g, bin, w.s, 0755);
	buffree(&b);
	buffree(&w);
	free(bin);
	free(share);
	free(pcs);
	free(pc);
	free(sp);
	free(pers);
	return rc;
}

static int
compilers(const struct gluectx *g, const struct abi *a)
{
	char *c = xasprintf("/usr/bin/%s-gcc", a->host), *cx = xasprintf("/usr/bin/%s-g++", a->host);
	char *t1 = xasprintf("#!/bin/sh\n# generated by mlfs: gcc for the %s ABI\nexec %s %s \"$@\"\n",
		a->name, gcc(g), a->mflag);
	char *t2 = xasprintf("#!/bin/sh\n# generated by mlfs: g++ for the %s ABI\nexec %s %s \"$@\"\n",
		a->name, gxx(g), a->mflag);
	int rc = put(g, c, t1, 0755);

	if (rc == 0)
		rc = put(g, cx, t2, 0755);
	free(c);
	free(cx);
	free(t1);
	free(t2);
	return rc;
}

static const char *
extra(const struct abi *a, const char *key, const char *def)
{
	const char *v = abi_extra(a, key);

	return v ? v : def;
}

/* the [binaries] and [built-in options] every meson file of ABI a shares: the
   ABI's compilers, its pkg-config under both names (meson < 1.3 reads only
   "pkgconfig", later ones "pkg-config"; without it meson would run the host's),
   and a prefix its libdir lies in */
static void
mesoncommon(const struct gluectx *g, struct buf *b, const struct abi *a)
{
	char *pc = xasprintf("/usr/bin/%s-pkg-config", a->host), *spc = seen(g, pc);

	bufprintf(b, "[binaries]\nc = ['%s', '%s']\ncpp = ['%s', '%s']\n"
		"ar = 'ar'\nstrip = 'strip'\npkgconfig = '%s'\npkg-config = '%s'\n",
		gcc(g), a->mflag, gxx(g), a->mflag, spc, spc);
	free(spc);
	free(pc);
}

static void
mesonoptions(struct buf *b, const char *libdir)
{
	bufprintf(b, "\n[built-in options]\nprefix = '/usr'\nlibdir = '%s'\n", libdir);
}

/* native-<abi>.ini: the ABI's tools as the build machine's, which is what BLFS
   packages that refuse parts of a cross build want (the multilib note: "stop
   pretending cross building for 32-bit"); usable when the ABI's programs run
   here. cross-<abi>.ini (every ABI but the primary): a cross file, for an ABI
   whose programs cannot run here (x32 on most kernels) */
static int
meson(const struct gluectx *g, const struct abi *a, const char *libdir, int primary)
{
	char *nat = xasprintf("/usr/share/mlfs/meson/native-%s.ini", a->name);
	char *cross = xasprintf("/usr/share/mlfs/meson/cross-%s.ini", a->name);
	int norun = g->norun && strvfind(g->norun, a->name) >= 0;
	struct buf b = {0}, c = {0};
	int rc;

	bufprintf(&b, "# generated by mlfs: meson native file for the %s ABI (--native-file)\n", a->name);
	mesoncommon(g, &b, a);
	if (!primary)
		bufputs(&b, "exe_wrapper = ''\n");
	mesonoptions(&b, libdir);
	rc = put(g, nat, b.s, 0644);
	if (rc == 0 && !primary) {
		bufprintf(&c, "# generated by mlfs: meson cross file for the %s ABI (--cross-file)\n", a->name);
		mesoncommon(g, &c, a);
		mesonoptions(&c, libdir);
		bufprintf(&c, "\n[properties]\nneeds_exe_wrapper = %s\n", norun ? "true" : "false");
		bufprintf(&c, "\n[host_machine]\nsystem = 'linux'\ncpu_family = '%s'\ncpu = '%s'\n"
			"endian = 'little'\n", extra(a, "meson_cpu_family", "x86_64"),
			extra(a, "meson_cpu", "x86_64"));
		rc = put(g, cross, c.s, 0644);
	}
	buffree(&b);
	buffree(&c);
	free(cross);
	free(nat);
	return rc;
}

/* the libdir relative to /usr ("lib32", "lib/i386-linux-gnu") */
static const char *
usrrel(const char *libdir)
{
	return !strncmp(libdir, "/usr/", 5) ? libdir + 5 : libdir + 1;
}

static int
cmake(const struct gluectx *g, const struct abi *a, const char *libdir, int primary)
{
	char *pc = xasprintf("/usr/bin/%s-pkg-config", a->host), *spc = seen(g, pc);
	char *file = xasprintf("/usr/share/mlfs/cmake/%s.cmake", a->name);
	const char *lib = usrrel(libdir);
	struct buf b = {0};
	int rc;

	bufprintf(&b, "# generated by mlfs: CMake toolchain file for the %s ABI\n", a->name);
	if (!primary)
		bufprintf(&b, "set(CMAKE_SYSTEM_NAME Linux)\nset(CMAKE_SYSTEM_PROCESSOR %s)\n",
			extra(a, "meson_cpu", "x86_64"));
	bufprintf(&b, "set(CMAKE_C_COMPILER %s)\nset(CMAKE_C_FLAGS_INIT \"%s\")\n"
		"set(CMAKE_CXX_COMPILER %s)\nset(CMAKE_CXX_FLAGS_INIT \"%s\")\n",
		gcc(g), a->mflag, gxx(g), a->mflag);
	bufprintf(&b, "set(CMAKE_EXE_LINKER_FLAGS_INIT \"%s\")\nset(CMAKE_SHARED_LINKER_FLAGS_INIT \"%s\")\n",
		a->mflag, a->mflag);
	bufprintf(&b, "set(CMAKE_INSTALL_LIBDIR %s CACHE PATH \"libdir of the %s ABI\")\n", lib, a->name);
	bufprintf(&b, "set(PKG_CONFIG_EXECUTABLE %s CACHE FILEPATH \"pkg-config of the %s ABI\")\n",
		spc, a->name);
	/* where find_library looks: lib32, libx32, lib64 beside lib, or lib/<triplet> */
	bufprintf(&b, "set_property(GLOBAL PROPERTY FIND_LIBRARY_USE_LIB32_PATHS %s)\n"
		"set_property(GLOBAL PROPERTY FIND_LIBRARY_USE_LIBX32_PATHS %s)\n"
		"set_property(GLOBAL PROPERTY FIND_LIBRARY_USE_LIB64_PATHS %s)\n",
		!strcmp(lib, "lib32") ? "TRUE" : "FALSE", !strcmp(lib, "libx32") ? "TRUE" : "FALSE",
		!strcmp(lib, "lib64") ? "TRUE" : "FALSE");
	if (!strncmp(lib, "lib/", 4))
		bufprintf(&b, "set(CMAKE_LIBRARY_ARCHITECTURE %s)\n", lib + 4);
	if (g->hostmode && strcmp(g->root, "/"))
		bufprintf(&b, "list(APPEND CMAKE_PREFIX_PATH %s/usr)\n", g->root);
	rc = put(g, file, b.s, 0644);
	buffree(&b);
	free(file);
	free(spc);
	free(pc);
	return rc;
}

/* the linkers of the other ABIs' Rust targets, and for every target the ABI's
   pkg-config, so that a -sys crate's build script links the root's library
   (the pkg-config crate reads PKG_CONFIG_<target>, and takes it as leave to
   cross-compile) */
static int
cargo(const struct gluectx *g)
{
	struct buf b = {0}, env = {0};
	int rc;

	bufputs(&b, "# generated by mlfs: Rust targets of the root's ABIs (copy into\n"
		"# .cargo/config.toml, or cargo --config this file)\n");
	for (size_t i = 0; i < g->abis->n; i++) {
		const struct abi *a = abi_get(g->prof, g->abis->v[i]);
		const char *t = a ? abi_extra(a, "rust_target") : NULL;
		if (!t)
			continue;
		char *pc = xasprintf("/usr/bin/%s-pkg-config", a->host), *spc = seen(g, pc);
		char *var = xstrdup(t);
		for (char *s = var; *s; s++)
			if (*s == '-')
				*s = '_';
		bufprintf(&env, "PKG_CONFIG_%s = \"%s\"\n", var, spc);
		if (strcmp(a->name, g->prof->layout.primary)) {
			char *cc = xasprintf("/usr/bin/%s-gcc", a->host), *scc = seen(g, cc);
			bufprintf(&b, "\n[target.%s]\nlinker = \"%s\"\n", t, scc);
			free(scc);
			free(cc);
		}
		free(var);
		free(spc);
		free(pc);
	}
	if (env.s)
		bufprintf(&b, "\n[env]\n%s", env.s);
	rc = put(g, "/usr/share/mlfs/cargo/config.toml", b.s, 0644);
	buffree(&env);
	buffree(&b);
	return rc;
}

int
glue_write(const struct gluectx *g)
{
	const struct layout *l = &g->prof->layout;
	int rc = 0;

	if (layoutlinks(g) < 0 || loaders(g) < 0 || ldconf(g) < 0)
		rc = -1;
	for (size_t i = 0; i < g->abis->n; i++) {
		const struct abi *a = abi_get(g->prof, g->abis->v[i]);
		const char *libdir = a ? layout_libdir(l, a->name) : NULL;
		int primary = a && !strcmp(a->name, l->primary);
		if (!libdir) {
			rc = error("ABI '%s' has no profile or no libdir in layout '%s'",
				g->abis->v[i], l->name);
			continue;
		}
		if (pkgconfig(g, a, libdir) < 0 || (!primary && compilers(g, a) < 0) ||
		    meson(g, a, libdir, primary) < 0 || cmake(g, a, libdir, primary) < 0)
			rc = -1;
	}
	if (cargo(g) < 0)
		rc = -1;
	return rc;
}

char *
glue_rtldlist(const struct profiles *p, const struct strv *abis)
{
	struct buf b = {0};

	for (size_t i = 0; i < p->n; i++)
		if (strvfind(abis, p->abis[i].name) >= 0)
			bufprintf(&b, "%s%s", b.n ? " " : "", p->abis[i].loader);
	if (!b.s)
		b.s = xstrdup("");
	return b.s;
}
