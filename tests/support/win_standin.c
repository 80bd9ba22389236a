/* win_standin.c: a STAND-IN for a Windows machine's commands, for tests
 * only (no Windows runs here). It is built as its own program
 * (build/.../tests/support/win-standin) and takes a command line exactly
 * as a Windows OpenSSH server hands it to cmd.exe: from
 * $SSH_ORIGINAL_COMMAND when it runs as sshd's ForceCommand, or as its
 * last argument:
 *
 *     win-standin --state DIR [LINE]
 *
 * It reads the line as cmd.exe does and each command as the C runtime
 * splits it (tests/support/winmodel.c, the model test_winquote.c checks
 * win_cmdline against), then answers whoami [/groups], hostname, ver,
 * chcp, reg query/add/delete, net user NAME [/domain] [/active:yes|no],
 * net share, sc query/qc/config/start/stop, netsh advfirewall (show
 * allprofiles state, firewall show rule name=all, firewall set rule
 * group=... new enable=yes|no), the PowerShell lines the checks and fixes
 * send (a rule group listed by its reference with the active profiles,
 * as engine/winparse.h's WINFW_PS_PRE writes it), and the agent's VSS provider script, in the formats of the
 * recorded real outputs in tests/fixtures/windows (CRLF, the same
 * columns; netsh's rule list in German when DIR/lang says "de", as
 * netsh-rules-de.txt shows it). Commands joined by & && || run in turn, a
 * command's " 2>&1" sends its error output to its output, and `call`
 * reads its command's %NAME% again (%errorlevel% is the status of the
 * command before), as a batched line of engine/target/winbatch.h needs. An unknown command answers as cmd.exe
 * does (exit 9009, "is not recognized ..."), echo as cmd.exe's own (after
 * %NAME% expansion: %ProgramData% is DIR/programdata's). As the SFTP
 * subsystem (sshd hands it the sftp-server's path) it serves the files of
 * DIR/fs with the paths of a Windows OpenSSH server (win_sftp.c: /C:/...
 * is DIR/fs/C:/...). Output is written in the code
 * page of DIR/codepage (437 when absent; 65001 is UTF-8), so a reader has
 * to decode it.
 *
 * Its state is plain text in DIR, one record a line, fields split by tabs,
 * so that a test seeds it and reads it back, and a fix, the re-check and
 * the undo are all seen through the commands:
 *   host       computer name            user      DOMAIN\name for whoami
 *   groups     admin | filtered | user  codepage  a number
 *   lang       en | de                  domain    a domain name (joined) or absent
 *   trust      True | False             reach     hosts that answer on 9443
 *   registry   KEY, or KEY NAME TYPE DATA (DATA as reg shows it)
 *   users      NAME ACTIVE(Yes|No|Locked) EXPIRES FULLNAME
 *   services   NAME STATE(RUNNING|STOPPED) START(2|2d|3|4) DISPLAY [TYPE as sc
 *              shows it, "20  WIN32_SHARE_PROCESS" when absent]
 *   shares     NAME RESOURCE REMARK
 *   fwstate    ON|OFF for Domain, Private, Public (one line, spaces)
 *   curprofiles  the active profiles' bits (1 Domain, 2 Private, 4 Public)
 *   rules      ID GROUPREF ENABLED(Yes|No) DIR(In|Out) PROFILES GROUPING
 *              PROTOCOL LOCALPORT NAME (display strings in the machine's
 *              language; PROFILES in English, shown translated)
 *   programs   paths of programs installed besides the system's (the
 *              agent's InMageVSSProvider_Install.cmd)
 *   programdata  %ProgramData% (C:\ProgramData when absent)
 *   hold       the start of a command ("reg add") that waits while this
 *              file exists
 *   nocall     when present, `call` is not known (a batched line's
 *              markers never come back)
 *   fs/        the drives' files, a folder per drive (fs/C:/ProgramData)
 *   log        every line received, appended (exactly as received)
 *
 * Exit statuses are the Windows codes; a Linux process passes on only
 * their low 8 bits (9009 arrives as 49), never 0 for a failure. */
#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "engine/util/util.h"
#include "engine/winparse.h"
#include "support/win_sftp.h"
#include "support/winmodel.h"

/* ---- state ------------------------------------------------------------ */

static const char *state_dir;

/* One table of the state: rows of tab-separated fields. */
struct table {
	struct strvec *rows; /* owned array of rows */
	size_t n;
};

static char *state_path(const char *name)
{
	return xasprintf("%s/%s", state_dir, name);
}

/* A small state file's first line, trimmed, or dflt (copied). */
static char *state_word(const char *name, const char *dflt)
{
	char *p = state_path(name);
	char *data = util_read_file(p, 1 << 20, NULL);
	free(p);
	if (!data)
		return dflt ? xstrdup(dflt) : NULL;
	data[strcspn(data, "\r\n")] = '\0';
	char *t = xstrdup(str_trim(data));
	free(data);
	return t;
}

static void split_tabs(const char *line, struct strvec *out)
{
	for (const char *p = line;;) {
		const char *tab = strchr(p, '\t');
		if (!tab) {
			sv_push(out, p);
			break;
		}
		sv_take(out, xstrndup(p, (size_t)(tab - p)));
		p = tab + 1;
	}
}

static void table_load(const char *name, struct table *t)
{
	memset(t, 0, sizeof *t);
	char *p = state_path(name);
	char *data = util_read_file(p, 16 << 20, NULL);
	free(p);
	if (!data)
		return;
	for (char *line = data; *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (*line) {
			t->rows = xrealloc(t->rows, (t->n + 1) * sizeof *t->rows);
			memset(&t->rows[t->n], 0, sizeof *t->rows);
			split_tabs(line, &t->rows[t->n++]);
		}
		if (!nl)
			break;
		line = nl + 1;
	}
	free(data);
}

/* Field i of row r, or "" when the row is shorter. */
static const char *fld(const struct table *t, size_t r, size_t i)
{
	return i < t->rows[r].n ? t->rows[r].v[i] : "";
}

static void table_set(struct table *t, size_t r, size_t i, const char *v)
{
	while (t->rows[r].n <= i)
		sv_push(&t->rows[r], "");
	free(t->rows[r].v[i]);
	t->rows[r].v[i] = xstrdup(v);
}

static size_t table_add(struct table *t)
{
	t->rows = xrealloc(t->rows, (t->n + 1) * sizeof *t->rows);
	memset(&t->rows[t->n], 0, sizeof *t->rows);
	return t->n++;
}

static void table_remove(struct table *t, size_t r)
{
	sv_free(&t->rows[r]);
	memmove(&t->rows[r], &t->rows[r + 1], (t->n - r - 1) * sizeof *t->rows);
	t->n--;
}

/* Writes the table back (a temporary file renamed over the old one). */
static void table_save(const char *name, const struct table *t)
{
	char *p = state_path(name);
	char *tmp = xasprintf("%s.tmp", p);
	FILE *f = fopen(tmp, "w");
	if (!f) {
		fprintf(stderr, "win-standin: cannot write %s: %s\n", tmp, strerror(errno));
		exit(125);
	}
	for (size_t r = 0; r < t->n; r++) {
		for (size_t i = 0; i < t->rows[r].n; i++)
			fprintf(f, "%s%s", i ? "\t" : "", t->rows[r].v[i]);
		fputc('\n', f);
	}
	if (fclose(f) != 0 || rename(tmp, p) != 0) {
		fprintf(stderr, "win-standin: cannot write %s\n", p);
		exit(125);
	}
	free(tmp);
	free(p);
}

