/* sshd_config.c: the OpenSSH server configuration as sshd reads it.
 *
 * sshd reads its configuration twice. At start-up every global line is
 * applied (first value wins) and Match blocks are only checked for syntax
 * ("Match all" applies). For each connection it reads the files again,
 * ignoring global lines and applying the lines of the Match blocks that
 * match the connection (again first value wins); those values replace the
 * start-up ones. An Include is read in place; the file inherits the Match
 * state of the Include line, and a Match left open at its end ends with it.
 * Inside a Match block that does not apply, Match lines of an included file
 * never match. We model both passes, with a third answer (perhaps) for Match
 * criteria that depend on what we do not know, such as the client address. */
#include "engine/sshd_config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/check.h"
#include "engine/util/cfgwords.h"

/* ---- keywords ---- */

/* Whether some sshd release (or a distribution's patch) knows the
 * lower-case keyword. */
static bool keyword_known(const char *kw)
{
	return sshd_keyword_find(kw) != NULL;
}

/* The manual's spelling of each key. */
static const char *const key_names[SSHD_KEY_COUNT] = {
	[SSHD_PASSWORD_AUTH] = "PasswordAuthentication",
	[SSHD_PERMIT_ROOT_LOGIN] = "PermitRootLogin",
	[SSHD_KBD_INTERACTIVE] = "KbdInteractiveAuthentication",
	[SSHD_USE_PAM] = "UsePAM",
	[SSHD_SUBSYSTEM_SFTP] = "Subsystem sftp",
	[SSHD_PORT] = "Port",
	[SSHD_LISTEN_ADDRESS] = "ListenAddress",
	[SSHD_USE_DNS] = "UseDNS",
	[SSHD_AUTH_METHODS] = "AuthenticationMethods",
};

/* The manual's spelling of a key. */
const char *sshd_key_name(enum sshd_key key)
{
	return (unsigned)key < SSHD_KEY_COUNT ? key_names[key] : "?";
}

/* Whether a lower-case keyword (or alias) sets key. */
bool sshd_keyword_is(const char *kw, enum sshd_key key)
{
	if (!kw)
		return false;
	switch (key) {
	case SSHD_PASSWORD_AUTH:
		return strcmp(kw, "passwordauthentication") == 0;
	case SSHD_PERMIT_ROOT_LOGIN:
		return strcmp(kw, "permitrootlogin") == 0;
	case SSHD_KBD_INTERACTIVE:
		return strcmp(kw, "kbdinteractiveauthentication") == 0 ||
		       strcmp(kw, "challengeresponseauthentication") == 0;
	case SSHD_USE_PAM:
		return strcmp(kw, "usepam") == 0;
	case SSHD_SUBSYSTEM_SFTP:
		return strcmp(kw, "subsystem") == 0;
	case SSHD_PORT:
		return strcmp(kw, "port") == 0;
	case SSHD_LISTEN_ADDRESS:
		return strcmp(kw, "listenaddress") == 0;
	case SSHD_USE_DNS:
		return strcmp(kw, "usedns") == 0;
	case SSHD_AUTH_METHODS:
		return strcmp(kw, "authenticationmethods") == 0;
	case SSHD_KEY_COUNT:
		break;
	}
	return false;
}

/* Keys that only the start-up pass sets (sshd refuses them inside Match). */
static bool key_global_only(int key)
{
	return key == SSHD_USE_PAM || key == SSHD_PORT || key == SSHD_LISTEN_ADDRESS ||
	       key == SSHD_USE_DNS;
}

/* Keys where every line adds a value instead of the first one winning. */
static bool key_accumulates(int key)
{
	return key == SSHD_PORT || key == SSHD_LISTEN_ADDRESS;
}

/* OpenSSH's value when nothing sets the key (NULL: none). */
static const char *key_default(int key)
{
	switch (key) {
	case SSHD_PASSWORD_AUTH:
	case SSHD_KBD_INTERACTIVE:
		return "yes";
	case SSHD_PERMIT_ROOT_LOGIN:
		return "prohibit-password";
	case SSHD_USE_PAM:
	case SSHD_USE_DNS:
		return "no";
	case SSHD_PORT:
		return "22";
	case SSHD_LISTEN_ADDRESS:
		return "0.0.0.0 ::";
	case SSHD_AUTH_METHODS:
		return "any";
	default:
		return NULL;
	}
}

/* ---- diagnostics ---- */

