/* guard_remote.c: the commit-confirmed guard left on a remote Linux
 * machine (see guard_remote.h): its folder and copies, the sh script it
 * runs there, detached, and `confirm` over a new connection. Every value
 * that reaches the remote shell is quoted (argv_shell_join) or passed as
 * a positional parameter of a fixed script. */
#include "engine/change/guard_remote.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "engine/change/journal.h"
#include "engine/util/msg.h"
#include "engine/util/shquote.h"

/* How long the command that starts or confirms the guard may take. */
#define GUARD_REMOTE_CMD_MS 30000
/* The most bytes of files the guard copies: the command that starts it
 * carries them, and Linux takes at most 128 KiB in one argument (sshd
 * hands the whole command to the shell as one). */
#define GUARD_REMOTE_MAX_BYTES (96u * 1024)

/* The sh function that appends one record ($1, a JSON line) to the
 * journal in the folder $base, as asr-doctor appends its own: under the
 * journal's lock (flock on $base/lock, as every asr-doctor takes it, the
 * holder's pid written there meanwhile), the records copied beside the
 * file with the new line (a newline first after a torn last line) and
 * renamed over it, so that a reader sees the old records or the new ones.
 * A machine with no flock (where asr-doctor could not take the lock
 * either) gets the record without it. Fails, changing nothing, when the
 * lock is not free within a minute. */
#define RECORD_SH                                                                          \
	"record() (\n"                                                                     \
	"\tj=\"$base/" JOURNAL_FILE_NAME "\"; tmp=\"$base/." JOURNAL_FILE_NAME ".guard-$$\"\n" \
	"\tlocked=\n"                                                                      \
	"\tif command -v flock >/dev/null 2>&1; then\n"                                    \
	"\t\texec 9>>\"$base/lock\" && flock -x -w 60 9 || exit 1\n"                       \
	"\t\tlocked=1; echo $$ >\"$base/lock\"\n"                                          \
	"\tfi\n"                                                                           \
	"\trm -f \"$tmp\"\n"                                                               \
	"\tif [ -f \"$j\" ]; then\n"                                                       \
	"\t\tcp \"$j\" \"$tmp\" || exit 1\n"                                               \
	"\t\t[ -z \"$(tail -c 1 \"$tmp\")\" ] || echo >>\"$tmp\" || exit 1\n"              \
	"\tfi\n"                                                                           \
	"\tif printf '%s\\n' \"$1\" >>\"$tmp\" && { sync \"$tmp\" 2>/dev/null || sync; } && "  \
	"mv -f \"$tmp\" \"$j\"; then\n"                                                    \
	"\t\tok=0; sync \"$base\" 2>/dev/null\n"                                           \
	"\telse\n"                                                                         \
	"\t\tok=1; rm -f \"$tmp\"\n"                                                       \
	"\tfi\n"                                                                           \
	"\t[ -z \"$locked\" ] || : >\"$base/lock\"\n"                                      \
	"\texit $ok\n"                                                                     \
	")\n"                                                                              \
	"now_utc() { date -u +%Y-%m-%dT%H:%M:%SZ; }\n"

/* Makes the guard's folder and starts the guard, in one command: $1 the
 * journal folder, $2 the entry, $3 the guard's script, $4 its seconds,
 * then the bytes each edit of the plan had before the change (old-0,
 * old-1, ...; empty for a file the change created). The login's
 * $SSH_CONNECTION is kept to tell a new connection from it. The guard
 * runs in a session of its own, detached from the channel (nothing of it
 * holds the channel's pipes), until the deadline it is given (the
 * machine's own clock). The journal then records it: its pid there, the
 * deadline and the machine's name, the "guard" record asr-doctor writes
 * for a guard of its own machine; without that record nobody could
 * confirm it from the machine's console, so the guard is stopped when it
 * cannot be written. Prints the guard's pid, then its folder. */
