#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "hash.h"
#include "jdoc.h"
#include "profile.h"
#include "recipe.h"
#include "util.h"

static const char *const stages[NSTAGES] = {"cross", "temp", "chroot", "system"};

static const char *const topkeys[] = {
	"name", "version", "description", "stage", "order", "abis", "one_pass",
	"deps_complete", "check_cross", "primary_first", "needs_run", "toolchain", "lfs_only", "distribute", "depends", "host_depends", "sources", "patches", "include", "env",
	"multilib", NULL,
};
static const char *const srckeys[] = {
	"url", "sha256", "md5", "mirrors", "git", "commit", "path", "name", NULL,
};
static const char *const patchkeys[] = {"file", "sha256", "md5", NULL};
static const char *const mlkeys[] = {
	"relocate", "chost_tools", "wrap_headers", "rules", "setuid", NULL,
};
static const char *const actions[] = {"primary", "wrap", "ignore", "per-abi", NULL};

const char *
stage_name(enum stage s)
{
	return s < NSTAGES ? stages[s] : "?";
}

int
stage_parse(const char *s)
{
	for (int i = 0; i < NSTAGES; i++)
		if (!strcmp(stages[i], s))
			return i;
	return -1;
}

static int
ishex(const char *s, size_t n)
{
	if (strlen(s) != n)
		return 0;
	for (; *s; s++)
		if (!isxdigit((unsigned char)*s) || isupper((unsigned char)*s))
			return 0;
	return 1;
}

/* read a checksum member ("sha256" or "md5") of obj into alg/sum */
static int
parsesum(const struct jdoc *d, const char *path, json_t *obj, enum hashalg *alg, char *sum,
	const char *what)
{
	const char *s256, *smd5;

	if (jdoc_str(d, path, obj, "sha256", 0, &s256) < 0 ||
	    jdoc_str(d, path, obj, "md5", 0, &smd5) < 0)
		return -1;
	if (!s256 && !smd5)
		return jdoc_error(d, path, "%s has no checksum: add 'sha256' (or 'md5')", what);
	*alg = s256 ? HASH_SHA256 : HASH_MD5;
	const char *s = s256 ? s256 : smd5;
	if (!ishex(s, hashlen(*alg))) {
		char *sub = jpath_key(path, s256 ? "sha256" : "md5");
		jdoc_error(d, sub, "'%s' is not a %s checksum (%zu lowercase hex digits)",
			s, hashname(*alg), hashlen(*alg));
		free(sub);
		return -1;
	}
	strcpy(sum, s);
	return 0;
}

static int
parsesource(struct recipe *r, const struct jdoc *d, const char *path, json_t *o, struct source *s)
{
	const char *url, *git, *commit, *p, *name;

	if (jdoc_keys(d, path, o, srckeys) < 0)
		return -1;
	if (jdoc_str(d, path, o, "url", 0, &url) < 0 || jdoc_str(d, path, o, "git", 0, &git) < 0 ||
	    jdoc_str(d, path, o, "commit", 0, &commit) < 0 || jdoc_str(d, path, o, "path", 0, &p) < 0 ||
	    jdoc_str(d, path, o, "name", 0, &name) < 0)
		return -1;
	if (!!url + !!git + !!p != 1)
		return jdoc_error(d, path, "a source needs exactly one of 'url', 'git' or 'path'");
	if (url) {
		s->kind = SRC_URL;
		s->url = xstrdup(url);
		if (jdoc_strlist(d, path, o, "mirrors", 0, &s->mirrors) < 0)
			return -1;
		if (parsesum(d, path, o, &s->alg, s->sum, "source") < 0)
			return -1;
		const char *base = strrchr(url, '/');
		s->fname = xstrdup(name ? name : base && base[1] ? base + 1 : url);
	} else if (git) {
		s->kind = SRC_GIT;
		s->url = xstrdup(git);
		if (!commit)
			return jdoc_error(d, path, "git source '%s' has no pinned 'commit'", git);
		if (!ishex(commit, 40)) {
			char *sub = jpath_key(path, "commit");
			jdoc_error(d, sub, "commit '%s' is not a full 40-digit hash", commit);
			free(sub);
			return -1;
		}
		s->commit = xstrdup(commit);
		s->fname = xstrdup(name ? name : r->name);
	} else {
		s->kind = SRC_PATH;
		if (p[0] == '/' || strstr(p, ".."))
			return jdoc_error(d, path, "path '%s' must stay inside the recipe directory", p);
		s->path = pathjoin(r->dir, p);
		s->fname = xstrdup(name ? name : p);
		if (!exists(s->path))
			return jdoc_error(d, path, "source path '%s' does not exist", s->path);
	}
	if ((commit && !git))
		return jdoc_error(d, path, "'commit' goes with 'git'");
	/* the name is a file name in the cache and the source dir: one component */
	if (s->kind != SRC_PATH && (!*s->fname || strchr(s->fname, '/') ||
	    !strcmp(s->fname, ".") || !strcmp(s->fname, ".."))) {
		char *sub = jpath_key(path, name ? "name" : "url");
		jdoc_error(d, sub, "source name '%s' must be a plain file name (no '/', not '.' or '..')",
			s->fname);
		free(sub);
		return -1;
	}
	return 0;
}

