/* journal.c: the journal folder (JSON lines with cJSON, backups, the lock)
 * and closing entries a crash left unfinished. A store only: undo and
 * recovery plans are made above it (engine/undo.c) and carried out by the
 * one executor (apply.c). */
#include "engine/change/journal.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine/change/undocmd.h"
#include "engine/target/hostfs.h"
#include "engine/util/msg.h"

#define JOURNAL_FILE JOURNAL_FILE_NAME
/* Command output kept in the journal. */
#define JOURNAL_OUTPUT_MAX 4096
/* Largest journal file read. */
#define JOURNAL_READ_MAX (256u * 1024 * 1024)

/* The default journal folder of a target: its own path, found as the
 * target maps it to this machine (inside a mounted root, links resolved
 * there; on a Windows volume names matched in any case). */
char *journal_default_dir(const struct target *t)
{
	if (!t)
		return xstrdup(JOURNAL_DEFAULT_DIR);
	const char *path = target_journal_dir(t);
	/* Kept on the machine through the target: a path there. */
	if (target_keeps_journal((struct target *)t))
		return xstrdup(path);
	/* The target's own mapping (a target known by its description: where
	 * it was); it reads the folders only. */
	char *host = target_host_path((struct target *)t, path);
	return host ? host : xstrdup(path);
}

/* path with the links of its longest existing part resolved (this
 * machine's own, named by the engineer); caller frees. */
static char *resolve_existing(const char *path)
{
	char *p = xstrdup(path);
	size_t len = strlen(p);
	for (;;) {
		char *r = realpath(p, NULL);
		if (r) {
			char *out = !path[len] ? xstrdup(r)
			                       : xasprintf("%s%s", strcmp(r, "/") == 0 ? "" : r,
			                                   path + len);
			free(r);
			free(p);
			return out;
		}
		char *slash = strrchr(p, '/');
		if (!slash || slash == p) {
			free(p);
			return xstrdup(path);
		}
		*slash = '\0';
		len = (size_t)(slash - p);
	}
}

/* The journal folder from --journal or the default. */
char *journal_dir_for(const char *option, const struct target *t)
{
	if (!option || !*option)
		return journal_default_dir(t);
	/* A folder of the machine kept through the target: as named. */
	if (t && target_keeps_journal((struct target *)t))
		return xstrdup(option);
	if (option[0] == '/')
		return resolve_existing(option);
	char *cwd = getcwd(NULL, 0);
	char *abs = xasprintf("%s/%s", cwd ? cwd : "", option);
	free(cwd);
	char *r = resolve_existing(abs);
	free(abs);
	return r;
}

/* The current time as ISO 8601 UTC. */
char *journal_now(void)
{
	time_t now = time(NULL);
	struct tm tm;
	char buf[32];
	gmtime_r(&now, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return xstrdup(buf);
}

static const char *const outcome_names[] = {
	[JOURNAL_UNFINISHED] = "unfinished",   [JOURNAL_APPLIED] = "applied",
	[JOURNAL_ROLLED_BACK] = "rolled_back", [JOURNAL_FAILED] = "failed",
	[JOURNAL_UNDONE] = "undone",           [JOURNAL_INTERRUPTED] = "interrupted",
};

/* The stable name of an outcome, as stored. */
const char *journal_outcome_name(enum journal_outcome o)
{
	return (size_t)o < ARRAY_LEN(outcome_names) ? outcome_names[o] : "unfinished";
}

/* The name of an outcome in the user's language. */
const char *journal_outcome_text(enum journal_outcome o)
{
	switch (o) {
	case JOURNAL_APPLIED:
		return T("applied", "已应用");
	case JOURNAL_ROLLED_BACK:
		return T("rolled back", "已回滚");
	case JOURNAL_FAILED:
		return T("failed", "失败");
	case JOURNAL_UNDONE:
		return T("undone", "已撤销");
	case JOURNAL_INTERRUPTED:
		return T("interrupted", "中断");
	case JOURNAL_UNFINISHED:
	default:
		return T("unfinished", "未完成");
	}
}

/* Parses a stored outcome name; -1 when unknown. */
static int outcome_from_name(const char *s)
{
	for (size_t i = 0; s && i < ARRAY_LEN(outcome_names); i++)
		if (strcmp(outcome_names[i], s) == 0)
			return (int)i;
	return -1;
}

/* ---- entries ---- */

/* Frees an entry's contents and zeroes it. */
void journal_entry_clear(struct journal_entry *e)
{
	free(e->id);
	free(e->time);
	free(e->end_time);
	free(e->target);
	free(e->target_kind);
	free(e->anchor);
	sv_free(&e->checks);
	free(e->fix_id);
	free(e->title);
	free(e->undoes);
	free(e->undone_by);
	free(e->ssh_connection);
	free(e->service);
	free(e->undo_text);
	for (size_t i = 0; i < e->nfiles; i++) {
		struct journal_file *f = &e->files[i];
		free(f->path);
		free(f->real_path);
		free(f->backup);
		free(f->tmp_path);
		argv_free(f->validator);
	}
	free(e->files);
	for (size_t i = 0; i < e->ncmds; i++) {
		argv_free(e->cmds[i].argv);
		argv_free(e->cmds[i].inverse);
		free(e->cmds[i].output);
		free(e->cmds[i].note);
	}
	free(e->cmds);
	free(e->message);
	free(e->validator_output);
	free(e->guard_result);
	free(e->guard_message);
	free(e->guard_host);
	memset(e, 0, sizeof *e);
}

/* ---- JSON helpers ---- */

static void put_str(cJSON *o, const char *k, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

/* An argv as a JSON array of strings. */
static cJSON *argv_json(char *const *argv)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; argv && argv[i]; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(argv[i]));
	return a;
}

