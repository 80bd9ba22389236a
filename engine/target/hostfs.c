/* hostfs.c: the system-call seam of every write on this machine's file
 * system, and the durable write, replace and remove built on it (see
 * hostfs.h). */
#include "engine/target/hostfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/util/msg.h"
#include "engine/util/util.h"

/* ---- the real system calls ---- */

/* The real open(2). */
static int real_open(const char *path, int flags, mode_t mode)
{
	return open(path, flags, mode);
}

/* The real write(2). */
static ssize_t real_write(int fd, const void *buf, size_t n)
{
	return write(fd, buf, n);
}

/* The real fsync(2). */
static int real_fsync(int fd)
{
	return fsync(fd);
}

/* The real close(2). */
static int real_close(int fd)
{
	return close(fd);
}

/* The real rename(2). */
static int real_rename(const char *from, const char *to)
{
	return rename(from, to);
}

/* Opens a folder and fsyncs it, so a rename or a new name in it is durable. */
static int real_fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int r = fsync(fd);
	int e = errno;
	close(fd);
	errno = e;
	return r;
}

/* The real fchmod(2). */
static int real_fchmod(int fd, mode_t mode)
{
	return fchmod(fd, mode);
}

/* The real fchown(2). */
static int real_fchown(int fd, uid_t uid, gid_t gid)
{
	return fchown(fd, uid, gid);
}

/* The real unlink(2). */
static int real_unlink(const char *path)
{
	return unlink(path);
}

/* The real mkdir(2). */
static int real_mkdir(const char *path, mode_t mode)
{
	return mkdir(path, mode);
}

/* The real mkdirat(2). */
static int real_mkdirat(int dirfd, const char *name, mode_t mode)
{
	return mkdirat(dirfd, name, mode);
}

const struct apply_fs apply_fs_real = {
	.open = real_open,
	.write = real_write,
	.fsync = real_fsync,
	.close = real_close,
	.rename = real_rename,
	.fsync_dir = real_fsync_dir,
	.fchmod = real_fchmod,
	.fchown = real_fchown,
	.unlink = real_unlink,
	.mkdir = real_mkdir,
	.mkdirat = real_mkdirat,
};

/* ---- paths ---- */

char *hostfs_dir_of(const char *path)
{
	const char *s = strrchr(path, '/');
	if (!s || s == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(s - path));
}