static int
parsesources(struct recipe *r, const struct jdoc *d, json_t *v)
{
	size_t i;
	json_t *e;
	int rc = 0;

	if (!v)
		return 0;
	if (!json_is_array(v))
		return jdoc_error(d, "sources", "key 'sources' must be an array, not %s", jdoc_type(v));
	r->sources = xcalloc(json_array_size(v), sizeof(*r->sources));
	json_array_foreach(v, i, e) {
		char *path = jpath_index("sources", i);
		struct source *s = &r->sources[r->nsources++];
		s->unpack = i == 0;
		if (parsesource(r, d, path, e, s) < 0)
			rc = -1;
		free(path);
	}
	return rc;
}

static int
parsepatches(struct recipe *r, const struct jdoc *d, json_t *v, const char *patchdir)
{
	size_t i;
	json_t *e;
	int rc = 0;

	if (!v)
		return 0;
	if (!json_is_array(v))
		return jdoc_error(d, "patches", "key 'patches' must be an array, not %s", jdoc_type(v));
	r->patches = xcalloc(json_array_size(v), sizeof(*r->patches));
	json_array_foreach(v, i, e) {
		char *path = jpath_index("patches", i);
		struct patch *p = &r->patches[r->npatches];
		const char *file;
		char have[HASH_HEXMAX];

		if (jdoc_keys(d, path, e, patchkeys) < 0 || jdoc_str(d, path, e, "file", 1, &file) < 0 ||
		    parsesum(d, path, e, &p->alg, p->sum, "patch") < 0) {
			rc = -1;
		} else if (file[0] == '/' || strstr(file, "..")) {
			rc = jdoc_error(d, path, "patch '%s' must be a path under patches/", file);
		} else {
			p->rel = xstrdup(file);
			p->file = pathjoin(patchdir, file);
			r->npatches++;
			if (!exists(p->file))
				rc = jdoc_error(d, path, "patch '%s' does not exist", p->file);
			else if (hashfile(p->alg, p->file, have) < 0)
				rc = -1;
			else if (strcmp(have, p->sum))
				rc = jdoc_error(d, path, "patch '%s' has %s %s, expected %s",
					file, hashname(p->alg), have, p->sum);
		}
		free(path);
	}
	return rc;
}

