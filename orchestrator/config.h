/* config: the kept options of a build, $state/config.json, so that a bare
   `mlfs build` after a failure resumes the same build; options given on the
   command line replace the kept ones and are kept in turn */
#ifndef MLFS_CONFIG_H
#define MLFS_CONFIG_H

#include <jansson.h>

struct buildopts;
struct strv;

/* fill o's unset options from $state/config.json (o->state set) */
void config_load(struct buildopts *o);
/* keep o's options in $state/config.json; -1 with a message */
int config_save(const struct buildopts *o);
/* sv as a JSON array of strings; caller decrefs */
json_t *config_strarray(const struct strv *sv);

#endif
