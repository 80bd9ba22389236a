/* fix_sshd.c: 95108, the SSH server settings the push installation needs:
 * PasswordAuthentication yes and PermitRootLogin yes for root's login from
 * the process server, and a Subsystem sftp whose program exists. One plan
 * covers the three checks (one validation, one reload).
 *
 * Each value is changed in the file that decides it, as sshd reads the
 * configuration (first value wins, Include drop-ins inline, Match blocks):
 * the deciding line in place (a drop-in included before the main file
 * included); when nothing sets it, the article's way: the commented-out
 * line in /etc/ssh/sshd_config uncommented, else a new line before the
 * first Match block. The planned bytes are evaluated again in memory before
 * anything is shown: a plan whose result would not give root yes/yes/sftp
 * is refused. On the running machine apply.c then validates with `sshd -t
 * -f` and only then runs the reload, each command confirmed; on a mounted
 * root this machine's sshd judges the planned configuration before anything
 * is written, on a copy assembled from the root's own files
 * (sshd_assemble.h), since `sshd -t -f ROOT/...` would read this machine's
 * files through links and absolute Include paths. */
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/fix.h"
#include "engine/change/plan.h"
#include "engine/sshd_assemble.h"
#include "engine/sshd_config.h"

static const char *const sshd_checks[] = { "sshd.password", "sshd.root_login", "sshd.sftp",
	                                   NULL };

/* Where sshd may live (for `sshd -t`), in the order we look. */
static const char *const sshd_programs[] = { "/usr/sbin/sshd", "/usr/local/sbin/sshd",
	                                     "/sbin/sshd" };

/* sftp-server as Debian/Ubuntu, the RHEL family and SUSE install it. */
static const char *const sftp_servers[] = { "/usr/lib/openssh/sftp-server",
	                                    "/usr/libexec/openssh/sftp-server",
	                                    "/usr/lib/ssh/sftp-server" };

/* Keywords that also decide whether root may log in with a password, which
 * this fix does not change: shown as notes to review. */
static const char *const access_keywords[] = { "allowusers", "denyusers", "allowgroups",
	                                       "denygroups" };

/* At most this many access-control lines are noted. */
#define MAX_ACCESS_NOTES 5

/* ---- a file being edited ---- */

/* A line added before line `before` (1-based; nlines + 1 for the end). */
struct insertion {
	int before;
	char *text; /* owned, without a line break */
};

/* The bytes of one file of the configuration and the changes planned on
 * it, by line. Lines keep their own line breaks; added lines get the
 * file's (CRLF when most lines have it). */
struct edfile {
	char *path;       /* owned: target path as the configuration names it */
	char *data;       /* owned: the current bytes */
	size_t len;
	size_t nlines;
	size_t *start;    /* owned: offset of each line */
	size_t *cend;     /* owned: end of its text (before "\r\n" or "\n") */
	size_t *end;      /* owned: end of the line, its break included */
	char **repl;      /* owned: the new text of each line, or NULL */
	struct insertion *ins; /* owned */
	size_t nins;
	bool crlf;
	struct strvec reasons; /* why, one per change */
	char *new_data;   /* owned: rendered by ed_render */
	size_t new_len;
};

/* Everything the planner works with. */
struct work {
	const struct fix_ctx *ctx;
	struct sshd_config *cfg;  /* owned: the configuration now */
	struct sshd_conn conn;    /* points into addr/host */
	char *addr;               /* owned: the process server's address, or NULL */
	char *host;               /* owned: its name when sshd uses DNS, or NULL */
	struct edfile *files;     /* owned */
	size_t nfiles;
	struct strvec notes;      /* notes found while planning */
	char *validated;          /* owned: what was validated before writing
	                           * (mounted root), or NULL */
};

/* Frees what an edited file owns. */
static void ed_free(struct edfile *f)
{
	free(f->path);
	free(f->data);
	free(f->start);
	free(f->cend);
	free(f->end);
	for (size_t i = 0; i < f->nlines; i++)
		free(f->repl[i]);
	free(f->repl);
	for (size_t i = 0; i < f->nins; i++)
		free(f->ins[i].text);
	free(f->ins);
	sv_free(&f->reasons);
	free(f->new_data);
}

/* Frees the planner's state. */
static void work_free(struct work *w)
{
	sshd_config_free(w->cfg);
	free(w->addr);
	free(w->host);
	for (size_t i = 0; i < w->nfiles; i++)
		ed_free(&w->files[i]);
	free(w->files);
	sv_free(&w->notes);
	free(w->validated);
}

/* The edited file for a configuration file's path, read and split into
 * lines the way sshd_config.c splits them on first use. Returns NULL and
 * *cause when it cannot be read or changed since it was loaded. */
static struct edfile *ed_get(struct work *w, int fi, char **cause)
{
	const struct sshd_file *cf = &w->cfg->files[fi];
	for (size_t i = 0; i < w->nfiles; i++)
		if (strcmp(w->files[i].path, cf->path) == 0)
			return &w->files[i];
	char *data = NULL;
	size_t len = 0;
	int rc = target_read(w->ctx->t, cf->path, &data, &len);
	if (rc < 0) {
		*cause = xasprintf(T("cannot read %s: %s", "无法读取 %s：%s"), cf->path,
		                   strerror(-rc));
		return NULL;
	}
	struct edfile f = { .path = xstrdup(cf->path), .data = data, .len = len };
	size_t cap = 0, ncr = 0;
	for (size_t p = 0; p < len;) {
		const char *nl = memchr(data + p, '\n', len - p);
		size_t e = nl ? (size_t)(nl - data) : len;
		size_t ce = e > p && data[e - 1] == '\r' ? e - 1 : e;
		ncr += ce < e;
		if (f.nlines + 1 > cap) {
			cap = cap ? cap * 2 : 64;
			f.start = xrealloc(f.start, cap * sizeof *f.start);
			f.cend = xrealloc(f.cend, cap * sizeof *f.cend);
			f.end = xrealloc(f.end, cap * sizeof *f.end);
		}
		f.start[f.nlines] = p;
		f.cend[f.nlines] = ce;
		f.end[f.nlines] = nl ? e + 1 : e;
		f.nlines++;
		p = nl ? e + 1 : len;
	}
	f.crlf = f.nlines > 0 && ncr * 2 > f.nlines;
	f.repl = xcalloc(f.nlines + 1, sizeof *f.repl);
	if (f.nlines != cf->nlines) {
		*cause = xasprintf(T("%s changed while it was being read; run the fix again",
		                     "%s 在读取过程中发生了变化；请重新运行修复"),
		                   cf->path);
		ed_free(&f);
		return NULL;
	}
	w->files = xrealloc(w->files, (w->nfiles + 1) * sizeof *w->files);
	w->files[w->nfiles] = f;
	return &w->files[w->nfiles++];
}

