/* sshd_config.h: reads an OpenSSH server configuration the way sshd does
 * (first value wins, case-insensitive keywords, Include drop-ins processed
 * inline, Match blocks) through a target, and evaluates it for one
 * connection: the push install's login as root from the process server.
 *
 * Loading keeps every line of every file (with its Match context), so a
 * fix planner can find the line that decides a value, a commented-out
 * "#PasswordAuthentication yes" to uncomment, and where Match blocks start
 * (a global line must never be added after one). Also parses the output of
 * `sshd -T`, the daemon's own view of its effective settings.
 *
 * Ownership: a struct sshd_config owns everything reachable from it
 * (files, lines, blocks, diagnostics, settings); pointers handed out by the
 * accessors are borrowed and stay valid until sshd_config_free, except the
 * settings and block results, which the next sshd_config_eval replaces. */
#ifndef ASR_SSHD_CONFIG_H
#define ASR_SSHD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/sshd_keywords.h"
#include "engine/target/target.h"
#include "engine/util/util.h"

/* The main configuration file and the folder relative Include paths are
 * under. */
#define SSHD_CONFIG_PATH "/etc/ssh/sshd_config"
#define SSHD_CONFIG_DIR "/etc/ssh"
/* sshd refuses Include nesting deeper than this. */
#define SSHD_INCLUDE_DEPTH_MAX 16
/* Longest line we read; longer lines are reported as errors. */
#define SSHD_LINE_MAX 16384

/* Three-valued answers: whether a Match block applies to the connection,
 * or a line is in effect. */
enum sshd_tri {
	SSHD_NO = 0,
	SSHD_YES = 1,
	SSHD_MAYBE = 2, /* depends on something we do not know (the address) */
};

/* The settings the checks and fixes care about. */
enum sshd_key {
	SSHD_PASSWORD_AUTH,     /* PasswordAuthentication */
	SSHD_PERMIT_ROOT_LOGIN, /* PermitRootLogin */
	SSHD_KBD_INTERACTIVE,   /* KbdInteractiveAuthentication (alias
				 * ChallengeResponseAuthentication) */
	SSHD_USE_PAM,           /* UsePAM (global only) */
	SSHD_SUBSYSTEM_SFTP,    /* Subsystem sftp */
	SSHD_PORT,              /* Port (global only; every line adds one) */
	SSHD_LISTEN_ADDRESS,    /* ListenAddress (global only; accumulates) */
	SSHD_USE_DNS,           /* UseDNS (global only; decides Match Host) */
	SSHD_AUTH_METHODS,      /* AuthenticationMethods: lists of methods
				 * that must all succeed, space-separated;
				 * "any" (the default) when not restricted */
	SSHD_KEY_COUNT
};

enum sshd_diag_level {
	SSHD_DIAG_ERROR,   /* sshd would refuse the configuration, or we cannot read it */
	SSHD_DIAG_WARNING, /* accepted by some sshd versions, or worth knowing */
};

/* A problem found while loading, with where it is. */
struct sshd_diag {
	enum sshd_diag_level level;
	/* An error sshd itself stops at: it would refuse to start (as
	 * opposed to one that keeps us from reading the configuration). */
	bool refuses;
	char *path;    /* owned: file on the target */
	int line;      /* 1-based; 0 when about the whole file */
	char *message; /* owned: one line, user's language, without the path */
};

enum sshd_line_kind {
	SSHD_LINE_BLANK,
	SSHD_LINE_COMMENT,   /* starts with '#' */
	SSHD_LINE_DIRECTIVE, /* Keyword [=] arguments */
	SSHD_LINE_BAD,       /* could not be split (too long, bad quotes,
			      * missing argument): see the diagnostics */
};

/* One line of a file, as read. */
struct sshd_line {
	int lineno;               /* 1-based */
	enum sshd_line_kind kind;
	char *text;               /* owned: the line without its "\n" or "\r\n" */
	/* Owned, lower-case. DIRECTIVE: the keyword. COMMENT: when the comment
	 * reads like a commented-out directive of a known keyword
	 * ("#PasswordAuthentication yes", "# PermitRootLogin no"), that
	 * keyword; else NULL. */
	char *keyword;
	char **args;              /* owned: arguments with quotes removed (for
				   * a commented directive, its arguments) */
	size_t nargs;
	/* DIRECTIVE lines that set one of our keys: which (else -1), and the
	 * normalised value (owned; NULL when sshd would reject the value). */
	int key;
	char *value;
	/* The Match block this line is in within its own file (the block's
	 * Match line included), or -1 before the file's first Match; see
	 * sshd_line_block for the context an Include passes down. */
	int block;
	int *includes;            /* owned: Include lines: indexes into
				   * cfg->files of the files it brought in, in
				   * the order sshd reads them */
	size_t nincludes;
};

/* One file read (the main file, or one inclusion of a drop-in: a file
 * included twice appears twice, like sshd reads it twice). */
