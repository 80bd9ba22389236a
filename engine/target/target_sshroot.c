/* target_sshroot.c: a mounted root on a machine reached over SSH
 * (--target HOST --root DIR): a rescue machine with the broken disk
 * mounted at DIR. It is the local mounted root's rules on the SSH
 * target's operations: every path is resolved inside DIR as if it were
 * "/", a link followed one component at a time with lstat and readlink
 * over SFTP (an absolute link starts again at DIR, ".." stops at DIR), so
 * nothing the disk holds sends a read or a write outside it; nothing of
 * the disk is run (commands are refused, as on a local --root: the
 * machine is not running); the journal is kept under DIR, reached without
 * any link, as a local --root keeps it. The disk's block devices are
 * those the rescue machine sees: its own mount table and its lsblk/blkid
 * (the machine's own programs, never the disk's). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/target/rootpath.h"
#include "engine/target/target.h"
#include "engine/target/target_ssh.h"
#include "engine/util/msg.h"

struct sroot_priv {
	struct target *ssh; /* owned: the connected machine */
	char *dir;          /* owned: DIR there, links resolved, no trailing '/'
			     * ("" for the machine's own "/") */
	char *spec;         /* owned: "user@host:port" */
};

static struct sroot_priv *priv(struct target *t)
{
	return t->priv;
}

/* The resolver's questions (rootpath.h), asked of the paths under DIR
 * over SFTP. */
static int walk_lstat(void *arg, const char *path, mode_t *mode)
{
	struct sroot_priv *p = arg;
	char *remote = xasprintf("%s%s", p->dir, path);
	struct target_stat st;
	int rc = p->ssh->ops->stat(p->ssh, remote, &st, false);
	free(remote);
	if (rc == 0)
		*mode = st.mode;
	return rc;
}

static int walk_readlink(void *arg, const char *path, char **target)
{
	struct sroot_priv *p = arg;
	char *remote = xasprintf("%s%s", p->dir, path);
	int rc = target_ssh_readlink(p->ssh, remote, target);
	free(remote);
	return rc;
}

/* Resolves path inside the root (rootpath_resolve): the remote path it
 * names, every link on the way (the last one too when follow_last) read
 * and followed inside DIR. NULL with *err (a negative errno) when path is
 * not absolute, a link cannot be read or there are too many. Caller
 * frees. */
static char *resolve(struct target *t, const char *path, bool follow_last, int *err)
{
	struct sroot_priv *p = priv(t);
	const struct rootpath_io io = { .lstat = walk_lstat, .readlink = walk_readlink, .arg = p };
	char *rel = NULL;
	int rc = rootpath_resolve(&io, path, follow_last, &rel);
	if (rc < 0) {
		*err = rc;
		return NULL;
	}
	/* The root itself is DIR ("/" for the machine's own). */
	char *remote = strcmp(rel, "/") == 0 && *p->dir ? xstrdup(p->dir)
							 : xasprintf("%s%s", p->dir, rel);
	free(rel);
	return remote;
}

/* The remote name of a target path whose folder is resolved inside the
 * root and whose last component is kept as it is: what a write creates,
 * renames or removes (never what a link there points to). */
static char *resolve_file(struct target *t, const char *path, int *err)
{
	return resolve(t, path, false, err);
}

static int sr_read_file(struct target *t, const char *path, char **data, size_t *len, size_t max)
{
	*data = NULL;
	*len = 0;
	int err = 0;
	char *r = resolve(t, path, true, &err);
	if (!r)
		return err;
	struct target *s = priv(t)->ssh;
	int rc = s->ops->read_file(s, r, data, len, max);
	free(r);
	return rc;
}

static int sr_list_dir(struct target *t, const char *path, struct strvec *names)
{
	int err = 0;
	char *r = resolve(t, path, true, &err);
	if (!r)
		return err;
	struct target *s = priv(t)->ssh;
	int rc = s->ops->list_dir(s, r, names);
	free(r);
	return rc;
}

static int sr_stat(struct target *t, const char *path, struct target_stat *st, bool follow)
{
	int err = 0;
	char *r = resolve(t, path, follow, &err);
	if (!r)
		return err;
	struct target *s = priv(t)->ssh;
	/* Resolved already: the last component is not a link when follow. */
	int rc = s->ops->stat(s, r, st, false);
	free(r);
	return rc;
}