/* The current text of line ln (1-based) of f, with changes so far;
 * caller frees. */
static char *ed_line(const struct edfile *f, int ln)
{
	if (ln < 1 || (size_t)ln > f->nlines)
		return xstrdup(""); /* cannot happen: lines are counted when read */
	size_t i = (size_t)ln - 1;
	if (f->repl[i])
		return xstrdup(f->repl[i]);
	return xstrndup(f->data + f->start[i], f->cend[i] - f->start[i]);
}

/* Replaces the text of line ln (takes text). */
static void ed_set(struct edfile *f, int ln, char *text)
{
	free(f->repl[ln - 1]);
	f->repl[ln - 1] = text;
}

/* Adds a line before line `before` (takes text). */
static void ed_insert(struct edfile *f, int before, char *text)
{
	f->ins = xrealloc(f->ins, (f->nins + 1) * sizeof *f->ins);
	f->ins[f->nins++] = (struct insertion){ .before = before, .text = text };
}

/* Adds the lines inserted before line ln to b, in the order planned. */
static void ed_render_ins(const struct edfile *f, int ln, const char *eol, struct sbuf *b)
{
	for (size_t k = 0; k < f->nins; k++)
		if (f->ins[k].before == ln) {
			sb_add(b, f->ins[k].text);
			sb_add(b, eol);
		}
}

/* Renders the new bytes of f (new_data): untouched lines byte for byte,
 * changed lines with their own line break. */
static void ed_render(struct edfile *f)
{
	const char *eol = f->crlf ? "\r\n" : "\n";
	struct sbuf b = { 0 };
	sb_addn(&b, "", 0);
	for (size_t i = 0; i < f->nlines; i++) {
		int ln = (int)i + 1;
		ed_render_ins(f, ln, eol, &b);
		if (f->repl[i])
			sb_add(&b, f->repl[i]);
		else
			sb_addn(&b, f->data + f->start[i], f->cend[i] - f->start[i]);
		bool has_break = f->end[i] > f->cend[i];
		if (has_break)
			sb_addn(&b, f->data + f->cend[i], f->end[i] - f->cend[i]);
		else if (i + 1 == f->nlines) {
			/* The last line had no break: keep it so unless lines follow. */
			bool more = false;
			for (size_t k = 0; k < f->nins; k++)
				more = more || f->ins[k].before > ln;
			if (more)
				sb_add(&b, eol);
		}
	}
	ed_render_ins(f, (int)f->nlines + 1, eol, &b);
	free(f->new_data);
	f->new_len = b.len;
	f->new_data = sb_steal(&b);
}

/* ---- lines as sshd splits them ---- */

/* sshd's blanks around a keyword. */
static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Where the arguments of a directive line start: after leading blanks,
 * the keyword, blanks and one optional '=' with blanks. */
static size_t args_offset(const char *text)
{
	size_t i = 0;
	while (blank(text[i]))
		i++;
	i += strcspn(text + i, " \t\r\n\f\v=\"");
	while (blank(text[i]))
		i++;
	if (text[i] == '=') {
		i++;
		while (blank(text[i]))
			i++;
	}
	return i;
}

/* The spans [start, end) of the arguments from offset `from`, split like
 * sshd splits them (quotes group, a backslash escapes, a word starting
 * with '#' starts a comment). Fills up to max spans; returns the count. */
static size_t arg_spans(const char *text, size_t from, size_t spans[][2], size_t max)
{
	size_t n = 0, i = from;
	for (;;) {
		while (text[i] == ' ' || text[i] == '\t')
			i++;
		if (!text[i] || text[i] == '#')
			return n;
		size_t s = i;
		char quote = 0;
		for (; text[i]; i++) {
			char c = text[i];
			char d = text[i + 1];
			if (c == '\\' && (d == '\'' || d == '"' || d == '\\' || (!quote && d == ' ')))
				i++;
			else if (!quote && (c == ' ' || c == '\t'))
				break;
			else if (!quote && (c == '"' || c == '\''))
				quote = c;
			else if (quote && c == quote)
				quote = 0;
		}
		if (n < max) {
			spans[n][0] = s;
			spans[n][1] = i;
		}
		n++;
	}
}

/* The line with argument k replaced by value (indentation, the keyword's
 * case, the '=' form and a trailing comment kept). When the line has
 * fewer arguments, value is appended after the last. Caller frees. */
static char *with_arg(const char *text, size_t k, const char *value)
{
	size_t spans[16][2];
	size_t from = args_offset(text);
	size_t n = arg_spans(text, from, spans, ARRAY_LEN(spans));
	if (n > ARRAY_LEN(spans))
		n = ARRAY_LEN(spans);
	if (k < n)
		return xasprintf("%.*s%s%s", (int)spans[k][0], text, value, text + spans[k][1]);
	size_t at = n ? spans[n - 1][1] : strlen(text);
	return xasprintf("%.*s %s%s", (int)at, text, value, text + at);
}

/* A commented-out line without its '#' marks and the blanks after them
 * (its indentation kept). Caller frees. */
static char *uncomment(const char *text)
{
	size_t i = 0;
	while (blank(text[i]))
		i++;
	size_t j = i;
	while (text[j] == '#')
		j++;
	while (text[j] == ' ' || text[j] == '\t')
		j++;
	return xasprintf("%.*s%s", (int)i, text, text + j);
}

/* ---- reading the configuration ---- */

/* Resolves --server to an address for Match Address (as the checks do). */
static void resolve_server(struct work *w)
{
	const char *server = w->ctx->server;
	if (!server || !*server)
		return;
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICHOST };
	struct addrinfo *res = NULL;
	bool numeric = getaddrinfo(server, NULL, &hints, &res) == 0;
	if (!numeric) {
		hints.ai_flags = AI_ADDRCONFIG;
		if (getaddrinfo(server, NULL, &hints, &res) != 0)
			res = NULL;
	}
	if (!res)
		return;
	char buf[NI_MAXHOST];
	if (getnameinfo(res->ai_addr, res->ai_addrlen, buf, sizeof buf, NULL, 0, NI_NUMERICHOST) == 0)
		w->addr = xstrdup(buf);
	freeaddrinfo(res);
	const struct sshd_setting *dns = &w->cfg->global[SSHD_USE_DNS];
	if (w->addr && !numeric && dns->value && strcmp(dns->value, "yes") == 0) {
		w->host = xstrdup(server);
		for (char *p = w->host; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
	}
}