static int
parsemultilib(struct recipe *r, const struct jdoc *d, json_t *v)
{
	json_t *rules, *e;
	const char *key;
	int rc = 0;

	if (!v)
		return 0;
	if (jdoc_keys(d, "multilib", v, mlkeys) < 0)
		return -1;
	rc |= jdoc_bool(d, "multilib", v, "relocate", &r->relocate);
	rc |= jdoc_strlist(d, "multilib", v, "chost_tools", 0, &r->chost_tools);
	rc |= jdoc_strlist(d, "multilib", v, "wrap_headers", 0, &r->wrap_headers);
	rc |= jdoc_strlist(d, "multilib", v, "setuid", 0, &r->setuid);
	rules = json_object_get(v, "rules");
	if (rules && !json_is_object(rules))
		return jdoc_error(d, "multilib.rules", "key 'multilib.rules' must be an object");
	if (rules) {
		r->rules = xcalloc(json_object_size(rules), sizeof(*r->rules));
		json_object_foreach(rules, key, e) {
			char *sub = jpath_key("multilib.rules", key);
			size_t i;
			for (i = 0; actions[i] && json_is_string(e); i++)
				if (!strcmp(actions[i], json_string_value(e)))
					break;
			if (!json_is_string(e) || !actions[i])
				rc = jdoc_error(d, sub, "rule '%s' must be one of primary, wrap, ignore, per-abi", key);
			else
				r->rules[r->nrules++] = (struct mrule){xstrdup(key), xstrdup(actions[i])};
			free(sub);
		}
	}
	return rc ? -1 : 0;
}

static int
parseabis(struct recipe *r, const struct jdoc *d, json_t *v, const struct profiles *p)
{
	if (!v) {
		/* built for the primary ABI only */
		strvadd(&r->abis, p && p->layout.primary ? p->layout.primary : "64");
		return 0;
	}
	if (json_is_string(v)) {
		if (strcmp(json_string_value(v), "all"))
			return jdoc_error(d, "abis", "key 'abis' must be \"all\" or a list of ABI names");
		r->allabis = 1;
		return 0;
	}
	if (jdoc_strlist(d, "", d->root, "abis", 0, &r->abis) < 0)
		return -1;
	if (!r->abis.n)
		return jdoc_error(d, "abis", "key 'abis' must not be empty");
	for (size_t i = 0; i < r->abis.n; i++) {
		if (p && !abi_get(p, r->abis.v[i])) {
			char *sub = jpath_index("abis", i);
			jdoc_error(d, sub, "unknown ABI '%s'", r->abis.v[i]);
			free(sub);
			return -1;
		}
	}
	return 0;
}

static int
parseenv(struct recipe *r, const struct jdoc *d, json_t *v)
{
	const char *key;
	json_t *e;
	int rc = 0;

	if (!v)
		return 0;
	if (!json_is_object(v))
		return jdoc_error(d, "env", "key 'env' must be an object");
	json_object_foreach(v, key, e) {
		char *sub = jpath_key("env", key);
		int ok = *key && (isalpha((unsigned char)*key) || *key == '_');
		for (const char *c = key; *c; c++)
			ok &= isalnum((unsigned char)*c) || *c == '_';
		if (!ok)
			rc = jdoc_error(d, sub, "'%s' is not a valid variable name", key);
		else if (!json_is_string(e))
			rc = jdoc_error(d, sub, "key '%s' must be a string", sub);
		else
			strvtake(&r->env, xasprintf("%s=%s", key, json_string_value(e)));
		free(sub);
	}
	return rc;
}

/* list the functions build.sh defines ("name() {" or "function name") */
static void
scansteps(struct recipe *r, const char *text)
{
	const char *p = text;

	while (*p) {
		const char *s = p, *e;
		int kw = 0;
		while (*s == ' ' || *s == '\t')
			s++;
		if (!strncmp(s, "function ", 9)) {
			s += 9;
			kw = 1;
		}
		e = s;
		while (isalnum((unsigned char)*e) || *e == '_')
			e++;
		const char *q = e;
		while (*q == ' ')
			q++;
		if (e > s && ((q[0] == '(' && q[1] == ')') || (kw && (*q == '{' || *q == '\n')))) {
			char *name = strndup(s, e - s);
			if (strvfind(&r->steps, name) < 0)
				strvtake(&r->steps, name);
			else
				free(name);
		}
		p = strchr(p, '\n');
		if (!p)
			break;
		p++;
	}
}

