/* fsmode: see fsmode.h. */
#include "lib/fsmode.h"

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FSMODE_GROUP "herald"

int
fsmode_group(gid_t *gid, const char **name)
{
	const char *g = getenv("HERALD_GROUP");
	struct group gr, *res = NULL;
	char buf[16384];

	if (g == NULL)
		g = FSMODE_GROUP;
	if (name)
		*name = g;
	if (*g == '\0' || getgrnam_r(g, &gr, buf, sizeof buf, &res) != 0 ||
	    res == NULL)
		return 0;
	*gid = gr.gr_gid;
	return 1;
}

/*
 * chown to the group fails with EPERM for a user who is not a member:
 * the file then stays private to that user, which is still safe.
 */
int
fsmode_share(int fd, mode_t shared)
{
	gid_t gid;
	mode_t mode = FSMODE_PRIVATE;

	if (fsmode_group(&gid, NULL) && fchown(fd, (uid_t)-1, gid) == 0)
		mode = shared;
	if (fchmod(fd, mode) == -1)
		return -1;
	return (int)mode;
}

int
fsmode_share_dir(const char *dir)
{
	gid_t gid;
	mode_t mode = FSMODE_DIR_PRIVATE;

	if (fsmode_group(&gid, NULL) && chown(dir, (uid_t)-1, gid) == 0)
		mode = FSMODE_DIR_SHARED;
	return chmod(dir, mode);
}

/* One directory, made 0700 first so it is never open to anyone else. */
static int
fsmode_mkdir(const char *dir, char *err, size_t errlen)
{
	if (mkdir(dir, 0700) == -1) {
		if (errno == EEXIST)
			return 0;
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if (fsmode_share_dir(dir) == -1) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

int
fsmode_mkdirs(const char *path, char *err, size_t errlen)
{
	char *p = strdup(path), *s;
	int rc = 0;

	if (p == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	/* every prefix ending before a '/', then the whole path */
	for (s = p + 1; rc == 0 && (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		rc = fsmode_mkdir(p, err, errlen);
		*s = '/';
	}
	if (rc == 0 && *p)
		rc = fsmode_mkdir(p, err, errlen);
	free(p);
	return rc;
}

int
fsmode_mkparents(const char *path, char *err, size_t errlen)
{
	char *p = strdup(path), *slash;
	int rc = 0;

	if (p == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if ((slash = strrchr(p, '/')) != NULL && slash != p) {
		*slash = '\0';
		rc = fsmode_mkdirs(p, err, errlen);
	}
	free(p);
	return rc;
}

int
fsmode_secret_ok(const struct stat *st, char *why, size_t len)
{
	const char *name;
	gid_t gid;
	int group = fsmode_group(&gid, &name);

	if (st->st_mode & 007) {
		snprintf(why, len, "readable by others (chmod o-rwx)");
		return -1;
	}
	if ((st->st_mode & 070) == 0)
		return 0;
	if (!group && *name == '\0') {
		snprintf(why, len, "readable by its group, and HERALD_GROUP "
		    "is empty (chmod 600)");
		return -1;
	}
	if (!group) {
		snprintf(why, len, "readable by its group, and there is no "
		    "group %s (chmod 600)", name);
		return -1;
	}
	if (st->st_gid != gid) {
		snprintf(why, len, "readable by a group other than %s "
		    "(chgrp %s, or chmod 600)", name, name);
		return -1;
	}
	if (st->st_mode & 030) {
		snprintf(why, len, "writable by group %s (chmod 640)", name);
		return -1;
	}
	return 0;
}
