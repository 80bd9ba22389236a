/* rootpath.h: a path resolved inside a root folder that is hostile input
 * (a mounted disk from anyone): "/" is the root, an absolute link starts
 * again at the root, ".." of the root is the root, at most
 * ROOTPATH_MAX_LINKS links are followed, and every link on the way is read
 * inside the root, so nothing the disk holds names a place outside it.
 * The walk asks its questions through struct rootpath_io: a mounted root
 * of this machine answers them with lstat(2) and readlink(2)
 * (target_fs.c), one on a machine over SSH with lstat and readlink over
 * SFTP (target_sshroot.c), the tests from a table in memory. */
#ifndef ASR_ROOTPATH_H
#define ASR_ROOTPATH_H

#include <stdbool.h>
#include <sys/types.h>

/* Links followed in one path before giving up, as the kernel's 40. */
#define ROOTPATH_MAX_LINKS 40

/* The questions a walk asks of the root. Every path handed to them is
 * relative to the root and already resolved: "/a/b", each component a
 * plain name (no "", "." or ".."), no component before the last a link. */
struct rootpath_io {
	/* The type bits of the path's lstat (st_mode); 0, or a negative
	 * errno. -ENOENT and -ENOTDIR are taken for "not a link" (the
	 * operation on the resolved path meets them again and reports
	 * them); any other error ends the walk. */
	int (*lstat)(void *arg, const char *path, mode_t *mode);
	/* The contents of the link at path, *target allocated (the caller
	 * frees); 0, or a negative errno, which ends the walk. */
	int (*readlink)(void *arg, const char *path, char **target);
	/* Optional (NULL: names as written): the spelling of name in the
	 * folder dir ("/a/b/", ending in '/'; "/" for the root) to use, as
	 * a new string the caller frees, for a root whose names match
	 * without regard to case. */
	char *(*spell)(void *arg, const char *dir, const char *name);
	void *arg; /* borrowed: handed to each of them */
};

/* Resolves path (absolute, as the examined machine names it) inside the
 * root that io answers for, following every link on the way, the last
 * component's too when follow_last (without it the last component is kept
 * as written: what a write creates, renames or removes). Empty components
 * and "." are skipped; ".." takes the last resolved component off, and is
 * nothing at the root. Returns 0 and *out, the resolved path relative to
 * the root ("/a/b"; "/" for the root itself; the caller frees); or
 * -EINVAL (path NULL or not absolute), -ELOOP (more than
 * ROOTPATH_MAX_LINKS links), or io->lstat's error other than -ENOENT and
 * -ENOTDIR, or io->readlink's, with *out NULL. A component that is
 * missing or not a folder is not an error here: the operation on the
 * resolved path reports it. */
int rootpath_resolve(const struct rootpath_io *io, const char *path, bool follow_last, char **out);

#endif
