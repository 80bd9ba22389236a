/* sysparse.c: parsers for shadow, passwd, hosts, kernel address tables,
 * package databases, KEY=VALUE files and /proc/modules. */
#include "engine/sysparse.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

void sysparse_lines(const char *text, bool (*fn)(const char *line, size_t len, int ln, void *arg),
		    void *arg)
{
	int ln = 0;
	for (const char *p = text; p && *p;) {
		ln++;
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		size_t l = len;
		if (l && p[l - 1] == '\r')
			l--;
		if (!fn(p, l, ln, arg))
			return;
		p = nl ? nl + 1 : NULL;
	}
}

/* Splits line[0..len) at every sep into out (empty fields kept). */
static void split_fields(const char *line, size_t len, char sep, struct strvec *out)
{
	size_t start = 0;
	for (size_t i = 0; i <= len; i++)
		if (i == len || line[i] == sep) {
			sv_take(out, xstrndup(line + start, i - start));
			start = i + 1;
		}
}

/* Splits at runs of blanks into out. */
static void split_words(const char *line, size_t len, struct strvec *out)
{
	size_t i = 0;
	while (i < len) {
		while (i < len && isspace((unsigned char)line[i]))
			i++;
		size_t s = i;
		while (i < len && !isspace((unsigned char)line[i]))
			i++;
		if (i > s)
			sv_take(out, xstrndup(line + s, i - s));
	}
}

/* A numeric shadow field: SHADOW_EMPTY when empty; false on junk. */
static bool shadow_num(const char *s, long *out)
{
	if (!*s) {
		*out = SHADOW_EMPTY;
		return true;
	}
	return str_to_long(s, out) && *out >= 0;
}

struct find_arg {
	const char *user;
	size_t ulen;
	const char *line; /* the matching line */
	size_t len;
	int ln;
};

/* Finds the first line that starts with "user:". */
static bool find_user(const char *line, size_t len, int ln, void *arg)
{
	struct find_arg *a = arg;
	if (len > a->ulen && strncmp(line, a->user, a->ulen) == 0 && line[a->ulen] == ':') {
		a->line = line;
		a->len = len;
		a->ln = ln;
		return false;
	}
	return true;
}

int shadow_find(const char *text, const char *user, struct shadow_entry *e)
{
	memset(e, 0, sizeof *e);
	struct find_arg a = { .user = user, .ulen = strlen(user) };
	sysparse_lines(text, find_user, &a);
	if (!a.line)
		return 0;
	e->line = a.ln;
	struct strvec f = { 0 };
	split_fields(a.line, a.len, ':', &f);
	long *nums[] = { &e->lastchg, &e->min, &e->max, &e->warn, &e->inactive, &e->expire };
	bool ok = f.n >= 8;
	for (size_t i = 0; ok && i < ARRAY_LEN(nums); i++)
		ok = shadow_num(f.v[2 + i], nums[i]);
	if (!ok) {
		sv_free(&f);
		memset(e, 0, sizeof *e);
		e->line = a.ln;
		return -1;
	}
	e->name = xstrdup(f.v[0]);
	e->pw = xstrdup(f.v[1]);
	sv_free(&f);
	return 1;
}

void shadow_entry_free(struct shadow_entry *e)
{
	if (e->pw) /* a hash: do not leave it in freed memory */
		memset(e->pw, 0, strlen(e->pw));
	free(e->pw);
	free(e->name);
	memset(e, 0, sizeof *e);
}

int passwd_find(const char *text, const char *user, struct passwd_entry *e)
{
	memset(e, 0, sizeof *e);
	struct find_arg a = { .user = user, .ulen = strlen(user) };
	sysparse_lines(text, find_user, &a);
	if (!a.line)
		return 0;
	e->line = a.ln;
	struct strvec f = { 0 };
	split_fields(a.line, a.len, ':', &f);
	long uid = -1;
	if (f.n < 7 || !str_to_long(f.v[2], &uid)) {
		sv_free(&f);
		return -1;
	}
	e->name = xstrdup(f.v[0]);
	e->uid = uid;
	e->home = xstrdup(f.v[5]);
	e->shell = xstrdup(f.v[6]);
	sv_free(&f);
	return 1;
}