static void diag(struct sshd_config *cfg, enum sshd_diag_level level, const char *path, int line,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Records a diagnostic about path:line (message already formatted). */
static void diag_add(struct sshd_config *cfg, enum sshd_diag_level level, bool refuses,
		     const char *path, int line, char *m)
{
	size_t cap = cfg->ndiags;
	cfg->diags = xrealloc(cfg->diags, (cap + 1) * sizeof *cfg->diags);
	cfg->diags[cfg->ndiags++] = (struct sshd_diag){
		.level = level, .refuses = refuses, .path = path ? xstrdup(path) : NULL,
		.line = line, .message = m,
	};
	if (level == SSHD_DIAG_ERROR)
		cfg->nerrors++;
	if (refuses)
		cfg->nrefusals++;
}

/* Records a diagnostic about path:line. */
static void diag(struct sshd_config *cfg, enum sshd_diag_level level, const char *path, int line,
		 const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *m = xvasprintf(fmt, ap);
	va_end(ap);
	diag_add(cfg, level, false, path, line, m);
}

static void refuse(struct sshd_config *cfg, const char *path, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Records an error sshd refuses to start on, about path:line. */
static void refuse(struct sshd_config *cfg, const char *path, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *m = xvasprintf(fmt, ap);
	va_end(ap);
	diag_add(cfg, SSHD_DIAG_ERROR, true, path, line, m);
}

/* ---- splitting lines ---- */

/* sshd's white space (and the form feed and vertical tab). */
static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* A lower-case copy of the first n bytes of s; caller frees. */
static char *lower_dup(const char *s, size_t n)
{
	char *r = xstrndup(s, n);
	for (char *p = r; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return r;
}

/* Splits arguments like sshd (cfg_split_words) into an argument vector.
 * Returns false on an unterminated quote; *argv is set either way. */
static bool split_args(const char *s, char ***argv, size_t *argc)
{
	struct strvec w = { 0 };
	bool ok = cfg_split_words(s, &w);
	*argv = w.v;
	*argc = w.n;
	return ok;
}

/* Frees an argument vector from split_args. */
static void free_args(char **argv, size_t argc)
{
	for (size_t i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
}

/* Finds the keyword of a line (after leading blanks) and where its
 * arguments start: "Keyword value", "Keyword=value", "Keyword = value".
 * Returns false when there is no keyword. */
static bool split_keyword(const char *text, char **kw, const char **rest)
{
	const char *p = text;
	while (is_space(*p))
		p++;
	size_t n = strcspn(p, " \t\r\n\f\v=\"");
	if (n == 0)
		return false;
	*kw = lower_dup(p, n);
	p += n;
	while (is_space(*p))
		p++;
	if (*p == '=') {
		p++;
		while (is_space(*p))
			p++;
	}
	*rest = p;
	return true;
}

/* Takes the next Match criteria word the way sshd splits them: at blanks
 * or one '=', a double-quoted word kept whole. Returns NULL at the end;
 * *bad is set on an unterminated quote. */
static char *next_word(const char **sp, bool *bad)
{
	const char *s = *sp;
	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s) {
		*sp = s;
		return NULL;
	}
	char *w;
	if (*s == '"') {
		const char *e = strchr(s + 1, '"');
		if (!e) {
			*bad = true;
			*sp = s + strlen(s);
			return NULL;
		}
		w = xstrndup(s + 1, (size_t)(e - s - 1));
		s = e + 1;
	} else {
		size_t n = strcspn(s, " \t=\"");
		w = xstrndup(s, n);
		s += n;
	}
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '=') {
		s++;
		while (*s == ' ' || *s == '\t')
			s++;
	}
	*sp = s;
	return w;
}

/* ---- matching ---- */

/* Matches s against one pattern with '*' and '?', in linear time: on a
 * mismatch only the last '*' is retried one character further (OpenSSH's
 * recursive matcher gives the same answers, exponentially slower). */
static bool match_one(const char *s, const char *p, bool fold)
{
	const char *star = NULL, *resume = NULL;
	while (*s) {
		char a = *s, b = *p;
		if (fold) {
			a = (char)tolower((unsigned char)a);
			b = (char)tolower((unsigned char)b);
		}
		if (*p == '*') {
			star = ++p;
			resume = s;
		} else if (*p && (*p == '?' || a == b)) {
			s++;
			p++;
		} else if (star) {
			p = star;
			s = ++resume;
		} else {
			return false;
		}
	}
	while (*p == '*')
		p++;
	return !*p;
}

/* sshd's pattern-list matching: any negated match wins. */
int sshd_match_pattern_list(const char *s, const char *list, bool fold_case)
{
	int got = 0;
	const char *p = list;
	while (*p) {
		bool neg = *p == '!';
		if (neg)
			p++;
		size_t n = strcspn(p, ",");
		char *pat = xstrndup(p, n);
		bool m = match_one(s, pat, fold_case);
		free(pat);
		p += n;
		if (*p == ',')
			p++;
		if (m) {
			if (neg)
				return -1;
			got = 1;
		}
	}
	return got;
}

struct ipaddr {
	int af;
	unsigned char b[16];
};

/* Parses a numeric IPv4 or IPv6 address. */
static bool ip_parse(const char *s, struct ipaddr *a)
{
	memset(a, 0, sizeof *a);
	if (inet_pton(AF_INET, s, a->b) == 1) {
		a->af = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, s, a->b) == 1) {
		a->af = AF_INET6;
		/* An IPv4-mapped address compares as IPv4. */
		static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
		if (memcmp(a->b, mapped, 12) == 0) {
			memmove(a->b, a->b + 12, 4);
			memset(a->b + 4, 0, 12);
			a->af = AF_INET;
		}
		return true;
	}
	return false;
}

/* Whether a and b agree on the first bits bits. */
static bool ip_prefix_eq(const struct ipaddr *a, const struct ipaddr *b, unsigned bits)
{
	if (a->af != b->af)
		return false;
	for (unsigned i = 0; i < bits; i++) {
		unsigned byte = i / 8, bit = 7 - i % 8;
		if (((a->b[byte] >> bit) & 1) != ((b->b[byte] >> bit) & 1))
			return false;
	}
	return true;
}

/* Parses "addr" or "addr/len": 0 when it is one, -1 when it is not an
 * address (try a wildcard pattern), -2 when the mask is wrong. */
static int cidr_parse(const char *s, struct ipaddr *net, unsigned *len)
{
	const char *slash = strchr(s, '/');
	char *a = slash ? xstrndup(s, (size_t)(slash - s)) : xstrdup(s);
	bool ok = ip_parse(a, net);
	free(a);
	if (!ok)
		return -1;
	unsigned max = net->af == AF_INET ? 32 : 128;
	if (!slash) {
		*len = max;
		return 0;
	}
	const char *m = slash + 1;
	if (!isdigit((unsigned char)*m))
		return -1;
	char *end;
	unsigned long v = strtoul(m, &end, 10);
	if (*end || v > 128)
		return -1;
	if (v > max)
		return -2;
	*len = (unsigned)v;
	/* The host part must be zero ("10.1.1.1/24" is refused). */
	for (unsigned i = *len; i < max; i++)
		if ((net->b[i / 8] >> (7 - i % 8)) & 1)
			return -2;
	return 0;
}

/* sshd's address-list matching: CIDR first, then wildcards. */
int sshd_match_addr_list(const char *addr, const char *list)
{
	struct ipaddr try;
	bool have = addr && ip_parse(addr, &try);
	int ret = 0;
	const char *p = list;
	for (;;) {
		size_t n = strcspn(p, ",");
		char *item = xstrndup(p, n);
		const char *e = item;
		bool neg = *e == '!';
		if (neg)
			e++;
		if (!*e) {
			free(item);
			return -2;
		}
		struct ipaddr net;
		unsigned len = 0;
		int r = cidr_parse(e, &net, &len);
		bool found = false;
		if (r == -2) {
			free(item);
			return -2;
		} else if (r == 0) {
			found = have && ip_prefix_eq(&try, &net, len);
		} else if (addr) {
			found = match_one(addr, e, false);
		}
		free(item);
		if (found && addr) {
			if (neg)
				return -1;
			ret = 1;
		}
		p += n;
		if (!*p)
			break;
		p++;
	}
	return addr ? ret : 0;
}

/* ---- loading ---- */

struct loader {
	struct sshd_config *cfg;
	struct target *t;
	const struct sshd_override *ov; /* borrowed: contents to use instead */
	size_t nov;
	bool stop;                      /* an include loop or too many files:
					 * sshd refuses to start, read no more */
	size_t loads;                   /* files read so far */
};

/* Files read through Include in all, beyond which the configuration is
 * refused: drop-ins including each other fan out combinatorially. */
#define SSHD_INCLUDE_FILES_MAX 256

/* The override for a target path, or NULL. */
static const struct sshd_override *override_for(const struct loader *ld, const char *path)
{
	for (size_t i = 0; i < ld->nov; i++)
		if (ld->ov[i].path && strcmp(ld->ov[i].path, path) == 0)
			return &ld->ov[i];
	return NULL;
}

/* Frees what a line owns. */
static void line_free(struct sshd_line *l)
{
	free(l->text);
	free(l->keyword);
	free_args(l->args, l->nargs);
	free(l->value);
	free(l->includes);
}

/* Which of our keys a directive sets, or -1. */
static int directive_key(const char *kw, char **args, size_t nargs)
{
	for (int k = 0; k < SSHD_KEY_COUNT; k++)
		if (sshd_keyword_is(kw, (enum sshd_key)k)) {
			if (k == SSHD_SUBSYSTEM_SFTP && (nargs < 1 || strcmp(args[0], "sftp") != 0))
				return -1;
			return k;
		}
	return -1;
}

/* The authentication methods sshd knows (auth2.c), for AuthenticationMethods. */
static const char *const auth_method_names[] = { "none", "publickey", "gssapi-with-mic",
						 "password", "keyboard-interactive", "hostbased" };

/* Validates AuthenticationMethods like sshd: "any" alone, or lists of
 * known methods (a method may carry ":submethod"), none empty. Returns the
 * lists joined by spaces, or NULL with a diagnostic. */
static char *auth_methods_value(struct sshd_config *cfg, const char *path,
				const struct sshd_line *l)
{
	for (size_t i = 0; i < l->nargs; i++) {
		const char *a = l->args[i];
		if (strcmp(a, "any") == 0) {
			if (l->nargs == 1)
				continue;
			refuse(cfg, path, l->lineno, "%s",
			     T("AuthenticationMethods: \"any\" must appear alone",
			       "AuthenticationMethods：\"any\" 必须单独出现"));
			return NULL;
		}
		bool ok = *a != '\0';
		for (const char *m = a; ok && *m;) {
			size_t n = strcspn(m, ",");
			size_t name = strcspn(m, ",:");
			bool known = false;
			for (size_t k = 0; k < ARRAY_LEN(auth_method_names) && !known; k++)
				known = strlen(auth_method_names[k]) == name &&
					strncmp(m, auth_method_names[k], name) == 0;
			ok = known && n > 0;
			m += n;
			if (*m == ',') {
				m++;
				ok = ok && *m;
			}
		}
		if (!ok) {
			refuse(cfg, path, l->lineno,
			     T("AuthenticationMethods: invalid method list \"%s\"",
			       "AuthenticationMethods：方法列表 \"%s\" 无效"),
			     a);
			return NULL;
		}
	}
	struct sbuf b = { 0 };
	for (size_t i = 0; i < l->nargs; i++) {
		if (i)
			sb_addc(&b, ' ');
		sb_add(&b, l->args[i]);
	}
	return sb_steal(&b);
}

/* Validates a key line's arguments and returns its normalised value, or
 * NULL with a diagnostic when sshd would refuse it. */
static char *key_value(struct sshd_config *cfg, const char *path, const struct sshd_line *l)
{
	const char *kwname = l->keyword;
	if (l->nargs == 0) {
		refuse(cfg, path, l->lineno,
		     T("%s has no value", "%s 没有值"), kwname);
		return NULL;
	}
	switch (l->key) {
	case SSHD_PASSWORD_AUTH:
	case SSHD_KBD_INTERACTIVE:
	case SSHD_USE_PAM:
	case SSHD_USE_DNS:
		if (l->nargs > 1)
			break;
		if (str_ieq(l->args[0], "yes"))
			return xstrdup("yes");
		if (str_ieq(l->args[0], "no"))
			return xstrdup("no");
		refuse(cfg, path, l->lineno,
		     T("%s: unsupported value \"%s\" (yes or no)", "%s：不支持的值 \"%s\"（应为 yes 或 no）"),
		     kwname, l->args[0]);
		return NULL;
	case SSHD_PERMIT_ROOT_LOGIN: {
		if (l->nargs > 1)
			break;
		static const char *const ok[] = { "yes", "no", "prohibit-password",
						  "forced-commands-only" };
		if (str_ieq(l->args[0], "without-password"))
			return xstrdup("prohibit-password");
		for (size_t i = 0; i < ARRAY_LEN(ok); i++)
			if (str_ieq(l->args[0], ok[i]))
				return xstrdup(ok[i]);
		refuse(cfg, path, l->lineno,
		     T("PermitRootLogin: unsupported value \"%s\"", "PermitRootLogin：不支持的值 \"%s\""),
		     l->args[0]);
		return NULL;
	}
	case SSHD_SUBSYSTEM_SFTP: {
		if (l->nargs < 2) {
			refuse(cfg, path, l->lineno, "%s",
			     T("Subsystem sftp has no command", "Subsystem sftp 缺少命令"));
			return NULL;
		}
		struct sbuf b = { 0 };
		for (size_t i = 1; i < l->nargs; i++) {
			if (i > 1)
				sb_addc(&b, ' ');
			sb_add(&b, l->args[i]);
		}
		return sb_steal(&b);
	}
	case SSHD_PORT: {
		long v;
		if (l->nargs > 1)
			break;
		if (!str_to_long(l->args[0], &v) || v < 1 || v > 65535) {
			refuse(cfg, path, l->lineno,
			     T("Port: bad port number \"%s\"", "Port：端口号 \"%s\" 无效"), l->args[0]);
			return NULL;
		}
		return xasprintf("%ld", v);
	}
	case SSHD_LISTEN_ADDRESS:
		return xstrdup(l->args[0]);
	case SSHD_AUTH_METHODS:
		return auth_methods_value(cfg, path, l);
	default:
		return NULL;
	}
	refuse(cfg, path, l->lineno,
	     T("%s: extra arguments at the end of the line", "%s：行尾有多余的参数"), kwname);
	return NULL;
}

/* "X.Y" of a version number, written into buf. */
static const char *version_str(int v, char buf[16])
{
	snprintf(buf, 16, "%d.%d", v / 100, v % 100);
	return buf;
}

/* Checks the criteria of a Match line for what sshd refuses whatever the
 * connection. Returns false when they are bad; *all tells "Match all". */
static bool match_validate(struct sshd_config *cfg, const char *path, int lineno,
			   const char *criteria, bool *all)
{
	*all = false;
	const char *s = criteria;
	bool badq = false;
	int n = 0;
	char *attr;
	bool ok = true;
	while (ok && (attr = next_word(&s, &badq)) != NULL) {
		if (attr[0] == '#') {
			free(attr);
			break;
		}
		n++;
		if (str_ieq(attr, "all")) {
			*all = true;
			char *more = next_word(&s, &badq);
			if (n != 1 || (more && more[0] != '#')) {
				refuse(cfg, path, lineno, "%s",
				     T("'Match all' cannot be combined with other criteria",
				       "'Match all' 不能与其他条件组合"));
				ok = false;
			}
			free(more);
			free(attr);
			break;
		}
		int since = 0;
		if (!sshd_match_criterion_known(attr, cfg->version, &since)) {
			char vb[16], hb[16];
			if (since)
				refuse(cfg, path, lineno,
				       T("Match %s needs OpenSSH %s or later; this machine has OpenSSH %s: "
					 "sshd refuses to start",
					 "Match %s 需要 OpenSSH %s 或更高版本；本机为 OpenSSH %s：sshd 会拒绝启动"),
				       attr, version_str(since, vb), version_str(cfg->version, hb));
			else
				refuse(cfg, path, lineno,
				       T("Unsupported Match attribute %s (sshd refuses to start)",
					 "不支持的 Match 条件 %s（sshd 会拒绝启动）"),
				       attr);
			ok = false;
			free(attr);
			break;
		}
		if (str_ieq(attr, "invalid-user")) {
			free(attr);
			continue;
		}
		char *arg = next_word(&s, &badq);
		if (!arg || arg[0] == '#') {
			refuse(cfg, path, lineno,
			     T("Match %s has no value", "Match %s 缺少值"), attr);
			ok = false;
		} else if (str_ieq(attr, "address") || str_ieq(attr, "localaddress")) {
			if (sshd_match_addr_list(NULL, arg) == -2) {
				refuse(cfg, path, lineno,
				     T("Match %s: invalid address list \"%s\"",
				       "Match %s：地址列表 \"%s\" 无效"), attr, arg);
				ok = false;
			}
		} else if (str_ieq(attr, "localport")) {
			long v;
			if (!str_to_long(arg, &v) || v < 1 || v > 65535) {
				refuse(cfg, path, lineno,
				     T("Match LocalPort: bad port \"%s\"", "Match LocalPort：端口 \"%s\" 无效"),
				     arg);
				ok = false;
			}
		}
		free(arg);
		free(attr);
	}
	if (badq) {
		refuse(cfg, path, lineno, "%s",
		     T("Match: unterminated quote", "Match：引号未闭合"));
		ok = false;
	} else if (ok && n == 0) {
		refuse(cfg, path, lineno, "%s",
		     T("Match needs at least one criterion", "Match 至少需要一个条件"));
		ok = false;
	}
	return ok;
}

/* Turns a '#' comment into a commented-out directive when it reads like
 * one of a known keyword with at least one argument. */
static void comment_directive(struct sshd_line *l)
{
	const char *p = l->text;
	while (is_space(*p))
		p++;
	while (*p == '#')
		p++;
	char *kw = NULL;
	const char *rest = NULL;
	if (!split_keyword(p, &kw, &rest))
		return;
	char **args;
	size_t nargs;
	bool ok = split_args(rest, &args, &nargs);
	if (!ok || nargs == 0 || !keyword_known(kw)) {
		free(kw);
		free_args(args, nargs);
		return;
	}
	l->keyword = kw;
	l->args = args;
	l->nargs = nargs;
}

/* Expands an Include pattern on the target like glob(3): '*', '?' and
 * '[...]' in any component, a leading dot matched only explicitly, the
 * result sorted. Only names that exist are returned (on the target, or as
 * an override: a file a plan would create). */
static void glob_expand(const struct loader *ld, const char *prefix, const char *rest,
			struct strvec *out)
{
	struct target *t = ld->t;
	while (*rest == '/')
		rest++;
	if (!*rest) {
		struct target_stat st;
		const char *p = *prefix ? prefix : "/";
		if (target_lstat(t, p, &st) == 0 || override_for(ld, p))
			sv_push(out, p);
		return;
	}
	size_t n = strcspn(rest, "/");
	char *comp = xstrndup(rest, n);
	const char *next = rest + n;
	if (!strpbrk(comp, "*?[")) {
		char *p = xasprintf("%s/%s", prefix, comp);
		glob_expand(ld, p, next, out);
		free(p);
	} else {
		struct strvec names = { 0 };
		if (target_list(t, *prefix ? prefix : "/", &names) < 0) {
			sv_free(&names);
			names = (struct strvec){ 0 };
		}
		/* Files that exist only as overrides, directly in this folder. */
		size_t plen = strlen(prefix);
		for (size_t i = 0; i < ld->nov; i++) {
			const char *op = ld->ov[i].path;
			if (op && strncmp(op, prefix, plen) == 0 && op[plen] == '/' &&
			    !strchr(op + plen + 1, '/') && op[plen + 1] &&
			    !sv_contains(&names, op + plen + 1))
				sv_push(&names, op + plen + 1);
		}
		for (size_t i = 0; i < names.n; i++)
			if (fnmatch(comp, names.v[i], FNM_PERIOD) == 0) {
				char *p = xasprintf("%s/%s", prefix, names.v[i]);
				glob_expand(ld, p, next, out);
				free(p);
			}
		sv_free(&names);
	}
	free(comp);
}

/* qsort comparison of strings, bytewise like glob(3) in the C locale. */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int load_file(struct loader *ld, const char *path, int parent, int parent_line,
		     int parent_block, int depth);

/* Reads the files an Include line names, recording them on the line. */
static void do_include(struct loader *ld, int fi, struct sshd_line *l, int ctx_block, int depth)
{
	struct sshd_config *cfg = ld->cfg;
	const char *path = cfg->files[fi].path;
	if (l->nargs == 0) {
		refuse(cfg, path, l->lineno, "%s",
		     T("Include names no file", "Include 没有指定文件"));
		return;
	}
	size_t cap = 0;
	for (size_t a = 0; a < l->nargs; a++) {
		const char *arg = l->args[a];
		if (!*arg) {
			refuse(cfg, path, l->lineno, "%s",
			     T("Include has an empty argument", "Include 有空参数"));
			continue;
		}
		char *pat = arg[0] == '/' ? xstrdup(arg) : xasprintf("%s/%s", SSHD_CONFIG_DIR, arg);
		if (arg[0] == '~')
			diag(cfg, SSHD_DIAG_WARNING, path, l->lineno,
			     T("Include %s: sshd does not expand '~' here", "Include %s：sshd 不会展开此处的 '~'"),
			     arg);
		struct strvec found = { 0 };
		if (pat[0] == '/')
			glob_expand(ld, "", pat, &found);
		if (found.n > 1)
			qsort(found.v, found.n, sizeof *found.v, cmp_str);
		for (size_t i = 0; i < found.n && !ld->stop; i++) {
			/* An include loop: a file that is already being read. */
			int loop_at = -1;
			for (int p = fi; p >= 0; p = cfg->files[p].parent)
				if (strcmp(cfg->files[p].path, found.v[i]) == 0) {
					loop_at = p;
					break;
				}
			if (loop_at >= 0) {
				refuse(cfg, path, l->lineno,
				     T("include loop: %s is already being read (sshd refuses this: "
				       "too many recursive includes)",
				       "包含循环：%s 正在被读取（sshd 会拒绝：递归包含过多）"),
				     found.v[i]);
				/* sshd would not start: reading on only costs time. */
				ld->stop = true;
				break;
			}
			if (++ld->loads > SSHD_INCLUDE_FILES_MAX) {
				diag(cfg, SSHD_DIAG_ERROR, path, l->lineno,
				     T("more than %d files read through Include", "通过 Include 读取的文件超过 %d 个"),
				     SSHD_INCLUDE_FILES_MAX);
				ld->stop = true;
				break;
			}
			if (depth + 1 > SSHD_INCLUDE_DEPTH_MAX) {
				refuse(cfg, path, l->lineno,
				     T("includes nested deeper than %d levels", "包含嵌套超过 %d 层"),
				     SSHD_INCLUDE_DEPTH_MAX);
				break;
			}
			int child = load_file(ld, found.v[i], fi, l->lineno, ctx_block, depth + 1);
			if (child >= 0) {
				l->includes = xgrow(l->includes, &cap, l->nincludes + 1,
						    sizeof *l->includes);
				l->includes[l->nincludes++] = child;
			}
		}
		sv_free(&found);
		free(pat);
	}
}

/* Reads root's groups (primary and supplementary) from the target's files. */
static void load_root_groups(struct sshd_config *cfg, struct target *t)
{
	char *pw = NULL, *gr = NULL;
	if (target_read(t, "/etc/passwd", &pw, NULL) < 0 ||
	    target_read(t, "/etc/group", &gr, NULL) < 0) {
		free(pw);
		free(gr);
		return;
	}
	long root_gid = -1;
	for (char *save = NULL, *ln = strtok_r(pw, "\n", &save); ln; ln = strtok_r(NULL, "\n", &save)) {
		if (!str_starts(ln, "root:"))
			continue;
		/* root:x:0:GID:... */
		char *f = ln;
		for (int i = 0; i < 3 && f; i++) {
			f = strchr(f, ':');
			if (f)
				f++;
		}
		long v;
		char *end = f ? f + strcspn(f, ":") : NULL;
		if (end) {
			char *num = xstrndup(f, (size_t)(end - f));
			if (str_to_long(num, &v) && v >= 0)
				root_gid = v;
			free(num);
		}
		break;
	}
	if (root_gid < 0) {
		/* No root line (or a broken one): its groups are not known. */
		free(pw);
		free(gr);
		return;
	}
	for (char *save = NULL, *ln = strtok_r(gr, "\n", &save); ln; ln = strtok_r(NULL, "\n", &save)) {
		/* name:x:gid:member,member */
		char *c1 = strchr(ln, ':');
		char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		char *c3 = c2 ? strchr(c2 + 1, ':') : NULL;
		if (!c3)
			continue;
		*c1 = '\0';
		long gid = strtol(c2 + 1, NULL, 10);
		bool member = gid == root_gid;
		char *mem = str_trim(c3 + 1);
		for (char *s2 = NULL, *m = strtok_r(mem, ",", &s2); m && !member; m = strtok_r(NULL, ",", &s2))
			member = strcmp(str_trim(m), "root") == 0;
		if (member && !sv_contains(&cfg->root_groups, ln))
			sv_push(&cfg->root_groups, ln);
	}
	cfg->groups_known = true;
	free(pw);
	free(gr);
}

/* Checks a directive's keyword against the release's keyword table, and
 * an algorithm list's names: an unknown keyword or a name sshd does not
 * know stops sshd from starting; a deprecated, ignored or unsupported
 * keyword is only logged by sshd. */
static void check_keyword(struct sshd_config *cfg, const char *path, const struct sshd_line *l)
{
	const struct sshd_keyword *k = sshd_keyword_find(l->keyword);
	char have[16], need[16];
	if (!k) {
		refuse(cfg, path, l->lineno,
		       T("Bad configuration option: %s (no OpenSSH release knows this keyword: "
			 "sshd refuses to start)",
			 "错误的配置选项：%s（没有任何 OpenSSH 版本认识此关键字：sshd 会拒绝启动）"),
		       l->keyword);
		return;
	}
	if (!sshd_keyword_known_in(k, cfg->version)) {
		if (k->since && cfg->version < k->since)
			refuse(cfg, path, l->lineno,
			       T("%s needs OpenSSH %s or later; this machine has OpenSSH %s (%s): sshd "
				 "refuses to start",
				 "%s 需要 OpenSSH %s 或更高版本；本机为 OpenSSH %s（%s）：sshd 会拒绝启动"),
			       l->keyword, version_str(k->since, need), version_str(cfg->version, have),
			       cfg->version_from ? cfg->version_from : "?");
		else
			refuse(cfg, path, l->lineno,
			       T("%s is not known to OpenSSH after %s; this machine has OpenSSH %s (%s): "
				 "sshd refuses to start",
				 "OpenSSH %s 之后不再认识 %s；本机为 OpenSSH %s（%s）：sshd 会拒绝启动"),
			       l->keyword, version_str(k->until, need), version_str(cfg->version, have),
			       cfg->version_from ? cfg->version_from : "?");
		return;
	}
	if (cfg->version == 0 && k->until)
		diag(cfg, SSHD_DIAG_WARNING, path, l->lineno,
		     T("%s is not known to OpenSSH after %s, which refuses to start on it (the "
		       "installed release is unknown)",
		       "OpenSSH %s 之后不再认识 %s，遇到它会拒绝启动（已安装的版本未知）"),
		     l->keyword, version_str(k->until, need));
	else if (k->kind == SSHD_KW_DEPRECATED || k->kind == SSHD_KW_UNSUPPORTED)
		diag(cfg, SSHD_DIAG_WARNING, path, l->lineno,
		     T("%s is %s: sshd logs it and ignores it", "%s %s：sshd 会记录并忽略它"),
		     l->keyword,
		     k->kind == SSHD_KW_DEPRECATED ? T("deprecated", "已弃用")
						   : T("unsupported by this build", "不受此构建支持"));
	int algo = sshd_algo_keyword(l->keyword);
	if (algo < 0 || l->nargs == 0)
		return;
	char *bad = sshd_algo_list_check((enum sshd_algo_kind)algo, l->args[0], 0);
	if (bad) {
		refuse(cfg, path, l->lineno,
		       T("%s: unsupported algorithm \"%s\" (sshd refuses to start)",
			 "%s：不支持的算法 \"%s\"（sshd 会拒绝启动）"),
		       l->keyword, bad);
	} else if (cfg->version &&
		   (bad = sshd_algo_list_check((enum sshd_algo_kind)algo, l->args[0], cfg->version))) {
		diag(cfg, SSHD_DIAG_WARNING, path, l->lineno,
		     T("%s: \"%s\" is not in OpenSSH %s's list; sshd refuses to start unless the "
		       "distribution added it",
		       "%s：\"%s\" 不在 OpenSSH %s 的列表中；除非发行版添加了它，否则 sshd 会拒绝启动"),
		     l->keyword, bad, version_str(cfg->version, have));
	} else if (l->nargs > 1) {
		refuse(cfg, path, l->lineno,
		       T("%s: extra arguments at the end of the line", "%s：行尾有多余的参数"),
		       l->keyword);
	}
	free(bad);
}

/* Splits one line of file path into l (lineno set by the caller). */
static void parse_line(struct sshd_config *cfg, const char *path, struct sshd_line *l)
{
	const char *p = l->text;
	while (is_space(*p))
		p++;
	if (!*p) {
		l->kind = SSHD_LINE_BLANK;
		return;
	}
	if (*p == '#') {
		l->kind = SSHD_LINE_COMMENT;
		comment_directive(l);
		return;
	}
	const char *rest = NULL;
	if (!split_keyword(p, &l->keyword, &rest)) {
		l->kind = SSHD_LINE_BAD;
		refuse(cfg, path, l->lineno, "%s",
		     T("line does not start with a keyword", "该行不以关键字开头"));
		return;
	}
	if (!*rest) {
		l->kind = SSHD_LINE_BAD;
		refuse(cfg, path, l->lineno,
		     T("no argument after keyword \"%s\"", "关键字 \"%s\" 后没有参数"), l->keyword);
		return;
	}
	if (!split_args(rest, &l->args, &l->nargs)) {
		l->kind = SSHD_LINE_BAD;
		refuse(cfg, path, l->lineno, "%s",
		     T("unterminated quote", "引号未闭合"));
		return;
	}
	l->kind = SSHD_LINE_DIRECTIVE;
	check_keyword(cfg, path, l);
	l->key = directive_key(l->keyword, l->args, l->nargs);
	if (l->key >= 0)
		l->value = key_value(cfg, path, l);
}

/* Reads one file (and, inline, what it includes) as files[index]; returns
 * the index, or -1 when the file could not be read (with a diagnostic). */
static int load_file(struct loader *ld, const char *path, int parent, int parent_line,
		     int parent_block, int depth)
{
	struct sshd_config *cfg = ld->cfg;
	char *data = NULL;
	size_t len = 0;
	const struct sshd_override *ov = override_for(ld, path);
	int rc = 0;
	if (ov) {
		len = ov->len;
		data = xmalloc(len + 1);
		memcpy(data, ov->data, len);
		data[len] = '\0';
	} else {
		rc = target_read(ld->t, path, &data, &len);
	}
	if (rc < 0) {
		char *why = check_read_error(ld->t, path, rc);
		if (parent < 0) {
			if (rc == -ENOENT)
				cfg->main_missing = true;
			diag(cfg, SSHD_DIAG_ERROR, path, 0, T("cannot read: %s", "无法读取：%s"), why);
		} else {
			diag(cfg, SSHD_DIAG_ERROR, cfg->files[parent].path, parent_line,
			     T("cannot read included file %s: %s", "无法读取被包含的文件 %s：%s"), path,
			     why);
		}
		free(why);
		free(data);
		return -1;
	}
	int fi = (int)cfg->nfiles;
	cfg->files = xrealloc(cfg->files, (cfg->nfiles + 1) * sizeof *cfg->files);
	cfg->files[cfg->nfiles++] = (struct sshd_file){
		.path = xstrdup(path), .parent = parent, .parent_line = parent_line,
		.parent_block = parent_block, .depth = depth,
	};
	const char *nul = memchr(data, '\0', len);
	if (nul) {
		int ln = 1;
		for (const char *q = data; q < nul; q++)
			ln += *q == '\n';
		diag(cfg, SSHD_DIAG_ERROR, path, ln, "%s",
		     T("binary data (a NUL byte): not a configuration file",
		       "二进制数据（含 NUL 字节）：不是配置文件"));
		free(data);
		return fi;
	}
	struct sshd_line *lines = NULL;
	size_t nlines = 0, cap = 0, ncrlf = 0;
	int block = -1, first_match = 0;
	const char *p = data, *end = data + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		bool cr = n > 0 && p[n - 1] == '\r';
		ncrlf += cr;
		lines = xgrow(lines, &cap, nlines + 1, sizeof *lines);
		struct sshd_line *l = &lines[nlines];
		memset(l, 0, sizeof *l);
		l->lineno = (int)nlines + 1;
		l->key = -1;
		nlines++;
		if (n > SSHD_LINE_MAX) {
			l->text = xstrndup(p, SSHD_LINE_MAX);
			l->kind = SSHD_LINE_BAD;
			l->block = block;
			diag(cfg, SSHD_DIAG_ERROR, path, l->lineno,
			     T("line longer than %d bytes", "行长度超过 %d 字节"), SSHD_LINE_MAX);
		} else {
			l->text = xstrndup(p, cr ? n - 1 : n);
			parse_line(cfg, path, l);
			if (l->kind == SSHD_LINE_DIRECTIVE && strcmp(l->keyword, "match") == 0) {
				const char *rest = NULL;
				char *kw = NULL;
				split_keyword(l->text, &kw, &rest);
				free(kw);
				char *crit = str_trim(xstrdup(rest));
				bool all = false;
				bool ok = match_validate(cfg, path, l->lineno, crit, &all);
				cfg->blocks = xrealloc(cfg->blocks,
						       (cfg->nblocks + 1) * sizeof *cfg->blocks);
				cfg->blocks[cfg->nblocks] = (struct sshd_block){
					.file = fi, .line = l->lineno, .end_line = l->lineno,
					.criteria = crit, .parent = parent_block, .all = all,
					.bad = !ok, .applies = SSHD_NO,
				};
				block = (int)cfg->nblocks++;
				if (!first_match)
					first_match = l->lineno;
			}
			l->block = block;
			if (block >= 0)
				cfg->blocks[block].end_line = l->lineno;
			if (l->kind == SSHD_LINE_DIRECTIVE && strcmp(l->keyword, "include") == 0)
				do_include(ld, fi, l, block >= 0 ? block : parent_block, depth);
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	struct sshd_file *f = &cfg->files[fi];
	f->loaded = true;
	f->lines = lines;
	f->nlines = nlines;
	f->crlf = nlines > 0 && ncrlf * 2 > nlines;
	f->final_newline = len == 0 || data[len - 1] == '\n';
	f->first_match_line = first_match;
	free(data);
	return fi;
}

/* ---- the start-up pass ---- */

/* Appends a reference to a line (the value is copied). */
static void ref_push(struct sshd_ref **v, size_t *n, int file, int line, int block,
		     const char *value)
{
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = (struct sshd_ref){ .file = file, .line = line, .block = block,
					  .value = value ? xstrdup(value) : NULL };
}

/* Frees an array of references. */
static void refs_free(struct sshd_ref *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].value);
	free(v);
}

