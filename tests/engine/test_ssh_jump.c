/* test_ssh_jump.c: the tunnel through a jump host against two real sshd
 * instances on 127.0.0.1. The jump host's sshd may open connections only
 * to the target's port (PermitOpen) and logs each direct-tcpip request;
 * a session over the tunnel must see the target's host key (not the jump
 * host's), log in, run commands, carry megabytes both ways, and the jump
 * host's log must show the forwarded connection. A port PermitOpen does
 * not allow is refused with the jump host's reason; a jump host killed
 * under a session ends it with an error instead of a hang. Also the
 * parsing of jump lists. Needs openssh-server and /run/sshd: fails
 * without them. */
#include "support/testutil.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libssh2.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine/target/ssh_jump.h"
#include "engine/util/util.h"

static char *dir;
static const char *user;

struct sshd {
	int port;
	pid_t pid;
	char *log;
};

static struct sshd jump_d, target_d;

static int free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof a;
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	close(fd);
	return ntohs(a.sin_port);
}

static int tcp_connect(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Starts sshd -D with its own host key and extra configuration lines. */
static struct sshd sshd_start(const char *name, int port, const char *extra)
{
	struct sshd d = { .port = port };
	char *conf = xasprintf("%s/%s.conf", dir, name);
	char *text = xasprintf("Port %d\nListenAddress 127.0.0.1\nHostKey %s/%s_host\n"
			       "AuthorizedKeysFile %s/authorized_keys\nUsePAM no\nStrictModes no\n"
			       "PasswordAuthentication no\nKbdInteractiveAuthentication no\n"
			       "PermitRootLogin prohibit-password\nPidFile %s/%s.pid\n"
			       "LogLevel DEBUG1\n%s",
			       port, dir, name, dir, dir, name, extra);
	tu_write_file(conf, text);
	d.log = xasprintf("%s/%s.log", dir, name);
	d.pid = fork();
	assert_true(d.pid >= 0);
	if (d.pid == 0) {
		int fd = open(d.log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(fd, 2);
		dup2(fd, 1);
		execl("/usr/sbin/sshd", "/usr/sbin/sshd", "-D", "-e", "-f", conf, (char *)NULL);
		tu_child_exit(127);
	}
	int fd = -1;
	for (int i = 0; i < 500 && (fd = tcp_connect(port)) < 0; i++)
		nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
	if (fd < 0) {
		char *l = tu_read_file(d.log, NULL);
		fail_msg("sshd %s did not start:\n%s", name, l);
	}
	close(fd);
	free(text);
	free(conf);
	return d;
}

static void sshd_stop(struct sshd *d)
{
	if (d->pid > 0) {
		kill(d->pid, SIGTERM);
		waitpid(d->pid, NULL, 0);
		d->pid = 0;
	}
	free(d->log);
	d->log = NULL;
}

/* The SHA-256 fingerprint ssh-keygen gives a host's public key, as
 * "SHA256:..." without the padding. */
static char *fingerprint_of(const char *name)
{
	char *out = NULL;
	assert_int_equal(tu_sh(&out, "ssh-keygen -l -E sha256 -f '%s/%s_host.pub' | cut -d' ' -f2",
			       dir, name),
			 0);
	str_trim(out);
	return out;
}

/* The same fingerprint of the key a session was shown. */
static char *session_fingerprint(LIBSSH2_SESSION *s)
{
	const unsigned char *h = (const unsigned char *)libssh2_hostkey_hash(
		s, LIBSSH2_HOSTKEY_HASH_SHA256);
	assert_non_null(h);
	char *b64 = NULL;
	char hex[65];
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", h[i]);
	assert_int_equal(tu_sh(&b64, "printf '%s' | xxd -r -p | base64 | tr -d '=\\n'", hex), 0);
	char *fp = xasprintf("SHA256:%s", b64);
	free(b64);
	return fp;
}

/* A session over fd, host key shown, logged in with the test's key. */
static LIBSSH2_SESSION *login(int fd, const char *want_host)
{
	LIBSSH2_SESSION *s = libssh2_session_init();
	assert_non_null(s);
	libssh2_session_set_timeout(s, 20000);
	assert_int_equal(libssh2_session_handshake(s, fd), 0);
	char *want = fingerprint_of(want_host);
	char *got = session_fingerprint(s);
	assert_string_equal(got, want);
	free(got);
	free(want);
	char *pub = xasprintf("%s/user_key.pub", dir), *key = xasprintf("%s/user_key", dir);
	int rc = libssh2_userauth_publickey_fromfile(s, user, pub, key, NULL);
	if (rc != 0) {
		char *m = NULL;
		libssh2_session_last_error(s, &m, NULL, 0);
		fail_msg("login to %s: %s", want_host, m);
	}
	free(pub);
	free(key);
	return s;
}

static void logout(LIBSSH2_SESSION *s)
{
	libssh2_session_disconnect(s, "done");
	libssh2_session_free(s);
}

/* Runs command, writes input (may be NULL) to it, returns its output
 * (caller frees) and its length. */
static char *run(LIBSSH2_SESSION *s, const char *command, const char *input, size_t in_len,
		 size_t *out_len)
{
	LIBSSH2_CHANNEL *ch = libssh2_channel_open_session(s);
	assert_non_null(ch);
	assert_int_equal(libssh2_channel_exec(ch, command), 0);
	size_t off = 0;
	while (input && off < in_len) {
		ssize_t w = libssh2_channel_write(ch, input + off, in_len - off);
		assert_true(w > 0);
		off += (size_t)w;
	}
	assert_int_equal(libssh2_channel_send_eof(ch), 0);
	struct sbuf b = { 0 };
	char buf[16384];
	ssize_t r;
	while ((r = libssh2_channel_read(ch, buf, sizeof buf)) > 0)
		sb_addn(&b, buf, (size_t)r);
	assert_true(r == 0);
	libssh2_channel_close(ch);
	libssh2_channel_free(ch);
	*out_len = b.len;
	return sb_steal(&b);
}

/* A session to the target through the jump host: the target's key, the
 * target's machine, data both ways, the forwarding in the jump's log. */
static void test_through_jump(void **state)
{
	(void)state;
	int sock = tcp_connect(jump_d.port);
	assert_true(sock >= 0);
	LIBSSH2_SESSION *j = login(sock, "jump");
	struct ssh_tunnel *t = NULL;
	int fd = -1;
	char *cause = NULL;
	int rc = ssh_tunnel_open(j, sock, "127.0.0.1", target_d.port, &t, &fd, &cause);
	if (rc != 0)
		fail_msg("tunnel: %s", cause);
	LIBSSH2_SESSION *s = login(fd, "target");
	size_t n = 0;
	char *out = run(s, "echo through", NULL, 0, &n);
	assert_string_equal(out, "through\n");
	free(out);
	/* 3 MB up through sha256sum, compared with the local sum. */
	size_t big = 3u << 20;
	char *data = xmalloc(big);
	for (size_t i = 0; i < big; i++)
		data[i] = (char)(i * 7 + i / 4096);
	char *path = xasprintf("%s/big", dir);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, big, f), big);
	fclose(f);
	char *want = NULL;
	assert_int_equal(tu_sh(&want, "sha256sum < '%s'", path), 0);
	out = run(s, "sha256sum", data, big, &n);
	assert_string_equal(out, want);
	free(out);
	/* 3 MB down. */
	out = run(s, "head -c 3145728 /dev/zero", NULL, 0, &n);
	assert_int_equal(n, 3145728);
	free(out);
	unsigned long long up = 0, down = 0;
	ssh_tunnel_counts(t, &up, &down);
	assert_true(up > big && down > 3145728);
	logout(s);
	close(fd);
	ssh_tunnel_close(t);
	logout(j);
	close(sock);
	/* The jump host made the connection, to the target's port. */
	char *expect = xasprintf("target 127.0.0.1 port %d", target_d.port);
	char *jl = tu_read_file(jump_d.log, NULL);
	assert_non_null(strstr(jl, "server_request_direct_tcpip"));
	assert_non_null(strstr(jl, expect));
	free(jl);
	char *tl = tu_read_file(target_d.log, NULL);
	assert_non_null(strstr(tl, "Accepted publickey for "));
	free(tl);
	free(expect);
	free(want);
	free(path);
	free(data);
}

