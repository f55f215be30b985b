/* nudge: see nudge.h. */
#include "lib/nudge.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

int
nudge_path(const char *db_path, char *buf, size_t len)
{
	struct sockaddr_un sun;
	int n = snprintf(buf, len, "%s.sock", db_path);

	if (n < 0 || (size_t)n >= len || (size_t)n >= sizeof sun.sun_path)
		return -1;
	return 0;
}

int
nudge_listen(const char *path)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun.sun_path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		return -1;
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		close(fd);
		return -1;
	}
	/*
	 * Sending to it takes write permission, which the service's umask
	 * (0027) leaves out: the organisers of its group nudge it too. The
	 * directory decides who reaches it (private when there is no group).
	 */
	(void)chmod(path, 0660);
	return fd;
}

int
nudge_drain(int fd)
{
	char b[64];
	int n = 0;

	while (recv(fd, b, sizeof b, 0) >= 0)
		n++;
	return n;
}

void
nudge_send(const char *db_path)
{
	struct sockaddr_un sun;
	char path[sizeof sun.sun_path];
	int fd;

	if (nudge_path(db_path, path, sizeof path) == -1)
		return;
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return;
	(void)sendto(fd, "n", 1, MSG_DONTWAIT, (struct sockaddr *)&sun,
	    sizeof sun);
	close(fd);
}