/* the stage named by a recipe's parent directory (recipes/temp/m4), or -1 */
static int
dirstage(const char *dir)
{
	const char *end = strrchr(dir, '/'), *start = end;

	while (start && start > dir && start[-1] != '/')
		start--;
	for (int i = 0; end && i < NSTAGES; i++)
		if ((size_t)(end - start) == strlen(stages[i]) && !strncmp(start, stages[i], end - start))
			return i;
	return -1;
}

/* the recipe tree a recipe dir belongs to: recipes/NAME or recipes/STAGE/NAME
   -> recipes; caller frees */
static char *
recipesroot(const char *dir)
{
	char *root = xstrdup(dir), *slash = strrchr(root, '/');

	if (slash && slash != root)
		*slash = '\0';
	if (dirstage(dir) >= 0 && (slash = strrchr(root, '/')) && slash != root)
		*slash = '\0';
	return root;
}

/* "include": ["gcc.sh"] names shell files of the recipe tree's include/
   directory, sourced before build.sh (code several recipes share) */
static int
parseincludes(struct recipe *r, const struct jdoc *d, json_t *o)
{
	struct strv names = {0};
	char *root;
	int rc = jdoc_strlist(d, "", o, "include", 0, &names);

	root = recipesroot(r->dir);
	for (size_t i = 0; rc == 0 && i < names.n; i++) {
		char *path = jpath_index("include", i), *file;
		const char *n = names.v[i];
		if (!*n || strchr(n, '/') || n[0] == '.') {
			rc = jdoc_error(d, path, "key 'include': '%s' must be a file name in '%s/include'",
				n, root);
		} else if (file = xasprintf("%s/include/%s", root, n), !exists(file)) {
			rc = jdoc_error(d, path, "key 'include': no file '%s'", file);
			free(file);
		} else {
			strvtake(&r->includes, file);
		}
		free(path);
	}
	free(root);
	strvfree(&names);
	return rc;
}

static int
parsetop(struct recipe *r, const struct jdoc *d, const char *patchdir, const struct profiles *p)
{
	json_t *o = d->root, *v;
	const char *s;
	int rc = 0, ds;

	if (jdoc_keys(d, "", o, topkeys) < 0)
		return -1;
	if (jdoc_str(d, "", o, "name", 1, &s) < 0)
		return -1;
	const char *base = strrchr(r->dir, '/') + 1;
	for (const char *c = s; *c; c++)
		if (!isalnum((unsigned char)*c) && !strchr("._+-", *c))
			return jdoc_error(d, "name", "recipe name '%s' may hold only letters, digits and . _ + -", s);
	if (strcmp(s, base))
		return jdoc_error(d, "name", "recipe name '%s' differs from its directory '%s'", s, base);
	r->name = xstrdup(s);
	if (jdoc_str(d, "", o, "version", 1, &s) < 0)
		return -1;
	r->version = xstrdup(s);
	if (jdoc_str(d, "", o, "description", 0, &s) < 0)
		return -1;
	r->desc = xstrdup(s ? s : "");
	if (jdoc_str(d, "", o, "stage", 1, &s) < 0)
		return -1;
	if (stage_parse(s) < 0)
		return jdoc_error(d, "stage", "unknown stage '%s' (cross, temp, chroot or system)", s);
	r->stage = stage_parse(s);
	ds = dirstage(r->dir);
	if (ds >= 0 && ds != (int)r->stage)
		return jdoc_error(d, "stage", "key 'stage' is '%s', but the recipe is in the stage directory '%s'",
			s, stages[ds]);
	v = json_object_get(o, "order");
	if (v && !json_is_integer(v))
		return jdoc_error(d, "order", "key 'order' must be an integer");
	r->order = v ? json_integer_value(v) : 0;
	rc |= parseabis(r, d, json_object_get(o, "abis"), p);
	rc |= jdoc_bool(d, "", o, "one_pass", &r->onepass);
	rc |= jdoc_bool(d, "", o, "deps_complete", &r->depscomplete);
	rc |= jdoc_bool(d, "", o, "check_cross", &r->checkcross);
	rc |= jdoc_bool(d, "", o, "primary_first", &r->primaryfirst);
	rc |= jdoc_bool(d, "", o, "needs_run", &r->needsrun);
	rc |= jdoc_bool(d, "", o, "toolchain", &r->toolchain);
	if (jdoc_str(d, "", o, "lfs_only", 0, &s) < 0)
		rc = -1;
	else if (s && !*s)
		rc |= jdoc_error(d, "lfs_only", "key 'lfs_only' must say why (a non-empty string)");
	else if (s)
		r->lfsonly = xstrdup(s);
	int distribute = 1;
	rc |= jdoc_bool(d, "", o, "distribute", &distribute);
	r->nodistribute = !distribute;
	rc |= jdoc_strlist(d, "", o, "depends", 0, &r->depends);
	rc |= jdoc_strlist(d, "", o, "host_depends", 0, &r->hostdepends);
	rc |= parsesources(r, d, json_object_get(o, "sources"));
	rc |= parsepatches(r, d, json_object_get(o, "patches"), patchdir);
	rc |= parseincludes(r, d, o);
	rc |= parseenv(r, d, json_object_get(o, "env"));
	rc |= parsemultilib(r, d, json_object_get(o, "multilib"));
	return rc ? -1 : 0;
}