/* A string member, copied, or NULL. */
static char *get_str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) && v->valuestring ? xstrdup(v->valuestring) : NULL;
}

/* A number member, or def. */
static long long get_num(const cJSON *o, const char *k, long long def)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	long long n;
	/* Out of range (a damaged line) reads as missing. */
	return cJSON_IsNumber(v) && util_num_in_range(v->valuedouble, -(1LL << 53), 1LL << 53, &n) ? n : def;
}

/* Whether a member is true. */
static bool get_bool(const cJSON *o, const char *k)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, k));
}

/* A JSON array of strings as an argv (caller frees), or NULL. */
static char **get_argv(const cJSON *a)
{
	if (!cJSON_IsArray(a))
		return NULL;
	int n = cJSON_GetArraySize(a);
	char **v = xcalloc((size_t)n + 1, sizeof *v);
	int k = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, a)
	{
		if (cJSON_IsString(it))
			v[k++] = xstrdup(it->valuestring);
	}
	return v;
}

/* Copies a 64-digit hash member into dst ("" when missing or malformed). */
static void copy_hex(char dst[SHA256_HEX_LEN + 1], const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	dst[0] = '\0';
	if (cJSON_IsString(v) && strlen(v->valuestring) == SHA256_HEX_LEN)
		memcpy(dst, v->valuestring, SHA256_HEX_LEN + 1);
}

/* ---- reading ---- */

static struct journal_entry *find_entry(struct journal *j, const char *id)
{
	for (size_t i = 0; i < j->n; i++)
		if (strcmp(j->entries[i].id, id) == 0)
			return &j->entries[i];
	return NULL;
}

/* Adds the entry a "started" record describes. */
static void read_started(struct journal *j, const cJSON *r, const char *id)
{
	if (find_entry(j, id))
		return;
	j->entries = xrealloc(j->entries, (j->n + 1) * sizeof *j->entries);
	struct journal_entry *e = &j->entries[j->n++];
	memset(e, 0, sizeof *e);
	e->id = xstrdup(id);
	e->time = get_str(r, "time");
	e->pid = (long)get_num(r, "pid", 0);
	e->target = get_str(r, "target");
	e->target_kind = get_str(r, "target_kind");
	e->anchor = get_str(r, "anchor");
	const cJSON *it;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(r, "checks"))
	{
		if (cJSON_IsString(it))
			sv_push(&e->checks, it->valuestring);
	}
	e->fix_id = get_str(r, "fix");
	e->title = get_str(r, "title");
	e->undoes = get_str(r, "undoes");
	e->ssh_connection = get_str(r, "ssh_connection");
	e->service = get_str(r, "service");
	e->undo_text = get_str(r, "undo_text");
	const cJSON *files = cJSON_GetObjectItemCaseSensitive(r, "files");
	int nf = cJSON_IsArray(files) ? cJSON_GetArraySize(files) : 0;
	e->files = xcalloc((size_t)nf + 1, sizeof *e->files);
	cJSON_ArrayForEach(it, files)
	{
		struct journal_file *f = &e->files[e->nfiles];
		f->path = get_str(it, "path");
		f->real_path = get_str(it, "real_path");
		if (!f->path || !f->real_path) {
			free(f->path);
			free(f->real_path);
			memset(f, 0, sizeof *f);
			continue;
		}
		f->backup = get_str(it, "backup");
		f->tmp_path = get_str(it, "tmp");
		f->existed = get_bool(it, "existed");
		char *mode = get_str(it, "mode");
		f->mode = mode ? (unsigned)strtoul(mode, NULL, 8) & 07777 : 0644;
		free(mode);
		f->uid = (unsigned)get_num(it, "uid", 0);
		f->gid = (unsigned)get_num(it, "gid", 0);
		copy_hex(f->sha_before, it, "sha256_before");
		f->exists_after = get_bool(it, "exists_after");
		copy_hex(f->sha_after, it, "sha256_after");
		f->validator = get_argv(cJSON_GetObjectItemCaseSensitive(it, "validator"));
		e->nfiles++;
	}
	const cJSON *cmds = cJSON_GetObjectItemCaseSensitive(r, "commands");
	int nc = cJSON_IsArray(cmds) ? cJSON_GetArraySize(cmds) : 0;
	e->cmds = xcalloc((size_t)nc + 1, sizeof *e->cmds);
	cJSON_ArrayForEach(it, cmds)
	{
		struct journal_cmd *c = &e->cmds[e->ncmds++];
		c->argv = get_argv(cJSON_GetObjectItemCaseSensitive(it, "argv"));
		if (!c->argv)
			c->argv = xcalloc(1, sizeof *c->argv);
		c->inverse = get_argv(cJSON_GetObjectItemCaseSensitive(it, "inverse"));
		c->confirm = get_bool(it, "confirm");
		c->rerun_on_undo = get_bool(it, "rerun_on_undo");
		char *ph = get_str(it, "phase");
		c->before = ph && strcmp(ph, "before") == 0;
		free(ph);
		c->status = -1;
	}
	e->outcome = JOURNAL_UNFINISHED;
}

