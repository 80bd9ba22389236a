/* state.c: the wizard's state file (see state.h): built on the `check
 * --json` document of the results, written through the same atomic path
 * as every change asr-doctor makes (apply_replace). */
#include "engine/state.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine/change/apply.h"
#include "engine/jsonread.h"
#include "engine/report_doc.h"

#define STATE_MAX_BYTES (16u * 1024 * 1024)

char *state_default_path(void)
{
	const char *x = getenv("XDG_STATE_HOME");
	if (x && x[0] == '/')
		return xasprintf("%s/asr-doctor/state.json", x);
	const char *home = getenv("HOME");
	if (!home || home[0] != '/') {
		struct passwd pw, *res = NULL;
		char buf[4096];
		home = getpwuid_r(getuid(), &pw, buf, sizeof buf, &res) == 0 && res && res->pw_dir &&
				       res->pw_dir[0] == '/'
			       ? res->pw_dir
			       : NULL;
		if (!home)
			return NULL;
		return xasprintf("%s/.local/state/asr-doctor/state.json", home);
	}
	return xasprintf("%s/.local/state/asr-doctor/state.json", home);
}

/* path made absolute against the working folder (apply_replace fsyncs the
 * folder named in the path). Caller frees. */
static char *absolute(const char *path)
{
	if (path[0] == '/')
		return xstrdup(path);
	char *cwd = getcwd(NULL, 0);
	char *r = xasprintf("%s/%s", cwd ? cwd : ".", path);
	free(cwd);
	return r;
}

/* Creates the missing folders above path (0700), like mkdir -p. */
static int make_parents(const struct apply_fs *fs, const char *path, char **cause)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir) {
		free(dir);
		return 0;
	}
	*slash = '\0';
	struct stat st;
	int rc = 0;
	if (stat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode)) {
			*cause = xasprintf(T("%s is not a folder", "%s 不是文件夹"), dir);
			rc = -ENOTDIR;
		}
		free(dir);
		return rc;
	}
	for (char *p = dir + 1;; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;
			*p = '\0';
			if (fs->mkdir(dir, 0700) < 0 && errno != EEXIST) {
				rc = -errno;
				*cause = xasprintf(T("cannot create the folder %s: %s", "无法创建文件夹 %s：%s"),
						   dir, strerror(errno));
				break;
			}
			*p = c;
			if (c == '\0')
				break;
		}
	}
	free(dir);
	return rc;
}