/* A port the jump host's PermitOpen does not allow: refused, with the
 * jump host's reason; the jump session stays usable. */
static void test_not_permitted(void **state)
{
	(void)state;
	int sock = tcp_connect(jump_d.port);
	LIBSSH2_SESSION *j = login(sock, "jump");
	struct ssh_tunnel *t = NULL;
	int fd = -1;
	char *cause = NULL;
	assert_int_equal(ssh_tunnel_open(j, sock, "127.0.0.1", jump_d.port, &t, &fd, &cause),
			 -ECONNREFUSED);
	assert_null(t);
	assert_non_null(strstr(cause, "prohibited"));
	free(cause);
	cause = NULL;
	assert_int_equal(ssh_tunnel_open(j, sock, "127.0.0.1", target_d.port, &t, &fd, &cause), 0);
	LIBSSH2_SESSION *s = login(fd, "target");
	logout(s);
	close(fd);
	ssh_tunnel_close(t);
	logout(j);
	close(sock);
}

/* The jump host killed under a session: the session's next command
 * fails, nothing hangs. */
static void test_jump_killed(void **state)
{
	(void)state;
	struct sshd extra = sshd_start("jump2", free_port(), "AllowTcpForwarding yes\n");
	int sock = tcp_connect(extra.port);
	LIBSSH2_SESSION *j = login(sock, "jump2");
	struct ssh_tunnel *t = NULL;
	int fd = -1;
	char *cause = NULL;
	assert_int_equal(ssh_tunnel_open(j, sock, "127.0.0.1", target_d.port, &t, &fd, &cause), 0);
	LIBSSH2_SESSION *s = login(fd, "target");
	/* The listener and the connection's own process both go. */
	assert_int_equal(tu_sh(NULL, "pkill -KILL -P %d; kill -KILL %d", (int)extra.pid,
			       (int)extra.pid),
			 0);
	waitpid(extra.pid, NULL, 0);
	extra.pid = 0;
	time_t t0 = time(NULL);
	LIBSSH2_CHANNEL *ch = libssh2_channel_open_session(s);
	assert_null(ch);
	assert_true(time(NULL) - t0 < 15);
	libssh2_session_free(s);
	close(fd);
	ssh_tunnel_close(t);
	libssh2_session_free(j);
	close(sock);
	sshd_stop(&extra);
}