/* the recipe's own hash: the texts of recipe.json, build.sh and the
   includes (as read by recipe_load, in that order), its patches and its
   sources' identities */
static int
recipehash(struct recipe *r, const char *json, const char *script, const struct strv *incs)
{
	struct hasher *h = hashnew(HASH_SHA256);
	char tree[HASH_HEXMAX];
	int rc = 0;

	hashstr(h, "recipe-v1");
	hashadd(h, json, strlen(json));
	hashstr(h, "build.sh");
	hashadd(h, script, strlen(script));
	for (size_t i = 0; i < r->includes.n; i++) {
		hashstr(h, strrchr(r->includes.v[i], '/') + 1);
		hashadd(h, incs->v[i], strlen(incs->v[i]));
	}
	for (size_t i = 0; i < r->npatches; i++) {
		hashstr(h, r->patches[i].rel);
		hashstr(h, r->patches[i].sum);
	}
	for (size_t i = 0; i < r->nsources; i++) {
		struct source *s = &r->sources[i];
		hashstr(h, s->url ? s->url : s->fname);
		if (s->kind == SRC_URL) {
			hashstr(h, s->sum);
		} else if (s->kind == SRC_GIT) {
			hashstr(h, s->commit);
		} else {
			unsigned long long bytes;
			rc |= hashtree(s->path, tree, &bytes);
			r->treebytes += bytes;
			hashstr(h, tree);
		}
	}
	hashend(h, r->hash);
	return rc;
}

/* read recipe.json (parsed into d), build.sh and the includes, each once:
   their steps are scanned and their texts hashed */
static int
loadtexts(struct recipe *r, struct jdoc *d, const char *patchdir, const struct profiles *p)
{
	char *json = readfile(r->file, NULL), *script = NULL;
	struct strv incs = {0};
	int rc = -1;

	if (!json)
		return error("cannot read '%s':", r->file);
	if (jdoc_parse(d, r->file, json) < 0 || parsetop(r, d, patchdir, p) < 0)
		goto out;
	if (!(script = readfile(r->script, NULL))) {
		error("recipe '%s' has no build script: cannot read '%s':", r->name, r->script);
		goto out;
	}
	scansteps(r, script);
	/* an include may define steps too (a shared prepare) */
	for (size_t i = 0; i < r->includes.n; i++) {
		char *text = readfile(r->includes.v[i], NULL);
		if (!text) {
			error("recipe '%s': cannot read include '%s':", r->name, r->includes.v[i]);
			goto out;
		}
		scansteps(r, text);
		strvtake(&incs, text);
	}
	rc = recipehash(r, json, script, &incs);
out:
	strvfree(&incs);
	free(script);
	free(json);
	return rc;
}

