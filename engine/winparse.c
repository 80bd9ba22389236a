/* winparse.c: parsers for the output of reg, sc, net, netsh, whoami and
 * PowerShell. */
#include "engine/winparse.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "engine/sysparse.h"

/* A trimmed copy of s[0..n) (caller frees). */
static char *trimmed(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return xstrndup(s, n);
}

/* Case-insensitive prefix test on a counted line. */
static bool iprefix(const char *line, size_t len, const char *p)
{
	size_t n = strlen(p);
	if (len < n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (tolower((unsigned char)line[i]) != tolower((unsigned char)p[i]))
			return false;
	return true;
}

/* ---- reg --------------------------------------------------------------- */

struct reg_arg {
	const char *name;
	struct winreg_value *v;
	bool found;
};

/* "    NAME    REG_TYPE    DATA": the type is the first " REG_" word. */
static bool reg_one(const char *line, size_t len, int ln, void *arg)
{
	struct reg_arg *a = arg;
	(void)ln;
	if (len < 4 || line[0] != ' ')
		return true;
	const char *t = NULL;
	for (size_t i = 0; i + 5 <= len; i++)
		if (line[i] == ' ' && strncmp(line + i + 1, "REG_", 4) == 0) {
			t = line + i + 1;
			break;
		}
	if (!t)
		return true;
	char *name = trimmed(line, (size_t)(t - line));
	if (!str_ieq(name, a->name)) {
		free(name);
		return true;
	}
	size_t tl = 0;
	while (t + tl < line + len && !isspace((unsigned char)t[tl]))
		tl++;
	const char *d = t + tl;
	a->v->name = name;
	a->v->type = xstrndup(t, tl);
	a->v->data = trimmed(d, (size_t)(line + len - d));
	if (strcmp(a->v->type, "REG_DWORD") == 0 || strcmp(a->v->type, "REG_QWORD") == 0) {
		char *end = NULL;
		a->v->num = strtoull(a->v->data, &end, 0);
		a->v->is_num = end && end != a->v->data && *end == '\0';
	}
	a->found = true;
	return false;
}

/* The message reg prints for a key or value that does not exist, in the
 * display languages whose text is known (English, German, Simplified
 * Chinese; tests/fixtures/windows/README.md says where each comes from).
 * reg exits 1 for it and for every other failure (access denied among
 * them), so only this text tells "missing" apart: in another language the
 * answer is not understood rather than taken for "missing". */
static bool reg_says_missing(const char *out)
{
	static const char *const says[] = {
		"unable to find the specified registry key or value",
		"Registrierungsschlüssel bzw. Wert wurde nicht gefunden",
		"系统找不到指定的注册表项或值",
	};
	for (size_t i = 0; out && i < ARRAY_LEN(says); i++)
		if (str_icase_find(out, says[i]))
			return true;
	return false;
}

enum winreg_found winreg_parse_value(const char *out, int exit_status, const char *name,
				     struct winreg_value *v)
{
	memset(v, 0, sizeof *v);
	struct reg_arg a = { .name = name, .v = v };
	if (out)
		sysparse_lines(out, reg_one, &a);
	if (a.found)
		return WINREG_FOUND;
	if (exit_status == 1 && reg_says_missing(out))
		return WINREG_MISSING;
	return WINREG_ERROR;
}

enum winreg_found winreg_parse_key(const char *out, int exit_status)
{
	if (exit_status == 0)
		return WINREG_FOUND;
	if (exit_status == 1 && reg_says_missing(out))
		return WINREG_MISSING;
	return WINREG_ERROR;
}

void winreg_value_free(struct winreg_value *v)
{
	free(v->name);
	free(v->type);
	free(v->data);
	memset(v, 0, sizeof *v);
}

struct subkey_arg {
	const char *key;
	size_t klen;
	struct strvec *names;
	size_t added;
};

/* Takes a line naming a direct subkey of the key asked about. */
static bool subkey_one(const char *line, size_t len, int ln, void *arg)
{
	struct subkey_arg *a = arg;
	(void)ln;
	while (len && isspace((unsigned char)line[len - 1]))
		len--;
	if (!iprefix(line, len, "HKEY_") || len <= a->klen + 1 || !iprefix(line, len, a->key) ||
	    line[a->klen] != '\\')
		return true;
	const char *rest = line + a->klen + 1;
	size_t rl = len - a->klen - 1;
	if (memchr(rest, '\\', rl))
		return true;
	sv_take(a->names, xstrndup(rest, rl));
	a->added++;
	return true;
}

size_t winreg_parse_subkeys(const char *out, const char *key, struct strvec *names)
{
	/* reg prints the full hive name even when asked with "HKLM". */
	char *full = NULL;
	if (iprefix(key, strlen(key), "HKLM\\") || str_ieq(key, "HKLM"))
		full = xasprintf("HKEY_LOCAL_MACHINE%s", key + 4);
	else
		full = xstrdup(key);
	struct subkey_arg a = { .key = full, .klen = strlen(full), .names = names };
	if (out)
		sysparse_lines(out, subkey_one, &a);
	free(full);
	return a.added;
}

/* ---- sc ---------------------------------------------------------------- */

/* A number and the name sc prints beside it ("4  RUNNING"). */
struct sc_word {
	int num;
	const char *name;
};

static const struct sc_word sc_states[] = {
	{ 1, "STOPPED" },	   { 2, "START_PENDING" }, { 3, "STOP_PENDING" },
	{ 4, "RUNNING" },	   { 5, "CONTINUE_PENDING" }, { 6, "PAUSE_PENDING" },
	{ 7, "PAUSED" },
};

static const struct sc_word sc_start_types[] = {
	{ 0, "BOOT_START" }, { 1, "SYSTEM_START" }, { 2, "AUTO_START" },
	{ 3, "DEMAND_START" }, { 4, "DISABLED" },
};

/* The number of the line of sc output whose value is "N  NAME" with
 * NAME one of words and N its number, or -1. sc translates its labels
 * (STATE is STATUS in German) but prints the number and the constant's
 * name after the colon as they are in every language, so the line is
 * found by its value, never by its label; a number that is not the
 * name's own is not read. */
static long sc_number(const char *out, const struct sc_word *words, size_t nwords)
{
	for (const char *p = out; p && *p;) {
		size_t n = strcspn(p, "\n");
		const char *colon = memchr(p, ':', n);
		if (colon) {
			const char *q = colon + 1, *end = p + n;
			while (q < end && (*q == ' ' || *q == '\t'))
				q++;
			const char *digits = q;
			long num = 0;
			while (q < end && isdigit((unsigned char)*q) && q - digits < 4)
				num = num * 10 + (*q++ - '0');
			const char *w = q;
			while (q < end && (*q == ' ' || *q == '\t'))
				q++;
			size_t wl = 0;
			while (q + wl < end && (isupper((unsigned char)q[wl]) || q[wl] == '_'))
				wl++;
			bool bounded = q + wl == end || !isalnum((unsigned char)q[wl]);
			if (q > digits && w > digits && q > w && wl && bounded)
				for (size_t i = 0; i < nwords; i++)
					if (strlen(words[i].name) == wl &&
					    strncmp(q, words[i].name, wl) == 0)
						return words[i].num == num ? num : -1;
		}
		p = p[n] ? p + n + 1 : NULL;
	}
	return -1;
}

/* Whether sc reported error 1060 (no such service): its exit status, or
 * the "[SC] ...OpenService <FAILED> 1060:" line, whose word between is
 * translated (FEHLER, 失败) while the number is not. */
static bool sc_missing(const char *out, int exit_status)
{
	if (exit_status == 1060)
		return true;
	for (const char *p = out; p && *p;) {
		size_t n = strcspn(p, "\n");
		if (n > 5 && strncmp(p, "[SC] ", 5) == 0) {
			char *l = xstrndup(p, n);
			const char *os = strstr(l, "OpenService ");
			const char *num = os ? strstr(os, " 1060:") : NULL;
			free(l);
			if (num)
				return true;
		}
		p = p[n] ? p + n + 1 : NULL;
	}
	return false;
}

enum winsvc_state winsc_parse_state(const char *out, int exit_status)
{
	if (sc_missing(out, exit_status))
		return WINSVC_MISSING;
	long s = sc_number(out, sc_states, ARRAY_LEN(sc_states));
	return s >= 1 && s <= 7 ? (enum winsvc_state)s : WINSVC_UNKNOWN;
}

int winsc_parse_start_type(const char *out, int exit_status)
{
	if (sc_missing(out, exit_status))
		return WINSVC_MISSING;
	long s = sc_number(out, sc_start_types, ARRAY_LEN(sc_start_types));
	return s >= 0 && s <= 4 ? (int)s : -1;
}

const char *winsvc_state_name(enum winsvc_state s)
{
	switch (s) {
	case WINSVC_STOPPED: return "STOPPED";
	case WINSVC_START_PENDING: return "START_PENDING";
	case WINSVC_STOP_PENDING: return "STOP_PENDING";
	case WINSVC_RUNNING: return "RUNNING";
	case WINSVC_CONTINUE_PENDING: return "CONTINUE_PENDING";
	case WINSVC_PAUSE_PENDING: return "PAUSE_PENDING";
	case WINSVC_PAUSED: return "PAUSED";
	case WINSVC_MISSING: return "not installed";
	case WINSVC_UNKNOWN: break;
	}
	return "unknown";
}

/* ---- net user ---------------------------------------------------------- */

/* The value after a label of `net user` ("Account active    Yes"), or
 * NULL when the line is not that label's. */
static char *label_value(const char *line, size_t len, const char *label)
{
	size_t ll = strlen(label);
	if (len < ll || strncmp(line, label, ll) != 0)
		return NULL;
	if (len > ll && line[ll] != ' ' && line[ll] != '\t')
		return NULL;
	return trimmed(line + ll, len - ll);
}

/* Adds the "*Group" names of s to sv. */
static void add_groups(const char *s, struct strvec *sv)
{
	for (const char *p = strchr(s, '*'); p; p = strchr(p + 1, '*')) {
		const char *end = strchr(p + 1, '*');
		size_t n = end ? (size_t)(end - p - 1) : strlen(p + 1);
		char *g = trimmed(p + 1, n);
		if (*g && strcmp(g, "None") != 0)
			sv_take(sv, g);
		else
			free(g);
	}
}

/* The labels of `net user` that are read, in each display language whose
 * output layout is known (tests/fixtures/windows/README.md): the labels
 * are translated, and so is "Never", while the values of the active line
 * stay Yes, No and Locked in the Chinese output. Output in any other
 * language has none of these labels and is not read. */
static const struct user_labels {
	const char *name, *active, *expires, *never, *local, *global;
} user_langs[] = {
	{ "User name", "Account active", "Account expires", "Never", "Local Group Memberships",
	  "Global Group memberships" },
	{ "用户名", "帐户启用", "帐户到期", "从不", "本地组成员", "全局组成员" },
};

struct user_arg {
	struct win_user *u;
	const struct user_labels *lang; /* the language of the "User name" line */
	bool seen_active;
	struct strvec *groups; /* the list a continuation line adds to */
};

/* Reads one labelled line of net user output. */
static bool user_one(const char *line, size_t len, int ln, void *arg)
{
	struct user_arg *a = arg;
	struct win_user *u = a->u;
	(void)ln;
	char *v;
	for (size_t i = 0; !a->lang && i < ARRAY_LEN(user_langs); i++)
		if ((v = label_value(line, len, user_langs[i].name))) {
			a->lang = &user_langs[i];
			free(u->name);
			u->name = v;
			a->groups = NULL;
			return true;
		}
	const struct user_labels *l = a->lang;
	if (!l)
		return true;
	if ((v = label_value(line, len, l->active))) {
		u->active = str_ieq(v, "Yes")	   ? WIN_ACTIVE_YES
			    : str_ieq(v, "No")	   ? WIN_ACTIVE_NO
			    : str_ieq(v, "Locked") ? WIN_ACTIVE_LOCKED
						   : WIN_ACTIVE_UNKNOWN;
		a->seen_active = true;
		free(v);
		a->groups = NULL;
	} else if ((v = label_value(line, len, l->expires))) {
		free(u->expires);
		u->expires = v;
		u->never_expires = str_ieq(v, l->never);
		a->groups = NULL;
	} else if ((v = label_value(line, len, l->local))) {
		add_groups(v, &u->local_groups);
		free(v);
		a->groups = &u->local_groups;
	} else if ((v = label_value(line, len, l->global))) {
		add_groups(v, &u->global_groups);
		free(v);
		a->groups = &u->global_groups;
	} else if (a->groups && len && line[0] == ' ') {
		/* Long group lists continue on indented lines. */
		char *s = trimmed(line, len);
		if (s[0] == '*')
			add_groups(s, a->groups);
		else
			a->groups = NULL;
		free(s);
	} else {
		a->groups = NULL;
	}
	return true;
}

int winnet_parse_user(const char *out, struct win_user *u)
{
	memset(u, 0, sizeof *u);
	struct user_arg a = { .u = u };
	if (out)
		sysparse_lines(out, user_one, &a);
	/* Without the active and expiry lines nothing about the account is
	 * known: "no such line" must not read as "active, never expires". */
	return u->name && a.seen_active && u->expires ? 0 : -1;
}

void win_user_free(struct win_user *u)
{
	free(u->name);
	free(u->expires);
	sv_free(&u->local_groups);
	sv_free(&u->global_groups);
	memset(u, 0, sizeof *u);
}

/* Whether line[0..len) is the rule of dashes under net share's heading. */
static bool share_rule(const char *line, size_t len)
{
	while (len && isspace((unsigned char)line[len - 1]))
		len--;
	return len >= 20 && strspn(line, "-") >= len;
}

struct share_arg {
	const char *name; /* NULL: only the rule is sought */
	bool after_rule; /* the (translated) heading is above the rule */
	bool found;
};

/* Stops at the net share line of the share sought. */
static bool share_one(const char *line, size_t len, int ln, void *arg)
{
	struct share_arg *a = arg;
	(void)ln;
	if (!a->after_rule) {
		a->after_rule = share_rule(line, len);
		return a->name != NULL || !a->after_rule;
	}
	size_t n = strlen(a->name);
	if (len >= n && iprefix(line, len, a->name) &&
	    (len == n || line[n] == ' ' || line[n] == '\t')) {
		a->found = true;
		return false;
	}
	return true;
}

bool winnet_share_listed(const char *out, const char *name)
{
	struct share_arg a = { .name = name };
	if (out)
		sysparse_lines(out, share_one, &a);
	return a.found;
}

bool winnet_share_readable(const char *out)
{
	struct share_arg a = { .name = NULL };
	if (out)
		sysparse_lines(out, share_one, &a);
	return a.after_rule;
}

/* ---- netsh ------------------------------------------------------------- */

struct fw_arg {
	struct winfw_rule *v;
	size_t n, cap;
};

/* "Field:   value" (the value starts at a fixed column; may be empty). */
static bool fw_field(const char *line, size_t len, const char *field, char **value)
{
	size_t fl = strlen(field);
	if (len <= fl || strncmp(line, field, fl) != 0 || line[fl] != ':')
		return false;
	*value = trimmed(line + fl + 1, len - fl - 1);
	return true;
}

/* Reads one line of netsh rule output: a new rule or a field of the last. */
static bool fw_one(const char *line, size_t len, int ln, void *arg)
{
	struct fw_arg *a = arg;
	(void)ln;
	char *v = NULL;
	if (fw_field(line, len, "Rule Name", &v)) {
		a->v = xgrow(a->v, &a->cap, a->n + 1, sizeof *a->v);
		struct winfw_rule *r = &a->v[a->n++];
		memset(r, 0, sizeof *r);
		r->name = v;
		return true;
	}
	if (a->n == 0)
		return true;
	struct winfw_rule *r = &a->v[a->n - 1];
	if (fw_field(line, len, "Enabled", &v)) {
		r->enabled = str_ieq(v, "Yes");
	} else if (fw_field(line, len, "Direction", &v)) {
		r->inbound = str_ieq(v, "In");
	} else if (fw_field(line, len, "Profiles", &v)) {
		free(r->profiles);
		r->profiles = v;
		v = NULL;
	} else if (fw_field(line, len, "Grouping", &v)) {
		free(r->grouping);
		r->grouping = v;
		v = NULL;
	} else if (fw_field(line, len, "Protocol", &v)) {
		free(r->protocol);
		r->protocol = v;
		v = NULL;
	} else if (fw_field(line, len, "LocalPort", &v)) {
		free(r->local_port);
		r->local_port = v;
		v = NULL;
	} else if (fw_field(line, len, "Action", &v)) {
		r->allow = str_ieq(v, "Allow");
	}
	free(v);
	return true;
}

size_t winfw_parse(const char *out, struct winfw_rule **rules)
{
	struct fw_arg a = { 0 };
	if (out)
		sysparse_lines(out, fw_one, &a);
	*rules = a.v;
	return a.n;
}

void winfw_free(struct winfw_rule *rules, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(rules[i].name);
		free(rules[i].profiles);
		free(rules[i].grouping);
		free(rules[i].protocol);
		free(rules[i].local_port);
	}
	free(rules);
}

