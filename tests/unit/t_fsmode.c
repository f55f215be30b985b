/* Unit tests: lib/fsmode (the group and modes of what herald creates). */
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "lib/fsmode.h"

/* A stat of mode m in group gid, for fsmode_secret_ok. */
static struct stat
st_of(mode_t m, gid_t gid)
{
	struct stat st;

	memset(&st, 0, sizeof st);
	st.st_mode = S_IFREG | m;
	st.st_gid = gid;
	return st;
}

static int
secret_ok(mode_t m, gid_t gid, char *why, size_t len)
{
	struct stat st = st_of(m, gid);

	*why = '\0';
	return fsmode_secret_ok(&st, why, len);
}

int
main(void)
{
	struct group *g = getgrgid(getgid());
	char why[256], dir[] = "/tmp/t_fsmodeXXXXXX", path[512], err[512];
	gid_t gid = getgid(), got;
	const char *name;
	struct stat st;
	int fd;

	if (g == NULL || mkdtemp(dir) == NULL)
		return 1;

	/* no group: HERALD_GROUP empty, or naming none */
	setenv("HERALD_GROUP", "", 1);
	CHECK(fsmode_group(&got, &name) == 0 && *name == '\0');
	setenv("HERALD_GROUP", "no-such-group-herald", 1);
	CHECK(fsmode_group(&got, &name) == 0);
	CHECK(secret_ok(0600, gid, why, sizeof why) == 0);
	CHECK(secret_ok(0400, gid, why, sizeof why) == 0);
	CHECK(secret_ok(0640, gid, why, sizeof why) == -1);
	CHECK(strstr(why, "no group no-such-group-herald") != NULL);
	CHECK(secret_ok(0604, gid, why, sizeof why) == -1);
	CHECK(strstr(why, "readable by others") != NULL);

	/* the group of this process, which it may give files to */
	setenv("HERALD_GROUP", g->gr_name, 1);
	CHECK(fsmode_group(&got, &name) == 1 && got == gid);
	CHECK_STR(name, g->gr_name);
	CHECK(secret_ok(0640, gid, why, sizeof why) == 0);
	CHECK(secret_ok(0440, gid, why, sizeof why) == 0);
	CHECK(secret_ok(0660, gid, why, sizeof why) == -1);
	CHECK(strstr(why, "writable by group") != NULL);
	CHECK(secret_ok(0650, gid, why, sizeof why) == -1);
	CHECK(secret_ok(0640, gid + 1, why, sizeof why) == -1);
	CHECK(strstr(why, "a group other than") != NULL);
	CHECK(secret_ok(0644, gid, why, sizeof why) == -1);
	CHECK(secret_ok(0601, gid, why, sizeof why) == -1);

	/* a new file: shared with the group, or private without one */
	snprintf(path, sizeof path, "%s/f", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	CHECK(fsmode_share(fd, FSMODE_DB_SHARED) == FSMODE_DB_SHARED);
	CHECK(fstat(fd, &st) == 0 && (st.st_mode & 07777) == 0660);
	setenv("HERALD_GROUP", "", 1);
	CHECK(fsmode_share(fd, FSMODE_DB_SHARED) == FSMODE_PRIVATE);
	CHECK(fstat(fd, &st) == 0 && (st.st_mode & 07777) == 0600);
	close(fd);
	unlink(path);

	/* parents: every missing level, none for a bare name */
	snprintf(path, sizeof path, "%s/a/b/c/herald.db", dir);
	CHECK(fsmode_mkparents(path, err, sizeof err) == 0);
	snprintf(path, sizeof path, "%s/a/b/c", dir);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0750);
	snprintf(path, sizeof path, "%s/a", dir);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0750);
	CHECK(fsmode_mkparents("herald.db", err, sizeof err) == 0);
	/* a file in the way */
	snprintf(path, sizeof path, "%s/a/b/c/file", dir);
	close(open(path, O_WRONLY | O_CREAT, 0600));
	snprintf(path, sizeof path, "%s/a/b/c/file/x/herald.db", dir);
	CHECK(fsmode_mkparents(path, err, sizeof err) == -1);
	CHECK(strstr(err, "/a/b/c/file/x") != NULL);

	/* with the group: setgid, group-writable */
	setenv("HERALD_GROUP", g->gr_name, 1);
	snprintf(path, sizeof path, "%s/s/t/herald.db", dir);
	CHECK(fsmode_mkparents(path, err, sizeof err) == 0);
	snprintf(path, sizeof path, "%s/s/t", dir);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 02770 &&
	    st.st_gid == gid);

	snprintf(path, sizeof path, "rm -rf '%s'", dir);
	CHECK(system(path) == 0);
	return check_done("t_fsmode");
}
