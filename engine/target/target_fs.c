/* target_fs.c: the two targets backed by this machine's file system: the
 * local machine (paths as they are) and a mounted root (--root DIR, paths
 * resolved inside DIR as if it were "/", absolute symlinks included). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "engine/target/hostfs.h"
#include "engine/target/rootpath.h"
#include "engine/target/target.h"
#include "engine/util/msg.h"

/* The name a Windows volume spells name with in the folder dir of root
 * (dir ends in "/"), when only a case-insensitive match exists:
 * "windows/system32" finds "Windows/System32". The first match in byte
 * order wins, so the choice is stable; NULL: name as written. */
static char *fold_name(const char *root, const char *dir, const char *name)
{
	char *host = xasprintf("%s%s%s", root, dir, name);
	struct stat st;
	bool exact = lstat(host, &st) == 0 || errno != ENOENT;
	free(host);
	if (exact)
		return NULL;
	char *folder = xasprintf("%s%s", root, dir);
	DIR *d = opendir(folder);
	free(folder);
	char *best = NULL;
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL)
		if (str_ieq(e->d_name, name) && (!best || strcmp(e->d_name, best) < 0)) {
			free(best);
			best = xstrdup(e->d_name);
		}
	if (d)
		closedir(d);
	return best;
}

/* A mounted root's answers to the resolver (rootpath.h): the paths it
 * asks about are under root, a folder of this machine. */
struct root_walk {
	const char *root; /* borrowed: the folder, "" for "/" */
};

static int root_lstat(void *arg, const char *path, mode_t *mode)
{
	const struct root_walk *w = arg;
	char *host = xasprintf("%s%s", w->root, path);
	struct stat st;
	int rc = lstat(host, &st) < 0 ? -errno : 0;
	free(host);
	if (rc == 0)
		*mode = st.st_mode;
	return rc;
}

static int root_readlink(void *arg, const char *path, char **target)
{
	const struct root_walk *w = arg;
	char *host = xasprintf("%s%s", w->root, path);
	char buf[PATH_MAX];
	ssize_t n = readlink(host, buf, sizeof buf - 1);
	int rc = n < 0 ? -errno : 0;
	free(host);
	if (rc == 0) {
		buf[n] = '\0';
		*target = xstrdup(buf);
	}
	return rc;
}

static char *root_fold(void *arg, const char *dir, const char *name)
{
	return fold_name(((const struct root_walk *)arg)->root, dir, name);
}

/* Resolves path inside root (rootpath_resolve), following symlinks (all,
 * or all but the last component) without ever leaving root; with fold,
 * names match without regard to case when the exact name is missing.
 * Returns the host path or NULL with *err set (a positive errno). */
static char *root_resolve(const char *root, const char *path, bool follow_last, bool fold,
			  int *err)
{
	struct root_walk w = { .root = root };
	const struct rootpath_io io = { .lstat = root_lstat, .readlink = root_readlink,
					.spell = fold ? root_fold : NULL, .arg = &w };
	char *rel = NULL;
	int rc = rootpath_resolve(&io, path, follow_last, &rel);
	if (rc < 0) {
		*err = -rc;
		return NULL;
	}
	char *host = xasprintf("%s%s", root, rel);
	free(rel);
	return host;
}

/* The host path for a target path; NULL with *err on failure. */
static char *map_path(struct target *t, const char *path, bool follow_last, int *err)
{
	if (!path || path[0] != '/') {
		*err = EINVAL;
		return NULL;
	}
	if (t->kind == TARGET_LOCAL)
		return xstrdup(path);
	return root_resolve(t->root, path, follow_last, t->fold_case, err);
}