void passwd_entry_free(struct passwd_entry *e)
{
	free(e->name);
	free(e->home);
	free(e->shell);
	memset(e, 0, sizeof *e);
}

struct hosts_acc {
	struct hosts_line *v;
	size_t n, cap;
};

/* Adds one /etc/hosts line with at least one name. */
static bool hosts_one(const char *line, size_t len, int ln, void *arg)
{
	struct hosts_acc *h = arg;
	const char *hash = memchr(line, '#', len);
	if (hash)
		len = (size_t)(hash - line);
	struct strvec w = { 0 };
	split_words(line, len, &w);
	if (w.n >= 2) {
		h->v = xgrow(h->v, &h->cap, h->n + 1, sizeof *h->v);
		struct hosts_line *e = &h->v[h->n++];
		memset(e, 0, sizeof *e);
		e->addr = xstrdup(w.v[0]);
		for (size_t i = 1; i < w.n; i++)
			sv_push(&e->names, w.v[i]);
		e->line = ln;
	}
	sv_free(&w);
	return true;
}

size_t hosts_parse(const char *text, struct hosts_line **out)
{
	struct hosts_acc h = { 0 };
	sysparse_lines(text, hosts_one, &h);
	*out = h.v;
	return h.n;
}

void hosts_free(struct hosts_line *h, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(h[i].addr);
		sv_free(&h[i].names);
	}
	free(h);
}

/* Case-insensitive equality of a[0..n) with the whole of b. */
static bool ieq_n(const char *a, size_t n, const char *b)
{
	if (strlen(b) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i]))
			return false;
	return true;
}

bool hosts_name_matches(const char *name, const char *hn)
{
	if (str_ieq(name, hn))
		return true;
	const char *dn = strchr(name, '.'), *dh = strchr(hn, '.');
	if (dn && !dh)
		return ieq_n(name, (size_t)(dn - name), hn);
	if (dh && !dn)
		return ieq_n(hn, (size_t)(dh - hn), name);
	return false;
}

bool addr_canon(const char *s, char *buf, size_t size)
{
	unsigned char bin[16];
	if (inet_pton(AF_INET, s, bin) == 1)
		return inet_ntop(AF_INET, bin, buf, (socklen_t)size) != NULL;
	/* A zone index ("fe80::1%eth0") is not part of the address. */
	char tmp[64];
	size_t n = strcspn(s, "%");
	if (n >= sizeof tmp)
		return false;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (inet_pton(AF_INET6, tmp, bin) == 1)
		return inet_ntop(AF_INET6, bin, buf, (socklen_t)size) != NULL;
	return false;
}

bool addr_is_loopback(const char *s)
{
	unsigned char bin[16];
	if (inet_pton(AF_INET, s, bin) == 1)
		return bin[0] == 127;
	static const unsigned char one[16] = { [15] = 1 };
	char c[64];
	return addr_canon(s, c, sizeof c) && inet_pton(AF_INET6, c, bin) == 1 &&
	       memcmp(bin, one, 16) == 0;
}

/* Adds the canonical form of addr to out unless present; 1 when added. */
static size_t add_addr(struct strvec *out, const char *addr)
{
	char c[64];
	if (!addr_canon(addr, c, sizeof c) || sv_contains(out, c))
		return 0;
	sv_push(out, c);
	return 1;
}

struct fib_arg {
	char last[64];
	struct strvec *out;
	size_t added;
};

/* "|-- 10.0.0.4" names an address; a following "/32 host LOCAL" makes it
 * one of the machine's own. */