/* Empties a setting, leaving it "unset" for key. */
static void setting_clear(struct sshd_setting *s, int key)
{
	free(s->value);
	free(s->program);
	refs_free(s->alts, s->nalts);
	refs_free(s->others, s->nothers);
	memset(s, 0, sizeof *s);
	s->key = (enum sshd_key)key;
	s->file = -1;
	s->block = -1;
}

/* Walks a file at start-up: global lines apply, Match blocks only when
 * "Match all", nothing in a file included from an inactive Match block. */
static void walk_startup(struct sshd_config *cfg, int fi, bool *active, bool never,
			 struct strvec *subsystems)
{
	const struct sshd_file *f = &cfg->files[fi];
	int ctx = f->parent_block;
	for (size_t i = 0; i < f->nlines; i++) {
		const struct sshd_line *l = &f->lines[i];
		if (l->kind != SSHD_LINE_DIRECTIVE)
			continue;
		if (strcmp(l->keyword, "match") == 0) {
			ctx = l->block;
			*active = !never && cfg->blocks[l->block].all && !cfg->blocks[l->block].bad;
			continue;
		}
		if (strcmp(l->keyword, "include") == 0) {
			bool o = *active;
			for (size_t k = 0; k < l->nincludes; k++) {
				*active = o;
				walk_startup(cfg, l->includes[k], active, !o, subsystems);
			}
			*active = o;
			continue;
		}
		const struct sshd_keyword *kw = sshd_keyword_find(l->keyword);
		if (!*active && kw && sshd_keyword_global_only(kw, cfg->version))
			refuse(cfg, f->path, l->lineno,
			       T("Directive '%s' is not allowed within a Match block (sshd refuses "
				 "to start)",
				 "指令 '%s' 不允许出现在 Match 块中（sshd 会拒绝启动）"),
			       l->keyword);
		else if (!*active && strcmp(l->keyword, "subsystem") == 0 && !cfg->version)
			diag(cfg, SSHD_DIAG_WARNING, f->path, l->lineno, "%s",
			     T("Subsystem inside a Match block needs OpenSSH 9.5 or later",
			       "Match 块中的 Subsystem 需要 OpenSSH 9.5 或更高版本"));
		if (!*active)
			continue;
		if (strcmp(l->keyword, "subsystem") == 0 && l->nargs > 0) {
			if (!sv_contains(subsystems, l->args[0]))
				sv_push(subsystems, l->args[0]);
			else if (cfg->version && cfg->version < OPENSSH_V(9, 5))
				refuse(cfg, f->path, l->lineno,
				       T("Subsystem '%s' already defined: OpenSSH before 9.5 refuses to "
					 "start",
					 "Subsystem '%s' 已经定义过：9.5 之前的 OpenSSH 会拒绝启动"),
				       l->args[0]);
			else if (!cfg->version)
				diag(cfg, SSHD_DIAG_WARNING, f->path, l->lineno,
				     T("Subsystem '%s' is defined again: the first definition is used, "
				       "and sshd before 9.5 refuses to start",
				       "Subsystem '%s' 被再次定义：使用第一个定义，9.5 之前的 sshd 会拒绝启动"),
				     l->args[0]);
		}
		if (l->key < 0 || !l->value)
			continue;
		struct sshd_setting *g = &cfg->global[l->key];
		if (key_accumulates(l->key)) {
			if (g->file < 0) {
				g->file = fi;
				g->line = l->lineno;
				g->block = ctx;
				g->value = xstrdup(l->value);
			} else {
				char *v = xasprintf("%s %s", g->value, l->value);
				free(g->value);
				g->value = v;
			}
		} else if (g->file < 0) {
			g->file = fi;
			g->line = l->lineno;
			g->block = ctx;
			g->value = xstrdup(l->value);
			if (l->key == SSHD_SUBSYSTEM_SFTP)
				g->program = xstrdup(l->args[1]);
		}
	}
}