/* Whether an absolute path is an executable regular file on the target. */
static bool is_program(struct target *t, const char *path)
{
	struct target_stat st;
	return path[0] == '/' && target_stat(t, path, &st) == 0 && S_ISREG(st.mode) &&
	       (st.mode & 0111);
}

/* Whether Subsystem sftp's program would run: internal-sftp, a program
 * that exists, or a relative name we cannot check (left alone). */
static bool sftp_ok(struct target *t, const struct sshd_setting *s)
{
	if (!s->value)
		return false;
	const char *prog = s->program ? s->program : s->value;
	return strcmp(prog, "internal-sftp") == 0 || prog[0] != '/' || is_program(t, prog);
}

/* Whether the effective value of key gives the push install what it needs. */
static bool key_ok(struct target *t, const struct sshd_setting *s)
{
	if (s->key == SSHD_SUBSYSTEM_SFTP)
		return sftp_ok(t, s);
	if (s->key == SSHD_AUTH_METHODS)
		return sshd_auth_methods_allow(s->value, "password");
	return s->value && strcmp(s->value, "yes") == 0;
}

/* The sftp server program that exists on the target, or internal-sftp. */
static const char *sftp_program(struct target *t)
{
	for (size_t i = 0; i < ARRAY_LEN(sftp_servers); i++)
		if (is_program(t, sftp_servers[i]))
			return sftp_servers[i];
	return "internal-sftp";
}

/* One summary line: a key's effective value and what decides it, e.g.
 * "PasswordAuthentication  no  (/etc/ssh/sshd_config.d/60-x.conf:1)".
 * Caller frees. */
static char *describe(const struct sshd_config *cfg, struct target *t, enum sshd_key key)
{
	const struct sshd_setting *s = sshd_config_get(cfg, key);
	struct sbuf b = { 0 };
	sb_printf(&b, "%-23s %s", sshd_key_name(key), s->value ? s->value : T("(none)", "（无）"));
	if (key == SSHD_SUBSYSTEM_SFTP && s->value && !sftp_ok(t, s))
		sb_add(&b, T(" [program missing]", " [程序不存在]"));
	if (s->is_default) {
		sb_printf(&b, "  (%s)",
		          s->value ? T("OpenSSH's default: no file sets it",
		                       "OpenSSH 默认值：没有文件设置它")
		                   : T("no file sets it; OpenSSH has no subsystems by default",
		                       "没有文件设置它；OpenSSH 默认没有子系统"));
	} else {
		char *where = sshd_setting_where(cfg, s);
		if (s->block >= 0) {
			const struct sshd_block *bl = &cfg->blocks[s->block];
			sb_printf(&b, T("  (%s, in the Match block at %s:%d)", "  （%s，位于 %s:%d 的 Match 块）"),
			          where, cfg->files[bl->file].path, bl->line);
		} else {
			sb_printf(&b, "  (%s)", where);
		}
		free(where);
	}
	return sb_steal(&b);
}

/* ---- planning each key ---- */

/* Records why a file changes. */
static void ed_reason(struct edfile *f, const char *reason)
{
	if (!sv_contains(&f->reasons, reason))
		sv_push(&f->reasons, reason);
}

/* The line before which a new global line goes in the main file: before
 * the first Match block (and the comment lines right above it, which
 * usually describe it), or after the last line when there is none. Never
 * after a Match line: a line there would only apply inside that block. */
static int insert_point(const struct sshd_config *cfg)
{
	const struct sshd_file *m = &cfg->files[0];
	if (!m->first_match_line)
		return (int)m->nlines + 1;
	int ln = m->first_match_line;
	while (ln > 1 && m->lines[ln - 2].kind == SSHD_LINE_COMMENT)
		ln--;
	return ln;
}

/* Why a deciding line is changed where it is, for the plan (caller frees). */
static char *decided_here(const struct work *w, const struct sshd_setting *s, const char *step)
{
	const struct sshd_config *cfg = w->cfg;
	const char *path = cfg->files[s->file].path;
	if (s->block >= 0) {
		const struct sshd_block *b = &cfg->blocks[s->block];
		return xasprintf(T("%s; the Match block at %s:%d applies to root's connection and "
		                   "decides it, so %s:%d is changed",
		                   "%s；%s:%d 处的 Match 块适用于 root 的连接并决定该值，因此修改 %s:%d"),
		                 step, cfg->files[b->file].path, b->line, path, s->line);
	}
	if (s->file != 0) {
		/* A drop-in (cloud images: 60-cloudimg-settings.conf,
		 * 50-cloud-init.conf). Its line is changed to the value rather
		 * than commented out: commenting it out would hand the decision
		 * to whatever line sshd reads next (another drop-in, the main
		 * file, the default), while an explicit value in the file that
		 * decides is what we verify, show and can undo. */
		const struct sshd_file *f = &cfg->files[s->file];
		return xasprintf(T("%s; sshd uses the first value it reads, and it reads this line "
		                   "of %s (included from %s:%d) first, so the value is changed "
		                   "there rather than commented out (which would hand the decision "
		                   "to the next file that sets it)",
		                   "%s；sshd 使用读到的第一个值，而它最先读到 %s（由 %s:%d 包含）"
		                   "中的这一行，因此在该文件中修改该值，而不是将其注释掉"
		                   "（注释掉会把决定权交给下一个设置它的文件）"),
		                 step, path, cfg->files[f->parent].path, f->parent_line);
	}
	return xasprintf(T("%s; %s:%d decides it", "%s；由 %s:%d 决定"), step, path, s->line);
}

/* Plans "key value" for a yes/no-style key whose effective value is not
 * yet value: the deciding line in place, else the commented-out line
 * uncommented, else a new line before the first Match block. Returns
 * false with *cause when a file cannot be read. */