static int fs_read_file(struct target *t, const char *path, char **data, size_t *len, size_t max)
{
	*data = NULL;
	*len = 0;
	int err = 0;
	char *host = map_path(t, path, true, &err);
	if (!host)
		return -err;
	/* A FIFO, device or socket is not a file: not even opened (opening
	 * a device can do things), and a FIFO opened without blocking in case
	 * it appears in between, then looked at again before any read. */
	struct stat st;
	if (stat(host, &st) == 0 && !S_ISREG(st.st_mode)) {
		free(host);
		return S_ISDIR(st.st_mode) ? -EISDIR : -TARGET_ENOTREG;
	}
	int fd = open(host, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	free(host);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return S_ISDIR(st.st_mode) ? -EISDIR : -TARGET_ENOTREG;
	}
	return util_read_fd(fd, max, data, len);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int fs_list_dir(struct target *t, const char *path, struct strvec *names)
{
	int err = 0;
	char *host = map_path(t, path, true, &err);
	if (!host)
		return -err;
	DIR *d = opendir(host);
	free(host);
	if (!d)
		return -errno;
	size_t first = names->n;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			sv_push(names, e->d_name);
	closedir(d);
	/* An empty folder leaves names->v NULL: no sorting (qsort on NULL is
	 * undefined even for zero elements). */
	if (names->n - first > 1)
		qsort(names->v + first, names->n - first, sizeof *names->v, cmp_str);
	return 0;
}

static int fs_stat(struct target *t, const char *path, struct target_stat *out, bool follow)
{
	int err = 0;
	char *host = map_path(t, path, follow, &err);
	if (!host)
		return err ? -err : -ENOENT; /* never 0: *out is not filled */
	struct stat st;
	int r = follow ? stat(host, &st) : lstat(host, &st);
	free(host);
	if (r < 0)
		return -errno;
	*out = (struct target_stat){ .mode = st.st_mode, .uid = st.st_uid, .gid = st.st_gid,
				     .size = st.st_size, .mtime = (long long)st.st_mtime,
				     .dev = st.st_dev, .ino = st.st_ino };
	return 0;
}

static int fs_statvfs(struct target *t, const char *path, struct target_vfs *out)
{
	int err = 0;
	char *host = map_path(t, path, true, &err);
	if (!host)
		return -err;
	struct statvfs v;
	int r = statvfs(host, &v);
	free(host);
	if (r < 0)
		return -errno;
	unsigned long long f = v.f_frsize ? v.f_frsize : v.f_bsize;
	out->total = f * v.f_blocks;
	out->avail = f * v.f_bavail;
	out->free = f * v.f_bfree;
	return 0;
}

static int fs_realpath(struct target *t, const char *path, char **out)
{
	int err = 0;
	char *host = map_path(t, path, true, &err);
	if (!host)
		return -err;
	if (t->kind == TARGET_LOCAL) {
		char *r = realpath(host, NULL);
		free(host);
		if (!r)
			return -errno;
		*out = xstrdup(r);
		free(r);
		return 0;
	}
	struct stat st;
	if (lstat(host, &st) < 0) {
		int e = errno;
		free(host);
		return -e;
	}
	size_t rl = strlen(t->root);
	*out = xstrdup(host[rl] ? host + rl : "/");
	free(host);
	return 0;
}

static int fs_run(struct target *t, const char *const argv[], int timeout_ms, struct cmd_result *out)
{
	if (t->kind != TARGET_LOCAL)
		return -ENOTSUP;
	return proc_run(argv, timeout_ms, NULL, out);
}

static char *fs_host_path(struct target *t, const char *path)
{
	int err = 0;
	return map_path(t, path, true, &err);
}

/* ---- changing files, over the system-call seam ---- */

/* What a target backed by this machine's files keeps. */
struct fs_priv {
	const struct apply_fs *fs; /* borrowed: the seam, never NULL */
};

static const struct apply_fs *seam(struct target *t)
{
	return ((struct fs_priv *)t->priv)->fs;
}

static int fs_write_new(struct target *t, const char *path, const char *tag, const char *data,
                        size_t len, mode_t mode, uid_t uid, gid_t gid, char **tmp, char **cause)
{
	char *name = target_temp_path(path, tag);
	char *host = target_host_file(t, name);
	if (!host) {
		*cause = xasprintf(T("cannot create %s: %s", "无法创建 %s：%s"), name,
		                   strerror(ENOENT));
		free(name);
		return -ENOENT;
	}
	int rc = hostfs_write_new(seam(t), host, data, len, mode, uid, gid, cause);
	free(host);
	if (rc < 0) {
		free(name);
		return rc;
	}
	*tmp = name;
	return 0;
}

static int fs_rename(struct target *t, const char *from, const char *to)
{
	char *hf = target_host_file(t, from), *ht = target_host_file(t, to);
	int rc = 0;
	if (!hf || !ht)
		rc = -ENOENT;
	else if (seam(t)->rename(hf, ht) < 0)
		rc = -errno;
	free(hf);
	free(ht);
	return rc;
}

static int fs_remove(struct target *t, const char *path)
{
	char *h = target_host_file(t, path);
	int rc = 0;
	if (!h)
		rc = -ENOENT;
	else if (seam(t)->unlink(h) < 0)
		rc = -errno;
	free(h);
	return rc;
}

static int fs_sync_dir(struct target *t, const char *dir)
{
	int err = 0;
	char *h = map_path(t, dir, true, &err);
	int rc = 0;
	if (!h)
		rc = -err;
	else if (seam(t)->fsync_dir(h) < 0)
		rc = -errno;
	free(h);
	return rc;
}

/* Whether the host path is on a file system mounted read-only. */
static bool on_read_only_fs(const char *host)
{
	struct statvfs v;
	return statvfs(host, &v) == 0 && (v.f_flag & ST_RDONLY);
}

/* Whether a host file or folder carries the immutable or append-only
 * flag (read with FS_IOC_GETFLAGS; a file system without flags: no). */
static bool is_immutable(const char *host)
{
	int fd = open(host, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return false;
	int flags = 0;
	bool r = ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0 &&
		 (flags & (FS_IMMUTABLE_FL | FS_APPEND_FL));
	close(fd);
	return r;
}

/* Asked of the host path before anything changes, with the real calls
 * (not the seam: nothing is changed here). */
static int fs_may_change(struct target *t, const char *path, bool folder)
{
	int err = 0;
	char *h = folder ? map_path(t, path, true, &err) : target_host_file(t, path);
	if (!h)
		return 0; /* the write says why */
	int rc = 0;
	if (folder && on_read_only_fs(h))
		rc = -EROFS;
	else if (is_immutable(h))
		rc = -EPERM;
	else if (folder && access(h, W_OK) < 0)
		rc = -errno;
	free(h);
	return rc;
}

/* ---- the journal's store, in a folder of this machine ---- */

/* The host path of a store path of t (the same on this machine; a
 * mounted root's prefixed by its folder, never resolved: store_open
 * refuses any link on the way). Caller frees. */
static char *store_host(struct target *t, const char *path)
{
	return xasprintf("%s%s", t->root ? t->root : "", path);
}

static int fs_store_open(struct target *t, const char *dir, bool create, char **cause)
{
	char *h = store_host(t, dir);
	int fd = hostfs_open_dir(seam(t), h, create, cause);
	free(h);
	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

static int fs_store_mkdir(struct target *t, const char *dir, const char *name)
{
	char *h = store_host(t, dir);
	char *c = NULL;
	int fd = hostfs_open_dir(seam(t), h, false, &c);
	free(c);
	free(h);
	if (fd < 0)
		return fd;
	int rc = seam(t)->mkdirat(fd, name, 0700) == 0 ? 0 : -errno;
	close(fd);
	return rc;
}

static int fs_store_read(struct target *t, const char *path, size_t max, bool strict,
                         char **data, size_t *len)
{
	char *h = store_host(t, path);
	*data = NULL;
	*len = 0;
	if (strict) {
		int rc = hostfs_read(h, max, data, len);
		free(h);
		return rc;
	}
	int fd = open(h, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	free(h);
	if (fd < 0)
		return -errno;
	struct sbuf b = { 0 };
	char buf[65536];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || b.len > max)
			break;
		sb_addn(&b, buf, (size_t)n);
	}
	close(fd);
	*len = b.len;
	*data = b.s ? sb_steal(&b) : xstrdup("");
	return 0;
}

static int fs_store_append(struct target *t, const char *path, const char *data, size_t len,
                           char **cause)
{
	const struct apply_fs *fs = seam(t);
	char *h = store_host(t, path);
	bool existed = access(h, F_OK) == 0;
	int fd = fs->open(h, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		int e = errno;
		*cause = xasprintf(T("cannot open the journal %s: %s", "无法打开日志 %s：%s"), h,
		                   strerror(e));
		free(h);
		return -e;
	}
	struct stat st;
	off_t size = fstat(fd, &st) == 0 ? st.st_size : 0;
	char last = '\n';
	if (size > 0 && pread(fd, &last, 1, size - 1) != 1)
		last = '\n';
	struct sbuf b = { 0 };
	if (last != '\n')
		sb_addc(&b, '\n');
	sb_addn(&b, data, len);
	int rc = 0;
	const char *p = b.s;
	size_t left = b.len;
	while (left) {
		ssize_t n = fs->write(fd, p, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = n < 0 ? -errno : -ENOSPC;
			break;
		}
		p += n;
		left -= (size_t)n;
	}
	if (!rc && fs->fsync(fd) < 0)
		rc = -errno;
	if (rc && ftruncate(fd, size) < 0) {
		/* nothing more we can do; the reader skips a torn line */
	}
	if (fs->close(fd) < 0 && !rc)
		rc = -errno;
	if (!rc && !existed) {
		char *dir = hostfs_dir_of(h);
		if (fs->fsync_dir(dir) < 0)
			rc = -errno;
		free(dir);
	}
	if (rc)
		*cause = xasprintf(T("cannot write the journal %s: %s", "无法写入日志 %s：%s"), h,
		                   strerror(-rc));
	sb_free(&b);
	free(h);
	return rc;
}

static int fs_store_create(struct target *t, const char *path, const char *data, size_t len,
                           char **cause)
{
	char *h = store_host(t, path);
	int rc = hostfs_write_new(seam(t), h, data, len, 0600, geteuid(), getegid(), cause);
	free(h);
	return rc;
}

/* A lock held on this machine: its open file. */
struct fs_held {
	int fd;
};

static int fs_store_lock(struct target *t, const char *path, int wait_ms, void **held,
                         long *holder, char **cause)
{
	*held = NULL;
	*holder = 0;
	const struct apply_fs *fs = seam(t);
	char *h = store_host(t, path);
	int fd = fs->open(h, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		int e = errno;
		*cause = xasprintf(T("cannot open the lock %s: %s", "无法打开锁文件 %s：%s"), h,
		                   strerror(e));
		free(h);
		return -e;
	}
	free(h);
	int waited = 0;
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;
		if (e == EINTR)
			continue;
		if (e == EWOULDBLOCK && waited < wait_ms) {
			struct timespec ts = { 0, 50 * 1000000L };
			nanosleep(&ts, NULL);
			waited += 50;
			continue;
		}
		char buf[32] = { 0 };
		if (pread(fd, buf, sizeof buf - 1, 0) > 0)
			*holder = strtol(buf, NULL, 10);
		fs->close(fd);
		if (e != EWOULDBLOCK)
			*cause = xasprintf(T("cannot lock the journal: %s", "无法锁定日志：%s"),
			                   strerror(e));
		return -e;
	}
	char pid[32];
	int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == 0 && pwrite(fd, pid, (size_t)n, 0) < 0) {
		/* The pid is only for another run's message; carry on. */
	}
	struct fs_held *fh = xmalloc(sizeof *fh);
	fh->fd = fd;
	*held = fh;
	return 0;
}

