/* target.c: what every target shares: wrappers and glob expansion. */
#include "engine/target/target.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/target/batch.h"
#include "engine/target/hostfs.h"
#include "engine/util/msg.h"
#include "engine/util/shquote.h"
#include "engine/util/winquote.h"

/* ---- a target known by its description ---- */

static int described_read(struct target *t, const char *path, char **data, size_t *len, size_t max)
{
	return -ENOTSUP;
}

static int described_list(struct target *t, const char *path, struct strvec *names)
{
	return -ENOTSUP;
}

static int described_stat(struct target *t, const char *path, struct target_stat *st, bool follow)
{
	return -ENOTSUP;
}

static int described_statvfs(struct target *t, const char *path, struct target_vfs *out)
{
	return -ENOTSUP;
}

static int described_realpath(struct target *t, const char *path, char **out)
{
	return -ENOTSUP;
}

static char *described_host_path(struct target *t, const char *path)
{
	return t->def->described_host_path ? t->def->described_host_path(t, path) : NULL;
}

static const struct target_ops described_ops = {
	.host_path = described_host_path,
	.read_file = described_read,
	.list_dir = described_list,
	.stat = described_stat,
	.statvfs = described_statvfs,
	.realpath = described_realpath,
};

/* The kinds a description can name: a new kind adds its line. */
static const struct target_kind_def *const kinds[] = {
	&target_kind_local,
	&target_kind_root,
	&target_kind_ssh,
	&target_kind_ssh_root,
};

/* The kind named kind_name, or NULL when this build knows none. */
static const struct target_kind_def *kind_named(const char *kind_name)
{
	/* An array of pointers counted by its element (a pointer).
	 * NOLINTNEXTLINE(bugprone-sizeof-expression) */
	for (size_t i = 0; kind_name && i < ARRAY_LEN(kinds); i++)
		if (strcmp(kinds[i]->name, kind_name) == 0)
			return kinds[i];
	return NULL;
}

struct target *target_described_new(const char *kind_name, const char *name, const char *location)
{
	struct target *t = xcalloc(1, sizeof *t);
	t->ops = &described_ops;
	t->def = kind_named(kind_name);
	if (!t->def)
		t->def = &target_kind_local;
	t->name = xstrdup(name ? name : "?");
	if (t->def->describe)
		t->def->describe(t, location);
	return t;
}

struct target *target_open_described(const char *kind_name, const char *location,
				     char **cause)
{
	const struct target_kind_def *d = kind_name ? kind_named(kind_name) : &target_kind_local;
	if (!d) {
		*cause = xasprintf(T("unknown kind of target '%s'", "未知的目标类型 '%s'"), kind_name);
		return NULL;
	}
	if (!d->open) {
		*cause = xasprintf(T("a target of kind '%s' cannot be reached again from its "
				     "description alone",
				     "类型为 '%s' 的目标无法仅凭其描述再次连接"),
				   d->name);
		return NULL;
	}
	return d->open(location, cause);
}

/* ---- naming a target ---- */

/* t's kind (a target made by hand without one: this machine's). */
static const struct target_kind_def *def_of(const struct target *t)
{
	return t->def ? t->def : &target_kind_local;
}

bool target_is_kind(const struct target *t, const char *kind_name)
{
	return t && kind_name && strcmp(def_of(t)->name, kind_name) == 0;
}

char *target_location_canonical(const struct target *t)
{
	const char *where = target_location(t);
	if (!where)
		return NULL;
	const struct target_kind_def *d = def_of(t);
	return d->canonical ? d->canonical(where) : xstrdup(where);
}

bool target_same(const struct target *a, const struct target *b)
{
	if (!a || !b || def_of(a) != def_of(b))
		return false;
	char *x = target_location_canonical(a), *y = target_location_canonical(b);
	bool same = (!x && !y) || (x && y && strcmp(x, y) == 0);
	free(x);
	free(y);
	return same;
}