int winfw_profiles_on(const char *out, int *off)
{
	int on = 0, seen = 0;
	*off = 0;
	for (const char *p = out; p && *p;) {
		size_t n = strcspn(p, "\n");
		if (n > 5 && strncmp(p, "State", 5) == 0 && (p[5] == ' ' || p[5] == '\t')) {
			char *v = trimmed(p + 5, n - 5);
			seen++;
			if (str_ieq(v, "ON"))
				on++;
			else if (str_ieq(v, "OFF"))
				(*off)++;
			free(v);
		}
		p = p[n] ? p + n + 1 : NULL;
	}
	return seen ? on : -1;
}

/* ---- the rule group through PowerShell ------------------------------------ */

/* The bits of a Profile value as PowerShell prints the flags enum ("Any",
 * "Domain, Private", "NotApplicable"); false for another word. */
static bool profile_bits(const char *v, unsigned *bits)
{
	static const struct {
		const char *name;
		unsigned bit;
	} names[] = { { "Any", WINFW_ALL },	    { "Domain", WINFW_DOMAIN },
		      { "Private", WINFW_PRIVATE }, { "Public", WINFW_PUBLIC },
		      { "NotApplicable", 0 } };
	*bits = 0;
	for (const char *p = v;;) {
		p += strspn(p, " ");
		size_t n = strcspn(p, ",");
		char *w = trimmed(p, n);
		bool ok = false;
		for (size_t i = 0; i < ARRAY_LEN(names) && !ok; i++)
			if (strcmp(w, names[i].name) == 0) {
				*bits |= names[i].bit;
				ok = true;
			}
		free(w);
		if (!ok)
			return false;
		if (!p[n])
			return true;
		p += n + 1;
	}
}