static void put_str(cJSON *o, const char *key, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

/* The document for st and s (see state.h). Caller frees. */
static char *state_text(const struct app_state *st, const struct session *s)
{
	/* The target as its kind describes it, its place as the kind saves
	 * it to recognise it again (target_location_canonical). */
	struct target *given = target_described_new(st->target_kind, st->target_name,
						    st->target_root);
	char *root = target_location_canonical(given);
	const char *kind = target_kind_name(given);
	struct target *t = target_described_new(kind, st->target_name, root);
	target_free(given);
	cJSON *doc;
	if (s) {
		doc = report_base_json(s, t);
	} else {
		doc = cJSON_CreateObject();
		cJSON_AddNumberToObject(doc, "schema", 1);
		cJSON_AddStringToObject(doc, "tool", "asr-doctor");
		cJSON_AddStringToObject(doc, "version", ASR_VERSION);
		cJSON *tg = cJSON_AddObjectToObject(doc, "target");
		cJSON_AddStringToObject(tg, "kind", kind);
		cJSON_AddStringToObject(tg, "name", t->name);
		cJSON_AddArrayToObject(doc, "results");
	}
	long long when = st->time ? st->time : (long long)time(NULL);
	char iso[32];
	time_t tt = (time_t)when;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
	cJSON *o = cJSON_AddObjectToObject(doc, "state");
	cJSON_AddNumberToObject(o, "version", STATE_VERSION);
	cJSON_AddStringToObject(o, "time", iso);
	cJSON_AddNumberToObject(o, "epoch", (double)when);
	cJSON_AddNumberToObject(o, "pid", (double)(st->pid ? st->pid : (long)getpid()));
	cJSON *tg = cJSON_AddObjectToObject(o, "target");
	cJSON_AddStringToObject(tg, "kind", kind);
	put_str(tg, "root", root);
	put_str(o, "account", st->account);
	put_str(o, "anchor", st->anchor);
	put_str(o, "screen", st->screen);
	cJSON_AddBoolToObject(o, "show_evidence", st->show_evidence);
	if (st->fix_id) {
		cJSON *fx = cJSON_AddObjectToObject(o, "fix");
		cJSON_AddStringToObject(fx, "id", st->fix_id);
		cJSON_AddStringToObject(fx, "entry", st->fix_entry ? st->fix_entry : STATE_FIX_PLANNED);
	} else {
		cJSON_AddNullToObject(o, "fix");
	}
	cJSON_AddBoolToObject(o, "clean_exit", st->clean_exit);
	char *out = cJSON_Print(doc);
	cJSON_Delete(doc);
	target_free(t);
	free(root);
	char *copy = xstrdup(out ? out : "{}");
	cJSON_free(out);
	return copy;
}

/* Writes text over path atomically (see state_save). */
static int write_atomic(const char *path, const char *text, const struct apply_fs *fs, char **cause)
{
	if (!fs)
		fs = &apply_fs_real;
	char *abs = absolute(path);
	int rc = make_parents(fs, abs, cause);
	if (rc < 0) {
		free(abs);
		return rc;
	}
	char *tmp = xasprintf("%s.tmp.%ld", abs, (long)getpid());
	rc = hostfs_replace(fs, abs, tmp, text, strlen(text), 0600, getuid(), getgid(), cause);
	if (rc == -EEXIST) {
		/* A temporary file left by a process that stopped midway. */
		free(*cause);
		*cause = NULL;
		fs->unlink(tmp);
		rc = hostfs_replace(fs, abs, tmp, text, strlen(text), 0600, getuid(), getgid(), cause);
	}
	free(tmp);
	free(abs);
	return rc;
}

int state_save(const char *path, const struct app_state *st, const struct session *s,
	       const struct apply_fs *fs, char **cause)
{
	*cause = NULL;
	char *text = state_text(st, s);
	int rc = write_atomic(path, text, fs, cause);
	free(text);
	return rc;
}

/* Reads the file at path (see state_load for the refusals). */
static int read_state_file(const char *path, char **out, char **cause)
{
	*out = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		int e = errno;
		if (e != ENOENT)
			*cause = xasprintf(T("cannot open the state file %s: %s", "无法打开状态文件 %s：%s"),
					   path, strerror(e));
		return -e;
	}
	struct stat st;
	int rc = 0;
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		*cause = xasprintf("%s: %s", path, strerror(errno));
	} else if (!S_ISREG(st.st_mode)) {
		rc = -EINVAL;
		*cause = xasprintf(T("the state file %s is not a regular file", "状态文件 %s 不是普通文件"), path);
	} else if ((unsigned long long)st.st_size > STATE_MAX_BYTES) {
		rc = -EFBIG;
		*cause = xasprintf(T("the state file %s is larger than 16 MiB", "状态文件 %s 大于 16 MiB"), path);
	} else if (getuid() != 0 && st.st_uid != getuid()) {
		rc = -EPERM;
		*cause = xasprintf(T("the state file %s belongs to user %u, not to you; it is not used",
				     "状态文件 %s 属于用户 %u，而不是你；不使用它"),
				   path, (unsigned)st.st_uid);
	}
	if (rc < 0) {
		close(fd);
		return rc;
	}
	struct sbuf b = { 0 };
	char buf[65536];
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			*cause = xasprintf("%s: %s", path, strerror(errno));
			break;
		}
		if (n == 0)
			break;
		if (b.len + (size_t)n > STATE_MAX_BYTES) {
			rc = -EFBIG;
			*cause = xasprintf(T("the state file %s is larger than 16 MiB", "状态文件 %s 大于 16 MiB"),
					   path);
			break;
		}
		sb_addn(&b, buf, (size_t)n);
	}
	close(fd);
	if (rc < 0) {
		sb_free(&b);
		return rc;
	}
	*out = sb_steal(&b);
	return 0;
}