const char *target_kind_name(const struct target *t)
{
	return def_of(t)->name;
}

const char *target_location(const struct target *t)
{
	const struct target_kind_def *d = def_of(t);
	return d->location ? d->location(t) : NULL;
}

char *target_label(const struct target *t)
{
	return def_of(t)->label(t);
}

const char *target_root_folder(const struct target *t)
{
	const struct target_kind_def *d = def_of(t);
	return d->root_folder ? d->root_folder(t) : NULL;
}

int target_host_mounts(struct target *t, char **text, size_t *len, char **path)
{
	*text = NULL;
	*path = NULL;
	*len = 0;
	if (!t->ops->host_mounts)
		return -ENOTSUP;
	return t->ops->host_mounts(t, text, len, path);
}

int target_block_devices(struct target *t, struct blockdevs *out, char **source)
{
	*source = NULL;
	if (!t->ops->block_devices)
		return -ENOTSUP;
	return t->ops->block_devices(t, out, source);
}

void target_cli_args(const struct target *t, struct strvec *out)
{
	if (t->cli_args) {
		for (char **a = t->cli_args; *a; a++)
			sv_push(out, *a);
		return;
	}
	const char *where = target_location(t);
	const char *opt = def_of(t)->cli_option;
	if (where && opt) {
		sv_push(out, opt);
		sv_push(out, where);
	}
	if (def_of(t)->more_args)
		def_of(t)->more_args(t, out);
}

const char *target_needs_root(const struct target *t)
{
	if (def_of(t)->root_option)
		return T("needs root: use --sudo", "需要 root 权限：请使用 --sudo");
	return T("needs root: run asr-doctor as root", "需要 root 权限：请以 root 身份运行 asr-doctor");
}

void target_set_cli_args(struct target *t, const char *const *argv)
{
	for (char **a = t->cli_args; a && *a; a++)
		free(*a);
	free(t->cli_args);
	t->cli_args = NULL;
	if (!argv)
		return;
	size_t n = 0;
	while (argv[n])
		n++;
	/* An array of pointers counted by its element (a pointer).
	 * NOLINTNEXTLINE(bugprone-sizeof-expression) */
	t->cli_args = xcalloc(n + 1, sizeof *t->cli_args);
	for (size_t i = 0; i < n; i++)
		t->cli_args[i] = xstrdup(argv[i]);
}

void target_free(struct target *t)
{
	if (!t)
		return;
	if (t->ops->destroy)
		t->ops->destroy(t);
	target_batch_free(t);
	target_set_cli_args(t, NULL);
	free(t->name);
	free(t->root);
	free(t->remote);
	free(t);
}

const char *target_lost(struct target *t)
{
	return t->ops->lost ? t->ops->lost(t) : NULL;
}

/* The wrappers below (reads, stat, statvfs, realpath, run) ask the batch
 * first (batch.c: a remote machine during a run of checks). */
int target_read(struct target *t, const char *path, char **data, size_t *len)
{
	size_t dummy;
	int err;
	if (target_batch_read(t, path, TARGET_READ_MAX, data, len ? len : &dummy, &err))
		return err;
	return t->ops->read_file(t, path, data, len ? len : &dummy, TARGET_READ_MAX);
}

int target_list(struct target *t, const char *path, struct strvec *names)
{
	int err;
	if (target_batch_list(t, path, names, &err))
		return err;
	return t->ops->list_dir(t, path, names);
}

int target_stat(struct target *t, const char *path, struct target_stat *st)
{
	int err;
	if (target_batch_stat(t, path, true, st, &err))
		return err;
	return t->ops->stat(t, path, st, true);
}

int target_lstat(struct target *t, const char *path, struct target_stat *st)
{
	int err;
	if (target_batch_stat(t, path, false, st, &err))
		return err;
	return t->ops->stat(t, path, st, false);
}