static bool plan_value(struct work *w, enum sshd_key key, const char *value, const char *step,
                       char **cause)
{
	const struct sshd_setting *s = sshd_config_get(w->cfg, key);
	if (key_ok(w->ctx->t, s))
		return true;
	if (!s->is_default) {
		struct edfile *f = ed_get(w, s->file, cause);
		if (!f)
			return false;
		char *old = ed_line(f, s->line);
		ed_set(f, s->line, with_arg(old, 0, value));
		free(old);
		char *why = decided_here(w, s, step);
		ed_reason(f, why);
		free(why);
		return true;
	}
	struct edfile *f = ed_get(w, 0, cause);
	if (!f)
		return false;
	int c = sshd_config_find_commented(w->cfg, 0, key);
	int first_match = w->cfg->files[0].first_match_line;
	if (c > 0 && (!first_match || c < first_match)) {
		char *old = ed_line(f, c);
		char *un = uncomment(old);
		ed_set(f, c, with_arg(un, 0, value));
		free(un);
		free(old);
		char *why = xasprintf(T("%s: the commented-out line %d is uncommented and set to %s, "
		                        "as the article does (nothing else sets it)",
		                        "%s：按文章的做法取消注释第 %d 行并设为 %s（没有其他地方设置它）"),
		                      step, c, value);
		ed_reason(f, why);
		free(why);
		return true;
	}
	ed_insert(f, insert_point(w->cfg), xasprintf("%s %s", sshd_key_name(key), value));
	char *why = xasprintf(T("%s: nothing sets it and there is no commented-out line, so "
	                        "\"%s %s\" is added before the first Match block (where it applies "
	                        "to every connection)",
	                        "%s：没有地方设置它，也没有被注释的行，因此在第一个 Match 块之前添加 "
	                        "\"%s %s\"（在那里对所有连接生效）"),
	                      step, sshd_key_name(key), value);
	ed_reason(f, why);
	free(why);
	return true;
}

/* Plans the SFTP subsystem: uncommented or added when missing, pointed at
 * the program that exists when its program is missing. */
static bool plan_sftp(struct work *w, char **cause)
{
	struct target *t = w->ctx->t;
	const struct sshd_setting *s = sshd_config_get(w->cfg, SSHD_SUBSYSTEM_SFTP);
	if (sftp_ok(t, s))
		return true;
	const char *prog = sftp_program(t);
	const char *step = T("the article, step 4: find the Subsystem line and uncomment it",
	                     "文章第 4 步：找到以 Subsystem 开头的行并取消注释");
	if (s->value) {
		/* The program is missing: argument 1 is the program ("sftp" is 0);
		 * options after it are kept. */
		struct edfile *f = ed_get(w, s->file, cause);
		if (!f)
			return false;
		char *old = ed_line(f, s->line);
		ed_set(f, s->line, with_arg(old, 1, prog));
		free(old);
		char *what = xasprintf(T("%s: %s does not exist, %s does", "%s：%s 不存在，而 %s 存在"),
		                       step, s->program ? s->program : s->value, prog);
		char *why = decided_here(w, s, what);
		ed_reason(f, why);
		free(why);
		free(what);
		return true;
	}
	struct edfile *f = ed_get(w, 0, cause);
	if (!f)
		return false;
	int c = sshd_config_find_commented(w->cfg, 0, SSHD_SUBSYSTEM_SFTP);
	int first_match = w->cfg->files[0].first_match_line;
	if (c > 0 && (!first_match || c < first_match)) {
		const struct sshd_line *l = sshd_config_line(w->cfg, 0, c);
		char *old = ed_line(f, c);
		char *un = uncomment(old);
		bool keep = l->nargs > 1 && (strcmp(l->args[1], "internal-sftp") == 0 ||
		                             is_program(t, l->args[1]));
		char *why;
		if (keep) {
			ed_set(f, c, un);
			why = xasprintf(T("%s: line %d is uncommented", "%s：取消注释第 %d 行"), step,
			                c);
		} else {
			ed_set(f, c, with_arg(un, 1, prog));
			free(un);
			why = xasprintf(T("%s: line %d is uncommented, with %s (the program it named "
			                  "does not exist)",
			                  "%s：取消注释第 %d 行，并改用 %s（原来指定的程序不存在）"),
			                step, c, prog);
		}
		free(old);
		ed_reason(f, why);
		free(why);
		return true;
	}
	ed_insert(f, insert_point(w->cfg), xasprintf("Subsystem sftp %s", prog));
	char *why = xasprintf(T("%s: there is no Subsystem sftp line, so \"Subsystem sftp %s\" is "
	                        "added before the first Match block",
	                        "%s：没有 Subsystem sftp 行，因此在第一个 Match 块之前添加 "
	                        "\"Subsystem sftp %s\""),
	                      step, prog);
	ed_reason(f, why);
	free(why);
	return true;
}

/* Plans AuthenticationMethods when no method list lets a password alone
 * in: the list "password" is added to the line that decides it, so the
 * lists already there keep working. (Its default, "any", never needs it.) */
static bool plan_auth_methods(struct work *w, char **cause)
{
	const struct sshd_setting *s = sshd_config_get(w->cfg, SSHD_AUTH_METHODS);
	if (key_ok(w->ctx->t, s) || s->is_default)
		return true;
	const struct sshd_line *l = sshd_config_line(w->cfg, s->file, s->line);
	struct edfile *f = ed_get(w, s->file, cause);
	if (!f || !l)
		return false;
	char *old = ed_line(f, s->line);
	ed_set(f, s->line, with_arg(old, l->nargs, "password"));
	free(old);
	char *step = xasprintf(T("the article, step 1 (sign in as root with its password): the "
	                         "push install signs in with the password alone, and "
	                         "AuthenticationMethods %s asks for more, so the method list "
	                         "\"password\" is added (the lists already there still work)",
	                         "文章第 1 步（用 root 密码登录）：推送安装仅用密码登录，而 "
	                         "AuthenticationMethods %s 要求更多，因此添加方法列表 \"password\""
	                         "（已有的列表仍然有效）"),
	                       s->value);
	char *why = decided_here(w, s, step);
	ed_reason(f, why);
	free(why);
	free(step);
	return true;
}

/* ---- after the change ---- */

/* Notes Match blocks that are undecided for this connection (the address
 * is unknown) and would turn a value the push install needs back. */
