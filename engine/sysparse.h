/* sysparse.h: parsers for the small Linux system files the account,
 * network, package and agent checks read: /etc/shadow, /etc/passwd,
 * /etc/hosts, /proc/net/fib_trie, /proc/net/if_inet6, `ip -o addr`,
 * /var/lib/dpkg/status, `rpm -q` output, KEY=VALUE files (.vx_version) and
 * /proc/modules. They take text, never touch the system, and tolerate any
 * input (malformed lines are skipped). */
#ifndef ASR_SYSPARSE_H
#define ASR_SYSPARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/util/util.h"

/* A numeric shadow field that is empty. */
#define SHADOW_EMPTY (-1L)

/* One line of /etc/shadow. */
struct shadow_entry {
	char *name; /* owned */
	char *pw; /* owned: the password field (a hash: never show it) */
	long lastchg; /* days since 1970-01-01, SHADOW_EMPTY when empty */
	long min, max, warn, inactive, expire;
	int line; /* 1-based */
};

/* Finds user's line. Returns 1 (e filled; free with shadow_entry_free),
 * 0 when there is none, -1 when the line has fewer than 8 fields or a
 * number field is not a number (e->line set, nothing to free). */
int shadow_find(const char *text, const char *user, struct shadow_entry *e);
void shadow_entry_free(struct shadow_entry *e);

/* One line of /etc/passwd. */
struct passwd_entry {
	char *name; /* owned */
	long uid;
	char *home; /* owned */
	char *shell; /* owned; "" when the field is empty (means /bin/sh) */
	int line;
};

/* Finds user's line: 1 found (free with passwd_entry_free), 0 none,
 * -1 malformed (fewer than 7 fields; nothing to free). */
int passwd_find(const char *text, const char *user, struct passwd_entry *e);
void passwd_entry_free(struct passwd_entry *e);

/* One address line of /etc/hosts. */
struct hosts_line {
	char *addr; /* owned, as written */
	struct strvec names; /* owned: canonical name and aliases */
	int line;
};

/* Parses /etc/hosts (comments and blank lines skipped). Returns the
 * number of lines; *out is an owned array (free with hosts_free). */
size_t hosts_parse(const char *text, struct hosts_line **out);
void hosts_free(struct hosts_line *h, size_t n);
/* Whether a hosts name stands for host name hn: equal ignoring case, or
 * equal to the first label of the other when one is a full name and the
 * other a short one. */
bool hosts_name_matches(const char *name, const char *hn);

/* Parses an IPv4 or IPv6 address; canonical text into buf (at least 46
 * bytes). Returns false when s is not an address. */
bool addr_canon(const char *s, char *buf, size_t size);
/* Whether an address (canonical or not) is a loopback address
 * (127.0.0.0/8, ::1). */
bool addr_is_loopback(const char *s);

/* The machine's own IPv4 addresses from /proc/net/fib_trie: the entries
 * followed by "/32 host LOCAL". Appends canonical text to out, without
 * duplicates. Returns how many were added. */
size_t fib_trie_local(const char *text, struct strvec *out);
/* IPv6 addresses from /proc/net/if_inet6; same contract. */
size_t if_inet6_addrs(const char *text, struct strvec *out);
/* Addresses from `ip -o addr` (or `ip -o -4 addr`) output; same contract. */
size_t ip_addr_parse(const char *text, struct strvec *out);

/* What a package database says of one package. */
struct pkg_state {
	bool found; /* the package is known to the database */
	bool installed; /* and installed ("install ok installed") */
	char *version; /* owned, may be NULL */
	char *status; /* owned: the Status: value, or rpm's line */
	int line; /* 1-based line of the "Package:" line, or 0 */
};

/* Looks pkg up in /var/lib/dpkg/status text. Returns st->found. Free
 * with pkg_state_free. */
bool dpkg_status_find(const char *text, const char *pkg, struct pkg_state *st);
/* Looks pkg up in the output of
 * `rpm -q --qf '%{NAME} %{VERSION}-%{RELEASE}\n' PKG...` ("NAME VER-REL"
 * or "package NAME is not installed"). Returns st->found (false when the
 * output does not mention pkg). */
bool rpm_q_find(const char *out, const char *pkg, struct pkg_state *st);
void pkg_state_free(struct pkg_state *st);

/* The value of KEY=VALUE (spaces around '=' and quotes allowed) in text,
 * the first occurrence, or NULL; *line (may be NULL) gets its line.
 * Caller frees. */
char *kv_get(const char *text, const char *key, int *line);

/* Whether /proc/modules text lists module mod; *line (may be NULL) gets
 * its line. */
bool proc_modules_has(const char *text, const char *mod, int *line);

/* Calls fn for each line of text (without the newline, CR removed), with
 * its 1-based number; stops when fn returns false. */
void sysparse_lines(const char *text, bool (*fn)(const char *line, size_t len, int ln, void *arg),
		    void *arg);

#endif
