/*
 * fsmode: who may read and write herald's files. The database holds
 * personal data and the secret signs every token, so both are private
 * to one account, except for the group of the service (default
 * "herald"): its members are the organisers who run the CLI on the
 * service's database. When that group exists and this process may give
 * a file to it, files are shared with it; otherwise they are 0600.
 */
#ifndef HERALD_FSMODE_H
#define HERALD_FSMODE_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

/* Modes of what herald creates, with and without the service's group. */
#define FSMODE_DB_SHARED	0660	/* organisers write through the CLI */
#define FSMODE_SECRET_SHARED	0640	/* read by heraldd and the CLI only */
#define FSMODE_PRIVATE		0600
#define FSMODE_DIR_SHARED	02770	/* setgid: new files stay in the group */
#define FSMODE_DIR_PRIVATE	0750

/*
 * The service's group: $HERALD_GROUP when set (empty: none), else
 * "herald". 1 and *gid when it exists, 0 when not; name (when not NULL)
 * gets its name.
 */
int fsmode_group(gid_t *gid, const char **name);

/*
 * Give a file just created (fd) its mode: shared (with the group) when
 * the group exists and fchown to it succeeds, else FSMODE_PRIVATE.
 * Returns the mode set, or -1 with errno.
 */
int fsmode_share(int fd, mode_t shared);

/* The same for a directory: FSMODE_DIR_SHARED, else _PRIVATE. 0 or -1. */
int fsmode_share_dir(const char *dir);

/*
 * Create the missing parent directories of path: FSMODE_DIR_SHARED and
 * the group's when it exists, else FSMODE_DIR_PRIVATE. 0, or -1 with
 * "DIR: why" in err.
 */
int fsmode_mkparents(const char *path, char *err, size_t errlen);
/* The same for path itself, a directory. */
int fsmode_mkdirs(const char *path, char *err, size_t errlen);

/*
 * Whether a secret with this stat may be used: 0 when it is private to
 * its owner, or readable (not writable) by the service's group besides;
 * else -1 and in why, what is wrong and the command that fixes it.
 */
int fsmode_secret_ok(const struct stat *st, char *why, size_t len);

#endif