static void note_undecided(struct work *w, const struct sshd_config *cfg)
{
	static const enum sshd_key keys[] = { SSHD_PASSWORD_AUTH, SSHD_PERMIT_ROOT_LOGIN,
		                              SSHD_SUBSYSTEM_SFTP, SSHD_AUTH_METHODS };
	for (size_t k = 0; k < ARRAY_LEN(keys); k++) {
		const struct sshd_setting *s = sshd_config_get(cfg, keys[k]);
		for (size_t i = 0; i < s->nalts; i++) {
			const struct sshd_ref *a = &s->alts[i];
			bool bad = keys[k] == SSHD_SUBSYSTEM_SFTP ? !a->value
			           : keys[k] == SSHD_AUTH_METHODS
			                   ? !sshd_auth_methods_allow(a->value, "password")
			                   : !a->value || strcmp(a->value, "yes") != 0;
			if (!bad)
				continue;
			const struct sshd_block *b = a->block >= 0 ? &cfg->blocks[a->block] : NULL;
			const char *unknown = b && b->unknown ? b->unknown : "Match";
			/* --server decides the address and the name; nothing here
			 * decides root's groups when the root's files do not. */
			bool server = strstr(unknown, "Address") || strstr(unknown, "Host");
			char *n = xasprintf(
			        T("Review %s:%d (the Match block at %s:%d): if it applies to the process "
			          "server's connection it makes %s %s for root; that depends on %s, "
			          "which is unknown here%s. asr-doctor does not guess and leaves it as "
			          "it is.",
			          "请检查 %s:%d（位于 %s:%d 的 Match 块）：如果它适用于进程服务器的连接，"
			          "root 的 %s 将为 %s；这取决于此处未知的 %s%s。"
			          "asr-doctor 不做猜测，保持原样。"),
			        cfg->files[a->file].path, a->line,
			        b ? cfg->files[b->file].path : cfg->files[a->file].path,
			        b ? b->line : a->line, sshd_key_name(keys[k]), a->value ? a->value : "-",
			        unknown,
			        server ? T(" (give --server)", "（请指定 --server）")
			               : T(" (the root has no readable /etc/passwd and /etc/group naming "
			                   "root)",
			                   "（该根目录没有可读且包含 root 的 /etc/passwd 和 /etc/group）"));
			if (!sv_contains(&w->notes, n))
				sv_push(&w->notes, n);
			free(n);
		}
	}
}

/* Notes lines that also restrict root's password login (AllowUsers,
 * AuthenticationMethods...), which this fix does not change. */
static void note_access(struct work *w, const struct sshd_config *cfg)
{
	size_t shown = 0;
	for (size_t fi = 0; fi < cfg->nfiles && shown < MAX_ACCESS_NOTES; fi++) {
		const struct sshd_file *f = &cfg->files[fi];
		for (size_t i = 0; i < f->nlines && shown < MAX_ACCESS_NOTES; i++) {
			const struct sshd_line *l = &f->lines[i];
			if (l->kind != SSHD_LINE_DIRECTIVE)
				continue;
			for (size_t k = 0; k < ARRAY_LEN(access_keywords); k++)
				if (strcmp(l->keyword, access_keywords[k]) == 0) {
					char *n = xasprintf(
					        T("%s:%d: \"%s\" also decides whether root may log in "
					          "with a password; asr-doctor leaves it as it is: review it",
					          "%s:%d：\"%s\" 同样决定 root 能否用密码登录；"
					          "asr-doctor 保持原样：请检查"),
					        f->path, l->lineno, l->text);
					if (!sv_contains(&w->notes, n)) {
						sv_push(&w->notes, n);
						shown++;
					}
					free(n);
				}
		}
	}
}

/* Evaluates the planned bytes in memory and checks root gets what the push
 * install needs. Returns the configuration after the change (caller
 * frees), or NULL with *cause. */
static struct sshd_config *verify(struct work *w, char **cause)
{
	struct sshd_override *ov = xcalloc(w->nfiles + 1, sizeof *ov);
	for (size_t i = 0; i < w->nfiles; i++)
		ov[i] = (struct sshd_override){ .path = w->files[i].path,
			                        .data = w->files[i].new_data,
			                        .len = w->files[i].new_len };
	struct sshd_config *after = sshd_config_load_with(w->ctx->t, NULL, ov, w->nfiles);
	free(ov);
	if (after->nerrors > 0) {
		const struct sshd_diag *d = sshd_config_first_error(after);
		*cause = xasprintf(T("the planned configuration would not be valid (%s:%d: %s); "
		                     "nothing was planned",
		                     "计划的配置将无效（%s:%d：%s）；未制定任何计划"),
		                   d->path ? d->path : after->main_path, d->line, d->message);
		sshd_config_free(after);
		return NULL;
	}
	sshd_config_eval(after, &w->conn);
	static const enum sshd_key keys[] = { SSHD_PASSWORD_AUTH, SSHD_PERMIT_ROOT_LOGIN,
		                              SSHD_SUBSYSTEM_SFTP, SSHD_AUTH_METHODS };
	for (size_t k = 0; k < ARRAY_LEN(keys); k++) {
		const struct sshd_setting *s = sshd_config_get(after, keys[k]);
		if (key_ok(w->ctx->t, s))
			continue;
		char *d = describe(after, w->ctx->t, keys[k]);
		*cause = xasprintf(T("the change asr-doctor would make does not take effect for "
		                     "root: after it, %s. sshd's reading order (first value wins, "
		                     "Include, Match) defeats it here; nothing was planned: change "
		                     "the line that decides it by hand",
		                     "asr-doctor 将做的更改对 root 不生效：更改后，%s。"
		                     "sshd 的读取顺序（先出现的值优先、Include、Match）使其失效；"
		                     "未制定任何计划：请手动修改决定该值的行"),
		                   d);
		free(d);
		sshd_config_free(after);
		return NULL;
	}
	return after;
}

/* ---- commands ---- */

/* The sshd program that checks the new configuration where the file is:
 * a running machine's own (this one, or one reached over SSH, where the
 * validator runs: apply_validate), or for a mounted root this machine's,
 * on a copy of its files; NULL when there is none. */
static const char *validator_program(struct target *t)
{
	for (size_t i = 0; i < ARRAY_LEN(sshd_programs); i++) {
		if (!t->offline && target_exists(t, sshd_programs[i]))
			return sshd_programs[i];
	}
	return t->offline ? sshd_program_here() : NULL;
}

/* The validator of one edited file on the running machine, appended to
 * out (copies): `sshd -t -f /etc/ssh/sshd_config`, which reads the
 * drop-ins too, then the context's extra arguments. A mounted root gets
 * none: `sshd -t -f ROOT/...` would follow links and absolute Include
 * paths on this machine, so its planned configuration is judged before
 * anything is written, on a copy assembled from the root's own files
 * (validate_root). */
static void validator_argv(const struct fix_ctx *ctx, const char *sshd, bool main_file,
                           struct strvec *out)
{
	(void)main_file;
	if (ctx->t->offline)
		return;
	sv_push(out, sshd);
	sv_push(out, "-t");
	sv_push(out, "-f");
	sv_push(out, "{root}" SSHD_CONFIG_PATH);
	for (const char *const *e = ctx->validator_extra; e && *e; e++)
		sv_push(out, *e);
}

/* On a mounted root: this machine's sshd judges the planned configuration
 * on a copy assembled from the root's own files with the planned bytes
 * (after), before anything is written. Returns the note that says what
 * was validated (caller frees), or NULL with *cause when sshd refuses it
 * or cannot judge it. */
