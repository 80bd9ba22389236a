/* target_ssh.h: a Linux machine reached over SSH (libssh2), examined
 * through the same target interface as this machine: files through SFTP,
 * commands through exec channels (every word quoted for a POSIX shell).
 *
 * Connecting goes through the steps the process server's push install
 * takes, and records each (struct ssh_attempt) so that a failure names the
 * step, its error and how long each step took: name resolution, TCP
 * connect, SSH handshake, host key against known_hosts, authentication
 * (ssh-agent, the -i key, the default keys, password, keyboard-interactive
 * with the server's questions asked through ask_prompt),
 * SFTP (or, with sftp_at_first_use, at the first operation that needs it:
 * a run of checks reads through the batched read and needs none). Host
 * keys: a known key must match (a changed one is refused, naming
 * the known_hosts file and line); an unknown one is trusted only through
 * the trust_new_key callback or accept_new_host_key, and then appended to
 * the known_hosts file as ssh writes it ("[host]:port" off port 22).
 *
 * Checks run in worker threads: each libssh2 call on a session is made
 * under the session's mutex. Once the connection is lost (the server
 * gone, a timeout) the target is broken: every operation fails at once
 * with -ENOTCONN and target_lost gives the reason. A command's wait ends
 * when the server has said nothing for the session's timeout (a keepalive
 * asks it after half of it), whatever time the command itself had left;
 * each SFTP call is bounded by the timeout too. */
#ifndef ASR_TARGET_SSH_H
#define ASR_TARGET_SSH_H

#include <stdbool.h>

#include "engine/target/target.h"

/* Port used when a spec names none. */
#define SSH_DEFAULT_PORT 22
/* Connect and command timeout when opts leave it 0. */
#define SSH_DEFAULT_TIMEOUT_MS 15000

/* How to reach and log in to the machine. Strings are borrowed for the
 * call of target_ssh_connect (the target keeps copies of what it needs,
 * never a secret). Fill with ssh_opts_init, then set what is known; a
 * ~/.ssh/config alias fills the same fields. */
struct ssh_opts {
	const char *host;        /* a name or an address (IPv6 without brackets) */
	int port;                /* 0: SSH_DEFAULT_PORT */
	const char *user;        /* NULL: the local user's name */
	const char *identity;    /* -i FILE, or NULL */
	const char *known_hosts; /* NULL: ~/.ssh/known_hosts */
	bool accept_new_host_key; /* trust and record an unknown host key */
	int timeout_ms;          /* 0: SSH_DEFAULT_TIMEOUT_MS; connect and each command */
	const char *password;    /* borrowed secret, or NULL (then ask_password) */
	bool password_only;      /* password and keyboard-interactive only (no
				  * agent, no keys): the push install's login */
	int sock;                /* a connected socket to run the session on (a
				  * jump host's tunnel), or -1 to connect; the
				  * target closes it */
	bool sudo;               /* --sudo: a login that is not root runs
				  * commands, writes and the reads SFTP is
				  * refused as root through sudo; its password
				  * (when its policy asks one) is the login's,
				  * then password, then ask_password's, once */
	bool sftp_at_first_use;  /* SFTP started by the first operation that
				  * needs it, not at the login (a run of
				  * checks over the batched read needs none);
				  * when it does not start then, the link is
				  * lost with the reason. The probe starts it at
				  * the login: a step of its own. */
	bool jump_host;          /* logging in only to reach another machine
				  * through this one (target_ssh_tunnel): no
				  * SFTP, no command run */
	/* Asks for a key's passphrase; returns a secret the connection wipes
	 * and frees, or NULL to skip the key. May be NULL. */
	char *(*ask_passphrase)(void *ctx, const char *keyfile);
	/* Asks for the login password (prompt names user and host); same
	 * contract. May be NULL. */
	char *(*ask_password)(void *ctx, const char *prompt);
	/* Asks one question of keyboard-interactive authentication as the
	 * server sent it: instruction is the server's text above it ("" when
	 * none), prompt the question, echo whether the answer may be shown
	 * as typed (control characters of both are '?'). Returns the answer
	 * (a secret the connection wipes and frees) or NULL to give none.
	 * With password (or ask_password) the first question that hides its
	 * answer gets that password instead; with password_only nothing
	 * after it is asked (the push install gives one password, never a
	 * new one). May be NULL: then only that password answers. */
	char *(*ask_prompt)(void *ctx, const char *instruction, const char *prompt, bool echo);
	/* Whether to trust an unknown host key, shown by its fingerprint
	 * ("SHA256:..." as ssh-keygen -l prints it) and type. May be NULL
	 * (then only accept_new_host_key trusts one). */
	bool (*trust_new_key)(void *ctx, const char *host, const char *key_type,
			      const char *fingerprint);
	void *ctx;               /* passed to the callbacks */
};