static const char start_sh[] =
	"umask 077\n"
	"base=$1; entry=$2; body=$3; within=$4; shift 4\n"
	RECORD_SH
	"mkdir -p \"$base/" GUARD_REMOTE_SUBDIR "\" || exit 1\n"
	"d=$(mktemp -d \"$base/" GUARD_REMOTE_SUBDIR "/$entry.XXXXXX\") || exit 1\n"
	"fail() { rm -rf \"$d\"; exit 1; }\n"
	"deadline=$(($(date +%s) + within)) || fail\n"
	"printf '%s\\n' \"$entry\" >\"$d/entry\" && printf '%s\\n' \"${SSH_CONNECTION:-}\" >\"$d/link\" "
	"&& echo waiting >\"$d/state\" && printf '%s' \"$body\" >\"$d/guard.sh\" "
	"&& printf '%s\\n' \"$deadline\" >\"$d/deadline\" || fail\n"
	"i=0\n"
	"for f in \"$@\"; do printf '%s' \"$f\" >\"$d/old-$i\" || fail; i=$((i + 1)); done\n"
	"cd / || fail\n"
	"if command -v setsid >/dev/null 2>&1; then\n"
	"\tsetsid sh \"$d/guard.sh\" \"$deadline\" </dev/null >>\"$d/log\" 2>&1 &\n"
	"else\n"
	"\tnohup sh \"$d/guard.sh\" \"$deadline\" </dev/null >>\"$d/log\" 2>&1 &\n"
	"fi\n"
	"p=$!\n"
	"kill -0 \"$p\" 2>/dev/null || [ -s \"$d/pid\" ] || fail\n"
	"host=$(uname -n 2>/dev/null | tr -cd 'A-Za-z0-9._-')\n"
	"h=\n"
	"[ -z \"$host\" ] || h=$(printf ',\"host\":\"%s\"' \"$host\")\n"
	"if ! record \"$(printf '{\"record\":\"guard\",\"id\":\"%s\",\"time\":\"%s\",\"pid\":%s,"
	"\"deadline\":%s%s}' \"$entry\" \"$(now_utc)\" \"$p\" \"$deadline\" \"$h\")\"; then\n"
	"\tkill \"$p\" 2>/dev/null; echo \"cannot record the guard in the journal $base\" >&2; fail\n"
	"fi\n"
	"printf '%s\\n%s\\n' \"$p\" \"$d\"\n";

/* Confirms: $1 the journal folder, $2 the entry or "", $3 the message of
 * the journal's record (a JSON string). Picks the entry's folder (a
 * waiting one first), refuses the connection that made the change, and
 * decides through mkdir; having decided, records the confirmation in the
 * journal (the guard, seeing the folder decided, stops without a word
 * there). Prints one line: "STATUS ENTRY [DETAIL]", STATUS one of none,
 * same, confirmed, gone (confirmed, the guard no longer running),
 * already, late; DETAIL "unrecorded" after confirmed or gone when the
 * journal could not record it. */
