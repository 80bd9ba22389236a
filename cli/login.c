/* login.c: logging in to a remote machine (--target): the secrets asked
 * on the terminal without echo or read from --password-fd, kept in one
 * place and wiped after use, core dumps off while one is held; the
 * confirmation of an unknown host key; and the SSH target made from the
 * options. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"
#include "engine/target/target_ssh.h"

/* Longest secret read. */
#define SECRET_MAX 1024

/* The one place secrets live. */
static struct {
	char *password;        /* owned secret: from --password-fd, or NULL */
	bool guarded;          /* dumps are off */
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
	if (secrets.guarded) {
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

/* Asks on the terminal without echo. Returns a secret or NULL when there
 * is no terminal. */
static char *ask_tty(const char *prompt)
{
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	guard_on();
	struct termios old, quiet;
	bool restore = tcgetattr(fd, &old) == 0;
	if (restore) {
		quiet = old;
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
	if (write(fd, "\n", 1) < 0) {
		/* as above */
	}
	close(fd);
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

struct target *cli_ssh_target(const struct options *o)
{
	char *user = NULL, *host = NULL, *cause = NULL;
	int port = 0;
	if (ssh_parse_spec(o->target, &user, &host, &port, &cause) < 0) {
		cli_error("--target %s", cause);
		free(cause);
		cli_secrets_wipe();
		return NULL;
	}
	struct ssh_opts so;
	ssh_opts_init(&so);
	so.host = host;
	so.user = user;
	so.port = port;
	so.identity = o->identity;
	so.accept_new_host_key = o->accept_new_host_key;
	so.timeout_ms = o->timeout_s > 0 ? o->timeout_s * 1000 : 0;
	so.password = secrets.password;
	so.ask_password = ask_password;
	so.ask_passphrase = ask_passphrase;
	so.trust_new_key = trust_new_key;
	struct target *t = target_ssh_new(&so);
	struct ssh_attempt a;
	int rc = target_ssh_connect(t, &so, &a, &cause);
	/* The login is done: the secret is not needed any more. */
	cli_secrets_wipe();
	free(user);
	free(host);
	if (rc < 0) {
		cli_error("%s", cause);
		free(cause);
		target_free(t);
		return NULL;
	}
	return t;
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
