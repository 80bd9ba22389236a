/* ssh_config.h: the engineer's own OpenSSH client configuration
 * (~/.ssh/config) read for one host alias, the way ssh(1) reads it
 * (ssh_config(5)), for the keywords people rely on to reach a machine:
 * HostName, User, Port, IdentityFile and ProxyJump.
 *
 * The model: the file is read top to bottom once. `Host` lines start a
 * block that applies when one of its patterns matches the alias exactly as
 * typed (case matters; `*` any run, `?` one character, a `!pattern` that
 * matches turns the whole block off); lines before the first Host apply to
 * every alias. For each keyword the first value obtained wins, except
 * IdentityFile, whose values add up in order. `ProxyJump none` and a
 * ProxyCommand seen first both stop a later ProxyJump. `Include` reads
 * files (glob patterns, in lexical order; relative paths are under
 * ~/.ssh; a missing file is skipped) in place, starting with the active
 * state of the block it sits in (inside an inactive block none of its Host
 * blocks can apply), nested at most 16 deep. `Match` is not evaluated:
 * its block is skipped and a note says so. Other keywords are read (for
 * their quoting) and ignored. HostName's %h becomes the alias; the result
 * is lower-cased, as ssh does. IdentityFile values stay as written (as
 * `ssh -G` prints them); ssh_config_expand_path expands one.
 *
 * This is the local user's own file, read with plain host I/O, never
 * through a target. */
#ifndef ASR_SSH_CONFIG_H
#define ASR_SSH_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

/* Include nesting ssh refuses beyond. */
#define SSH_CONFIG_DEPTH_MAX 16
/* IdentityFile values ssh accepts at most. */
#define SSH_CONFIG_IDENTITY_MAX 100
/* Largest configuration file read. */
#define SSH_CONFIG_FILE_MAX (1024 * 1024)

/* The local side: who reads the file. All borrowed. */
struct ssh_config_env {
	const char *home;       /* the user's home: ~, %d, relative Include */
	const char *local_user; /* %u */
	unsigned long uid;      /* %i, and the owner a file may have (or root) */
	const char *local_host; /* %l (and %L up to its first dot); may be NULL */
	bool check_perm;        /* refuse files others can write, as ssh does */
	bool no_include;        /* read no file for Include (fuzzing) */
};

/* What the configuration says for one alias. Every field is owned. */
struct ssh_config_host {
	char *hostname;     /* HostName with %h expanded, or the alias; lower case */
	char *user;         /* User, or NULL when no line sets it */
	int port;           /* Port, or 0 when no line sets it */
	char **identity;    /* IdentityFile values as written, in order */
	size_t n_identity;
	char *proxyjump;    /* ProxyJump ("[user@]host[:port][,...]"), NULL when
			     * unset, `none` or overruled by a ProxyCommand */
	char *proxycommand; /* ProxyCommand as written when it came first */
	char **notes;       /* lines not evaluated ("FILE:N: Match ...") */
	size_t n_notes;
};

/* Fills env from the password database for the current user (home, name,
 * uid) and gethostname(2), with check_perm set. The strings live in static
 * storage until the next call. Returns 0, or -ENOENT with *cause (caller
 * frees) when the user has no entry. */
int ssh_config_env_default(struct ssh_config_env *env, char **cause);

/* The default configuration file, HOME/.ssh/config; caller frees. */
char *ssh_config_default_path(const struct ssh_config_env *env);

/* Reads the configuration at path (and what it includes) for host, the
 * alias as typed, into *out (cleared first; free with
 * ssh_config_host_free, also after a failure). A missing file gives the
 * defaults (hostname = host) and returns 0. Returns 0, or a negative errno
 * with *cause (caller frees): -EINVAL for what ssh itself refuses (a
 * keyword without an argument, an unterminated quote, a bad Port, a %
 * token HostName does not take, too many identity files), -ELOOP for
 * Include nested too deep, -EPERM for a file others may write (with
 * env->check_perm), or the errno of a file that exists but cannot be
 * read. */
int ssh_config_resolve(const char *path, const char *host, const struct ssh_config_env *env,
		       struct ssh_config_host *out, char **cause);

/* The same for a configuration already in memory (name is used in
 * messages and notes; Include still reads files unless env->no_include).
 * text need not be NUL-terminated. Same returns. */
int ssh_config_resolve_text(const char *text, size_t len, const char *name, const char *host,
			    const struct ssh_config_env *env, struct ssh_config_host *out,
			    char **cause);

/* Releases what *h owns and clears it. */
void ssh_config_host_free(struct ssh_config_host *h);

/* What a path's tokens stand for on this connection. All borrowed. */
struct ssh_config_tokens {
	const char *original_host; /* %n: the alias as typed */
	const char *hostname;      /* %h: the host connected to */
	const char *remote_user;   /* %r */
	int port;                  /* %p */
};

/* Expands an IdentityFile value the way ssh does before opening it: a
 * leading ~ or ~/ (env->home) or ~user/ (that user's home), then ${NAME}
 * from the environment and the tokens %% %d %h %i %l %L %n %p %r %u.
 * Returns 0 with *out (caller frees), or -EINVAL with *cause (caller
 * frees) for a token ssh knows but we do not give (%C %j %k %T), an
 * unknown one, an unknown ~user, an unset ${NAME} or a dangling %. */
int ssh_config_expand_path(const char *raw, const struct ssh_config_env *env,
			   const struct ssh_config_tokens *tok, char **out, char **cause);

/* Whether pattern (ssh's `*` and `?` wildcards, no negation) matches s
 * exactly, case-sensitively. */
bool ssh_config_match_pattern(const char *s, const char *pattern);

#endif