/* 1 for "True", 0 for "False", -1 otherwise. */
static int tf(const char *v)
{
	return strcmp(v, "True") == 0 ? 1 : strcmp(v, "False") == 0 ? 0 : -1;
}

/* One line of the script's answer into fw; false when it is not one. */
static bool ps_line(char *l, struct winfw_ps *fw, bool *seen_active, unsigned *seen_fw)
{
	char *f[7];
	size_t nf = 0;
	for (char *p = l; nf < 7;) {
		f[nf++] = p;
		char *bar = nf < 7 ? strchr(p, '|') : NULL;
		if (!bar)
			break;
		*bar = '\0';
		p = bar + 1;
	}
	char *end = NULL;
	if (nf == 2 && strcmp(f[0], "active") == 0) {
		unsigned long v = strtoul(f[1], &end, 10);
		if (end == f[1] || *end || v > WINFW_ALL)
			return false;
		fw->active = (unsigned)v;
		*seen_active = true;
		return true;
	}
	if (nf == 3 && strcmp(f[0], "firewall") == 0) {
		unsigned long v = strtoul(f[1], &end, 10);
		int on = tf(f[2]);
		if (end == f[1] || *end || (v != 1 && v != 2 && v != 4) || on < 0)
			return false;
		if (on)
			fw->firewall_on |= (unsigned)v;
		*seen_fw |= (unsigned)v;
		return true;
	}
	if (nf != 7 || strcmp(f[0], "rule") != 0 || !*f[1])
		return false;
	struct winfw_ps_rule fr = { 0 };
	int en = tf(f[2]);
	if (en < 0 || (strcmp(f[3], "Inbound") != 0 && strcmp(f[3], "Outbound") != 0) ||
	    (strcmp(f[4], "Allow") != 0 && strcmp(f[4], "Block") != 0 &&
	     strcmp(f[4], "NotConfigured") != 0) ||
	    !profile_bits(f[5], &fr.profiles))
		return false;
	fr.enabled = en == 1;
	fr.inbound = strcmp(f[3], "Inbound") == 0;
	fr.allow = strcmp(f[4], "Allow") == 0;
	fr.id = xstrdup(f[1]);
	fr.display = xstrdup(f[6]);
	fw->rules = xrealloc(fw->rules, (fw->n + 1) * sizeof(*fw->rules));
	fw->rules[fw->n++] = fr;
	return true;
}