static void table_free(struct table *t)
{
	for (size_t r = 0; r < t->n; r++)
		sv_free(&t->rows[r]);
	free(t->rows);
	memset(t, 0, sizeof *t);
}

/* The row whose field 0 is name (without regard to case), or -1. */
static long table_find(const struct table *t, const char *name)
{
	for (size_t r = 0; r < t->n; r++)
		if (str_ieq(fld(t, r, 0), name))
			return (long)r;
	return -1;
}

/* ---- output ------------------------------------------------------------ */

/* What the commands of one line print (UTF-8 until written out). */
static struct sbuf out, err;
static bool german;

/* Writes s in code page cp: each character iconv cannot map becomes '?',
 * as a console does. */
static void write_cp(int fd, const char *s, size_t len, unsigned cp)
{
	if (cp == 65001) {
		if (write(fd, s, len) < 0)
			exit(125);
		return;
	}
	char name[16];
	snprintf(name, sizeof name, "CP%u", cp);
	iconv_t cd = iconv_open(name, "UTF-8");
	if (cd == (iconv_t)-1) {
		fprintf(stderr, "win-standin: no converter for %s\n", name);
		exit(125);
	}
	struct sbuf b = { 0 };
	char *in = (char *)s;
	size_t left = len;
	while (left) {
		char buf[256];
		char *o = buf;
		size_t room = sizeof buf;
		size_t rc = iconv(cd, &in, &left, &o, &room);
		sb_addn(&b, buf, (size_t)(o - buf));
		if (rc == (size_t)-1 && errno != E2BIG) {
			/* Skip one UTF-8 character. */
			sb_addc(&b, '?');
			in++;
			left--;
			while (left && ((unsigned char)*in & 0xC0) == 0x80) {
				in++;
				left--;
			}
		}
	}
	iconv_close(cd);
	if (b.len && write(fd, sb_str(&b), b.len) < 0)
		exit(125);
	sb_free(&b);
}

/* ---- cmd.exe's variables ----------------------------------------------- */

static char *env_user, *env_host, *env_domain, *env_programdata;

/* %errorlevel%: the status of the last command that ran, as cmd.exe
 * keeps it (the whole Windows code, not the 8 bits a process returns). */
static char errorlevel[16] = "0";

static const char *standin_env(const char *name, size_t n, void *arg)
{
	(void)arg;
	static const char *const fixed[][2] = {
		{ "SystemRoot", "C:\\Windows" },
		{ "windir", "C:\\Windows" },
		{ "ProgramFiles", "C:\\Program Files" },
		{ "ProgramFiles(x86)", "C:\\Program Files (x86)" },
		{ "ComSpec", "C:\\Windows\\system32\\cmd.exe" },
		{ "OS", "Windows_NT" },
		{ "PATH", "C:\\Windows\\system32;C:\\Windows;C:\\Windows\\System32\\Wbem;"
			  "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\;"
			  "C:\\Windows\\System32\\OpenSSH\\" },
		{ "PATHEXT", ".COM;.EXE;.BAT;.CMD;.VBS;.VBE;.JS;.JSE;.WSF;.WSH;.MSC" },
	};
	for (size_t i = 0; i < ARRAY_LEN(fixed); i++)
		if (strlen(fixed[i][0]) == n && strncasecmp(fixed[i][0], name, n) == 0)
			return fixed[i][1];
	if (n == 10 && strncasecmp(name, "errorlevel", n) == 0)
		return errorlevel;
	if (n == 8 && strncasecmp(name, "USERNAME", n) == 0)
		return env_user;
	if (n == 12 && strncasecmp(name, "COMPUTERNAME", n) == 0)
		return env_host;
	if (n == 10 && strncasecmp(name, "USERDOMAIN", n) == 0)
		return env_domain;
	/* Where the machine keeps its programs' data: DIR/programdata, so
	 * that a test can tell a reader that asks from one that assumes. */
	if (n == 11 && strncasecmp(name, "ProgramData", n) == 0)
		return env_programdata;
	return NULL;
}

/* ---- the commands ------------------------------------------------------- */

static int not_recognized(const char *name)
{
	sb_printf(&err,
		  "'%s' is not recognized as an internal or external command,\r\n"
		  "operable program or batch file.\r\n",
		  name);
	return 9009;
}