int target_statvfs(struct target *t, const char *path, struct target_vfs *out)
{
	int err;
	if (target_batch_statvfs(t, path, out, &err))
		return err;
	return t->ops->statvfs(t, path, out);
}

int target_realpath(struct target *t, const char *path, char **out)
{
	int err;
	if (target_batch_realpath(t, path, out, &err))
		return err;
	return t->ops->realpath(t, path, out);
}

bool target_exists(struct target *t, const char *path)
{
	struct target_stat st;
	return target_stat(t, path, &st) == 0;
}

int target_run(struct target *t, const char *const argv[], int timeout_ms, struct cmd_result *out)
{
	memset(out, 0, sizeof *out);
	out->status = -1;
	if (!t->can_run || !t->ops->run)
		return -ENOTSUP;
	int err;
	if (target_batch_run(t, argv, timeout_ms, out, &err))
		return err;
	return t->ops->run(t, argv, timeout_ms, out);
}

void cmd_result_free(struct cmd_result *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

char *target_host_path(struct target *t, const char *path)
{
	return t->ops->host_path ? t->ops->host_path(t, path) : NULL;
}

char *target_host_file(struct target *t, const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return NULL;
	char *dir = slash == path ? xstrdup("/") : xstrndup(path, (size_t)(slash - path));
	char *hdir = target_host_path(t, dir);
	free(dir);
	if (!hdir)
		return NULL;
	size_t hl = strlen(hdir);
	while (hl > 1 && hdir[hl - 1] == '/')
		hdir[--hl] = '\0';
	char *h = xasprintf("%s/%s", strcmp(hdir, "/") == 0 ? "" : hdir, slash + 1);
	free(hdir);
	return h;
}

size_t target_glob(struct target *t, const char *pattern, struct strvec *out)
{
	const char *slash = strrchr(pattern, '/');
	if (!slash)
		return 0;
	const char *base = slash + 1;
	if (!strpbrk(base, "*?[")) {
		if (target_exists(t, pattern)) {
			sv_push(out, pattern);
			return 1;
		}
		return 0;
	}
	char *dir = slash == pattern ? xstrdup("/") : xstrndup(pattern, (size_t)(slash - pattern));
	struct strvec names = { 0 };
	size_t found = 0;
	if (target_list(t, dir, &names) == 0) {
		for (size_t i = 0; i < names.n; i++) {
			/* Like the shell, a leading dot must be matched explicitly. */
			if (fnmatch(base, names.v[i], FNM_PERIOD) == 0) {
				sv_take(out, xasprintf("%s/%s", strcmp(dir, "/") == 0 ? "" : dir, names.v[i]));
				found++;
			}
		}
	}
	sv_free(&names);
	free(dir);
	return found;
}

/* ---- changing files ---- */

char *target_dir_of(const char *path)
{
	const char *s = strrchr(path, '/');
	if (!s || s == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(s - path));
}

char *target_temp_path(const char *path, const char *tag)
{
	const char *s = strrchr(path, '/');
	if (!s)
		return xasprintf(".%s.asr-doctor-%s.tmp", path, tag);
	return xasprintf("%.*s/.%s.asr-doctor-%s.tmp", (int)(s - path), path, s + 1, tag);
}

int target_write_new(struct target *t, const char *path, const char *tag, const char *data,
                     size_t len, mode_t mode, uid_t uid, gid_t gid, char **tmp, char **cause)
{
	*tmp = NULL;
	if (!t->can_write || !t->ops->write_new) {
		*cause = xasprintf(T("cannot write %s: %s", "无法写入 %s：%s"), path,
		                   strerror(ENOTSUP));
		return -ENOTSUP;
	}
	/* What a batch scope knows of the folder is no longer so. */
	target_batch_forget(t, path);
	return t->ops->write_new(t, path, tag, data, len, mode, uid, gid, tmp, cause);
}

int target_rename(struct target *t, const char *from, const char *to)
{
	if (!t->can_write || !t->ops->rename)
		return -ENOTSUP;
	target_batch_forget(t, from);
	target_batch_forget(t, to);
	return t->ops->rename(t, from, to);
}

int target_remove(struct target *t, const char *path)
{
	if (!t->can_write || !t->ops->remove)
		return -ENOTSUP;
	target_batch_forget(t, path);
	return t->ops->remove(t, path);
}

int target_may_change(struct target *t, const char *path, bool folder)
{
	return t->ops->may_change ? t->ops->may_change(t, path, folder) : 0;
}

bool target_can_own(const struct target *t, uid_t owner, uid_t current)
{
	if (t->is_root)
		return true;
	return owner == (t->writer_known ? t->writer_uid : current);
}

int target_sync_dir(struct target *t, const char *dir)
{
	if (!t->can_write || !t->ops->sync_dir)
		return -ENOTSUP;
	return t->ops->sync_dir(t, dir);
}

int target_replace(struct target *t, const char *path, const char *tag, const char *data,
                   size_t len, mode_t mode, uid_t uid, gid_t gid, char **cause)
{
	char *tmp = NULL;
	int rc = target_write_new(t, path, tag, data, len, mode, uid, gid, &tmp, cause);
	if (rc < 0)
		return rc;
	rc = target_rename(t, tmp, path);
	if (rc < 0) {
		*cause = xasprintf(T("cannot rename %s over %s: %s", "无法将 %s 重命名为 %s：%s"),
		                   tmp, path, strerror(-rc));
		target_remove(t, tmp);
		free(tmp);
		return rc;
	}
	free(tmp);
	char *dir = target_dir_of(path);
	rc = target_sync_dir(t, dir);
	if (rc < 0)
		*cause = xasprintf(T("cannot fsync the folder %s: %s", "无法 fsync 文件夹 %s：%s"),
		                   dir, strerror(-rc));
	free(dir);
	return rc;
}

int target_remove_durably(struct target *t, const char *path, char **cause)
{
	int rc = target_remove(t, path);
	if (rc < 0 && rc != -ENOENT) {
		*cause = xasprintf(T("cannot remove %s: %s", "无法删除 %s：%s"), path,
		                   strerror(-rc));
		return rc;
	}
	char *dir = target_dir_of(path);
	rc = target_sync_dir(t, dir);
	if (rc < 0)
		*cause = xasprintf(T("cannot fsync the folder %s: %s", "无法 fsync 文件夹 %s：%s"),
		                   dir, strerror(-rc));
	free(dir);
	return rc;
}

/* ---- what a change reads, and the journal's place ---- */

int target_read_exact(struct target *t, const char *path, size_t max, char **data, size_t *len)
{
	*data = NULL;
	*len = 0;
	char *host = target_host_file(t, path);
	if (host) {
		int rc = hostfs_read(host, max, data, len);
		free(host);
		return rc;
	}
	if (target_has_host_paths(t))
		return -ENOTDIR; /* its folder cannot be reached */
	struct target_stat st;
	int rc = t->ops->stat(t, path, &st, false);
	if (rc < 0)
		return rc;
	if (!S_ISREG(st.mode))
		return -EINVAL;
	return t->ops->read_file(t, path, data, len, max);
}

bool target_has_host_paths(struct target *t)
{
	char *h = target_host_path(t, "/");
	bool has = h != NULL;
	free(h);
	return has;
}

bool target_keeps_journal(struct target *t)
{
	return t && (t->can_write || t->store_only) && t->ops->store_open &&
	       !target_has_host_paths(t);
}

const char *target_journal_dir(const struct target *t)
{
	if (t && t->def && t->def->journal_dir)
		return t->def->journal_dir(t);
	return TARGET_JOURNAL_DIR;
}

char *target_cmdline(const struct target *t, const char *const argv[])
{
	char *line = t && t->os == TARGET_OS_WINDOWS ? win_cmdline(argv, true) : NULL;
	return line ? line : argv_shell_join(argv);
}