static char *validate_root(struct work *w, const struct sshd_config *after, const char *sshd,
                           char **cause)
{
	struct sshd_assembly a;
	char *why = NULL;
	if (sshd_assembly_build(after, w->ctx->t, &a, &why) < 0) {
		*cause = xasprintf(T("the planned configuration could not be copied for sshd -t (%s); "
		                     "nothing was planned",
		                     "无法复制计划的配置以运行 sshd -t（%s）；未制定任何计划"),
		                   why);
		free(why);
		return NULL;
	}
	char *cmd = NULL, *out = NULL;
	int status = -1;
	enum sshd_judgement j = sshd_assembly_judge(&a, sshd, w->ctx->timeout_ms ? w->ctx->timeout_ms
	                                                                          : 20000,
	                                            &cmd, &out, &status);
	char *note = NULL;
	if (j == SSHD_JUDGED_ACCEPTS) {
		struct sbuf files = { 0 };
		struct strvec seen = { 0 };
		for (size_t i = 0; i < a.sources.n; i++)
			if (!sv_contains(&seen, a.sources.v[i])) {
				sv_push(&seen, a.sources.v[i]);
				sb_printf(&files, "%s%s", files.len ? ", " : "", a.sources.v[i]);
			}
		sv_free(&seen);
		note = xasprintf(
		        T("Validated before anything is written: `%s` accepted the planned "
		          "configuration, assembled from the root's own files (%s; links resolved "
		          "inside the root, each Include pointing at those copies) with %s. Nothing "
		          "from this machine's /etc/ssh was read.",
		          "写入之前已校验：`%s` 接受计划的配置；该配置由该根目录自身的文件组装（%s；"
		          "链接在根目录内解析，每个 Include 指向这些副本），使用%s。未读取本机的 "
		          "/etc/ssh。"),
		        cmd, sb_str(&files),
		        a.generated_key ? T("a throwaway host key (the root has none)",
		                            "一个临时主机密钥（该根目录没有）")
		                        : T("the root's host keys", "该根目录的主机密钥"));
		sb_free(&files);
	} else {
		*cause = xasprintf(
		        j == SSHD_JUDGED_REFUSES
		                ? T("this machine's sshd refuses the planned configuration, assembled from "
		                    "the root's own files: %s\n%s(exit status %d); nothing was planned",
		                    "本机的 sshd 拒绝由该根目录自身文件组装的计划配置：%s\n%s（退出状态 "
		                    "%d）；未制定任何计划")
		                : T("this machine's sshd could not judge the planned configuration: %s\n"
		                    "%s(exit status %d); asr-doctor does not write a configuration sshd "
		                    "has not checked: nothing was planned",
		                    "本机的 sshd 无法判断计划的配置：%s\n%s（退出状态 %d）；asr-doctor "
		                    "不会写入未经 sshd 校验的配置：未制定任何计划"),
		        cmd ? cmd : sshd, out ? out : "", status);
	}
	free(cmd);
	free(out);
	sshd_assembly_free(&a);
	return note;
}

/* Whether the pid in a pid file is a running sshd (through the target). */
static bool pid_is_sshd(struct target *t, const char *pid)
{
	char *path = xasprintf("/proc/%s/comm", pid);
	char *comm = NULL;
	bool yes = target_read(t, path, &comm, NULL) == 0 && strcmp(str_trim(comm), "sshd") == 0;
	free(comm);
	free(path);
	return yes;
}

/* SIGHUP to the sshd named by the pid file $1, read when it runs; fails,
 * signalling nothing, when that pid is not a running sshd. */
#define RELOAD_BY_PIDFILE                                                                   \
	"p=$(cat -- \"$1\") && case $p in \"\"|*[!0-9]*) false;; esac && "                       \
	"[ \"$(cat \"/proc/$p/comm\" 2>/dev/null)\" = sshd ] && exec kill -HUP \"$p\"; "       \
	"echo \"$1 names no running sshd\" >&2; exit 1"

/* The reload command (see plan_reload) into argv (owned words, at most
 * five), or argv[0] NULL when there is none. */
static void reload_argv(struct target *t, char *argv[6])
{
	static const char *const units[] = { "ssh", "sshd" };
	static const char *const unit_dirs[] = { "/lib/systemd/system", "/usr/lib/systemd/system",
		                                 "/etc/systemd/system" };
	/* systemctl needs systemd running on a live machine; a mounted root
	 * is booted later, by whatever it ships. */
	bool systemd = !t->live || target_exists(t, "/run/systemd/system");
	for (size_t u = 0; systemd && u < ARRAY_LEN(units) && !argv[0]; u++)
		for (size_t d = 0; d < ARRAY_LEN(unit_dirs) && !argv[0]; d++) {
			char *path = xasprintf("%s/%s.service", unit_dirs[d], units[u]);
			if (target_exists(t, path)) {
				argv[0] = xstrdup("systemctl");
				argv[1] = xstrdup("reload");
				argv[2] = xstrdup(units[u]);
			}
			free(path);
		}
	if (!argv[0] && (target_exists(t, "/usr/sbin/service") || target_exists(t, "/sbin/service"))) {
		bool sshd = target_exists(t, "/etc/init.d/sshd") && !target_exists(t, "/etc/init.d/ssh");
		argv[0] = xstrdup("service");
		argv[1] = xstrdup(sshd ? "sshd" : "ssh");
		argv[2] = xstrdup("reload");
	}
	static const char *const pidfiles[] = { "/run/sshd.pid", "/var/run/sshd.pid" };
	for (size_t i = 0; t->live && !argv[0] && i < ARRAY_LEN(pidfiles); i++) {
		char *data = NULL;
		if (target_read(t, pidfiles[i], &data, NULL) == 0) {
			char *pid = str_trim(data);
			long v;
			if (str_to_long(pid, &v) && v > 1 && pid_is_sshd(t, pid)) {
				/* The pid is read again when the reload runs (a guard
				 * runs it up to its window later: the pid may name
				 * another process by then). */
				argv[0] = xstrdup("sh");
				argv[1] = xstrdup("-c");
				argv[2] = xstrdup(RELOAD_BY_PIDFILE);
				argv[3] = xstrdup("sh");
				argv[4] = xstrdup(pidfiles[i]);
			}
		}
		free(data);
	}
}

/* Plans the reload that follows the validated change: systemctl reload of
 * the unit that exists, else the init script through service, else SIGHUP
 * to the pid in sshd's pid file, read when the reload runs (only on the
 * running machine, only when that pid is sshd now and then). Each asks again before it runs and runs again
 * after undo. Adds a note instead when none is found. */
