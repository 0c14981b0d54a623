#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <git2.h>
#include "hash.h"
#include "util.h"
#include "vcs.h"

static const char *
giterr(void)
{
	const git_error *e = git_error_last();

	return e && e->message ? e->message : "unknown error";
}

int
vcs_iscommit(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return i == 40;
}

char *
vcs_cachepath(const char *cachedir, const char *url)
{
	char hex[HASH_HEXMAX];

	hashbuf(HASH_SHA256, url, strlen(url), hex);
	return xasprintf("%s/%s.git", cachedir, hex);
}

/* open the bare cache repository at path, creating it when missing */
static int
openrepo(git_repository **repo, const char *path, const char *url)
{
	git_config *cfg;

	if (git_repository_open_bare(repo, path) == 0)
		return 0;
	if (exists(path)) {
		warn("cache '%s' of '%s' is not a repository (%s); making it again", path, url, giterr());
		if (rmtree(path) < 0)
			return -1;
	}
	if (git_repository_init(repo, path, 1) < 0)
		return error("cannot create repository '%s': %s", path, giterr());
	/* for people looking at the cache: which url this is */
	if (git_repository_config(&cfg, *repo) == 0) {
		git_config_set_string(cfg, "remote.origin.url", url);
		git_config_free(cfg);
	}
	return 0;
}

/* fetch every branch and tag of url into repo */
static int
fetchall(git_repository *repo, const char *url)
{
	char *specs[] = {"+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"};
	git_strarray refspecs = {specs, 2};
	git_remote_create_options ro;
	git_fetch_options fo;
	git_remote *remote;
	int rc = 0;

	git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION);
	fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
	git_remote_create_options_init(&ro, GIT_REMOTE_CREATE_OPTIONS_VERSION);
	ro.repository = repo;
	/* url.*.insteadOf is not applied: the recipe's url is the one fetched
	   (and libgit2 1.5 leaks a regex match per config entry when it does) */
	ro.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF | GIT_REMOTE_CREATE_SKIP_DEFAULT_FETCHSPEC;
	if (!strstr(url, "://") && !strchr(url, ':') && !exists(url))
		return error("no repository at '%s'", url);
	if (git_remote_create_with_opts(&remote, url, &ro) < 0)
		return error("bad repository url '%s': %s", url, giterr());
	if (git_remote_fetch(remote, &refspecs, &fo, "mlfs: fetch") < 0)
		rc = error("cannot fetch '%s': %s", url, giterr());
	git_remote_free(remote);
	return rc;
}

/* create dest or accept it empty */
static int
checkoutdir(const char *dest)
{
	int rc = freshdir(dest);

	if (rc > 0) {
		errno = ENOTEMPTY;
		return error("check out into '%s':", dest);
	}
	return rc;
}

/* write the tree of commit c into dest, without .git or index */
static int
export(git_repository *repo, git_commit *c, const char *dest)
{
	git_checkout_options co;
	git_index *empty = NULL;
	git_tree *tree = NULL;
	int rc = 0;

	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);

	if (git_index_new(&empty) < 0 || git_commit_tree(&tree, c) < 0) {
		rc = error("cannot read commit %s: %s", git_oid_tostr_s(git_commit_id(c)), giterr());
		goto out;
	}
	co.checkout_strategy = GIT_CHECKOUT_FORCE | GIT_CHECKOUT_DONT_UPDATE_INDEX |
		GIT_CHECKOUT_DONT_WRITE_INDEX;
	co.disable_filters = 1;  /* the blobs as committed, whatever the user's config */
	co.target_directory = dest;
	co.baseline_index = empty;
	if (git_checkout_tree(repo, (git_object *)tree, &co) < 0)
		rc = error("cannot check out %s into '%s': %s",
			git_oid_tostr_s(git_commit_id(c)), dest, giterr());
out:
	git_tree_free(tree);
	git_index_free(empty);
	return rc;
}

/* the commit in repo, fetching url when it is not there yet */
static int
findcommit(git_commit **c, git_repository *repo, const char *url, const char *commit)
{
	git_oid oid;

	if (git_oid_fromstr(&oid, commit) < 0)
		return error("bad commit '%s' for '%s': %s", commit, url, giterr());
	if (git_commit_lookup(c, repo, &oid) == 0)
		return 0;
	if (fetchall(repo, url) < 0)
		return -1;
	if (git_commit_lookup(c, repo, &oid) < 0)
		return error("commit %s not found in '%s'", commit, url);
	return 0;
}

int
vcs_checkout(const char *url, const char *commit, const char *cachedir, const char *dest)
{
	git_repository *repo = NULL;
	git_commit *c = NULL;
	char *path;
	int rc = -1;

	if (!vcs_iscommit(commit))
		return error("'%s' is not a full commit id (40 hex digits) for '%s'", commit, url);
	git_libgit2_init();
	path = vcs_cachepath(cachedir, url);
	if (mkdirs(cachedir, 0755) == 0 && openrepo(&repo, path, url) == 0 &&
	    findcommit(&c, repo, url, commit) == 0 && checkoutdir(dest) == 0) {
		rc = export(repo, c, dest);
		if (rc < 0)
			rmtree(dest);
	}
	git_commit_free(c);
	git_repository_free(repo);
	free(path);
	git_libgit2_shutdown();
	return rc;
}