/* Fills out from a parsed document. */
static bool parse_state(const cJSON *doc, struct app_state *out, char **cause)
{
	const cJSON *o = cJSON_IsObject(doc) ? cJSON_GetObjectItemCaseSensitive(doc, "state") : NULL;
	if (!cJSON_IsObject(o)) {
		*cause = xstrdup("no \"state\" object: not an asr-doctor state file");
		return false;
	}
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "version");
	if (!cJSON_IsNumber(v)) {
		*cause = xstrdup("state.version: expected a number");
		return false;
	}
	if (v->valuedouble != STATE_VERSION) {
		*cause = xasprintf("state version %g is not supported: this asr-doctor (%s) reads version %d",
				   v->valuedouble, ASR_VERSION, STATE_VERSION);
		return false;
	}
	v = cJSON_GetObjectItemCaseSensitive(o, "epoch");
	long long num;
	/* Seconds from 1970 to beyond the year 5000. */
	if (!cJSON_IsNumber(v) || !util_num_in_range(v->valuedouble, 0, 100000000000LL, &num)) {
		*cause = xstrdup("state.epoch: expected a number of seconds since 1970");
		return false;
	}
	out->time = num;
	v = cJSON_GetObjectItemCaseSensitive(o, "pid");
	if (v && (!cJSON_IsNumber(v) || !util_num_in_range(v->valuedouble, 0, 0x7fffffff, &num))) {
		*cause = xstrdup("state.pid: expected a process id");
		return false;
	}
	out->pid = v ? (long)num : 0;
	const cJSON *tg = cJSON_GetObjectItemCaseSensitive(o, "target");
	if (!cJSON_IsObject(tg)) {
		*cause = xstrdup("state.target: expected an object");
		return false;
	}
	if (!jr_str(tg, "state.target", "kind", false, &out->target_kind, cause) ||
	    !jr_str(tg, "state.target", "root", false, &out->target_root, cause))
		return false;
	if (!out->target_kind) {
		*cause = xstrdup("state.target: no \"kind\" member");
		return false;
	}
	const cJSON *top = cJSON_GetObjectItemCaseSensitive(doc, "target");
	if (cJSON_IsObject(top) && !jr_str(top, "target", "name", false, &out->target_name, cause))
		return false;
	if (!jr_str(o, "state", "account", false, &out->account, cause) ||
	    !jr_str(o, "state", "anchor", false, &out->anchor, cause) ||
	    !jr_str(o, "state", "screen", false, &out->screen, cause) ||
	    !jr_bool(o, "state", "show_evidence", &out->show_evidence, cause) ||
	    !jr_bool(o, "state", "clean_exit", &out->clean_exit, cause))
		return false;
	const cJSON *fx = cJSON_GetObjectItemCaseSensitive(o, "fix");
	if (fx && !cJSON_IsNull(fx)) {
		if (!cJSON_IsObject(fx)) {
			*cause = xstrdup("state.fix: expected an object or null");
			return false;
		}
		if (!jr_str(fx, "state.fix", "id", false, &out->fix_id, cause) ||
		    !jr_str(fx, "state.fix", "entry", false, &out->fix_entry, cause))
			return false;
		if (!out->fix_id) {
			*cause = xstrdup("state.fix: no \"id\" member");
			return false;
		}
	}
	return true;
}

int state_load(const char *path, struct app_state *out, char **cause)
{
	memset(out, 0, sizeof *out);
	*cause = NULL;
	char *text;
	int rc = read_state_file(path, &text, cause);
	if (rc < 0)
		return rc;
	cJSON *doc = cJSON_Parse(text);
	if (!doc) {
		*cause = xasprintf(T("the state file %s is not JSON (a line dropped while it was written "
				     "by an older version?)",
				     "状态文件 %s 不是 JSON"),
				   path);
		free(text);
		return -EINVAL;
	}
	char *why = NULL;
	bool ok = parse_state(doc, out, &why);
	cJSON_Delete(doc);
	if (!ok) {
		*cause = xasprintf("%s: %s", path, why);
		free(why);
		free(text);
		app_state_free(out);
		return -EINVAL;
	}
	out->json = text;
	return 0;
}

/* Whether the state st was saved for the target t: a kind this build
 * knows, and the same target by the target's own comparison. */
static bool same_target(const struct app_state *st, const struct target *t)
{
	struct target *saved = target_described_new(st->target_kind, st->target_name,
						    st->target_root);
	bool same = target_is_kind(saved, st->target_kind) && target_same(saved, t);
	target_free(saved);
	return same;
}

bool state_should_offer(const char *path, const struct target *t, long long now,
			struct app_state *out)
{
	char *cause = NULL;
	if (state_load(path, out, &cause) < 0) {
		free(cause);
		return false;
	}
	long long age = now - out->time;
	bool offer = !out->clean_exit && age < STATE_MAX_AGE_S && age > -300 &&
		     same_target(out, t);
	if (!offer)
		app_state_free(out);
	return offer;
}

bool state_same_account(const struct app_state *st, const char *account)
{
	if (!st->account || !account)
		return !st->account && !account;
	return str_ieq(st->account, account);
}

int state_mark_clean(const char *path, const struct apply_fs *fs, char **cause)
{
	*cause = NULL;
	char *text;
	int rc = read_state_file(path, &text, cause);
	if (rc == -ENOENT)
		return 0;
	if (rc < 0)
		return rc;
	cJSON *doc = cJSON_Parse(text);
	free(text);
	cJSON *o = doc ? cJSON_GetObjectItemCaseSensitive(doc, "state") : NULL;
	if (!cJSON_IsObject(o)) {
		cJSON_Delete(doc);
		*cause = xasprintf(T("%s is not an asr-doctor state file; left as it is",
				     "%s 不是 asr-doctor 状态文件；保持原样"),
				   path);
		return -EINVAL;
	}
	cJSON_DeleteItemFromObjectCaseSensitive(o, "clean_exit");
	cJSON_AddBoolToObject(o, "clean_exit", true);
	char *out = cJSON_Print(doc);
	cJSON_Delete(doc);
	rc = write_atomic(path, out ? out : "{}", fs, cause);
	cJSON_free(out);
	return rc;
}

void app_state_free(struct app_state *st)
{
	if (!st)
		return;
	free(st->target_kind);
	free(st->target_root);
	free(st->target_name);
	free(st->account);
	free(st->anchor);
	free(st->screen);
	free(st->fix_id);
	free(st->fix_entry);
	free(st->json);
	memset(st, 0, sizeof *st);
}
