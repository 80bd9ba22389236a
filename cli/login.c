/* login.c: logging in to a remote machine (--target): the secrets asked
 * on the terminal without echo or read from --password-fd, kept in one
 * place and wiped after use, core dumps off while one is held; the
 * confirmation of an unknown host key; and the SSH target made from the
 * options. */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"
#include "engine/target/ssh_config.h"
#include "engine/target/ssh_jump.h"
#include "engine/target/ssh_route.h"
#include "engine/target/target_ssh.h"
#include "tui/tui.h"

/* Longest secret read. */
#define SECRET_MAX 1024

/* The one place secrets live. */
static struct {
	char *password;        /* owned secret: from --password-fd, or NULL */
	bool guarded;          /* dumps are off */
	bool held;             /* a target keeps a secret (--sudo's password)
				* until the program ends: dumps stay off */
	struct rlimit core;    /* the limit before */
	int dumpable;          /* PR_GET_DUMPABLE before */
} secrets;

/* Turns core dumps off while a secret is held. */
static void guard_on(void)
{
	if (secrets.guarded)
		return;
	secrets.dumpable = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
	getrlimit(RLIMIT_CORE, &secrets.core);
	struct rlimit none = { 0, 0 };
	setrlimit(RLIMIT_CORE, &none);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	secrets.guarded = true;
}

void cli_secrets_wipe(void)
{
	if (secrets.password) {
		explicit_bzero(secrets.password, strlen(secrets.password));
		free(secrets.password);
		secrets.password = NULL;
	}
	if (secrets.guarded && !secrets.held) {
		setrlimit(RLIMIT_CORE, &secrets.core);
		if (secrets.dumpable > 0)
			prctl(PR_SET_DUMPABLE, secrets.dumpable, 0, 0, 0);
		secrets.guarded = false;
	}
}

/* Reads one line (without its end) of at most SECRET_MAX bytes from fd.
 * Returns a secret (caller wipes and frees) or NULL. */
static char *read_secret_line(int fd)
{
	char *buf = xmalloc(SECRET_MAX + 1);
	size_t n = 0;
	for (;;) {
		char c;
		ssize_t r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || c == '\n')
			break;
		if (n < SECRET_MAX)
			buf[n++] = c;
	}
	if (n && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	return buf;
}

int cli_password_from_fd(int fd)
{
	guard_on();
	char *pw = read_secret_line(fd);
	if (!*pw) {
		free(pw);
		cli_error("--password-fd %d: no password could be read", fd);
		return -1;
	}
	secrets.password = pw;
	return 0;
}

/* Asks on the terminal, without echo unless echo. Returns a secret or
 * NULL when there is no terminal. */
static char *ask_tty_echo(const char *prompt, bool echo)
{
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	guard_on();
	struct termios old, quiet;
	bool restore = tcgetattr(fd, &old) == 0;
	if (restore) {
		quiet = old;
		if (!echo)
			quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		quiet.c_lflag |= ICANON;
		tcsetattr(fd, TCSAFLUSH, &quiet);
	}
	if (write(fd, prompt, strlen(prompt)) < 0) {
		/* The prompt is a courtesy; reading still works. */
	}
	char *s = read_secret_line(fd);
	if (restore)
		tcsetattr(fd, TCSAFLUSH, &old);
	if (!echo && write(fd, "\n", 1) < 0) {
		/* as above */
	}
	close(fd);
	return s;
}

static char *ask_tty(const char *prompt)
{
	return ask_tty_echo(prompt, false);
}

/* A question of keyboard-interactive authentication: the server's text
 * above it on its own lines, then its prompt, as ssh shows them (the
 * engine made both safe to print). */
static char *ask_prompt(void *ctx, const char *instruction, const char *prompt, bool echo)
{
	char *q = xasprintf("%s%s%s", instruction, *instruction ? "\n" : "", prompt);
	char *s = ask_tty_echo(q, echo);
	free(q);
	return s;
}

static char *ask_password(void *ctx, const char *prompt)
{
	return ask_tty(prompt);
}

static char *ask_passphrase(void *ctx, const char *keyfile)
{
	char *prompt = xasprintf("Enter passphrase for key '%s': ", keyfile);
	char *s = ask_tty(prompt);
	free(prompt);
	return s;
}

/* Shows an unknown host key and asks whether to trust it. */
static bool trust_new_key(void *ctx, const char *host, const char *key_type,
			  const char *fingerprint)
{
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return false;
	char *q = xasprintf("The authenticity of host '%s' can't be established.\n"
			    "%s key fingerprint is %s.\n"
			    "Trust it and add it to known_hosts (yes/no)? ",
			    host, key_type, fingerprint);
	bool yes = false;
	if (write(fd, q, strlen(q)) >= 0) {
		char buf[16] = "";
		ssize_t n = read(fd, buf, sizeof buf - 1);
		if (n > 0) {
			buf[n] = '\0';
			yes = strncmp(buf, "yes", 3) == 0 || strcmp(buf, "y\n") == 0;
		}
	}
	free(q);
	close(fd);
	return yes;
}