/* Reads the files and runs the start-up pass. */
struct sshd_config *sshd_config_load(struct target *t, const char *path)
{
	return sshd_config_load_with(t, path, NULL, 0);
}

/* The same, with some files' contents given by the caller. */
struct sshd_config *sshd_config_load_with(struct target *t, const char *path,
					  const struct sshd_override *ov, size_t nov)
{
	struct sshd_config *cfg = xcalloc(1, sizeof *cfg);
	cfg->main_path = xstrdup(path ? path : SSHD_CONFIG_PATH);
	for (int k = 0; k < SSHD_KEY_COUNT; k++) {
		setting_clear(&cfg->global[k], k);
		setting_clear(&cfg->settings[k], k);
	}
	cfg->version = sshd_version_detect(t, &cfg->version_from);
	struct loader ld = { .cfg = cfg, .t = t, .ov = ov, .nov = nov };
	if (cfg->main_path[0] != '/') {
		diag(cfg, SSHD_DIAG_ERROR, cfg->main_path, 0, "%s",
		     T("not an absolute path", "不是绝对路径"));
		return cfg;
	}
	if (load_file(&ld, cfg->main_path, -1, 0, -1, 0) < 0)
		return cfg;
	bool uses_group = false;
	for (size_t b = 0; b < cfg->nblocks; b++)
		uses_group |= str_icase_find(cfg->blocks[b].criteria, "group") != NULL;
	if (uses_group)
		load_root_groups(cfg, t);
	bool active = true;
	struct strvec subsystems = { 0 };
	walk_startup(cfg, 0, &active, false, &subsystems);
	sv_free(&subsystems);
	return cfg;
}