static void fs_store_unlock(struct target *t, void *held)
{
	struct fs_held *fh = held;
	if (!fh)
		return;
	if (ftruncate(fh->fd, 0) < 0) {
		/* a stale pid in the lock file is harmless */
	}
	seam(t)->close(fh->fd);
	free(fh);
}

static void fs_destroy(struct target *t)
{
	free(t->priv);
	t->priv = NULL;
}

const struct apply_fs *hostfs_target_seam(struct target *t, const struct apply_fs *fs)
{
	if (!t || t->ops->destroy != fs_destroy)
		return NULL;
	struct fs_priv *p = t->priv;
	const struct apply_fs *was = p->fs == &apply_fs_real ? NULL : p->fs;
	p->fs = fs ? fs : &apply_fs_real;
	return was;
}

static const struct target_ops fs_ops = {
	.read_file = fs_read_file,
	.list_dir = fs_list_dir,
	.stat = fs_stat,
	.statvfs = fs_statvfs,
	.realpath = fs_realpath,
	.run = fs_run,
	.host_path = fs_host_path,
	.destroy = fs_destroy,
	.write_new = fs_write_new,
	.rename = fs_rename,
	.remove = fs_remove,
	.sync_dir = fs_sync_dir,
	.may_change = fs_may_change,
	.store_open = fs_store_open,
	.store_mkdir = fs_store_mkdir,
	.store_read = fs_store_read,
	.store_append = fs_store_append,
	.store_create = fs_store_create,
	.store_lock = fs_store_lock,
	.store_unlock = fs_store_unlock,
};