static void plan_reload(struct plan *p, struct target *t)
{
	const char *reason = T("the article, step 5: restart the sshd service. A reload is enough "
	                       "(sessions already open stay up); it runs only after sshd -t "
	                       "accepted the new configuration",
	                       "文章第 5 步：重启 sshd 服务。重新加载即可（已打开的会话保持连接）；"
	                       "仅在 sshd -t 接受新配置之后才执行");
	char *argv[6] = { NULL };
	reload_argv(t, argv);
	if (!argv[0]) {
		plan_note(p, "%s",
		          t->live ? T("No way to reload sshd was found (no ssh/sshd systemd unit, no "
		                      "service command, no sshd pid file): reload or restart sshd "
		                      "yourself after the change, or it keeps the old settings.",
		                      "未找到重新加载 sshd 的方式（没有 ssh/sshd 的 systemd 单元、"
		                      "service 命令或 sshd 的 pid 文件）：更改后请自行重新加载或重启 "
		                      "sshd，否则它仍使用旧设置。")
		                  : T("No ssh/sshd service was found in this root: sshd reads the new "
		                      "configuration when the machine boots and starts it.",
		                      "在该根目录中未找到 ssh/sshd 服务：机器启动并运行 sshd "
		                      "时会读取新配置。"));
		return;
	}
	struct plan_cmd *c = plan_add_command(p, (const char *const *)argv, reason, CMD_AFTER, true);
	c->rerun_on_undo = true;
	for (size_t i = 0; argv[i]; i++)
		free(argv[i]);
	if (t->live && !t->can_run)
		return;
	if (t->live && (target_exists(t, "/etc/systemd/system/sockets.target.wants/ssh.socket") ||
	                target_exists(t, "/etc/systemd/system/sockets.target.wants/sshd.socket")))
		plan_note(p, "%s",
		          T("sshd is started by systemd socket activation here: if the reload says "
		            "the service is not active, the next connection starts sshd with the new "
		            "configuration anyway.",
		            "此处 sshd 由 systemd 套接字激活启动：如果重新加载提示服务未运行，"
		            "下一次连接仍会以新配置启动 sshd。"));
}

/* ---- the plan ---- */

/* Adds the three effective values, before or after, to p. */
static void summary(struct plan *p, const struct work *w, const struct sshd_config *cfg,
                    bool after)
{
	static const enum sshd_key keys[] = { SSHD_PASSWORD_AUTH, SSHD_PERMIT_ROOT_LOGIN,
		                              SSHD_SUBSYSTEM_SFTP, SSHD_AUTH_METHODS };
	void (*add)(struct plan *, const char *, ...) = after ? plan_after : plan_before;
	if (w->addr)
		add(p, T("Effective for user root from %s, as sshd reads the files:",
		         "对来自 %s 的 root 用户实际生效的值（按 sshd 读取文件的方式）："),
		    w->addr);
	else
		add(p, "%s",
		    T("Effective for user root (process server address unknown), as sshd reads the "
		      "files:",
		      "对 root 用户实际生效的值（进程服务器地址未知，按 sshd 读取文件的方式）："));
	for (size_t k = 0; k < ARRAY_LEN(keys); k++) {
		/* AuthenticationMethods only when a file restricts it. */
		if (keys[k] == SSHD_AUTH_METHODS && sshd_config_get(w->cfg, keys[k])->is_default)
			continue;
		char *d = describe(cfg, w->ctx->t, keys[k]);
		add(p, "%s", d);
		free(d);
	}
}

/* Builds the plan from the edited files (see the top of this file). */
static struct plan *build_plan(struct work *w, const struct sshd_config *after,
                               const char *sshd, char **cause)
{
	const struct fix_ctx *ctx = w->ctx;
	struct plan *p = plan_new("sshd.enable_password",
	                          T("Let root log in to sshd with a password, and enable SFTP",
	                            "允许 root 通过密码登录 sshd，并启用 SFTP"));
	plan_add_checks(p, sshd_checks);
	if (ctx->anchor)
		plan_set_anchor(p, ctx->anchor);
	summary(p, w, w->cfg, false);
	summary(p, w, after, true);
	for (size_t i = 0; i < w->nfiles; i++) {
		struct edfile *f = &w->files[i];
		struct sbuf why = { 0 };
		for (size_t r = 0; r < f->reasons.n; r++)
			sb_printf(&why, "%s%s", r ? "; " : "", f->reasons.v[r]);
		struct file_edit *e =
		        plan_add_edit(p, ctx->t, f->path, f->new_data, f->new_len, sb_str(&why), cause);
		sb_free(&why);
		if (!e) {
			plan_free(p);
			return NULL;
		}
		struct strvec val = { 0 };
		validator_argv(ctx, sshd, strcmp(f->path, w->cfg->main_path) == 0, &val);
		if (val.n) {
			const char **vargv = xcalloc(val.n + 1, sizeof *vargv);
			for (size_t k = 0; k < val.n; k++)
				vargv[k] = val.v[k];
			plan_edit_validator(e, vargv);
			free(vargv);
		}
		sv_free(&val);
	}
	/* Two names of one file would be written twice, the second losing
	 * the first's change. */
	for (size_t i = 0; i < p->nedits; i++)
		for (size_t j = i + 1; j < p->nedits; j++)
			if (strcmp(p->edits[i].real_path, p->edits[j].real_path) == 0) {
				*cause = xasprintf(T("%s and %s are the same file (%s): change it by "
				                     "hand; nothing was planned",
				                     "%s 和 %s 是同一个文件（%s）：请手动修改；"
				                     "未制定任何计划"),
				                   p->edits[i].path, p->edits[j].path, p->edits[i].real_path);
				plan_free(p);
				return NULL;
			}
	plan_reload(p, ctx->t);
	plan_set_commit_confirmed(p, "sshd");
	for (size_t i = 0; i < w->notes.n; i++)
		plan_note(p, "%s", w->notes.v[i]);
	for (size_t i = 0; i < w->nfiles; i++)
		if (strstr(w->files[i].path, "cloud-init"))
			plan_note(p,
			          T("%s is written by cloud-init (ssh_pwauth): a new instance made from "
			            "this image may write it again; set ssh_pwauth: true in the "
			            "cloud-init configuration to keep password logins.",
			            "%s 由 cloud-init 写入（ssh_pwauth）：由此镜像创建的新实例可能再次写入它；"
			            "请在 cloud-init 配置中设置 ssh_pwauth: true 以保留密码登录。"),
			          w->files[i].path);
	plan_note(p, "%s",
	          T("root also needs a usable password (check account.root); asr-doctor never "
	            "asks for, sets or stores a password.",
	            "root 还需要一个可用的密码（见检查 account.root）；asr-doctor 从不询问、设置或保存密码。"));
	plan_note(p, "%s",
	          T("Password logins as root widen the ways into this machine: after the Mobility "
	            "service is installed, 'asr-doctor undo' puts the old settings back.",
	            "允许 root 用密码登录会增加进入本机的途径：移动服务安装完成后，"
	            "'asr-doctor undo' 可恢复原来的设置。"));
	if (w->validated)
		plan_note(p, "%s", w->validated);
	plan_set_undo(p, p->ncmds
	                         ? T("'{undo}' puts back the exact bytes, mode and owner "
	                             "of every file above, checks them with sshd -t and reloads "
	                             "sshd again.",
	                             "'{undo}' 会恢复上述每个文件的原始内容、权限和属主，"
	                             "用 sshd -t 校验后再次重新加载 sshd。")
	                         : T("'{undo}' puts back the exact bytes, mode and owner "
	                             "of every file above and checks them with sshd -t.",
	                             "'{undo}' 会恢复上述每个文件的原始内容、权限和属主，"
	                             "并用 sshd -t 校验。"));
	return p;
}

