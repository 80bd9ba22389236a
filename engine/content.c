/* content.c: lookup in the embedded content table, and extraction of the
 * demo root. */
#include "engine/content.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/util/util.h"

const struct content_file *content_get(const char *name)
{
	for (const struct content_file *f = content_files; f->name; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

/* mkdir -p for the folders above path. */
static int make_parents(const char *path)
{
	char *p = xstrdup(path);
	int rc = 0;
	for (char *s = p + 1; *s && rc == 0; s++)
		if (*s == '/') {
			*s = '\0';
			if (mkdir(p, 0755) < 0 && errno != EEXIST)
				rc = -errno;
			*s = '/';
		}
	free(p);
	return rc;
}

int content_extract(const char *prefix, const char *dir, char **cause)
{
	size_t pl = strlen(prefix);
	int count = 0;
	for (const struct content_file *f = content_files; f->name; f++) {
		if (strncmp(f->name, prefix, pl) != 0)
			continue;
		char *path = xasprintf("%s/%s", dir, f->name + pl);
		int rc = make_parents(path);
		if (rc == 0 && (f->mode & S_IFMT) == S_IFLNK) {
			if (symlink((const char *)f->data, path) < 0) {
				int e = errno;
				*cause = xasprintf("%s: %s", path, strerror(e));
				free(path);
				return -e;
			}
			free(path);
			count++;
			continue;
		}
		int fd = rc == 0 ? open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, f->mode) : -1;
		if (fd < 0) {
			int e = rc ? -rc : errno;
			*cause = xasprintf("%s: %s", path, strerror(e));
			free(path);
			return -e;
		}
		size_t off = 0;
		while (off < f->len) {
			ssize_t w = write(fd, f->data + off, f->len - off);
			if (w < 0) {
				int e = errno;
				close(fd);
				*cause = xasprintf("%s: %s", path, strerror(e));
				free(path);
				return -e;
			}
			off += (size_t)w;
		}
		close(fd);
		free(path);
		count++;
	}
	if (count == 0) {
		*cause = xasprintf("no embedded files under %s", prefix);
		return -ENOENT;
	}
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return (flag == FTW_DP ? rmdir(path) : unlink(path)) < 0 ? -1 : 0;
}

int content_remove_tree(const char *dir)
{
	if (!dir || !*dir || strcmp(dir, "/") == 0)
		return -EINVAL;
	return nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) < 0 ? -errno : 0;
}