/* ---- evaluating for a connection ---- */

/* Three-valued AND: no beats perhaps beats yes. */
static enum sshd_tri tri_and(enum sshd_tri a, enum sshd_tri b)
{
	if (a == SSHD_NO || b == SSHD_NO)
		return SSHD_NO;
	if (a == SSHD_YES && b == SSHD_YES)
		return SSHD_YES;
	return SSHD_MAYBE;
}

struct evalctx {
	struct sshd_config *cfg;
	const char *user;
	const char *host;
	const char *addr;
	const char *laddr;
	int lport;
	/* Per key: every line that sets it, in reading order, and whether it
	 * was in effect for the connection. */
	struct sshd_ref *refs[SSHD_KEY_COUNT];
	enum sshd_tri *act[SSHD_KEY_COUNT];
	size_t nrefs[SSHD_KEY_COUNT];
};

/* Adds a criterion name to the list of what was unknown. */
static void add_unknown(struct sbuf *u, const char *what)
{
	if (u->len && strstr(sb_str(u), what))
		return;
	if (u->len)
		sb_add(u, ", ");
	sb_add(u, what);
}

/* Decides Match Group for root from the target's /etc/passwd and
 * /etc/group: root is a local account, and its groups are the ones those
 * files give (a group it is not in there is a no). */