int cli_ssh_opts(const struct options *o, const char *spec, struct ssh_opts *so, char **user,
		 char **host)
{
	char *cause = NULL;
	int port = 0;
	if (ssh_parse_spec(spec, user, host, &port, &cause) < 0) {
		cli_error("%s", cause);
		free(cause);
		return -1;
	}
	ssh_opts_init(so);
	so->host = *host;
	so->user = *user;
	so->port = port;
	so->identity = o->identity;
	so->accept_new_host_key = o->accept_new_host_key;
	so->timeout_ms = o->timeout_s > 0 ? o->timeout_s * 1000 : 0;
	so->password = secrets.password;
	so->ask_password = ask_password;
	so->ask_prompt = ask_prompt;
	so->ask_passphrase = ask_passphrase;
	so->trust_new_key = trust_new_key;
	return 0;
}

/* The wizard's screens for the questions of a login in progress, and
 * where its failure is told, or NULL: the terminal's prompts, and
 * errors on stderr. */
static const struct tui_prompts *ui;
static struct tui_login_result *ui_result;
/* Notes of the route kept while the wizard's screen is up. */
static struct strvec deferred_notes;

/* Tells why a login failed: on stderr, or to the wizard. */
static void login_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void login_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *m = xvasprintf(fmt, ap);
	va_end(ap);
	if (ui_result) {
		free(ui_result->why);
		ui_result->why = m;
		return;
	}
	cli_error("%s", m);
	free(m);
}

/* The jump hosts of the last --target, and their tunnels: kept until
 * the program ends (the target's session runs through them). */
static struct {
	struct target **hops;
	struct ssh_tunnel **tunnels;
	size_t n;
	bool registered;
} chain;

/* Closes the tunnels, then logs out of the jump hosts, last first. */
static void chain_free(void)
{
	while (chain.n > 0) {
		chain.n--;
		ssh_tunnel_close(chain.tunnels[chain.n]);
		target_free(chain.hops[chain.n]);
	}
	free(chain.hops);
	free(chain.tunnels);
	chain.hops = NULL;
	chain.tunnels = NULL;
}

/* The first of the route's key files that exists (-i first), or NULL:
 * then ssh-agent and the default keys. */
static const char *first_key(const struct ssh_endpoint *e)
{
	for (size_t i = 0; i < e->n_identity; i++)
		if (access(e->identity[i], R_OK) == 0)
			return e->identity[i];
	return NULL;
}

/* Logs in to one endpoint of the route (over sock when it is not -1).
 * Returns the target or NULL after printing the cause. */
static struct target *login_one(const struct options *o, const struct ssh_endpoint *e, int sock,
				bool jump)
{
	struct ssh_opts so;
	ssh_opts_init(&so);
	so.host = e->host;
	so.user = e->user;
	so.port = e->port;
	so.identity = first_key(e);
	so.accept_new_host_key = o->accept_new_host_key;
	so.timeout_ms = o->timeout_s > 0 ? o->timeout_s * 1000 : 0;
	/* --password-fd's password is the machine's, never a jump host's. */
	so.password = jump ? NULL : secrets.password;
	so.ask_password = ui ? ui->ask_password : ask_password;
	so.ask_prompt = ui ? ui->ask_prompt : ask_prompt;
	so.ask_passphrase = ui ? ui->ask_passphrase : ask_passphrase;
	so.trust_new_key = ui ? ui->trust_new_key : trust_new_key;
	so.ctx = ui ? ui->ctx : NULL;
	so.sock = sock;
	so.jump_host = jump;
	so.sftp_at_first_use = true;
	so.sudo = !jump && o->sudo;
	if (so.sudo) {
		/* The target keeps sudo's password for the session. */
		guard_on();
		secrets.held = true;
	}
	struct target *t = target_ssh_new(&so);
	struct ssh_attempt a;
	char *cause = NULL;
	if (target_ssh_connect(t, &so, &a, &cause) < 0) {
		if (ui_result)
			ui_result->host_key_changed = a.host_key_changed;
		login_error("%s%s", jump ? "jump host: " : "", cause);
		free(cause);
		target_free(t);
		return NULL;
	}
	return t;
}

/* The environment ~/.ssh/config is read in: this user, with HOME as
 * known_hosts and the keys are found (the password database's home when
 * HOME is unset). */