const char *hostfs_base_of(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* ---- durable steps ---- */

/* Writes every byte through the seam, retrying short writes; 0 or -errno. */
static int write_all(const struct apply_fs *fs, int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = fs->write(fd, data, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -ENOSPC;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Creates path (O_EXCL) with the bytes, mode and owner, synced; removed again on failure. */
int hostfs_write_new(const struct apply_fs *fs, const char *path, const char *data, size_t len,
                     mode_t mode, uid_t uid, gid_t gid, char **cause)
{
	const char *what = "open";
	int fd = fs->open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		int e = errno;
		*cause = xasprintf(T("cannot create %s: %s", "无法创建 %s：%s"), path, strerror(e));
		return -e;
	}
	int rc = 0;
	struct stat st;
	if (fstat(fd, &st) == 0 && (st.st_uid != uid || st.st_gid != gid) &&
	    fs->fchown(fd, uid, gid) < 0) {
		rc = -errno;
		what = "chown";
	}
	/* After chown, which may clear set-id bits. */
	if (!rc && fs->fchmod(fd, mode & 07777) < 0) {
		rc = -errno;
		what = "chmod";
	}
	if (!rc && (rc = write_all(fs, fd, data, len)) < 0)
		what = "write";
	if (!rc && fs->fsync(fd) < 0) {
		rc = -errno;
		what = "fsync";
	}
	if (fs->close(fd) < 0 && !rc) {
		rc = -errno;
		what = "close";
	}
	if (rc) {
		*cause = xasprintf(T("cannot write %s (%s): %s", "无法写入 %s（%s）：%s"), path,
		                   what, strerror(-rc));
		fs->unlink(path);
	}
	return rc;
}

/* Renames over a path and makes it durable. */
int hostfs_rename(const struct apply_fs *fs, const char *from, const char *to, bool *renamed,
                  char **cause)
{
	*renamed = false;
	if (fs->rename(from, to) < 0) {
		int e = errno;
		*cause = xasprintf(T("cannot rename %s over %s: %s", "无法将 %s 重命名为 %s：%s"),
		                   from, to, strerror(e));
		return -e;
	}
	*renamed = true;
	char *dir = hostfs_dir_of(to);
	int rc = 0;
	if (fs->fsync_dir(dir) < 0) {
		rc = -errno;
		*cause = xasprintf(T("cannot fsync the folder %s: %s", "无法 fsync 文件夹 %s：%s"),
		                   dir, strerror(-rc));
	}
	free(dir);
	return rc;
}

/* Replaces path atomically through a temporary file beside it. */
int hostfs_replace(const struct apply_fs *fs, const char *path, const char *tmp,
                   const char *data, size_t len, mode_t mode, uid_t uid, gid_t gid,
                   char **cause)
{
	int rc = hostfs_write_new(fs, tmp, data, len, mode, uid, gid, cause);
	if (rc < 0)
		return rc;
	bool renamed;
	rc = hostfs_rename(fs, tmp, path, &renamed, cause);
	if (rc < 0 && !renamed)
		fs->unlink(tmp);
	return rc;
}

/* Removes path and makes the removal durable. */
int hostfs_remove(const struct apply_fs *fs, const char *path, char **cause)
{
	if (fs->unlink(path) < 0 && errno != ENOENT) {
		int e = errno;
		*cause = xasprintf(T("cannot remove %s: %s", "无法删除 %s：%s"), path, strerror(e));
		return -e;
	}
	char *dir = hostfs_dir_of(path);
	int rc = 0;
	if (fs->fsync_dir(dir) < 0) {
		rc = -errno;
		*cause = xasprintf(T("cannot fsync the folder %s: %s", "无法 fsync 文件夹 %s：%s"),
		                   dir, strerror(-rc));
	}
	free(dir);
	return rc;
}

/* Reads a regular host file whole without following a final symlink. */
int hostfs_read(const char *path, size_t max, char **data, size_t *len)
{
	*data = NULL;
	*len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	return util_read_fd(fd, max, data, len);
}

/* Opens a folder without following a link on the way, maybe creating it. */
int hostfs_open_dir(const struct apply_fs *fs, const char *dir, bool create, char **cause)
{
	int fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	const char *c = dir;
	while (*c == '/')
		c++;
	while (*c) {
		size_t n = strcspn(c, "/");
		char *name = xstrndup(c, n);
		c += n;
		while (*c == '/')
			c++;
		bool last = !*c;
		int nfd = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (nfd < 0 && errno == ENOENT && create) {
			if (fs->mkdirat(fd, name, last ? 0700 : 0755) < 0 && errno != EEXIST) {
				int e = errno;
				*cause = xasprintf(T("cannot create the journal folder %.*s: %s",
				                     "无法创建日志文件夹 %.*s：%s"),
				                   (int)(c - dir), dir, strerror(e));
				free(name);
				close(fd);
				return -e;
			}
			nfd = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		int e = errno;
		free(name);
		close(fd);
		if (nfd < 0) {
			size_t len = (size_t)(c - dir);
			while (len > 1 && dir[len - 1] == '/')
				len--;
			if (e == ELOOP || e == ENOTDIR) {
				*cause = xasprintf(T("%.*s is a symbolic link or not a folder: "
				                     "asr-doctor never reaches its journal through a "
				                     "link",
				                     "%.*s 是符号链接或不是文件夹：asr-doctor "
				                     "从不通过链接访问其日志"),
				                   (int)len, dir);
				return -ELOOP;
			}
			*cause = xasprintf(T("cannot open the journal folder %.*s: %s",
			                     "无法打开日志文件夹 %.*s：%s"),
			                   (int)len, dir, strerror(e));
			return -e;
		}
		fd = nfd;
	}
	return fd;
}