static enum sshd_tri match_group(const struct evalctx *e, const char *list)
{
	if (strcmp(e->user, "root") != 0 || !e->cfg->groups_known)
		return SSHD_MAYBE;
	bool pos = false;
	for (size_t i = 0; i < e->cfg->root_groups.n; i++) {
		int r = sshd_match_pattern_list(e->cfg->root_groups.v[i], list, false);
		if (r < 0)
			return SSHD_NO;
		pos |= r > 0;
	}
	return pos ? SSHD_YES : SSHD_NO;
}

/* Decides a Match line's own criteria for the connection. */
static enum sshd_tri match_eval(const struct evalctx *e, const struct sshd_block *b,
				struct sbuf *unknown)
{
	if (b->bad)
		return SSHD_NO;
	if (b->all)
		return SSHD_YES;
	enum sshd_tri res = SSHD_YES;
	const char *s = b->criteria;
	bool badq = false;
	char *attr;
	while ((attr = next_word(&s, &badq)) != NULL) {
		if (attr[0] == '#') {
			free(attr);
			break;
		}
		if (str_ieq(attr, "invalid-user")) {
			res = tri_and(res, strcmp(e->user, "root") == 0 ? SSHD_NO : SSHD_MAYBE);
			free(attr);
			continue;
		}
		char *arg = next_word(&s, &badq);
		if (!arg) {
			free(attr);
			return SSHD_NO;
		}
		enum sshd_tri r = SSHD_MAYBE;
		if (str_ieq(attr, "user")) {
			r = sshd_match_pattern_list(e->user, arg, false) == 1 ? SSHD_YES : SSHD_NO;
		} else if (str_ieq(attr, "group")) {
			r = match_group(e, arg);
			if (r == SSHD_MAYBE)
				add_unknown(unknown, "Group");
		} else if (str_ieq(attr, "host")) {
			if (e->host) {
				char *h = lower_dup(e->host, strlen(e->host));
				r = sshd_match_pattern_list(h, arg, true) == 1 ? SSHD_YES : SSHD_NO;
				free(h);
			} else {
				add_unknown(unknown, "Host");
			}
		} else if (str_ieq(attr, "address")) {
			if (e->addr)
				r = sshd_match_addr_list(e->addr, arg) == 1 ? SSHD_YES : SSHD_NO;
			else
				add_unknown(unknown, "Address");
		} else if (str_ieq(attr, "localaddress")) {
			if (e->laddr)
				r = sshd_match_addr_list(e->laddr, arg) == 1 ? SSHD_YES : SSHD_NO;
			else
				add_unknown(unknown, "LocalAddress");
		} else if (str_ieq(attr, "localport")) {
			long v = 0;
			if (e->lport > 0)
				r = str_to_long(arg, &v) && v == e->lport ? SSHD_YES : SSHD_NO;
			else
				add_unknown(unknown, "LocalPort");
		} else if (str_ieq(attr, "rdomain")) {
			/* Linux connections carry no routing domain. */
			r = SSHD_NO;
		} else {
			add_unknown(unknown, attr);
		}
		res = tri_and(res, r);
		free(arg);
		free(attr);
	}
	return res;
}