/* ---- naming ---- */

static char *local_label(const struct target *t)
{
	return xstrdup(T("this machine", "本机"));
}

/* The journal of a machine kept on its own disk: a Windows volume's
 * under %ProgramData%, a Linux system's under /var/lib. */
static const char *fs_journal_dir(const struct target *t)
{
	return t->os == TARGET_OS_WINDOWS ? TARGET_JOURNAL_DIR_WINDOWS : TARGET_JOURNAL_DIR;
}

/* This machine is reached again from anywhere on it. */
static struct target *local_open(const char *location, char **cause)
{
	(void)location;
	(void)cause;
	return target_local_new();
}

const struct target_kind_def target_kind_local = {
	.name = "local",
	.label = local_label,
	.journal_dir = fs_journal_dir,
	.open = local_open,
};

static const char *root_location(const struct target *t)
{
	if (!t->root)
		return NULL;
	return *t->root ? t->root : "/";
}

static char *root_label(const struct target *t)
{
	const char *where = root_location(t);
	if (!where)
		return xstrdup(t->name);
	if (t->os == TARGET_OS_WINDOWS)
		return xasprintf(T("the mounted Windows volume %s", "挂载的 Windows 卷 %s"), where);
	return xasprintf(T("the mounted root %s", "挂载的根目录 %s"), where);
}