static const char confirm_sh[] =
	"base=$1; want=$2; msg=$3\n"
	RECORD_SH
	"found=\n"
	"for g in \"$base/" GUARD_REMOTE_SUBDIR "\"/*; do\n"
	"\t[ -f \"$g/entry\" ] && [ -f \"$g/state\" ] || continue\n"
	"\te=$(cat \"$g/entry\")\n"
	"\tcase $e in ''|*[!A-Za-z0-9._-]*) continue;; esac\n"
	"\tif [ -n \"$want\" ] && [ \"$e\" != \"$want\" ]; then continue; fi\n"
	"\tif [ \"$(cat \"$g/state\")\" = waiting ] && [ ! -d \"$g/decided\" ]; then found=$g; break; fi\n"
	"\tfound=$g\n"
	"done\n"
	"if [ -z \"$found\" ]; then echo none; exit 0; fi\n"
	"d=$found\n"
	"e=$(cat \"$d/entry\")\n"
	"link=$(cat \"$d/link\" 2>/dev/null)\n"
	"if [ -n \"${SSH_CONNECTION:-}\" ] && [ \"$SSH_CONNECTION\" = \"$link\" ]; then\n"
	"\techo \"same $e $link\"; exit 0\n"
	"fi\n"
	"if mkdir \"$d/decided\" 2>/dev/null; then\n"
	"\tprintf '%s\\n' \"${SSH_CONNECTION:-unknown}\" >\"$d/decided/by\"\n"
	"\tprintf 'confirmed\\n' >\"$d/state.tmp\" && mv -f \"$d/state.tmp\" \"$d/state\"\n"
	"\tr=\n"
	"\trecord \"$(printf '{\"record\":\"guard_end\",\"id\":\"%s\",\"time\":\"%s\","
	"\"result\":\"confirmed\",\"message\":%s}' \"$e\" \"$(now_utc)\" \"$msg\")\" || r=' unrecorded'\n"
	"\tp=$(cat \"$d/pid\" 2>/dev/null)\n"
	"\tif [ -n \"$p\" ] && kill -0 \"$p\" 2>/dev/null; then echo \"confirmed $e$r\"; "
	"else echo \"gone $e$r\"; fi\n"
	"\texit 0\n"
	"fi\n"
	"s=$(cat \"$d/state\")\n"
	"if [ \"$s\" = confirmed ]; then echo \"already $e\"; else echo \"late $e $s\"; fi\n";

/* Prints the entry of a guard under $1 that still waits (its state
 * waiting, not decided, its process alive), or nothing. */
static const char waiting_sh[] =
	"for g in \"$1/" GUARD_REMOTE_SUBDIR "\"/*; do\n"
	"\t[ -f \"$g/state\" ] && [ ! -d \"$g/decided\" ] || continue\n"
	"\t[ \"$(cat \"$g/state\")\" = waiting ] || continue\n"
	"\tp=$(cat \"$g/pid\" 2>/dev/null)\n"
	"\tif [ -n \"$p\" ] && kill -0 \"$p\" 2>/dev/null; then cat \"$g/entry\"; exit 0; fi\n"
	"done\n";

/* Runs the fixed script sh on t with its arguments (NULL-terminated).
 * Returns 0 with *out (standard output, caller frees), or -errno with
 * *cause (caller frees). */
static int run_script(struct target *t, const char *what, const char *sh, const char *const args[],
		      char **out, char **cause)
{
	size_t nargs = 0;
	while (args[nargs])
		nargs++;
	const char **argv = xcalloc(nargs + 5, sizeof *argv);
	argv[0] = "sh";
	argv[1] = "-c";
	argv[2] = sh;
	argv[3] = "asr-doctor-guard";
	memcpy(argv + 4, args, nargs * sizeof *argv);
	struct cmd_result r = { 0 };
	int rc = target_run(t, argv, GUARD_REMOTE_CMD_MS, &r);
	free(argv);
	if (rc == 0 && (r.status != 0 || r.timed_out)) {
		char *err = r.err ? str_trim(r.err) : "";
		*cause = xasprintf(T("%s on %s: %s", "%s（%s）：%s"), what, t->name,
				   r.timed_out ? T("timed out", "超时") : *err ? err : T("failed", "失败"));
		rc = -EIO;
	} else if (rc < 0) {
		const char *lost = target_lost(t);
		*cause = xasprintf(T("%s on %s: %s", "%s（%s）：%s"), what, t->name,
				   lost ? lost : strerror(-rc));
	} else {
		*out = r.out;
		r.out = NULL;
	}
	cmd_result_free(&r);
	return rc;
}

/* The journal folder on the remote machine: journal_dir when it is a
 * path there, else the one t's kind names. */
static const char *base_of(const struct target *t, const char *journal_dir)
{
	return journal_dir && journal_dir[0] == '/' ? journal_dir : target_journal_dir(t);
}