/* Records a line that sets key and whether it is in effect. */
static void eval_record(struct evalctx *e, int key, int file, int line, int block,
			const char *value, enum sshd_tri act)
{
	size_t n = e->nrefs[key];
	ref_push(&e->refs[key], &e->nrefs[key], file, line, block, value);
	e->act[key] = xrealloc(e->act[key], (n + 1) * sizeof *e->act[key]);
	e->act[key][n] = act;
}

/* Walks a file for the connection: only lines of Match blocks that apply
 * count; gate is what an enclosing Match allows for this file's own Match
 * lines, match_only is set until the first Match line is seen. */
static void walk_conn(struct evalctx *e, int fi, enum sshd_tri *active, enum sshd_tri gate,
		      bool match_only)
{
	struct sshd_config *cfg = e->cfg;
	const struct sshd_file *f = &cfg->files[fi];
	int ctx = f->parent_block;
	for (size_t i = 0; i < f->nlines; i++) {
		const struct sshd_line *l = &f->lines[i];
		if (l->kind != SSHD_LINE_DIRECTIVE)
			continue;
		if (strcmp(l->keyword, "match") == 0) {
			struct sshd_block *b = &cfg->blocks[l->block];
			struct sbuf unknown = { 0 };
			enum sshd_tri own = match_eval(e, b, &unknown);
			b->applies = tri_and(gate, own);
			free(b->unknown);
			b->unknown = NULL;
			if (b->applies == SSHD_MAYBE) {
				if (!unknown.len) {
					/* Undecided because of the enclosing block. */
					const struct sshd_block *pb = b->parent >= 0 ? &cfg->blocks[b->parent] : NULL;
					sb_add(&unknown, pb && pb->unknown ? pb->unknown : "Match");
				}
				b->unknown = sb_steal(&unknown);
			}
			sb_free(&unknown);
			*active = b->applies;
			match_only = false;
			ctx = l->block;
			continue;
		}
		if (strcmp(l->keyword, "include") == 0) {
			enum sshd_tri o = *active;
			for (size_t k = 0; k < l->nincludes; k++) {
				*active = o;
				walk_conn(e, l->includes[k], active, match_only ? SSHD_YES : o, match_only);
			}
			*active = o;
			continue;
		}
		if (l->key < 0 || !l->value)
			continue;
		eval_record(e, l->key, fi, l->lineno, ctx, l->value, *active);
	}
}

/* Fills the setting for key from the start-up value and the lines the
 * connection pass found. */
static void eval_finish(struct evalctx *e, int key)
{
	struct sshd_config *cfg = e->cfg;
	struct sshd_setting *s = &cfg->settings[key];
	const struct sshd_setting *g = &cfg->global[key];
	setting_clear(s, key);
	size_t n = e->nrefs[key];
	size_t decider = n;
	/* For the connection, global lines are not in effect; the first line
	 * of a Match block that applies (or of "Match all") wins. */
	if (!key_global_only(key))
		for (size_t i = 0; i < n && decider == n; i++)
			if (e->act[key][i] == SSHD_YES)
				decider = i;
	bool *is_alt = xcalloc(n + 1, sizeof *is_alt);
	if (!key_global_only(key))
		for (size_t i = 0; i < decider && i < n; i++)
			if (e->act[key][i] == SSHD_MAYBE) {
				is_alt[i] = true;
				ref_push(&s->alts, &s->nalts, e->refs[key][i].file, e->refs[key][i].line,
					 e->refs[key][i].block, e->refs[key][i].value);
			}
	int dfile = -1, dline = 0;
	if (decider < n) {
		const struct sshd_ref *r = &e->refs[key][decider];
		dfile = r->file;
		dline = r->line;
		s->value = xstrdup(r->value);
		s->block = r->block;
	} else if (g->file >= 0) {
		dfile = g->file;
		dline = g->line;
		s->value = xstrdup(g->value);
		s->block = g->block;
	} else {
		const char *d = key_default(key);
		s->value = d ? xstrdup(d) : NULL;
		s->is_default = true;
	}
	s->file = dfile;
	s->line = dline;
	if (key == SSHD_SUBSYSTEM_SFTP && s->value) {
		const struct sshd_line *l = sshd_config_line(cfg, dfile, dline);
		s->program = l && l->nargs > 1 ? xstrdup(l->args[1]) : NULL;
	}
	/* Every line contributes to Port and ListenAddress. */
	for (size_t i = 0; i < n && !key_accumulates(key); i++) {
		const struct sshd_ref *r = &e->refs[key][i];
		if (is_alt[i] || (r->file == dfile && r->line == dline))
			continue;
		ref_push(&s->others, &s->nothers, r->file, r->line, r->block, r->value);
	}
	free(is_alt);
}

/* Both passes' results are combined per key in eval_finish. */
void sshd_config_eval(struct sshd_config *cfg, const struct sshd_conn *conn)
{
	struct evalctx e = { .cfg = cfg };
	e.user = conn && conn->user ? conn->user : "root";
	e.addr = conn ? conn->addr : NULL;
	e.laddr = conn ? conn->laddr : NULL;
	e.lport = conn ? conn->lport : 0;
	e.host = conn ? conn->host : NULL;
	const struct sshd_setting *dns = &cfg->global[SSHD_USE_DNS];
	bool use_dns = dns->value && strcmp(dns->value, "yes") == 0;
	/* Without UseDNS sshd matches Host against the address itself. */
	if (!e.host && !use_dns)
		e.host = e.addr;
	for (size_t b = 0; b < cfg->nblocks; b++) {
		cfg->blocks[b].applies = SSHD_NO;
		free(cfg->blocks[b].unknown);
		cfg->blocks[b].unknown = NULL;
	}
	if (cfg->nfiles > 0) {
		enum sshd_tri active = SSHD_NO;
		walk_conn(&e, 0, &active, SSHD_YES, true);
	}
	for (int k = 0; k < SSHD_KEY_COUNT; k++) {
		eval_finish(&e, k);
		refs_free(e.refs[k], e.nrefs[k]);
		free(e.act[k]);
	}
	cfg->evaluated = true;
}

/* ---- accessors ---- */

/* Frees the configuration and everything it owns. */
void sshd_config_free(struct sshd_config *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; i < cfg->nfiles; i++) {
		for (size_t j = 0; j < cfg->files[i].nlines; j++)
			line_free(&cfg->files[i].lines[j]);
		free(cfg->files[i].lines);
		free(cfg->files[i].path);
	}
	free(cfg->files);
	for (size_t i = 0; i < cfg->nblocks; i++) {
		free(cfg->blocks[i].criteria);
		free(cfg->blocks[i].unknown);
	}
	free(cfg->blocks);
	for (size_t i = 0; i < cfg->ndiags; i++) {
		free(cfg->diags[i].path);
		free(cfg->diags[i].message);
	}
	free(cfg->diags);
	for (int k = 0; k < SSHD_KEY_COUNT; k++) {
		setting_clear(&cfg->settings[k], k);
		setting_clear(&cfg->global[k], k);
	}
	sv_free(&cfg->root_groups);
	free(cfg->main_path);
	free(cfg);
}