int
recipe_load(struct recipe *r, const char *dir, const char *patchdir, const struct profiles *p)
{
	struct jdoc d = {0};
	int rc;

	memset(r, 0, sizeof(*r));
	r->dir = abspath(dir);
	r->file = pathjoin(r->dir, "recipe.json");
	r->script = pathjoin(r->dir, "build.sh");
	rc = loadtexts(r, &d, patchdir, p);
	jdoc_release(&d);
	return rc;
}

static int namecmp(const void *a, const void *b);

static int
recipecmp(const void *a, const void *b)
{
	const struct recipe *x = a, *y = b;

	if (x->stage != y->stage)
		return (int)x->stage - (int)y->stage;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* every entry of r's list key ("depends", "host_depends") names another
   recipe and, when pinned, an ABI */
static int
checkdeplist(struct recipeset *rs, const struct profiles *p, struct recipe *r, const char *key,
	const struct strv *deps)
{
	int rc = 0;

	for (size_t j = 0; j < deps->n; j++) {
		char *dep = xstrdup(deps->v[j]), *colon = strchr(dep, ':');
		char *path = jpath_index(key, j);
		int line = 1, col = 1;
		struct jdoc full;

		if (colon)
			*colon++ = '\0';
		if (recipe_get(rs, dep) && (!colon || !p || abi_get(p, colon)) && strcmp(dep, r->name)) {
			free(path);
			free(dep);
			continue;
		}
		/* an error: find its place in the file */
		if (jdoc_load(&full, r->file) == 0)
			jdoc_where(&full, path, &line, &col);
		jdoc_release(&full);
		if (!recipe_get(rs, dep))
			rc = error("%s:%d:%d: unknown dependency '%s' in '%s'", r->file, line, col,
				dep, path);
		else if (colon && p && !abi_get(p, colon))
			rc = error("%s:%d:%d: unknown ABI '%s' in dependency '%s'", r->file, line, col,
				colon, deps->v[j]);
		else if (!strcmp(dep, r->name))
			rc = error("%s:%d:%d: recipe '%s' depends on itself", r->file, line, col, dep);
		free(path);
		free(dep);
	}
	return rc;
}

/* the dependency lists of every recipe are valid */
static int
checkdeps(struct recipeset *rs, const struct profiles *p)
{
	int rc = 0;

	for (size_t i = 0; i < rs->n; i++) {
		rc |= checkdeplist(rs, p, &rs->r[i], "depends", &rs->r[i].depends);
		rc |= checkdeplist(rs, p, &rs->r[i], "host_depends", &rs->r[i].hostdepends);
	}
	return rc;
}

/* add to names every dir/NAME holding a recipe.json; with stagedirs, also
   those of dir/STAGE/NAME (recipes/temp/m4) */
static int
scanrecipes(const char *dir, struct strv *names, int stagedirs)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct stat st;

	if (!d)
		return error("cannot open recipe directory '%s':", dir);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char *sub = pathjoin(dir, e->d_name), *rj = pathjoin(sub, "recipe.json");
		if (exists(rj))
			strvadd(names, sub);
		else if (stagedirs && stage_parse(e->d_name) >= 0 && stat(sub, &st) == 0 && S_ISDIR(st.st_mode))
			scanrecipes(sub, names, 0);
		free(rj);
		free(sub);
	}
	closedir(d);
	return 0;
}