/* Plans the sshd change (see the top of this file). */
static struct plan *plan_sshd(const struct fix_ctx *ctx, char **cause)
{
	struct target *t = ctx->t;
	if (t->os == TARGET_OS_WINDOWS) {
		*cause = xstrdup(T("a Windows machine: the push install does not use SSH there",
		                   "Windows 计算机：推送安装在此不使用 SSH"));
		return NULL;
	}
	struct work w = { .ctx = ctx };
	struct plan *p = NULL;
	struct sshd_config *after = NULL;
	w.cfg = sshd_config_load(t, NULL);
	if (w.cfg->main_missing) {
		*cause = xstrdup(T("/etc/ssh/sshd_config is missing: install openssh-server first",
		                   "/etc/ssh/sshd_config 不存在：请先安装 openssh-server"));
		goto out;
	}
	if (w.cfg->nerrors > 0) {
		const struct sshd_diag *d = sshd_config_first_error(w.cfg);
		*cause = xasprintf(T("the SSH server configuration has an error asr-doctor will not "
		                     "build on: %s:%d: %s; correct it first",
		                     "SSH 服务器配置有错误，asr-doctor 不会在此基础上修改：%s:%d：%s；"
		                     "请先更正"),
		                   d->path ? d->path : w.cfg->main_path, d->line, d->message);
		goto out;
	}
	resolve_server(&w);
	w.conn = (struct sshd_conn){ .user = "root", .host = w.host, .addr = w.addr, .lport = 22 };
	sshd_config_eval(w.cfg, &w.conn);
	const char *sshd = validator_program(t);
	if (!sshd) {
		*cause = xstrdup(T("no sshd program to check the new configuration with (sshd -t): "
		                   "install openssh-server first; asr-doctor never reloads sshd with "
		                   "an unchecked configuration",
		                   "没有可用于校验新配置的 sshd 程序（sshd -t）：请先安装 openssh-server；"
		                   "asr-doctor 从不让 sshd 加载未经校验的配置"));
		goto out;
	}
	if (!plan_value(&w, SSHD_PASSWORD_AUTH, "yes",
	                T("the article, steps 2-3: PasswordAuthentication must be yes",
	                  "文章第 2-3 步：PasswordAuthentication 必须为 yes"),
	                cause) ||
	    !plan_value(&w, SSHD_PERMIT_ROOT_LOGIN, "yes",
	                T("the article, step 1 (sign in as root): a root password login needs "
	                  "PermitRootLogin yes; OpenSSH's default prohibit-password allows keys "
	                  "only, which the article does not mention",
	                  "文章第 1 步（以 root 登录）：root 用密码登录需要 PermitRootLogin yes；"
	                  "OpenSSH 默认的 prohibit-password 只允许密钥登录，文章没有提到这一点"),
	                cause) ||
	    !plan_sftp(&w, cause) || !plan_auth_methods(&w, cause))
		goto out;
	note_access(&w, w.cfg);
	if (w.nfiles == 0) {
		note_undecided(&w, w.cfg);
		struct sbuf b = { 0 };
		sb_add(&b, T("nothing to change: for root, PasswordAuthentication and PermitRootLogin "
		             "are yes and Subsystem sftp is set",
		             "无需更改：对 root 而言，PasswordAuthentication 和 PermitRootLogin 均为 yes，"
		             "且已设置 Subsystem sftp"));
		for (size_t i = 0; i < w.notes.n; i++)
			sb_printf(&b, "\n  %s", w.notes.v[i]);
		*cause = sb_steal(&b);
		goto out;
	}
	for (size_t i = 0; i < w.nfiles; i++)
		ed_render(&w.files[i]);
	after = verify(&w, cause);
	if (!after)
		goto out;
	if (t->offline && !(w.validated = validate_root(&w, after, sshd, cause)))
		goto out;
	/* Named by the lines of the files as they are now (the Match blocks
	 * themselves are not changed). */
	note_undecided(&w, w.cfg);
	p = build_plan(&w, after, sshd, cause);
out:
	sshd_config_free(after);
	work_free(&w);
	return p;
}

/* The validator this fix gives the edited file at path, for undo. */
static char **undo_validator(const struct fix_ctx *ctx, const char *path)
{
	const char *sshd = validator_program(ctx->t);
	if (!sshd)
		return NULL;
	struct strvec val = { 0 };
	validator_argv(ctx, sshd, strcmp(path, SSHD_CONFIG_PATH) == 0, &val);
	/* A mounted root's files carry no validator (see validator_argv). */
	char **v = val.n ? argv_dup((const char *const *)val.v) : NULL;
	sv_free(&val);
	return v;
}

/* The reload this fix runs again after undo. */
static char **undo_reload(const struct fix_ctx *ctx)
{
	char *argv[6] = { NULL };
	reload_argv(ctx->t, argv);
	if (!argv[0])
		return NULL;
	char **v = argv_dup((const char *const *)argv);
	for (size_t i = 0; argv[i]; i++)
		free(argv[i]);
	return v;
}

const struct fix_def fix_sshd_enable_password = {
	.id = "sshd.enable_password",
	.check_ids = sshd_checks,
	.title_en = "Let root log in to sshd with a password, and enable SFTP",
	.title_zh = "允许 root 通过密码登录 sshd，并启用 SFTP",
	.plan = plan_sshd,
	.validator = undo_validator,
	.reload = undo_reload,
};