static int sr_statvfs(struct target *t, const char *path, struct target_vfs *out)
{
	int err = 0;
	char *r = resolve(t, path, true, &err);
	if (!r)
		return err;
	struct target *s = priv(t)->ssh;
	int rc = s->ops->statvfs(s, r, out);
	free(r);
	return rc;
}

/* The path resolved inside the root, as the examined machine names it
 * (DIR taken off); it must exist. */
static int sr_realpath(struct target *t, const char *path, char **out)
{
	int err = 0;
	char *r = resolve(t, path, true, &err);
	if (!r)
		return err;
	struct target *s = priv(t)->ssh;
	struct target_stat st;
	int rc = s->ops->stat(s, r, &st, false);
	if (rc == 0) {
		size_t dl = strlen(priv(t)->dir);
		*out = xstrdup(r[dl] ? r + dl : "/");
	}
	free(r);
	return rc;
}

/* Nothing of the disk runs, on this machine or on the remote one. */
static int sr_run(struct target *t, const char *const argv[], int timeout_ms,
		  struct cmd_result *out)
{
	(void)t;
	(void)argv;
	(void)timeout_ms;
	(void)out;
	return -ENOTSUP;
}

static int sr_open_stream(struct target *t, const char *path, void **stream,
			  unsigned long long *size)
{
	*stream = NULL;
	*size = 0;
	struct target *s = priv(t)->ssh;
	if (!s->ops->open_stream)
		return -ENOTSUP;
	int err = 0;
	char *r = resolve(t, path, true, &err);
	if (!r)
		return err;
	int rc = s->ops->open_stream(s, r, stream, size);
	free(r);
	return rc;
}

static long sr_stream_read(struct target *t, void *stream, char *buf, size_t n)
{
	struct target *s = priv(t)->ssh;
	return s->ops->stream_read(s, stream, buf, n);
}

static int sr_stream_seek(struct target *t, void *stream, unsigned long long off)
{
	struct target *s = priv(t)->ssh;
	return s->ops->stream_seek ? s->ops->stream_seek(s, stream, off) : -ENOTSUP;
}

static void sr_stream_close(struct target *t, void *stream)
{
	struct target *s = priv(t)->ssh;
	s->ops->stream_close(s, stream);
}

static const char *sr_lost(struct target *t)
{
	return target_lost(priv(t)->ssh);
}

static void sr_destroy(struct target *t)
{
	struct sroot_priv *p = t->priv;
	if (!p)
		return;
	target_free(p->ssh);
	free(p->dir);
	free(p->spec);
	free(p);
	t->priv = NULL;
}

/* ---- changing files under DIR ---- */

static int sr_write_new(struct target *t, const char *path, const char *tag, const char *data,
			size_t len, mode_t mode, uid_t uid, gid_t gid, char **tmp, char **cause)
{
	*tmp = NULL;
	int err = 0;
	char *r = resolve_file(t, path, &err);
	if (!r) {
		*cause = xasprintf(T("cannot write %s: %s", "无法写入 %s：%s"), path,
				   strerror(-err));
		return err;
	}
	struct target *s = priv(t)->ssh;
	char *made = NULL;
	int rc = s->ops->write_new(s, r, tag, data, len, mode, uid, gid, &made, cause);
	free(r);
	free(made);
	if (rc == 0)
		*tmp = target_temp_path(path, tag);
	return rc;
}

static int sr_rename(struct target *t, const char *from, const char *to)
{
	int err = 0;
	char *rf = resolve_file(t, from, &err);
	char *rt = rf ? resolve_file(t, to, &err) : NULL;
	struct target *s = priv(t)->ssh;
	int rc = rt ? s->ops->rename(s, rf, rt) : err;
	free(rf);
	free(rt);
	return rc;
}

static int sr_remove(struct target *t, const char *path)
{
	int err = 0;
	char *r = resolve_file(t, path, &err);
	struct target *s = priv(t)->ssh;
	int rc = r ? s->ops->remove(s, r) : err;
	free(r);
	return rc;
}

static int sr_sync_dir(struct target *t, const char *dir)
{
	int err = 0;
	char *r = resolve(t, dir, true, &err);
	struct target *s = priv(t)->ssh;
	int rc = r ? s->ops->sync_dir(s, r) : err;
	free(r);
	return rc;
}

/* ---- the journal's store, under DIR ---- */