static void test_parse(void **state)
{
	(void)state;
	struct ssh_hop *h = NULL;
	size_t n = 0;
	char *cause = NULL;
	assert_int_equal(ssh_jump_parse("ops@bastion:2222,ssh://u@[::1]:22,gw,[fe80::1]", &h, &n,
					&cause),
			 0);
	assert_int_equal(n, 4);
	assert_string_equal(h[0].user, "ops");
	assert_string_equal(h[0].host, "bastion");
	assert_int_equal(h[0].port, 2222);
	assert_string_equal(h[1].user, "u");
	assert_string_equal(h[1].host, "::1");
	assert_int_equal(h[1].port, 22);
	assert_null(h[2].user);
	assert_string_equal(h[2].host, "gw");
	assert_int_equal(h[2].port, 0);
	assert_string_equal(h[3].host, "fe80::1");
	ssh_hops_free(h, n);
	const char *bad[] = { "", ",", "a,", "@h", "u@", "h:0", "h:70000", "h:x", "[::1", "[]:22",
			      "a,,b", "::2", "fe80::1" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		cause = NULL;
		if (ssh_jump_parse(bad[i], &h, &n, &cause) != -EINVAL)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_null(h);
		free(cause);
	}
}

static int setup(void **state)
{
	(void)state;
	if (access("/usr/sbin/sshd", X_OK) != 0 || access("/run/sshd", F_OK) != 0)
		fail_msg("sshd or /run/sshd is missing: make deps-test (CI makes /run/sshd)");
	libssh2_init(0);
	dir = tu_mkdtemp("sshjump");
	const struct passwd *pw = getpwuid(getuid());
	assert_non_null(pw);
	user = pw->pw_name;
	assert_int_equal(tu_sh(NULL,
			       "cd '%s' && ssh-keygen -q -t ed25519 -N '' -f jump_host && "
			       "cp jump_host jump2_host && cp jump_host.pub jump2_host.pub && "
			       "ssh-keygen -q -t ed25519 -N '' -f target_host && "
			       "ssh-keygen -q -t ed25519 -N '' -f user_key && "
			       "cp user_key.pub authorized_keys",
			       dir),
			 0);
	target_d = sshd_start("target", free_port(), "AllowTcpForwarding no\n");
	char *extra = xasprintf("AllowTcpForwarding yes\nPermitOpen 127.0.0.1:%d\n", target_d.port);
	jump_d = sshd_start("jump", free_port(), extra);
	free(extra);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sshd_stop(&jump_d);
	sshd_stop(&target_d);
	tu_rmtree(dir);
	free(dir);
	libssh2_exit();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_through_jump),
		cmocka_unit_test(test_not_permitted),
		cmocka_unit_test(test_jump_killed),
	};
	return cmocka_run_group_tests_name("ssh_jump", tests, setup, teardown);
}