int winfw_ps_parse(const char *out, struct winfw_ps *fw)
{
	*fw = (struct winfw_ps){ 0 };
	bool ok = true, seen_active = false;
	unsigned seen_fw = 0;
	for (const char *p = out; p && *p && ok;) {
		size_t n = strcspn(p, "\n");
		char *l = trimmed(p, n);
		if (*l)
			ok = ps_line(l, fw, &seen_active, &seen_fw);
		free(l);
		p = p[n] ? p + n + 1 : NULL;
	}
	return ok && seen_active && seen_fw == WINFW_ALL ? 0 : -1;
}

void winfw_ps_free(struct winfw_ps *fw)
{
	for (size_t i = 0; i < fw->n; i++) {
		free(fw->rules[i].id);
		free(fw->rules[i].display);
	}
	free(fw->rules);
	*fw = (struct winfw_ps){ 0 };
}

char *winfw_profile_names(unsigned bits)
{
	static const char *const names[] = { "Domain", "Private", "Public" };
	struct sbuf b = { 0 };
	for (unsigned i = 0; i < 3; i++)
		if (bits & (1u << i))
			sb_printf(&b, "%s%s", b.len ? ", " : "", names[i]);
	return b.len ? sb_steal(&b) : xstrdup("none");
}

/* ---- whoami ------------------------------------------------------------ */