/* A store path under DIR, never resolved: the store's operations refuse
 * any link on the way (DIR itself has none: it was resolved on connect). */
static char *store_path(struct target *t, const char *path)
{
	return xasprintf("%s%s", priv(t)->dir, path);
}

static int sr_store_open(struct target *t, const char *dir, bool create, char **cause)
{
	char *r = store_path(t, dir);
	struct target *s = priv(t)->ssh;
	int rc = s->ops->store_open(s, r, create, cause);
	free(r);
	return rc;
}

static int sr_store_mkdir(struct target *t, const char *dir, const char *name)
{
	char *r = store_path(t, dir);
	struct target *s = priv(t)->ssh;
	int rc = s->ops->store_mkdir(s, r, name);
	free(r);
	return rc;
}

static int sr_store_read(struct target *t, const char *path, size_t max, bool strict,
			 char **data, size_t *len)
{
	char *r = store_path(t, path);
	struct target *s = priv(t)->ssh;
	int rc = s->ops->store_read(s, r, max, strict, data, len);
	free(r);
	return rc;
}

static int sr_store_append(struct target *t, const char *path, const char *data, size_t len,
			   char **cause)
{
	char *r = store_path(t, path);
	struct target *s = priv(t)->ssh;
	int rc = s->ops->store_append(s, r, data, len, cause);
	free(r);
	return rc;
}

static int sr_store_create(struct target *t, const char *path, const char *data, size_t len,
			   char **cause)
{
	char *r = store_path(t, path);
	struct target *s = priv(t)->ssh;
	int rc = s->ops->store_create(s, r, data, len, cause);
	free(r);
	return rc;
}

static int sr_store_lock(struct target *t, const char *path, int wait_ms, void **held,
			 long *holder, char **cause)
{
	char *r = store_path(t, path);
	struct target *s = priv(t)->ssh;
	int rc = s->ops->store_lock(s, r, wait_ms, held, holder, cause);
	free(r);
	return rc;
}

static void sr_store_unlock(struct target *t, void *held)
{
	struct target *s = priv(t)->ssh;
	s->ops->store_unlock(s, held);
}

static int sr_host_mounts(struct target *t, char **text, size_t *len, char **path)
{
	return target_host_mounts(priv(t)->ssh, text, len, path);
}

/* The rescue machine's devices: the disk is one of them. */
static int sr_block_devices(struct target *t, struct blockdevs *out, char **source)
{
	return target_block_devices(priv(t)->ssh, out, source);
}

static const struct target_ops sroot_ops = {
	.read_file = sr_read_file,
	.list_dir = sr_list_dir,
	.stat = sr_stat,
	.statvfs = sr_statvfs,
	.realpath = sr_realpath,
	.run = sr_run,
	.open_stream = sr_open_stream,
	.stream_read = sr_stream_read,
	.stream_seek = sr_stream_seek,
	.stream_close = sr_stream_close,
	.lost = sr_lost,
	.destroy = sr_destroy,
	.write_new = sr_write_new,
	.rename = sr_rename,
	.remove = sr_remove,
	.sync_dir = sr_sync_dir,
	.store_open = sr_store_open,
	.store_mkdir = sr_store_mkdir,
	.store_read = sr_store_read,
	.store_append = sr_store_append,
	.store_create = sr_store_create,
	.store_lock = sr_store_lock,
	.store_unlock = sr_store_unlock,
	.host_mounts = sr_host_mounts,
	.block_devices = sr_block_devices,
};

/* ---- naming ---- */

/* "user@host:port/DIR": the machine, then the folder there (t->root,
 * "/" for the machine's own root, ends t->remote). */
static const char *sr_location(const struct target *t)
{
	return t->remote;
}

static char *sr_label(const struct target *t)
{
	if (!t->root || !t->remote)
		return xstrdup(t->name);
	char *host = xstrndup(t->remote, strlen(t->remote) - strlen(t->root));
	char *l = xasprintf(T("the mounted root %s on %s", "%2$s 上挂载的根目录 %1$s"), t->root,
			    host);
	free(host);
	return l;
}

/* Splits "user@host:port/DIR" at the folder's first '/' (after any
 * bracketed IPv6 address). */