/* Applies a "finished" record to its entry. */
static void read_finished(struct journal *j, const cJSON *r, const char *id)
{
	struct journal_entry *e = find_entry(j, id);
	if (!e)
		return;
	char *o = get_str(r, "outcome");
	int oc = outcome_from_name(o);
	free(o);
	e->outcome = oc < 0 ? JOURNAL_FAILED : (enum journal_outcome)oc;
	e->changed = get_bool(r, "changed");
	free(e->end_time);
	e->end_time = get_str(r, "time");
	free(e->message);
	e->message = get_str(r, "message");
	free(e->validator_output);
	e->validator_output = get_str(r, "validator_output");
	const cJSON *it;
	size_t k = 0;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(r, "commands"))
	{
		if (k >= e->ncmds)
			break;
		struct journal_cmd *c = &e->cmds[k++];
		c->ran = get_bool(it, "ran");
		c->status = (int)get_num(it, "status", -1);
		free(c->output);
		c->output = get_str(it, "output");
		free(c->note);
		c->note = get_str(it, "note");
	}
}

/* Applies one record of any kind. */
static void read_record(struct journal *j, const cJSON *r)
{
	char *kind = get_str(r, "record");
	char *id = get_str(r, "id");
	if (!kind || !id)
		j->damaged++;
	else if (strcmp(kind, "started") == 0)
		read_started(j, r, id);
	else if (strcmp(kind, "finished") == 0)
		read_finished(j, r, id);
	else if (strcmp(kind, "guard") == 0) {
		struct journal_entry *e = find_entry(j, id);
		if (e) {
			e->guard_pid = (long)get_num(r, "pid", 0);
			e->guard_deadline = get_num(r, "deadline", 0);
			free(e->guard_host);
			e->guard_host = get_str(r, "host");
		}
	} else if (strcmp(kind, "guard_end") == 0) {
		struct journal_entry *e = find_entry(j, id);
		if (e) {
			free(e->guard_result);
			e->guard_result = get_str(r, "result");
			free(e->guard_message);
			e->guard_message = get_str(r, "message");
		}
	}
	free(kind);
	free(id);
}

/* Frees the loaded entries. */
static void entries_free(struct journal *j)
{
	for (size_t i = 0; i < j->n; i++)
		journal_entry_clear(&j->entries[i]);
	free(j->entries);
	j->entries = NULL;
	j->n = 0;
	j->damaged = 0;
}

/* Reads every record of the journal file again. */
int journal_reload(struct journal *j, char **cause)
{
	entries_free(j);
	char *path = xasprintf("%s/%s", j->dir, JOURNAL_FILE);
	char *text = NULL;
	size_t tlen = 0;
	int rc = j->place->ops->store_read(j->place, path, JOURNAL_READ_MAX, false, &text, &tlen);
	free(path);
	if (rc < 0) {
		if (rc == -ENOENT)
			return 0;
		if (cause)
			*cause = xasprintf(
			        T("cannot read the journal %s/%s: %s", "无法读取日志 %s/%s：%s"),
			        j->dir, JOURNAL_FILE, strerror(-rc));
		return rc;
	}
	struct sbuf b = { .s = text, .len = tlen };
	char *s = b.s;
	while (s && *s) {
		char *nl = strchr(s, '\n');
		if (nl)
			*nl = '\0';
		if (*s) {
			cJSON *r = cJSON_Parse(s);
			if (cJSON_IsObject(r))
				read_record(j, r);
			else
				j->damaged++;
			cJSON_Delete(r);
		}
		if (!nl)
			break;
		s = nl + 1;
	}
	sb_free(&b);
	/* Link undo entries to what they undid. */
	for (size_t i = 0; i < j->n; i++) {
		struct journal_entry *u = &j->entries[i];
		if (!u->undoes || u->outcome != JOURNAL_UNDONE)
			continue;
		struct journal_entry *e = find_entry(j, u->undoes);
		if (e && !e->undone_by)
			e->undone_by = xstrdup(u->id);
	}
	return 0;
}