/* The steps of a connection, in order. */
enum ssh_stage {
	SSH_STAGE_RESOLVE,
	SSH_STAGE_CONNECT,
	SSH_STAGE_HANDSHAKE,
	SSH_STAGE_HOSTKEY,
	SSH_STAGE_AUTH,
	SSH_STAGE_SFTP,
	SSH_STAGE_DONE,
	SSH_STAGE_N = SSH_STAGE_DONE,
};

/* What one connection attempt did, step by step. */
struct ssh_attempt {
	enum ssh_stage failed;    /* the step that failed; SSH_STAGE_DONE when none */
	int err;                  /* its negative errno (-ECONNREFUSED, -ETIMEDOUT,
				   * -EHOSTUNREACH, -ENOENT for a name not found,
				   * -EACCES for a refused login, -EKEYREJECTED for
				   * a changed host key, -EPROTO) or 0 */
	char message[512];        /* the reason, one line ("" when none) */
	long ms[SSH_STAGE_N];     /* how long each step took (-1: not reached) */
	char address[64];         /* the address connected to */
	char banner[256];         /* the server's SSH version line */
	char methods[256];        /* authentication methods offered, comma-separated */
	char auth_used[32];       /* the method that logged in ("password", ...) */
	char fingerprint[64];     /* the host key's "SHA256:..." */
	char key_type[32];        /* "ssh-ed25519", ... */
	bool password_expired;    /* the server asked for a new password, or
				   * logged the account in only to say that its
				   * password has expired */
	bool password_tried;      /* a password was sent and refused */
	char server_said[256];    /* the server's own words during a login that
				   * failed, one line: keyboard-interactive's
				   * messages and the questions left unanswered
				   * after the password, or what it printed on an
				   * expired password ("" when it said nothing:
				   * then it revealed no reason) */
	bool host_key_added;      /* the key was new and recorded */
	bool host_key_changed;    /* known_hosts holds another key for the host */
};

/* Clears *o and sets the defaults (sock = -1). */
void ssh_opts_init(struct ssh_opts *o);

/* Parses "[user@]host[:port]" (IPv6 addresses in brackets: "[::1]:2222",
 * "root@[fe80::1]"). Returns 0 with *user (NULL when none), *host and
 * *port (0 when none); caller frees the strings. -EINVAL with *cause
 * (caller frees) for an empty user or host, a bad port (1..65535) or an
 * unclosed bracket. */
int ssh_parse_spec(const char *spec, char **user, char **host, int *port, char **cause);

/* The SHA256 fingerprint of a raw public key blob, as ssh-keygen -l
 * prints it: "SHA256:" and base64 without padding. Caller frees. */
char *ssh_fingerprint(const unsigned char *key, size_t len);

/* A target for the machine opts name, not yet connected (every operation
 * fails with -ENOTCONN until target_ssh_connect succeeds). Copies what it
 * needs of opts except the secrets and callbacks, which are used only by
 * target_ssh_connect. Never fails; target_free. */
struct target *target_ssh_new(const struct ssh_opts *opts);

/* Connects t with opts (the same that made it: secrets and callbacks are
 * taken from here), filling *a (cleared first) step by step. After the
 * login it runs `id -u` to learn whether the login is root; with
 * opts->sudo and a login that is not root, sudo must make it root (the
 * target is then is_root and its operations go through sudo), else the
 * connection fails with -EACCES and sudo's reason. Returns 0, or
 * a negative errno with *cause (caller frees, one line naming the host
 * and the step; never a secret); *a tells where it stopped. */
int target_ssh_connect(struct target *t, const struct ssh_opts *opts, struct ssh_attempt *a,
		       char **cause);

struct ssh_tunnel;

/* Opens a tunnel through the connected machine t (a jump host) to
 * host:port as t reaches it (ssh_jump.h: a direct-tcpip channel and a
 * forwarding thread). From then on the tunnel alone uses t's session: t
 * is kept only to be freed after ssh_tunnel_close. Returns 0 with *tun and
 * *fd (a socket for ssh_opts.sock), or a negative errno with *cause
 * (caller frees) naming the jump host and its reason. */
int target_ssh_tunnel(struct target *t, const char *host, int port, struct ssh_tunnel **tun,
		      int *fd, char **cause);

/* Reads the link path of the machine t (SFTP readlink; a link in a folder
 * only root may read, through sudo with --sudo). Returns 0 with *out
 * (caller frees), or a negative errno (-EINVAL when path is not absolute
 * or t is not a machine over SSH). */
int target_ssh_readlink(struct target *t, const char *path, char **out);

/* A mounted root on the connected machine ssh (--target HOST --root DIR,
 * target_sshroot.c): DIR is resolved there (its own links followed: the
 * engineer names it), must be a folder, and every path under it is then
 * resolved inside it, links included, as target_root_new does locally;
 * nothing is run (can_run false), files are written and the journal kept
 * under DIR. Takes ssh (freed with the result, or at once on failure).
 * Returns the target, or NULL with *cause (caller frees). */
struct target *target_ssh_root_new(struct target *ssh, const char *dir, char **cause);

/* The stage's name in English ("resolve", "connect", ...). Static. */
const char *ssh_stage_name(enum ssh_stage s);

#endif