/* The evaluated setting for key. */
const struct sshd_setting *sshd_config_get(const struct sshd_config *cfg, enum sshd_key key)
{
	if ((unsigned)key >= SSHD_KEY_COUNT)
		return NULL;
	return &cfg->settings[key];
}

/* The first error diagnostic, if any. */
const struct sshd_diag *sshd_config_first_error(const struct sshd_config *cfg)
{
	for (size_t i = 0; i < cfg->ndiags; i++)
		if (cfg->diags[i].level == SSHD_DIAG_ERROR)
			return &cfg->diags[i];
	return NULL;
}

/* The first error of one kind. */
static const struct sshd_diag *first_error_kind(const struct sshd_config *cfg, bool refuses)
{
	for (size_t i = 0; i < cfg->ndiags; i++)
		if (cfg->diags[i].level == SSHD_DIAG_ERROR && cfg->diags[i].refuses == refuses)
			return &cfg->diags[i];
	return NULL;
}

/* The first error that keeps us from reading. */
const struct sshd_diag *sshd_config_first_unreadable(const struct sshd_config *cfg)
{
	return first_error_kind(cfg, false);
}

/* The first error sshd refuses to start on. */
const struct sshd_diag *sshd_config_first_refusal(const struct sshd_config *cfg)
{
	return first_error_kind(cfg, true);
}

/* A line by file index and line number. */
const struct sshd_line *sshd_config_line(const struct sshd_config *cfg, int file, int lineno)
{
	if (file < 0 || (size_t)file >= cfg->nfiles || lineno < 1 ||
	    (size_t)lineno > cfg->files[file].nlines)
		return NULL;
	return &cfg->files[file].lines[lineno - 1];
}

/* The Match context of a line, through includes. */
int sshd_line_block(const struct sshd_config *cfg, int file, int lineno)
{
	const struct sshd_line *l = sshd_config_line(cfg, file, lineno);
	if (!l)
		return -1;
	return l->block >= 0 ? l->block : cfg->files[file].parent_block;
}

/* Finds a commented-out directive outside Match blocks. */
int sshd_config_find_commented(const struct sshd_config *cfg, int file, enum sshd_key key)
{
	if (file < 0 || (size_t)file >= cfg->nfiles)
		return 0;
	const struct sshd_file *f = &cfg->files[file];
	for (size_t i = 0; i < f->nlines; i++) {
		const struct sshd_line *l = &f->lines[i];
		if (l->kind != SSHD_LINE_COMMENT || !l->keyword ||
		    sshd_line_block(cfg, file, l->lineno) >= 0)
			continue;
		if (!sshd_keyword_is(l->keyword, key))
			continue;
		if (key == SSHD_SUBSYSTEM_SFTP && (l->nargs < 1 || strcmp(l->args[0], "sftp") != 0))
			continue;
		return l->lineno;
	}
	return 0;
}

/* Whether one of the method lists is method alone. */
bool sshd_auth_methods_allow(const char *value, const char *method)
{
	if (!value || strcmp(value, "any") == 0)
		return true;
	size_t ml = strlen(method);
	for (const char *p = value; *p;) {
		size_t n = strcspn(p, " \t");
		/* "method" or "method:submethod", and nothing after it. */
		if (n >= ml && strncmp(p, method, ml) == 0 &&
		    (n == ml || (p[ml] == ':' && !memchr(p + ml, ',', n - ml))))
			return true;
		p += n;
		while (*p == ' ' || *p == '\t')
			p++;
	}
	return false;
}

/* "path:line" or "default". */
char *sshd_setting_where(const struct sshd_config *cfg, const struct sshd_setting *s)
{
	if (!s || s->file < 0 || (size_t)s->file >= cfg->nfiles)
		return xstrdup("default");
	return xasprintf("%s:%d", cfg->files[s->file].path, s->line);
}

/* ---- sshd -T ---- */

/* Splits sshd -T output into keyword/value pairs. */
int sshd_t_parse(const char *text, struct sshd_t *out, char **cause)
{
	memset(out, 0, sizeof *out);
	const char *p = text ? text : "";
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *line = xstrndup(p, n);
		char *s = str_trim(line);
		if (*s) {
			size_t k = strcspn(s, " \t");
			char *key = lower_dup(s, k);
			char *val = s + k;
			while (*val == ' ' || *val == '\t')
				val++;
			char *v;
			if (strcmp(key, "permitrootlogin") == 0 && str_ieq(val, "without-password"))
				v = xstrdup("prohibit-password");
			else if (str_ieq(val, "yes") || str_ieq(val, "no") ||
				 strcmp(key, "permitrootlogin") == 0)
				v = lower_dup(val, strlen(val));
			else
				v = xstrdup(val);
			out->v = xgrow(out->v, &out->cap, out->n + 1, sizeof *out->v);
			out->v[out->n++] = (struct sshd_t_entry){ .key = key, .value = v };
		}
		free(line);
		p += n;
		if (*p == '\n')
			p++;
	}
	if (out->n == 0) {
		if (cause)
			*cause = xstrdup(T("sshd -T printed no settings", "sshd -T 没有输出任何设置"));
		return -1;
	}
	return 0;
}

/* The first value of a keyword. */
const char *sshd_t_get(const struct sshd_t *t, const char *key)
{
	for (size_t i = 0; i < t->n; i++)
		if (str_ieq(t->v[i].key, key))
			return t->v[i].value;
	return NULL;
}

/* The command line of a named subsystem. */
const char *sshd_t_subsystem(const struct sshd_t *t, const char *name)
{
	size_t nl = strlen(name);
	for (size_t i = 0; i < t->n; i++) {
		if (strcmp(t->v[i].key, "subsystem") != 0)
			continue;
		const char *v = t->v[i].value;
		if (strncmp(v, name, nl) == 0 && (v[nl] == ' ' || v[nl] == '\t')) {
			v += nl;
			while (*v == ' ' || *v == '\t')
				v++;
			return v;
		}
	}
	return NULL;
}

/* All values of a keyword, space-separated (caller frees), or NULL. */
static char *t_join(const struct sshd_t *t, const char *key)
{
	struct sbuf b = { 0 };
	bool any = false;
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->v[i].key, key) == 0) {
			if (any)
				sb_addc(&b, ' ');
			sb_add(&b, t->v[i].value);
			any = true;
		}
	if (!any) {
		sb_free(&b);
		return NULL;
	}
	return sb_steal(&b);
}

/* One of our keys from sshd -T output, normalised. */
char *sshd_t_value(const struct sshd_t *t, enum sshd_key key)
{
	const char *v = NULL;
	switch (key) {
	case SSHD_PASSWORD_AUTH:
		v = sshd_t_get(t, "passwordauthentication");
		break;
	case SSHD_PERMIT_ROOT_LOGIN:
		v = sshd_t_get(t, "permitrootlogin");
		break;
	case SSHD_KBD_INTERACTIVE:
		v = sshd_t_get(t, "kbdinteractiveauthentication");
		if (!v)
			v = sshd_t_get(t, "challengeresponseauthentication");
		break;
	case SSHD_USE_PAM:
		v = sshd_t_get(t, "usepam");
		break;
	case SSHD_USE_DNS:
		v = sshd_t_get(t, "usedns");
		break;
	case SSHD_SUBSYSTEM_SFTP:
		v = sshd_t_subsystem(t, "sftp");
		break;
	case SSHD_AUTH_METHODS:
		v = sshd_t_get(t, "authenticationmethods");
		break;
	case SSHD_PORT:
		return t_join(t, "port");
	case SSHD_LISTEN_ADDRESS:
		return t_join(t, "listenaddress");
	case SSHD_KEY_COUNT:
		break;
	}
	return v ? xstrdup(v) : NULL;
}

/* Frees parsed sshd -T output. */
void sshd_t_free(struct sshd_t *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].key);
		free(t->v[i].value);
	}
	free(t->v);
	memset(t, 0, sizeof *t);
}