/* Opens (and maybe creates) the journal folder dir of place (NULL: this
 * machine, through fs) and reads it. */
static int open_at(struct target *place, const char *dir, const struct apply_fs *fs, bool create,
                   struct journal **out, char **cause)
{
	*out = NULL;
	if (!fs)
		fs = &apply_fs_real;
	if (!dir || dir[0] != '/') {
		*cause = xasprintf(T("the journal folder must be an absolute path: %s",
		                     "日志文件夹必须是绝对路径：%s"),
		                   dir ? dir : "(none)");
		return -EINVAL;
	}
	/* The folder itself, and every folder above it, must be a folder,
	 * never a link (a mounted root's journal is resolved inside it
	 * first, see journal_default_dir). */
	struct target *own = NULL;
	if (!place) {
		/* This machine's own files, through the seam fs. */
		place = own = target_local_new();
		hostfs_target_seam(own, fs);
	}
	int dfd = place->ops->store_open(place, dir, create, cause);
	if (dfd == -ENOENT && !create) {
		free(*cause);
		*cause = NULL;
	} else if (dfd < 0) {
		target_free(own);
		return dfd;
	}
	struct journal *j = xcalloc(1, sizeof *j);
	j->dir = xstrdup(dir);
	j->place = place;
	j->own_place = own != NULL;
	j->fs = fs;
	int rc = journal_reload(j, cause);
	if (rc < 0) {
		journal_close(j);
		return rc;
	}
	*out = j;
	return 0;
}

int journal_open(const char *dir, const struct apply_fs *fs, bool create, struct journal **out,
                 char **cause)
{
	return open_at(NULL, dir, fs, create, out, cause);
}

int journal_open_for(struct target *t, const char *dir, const struct apply_fs *fs, bool create,
                     struct journal **out, char **cause)
{
	return open_at(target_keeps_journal(t) ? t : NULL, dir, fs, create, out, cause);
}

/* Reads a journal without creating or locking it. */
int journal_list(const char *dir, struct journal **out, char **cause)
{
	return journal_open(dir, NULL, false, out, cause);
}

int journal_list_for(struct target *t, const char *dir, struct journal **out, char **cause)
{
	return journal_open_for(t, dir, NULL, false, out, cause);
}

/* Takes the journal's lock and rereads the records. */
int journal_lock(struct journal *j, int wait_ms, char **cause)
{
	if (j->held)
		return 0;
	char *path = xasprintf("%s/lock", j->dir);
	long pid = 0;
	char *c = NULL;
	int rc = j->place->ops->store_lock(j->place, path, wait_ms, &j->held, &pid, &c);
	free(path);
	if (rc == -EWOULDBLOCK) {
		const char *where = j->own_place ? NULL : target_location(j->place);
		if (c) {
			/* The store says who holds it (a lock file on the
			 * machine, whose holder runs elsewhere). */
			*cause = xasprintf(T("another asr-doctor is changing %s: the lock is %s; wait "
			                     "for it to finish",
			                     "另一个 asr-doctor 正在修改 %s：锁%s；请等待其完成"),
			                   where ? where : T("this machine", "此机器"), c);
			free(c);
			return -EWOULDBLOCK;
		}
		if (where)
			*cause = pid > 0 ? xasprintf(T("another asr-doctor (pid %ld on %s) is changing "
			                               "that machine; wait for it to finish",
			                               "另一个 asr-doctor（%2$s 上的 pid "
			                               "%1$ld）正在修改该机器；请等待其完成"),
			                             pid, where)
			                 : xasprintf(T("another asr-doctor is changing %s; wait for it "
			                               "to finish",
			                               "另一个 asr-doctor 正在修改 %s；请等待其完成"),
			                             where);
		else
			*cause = pid > 0 ? xasprintf(T("another asr-doctor (pid %ld) is changing "
			                               "this machine; "
			                               "wait for it to finish",
			                               "另一个 asr-doctor（pid "
			                               "%ld）正在修改此机器；请等待其完成"),
			                             pid)
			                 : xstrdup(T("another asr-doctor is changing this machine; "
			                             "wait for it to finish",
			                             "另一个 asr-doctor "
			                             "正在修改此机器；请等待其完成"));
		return -EWOULDBLOCK;
	}
	if (rc < 0) {
		*cause = c ? c : xasprintf(T("cannot lock the journal: %s", "无法锁定日志：%s"),
		                           strerror(-rc));
		return rc;
	}
	/* What was read before may be stale: others wrote until now. */
	return journal_reload(j, cause);
}