int
recipes_load(struct recipeset *rs, const char *dir, const char *patchdir, const struct profiles *p)
{
	struct strv names = {0};
	int rc = 0;

	memset(rs, 0, sizeof(*rs));
	rs->dir = abspath(dir);
	rs->patchdir = abspath(patchdir);
	if (scanrecipes(rs->dir, &names, 1) < 0) {
		strvfree(&names);
		return -1;
	}
	rs->r = xcalloc(names.n, sizeof(*rs->r));
	for (size_t i = 0; i < names.n; i++) {
		if (recipe_load(&rs->r[rs->n], names.v[i], rs->patchdir, p) < 0) {
			recipe_release(&rs->r[rs->n]);
			rc = -1;
			continue;
		}
		rs->n++;
	}
	strvfree(&names);
	if (rs->n)
		qsort(rs->r, rs->n, sizeof(*rs->r), recipecmp);
	rs->byname = xcalloc(rs->n + 1, sizeof(*rs->byname));
	for (size_t i = 0; i < rs->n; i++)
		rs->byname[i] = &rs->r[i];
	if (rs->n)
		qsort(rs->byname, rs->n, sizeof(*rs->byname), namecmp);
	for (size_t i = 1; i < rs->n; i++) {
		const struct recipe *a = rs->byname[i - 1], *b = rs->byname[i];
		int line, col;
		if (strcmp(a->name, b->name))
			continue;
		jdoc_place(b->file, "name", &line, &col);
		rc = error("%s:%d:%d: recipe '%s' is defined twice (also in '%s')", b->file, line, col,
			b->name, a->file);
	}
	if (rc == 0)
		rc = checkdeps(rs, p);
	return rc;
}

static int
namecmp(const void *a, const void *b)
{
	return strcmp((*(struct recipe *const *)a)->name, (*(struct recipe *const *)b)->name);
}

static int
namekey(const void *key, const void *elem)
{
	return strcmp(key, (*(struct recipe *const *)elem)->name);
}

struct recipe *
recipe_get(const struct recipeset *rs, const char *name)
{
	struct recipe **r;

	if (!rs->byname)
		return NULL;
	r = bsearch(name, rs->byname, rs->n, sizeof(*rs->byname), namekey);
	return r ? *r : NULL;
}

int
recipe_has_abi(const struct recipe *r, const char *abi)
{
	return r->allabis || strvfind(&r->abis, abi) >= 0;
}

int
recipe_defines(const struct recipe *r, const char *name)
{
	return strvfind(&r->steps, name) >= 0;
}

static void
sourcerelease(struct source *s)
{
	free(s->url);
	strvfree(&s->mirrors);
	free(s->commit);
	free(s->path);
	free(s->fname);
}

void
recipe_release(struct recipe *r)
{
	free(r->name);
	free(r->version);
	free(r->desc);
	free(r->lfsonly);
	free(r->dir);
	free(r->file);
	free(r->script);
	strvfree(&r->abis);
	strvfree(&r->depends);
	strvfree(&r->hostdepends);
	for (size_t i = 0; i < r->nsources; i++)
		sourcerelease(&r->sources[i]);
	free(r->sources);
	for (size_t i = 0; i < r->npatches; i++) {
		free(r->patches[i].file);
		free(r->patches[i].rel);
	}
	free(r->patches);
	strvfree(&r->env);
	strvfree(&r->includes);
	strvfree(&r->chost_tools);
	strvfree(&r->wrap_headers);
	strvfree(&r->setuid);
	for (size_t i = 0; i < r->nrules; i++) {
		free(r->rules[i].glob);
		free(r->rules[i].action);
	}
	free(r->rules);
	strvfree(&r->steps);
	memset(r, 0, sizeof(*r));
}

void
recipes_release(struct recipeset *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		recipe_release(&rs->r[i]);
	free(rs->r);
	free(rs->byname);
	free(rs->dir);
	free(rs->patchdir);
	memset(rs, 0, sizeof(*rs));
}