struct sshd_file {
	char *path;           /* owned: path on the target */
	int parent;           /* index of the including file, -1 for the main file */
	int parent_line;      /* the Include line in the parent, 0 for the main file */
	int parent_block;     /* Match block in effect at that Include line (-1: global) */
	int depth;            /* 0 for the main file */
	bool loaded;          /* read and split into lines */
	bool crlf;            /* most lines end in "\r\n" (a fix keeps that) */
	bool final_newline;   /* the last line ends with a line break */
	int first_match_line; /* line of the file's first Match, 0 when none */
	struct sshd_line *lines; /* owned, in order; lines[i].lineno == i + 1 */
	size_t nlines;
};

/* A Match block: from its Match line to the line before the next Match of
 * the same file, or to the end of that file. */
struct sshd_block {
	int file;         /* index into cfg->files */
	int line;         /* the Match line */
	int end_line;     /* last line of the block */
	char *criteria;   /* owned: the text after "Match" */
	int parent;       /* block in effect where this file was included, -1 */
	bool all;         /* "Match all" (also applies while sshd starts up) */
	bool bad;         /* criteria sshd rejects (see the diagnostics) */
	/* Set by sshd_config_eval: whether the block applies to the
	 * connection, parent blocks considered, and when SSHD_MAYBE, which
	 * criteria we could not decide ("Address", "Group"; owned). */
	enum sshd_tri applies;
	char *unknown;
};

/* A line that sets a key: where it is and what it says. */
struct sshd_ref {
	int file;    /* index into cfg->files */
	int line;    /* 1-based */
	int block;   /* Match block context (sshd_line_block), -1 global */
	char *value; /* owned: normalised value of that line */
};

/* The effective value of one key for the evaluated connection. */
struct sshd_setting {
	enum sshd_key key;
	/* Owned: normalised value ("yes"/"no"; PermitRootLogin one of "yes",
	 * "no", "prohibit-password" (also for without-password),
	 * "forced-commands-only"; Subsystem sftp: the command line with its
	 * arguments; Port and ListenAddress: all values, space-separated).
	 * NULL only for Subsystem sftp when none is configured. */
	char *value;
	char *program;   /* owned, Subsystem sftp only: the server program
			  * (first word of the command), else NULL */
	bool is_default; /* no line sets it: value is OpenSSH's default */
	int file;        /* deciding line: index into cfg->files, -1 for default */
	int line;        /* its line number, 0 for default */
	int block;       /* the Match block that supplied it, -1 when global */
	/* Lines in Match blocks that apply only perhaps (SSHD_MAYBE) and
	 * would decide the value instead when they apply, in order. */
	struct sshd_ref *alts;
	size_t nalts;
	/* Other lines that set the key and lose (first value wins, or their
	 * Match block does not apply), in reading order. */
	struct sshd_ref *others;
	size_t nothers;
};

/* The connection to evaluate Match blocks for. NULL fields are unknown. */
struct sshd_conn {
	const char *user;  /* NULL: "root" */
	/* The client's host name as sshd sees it; NULL: the address when
	 * UseDNS is off (the default), otherwise unknown. */
	const char *host;
	const char *addr;  /* client address ("10.0.0.5", "fd00::5") */
	const char *laddr; /* the address the client connected to */
	int lport;         /* local port; 0: unknown */
};

struct sshd_config {
	char *main_path;          /* owned */
	struct sshd_file *files;  /* owned, in reading order; files[0] is the main file */
	size_t nfiles;
	struct sshd_block *blocks; /* owned, in reading order */
	size_t nblocks;
	struct sshd_diag *diags;  /* owned */
	size_t ndiags;
	size_t nerrors;           /* diagnostics of level SSHD_DIAG_ERROR */
	size_t nrefusals;         /* of those, the ones sshd refuses to start on */
	/* The OpenSSH release installed on the examined machine (see
	 * sshd_version_detect; OPENSSH_V(9, 2) is 902), 0 when unknown: then
	 * every keyword some release knows is accepted. version_from names
	 * where it was found (static storage, or NULL). */
	int version;
	const char *version_from;
	bool main_missing;        /* the main file does not exist */
	/* Root's groups from the target's /etc/passwd and /etc/group (for
	 * Match Group); groups_known is false when they cannot be read. */
	struct strvec root_groups;
	bool groups_known;
	/* Filled by sshd_config_eval. */
	bool evaluated;
	struct sshd_setting settings[SSHD_KEY_COUNT];
	/* Private: the start-up values (connection independent). */
	struct sshd_setting global[SSHD_KEY_COUNT];
};

/* Reads path (NULL: SSHD_CONFIG_PATH) and everything it includes through
 * t, and works out the start-up (global) values. Never returns NULL: a
 * missing main file, unreadable includes, include loops, nesting deeper
 * than SSHD_INCLUDE_DEPTH_MAX, over-long lines, binary data and values
 * sshd would reject become diagnostics (cfg->nerrors > 0). Settings are
 * available after sshd_config_eval. Caller frees with sshd_config_free. */
