/* demo.c: the --demo sandbox: a copy of the bundled, deliberately broken
 * machine in a new temporary folder. The running wizard holds a lock on
 * the folder (flock on the folder itself), so the next --demo can tell a
 * sandbox left by a killed run (no holder) from one in use, and removes
 * the first kind. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "engine/content.h"

#define DEMO_PREFIX "asr-doctor-demo-"
/* A sandbox this new may be between its creation and its lock. */
#define DEMO_GRACE_S 5

/* Removes the sandboxes in tmp that belong to this user and that no
 * running asr-doctor holds. */
static void demo_sweep(const char *tmp)
{
	DIR *d = opendir(tmp);
	if (!d)
		return;
	struct dirent *e;
	time_t now = time(NULL);
	while ((e = readdir(d))) {
		if (!str_starts(e->d_name, DEMO_PREFIX) || strlen(e->d_name) != strlen(DEMO_PREFIX) + 6)
			continue;
		char *path = xasprintf("%s/%s", tmp, e->d_name);
		struct stat st;
		int fd = -1;
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid() &&
		    now - st.st_mtime >= DEMO_GRACE_S &&
		    (fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) >= 0 &&
		    flock(fd, LOCK_EX | LOCK_NB) == 0)
			content_remove_tree(path);
		if (fd >= 0)
			close(fd);
		free(path);
	}
	closedir(d);
}

char *cli_demo_sandbox(const char *content_dir)
{
	const char *tmp = getenv("TMPDIR");
	if (!tmp || !*tmp)
		tmp = "/tmp";
	demo_sweep(tmp);
	char *dir = xasprintf("%s/" DEMO_PREFIX "XXXXXX", tmp);
	if (!mkdtemp(dir)) {
		cli_error("cannot create the demo sandbox in %s: %s", tmp, strerror(errno));
		free(dir);
		return NULL;
	}
	/* Held until the process ends (the descriptor is never closed). */
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0) {
		cli_error("cannot lock the demo sandbox %s: %s", dir, strerror(errno));
		if (fd >= 0)
			close(fd);
		rmdir(dir);
		free(dir);
		return NULL;
	}
	char *cause = NULL;
	if (content_extract(content_dir, dir, &cause) < 0) {
		cli_error("cannot extract the demo sandbox: %s", cause);
		free(cause);
		content_remove_tree(dir);
		close(fd);
		free(dir);
		return NULL;
	}
	return dir;
}