/* Releases the lock and frees the journal. */
void journal_close(struct journal *j)
{
	if (!j)
		return;
	if (j->held)
		j->place->ops->store_unlock(j->place, j->held);
	entries_free(j);
	if (j->own_place)
		target_free(j->place);
	free(j->dir);
	free(j);
}

/* ---- writing ---- */

/* Appends one line. On failure the file is cut back to where it was, so a
 * reader never sees half a record from us (a crash can still leave a torn
 * last line, which the reader skips and the next append starts after). */
static int append_line(struct journal *j, const char *line, char **cause)
{
	char *path = xasprintf("%s/%s", j->dir, JOURNAL_FILE);
	char *l = xasprintf("%s\n", line);
	int rc = j->place->ops->store_append(j->place, path, l, strlen(l), cause);
	free(l);
	free(path);
	return rc;
}

/* Appends a record (taking it) as one line. */
static int append_json(struct journal *j, cJSON *r, char **cause)
{
	char *s = cJSON_PrintUnformatted(r);
	cJSON_Delete(r);
	if (!s) {
		*cause = xstrdup("out of memory");
		return -ENOMEM;
	}
	int rc = append_line(j, s, cause);
	cJSON_free(s);
	return rc;
}

/* Appends the "started" record of an entry. */
int journal_record_start(struct journal *j, const struct journal_entry *e, char **cause)
{
	cJSON *r = cJSON_CreateObject();
	put_str(r, "record", "started");
	put_str(r, "id", e->id);
	put_str(r, "time", e->time);
	cJSON_AddNumberToObject(r, "pid", (double)e->pid);
	put_str(r, "target", e->target);
	put_str(r, "target_kind", e->target_kind);
	put_str(r, "anchor", e->anchor);
	cJSON *checks = cJSON_AddArrayToObject(r, "checks");
	for (size_t i = 0; i < e->checks.n; i++)
		cJSON_AddItemToArray(checks, cJSON_CreateString(e->checks.v[i]));
	put_str(r, "fix", e->fix_id);
	put_str(r, "title", e->title);
	put_str(r, "undoes", e->undoes);
	put_str(r, "ssh_connection", e->ssh_connection);
	put_str(r, "service", e->service);
	put_str(r, "undo_text", e->undo_text);
	cJSON *files = cJSON_AddArrayToObject(r, "files");
	for (size_t i = 0; i < e->nfiles; i++) {
		const struct journal_file *f = &e->files[i];
		cJSON *o = cJSON_CreateObject();
		put_str(o, "path", f->path);
		put_str(o, "real_path", f->real_path);
		put_str(o, "backup", f->backup);
		put_str(o, "tmp", f->tmp_path);
		cJSON_AddBoolToObject(o, "existed", f->existed);
		char mode[16];
		snprintf(mode, sizeof mode, "%04o", f->mode & 07777);
		put_str(o, "mode", mode);
		cJSON_AddNumberToObject(o, "uid", f->uid);
		cJSON_AddNumberToObject(o, "gid", f->gid);
		put_str(o, "sha256_before", f->existed ? f->sha_before : NULL);
		cJSON_AddBoolToObject(o, "exists_after", f->exists_after);
		put_str(o, "sha256_after", f->exists_after ? f->sha_after : NULL);
		if (f->validator)
			cJSON_AddItemToObject(o, "validator", argv_json(f->validator));
		cJSON_AddItemToArray(files, o);
	}
	cJSON *cmds = cJSON_AddArrayToObject(r, "commands");
	for (size_t i = 0; i < e->ncmds; i++) {
		const struct journal_cmd *c = &e->cmds[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddItemToObject(o, "argv", argv_json(c->argv));
		if (c->inverse)
			cJSON_AddItemToObject(o, "inverse", argv_json(c->inverse));
		put_str(o, "phase", c->before ? "before" : "after");
		cJSON_AddBoolToObject(o, "confirm", c->confirm);
		cJSON_AddBoolToObject(o, "rerun_on_undo", c->rerun_on_undo);
		cJSON_AddItemToArray(cmds, o);
	}
	return append_json(j, r, cause);
}

/* Appends the "finished" record of an entry. */
int journal_record_end(struct journal *j, const struct journal_entry *e, char **cause)
{
	cJSON *r = cJSON_CreateObject();
	put_str(r, "record", "finished");
	put_str(r, "id", e->id);
	char *now = e->end_time ? NULL : journal_now();
	put_str(r, "time", e->end_time ? e->end_time : now);
	free(now);
	put_str(r, "outcome", journal_outcome_name(e->outcome));
	if (e->changed)
		cJSON_AddTrueToObject(r, "changed");
	put_str(r, "message", e->message);
	put_str(r, "validator_output", e->validator_output);
	cJSON *cmds = cJSON_AddArrayToObject(r, "commands");
	for (size_t i = 0; i < e->ncmds; i++) {
		const struct journal_cmd *c = &e->cmds[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddBoolToObject(o, "ran", c->ran);
		cJSON_AddNumberToObject(o, "status", c->status);
		char *out = NULL;
		if (c->output && strlen(c->output) > JOURNAL_OUTPUT_MAX)
			out = xstrndup(c->output, JOURNAL_OUTPUT_MAX);
		put_str(o, "output", out ? out : c->output);
		free(out);
		put_str(o, "note", c->note);
		cJSON_AddItemToArray(cmds, o);
	}
	return append_json(j, r, cause);
}

/* Appends the record of a started guard. */
int journal_record_guard(struct journal *j, const char *id, long pid, long long deadline,
                         const char *host, char **cause)
{
	cJSON *r = cJSON_CreateObject();
	put_str(r, "record", "guard");
	put_str(r, "id", id);
	char *now = journal_now();
	put_str(r, "time", now);
	free(now);
	cJSON_AddNumberToObject(r, "pid", (double)pid);
	cJSON_AddNumberToObject(r, "deadline", (double)deadline);
	put_str(r, "host", host);
	return append_json(j, r, cause);
}

/* Appends the record of a guard's result. */
int journal_record_guard_end(struct journal *j, const char *id, const char *result,
                             const char *message, char **cause)
{
	cJSON *r = cJSON_CreateObject();
	put_str(r, "record", "guard_end");
	put_str(r, "id", id);
	char *now = journal_now();
	put_str(r, "time", now);
	free(now);
	put_str(r, "result", result);
	put_str(r, "message", message);
	return append_json(j, r, cause);
}

/* Picks the next entry id and creates its backups folder. */
char *journal_new_entry(struct journal *j, char **cause)
{
	long next = 1;
	for (size_t i = 0; i < j->n; i++) {
		long v;
		if (str_to_long(j->entries[i].id, &v) && v >= next)
			next = v + 1;
	}
	struct target *pl = j->place;
	char *bdir = xasprintf("%s/backups", j->dir);
	int rc = pl->ops->store_open(pl, bdir, true, cause);
	if (rc < 0) {
		free(bdir);
		return NULL;
	}
	for (int tries = 0; tries < 1000; tries++, next++) {
		char name[32];
		snprintf(name, sizeof name, "%ld", next);
		rc = pl->ops->store_mkdir(pl, bdir, name);
		if (rc == 0) {
			if ((rc = pl->ops->sync_dir(pl, bdir)) < 0) {
				*cause = xasprintf(T("cannot fsync %s: %s", "无法 fsync %s：%s"),
				                   bdir, strerror(-rc));
				free(bdir);
				return NULL;
			}
			free(bdir);
			return xstrdup(name);
		}
		if (rc != -EEXIST) {
			*cause = xasprintf(T("cannot create a backup folder in %s: %s",
			                     "无法在 %s 中创建备份文件夹：%s"),
			                   bdir, strerror(-rc));
			free(bdir);
			return NULL;
		}
	}
	*cause = xasprintf(T("cannot create a backup folder in %s", "无法在 %s 中创建备份文件夹"),
	                   bdir);
	free(bdir);
	return NULL;
}

int journal_write_backup(struct journal *j, const char *rel, const char *data, size_t len,
                         char **cause)
{
	char *path = xasprintf("%s/%s", j->dir, rel);
	int rc = j->place->ops->store_create(j->place, path, data, len, cause);
	free(path);
	return rc;
}

int journal_sync_backups(struct journal *j, const char *id, char **cause)
{
	char *bdir = xasprintf("%s/backups/%s", j->dir, id);
	int rc = j->place->ops->sync_dir(j->place, bdir);
	if (rc < 0)
		*cause = xasprintf(T("cannot fsync %s: %s", "无法 fsync %s：%s"), bdir,
		                   strerror(-rc));
	free(bdir);
	return rc;
}

long long journal_free_bytes(struct journal *j)
{
	struct target_vfs v;
	if (j->place->ops->statvfs(j->place, j->dir, &v) < 0)
		return -1;
	return (long long)(j->place->is_root ? v.free : v.avail);
}

/* The id journal_new_entry gives next (see journal.h). */
char *journal_next_id_for(struct target *t, const char *dir)
{
	struct journal *j = NULL;
	char *cause = NULL;
	long next = 1;
	if (journal_list_for(t, dir, &j, &cause) == 0) {
		for (size_t i = 0; i < j->n; i++) {
			long v;
			if (str_to_long(j->entries[i].id, &v) && v >= next)
				next = v + 1;
		}
		for (int tries = 0; tries < 1000; tries++, next++) {
			char *b = xasprintf("%s/backups/%ld", dir, next);
			struct target_stat st;
			bool taken = j->place->ops->stat(j->place, b, &st, false) == 0;
			free(b);
			if (!taken)
				break;
		}
		journal_close(j);
	}
	free(cause);
	return xasprintf("%ld", next);
}

char *journal_next_id(const char *dir)
{
	return journal_next_id_for(NULL, dir);
}

/* ---- looking up ---- */

/* Whether a command of e that ran recorded an inverse. */
bool journal_has_inverse(const struct journal_entry *e)
{
	for (size_t i = 0; i < e->ncmds; i++)
		if (e->cmds[i].inverse && e->cmds[i].ran)
			return true;
	return false;
}

/* Whether an entry changed something undo can put back. */
static bool undoable(const struct journal_entry *e)
{
	/* A change its guard put back (not confirmed in time) is undone,
	 * whether the guard made an undo entry (this machine's) or put the
	 * files back itself (a remote machine's). */
	bool reverted = e->guard_result && strcmp(e->guard_result, "reverted") == 0;
	return !e->undoes && !e->undone_by && !reverted &&
	       (e->nfiles > 0 || journal_has_inverse(e)) &&
	       (e->outcome == JOURNAL_APPLIED || e->outcome == JOURNAL_INTERRUPTED ||
	        e->outcome == JOURNAL_UNFINISHED || e->changed);
}

/* Finds an entry by id, or the latest one undo can act on. */
const struct journal_entry *journal_get(const struct journal *j, const char *which)
{
	if (!which || strcmp(which, "latest") == 0) {
		for (size_t i = j->n; i-- > 0;)
			if (undoable(&j->entries[i]))
				return &j->entries[i];
		return NULL;
	}
	for (size_t i = 0; i < j->n; i++)
		if (strcmp(j->entries[i].id, which) == 0)
			return &j->entries[i];
	return NULL;
}

/* Whether pid is a live process (a guard). */
static bool pid_alive(long pid)
{
	return pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

/* Whether the guard of e still runs, asked where it runs. */
bool journal_guard_alive(const struct journal *j, const struct journal_entry *e)
{
	if (!e->guard_pid)
		return false;
	if (!j->place || j->place->this_machine)
		return pid_alive(e->guard_pid);
	if (j->place->live && j->place->os == TARGET_OS_LINUX) {
		char *path = xasprintf("/proc/%ld", e->guard_pid);
		struct target_stat st;
		int rc = target_stat(j->place, path, &st);
		free(path);
		/* A link that fails cannot tell: the guard may well run. */
		return rc != -ENOENT;
	}
	return (long long)time(NULL) < e->guard_deadline;
}

/* The entry whose guard still waits, if any. */
const struct journal_entry *journal_guard_waiting(const struct journal *j)
{
	for (size_t i = 0; i < j->n; i++) {
		const struct journal_entry *e = &j->entries[i];
		if (e->guard_pid && !e->guard_result && journal_guard_alive(j, e))
			return e;
	}
	return NULL;
}

/* Compares what a file holds now with the hashes of an entry. */
enum journal_fstate journal_file_state(struct target *t, const struct journal_file *f)
{
	char *data = NULL;
	size_t len = 0;
	int rc = target_read_exact(t, f->real_path, PLAN_BINARY_MAX, &data, &len);
	if (rc == -ENOENT) {
		if (!f->exists_after)
			return JFILE_AFTER;
		if (!f->existed)
			return JFILE_BEFORE;
		return JFILE_MISSING;
	}
	if (rc < 0)
		return JFILE_OTHER;
	char hex[SHA256_HEX_LEN + 1];
	sha256_hex(data, len, hex);
	free(data);
	if (f->exists_after && strcmp(hex, f->sha_after) == 0)
		return JFILE_AFTER;
	if (f->existed && strcmp(hex, f->sha_before) == 0)
		return JFILE_BEFORE;
	return JFILE_OTHER;
}

/* Whether an entry was made on the same kind of target as t. */
bool journal_same_kind(const struct journal_entry *e, const struct target *t)
{
	return target_is_kind(t, e->target_kind);
}

/* Whether a relative path stays inside its folder: not absolute, no
 * empty, "." or ".." component. */
bool journal_inside_path(const char *rel)
{
	if (!*rel || rel[0] == '/')
		return false;
	for (const char *c = rel; *c;) {
		size_t n = strcspn(c, "/");
		if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		c += n;
		if (*c == '/' && !*++c)
			return false;
	}
	return true;
}

char *journal_restore_tag(const char *id)
{
	return xasprintf("%s.restore", id);
}

/* Whether f's temporary file is the one apply names beside its real
 * path (so recovery removes nothing else). */
static bool tmp_path_ok(const struct journal_entry *e, const struct journal_file *f)
{
	if (!f->tmp_path || !strchr(f->real_path, '/'))
		return false;
	char *want = target_temp_path(f->real_path, e->id);
	bool ok = strcmp(want, f->tmp_path) == 0;
	free(want);
	return ok;
}

/* Closes entries a stopped run left unfinished. */
int journal_recover(struct journal *j, struct target *t, struct strvec *notes)
{
	int count = 0;
	for (size_t i = 0; i < j->n; i++) {
		struct journal_entry *e = &j->entries[i];
		if (e->outcome != JOURNAL_UNFINISHED)
			continue;
		if (!journal_same_kind(e, t)) {
			sv_take(notes, xasprintf(T("entry %s was left unfinished on %s; run "
			                           "asr-doctor there "
			                           "to close it",
			                           "条目 %s 在 %s 上未完成；请在那里运行 "
			                           "asr-doctor 以结束它"),
			                         e->id, e->target ? e->target : "?"));
			continue;
		}
		struct sbuf msg = { 0 };
		sb_printf(&msg,
		          T("asr-doctor stopped during this change (pid %ld):",
		            "asr-doctor 在此更改过程中停止（pid %ld）："),
		          e->pid);
		bool any_new = false;
		for (size_t k = 0; k < e->nfiles; k++) {
			const struct journal_file *f = &e->files[k];
			if (tmp_path_ok(e, f)) {
				char *tag = journal_restore_tag(e->id);
				char *rpath = target_temp_path(f->real_path, tag);
				char *tmp = target_host_file(t, f->tmp_path);
				char *res = target_host_file(t, rpath);
				if (tmp)
					j->fs->unlink(tmp);
				if (res)
					j->fs->unlink(res);
				if (!target_has_host_paths(t)) {
					target_remove(t, f->tmp_path);
					target_remove(t, rpath);
				}
				free(res);
				free(tmp);
				free(rpath);
				free(tag);
			}
			enum journal_fstate s = journal_file_state(t, f);
			any_new = any_new || s == JFILE_AFTER;
			sb_printf(&msg, " %s %s;", f->path,
			          s == JFILE_AFTER     ? T("holds the new bytes", "为新内容")
			          : s == JFILE_BEFORE  ? T("holds the original", "为原内容")
			          : s == JFILE_MISSING ? T("is missing", "不存在")
			                               : T("holds other bytes", "为其他内容"));
		}
		e->outcome = JOURNAL_INTERRUPTED;
		free(e->message);
		e->message = sb_steal(&msg);
		char *cause = NULL;
		if (journal_record_end(j, e, &cause) < 0) {
			sv_take(notes, cause);
			continue;
		}
		char *undo = undo_command(t, j->dir, e->id, false);
		sv_take(notes,
		        any_new ? xasprintf(T("entry %s was left unfinished and is now marked "
		                              "interrupted: %s '%s' puts the originals back",
		                              "条目 %s 未完成，现已标记为中断：%s '%s' 可恢复原文件"),
		                            e->id, e->message, undo)
		                : xasprintf(T("entry %s was left unfinished and is now marked "
		                              "interrupted: %s",
		                              "条目 %s 未完成，现已标记为中断：%s"),
		                            e->id, e->message));
		free(undo);
		count++;
	}
	return count;
}

/* ---- backups ---- */

/* Reads a backup and checks it is what the entry saved. */
int journal_read_backup(const struct journal *j, const struct journal_file *f, char **data,
                       size_t *len, char **cause)
{
	if (f->backup && !journal_inside_path(f->backup)) {
		*cause = xasprintf(T("the journal names %s as the backup of %s, which is not a "
		                     "path inside the journal folder %s: refused",
		                     "日志将 %s 作为 %s 的备份，它不是日志文件夹 %s "
		                     "内的路径：已拒绝"),
		                   f->backup, f->path, j->dir);
		return -EPERM;
	}
	char *path = xasprintf("%s/%s", j->dir, f->backup ? f->backup : "");
	int rc = -ENOENT;
	if (f->backup) {
		/* No link inside the journal folder is followed either. */
		char *bdir = xstrndup(path, (size_t)(strrchr(path, '/') - path));
		char *c2 = NULL;
		struct target *pl = j->place;
		int dfd = pl->ops->store_open(pl, bdir, false, &c2);
		free(c2);
		free(bdir);
		if (dfd >= 0)
			rc = pl->ops->store_read(pl, path, PLAN_BINARY_MAX, true, data, len);
		else
			rc = dfd;
	}
	if (rc < 0) {
		*cause = xasprintf(T("the backup of %s (%s) cannot be read: %s",
		                     "%s 的备份（%s）无法读取：%s"),
		                   f->path, path, strerror(-rc));
		free(path);
		return rc;
	}
	char hex[SHA256_HEX_LEN + 1];
	sha256_hex(*data, *len, hex);
	if (strcmp(hex, f->sha_before) != 0) {
		*cause = xasprintf(T("the backup of %s (%s) is damaged (its sha256 differs from "
		                     "the journal's)",
		                     "%s 的备份（%s）已损坏（sha256 与日志不符）"),
		                   f->path, path);
		free(*data);
		*data = NULL;
		free(path);
		return -EIO;
	}
	free(path);
	return 0;
}
