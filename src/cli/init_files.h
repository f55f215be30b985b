/*
 * init_files: what "herald init" makes besides the database and the
 * secret: their missing parent directories, and the templates directory,
 * copied from the templates installed with herald when there is none.
 */
#ifndef HERALD_INIT_FILES_H
#define HERALD_INIT_FILES_H

#include "conf/conf.h"

/* Parent directories of the database and the secret; 0 or an exit code. */
int init_dirs(const struct conf *cf);
/*
 * The templates directory: kept when it exists, else copied from the
 * installed ones; prints init's "templates" line. 0 or an exit code.
 */
int init_templates(const struct conf *cf);

#endif