static bool fib_one(const char *line, size_t len, int ln, void *arg)
{
	struct fib_arg *a = arg;
	(void)ln;
	struct strvec w = { 0 };
	split_words(line, len, &w);
	for (size_t i = 0; i + 1 < w.n; i++)
		if (strcmp(w.v[i], "|--") == 0 && strlen(w.v[i + 1]) < sizeof a->last)
			strcpy(a->last, w.v[i + 1]);
	if (w.n >= 3 && strcmp(w.v[0], "+--") == 0)
		a->last[0] = '\0';
	if (w.n >= 3 && strcmp(w.v[0], "/32") == 0 && strcmp(w.v[1], "host") == 0 &&
	    strcmp(w.v[2], "LOCAL") == 0 && a->last[0])
		a->added += add_addr(a->out, a->last);
	sv_free(&w);
	return true;
}

size_t fib_trie_local(const char *text, struct strvec *out)
{
	struct fib_arg a = { .out = out };
	sysparse_lines(text, fib_one, &a);
	return a.added;
}

struct count_arg {
	struct strvec *out;
	size_t added;
};

/* "fe800000000000000000000000000001 02 40 20 80 eth0". */
static bool inet6_one(const char *line, size_t len, int ln, void *arg)
{
	struct count_arg *a = arg;
	(void)ln;
	if (len < 32)
		return true;
	char buf[40];
	size_t k = 0;
	for (size_t i = 0; i < 32; i++) {
		if (!isxdigit((unsigned char)line[i]))
			return true;
		if (i && i % 4 == 0)
			buf[k++] = ':';
		buf[k++] = line[i];
	}
	buf[k] = '\0';
	if (len == 32 || line[32] == ' ' || line[32] == '\t')
		a->added += add_addr(a->out, buf);
	return true;
}

size_t if_inet6_addrs(const char *text, struct strvec *out)
{
	struct count_arg a = { .out = out };
	sysparse_lines(text, inet6_one, &a);
	return a.added;
}

/* "2: eth0    inet 10.0.0.4/24 brd ... scope global eth0\ ...". */
static bool ip_one(const char *line, size_t len, int ln, void *arg)
{
	struct count_arg *a = arg;
	(void)ln;
	struct strvec w = { 0 };
	split_words(line, len, &w);
	for (size_t i = 0; i + 1 < w.n; i++)
		if (strcmp(w.v[i], "inet") == 0 || strcmp(w.v[i], "inet6") == 0) {
			char *addr = xstrndup(w.v[i + 1], strcspn(w.v[i + 1], "/"));
			a->added += add_addr(a->out, addr);
			free(addr);
			break;
		}
	sv_free(&w);
	return true;
}

size_t ip_addr_parse(const char *text, struct strvec *out)
{
	struct count_arg a = { .out = out };
	sysparse_lines(text, ip_one, &a);
	return a.added;
}

struct dpkg_arg {
	const char *pkg;
	struct pkg_state *st;
	/* the stanza being read */
	bool match;
	int pkg_line;
	char *status;
	char *version;
};

/* Ends a stanza: keeps it when it is pkg's and better than what we have
 * (an installed stanza beats one that is not). */
static void dpkg_flush(struct dpkg_arg *a)
{
	if (a->match) {
		bool inst = false;
		if (a->status) {
			struct strvec w = { 0 };
			split_words(a->status, strlen(a->status), &w);
			inst = w.n == 3 && strcmp(w.v[2], "installed") == 0;
			sv_free(&w);
		}
		if (!a->st->found || (inst && !a->st->installed)) {
			pkg_state_free(a->st);
			a->st->found = true;
			a->st->installed = inst;
			a->st->line = a->pkg_line;
			a->st->status = a->status;
			a->st->version = a->version;
			a->status = a->version = NULL;
		}
	}
	free(a->status);
	free(a->version);
	a->status = a->version = NULL;
	a->match = false;
}

/* The value after "Field:" in a stanza line, or NULL. */
static char *field_value(const char *line, size_t len, const char *field)
{
	size_t fl = strlen(field);
	if (len <= fl || strncmp(line, field, fl) != 0 || line[fl] != ':')
		return NULL;
	char *v = xstrndup(line + fl + 1, len - fl - 1);
	char *t = str_trim(v);
	memmove(v, t, strlen(t) + 1);
	return v;
}

