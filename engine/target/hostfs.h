/* hostfs.h: the system calls by which asr-doctor changes files on this
 * machine's file system (the local target, a mounted root, and the journal
 * kept on either), gathered in one table that tests replace to fail every
 * call once, fill the disk, crash before and after a call or send a signal
 * there; and the durable steps built on it: a new file written beside its
 * target exclusively (never through a link), an atomic replacement, a
 * removal, each made durable with fsync of the file and of its folder. */
#ifndef ASR_HOSTFS_H
#define ASR_HOSTFS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Every file-system call of the write path (files, backups, journal, lock)
 * goes through this table, so tests can inject failures and crashes.
 * Each behaves like the system call: -1 and errno on failure. */
struct apply_fs {
	int (*open)(const char *path, int flags, mode_t mode);
	ssize_t (*write)(int fd, const void *buf, size_t n);
	int (*fsync)(int fd);
	int (*close)(int fd);
	int (*rename)(const char *from, const char *to);
	int (*fsync_dir)(const char *dir);
	int (*fchmod)(int fd, mode_t mode);
	int (*fchown)(int fd, uid_t uid, gid_t gid);
	int (*unlink)(const char *path);
	int (*mkdir)(const char *path, mode_t mode);
	/* mkdirat(2): the journal's folders are made in a folder opened
	 * without following links. */
	int (*mkdirat)(int dirfd, const char *name, mode_t mode);
};

/* The real system calls. */
extern const struct apply_fs apply_fs_real;

/* Writes data to the new file path (O_EXCL | O_NOFOLLOW) with mode and
 * owner (owner only when it differs from the creator's), fsyncs and closes
 * it. On failure removes it. Returns 0 or -errno with *cause (caller
 * frees). */
int hostfs_write_new(const struct apply_fs *fs, const char *path, const char *data, size_t len,
		     mode_t mode, uid_t uid, gid_t gid, char **cause);
/* Replaces path with data atomically: a temporary tmp in the same folder
 * (hostfs_write_new), rename over path, fsync the folder. Returns 0 or
 * -errno with *cause; on failure path is unchanged. */
int hostfs_replace(const struct apply_fs *fs, const char *path, const char *tmp,
		   const char *data, size_t len, mode_t mode, uid_t uid, gid_t gid, char **cause);
/* Renames from over to and fsyncs to's folder. Returns 0 or -errno with
 * *cause naming the step (rename or fsync); *renamed tells whether the
 * rename itself happened. */
int hostfs_rename(const struct apply_fs *fs, const char *from, const char *to, bool *renamed,
		  char **cause);
/* Removes path (a missing one is fine) and fsyncs its folder. Returns 0 or
 * -errno with *cause. */
int hostfs_remove(const struct apply_fs *fs, const char *path, char **cause);
/* Reads a regular host file whole (at most max bytes) without following a
 * final symbolic link and without blocking. Returns 0 and *data (caller
 * frees; NUL-terminated), -EINVAL for anything but a regular file, or
 * -errno. */
int hostfs_read(const char *path, size_t max, char **data, size_t *len);
/* Opens the folder at the absolute host path dir, one component at a
 * time from "/" with O_NOFOLLOW and O_DIRECTORY, so no symbolic link on
 * the way is followed; with create, makes the missing ones (fs->mkdirat;
 * the last 0700, the others 0755). Returns the folder's descriptor (caller
 * closes), or -errno with *cause: -ELOOP for a link (or anything but a
 * folder) on the way, -ENOENT for a missing one without create. */
int hostfs_open_dir(const struct apply_fs *fs, const char *dir, bool create, char **cause);
struct target;
/* The system-call seam of the write operations of a target backed by this
 * machine's file system (the local machine, a mounted root): fs, or NULL
 * for apply_fs_real. Returns the seam it had (NULL: the real calls), to be
 * put back. Any other target has none: nothing changes and NULL is
 * returned. Tests reach it through apply_opts.fs. */
const struct apply_fs *hostfs_target_seam(struct target *t, const struct apply_fs *fs);
/* The folder part of a path ("/" for "/x"); caller frees. */
char *hostfs_dir_of(const char *path);
/* The last component of a path. */
const char *hostfs_base_of(const char *path);

#endif