static int config_env(struct ssh_config_env *env, char **cause)
{
	int rc = ssh_config_env_default(env, cause);
	const char *home = getenv("HOME");
	if (rc == 0 && home && *home)
		env->home = home;
	return rc;
}

/* The options that reached t, as the user gave them, for the commands
 * asr-doctor prints (undo, fix, confirm): the alias as typed, -J, -F, -i
 * and --sudo, so that the printed command goes the same way. Every option that
 * changes how the machine is reached belongs here; --password-fd and
 * --accept-new-host-key do not (the descriptor is this run's, and the key
 * is known now). */
static void remember_route(const struct options *o, struct target *t)
{
	const char *argv[12];
	size_t n = 0;
	argv[n++] = "--target";
	argv[n++] = o->target;
	if (o->jump) {
		argv[n++] = "-J";
		argv[n++] = o->jump;
	}
	if (o->ssh_config) {
		argv[n++] = "-F";
		argv[n++] = o->ssh_config;
	}
	if (o->identity) {
		argv[n++] = "-i";
		argv[n++] = o->identity;
	}
	if (o->sudo)
		argv[n++] = "--sudo";
	if (o->root) {
		argv[n++] = "--root";
		argv[n++] = o->root;
	}
	argv[n] = NULL;
	target_set_cli_args(t, argv);
}

struct target *cli_ssh_target(const struct options *o)
{
	struct ssh_config_env env;
	struct ssh_route route;
	char *cause = NULL;
	memset(&route, 0, sizeof route);
	struct ssh_route_args ra = { .spec = o->target, .jump = o->jump, .identity = o->identity,
				     .config = o->ssh_config };
	if (config_env(&env, &cause) < 0 || ssh_route_resolve(&ra, &env, &route, &cause) < 0) {
		login_error("--target %s: %s", o->target, cause);
		free(cause);
		ssh_route_free(&route);
		cli_secrets_wipe();
		return NULL;
	}
	for (size_t i = 0; i < route.n_notes; i++)
		if (ui)
			sv_push(&deferred_notes, route.notes[i]);
		else
			cli_error("note: %s", route.notes[i]);
	chain_free();
	/* Arrays of pointers, sized by their element. */
	chain.hops = xcalloc(route.n_hops + 1, sizeof *chain.hops); /* NOLINT(bugprone-sizeof-expression) */
	chain.tunnels = xcalloc(route.n_hops + 1, sizeof *chain.tunnels); /* NOLINT(bugprone-sizeof-expression) */
	/* Each jump host through the one before, host keys checked on each;
	 * then the machine through the last. */
	int sock = -1;
	struct target *t = NULL;
	bool ok = true;
	for (size_t i = 0; ok && i < route.n_hops; i++) {
		struct target *hop = login_one(o, &route.hops[i], sock, true);
		sock = -1;
		if (!hop) {
			ok = false;
			break;
		}
		chain.hops[chain.n] = hop;
		const struct ssh_endpoint *next = i + 1 < route.n_hops ? &route.hops[i + 1] : &route.target;
		if (target_ssh_tunnel(hop, next->host, next->port, &chain.tunnels[chain.n], &sock,
				      &cause) < 0) {
			login_error("%s", cause);
			free(cause);
			target_free(hop);
			ok = false;
			break;
		}
		chain.n++;
	}
	if (ok)
		t = login_one(o, &route.target, sock, false);
	/* Registered after libssh2 set up its crypto library, so that the
	 * tunnels close before that library's own exit handler runs. */
	if (chain.n && !chain.registered) {
		atexit(chain_free);
		chain.registered = true;
	}
	/* The login is done: the secret is not needed any more. */
	cli_secrets_wipe();
	ssh_route_free(&route);
	if (t && o->root) {
		/* A disk mounted on that machine: examined under o->root. */
		t = target_ssh_root_new(t, o->root, &cause);
		if (!t) {
			login_error("%s", cause);
			free(cause);
		}
	}
	if (!t)
		chain_free();
	else
		remember_route(o, t);
	return t;
}

struct target *cli_ssh_target_ui(const struct options *o, const struct tui_prompts *p,
				 struct tui_login_result *r)
{
	ui = p;
	ui_result = r;
	struct target *t = cli_ssh_target(o);
	ui = NULL;
	ui_result = NULL;
	return t;
}

void cli_login_notes_flush(void)
{
	for (size_t i = 0; i < deferred_notes.n; i++)
		cli_error("note: %s", deferred_notes.v[i]);
	sv_free(&deferred_notes);
}

void cli_exit_if_lost(struct target *t)
{
	const char *why = t ? target_lost(t) : NULL;
	if (!why)
		return;
	char *label = target_label(t);
	cli_error("lost the connection to %s: %s", label, why);
	free(label);
	fflush(stdout);
	exit(2);
}