/* Reads one line of a dpkg status stanza. */
static bool dpkg_one(const char *line, size_t len, int ln, void *arg)
{
	struct dpkg_arg *a = arg;
	if (len == 0) {
		dpkg_flush(a);
		return true;
	}
	char *v;
	if ((v = field_value(line, len, "Package"))) {
		dpkg_flush(a);
		a->match = strcmp(v, a->pkg) == 0;
		a->pkg_line = ln;
		free(v);
	} else if ((v = field_value(line, len, "Status"))) {
		free(a->status);
		a->status = v;
	} else if ((v = field_value(line, len, "Version"))) {
		free(a->version);
		a->version = v;
	}
	return true;
}

bool dpkg_status_find(const char *text, const char *pkg, struct pkg_state *st)
{
	memset(st, 0, sizeof *st);
	struct dpkg_arg a = { .pkg = pkg, .st = st };
	sysparse_lines(text, dpkg_one, &a);
	dpkg_flush(&a);
	return st->found;
}

struct rpm_arg {
	const char *pkg;
	struct pkg_state *st;
};

/* Reads one line of rpm -q output. */
static bool rpm_one(const char *line, size_t len, int ln, void *arg)
{
	struct rpm_arg *a = arg;
	struct strvec w = { 0 };
	split_words(line, len, &w);
	if (w.n == 2 && strcmp(w.v[0], a->pkg) == 0 && !a->st->installed) {
		pkg_state_free(a->st);
		a->st->found = a->st->installed = true;
		a->st->version = xstrdup(w.v[1]);
		a->st->status = xstrndup(line, len);
		a->st->line = ln;
	} else if (w.n == 5 && strcmp(w.v[0], "package") == 0 && strcmp(w.v[1], a->pkg) == 0 &&
		   strcmp(w.v[3], "not") == 0 && !a->st->found) {
		a->st->found = true;
		a->st->status = xstrndup(line, len);
		a->st->line = ln;
	}
	sv_free(&w);
	return true;
}

bool rpm_q_find(const char *out, const char *pkg, struct pkg_state *st)
{
	memset(st, 0, sizeof *st);
	struct rpm_arg a = { .pkg = pkg, .st = st };
	sysparse_lines(out, rpm_one, &a);
	return st->found;
}

void pkg_state_free(struct pkg_state *st)
{
	free(st->version);
	free(st->status);
	memset(st, 0, sizeof *st);
}

struct kv_arg {
	const char *key;
	char *value;
	int line;
};

/* Takes the value when the line is "KEY=VALUE" for the key sought. */
static bool kv_one(const char *line, size_t len, int ln, void *arg)
{
	struct kv_arg *a = arg;
	size_t i = 0, kl = strlen(a->key);
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (len - i <= kl || strncmp(line + i, a->key, kl) != 0)
		return true;
	i += kl;
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (i >= len || line[i] != '=')
		return true;
	char *v = xstrndup(line + i + 1, len - i - 1);
	char *t = str_trim(v);
	size_t n = strlen(t);
	if (n >= 2 && (t[0] == '"' || t[0] == '\'') && t[n - 1] == t[0]) {
		t[n - 1] = '\0';
		t++;
	}
	a->value = xstrdup(t);
	a->line = ln;
	free(v);
	return false;
}

char *kv_get(const char *text, const char *key, int *line)
{
	struct kv_arg a = { .key = key };
	sysparse_lines(text, kv_one, &a);
	if (line)
		*line = a.line;
	return a.value;
}

struct mod_arg {
	const char *mod;
	int line;
};

/* Stops at the /proc/modules line of the module sought. */
static bool mod_one(const char *line, size_t len, int ln, void *arg)
{
	struct mod_arg *a = arg;
	size_t ml = strlen(a->mod);
	if (len > ml && strncmp(line, a->mod, ml) == 0 && line[ml] == ' ') {
		a->line = ln;
		return false;
	}
	return true;
}

bool proc_modules_has(const char *text, const char *mod, int *line)
{
	struct mod_arg a = { .mod = mod };
	sysparse_lines(text, mod_one, &a);
	if (line)
		*line = a.line;
	return a.line > 0;
}