/* Whether an entry id can name a folder: letters, digits, '-', '_', '.'
 * (not first). */
static bool id_ok(const char *id)
{
	if (!id || !*id || id[0] == '.' || strlen(id) > 64)
		return false;
	return strspn(id, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_.") ==
	       strlen(id);
}

/* s as a JSON string ("..." with its escapes); caller frees. */
static char *json_text(const char *s)
{
	cJSON *v = cJSON_CreateString(s);
	char *json = v ? cJSON_PrintUnformatted(v) : NULL;
	cJSON_Delete(v);
	char *out = xstrdup(json ? json : "\"\"");
	cJSON_free(json);
	return out;
}

/* s as a JSON string, as a word of a shell command line; caller frees. */
static char *json_word(const char *s)
{
	char *json = json_text(s);
	const char *const w[] = { json, NULL };
	char *word = argv_shell_join(w);
	free(json);
	return word;
}

/* The guard's script for plan p, run as `sh FOLDER/guard.sh DEADLINE`
 * (seconds since the epoch, on the machine's clock). It records its
 * outcome in the journal as a guard of this machine does (a "guard_end"
 * record: reverted or failed, or confirmed when the machine's own console
 * confirmed it with `asr-doctor confirm`, which leaves the file
 * confirm/ENTRY in the journal folder). */
static char *guard_script(const char *entry_id, int within, const struct plan *p)
{
	struct sbuf b = { 0 };
	sb_printf(&b,
		  "#!/bin/sh\n"
		  "# asr-doctor: the commit-confirmed guard of journal entry %s. Unless\n"
		  "# `asr-doctor --target ... confirm` makes the folder decided from a new\n"
		  "# connection (or `asr-doctor confirm` on this machine leaves its file)\n"
		  "# within %d seconds, it puts the files back and reloads sshd.\n",
		  entry_id, within);
	const char *const idw[] = { entry_id, NULL };
	char *id = argv_shell_join(idw);
	char *m_ok = json_word(T("confirmed from a new login", "已从新的登录会话确认"));
	char *m_rev = json_word(T("not confirmed in time: the guard on the machine put the files back "
				  "and reloaded sshd",
				  "未在时限内确认：该机器上的守护进程已恢复文件并重新加载 sshd"));
	char *m_fail = json_word(T("not confirmed in time, and the guard on the machine could not put "
				   "everything back: see its log under the journal folder's guard/",
				   "未在时限内确认，且该机器上的守护进程未能全部恢复：请查看日志文件夹 "
				   "guard/ 下的日志"));
	sb_printf(&b, "entry=%s\nm_ok=%s\nm_rev=%s\nm_fail=%s\n", id, m_ok, m_rev, m_fail);
	free(m_fail);
	free(m_rev);
	free(m_ok);
	free(id);
	sb_add(&b,
	       "d=${0%/guard.sh}\n"
	       "base=${d%/*}; base=${base%/" GUARD_REMOTE_SUBDIR "}\n"
	       "deadline=$1\n"
	       "trap '' HUP INT PIPE\n"
	       RECORD_SH
	       "say() { printf '%s guard[%s]: %s\\n' \"$(now_utc)\" \"$$\" \"$1\"; }\n"
	       "state() { printf '%s\\n' \"$1\" >\"$d/state.tmp\" && mv -f \"$d/state.tmp\" "
	       "\"$d/state\"; }\n"
	       "outcome() {\n"
	       "\trecord \"$(printf '{\"record\":\"guard_end\",\"id\":\"%s\",\"time\":\"%s\","
	       "\"result\":\"%s\",\"message\":%s}' \"$entry\" \"$(now_utc)\" \"$1\" \"$2\")\" ||\n"
	       "\t\tsay \"cannot record '$1' in the journal $base\"\n"
	       "}\n"
	       "printf '%s\\n' \"$$\" >\"$d/pid.tmp\" && mv -f \"$d/pid.tmp\" \"$d/pid\"\n"
	       "say \"waiting for a confirmation until $deadline\"\n"
	       "while [ \"$(date +%s)\" -lt \"$deadline\" ]; do\n"
	       "\tif [ -d \"$d/decided\" ]; then say confirmed; exit 0; fi\n"
	       "\t[ -f \"$d/guard.sh\" ] || exit 0\n"
	       "\tif [ -f \"$base/confirm/$entry\" ]; then\n"
	       "\t\tif mkdir \"$d/decided\" 2>/dev/null; then\n"
	       "\t\t\toutcome confirmed \"$m_ok\"; state confirmed\n"
	       "\t\tfi\n"
	       "\t\tsay 'confirmed on this machine'; exit 0\n"
	       "\tfi\n"
	       "\tsleep 1\n"
	       "done\n");
	sb_add(&b,
	       "if ! mkdir \"$d/decided\" 2>/dev/null; then say confirmed; exit 0; fi\n"
	       "state reverting\n"
	       "say 'not confirmed in time: putting the files back'\n"
	       "fail=0\n"
	       "put() {\n"
	       "\tif rm -f \"$3\" && cp \"$1\" \"$3\" && chown \"$4\" \"$3\" && chmod \"$5\" \"$3\" "
	       "&& mv -f \"$3\" \"$2\"; then say \"restored $2\"; return 0; fi\n"
	       "\trm -f \"$3\"; say \"cannot restore $2\"; fail=1\n"
	       "}\n"
	       "gone() { if rm -f \"$1\"; then say \"removed $1\"; else say \"cannot remove $1\"; "
	       "fail=1; fi; }\n"
	       "run() { if \"$@\"; then say \"ran: $*\"; else say \"failed ($?): $*\"; fail=1; fi; }\n");
	for (size_t i = 0; i < p->nedits; i++) {
		const struct file_edit *e = &p->edits[i];
		const char *path = e->real_path ? e->real_path : e->path;
		if (e->existed) {
			char *tmp = target_temp_path(path, "guard");
			char *owner = xasprintf("%u:%u", (unsigned)e->old_uid, (unsigned)e->old_gid);
			char *mode = xasprintf("%04o", (unsigned)(e->old_mode & 07777));
			const char *const w[] = { path, tmp, owner, mode, NULL };
			char *line = argv_shell_join(w);
			sb_printf(&b, "put \"$d/old-%zu\" %s\n", i, line);
			free(line);
			free(mode);
			free(owner);
			free(tmp);
		} else {
			const char *const w[] = { "gone", path, NULL };
			char *line = argv_shell_join(w);
			sb_printf(&b, "%s\n", line);
			free(line);
		}
	}
	sb_add(&b, "sync\n");
	for (size_t i = 0; i < p->ncmds; i++) {
		if (!p->cmds[i].rerun_on_undo)
			continue;
		char *line = argv_shell_join((const char *const *)p->cmds[i].argv);
		sb_printf(&b, "run %s\n", line);
		free(line);
	}
	/* Recorded before the state says so: whoever sees the state sees
	 * the journal's record too. */
	sb_add(&b, "if [ \"$fail\" = 0 ]; then outcome reverted \"$m_rev\"; state reverted; "
		   "say reverted; else outcome failed \"$m_fail\"; state failed; "
		   "say 'failed: see above'; fi\n");
	return sb_steal(&b);
}

/* Parses what start_sh printed: the pid and the folder (owned). */
static char *parse_started(char *out, long *pid)
{
	char *save = NULL;
	char *p = strtok_r(out, "\n", &save), *d = strtok_r(NULL, "\n", &save);
	if (!p || !d || strtok_r(NULL, "\n", &save) || !str_to_long(p, pid) || *pid <= 1 ||
	    d[0] != '/')
		return NULL;
	return xstrdup(d);
}

int guard_remote_start(struct target *t, const char *journal_dir, const char *entry_id,
		       int within_s, const struct plan *p, long *pid, char **dir, char **cause)
{
	*cause = NULL;
	if (dir)
		*dir = NULL;
	if (!p || !id_ok(entry_id)) {
		*cause = xstrdup(T("guard: no plan or no valid journal entry",
				   "守护：没有计划或有效的日志条目"));
		return -EINVAL;
	}
	if (!t->can_run) {
		*cause = xasprintf(T("guard: %s cannot run commands", "守护：%s 不能运行命令"),
				   t->name);
		return -ENOTSUP;
	}
	int within = within_s > 0 ? within_s : GUARD_DEFAULT_SECONDS;
	char *script = guard_script(entry_id, within, p);
	const char **args = xcalloc(p->nedits + 5, sizeof *args);
	char secs[16];
	snprintf(secs, sizeof secs, "%d", within);
	args[0] = base_of(t, journal_dir);
	args[1] = entry_id;
	args[2] = script;
	args[3] = secs;
	size_t total = strlen(script);
	int rc = 0;
	for (size_t i = 0; i < p->nedits; i++) {
		const struct file_edit *e = &p->edits[i];
		const char *old = e->existed && e->old_data ? e->old_data : "";
		size_t len = e->existed ? e->old_len : 0;
		/* An argument of a shell command holds no NUL byte. */
		if (memchr(old, '\0', len)) {
			*cause = xasprintf(T("guard: %s holds NUL bytes and cannot be copied by the "
					     "guard",
					     "守护：%s 含有 NUL 字节，守护进程无法复制它"),
					   e->path);
			rc = -EINVAL;
		}
		args[4 + i] = old;
		total += len;
	}
	if (rc == 0 && total > GUARD_REMOTE_MAX_BYTES) {
		*cause = xasprintf(T("guard: the files to put back are too large for it (%zu bytes; "
				     "at most %u)",
				     "守护：要恢复的文件太大（%zu 字节；最多 %u）"),
				   total, (unsigned)GUARD_REMOTE_MAX_BYTES);
		rc = -EFBIG;
	}
	char *out = NULL;
	if (rc == 0)
		rc = run_script(t, T("cannot start the guard", "无法启动守护进程"), start_sh, args,
				&out, cause);
	free(args);
	free(script);
	if (rc < 0)
		return rc;
	long v = 0;
	char *gdir = parse_started(out, &v);
	if (!gdir) {
		*cause = xasprintf(T("cannot start the guard on %s: unexpected answer '%s'",
				     "无法在 %s 上启动守护进程：意外的回答“%s”"),
				   t->name, str_trim(out));
		free(out);
		return -EIO;
	}
	free(out);
	*pid = v;
	if (dir)
		*dir = gdir;
	else
		free(gdir);
	return 0;
}

int guard_remote_confirm(struct target *t, const char *journal_dir, const char *which,
			 char **msg)
{
	*msg = NULL;
	char *out = NULL, *cause = NULL;
	char *json = json_text(T("confirmed over a new connection", "已通过新的连接确认"));
	const char *const args[] = { base_of(t, journal_dir), which ? which : "", json, NULL };
	int rc = run_script(t, T("cannot confirm", "无法确认"), confirm_sh, args, &out, &cause);
	free(json);
	if (rc < 0) {
		*msg = cause;
		return rc;
	}
	char *line = str_trim(out);
	char *status = line, *entry = "", *detail = "";
	char *sp = strchr(line, ' ');
	if (sp) {
		*sp = '\0';
		entry = sp + 1;
		char *sp2 = strchr(entry, ' ');
		if (sp2) {
			*sp2 = '\0';
			detail = sp2 + 1;
		}
	}
	if (strcmp(status, "none") == 0) {
		*msg = which ? xasprintf(T("entry %s has no change waiting for confirmation on %s",
					   "条目 %s 在 %s 上没有等待确认的更改"),
					 which, t->name)
			     : xasprintf(T("no change waits for confirmation on %s",
					   "%s 上没有等待确认的更改"),
					 t->name);
		rc = -ENOENT;
	} else if (strcmp(status, "same") == 0) {
		*msg = xasprintf(T("refused: this is the SSH connection that made the change (%s). "
				   "Confirm over a NEW connection: only a new login proves you can "
				   "still get in",
				   "拒绝：这是做出更改的那个 SSH 连接（%s）。请通过新的连接确认："
				   "只有新的登录才能证明你仍能登录"),
				 detail);
		rc = -EPERM;
	} else if (strcmp(status, "confirmed") == 0 || strcmp(status, "gone") == 0) {
		*msg = xasprintf(T("entry %s confirmed on %s: the change stays%s%s",
				   "条目 %s 已在 %s 上确认：更改将保留%s%s"),
				 entry, t->name,
				 strcmp(status, "gone") == 0
					 ? T(" (its guard was no longer running)",
					     "（其守护进程已不在运行）")
					 : "",
				 strcmp(detail, "unrecorded") == 0
					 ? T("; the journal there could not record it (its lock "
					     "stayed taken)",
					     "；该处的日志未能记录此确认（其锁一直被占用）")
					 : "");
		rc = 0;
	} else if (strcmp(status, "already") == 0) {
		*msg = xasprintf(T("entry %s is already confirmed", "条目 %s 已确认"), entry);
		rc = 0;
	} else if (strcmp(status, "late") == 0) {
		*msg = xasprintf(T("too late: entry %s was not confirmed in time and its guard on %s "
				   "put the files back and reloaded sshd (%s)",
				   "太晚了：条目 %s 未在时限内确认，%s 上的守护进程已恢复文件并重新加载 "
				   "sshd（%s）"),
				 entry, t->name, detail);
		rc = -ETIMEDOUT;
	} else {
		*msg = xasprintf(T("cannot confirm on %s: unexpected answer '%s'",
				   "无法在 %s 上确认：意外的回答“%s”"),
				 t->name, line);
		rc = -EIO;
	}
	free(out);
	return rc;
}

/* ---- the strategy ---- */

/* A running Linux machine that is not this one and runs commands: the
 * change is made over asr-doctor's own link to it. */
static bool remote_serves(const struct target *t)
{
	return t->live && !t->this_machine && t->can_run && t->os == TARGET_OS_LINUX;
}

static enum guard_need remote_need(const struct target *t, const char *ssh_connection,
				   const char **why)
{
	(void)t;
	(void)ssh_connection;
	*why = NULL;
	return GUARD_NEEDED;
}

static int remote_start(struct target *t, const struct guard_spec *g, long *pid, char **cause)
{
	return guard_remote_start(t, g->journal_dir, g->entry_id, g->within_s, g->plan, pid, NULL,
				  cause);
}

static int remote_confirm(struct target *t, const char *journal_dir, const char *which,
			  const char *ssh_connection, char **msg)
{
	(void)ssh_connection;
	return guard_remote_confirm(t, journal_dir, which, msg);
}

static int remote_waiting(struct target *t, const char *journal_dir, char **entry, char **cause)
{
	*entry = NULL;
	char *out = NULL;
	const char *const args[] = { base_of(t, journal_dir), NULL };
	int rc = run_script(t, T("cannot look for a waiting guard", "无法查找等待中的守护进程"),
			    waiting_sh, args, &out, cause);
	if (rc < 0)
		return rc;
	str_trim(out);
	if (!*out) {
		free(out);
		return 0;
	}
	*entry = out;
	return 1;
}

const struct guard_strategy guard_remote = {
	.name = "remote process",
	.serves = remote_serves,
	.need = remote_need,
	.start = remote_start,
	.confirm = remote_confirm,
	.waiting = remote_waiting,
};