/* Where SID stands on line[0..len) as a column of its own (spaces or the
 * line's ends around it), or NULL. */
static const char *sid_at(const char *line, size_t len, const char *sid)
{
	size_t sl = strlen(sid);
	for (size_t i = 0; i + sl <= len; i++)
		if (strncmp(line + i, sid, sl) == 0 && (i == 0 || line[i - 1] == ' ') &&
		    (i + sl == len || isspace((unsigned char)line[i + sl])))
			return line + i;
	return NULL;
}

/* The state the attributes text names, in the languages whose text is
 * known: English and Simplified Chinese (tests/fixtures/windows/README.md);
 * WIN_SID_UNKNOWN for any other text, as a German one. */
static enum win_sid_state sid_attributes(const char *text)
{
	if (str_icase_find(text, "deny only") || strstr(text, "只用于拒绝"))
		return WIN_SID_DENY_ONLY;
	if (str_icase_find(text, "Enabled group") || strstr(text, "启用的组"))
		return WIN_SID_ENABLED;
	return WIN_SID_UNKNOWN;
}

/* The next line of text after p (NULL at the end). */
static const char *next_line(const char *p)
{
	const char *nl = strchr(p, '\n');
	return nl ? nl + 1 : NULL;
}

/* Whether needle occurs in p[0..n). */
static bool has_n(const char *p, size_t n, const char *needle)
{
	size_t nl = strlen(needle);
	for (size_t i = 0; i + nl <= n; i++)
		if (memcmp(p + i, needle, nl) == 0)
			return true;
	return false;
}

