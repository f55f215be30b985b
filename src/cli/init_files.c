/* init_files: see init_files.h. */
#include "cli/init_files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "lib/fsmode.h"

/*
 * Where "cmake --install" puts the templates: HERALD_DATADIR, and the
 * same directory relative to the installed binary, so that a tree
 * installed under DESTDIR or moved elsewhere finds its own.
 */
#ifndef HERALD_DATADIR
#define HERALD_DATADIR "/usr/local/share/herald"
#endif
#ifndef HERALD_BIN_TO_DATA
#define HERALD_BIN_TO_DATA "../share/herald"
#endif

int
init_dirs(const struct conf *cf)
{
	char err[4200];

	if (fsmode_mkparents(cf->database, err, sizeof err) == -1 ||
	    fsmode_mkparents(cf->secret_file, err, sizeof err) == -1)
		return cli_fail(EX_CANTCREAT, "%s", err);
	return 0;
}

static int
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The installed templates, into buf; -1 when there are none. */
static int
shipped_templates(char *buf, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);

	if (n > 0) {
		exe[n] = '\0';
		char *real;

		snprintf(buf, len, "%s/%s/templates", dirname(exe),
		    HERALD_BIN_TO_DATA);
		if ((real = realpath(buf, NULL)) != NULL && is_dir(real)) {
			snprintf(buf, len, "%s", real);
			free(real);
			return 0;
		}
		free(real);
	}
	snprintf(buf, len, "%s/templates", HERALD_DATADIR);
	return is_dir(buf) ? 0 : -1;
}

/* Copy one file into dir, with the group's mode (fsmode.h). */
static int
copy_file(const char *from, const char *dir, const char *name)
{
	char to[PATH_MAX], b[8192];
	int in, out, rc = 0;
	ssize_t n;

	if ((size_t)snprintf(to, sizeof to, "%s/%s", dir, name) >= sizeof to) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((in = open(from, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if ((out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    FSMODE_PRIVATE)) == -1) {
		close(in);
		return -1;
	}
	while (rc == 0 && (n = read(in, b, sizeof b)) != 0)
		if (n == -1 || write(out, b, (size_t)n) != n)
			rc = -1;
	if (rc == 0 && fsmode_share(out, FSMODE_DB_SHARED) == -1)
		rc = -1;
	close(in);
	if (close(out) == -1)
		rc = -1;
	return rc;
}

/* Every regular file of from into dir; the number copied, or -1. */
static int
copy_dir(const char *from, const char *dir, char *err, size_t errlen)
{
	char path[PATH_MAX];
	struct dirent *e;
	struct stat st;
	DIR *d = opendir(from);
	int n = 0;

	if (d == NULL) {
		snprintf(err, errlen, "%s: %s", from, strerror(errno));
		return -1;
	}
	while (n != -1 && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || (size_t)snprintf(path, sizeof path,
		    "%s/%s", from, e->d_name) >= sizeof path ||
		    stat(path, &st) == -1 ||
		    !S_ISREG(st.st_mode))
			continue;
		if (copy_file(path, dir, e->d_name) == -1) {
			snprintf(err, errlen, "%.*s/%s: %s", (int)(errlen / 2),
			    dir, e->d_name, strerror(errno));
			n = -1;
		} else
			n++;
	}
	closedir(d);
	return n;
}

/* Undo a copy_dir that failed: its files, then the directory. */
static void
remove_copy(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d = opendir(dir);

	while (d && (e = readdir(d)) != NULL) {
		if ((size_t)snprintf(path, sizeof path, "%s/%s", dir,
		    e->d_name) < sizeof path && strcmp(e->d_name, ".") != 0 &&
		    strcmp(e->d_name, "..") != 0)
			unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

/*
 * Copied into a temporary directory beside it, then renamed: an init cut
 * short leaves no half-filled templates directory that the next would
 * keep.
 */
int
init_templates(const struct conf *cf)
{
	char from[PATH_MAX], tmp[PATH_MAX], err[PATH_MAX + 200];
	int n;

	if (access(cf->templates, F_OK) == 0) {
		printf("templates %s: kept\n", cf->templates);
		return 0;
	}
	if (shipped_templates(from, sizeof from) == -1) {
		printf("templates %s: missing, and no installed templates to "
		    "copy\n", cf->templates);
		return 0;
	}
	snprintf(tmp, sizeof tmp, "%s.XXXXXX", cf->templates);
	if (fsmode_mkparents(cf->templates, err, sizeof err) == -1)
		return cli_fail(EX_CANTCREAT, "%s", err);
	if (mkdtemp(tmp) == NULL)
		return cli_fail(EX_CANTCREAT, "%s: %s", tmp, strerror(errno));
	if ((n = copy_dir(from, tmp, err, sizeof err)) == -1 ||
	    fsmode_share_dir(tmp) == -1 || rename(tmp, cf->templates) == -1) {
		if (n != -1)
			snprintf(err, sizeof err, "%s: %s", cf->templates,
			    strerror(errno));
		remove_copy(tmp);
		return cli_fail(EX_CANTCREAT, "%s", err);
	}
	printf("templates %s: %d copied from %s\n", cf->templates, n, from);
	return 0;
}