static void sr_describe(struct target *t, const char *location)
{
	t->kind = TARGET_SSH_ROOT;
	t->os = TARGET_OS_LINUX;
	const char *loc = location ? location : t->name;
	const char *from = strrchr(loc, ']');
	const char *slash = strchr(from ? from : loc, '/');
	t->remote = slash ? xstrdup(loc) : xasprintf("%s/", loc);
	t->root = xstrdup(slash ? slash : "/");
}

static const char *sr_root_folder(const struct target *t)
{
	return t->root;
}

/* --target SPEC --root DIR, and --sudo when the login goes through it. */
static void sr_more_args(const struct target *t, struct strvec *out)
{
	if (!t->remote || !t->root)
		return;
	size_t sl = strlen(t->remote) - strlen(t->root);
	sv_push(out, "--target");
	sv_take(out, xstrndup(t->remote, sl));
	sv_push(out, "--root");
	sv_push(out, t->root);
	/* The login's own options that reach it as root (--sudo). */
	struct sroot_priv *p = t->ops == &sroot_ops ? t->priv : NULL;
	struct strvec more = { 0 };
	if (p)
		target_cli_args(p->ssh, &more);
	for (size_t i = 0; i < more.n; i++)
		if (strcmp(more.v[i], "--sudo") == 0)
			sv_push(out, more.v[i]);
	sv_free(&more);
}

static const char *sr_journal_dir(const struct target *t)
{
	(void)t;
	return TARGET_JOURNAL_DIR;
}

/* No open hook, as for a machine over SSH: a description names the
 * machine and the folder but not the login (keys, jump hosts, --sudo),
 * so nothing is reached from it alone. Nothing needs it: no guard runs
 * for a root that is not running (guard_strategy_for), and the wizard's
 * resume compares the saved description with the target the engineer's
 * options logged in to (target_same on the location, whose folder was
 * resolved on that machine), as for every kind. No canonical either: the
 * location of a target made here already holds that resolved folder. */
const struct target_kind_def target_kind_ssh_root = {
	.name = "ssh-root",
	.location = sr_location,
	.label = sr_label,
	.describe = sr_describe,
	.journal_dir = sr_journal_dir,
	.more_args = sr_more_args,
	.root_folder = sr_root_folder,
	.root_option = "--sudo",
};

struct target *target_ssh_root_new(struct target *ssh, const char *dir, char **cause)
{
	char *real = NULL;
	struct target_stat st;
	int rc = !dir || dir[0] != '/' ? -EINVAL : ssh->ops->realpath(ssh, dir, &real);
	if (rc == 0)
		rc = ssh->ops->stat(ssh, real, &st, true);
	if (rc == 0 && !S_ISDIR(st.mode))
		rc = -ENOTDIR;
	if (rc < 0) {
		const char *lost = target_lost(ssh);
		*cause = xasprintf(rc == -EINVAL ? "--root %s on %s: %s (an absolute path there)"
						 : "--root %s on %s: %s",
				   dir ? dir : "?", ssh->remote ? ssh->remote : ssh->name,
				   lost ? lost : rc == -ENOTDIR ? "not a folder" : strerror(-rc));
		free(real);
		target_free(ssh);
		return NULL;
	}
	struct target *t = xcalloc(1, sizeof *t);
	struct sroot_priv *p = xcalloc(1, sizeof *p);
	/* The machine's own "/" as a root: an empty prefix, as a local one. */
	p->dir = xstrdup(strcmp(real, "/") == 0 ? "" : real);
	p->spec = xstrdup(ssh->remote ? ssh->remote : ssh->name);
	p->ssh = ssh;
	t->priv = p;
	t->ops = &sroot_ops;
	t->def = &target_kind_ssh_root;
	t->kind = TARGET_SSH_ROOT;
	t->os = TARGET_OS_LINUX;
	t->root = xstrdup(*p->dir ? p->dir : "/");
	t->remote = xasprintf("%s%s", p->spec, t->root);
	t->name = xasprintf("mounted root %s on %s", *p->dir ? p->dir : "/", p->spec);
	/* As a local --root: the system on the disk is not running, nothing
	 * of it runs; asr-doctor writes its files and keeps its journal
	 * there; its sshd settings are judged on a copy assembled from its
	 * own files. */
	t->live = false;
	t->can_run = false;
	t->can_write = ssh->can_write;
	t->this_machine = false;
	t->offline = true;
	t->is_root = ssh->is_root;
	free(real);
	return t;
}