/* The RID of the integrity label on p[0..n) (" S-1-16-12288" as a column
 * of its own, the same in every language), or -1. */
static long integrity_on(const char *p, size_t n)
{
	static const char lab[] = " S-1-16-";
	for (size_t i = 0; i + sizeof lab - 1 < n; i++) {
		if (memcmp(p + i, lab, sizeof lab - 1) != 0)
			continue;
		const char *d = p + i + sizeof lab - 1, *e = d;
		long rid = 0;
		while (e < p + n && isdigit((unsigned char)*e) && e - d < 6)
			rid = rid * 10 + (*e++ - '0');
		if (e > d && (e == p + n || isspace((unsigned char)*e)))
			return rid;
	}
	return -1;
}

enum win_sid_state winwho_group(const char *out, const char *sid)
{
	bool listing = false;
	for (const char *p = out; p && *p; p = next_line(p)) {
		size_t n = strcspn(p, "\n");
		if (sid_at(p, n, "S-1-1-0") || integrity_on(p, n) >= 0)
			listing = true;
		const char *at = sid_at(p, n, sid);
		if (!at)
			continue;
		const char *rest = at + strlen(sid);
		char *attr = trimmed(rest, (size_t)(p + n - rest));
		/* With a SID wider than its column, whoami moves every row's
		 * attributes to an indented line of their own. */
		const char *q = next_line(p);
		if (!*attr && q && *q == ' ') {
			size_t qn = strcspn(q, "\n");
			free(attr);
			attr = has_n(q, qn, "S-1-") ? xstrdup("") : trimmed(q, qn);
		}
		enum win_sid_state st = sid_attributes(attr);
		free(attr);
		return st;
	}
	return listing ? WIN_SID_ABSENT : WIN_SID_UNKNOWN;
}