static void root_describe(struct target *t, const char *location)
{
	t->kind = TARGET_ROOT;
	/* As target_root_new keeps it: "" for the host's own root. */
	t->root = xstrdup(location && strcmp(location, "/") != 0 ? location : "");
}

/* Where it was: the folder, then path (as written, nothing read). */
static char *root_described_host_path(const struct target *t, const char *path)
{
	return xasprintf("%s%s", t->root ? t->root : "", path);
}

/* A mounted root's folder as this machine resolves it now (a copy when
 * it cannot: the folder is gone). */
static char *root_canonical(const char *location)
{
	char *r = realpath(location, NULL);
	return r ? r : xstrdup(location);
}

static struct target *root_open(const char *location, char **cause)
{
	return target_root_new(location ? location : "/", cause);
}

const struct target_kind_def target_kind_root = {
	.name = "root",
	.cli_option = "--root",
	.location = root_location,
	.label = root_label,
	.describe = root_describe,
	.described_host_path = root_described_host_path,
	.journal_dir = fs_journal_dir,
	.root_folder = root_location,
	.canonical = root_canonical,
	.open = root_open,
};

/* A new target backed by this machine's files, the real calls its seam. */
static struct target *fs_target_new(void)
{
	struct target *t = xcalloc(1, sizeof *t);
	struct fs_priv *p = xcalloc(1, sizeof *p);
	p->fs = &apply_fs_real;
	t->priv = p;
	t->ops = &fs_ops;
	t->writer_known = true;
	t->writer_uid = geteuid();
	return t;
}

struct target *target_local_new(void)
{
	struct target *t = fs_target_new();
	t->kind = TARGET_LOCAL;
	t->def = &target_kind_local;
	t->name = xstrdup("this machine");
	t->live = true;
	t->can_run = true;
	t->can_write = true;
	t->this_machine = true;
	t->is_root = geteuid() == 0;
	return t;
}

/* Whether t's folder holds a Windows installation: a SYSTEM hive under
 * Windows/System32/config, names in any case (an NTFS volume mounted with
 * ntfs-3g keeps Windows' spelling; a copy may not). Leaves t->fold_case
 * set for the look-up. */
static bool windows_volume(struct target *t)
{
	t->fold_case = true;
	struct target_stat st = { 0 };
	return fs_stat(t, WINROOT_CONFIG "/SYSTEM", &st, true) == 0 && S_ISREG(st.mode);
}

struct target *target_root_new(const char *dir, char **cause)
{
	char *abs = realpath(dir, NULL);
	struct stat st;
	if (!abs || stat(abs, &st) < 0 || !S_ISDIR(st.st_mode)) {
		*cause = xasprintf("--root %s: %s", dir, abs ? "not a folder" : strerror(errno));
		free(abs);
		return NULL;
	}
	struct target *t = fs_target_new();
	t->kind = TARGET_ROOT;
	t->def = &target_kind_root;
	/* "/" as a root is the local file system; keep the prefix empty. */
	t->root = xstrdup(strcmp(abs, "/") == 0 ? "" : abs);
	t->live = false;
	t->can_run = false;
	t->can_write = true;
	t->offline = true;
	t->is_root = geteuid() == 0;
	if (windows_volume(t)) {
		t->os = TARGET_OS_WINDOWS;
		t->hive_files = true;
		t->name = xasprintf("mounted Windows volume %s", abs);
	} else {
		t->fold_case = false;
		t->name = xasprintf("mounted root %s", abs);
	}
	free(abs);
	return t;
}