struct sshd_config *sshd_config_load(struct target *t, const char *path);
/* Evaluates the configuration for conn (NULL: user root, all else
 * unknown): decides each Match block and fills cfg->settings, replacing an
 * earlier evaluation. */
void sshd_config_eval(struct sshd_config *cfg, const struct sshd_conn *conn);

/* A file's contents to read instead of what the target holds: a planned
 * edit, evaluated before it is written. */
struct sshd_override {
	const char *path; /* borrowed: the target path as the main path or an
			   * Include expansion names it */
	const char *data; /* borrowed: the bytes (need not end in NUL) */
	size_t len;
};

/* sshd_config_load, except that a file whose path equals an override's
 * path is read from the override's bytes. An override for a file that
 * does not exist yet is found by Include patterns too, like a new file
 * would be. The overrides are only read during the call. Never returns
 * NULL; caller frees with sshd_config_free. */
struct sshd_config *sshd_config_load_with(struct target *t, const char *path,
					  const struct sshd_override *ov, size_t nov);
void sshd_config_free(struct sshd_config *cfg);

/* The evaluated setting for key (borrowed; valid until the next eval). */
const struct sshd_setting *sshd_config_get(const struct sshd_config *cfg, enum sshd_key key);
/* The first error diagnostic, or NULL. */
const struct sshd_diag *sshd_config_first_error(const struct sshd_config *cfg);
/* The first error that keeps us from reading the configuration (not one
 * sshd refuses to start on), or NULL. */
const struct sshd_diag *sshd_config_first_unreadable(const struct sshd_config *cfg);
/* The first error sshd refuses to start on, or NULL. */
const struct sshd_diag *sshd_config_first_refusal(const struct sshd_config *cfg);
/* A line of a file (borrowed), or NULL when out of range. */
const struct sshd_line *sshd_config_line(const struct sshd_config *cfg, int file, int lineno);
/* The Match block in effect at a line, counting the block an Include
 * passes down to the top of the file it includes; -1 when global. */
int sshd_line_block(const struct sshd_config *cfg, int file, int lineno);
/* The first commented-out directive for key in file (a line such as
 * "#PasswordAuthentication yes") that lies outside any Match block, or 0. */
int sshd_config_find_commented(const struct sshd_config *cfg, int file, enum sshd_key key);

/* The keyword as written in the manual ("PasswordAuthentication"; for
 * Subsystem sftp "Subsystem sftp"). Static storage. */
const char *sshd_key_name(enum sshd_key key);
/* Whether a lower-case keyword sets key (aliases included; for
 * SSHD_SUBSYSTEM_SFTP any "subsystem"). */
bool sshd_keyword_is(const char *keyword, enum sshd_key key);
/* Whether an AuthenticationMethods value (as normalised in
 * sshd_setting.value: "any", or method lists such as "publickey,password
 * password") lets a client in with method alone: "any", or a list that
 * names only that method once ("password"; "keyboard-interactive" also
 * matches "keyboard-interactive:pam"). NULL counts as "any". */
bool sshd_auth_methods_allow(const char *value, const char *method);
/* "file:line" of a setting's deciding line or "default" (caller frees). */
char *sshd_setting_where(const struct sshd_config *cfg, const struct sshd_setting *s);

/* The output of `sshd -T`: "keyword value" lines. */
struct sshd_t_entry {
	char *key;   /* owned, lower-case */
	char *value; /* owned; "without-password" is given as "prohibit-password" */
};

struct sshd_t {
	struct sshd_t_entry *v; /* owned */
	size_t n;
	size_t cap;
};

/* Parses `sshd -T` output (keywords in any case, as OpenSSH 10.5 and later
 * print mixed case). Returns 0, or -1 with *cause (caller frees) when the
 * text holds no setting at all. Free with sshd_t_free. */
int sshd_t_parse(const char *text, struct sshd_t *out, char **cause);
/* The value of the first line with that keyword (any case), or NULL. */
const char *sshd_t_get(const struct sshd_t *t, const char *key);
/* The command line of subsystem name (case-sensitive, as sshd matches
 * it), or NULL. */
const char *sshd_t_subsystem(const struct sshd_t *t, const char *name);
/* The value for one of our keys, normalised like sshd_setting.value
 * (Port and ListenAddress: every line, space-separated); NULL when absent.
 * Caller frees. */
char *sshd_t_value(const struct sshd_t *t, enum sshd_key key);
void sshd_t_free(struct sshd_t *t);

/* Matching as sshd does, exposed for tests: a comma-separated pattern list
 * with '*', '?' and '!' negation; returns 1 (match), 0 (no match) or -1 (a
 * negated pattern matched). */
int sshd_match_pattern_list(const char *s, const char *list, bool fold_case);
/* An address against a list of CIDR blocks and patterns: 1, 0, -1 as
 * above, -2 when the list is invalid (empty entry, bad mask). addr NULL
 * only validates the list (returns 0 or -2). */
int sshd_match_addr_list(const char *addr, const char *list);

#endif