long winwho_integrity(const char *out)
{
	for (const char *p = out; p && *p; p = next_line(p)) {
		long rid = integrity_on(p, strcspn(p, "\n"));
		if (rid >= 0)
			return rid;
	}
	return -1;
}

enum win_sid_state winwho_admin(const char *out)
{
	enum win_sid_state text = winwho_group(out, WIN_SID_ADMINISTRATORS);
	long il = winwho_integrity(out);
	if (text == WIN_SID_ABSENT || il < 0)
		return text;
	/* A token holds Administrators enabled only at high integrity or
	 * above; the filtered token of remote UAC is at medium. */
	enum win_sid_state by_il = il >= WIN_IL_HIGH ? WIN_SID_ENABLED : WIN_SID_DENY_ONLY;
	if (text == WIN_SID_UNKNOWN || text == by_il)
		return by_il;
	return WIN_SID_UNKNOWN; /* the two disagree: not understood */
}

/* ---- PowerShell -------------------------------------------------------- */

int win_parse_bool(const char *out)
{
	int found = -1;
	for (const char *p = out; p && *p;) {
		size_t n = strcspn(p, "\n");
		char *l = trimmed(p, n);
		int r = str_ieq(l, "True") ? 1 : str_ieq(l, "False") ? 0 : -1;
		free(l);
		if (r >= 0) {
			if (found >= 0)
				return -1; /* two answers: not one bool */
			found = r;
		}
		p = p[n] ? p + n + 1 : NULL;
	}
	return found;
}