static int cmd_whoami(const struct strvec *a)
{
	char *who = state_word("user", "web01\\asrpush");
	if (a->n == 1) {
		for (char *p = who; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		sb_printf(&out, "%s\r\n", who);
		free(who);
		return 0;
	}
	free(who);
	if (a->n != 2 || !str_ieq(a->v[1], "/groups")) {
		sb_add(&err, "ERROR: Invalid argument/option - '");
		sb_add(&err, a->n > 1 ? a->v[1] : "");
		sb_add(&err, "'.\r\nType \"WHOAMI /?\" for usage.\r\n");
		return 1;
	}
	char *g = state_word("groups", "admin");
	static const char *const head =
	    "\r\nGROUP INFORMATION\r\n-----------------\r\n\r\n"
	    "Group Name                                                    Type             SID          Attributes                                                     \r\n"
	    "============================================================= ================ ============ ===============================================================\r\n";
	static const char *const enabled = "Mandatory group, Enabled by default, Enabled group";
	static const char *const deny = "Group used for deny only";
	bool admin = strcmp(g, "user") != 0, filtered = strcmp(g, "filtered") == 0;
	const char *attr = filtered ? deny : enabled;
	sb_add(&out, head);
	/* As whoami-groups-admin.txt shows it: a list of attributes that
	 * fills its column is followed by four more spaces. */
#define ROW(name, type, sid, attrs)                                                    \
	sb_printf(&out, "%-61s %-16s %-12s %-63s%s\r\n", name, type, sid, attrs, \
		  strlen(attrs) >= 63 ? "    " : "")
	ROW("Everyone", "Well-known group", "S-1-1-0", enabled);
	if (admin) {
		ROW("NT AUTHORITY\\Local account and member of Administrators group",
		    "Well-known group", "S-1-5-114", attr);
		char *a544 = xasprintf("%s%s", attr, filtered ? "" : ", Group owner");
		ROW("BUILTIN\\Administrators", "Alias", "S-1-5-32-544", a544);
		free(a544);
	}
	ROW("BUILTIN\\Users", "Alias", "S-1-5-32-545", enabled);
	ROW("NT AUTHORITY\\NETWORK", "Well-known group", "S-1-5-2", enabled);
	ROW("NT AUTHORITY\\Authenticated Users", "Well-known group", "S-1-5-11", enabled);
	ROW("NT AUTHORITY\\This Organization", "Well-known group", "S-1-5-15", enabled);
	ROW("NT AUTHORITY\\Local account", "Well-known group", "S-1-5-113", enabled);
	ROW("NT AUTHORITY\\NTLM Authentication", "Well-known group", "S-1-5-64-10", enabled);
	if (admin && !filtered)
		ROW("Mandatory Label\\High Mandatory Level", "Label", "S-1-16-12288", "");
	else
		ROW("Mandatory Label\\Medium Mandatory Level", "Label", "S-1-16-8192", "");
#undef ROW
	free(g);
	return 0;
}

static int cmd_chcp(const struct strvec *a)
{
	char *cp = state_word("codepage", "437");
	if (a->n >= 2) {
		long v;
		if (!str_to_long(a->v[1], &v) || v <= 0) {
			sb_add(&err, "Parameter format not correct - ");
			sb_add(&err, a->v[1]);
			sb_add(&err, "\r\n");
			free(cp);
			return 1;
		}
		free(cp);
		cp = xasprintf("%ld", v);
		char *p = state_path("codepage");
		FILE *f = fopen(p, "w");
		if (f) {
			fprintf(f, "%s\n", cp);
			fclose(f);
		}
		free(p);
	}
	if (german)
		sb_printf(&out, "Aktive Codepage: %s.\r\n", cp);
	else
		sb_printf(&out, "Active code page: %s\r\n", cp);
	free(cp);
	return 0;
}

/* ---- reg ---- */

static const char *const reg_roots[][2] = {
	{ "HKLM", "HKEY_LOCAL_MACHINE" },
	{ "HKCU", "HKEY_CURRENT_USER" },
	{ "HKCR", "HKEY_CLASSES_ROOT" },
	{ "HKU", "HKEY_USERS" },
	{ "HKCC", "HKEY_CURRENT_CONFIG" },
};

/* A key as reg names it in its output (HKLM\x -> HKEY_LOCAL_MACHINE\x),
 * without a trailing backslash; NULL when the root is not one. */
static char *reg_key(const char *k)
{
	const char *bs = strchr(k, '\\');
	size_t rl = bs ? (size_t)(bs - k) : strlen(k);
	for (size_t i = 0; i < ARRAY_LEN(reg_roots); i++)
		if ((strlen(reg_roots[i][0]) == rl && strncasecmp(reg_roots[i][0], k, rl) == 0) ||
		    (strlen(reg_roots[i][1]) == rl && strncasecmp(reg_roots[i][1], k, rl) == 0)) {
			char *s = xasprintf("%s%s", reg_roots[i][1], bs ? bs : "");
			size_t n = strlen(s);
			while (n && s[n - 1] == '\\')
				s[--n] = '\0';
			return s;
		}
	return NULL;
}

static int reg_error_missing(void)
{
	sb_add(&err, "ERROR: The system was unable to find the specified registry key or value.\r\n");
	return 1;
}

static int reg_syntax(const char *op)
{
	sb_printf(&err, "ERROR: Invalid syntax.\r\nType \"REG %s /?\" for usage.\r\n", op);
	return 1;
}

/* Whether key (full name) exists: a row names it or a key under it. */
static bool reg_exists(const struct table *t, const char *key)
{
	size_t kl = strlen(key);
	for (size_t r = 0; r < t->n; r++) {
		const char *k = fld(t, r, 0);
		if (strncasecmp(k, key, kl) == 0 && (k[kl] == '\0' || k[kl] == '\\'))
			return true;
	}
	return false;
}

static long reg_value(const struct table *t, const char *key, const char *name)
{
	for (size_t r = 0; r < t->n; r++)
		if (t->rows[r].n >= 4 && str_ieq(fld(t, r, 0), key) && str_ieq(fld(t, r, 1), name))
			return (long)r;
	return -1;
}

static int cmp_icase(const void *a, const void *b)
{
	return strcasecmp(*(char *const *)a, *(char *const *)b);
}

static int reg_query(const struct table *t, const struct strvec *a)
{
	if (a->n < 3)
		return reg_syntax("QUERY");
	char *key = reg_key(a->v[2]);
	if (!key)
		return reg_syntax("QUERY");
	const char *want = NULL;
	for (size_t i = 3; i < a->n; i++) {
		if (str_ieq(a->v[i], "/v") && i + 1 < a->n)
			want = a->v[++i];
		else {
			free(key);
			return reg_syntax("QUERY");
		}
	}
	if (!reg_exists(t, key)) {
		free(key);
		return reg_error_missing();
	}
	if (want) {
		long r = reg_value(t, key, want);
		if (r < 0) {
			free(key);
			return reg_error_missing();
		}
		sb_printf(&out, "\r\n%s\r\n    %s    %s    %s\r\n\r\n", key, fld(t, (size_t)r, 1),
			  fld(t, (size_t)r, 2), fld(t, (size_t)r, 3));
		free(key);
		return 0;
	}
	bool values = false;
	for (size_t r = 0; r < t->n; r++)
		if (t->rows[r].n >= 4 && str_ieq(fld(t, r, 0), key)) {
			if (!values)
				sb_printf(&out, "\r\n%s\r\n", key);
			values = true;
			sb_printf(&out, "    %s    %s    %s\r\n", fld(t, r, 1), fld(t, r, 2),
				  fld(t, r, 3));
		}
	sb_add(&out, "\r\n");
	struct strvec subs = { 0 };
	size_t kl = strlen(key);
	for (size_t r = 0; r < t->n; r++) {
		const char *k = fld(t, r, 0);
		if (strncasecmp(k, key, kl) != 0 || k[kl] != '\\')
			continue;
		const char *rest = k + kl + 1;
		char *child = xstrndup(k, kl + 1 + strcspn(rest, "\\"));
		bool seen = false;
		for (size_t i = 0; i < subs.n; i++)
			seen = seen || str_ieq(subs.v[i], child);
		if (seen)
			free(child);
		else
			sv_take(&subs, child);
	}
	if (subs.n)
		qsort(subs.v, subs.n, sizeof *subs.v, cmp_icase);
	for (size_t i = 0; i < subs.n; i++)
		sb_printf(&out, "%s\r\n", subs.v[i]);
	sv_free(&subs);
	free(key);
	return 0;
}

/* The data of a value as reg shows it, from /d as given for type. */
static char *reg_data(const char *type, const char *d)
{
	if (str_ieq(type, "REG_DWORD")) {
		char *end = NULL;
		errno = 0;
		unsigned long v = strtoul(d, &end, 0);
		if (!*d || *end || errno || v > 0xFFFFFFFFul || d[0] == '-')
			return NULL;
		return xasprintf("0x%lx", v);
	}
	if (str_ieq(type, "REG_SZ") || str_ieq(type, "REG_EXPAND_SZ"))
		return xstrdup(d);
	return NULL;
}

static int reg_add(struct table *t, const struct strvec *a)
{
	if (a->n < 3)
		return reg_syntax("ADD");
	char *key = reg_key(a->v[2]);
	if (!key)
		return reg_syntax("ADD");
	const char *name = NULL, *type = "REG_SZ", *data = "";
	bool force = false;
	for (size_t i = 3; i < a->n; i++) {
		if (str_ieq(a->v[i], "/v") && i + 1 < a->n)
			name = a->v[++i];
		else if (str_ieq(a->v[i], "/t") && i + 1 < a->n)
			type = a->v[++i];
		else if (str_ieq(a->v[i], "/d") && i + 1 < a->n)
			data = a->v[++i];
		else if (str_ieq(a->v[i], "/f"))
			force = true;
		else {
			free(key);
			return reg_syntax("ADD");
		}
	}
	char *shown = reg_data(type, data);
	if (!shown) {
		free(key);
		return reg_syntax("ADD");
	}
	long r = name ? reg_value(t, key, name) : -1;
	if (r >= 0 && !force) {
		/* reg asks, and nobody answers on a channel without input. */
		sb_printf(&out, "Value %s exists, overwrite(Yes/No)? ", name);
		sb_add(&err, "The operation was canceled by the user.\r\n");
		free(shown);
		free(key);
		return 1;
	}
	if (!reg_exists(t, key)) {
		size_t k = table_add(t);
		table_set(t, k, 0, key);
	}
	if (name) {
		if (r < 0) {
			r = (long)table_add(t);
			table_set(t, (size_t)r, 0, key);
			table_set(t, (size_t)r, 1, name);
		}
		char *up = xstrdup(type);
		for (char *p = up; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		table_set(t, (size_t)r, 2, up);
		table_set(t, (size_t)r, 3, shown);
		free(up);
	}
	free(shown);
	free(key);
	sb_add(&out, "The operation completed successfully.\r\n\r\n");
	return 0;
}

static int reg_delete(struct table *t, const struct strvec *a)
{
	if (a->n < 3)
		return reg_syntax("DELETE");
	char *key = reg_key(a->v[2]);
	if (!key)
		return reg_syntax("DELETE");
	const char *name = NULL;
	bool force = false;
	for (size_t i = 3; i < a->n; i++) {
		if (str_ieq(a->v[i], "/v") && i + 1 < a->n)
			name = a->v[++i];
		else if (str_ieq(a->v[i], "/f"))
			force = true;
		else {
			free(key);
			return reg_syntax("DELETE");
		}
	}
	if (!name || !force) {
		/* Whole keys and the question without /f are not modelled. */
		free(key);
		return reg_syntax("DELETE");
	}
	long r = reg_value(t, key, name);
	free(key);
	if (r < 0)
		return reg_error_missing();
	table_remove(t, (size_t)r);
	sb_add(&out, "The operation completed successfully.\r\n\r\n");
	return 0;
}

static int cmd_reg(const struct strvec *a)
{
	if (a->n < 2)
		return reg_syntax("");
	struct table t;
	table_load("registry", &t);
	int rc;
	if (str_ieq(a->v[1], "query"))
		rc = reg_query(&t, a);
	else if (str_ieq(a->v[1], "add"))
		rc = reg_add(&t, a);
	else if (str_ieq(a->v[1], "delete"))
		rc = reg_delete(&t, a);
	else
		rc = reg_syntax("");
	if (rc == 0 && !str_ieq(a->v[1], "query"))
		table_save("registry", &t);
	table_free(&t);
	return rc;
}

/* ---- net ---- */

static int net_help(void)
{
	sb_add(&err, "The syntax of this command is:\r\n\r\nNET\r\n"
		     "    [ ACCOUNTS | COMPUTER | CONFIG | CONTINUE | FILE | GROUP | HELP |\r\n"
		     "      HELPMSG | LOCALGROUP | PAUSE | SESSION | SHARE | START |\r\n"
		     "      STATISTICS | STOP | TIME | USE | USER | VIEW ]\r\n\r\n");
	return 1;
}

static void net_field(const char *label, const char *value)
{
	sb_printf(&out, "%-29s%s\r\n", label, value);
}

static int net_user(const struct strvec *a)
{
	if (a->n < 3)
		return net_help();
	const char *name = a->v[2];
	const char *active = NULL;
	bool domain = false;
	for (size_t i = 3; i < a->n; i++) {
		if (str_ieq(a->v[i], "/domain"))
			domain = true;
		else if (strncasecmp(a->v[i], "/active:", 8) == 0)
			active = a->v[i] + 8;
		else if (str_ieq(a->v[i], "/active"))
			active = "yes";
		else
			return net_help();
	}
	if (active && !str_ieq(active, "yes") && !str_ieq(active, "no"))
		return net_help();
	char *dom = state_word("domain", NULL);
	if (domain) {
		sb_printf(&out,
			  "The request will be processed at a domain controller for domain %s.\r\n\r\n",
			  dom ? dom : "WORKGROUP");
		if (!dom) {
			sb_add(&err, "System error 1355 has occurred.\r\n\r\n"
				     "The specified domain either does not exist or could not be "
				     "contacted.\r\n\r\n");
			return 2;
		}
	}
	free(dom);
	struct table t;
	table_load("users", &t);
	long r = table_find(&t, name);
	if (r < 0) {
		table_free(&t);
		sb_add(&err, "The user name could not be found.\r\n\r\n"
			     "More help is available by typing NET HELPMSG 2221.\r\n\r\n");
		return 2;
	}
	size_t u = (size_t)r;
	if (active) {
		table_set(&t, u, 1, str_ieq(active, "yes") ? "Yes" : "No");
		table_save("users", &t);
		table_free(&t);
		sb_add(&out, "The command completed successfully.\r\n\r\n");
		return 0;
	}
	net_field("User name", fld(&t, u, 0));
	net_field("Full Name", fld(&t, u, 3));
	net_field("Comment", "");
	net_field("User's comment", "");
	net_field("Country/region code", "000 (System Default)");
	net_field("Account active", fld(&t, u, 1));
	net_field("Account expires", *fld(&t, u, 2) ? fld(&t, u, 2) : "Never");
	sb_add(&out, "\r\n");
	net_field("Password last set", "3/14/2024 10:21:33 AM");
	net_field("Password expires", "Never");
	net_field("Password changeable", "3/15/2024 10:21:33 AM");
	net_field("Password required", "Yes");
	net_field("User may change password", "Yes");
	sb_add(&out, "\r\n");
	net_field("Workstations allowed", "All");
	net_field("Logon script", "");
	net_field("User profile", "");
	net_field("Home directory", "");
	net_field("Last logon", "4/2/2024 9:01:12 AM");
	sb_add(&out, "\r\n");
	net_field("Logon hours allowed", "All");
	sb_add(&out, "\r\n");
	net_field("Local Group Memberships", "*Administrators       ");
	net_field("Global Group memberships", "*None                 ");
	sb_add(&out, "The command completed successfully.\r\n\r\n");
	table_free(&t);
	return 0;
}

static int net_share(void)
{
	struct table t;
	table_load("shares", &t);
	sb_add(&out, "\r\nShare name   Resource                        Remark\r\n\r\n"
		     "-------------------------------------------------------------------------------\r\n");
	for (size_t r = 0; r < t.n; r++)
		sb_printf(&out, "%-13s%-32s%-34s\r\n", fld(&t, r, 0), fld(&t, r, 1), fld(&t, r, 2));
	sb_add(&out, "The command completed successfully.\r\n\r\n");
	table_free(&t);
	return 0;
}

static int cmd_net(const struct strvec *a)
{
	if (a->n >= 2 && str_ieq(a->v[1], "user"))
		return net_user(a);
	if (a->n == 2 && str_ieq(a->v[1], "share"))
		return net_share();
	return net_help();
}

/* ---- sc ---- */

static int sc_missing(const char *what)
{
	sb_printf(&out, "[SC] %s FAILED 1060:\r\n\r\n"
			"The specified service does not exist as an installed service.\r\n\r\n",
		  what);
	return 1060;
}

static void sc_status_block(const char *name, const char *type, int state, const char *state_name,
			    const char *flags, bool started)
{
	sb_printf(&out, "\r\nSERVICE_NAME: %s \r\n", name);
	sb_printf(&out, "        TYPE               : %s  \r\n", *type ? type : "20  WIN32_SHARE_PROCESS");
	sb_printf(&out, "        STATE              : %d  %s \r\n", state, state_name);
	if (flags)
		sb_printf(&out, "                                (%s)\r\n", flags);
	if (state == 1)
		sb_add(&out, "        WIN32_EXIT_CODE    : 1077  (0x435)\r\n");
	else
		sb_add(&out, "        WIN32_EXIT_CODE    : 0  (0x0)\r\n");
	sb_add(&out, "        SERVICE_EXIT_CODE  : 0  (0x0)\r\n"
		     "        CHECKPOINT         : 0x0\r\n");
	sb_printf(&out, "        WAIT_HINT          : %s\r\n", started ? "0x7d0" : "0x0");
	if (started)
		sb_add(&out, "        PID                : 688\r\n        FLAGS              : \r\n");
}

static const char *start_name(const char *s)
{
	if (!strcmp(s, "2") || !strcmp(s, "2d"))
		return "AUTO_START";
	if (!strcmp(s, "4"))
		return "DISABLED";
	if (!strcmp(s, "0"))
		return "BOOT_START";
	if (!strcmp(s, "1"))
		return "SYSTEM_START";
	return "DEMAND_START";
}

static int cmd_sc(const struct strvec *a)
{
	if (a->n < 3) {
		sb_add(&out, "DESCRIPTION:\r\n        SC is a command line program used for "
			     "communicating with the\r\n        Service Control Manager and "
			     "services.\r\n");
		return 1639;
	}
	const char *op = a->v[1], *name = a->v[2];
	struct table t;
	table_load("services", &t);
	long r = table_find(&t, name);
	int rc = 0;
	bool save = false;
	if (str_ieq(op, "query")) {
		if (r < 0) {
			sb_add(&out, "[SC] EnumQueryServicesStatus:OpenService FAILED 1060:\r\n\r\n"
				     "The specified service does not exist as an installed "
				     "service.\r\n\r\n");
			rc = 1060;
		} else if (!strcmp(fld(&t, (size_t)r, 1), "RUNNING")) {
			sc_status_block(name, r >= 0 ? fld(&t, (size_t)r, 4) : "", 4, "RUNNING", "STOPPABLE, PAUSABLE, ACCEPTS_SHUTDOWN",
					false);
		} else {
			sc_status_block(name, r >= 0 ? fld(&t, (size_t)r, 4) : "", 1, "STOPPED", NULL, false);
		}
	} else if (str_ieq(op, "qc")) {
		if (r < 0) {
			rc = sc_missing("OpenService");
		} else {
			const char *st = fld(&t, (size_t)r, 2);
			sb_add(&out, "[SC] QueryServiceConfig SUCCESS\r\n\r\n");
			sb_printf(&out, "SERVICE_NAME: %s\r\n", name);
			sb_add(&out, "        TYPE               : 20  WIN32_SHARE_PROCESS\r\n");
			sb_printf(&out, "        START_TYPE         : %c   %s%s\r\n", st[0] ? st[0] : '3',
				  start_name(st), !strcmp(st, "2d") ? "  (DELAYED)" : "");
			sb_add(&out, "        ERROR_CONTROL      : 1   NORMAL\r\n"
				     "        BINARY_PATH_NAME   : C:\\Windows\\system32\\svchost.exe -k netsvcs -p\r\n"
				     "        LOAD_ORDER_GROUP   : \r\n"
				     "        TAG                : 0\r\n");
			sb_printf(&out, "        DISPLAY_NAME       : %s\r\n", fld(&t, (size_t)r, 3));
			sb_add(&out, "        DEPENDENCIES       : \r\n"
				     "        SERVICE_START_NAME : LocalSystem\r\n");
		}
	} else if (str_ieq(op, "config")) {
		static const char *const kinds[][2] = {
			{ "boot", "0" },   { "system", "1" },   { "auto", "2" },
			{ "demand", "3" }, { "disabled", "4" }, { "delayed-auto", "2d" },
		};
		const char *code = NULL;
		if (a->n == 5 && str_ieq(a->v[3], "start="))
			for (size_t i = 0; i < ARRAY_LEN(kinds); i++)
				if (str_ieq(a->v[4], kinds[i][0]))
					code = kinds[i][1];
		if (r < 0) {
			rc = sc_missing("OpenService");
		} else if (!code) {
			sb_add(&out, "[SC] ChangeServiceConfig FAILED 87:\r\n\r\n"
				     "The parameter is incorrect.\r\n\r\n");
			rc = 87;
		} else {
			table_set(&t, (size_t)r, 2, code);
			save = true;
			sb_add(&out, "[SC] ChangeServiceConfig SUCCESS\r\n");
		}
	} else if (str_ieq(op, "start")) {
		if (r < 0) {
			rc = sc_missing("StartService: OpenService");
		} else if (!strcmp(fld(&t, (size_t)r, 2), "4")) {
			sb_add(&out, "[SC] StartService FAILED 1058:\r\n\r\n"
				     "The service cannot be started, either because it is disabled or "
				     "because it has no enabled devices associated with it.\r\n\r\n");
			rc = 1058;
		} else if (!strcmp(fld(&t, (size_t)r, 1), "RUNNING")) {
			sb_add(&out, "[SC] StartService FAILED 1056:\r\n\r\n"
				     "An instance of the service is already running.\r\n\r\n");
			rc = 1056;
		} else {
			/* Started at once here; a real service reports RUNNING once
			 * it has finished starting. */
			table_set(&t, (size_t)r, 1, "RUNNING");
			save = true;
			sc_status_block(name, r >= 0 ? fld(&t, (size_t)r, 4) : "", 2, "START_PENDING",
					"NOT_STOPPABLE, NOT_PAUSABLE, IGNORES_SHUTDOWN", true);
		}
	} else if (str_ieq(op, "stop")) {
		if (r < 0) {
			rc = sc_missing("OpenService");
		} else if (strcmp(fld(&t, (size_t)r, 1), "RUNNING") != 0) {
			sb_add(&out, "[SC] ControlService FAILED 1062:\r\n\r\n"
				     "The service has not been started.\r\n\r\n");
			rc = 1062;
		} else {
			table_set(&t, (size_t)r, 1, "STOPPED");
			save = true;
			sc_status_block(name, r >= 0 ? fld(&t, (size_t)r, 4) : "", 3, "STOP_PENDING",
					"STOPPABLE, NOT_PAUSABLE, ACCEPTS_SHUTDOWN", false);
		}
	} else {
		rc = 1639;
		sb_add(&out, "[SC] The command is not recognized.\r\n");
	}
	if (save)
		table_save("services", &t);
	table_free(&t);
	return rc;
}

/* ---- netsh ---- */

static const char *de(const char *en)
{
	static const char *const words[][2] = {
		{ "Yes", "Ja" },         { "No", "Nein" },         { "In", "Eingehend" },
		{ "Out", "Ausgehend" },  { "Any", "Beliebig" },     { "Allow", "Zulassen" },
		{ "Domain", "Domäne" }, { "Private", "Privat" },   { "Public", "Öffentlich" },
	};
	if (!german)
		return en;
	for (size_t i = 0; i < ARRAY_LEN(words); i++)
		if (!strcmp(words[i][0], en))
			return words[i][1];
	return en;
}

/* A label padded to netsh's value column (38 characters on screen). */
static void rule_field(const char *en, const char *de_label, const char *value)
{
	const char *label = german ? de_label : en;
	size_t chars = 0;
	for (const char *p = label; *p; p++)
		chars += ((unsigned char)*p & 0xC0) != 0x80;
	sb_add(&out, label);
	for (size_t i = chars; i < 38; i++)
		sb_addc(&out, ' ');
	sb_printf(&out, "%s\r\n", value);
}

static void show_rules(const struct table *t)
{
	for (size_t r = 0; r < t->n; r++) {
		struct sbuf prof = { 0 };
		const char *p = fld(t, r, 4);
		while (*p) {
			size_t n = strcspn(p, ",");
			char *w = xstrndup(p, n);
			sb_printf(&prof, "%s%s", prof.len ? "," : "", de(w));
			free(w);
			p += n;
			if (*p)
				p++;
		}
		sb_add(&out, "\r\n");
		rule_field("Rule Name:", "Regelname:", fld(t, r, 8));
		sb_add(&out, "----------------------------------------------------------------------\r\n");
		rule_field("Enabled:", "Aktiviert:", de(fld(t, r, 2)));
		rule_field("Direction:", "Richtung:", de(fld(t, r, 3)));
		rule_field("Profiles:", "Profile:", sb_str(&prof));
		rule_field("Grouping:", "Gruppierung:", fld(t, r, 5));
		rule_field("LocalIP:", "LocalIP:", de("Any"));
		rule_field("RemoteIP:", "RemoteIP:", de("Any"));
		rule_field("Protocol:", "Protokoll:", fld(t, r, 6));
		if (str_starts(fld(t, r, 6), "ICMP")) {
			sb_add(&out, "                                      Type    Code\r\n"
				     "                                      8       ");
			sb_printf(&out, "%s\r\n", de("Any"));
		} else {
			rule_field("LocalPort:", "LocalPort:", de(fld(t, r, 7)));
			rule_field("RemotePort:", "RemotePort:", de("Any"));
		}
		rule_field("Edge traversal:", "Edgeausnahme:", de("No"));
		rule_field("Action:", "Aktion:", de("Allow"));
		sb_free(&prof);
	}
	sb_add(&out, german ? "\r\nOK.\r\n\r\n" : "\r\nOk.\r\n\r\n");
}

static int cmd_netsh(const struct strvec *a)
{
	bool adv = a->n >= 2 && str_ieq(a->v[1], "advfirewall");
	if (adv && a->n == 5 && str_ieq(a->v[2], "show") && str_ieq(a->v[3], "allprofiles") &&
	    str_ieq(a->v[4], "state")) {
		/* No German recording of this one: English always. */
		char *st = state_word("fwstate", "ON ON ON");
		static const char *const names[] = { "Domain", "Private", "Public" };
		const char *p = st;
		for (size_t i = 0; i < 3; i++) {
			while (*p == ' ')
				p++;
			size_t n = strcspn(p, " ");
			sb_printf(&out, "\r\n%s Profile Settings: \r\n"
					"----------------------------------------------------------------------\r\n"
					"State                                 %.*s\r\n",
				  names[i], (int)n, p);
			p += n;
		}
		sb_add(&out, "Ok.\r\n\r\n");
		free(st);
		return 0;
	}
	if (!adv || a->n < 5 || !str_ieq(a->v[2], "firewall") || !str_ieq(a->v[4], "rule")) {
		sb_add(&out, "The following command was not found: ");
		for (size_t i = 1; i < a->n; i++)
			sb_printf(&out, "%s%s", i > 1 ? " " : "", a->v[i]);
		sb_add(&out, ".\r\n");
		return 1;
	}
	struct table t;
	table_load("rules", &t);
	int rc = 0;
	if (str_ieq(a->v[3], "show") && a->n == 6 && str_ieq(a->v[5], "name=all")) {
		show_rules(&t);
	} else if (str_ieq(a->v[3], "set") && a->n == 8 && strncasecmp(a->v[5], "group=", 6) == 0 &&
		   str_ieq(a->v[6], "new") &&
		   (str_ieq(a->v[7], "enable=yes") || str_ieq(a->v[7], "enable=no"))) {
		const char *group = a->v[5] + 6;
		const char *to = str_ieq(a->v[7], "enable=yes") ? "Yes" : "No";
		size_t n = 0;
		for (size_t r = 0; r < t.n; r++)
			if (str_ieq(fld(&t, r, 5), group)) {
				table_set(&t, r, 2, to);
				n++;
			}
		if (n) {
			table_save("rules", &t);
			sb_printf(&out, "\r\nUpdated %zu rule(s).\r\nOk.\r\n\r\n", n);
		} else {
			sb_add(&out, "\r\nNo rules match the specified criteria.\r\n\r\n");
			rc = 1;
		}
	} else {
		sb_add(&out, "A specified value is not valid.\r\n\r\n");
		rc = 1;
	}
	table_free(&t);
	return rc;
}

/* ---- PowerShell ---- */

/* The names in "'A','B'" (single-quoted, comma-separated); false when the
 * text is not exactly that. */
static bool ps_names(const char *s, struct strvec *names)
{
	for (const char *p = s;;) {
		if (*p != '\'')
			return false;
		const char *end = strchr(p + 1, '\'');
		if (!end)
			return false;
		sv_take(names, xstrndup(p + 1, (size_t)(end - p - 1)));
		p = end + 1;
		if (!*p)
			return names->n > 0;
		if (*p != ',')
			return false;
		p++;
	}
}

static int ps_unknown(const char *script)
{
	size_t n = strcspn(script, " ");
	sb_printf(&err,
		  "%.*s : The term '%.*s' is not recognized as the name of a cmdlet, function, "
		  "script file, or operable program. Check the spelling of the name, or if a path "
		  "was included, verify that the path is correct and try again.\r\n",
		  (int)n, script, (int)n, script);
	return 1;
}

static int ps_bool(bool v)
{
	sb_add(&out, v ? "True\r\n" : "False\r\n");
	return 0;
}

/* The check's listing of a rule group by reference (WINFW_PS_PRE ...):
 * the HNetCfg.FwPolicy2 lines first (CurrentProfileTypes from
 * DIR/curprofiles, 1 on a joined machine and 4 otherwise when absent;
 * FirewallEnabled from fwstate), then one line per rule with the enum
 * names PowerShell prints whatever the display language, the flags of
 * Profile joined by ", ", DisplayName as the machine names it. No rule in
 * the group: the cmdlet's error on standard error and exit 1, after the
 * lines already printed, as PowerShell -Command does. */
static int ps_group_listing(const char *group)
{
	char *dom = state_word("domain", NULL);
	char *cur = state_word("curprofiles", dom ? "1" : "4");
	char *st = state_word("fwstate", "ON ON ON");
	sb_printf(&out, "active|%s\r\n", cur);
	const char *p = st;
	for (unsigned i = 0; i < 3; i++) {
		p += strspn(p, " ");
		size_t n = strcspn(p, " ");
		sb_printf(&out, "firewall|%u|%s\r\n", 1u << i,
			  n == 2 && !strncasecmp(p, "ON", 2) ? "True" : "False");
		p += n;
	}
	free(dom);
	free(cur);
	free(st);
	struct table t;
	table_load("rules", &t);
	size_t n = 0;
	for (size_t r = 0; r < t.n; r++) {
		if (!str_ieq(fld(&t, r, 1), group))
			continue;
		struct sbuf prof = { 0 };
		const char *q = fld(&t, r, 4);
		if (str_ieq(q, "Any"))
			sb_add(&prof, "Any");
		while (!str_ieq(q, "Any") && *q) {
			size_t k = strcspn(q, ",");
			sb_printf(&prof, "%s%.*s", prof.len ? ", " : "", (int)k, q);
			q += k + (q[k] != 0);
		}
		sb_printf(&out, "rule|%s|%s|%s|Allow|%s|%s\r\n", fld(&t, r, 0),
			  str_ieq(fld(&t, r, 2), "Yes") ? "True" : "False",
			  str_ieq(fld(&t, r, 3), "In") ? "Inbound" : "Outbound", sb_str(&prof),
			  fld(&t, r, 8));
		sb_free(&prof);
		n++;
	}
	table_free(&t);
	if (n)
		return 0;
	sb_printf(&err,
		  "Get-NetFirewallRule : No MSFT_NetFirewallRule objects found with property "
		  "'Group' equal to '%s'.  Verify the value of the property and retry.\r\n",
		  group);
	return 1;
}

static int cmd_powershell(const struct strvec *a)
{
	size_t i = 1;
	while (i < a->n && (str_ieq(a->v[i], "-NoProfile") || str_ieq(a->v[i], "-NonInteractive")))
		i++;
	if (i >= a->n || !str_ieq(a->v[i], "-Command")) {
		sb_add(&err, "win-standin: only powershell -Command is modelled\r\n");
		return 1;
	}
	struct sbuf sc = { 0 };
	for (i++; i < a->n; i++)
		sb_printf(&sc, "%s%s", sc.len ? " " : "", a->v[i]);
	const char *s = sb_str(&sc);
	static const char *const list_pre = "Get-NetFirewallRule -Group '";
	static const char *const list_post = "' | ForEach-Object { $_.Name + '|' + $_.Enabled }";
	int rc;
	char host[256];
	if (!strcmp(s, "(Get-CimInstance Win32_ComputerSystem).PartOfDomain")) {
		char *d = state_word("domain", NULL);
		rc = ps_bool(d != NULL);
		free(d);
	} else if (!strcmp(s, "Test-ComputerSecureChannel")) {
		char *v = state_word("trust", "True");
		rc = ps_bool(str_ieq(v, "True"));
		free(v);
	} else if (sscanf(s, "Test-NetConnection -ComputerName %255s -Port 9443 -InformationLevel Quiet",
			  host) == 1) {
		struct table t;
		table_load("reach", &t);
		rc = ps_bool(table_find(&t, host) >= 0);
		table_free(&t);
	} else if (str_starts(s, WINFW_PS_PRE) && str_ends(s, WINFW_PS_POST) &&
		   strlen(s) > strlen(WINFW_PS_PRE) + strlen(WINFW_PS_POST)) {
		char *group = xstrndup(s + strlen(WINFW_PS_PRE),
				       strlen(s) - strlen(WINFW_PS_PRE) - strlen(WINFW_PS_POST));
		/* A quote in it would end PowerShell's string: not modelled. */
		rc = strchr(group, '\'') ? ps_unknown(s) : ps_group_listing(group);
		free(group);
	} else if (str_starts(s, list_pre) && str_ends(s, list_post) &&
		   strlen(s) > strlen(list_pre) + strlen(list_post)) {
		char *group = xstrndup(s + strlen(list_pre),
				       strlen(s) - strlen(list_pre) - strlen(list_post));
		struct table t;
		table_load("rules", &t);
		size_t n = 0;
		for (size_t r = 0; r < t.n; r++)
			if (str_ieq(fld(&t, r, 1), group)) {
				sb_printf(&out, "%s|%s\r\n", fld(&t, r, 0),
					  str_ieq(fld(&t, r, 2), "Yes") ? "True" : "False");
				n++;
			}
		rc = 0;
		if (!n) {
			sb_printf(&err,
				  "Get-NetFirewallRule : No MSFT_NetFirewallRule objects found with "
				  "property 'Group' equal to '%s'.  Verify the value of the property "
				  "and retry.\r\n",
				  group);
			rc = 1;
		}
		table_free(&t);
		free(group);
	} else if (str_starts(s, "Enable-NetFirewallRule -Name ") ||
		   str_starts(s, "Disable-NetFirewallRule -Name ")) {
		bool en = s[0] == 'E';
		struct strvec names = { 0 };
		const char *list = strstr(s, "-Name ") + 6;
		if (!ps_names(list, &names)) {
			rc = ps_unknown(s);
		} else {
			struct table t;
			table_load("rules", &t);
			rc = 0;
			for (size_t k = 0; k < names.n; k++) {
				long r = table_find(&t, names.v[k]);
				if (r < 0) {
					sb_printf(&err,
						  "%s-NetFirewallRule : No MSFT_NetFirewallRule objects "
						  "found with property 'Name' equal to '%s'.  Verify the "
						  "value of the property and retry.\r\n",
						  en ? "Enable" : "Disable", names.v[k]);
					rc = 1;
				} else {
					table_set(&t, (size_t)r, 2, en ? "Yes" : "No");
				}
			}
			table_save("rules", &t);
			table_free(&t);
		}
		sv_free(&names);
	} else {
		rc = ps_unknown(s);
	}
	sb_free(&sc);
	return rc;
}

/* ---- programs besides the system's ---- */

static int run_program(const char *path)
{
	struct table t;
	table_load("programs", &t);
	long r = table_find(&t, path);
	table_free(&t);
	if (r < 0)
		return not_recognized(path);
	if (str_icase_find(path, "InMageVSSProvider_Install.cmd")) {
		struct table s;
		table_load("services", &s);
		long k = table_find(&s, "Azure Site Recovery VSS Provider");
		if (k < 0) {
			k = (long)table_add(&s);
			table_set(&s, (size_t)k, 0, "Azure Site Recovery VSS Provider");
		}
		table_set(&s, (size_t)k, 1, "STOPPED");
		table_set(&s, (size_t)k, 2, "3");
		table_set(&s, (size_t)k, 3, "Azure Site Recovery VSS Provider");
		table_save("services", &s);
		table_free(&s);
		return 0;
	}
	return 0;
}

/* ---- one command ---- */

/* The program's name as cmd.exe looks it up: the last path component,
 * without ".exe", in lower case. */
static char *program_name(const char *argv0)
{
	const char *b = strrchr(argv0, '\\');
	char *n = xstrdup(b ? b + 1 : argv0);
	for (char *p = n; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if (str_ends(n, ".exe"))
		n[strlen(n) - 4] = '\0';
	return n;
}

/* DIR/nocall: a shell that does not read `call` as cmd.exe does (as if
 * the server's default shell were another), so that the answers of a
 * batched line never come back marked and each command is asked alone. */
static bool nocall(void)
{
	char *p = state_path("nocall");
	bool set = access(p, F_OK) == 0;
	free(p);
	return set;
}

static int run_one(const char *text)
{
	/* A command a test holds: while DIR/hold exists and names the start
	 * of this command ("reg add"), it waits (two minutes at most), so
	 * that the test acts while the command's asr-doctor is in the middle
	 * of a change. */
	char *hold = state_word("hold", NULL);
	for (int i = 0; hold && *hold && !strncasecmp(text, hold, strlen(hold)) && i < 1200; i++) {
		nanosleep(&(struct timespec){ 0, 100 * 1000 * 1000 }, NULL);
		free(hold);
		hold = state_word("hold", NULL);
	}
	free(hold);
	/* echo, cmd.exe's own: the rest of its text as it is (after the
	 * %NAME% expansion the line went through). */
	if (!strncasecmp(text, "echo ", 5)) {
		sb_printf(&out, "%s\r\n", text + 5);
		return 0;
	}
	struct strvec a = { 0 };
	winmodel_crt(text, &a);
	if (a.n == 0 || !*a.v[0]) {
		sv_free(&a);
		return 0;
	}
	char *prog = program_name(a.v[0]);
	int rc;
	if (strchr(a.v[0], '\\') && !str_starts(a.v[0], "C:\\Windows\\"))
		rc = run_program(a.v[0]);
	else if (!strcmp(prog, "whoami"))
		rc = cmd_whoami(&a);
	else if (!strcmp(prog, "hostname")) {
		char *h = state_word("host", "WEB01");
		sb_printf(&out, "%s\r\n", h);
		free(h);
		rc = 0;
	} else if (!strcmp(prog, "ver")) {
		/* As a real machine: the build and revision its registry holds. */
		struct table t;
		table_load("registry", &t);
		const char *cv = "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion";
		long b = reg_value(&t, cv, "CurrentBuildNumber"), u = reg_value(&t, cv, "UBR");
		sb_printf(&out, "\r\nMicrosoft Windows [Version 10.0.%s.%lu]\r\n",
			  b >= 0 ? fld(&t, (size_t)b, 3) : "17763",
			  u >= 0 ? strtoul(fld(&t, (size_t)u, 3), NULL, 0) : 0ul);
		table_free(&t);
		rc = 0;
	} else if (!strcmp(prog, "chcp") || !strcmp(prog, "chcp.com"))
		rc = cmd_chcp(&a);
	else if (!strcmp(prog, "reg"))
		rc = cmd_reg(&a);
	else if (!strcmp(prog, "net"))
		rc = cmd_net(&a);
	else if (!strcmp(prog, "sc"))
		rc = cmd_sc(&a);
	else if (!strcmp(prog, "netsh"))
		rc = cmd_netsh(&a);
	else if (!strcmp(prog, "powershell"))
		rc = cmd_powershell(&a);
	else
		rc = not_recognized(a.v[0]);
	free(prog);
	sv_free(&a);
	return rc;
}

static void log_line(const char *line)
{
	char *p = state_path("log");
	FILE *f = fopen(p, "a");
	if (f) {
		fprintf(f, "%s\n", line);
		fclose(f);
	}
	free(p);
}

int main(int argc, char **argv)
{
	const char *line = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--state") && i + 1 < argc)
			state_dir = argv[++i];
		else
			line = argv[i];
	}
	if (!line)
		line = getenv("SSH_ORIGINAL_COMMAND");
	if (!state_dir || !line) {
		fprintf(stderr, "usage: win-standin --state DIR [LINE] (or LINE in "
				"$SSH_ORIGINAL_COMMAND)\n");
		return 125;
	}
	char *who = state_word("user", "web01\\asrpush");
	char *bs = strchr(who, '\\');
	env_user = xstrdup(bs ? bs + 1 : who);
	env_domain = xstrndup(who, bs ? (size_t)(bs - who) : strlen(who));
	free(who);
	/* As sshd's ForceCommand the stand-in gets the SFTP subsystem's
	 * request too (its command in $SSH_ORIGINAL_COMMAND): the real
	 * sftp-server behind the paths a Windows OpenSSH server shows
	 * (win_sftp.c), on the machine's drives in DIR/fs. */
	if (line[0] == '/' && str_ends(line, "/sftp-server")) {
		char *fs = state_path("fs");
		int rc = win_sftp_serve(line, fs, env_user);
		free(fs);
		free(env_user);
		free(env_domain);
		return rc;
	}
	log_line(line);
	env_programdata = state_word("programdata", "C:\\ProgramData");
	char *lang = state_word("lang", "en");
	german = !strcmp(lang, "de");
	free(lang);
	env_host = state_word("host", "WEB01");
	static struct winmodel_part parts[1024];
	size_t n = winmodel_cmd_parts(line, standin_env, NULL, parts, ARRAY_LEN(parts));
	int rc = 0;
	for (size_t i = 0; i < n && i < ARRAY_LEN(parts); i++) {
		const char *prev = i ? parts[i - 1].op : "";
		if ((!strcmp(prev, "&&") && rc != 0) || (!strcmp(prev, "||") && rc == 0))
			continue;
		if (!strcmp(parts[i].op, "<") || !strcmp(parts[i].op, ">") || !strcmp(prev, "<") ||
		    !strcmp(prev, ">")) {
			/* Redirection but 2>&1 is not modelled: a quoting
			 * fault if it shows. */
			sb_add(&err, "The system cannot find the file specified.\r\n");
			rc = 1;
			break;
		}
		size_t err_before = err.len;
		const char *text = parts[i].text;
		while (*text == ' ' || *text == '\t')
			text++;
		if (!strncasecmp(text, "call ", 5) && !nocall()) {
			/* call reads its command's %NAME% again, now. */
			char *again = winmodel_expand(text + 5, standin_env, NULL);
			rc = run_one(again);
			free(again);
		} else {
			rc = run_one(text);
		}
		if (parts[i].err_to_out && err.len > err_before) {
			sb_addn(&out, err.s + err_before, err.len - err_before);
			err.len = err_before;
			err.s[err.len] = '\0';
		}
		/* echo leaves the status as it was. */
		if (strncasecmp(text, "echo ", 5) && strncasecmp(text, "call echo ", 10))
			snprintf(errorlevel, sizeof errorlevel, "%d", rc);
	}
	winmodel_parts_free(parts, n < ARRAY_LEN(parts) ? n : ARRAY_LEN(parts));
	char *cps = state_word("codepage", "437");
	long cp = 437;
	if (!str_to_long(cps, &cp) || cp <= 0)
		cp = 437;
	free(cps);
	write_cp(1, sb_str(&out), out.len, (unsigned)cp);
	write_cp(2, sb_str(&err), err.len, (unsigned)cp);
	sb_free(&out);
	sb_free(&err);
	free(env_user);
	free(env_domain);
	free(env_host);
	free(env_programdata);
	int low = rc & 0xFF;
	return rc && !low ? 1 : low;
}
