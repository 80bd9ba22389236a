/* sshd_keywords.h: the server keywords OpenSSH knows, per version (from its
 * own keyword table: which keywords exist since and until which release,
 * which are deprecated, ignored or unsupported but still accepted, which
 * are aliases, which sshd refuses inside a Match block), the Match criteria
 * and the algorithm names sshd accepts, and the OpenSSH version installed
 * on an examined machine. */
#ifndef ASR_SSHD_KEYWORDS_H
#define ASR_SSHD_KEYWORDS_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/target/target.h"

/* A version as a number: OPENSSH_V(9, 2) is 902. 0 means unknown. */
#define OPENSSH_V(major, minor) ((major) * 100 + (minor))

enum sshd_kw_kind {
	SSHD_KW_ACTIVE,      /* a setting */
	SSHD_KW_DEPRECATED,  /* accepted, logged as deprecated, no effect */
	SSHD_KW_IGNORED,     /* accepted silently (Protocol) */
	SSHD_KW_UNSUPPORTED, /* accepted, logged as unsupported by this build */
	SSHD_KW_DISTRO,      /* added by distribution patches (Debian, Red Hat) */
};

struct sshd_keyword {
	const char *name;     /* lower case */
	enum sshd_kw_kind kind;
	int since;            /* first release that knows it; 0: every release we cover */
	int until;            /* last release that knows it; 0: still known */
	int global_until;     /* refused inside Match up to this release (0: never;
			       * -1: always) */
	const char *alias_of; /* the keyword it is another name for, or NULL */
};

/* The table entry of a lower-case keyword, or NULL when no OpenSSH release
 * (nor a distribution's patch we know) has it. Static storage. */
const struct sshd_keyword *sshd_keyword_find(const char *kw);
/* Whether sshd of version v knows k (v 0, unknown: whether some release
 * does). */
bool sshd_keyword_known_in(const struct sshd_keyword *k, int v);
/* Whether sshd of version v refuses k inside a Match block. */
bool sshd_keyword_global_only(const struct sshd_keyword *k, int v);

/* Whether sshd of version v (0: the newest) knows the Match criterion
 * (any case); *since is set to the release that added it, or 0. */
bool sshd_match_criterion_known(const char *attr, int v, int *since);

/* The algorithm lists sshd checks when it reads its configuration. */
enum sshd_algo_kind {
	SSHD_ALGO_CIPHER, /* Ciphers */
	SSHD_ALGO_MAC,    /* MACs */
	SSHD_ALGO_KEX,    /* KexAlgorithms */
	SSHD_ALGO_KEY,    /* HostKeyAlgorithms, PubkeyAcceptedAlgorithms,
			   * HostbasedAcceptedAlgorithms, CASignatureAlgorithms */
};

/* Which list a lower-case keyword takes, or -1. */
int sshd_algo_keyword(const char *kw);
/* Checks an algorithm list argument as sshd v does: a leading '-' skips
 * the check, '+' and '^' are removed, every comma-separated name must be
 * known (for key types a wildcard pattern must match a known name).
 * Returns NULL, or the first name sshd rejects (caller frees). */
char *sshd_algo_list_check(enum sshd_algo_kind kind, const char *arg, int v);

/* The OpenSSH version installed on the examined machine: from the
 * openssh-server package in /var/lib/dpkg/status, else from the
 * "OpenSSH_X.Y" string in its sshd program. Returns 0 when unknown; *from
 * (may be NULL) is set to the file it came from (static storage). */
int sshd_version_detect(struct target *t, const char **from);
/* The release named by the first "OpenSSH_X.Y" in data (a program, or
 * `sshd -V` output), 0 when none. */
int sshd_version_in_text(const char *data, size_t len);

#endif
