/* test_target_ssh.c: the SSH target against a real OpenSSH sshd on
 * 127.0.0.1 (tests/support/sshd.c): host keys against known_hosts
 * (unknown, hashed, changed, the line written read back by ssh itself),
 * key, passphrase and password logins, command words through the remote
 * shell, SFTP reads (a FIFO never opened), a command timeout, the server
 * killed under a session, and `asr-doctor --target H check` agreeing with
 * a local check of the same machine. Needs sshd, ssh, ssh-keygen,
 * ssh-keyscan, openssl, unshare and /run/sshd: what is missing fails. */
#include "support/testutil.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine/target/target_ssh.h"
#include "engine/util/util.h"
#include "support/sshd.h"

static struct test_sshd keyd;   /* key logins, root */
static struct test_sshd pwd_d;  /* accounts with passwords */
static const char *scratch;

#define TEST_USER "asrtest"
#define TEST_PASSWORD "Corr3ct horse; $HOME 'q'"

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Options for d with its own known_hosts and key. */
static struct ssh_opts opts_for(const struct test_sshd *d, const char *user)
{
	struct ssh_opts o;
	ssh_opts_init(&o);
	o.host = "127.0.0.1";
	o.port = d->port;
	o.user = user;
	o.identity = d->user_key;
	o.known_hosts = d->known_hosts;
	o.timeout_ms = 60000; /* a loaded CI machine takes seconds per login */
	return o;
}

/* Connects; returns the target or fails with the cause. */
static struct target *connect_ok(const struct ssh_opts *o, struct ssh_attempt *a)
{
	struct target *t = target_ssh_new(o);
	char *cause = NULL;
	int rc = target_ssh_connect(t, o, a, &cause);
	if (rc != 0)
		fail_msg("connect: %d %s", rc, cause);
	return t;
}

/* Connects and expects a failure; returns the errno and *cause. */
static int connect_fail(const struct ssh_opts *o, struct ssh_attempt *a, char **cause)
{
	struct target *t = target_ssh_new(o);
	*cause = NULL;
	int rc = target_ssh_connect(t, o, a, cause);
	target_free(t);
	assert_true(rc < 0);
	assert_non_null(*cause);
	return rc;
}

static void test_parse_spec(void **state)
{
	char *u, *h, *c = NULL;
	int p;
	assert_int_equal(ssh_parse_spec("root@web01:2222", &u, &h, &p, &c), 0);
	assert_string_equal(u, "root");
	assert_string_equal(h, "web01");
	assert_int_equal(p, 2222);
	free(u);
	free(h);
	assert_int_equal(ssh_parse_spec("[::1]:22", &u, &h, &p, &c), 0);
	assert_null(u);
	assert_string_equal(h, "::1");
	assert_int_equal(p, 22);
	free(h);
	assert_int_equal(ssh_parse_spec("a@b@fe80::1", &u, &h, &p, &c), 0);
	assert_string_equal(u, "a@b");
	assert_string_equal(h, "fe80::1");
	assert_int_equal(p, 0);
	free(u);
	free(h);
	const char *bad[] = { "@host", "user@", "host:0", "host:65536", "host:x", "[::1", "[::1]x",
			      "" };
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		c = NULL;
		assert_int_equal(ssh_parse_spec(bad[i], &u, &h, &p, &c), -EINVAL);
		assert_non_null(c);
		free(c);
	}
}

static void test_fingerprint_and_flags(void **state)
{
	struct ssh_opts o = opts_for(&keyd, "root");
	struct ssh_attempt a;
	struct target *t = connect_ok(&o, &a);
	char *want = sshd_fingerprint(&keyd);
	assert_string_equal(a.fingerprint, want);
	free(want);
	assert_string_equal(a.key_type, "ssh-ed25519");
	assert_string_equal(a.auth_used, "publickey");
	assert_non_null(strstr(a.banner, "OpenSSH"));
	assert_non_null(strstr(a.methods, "publickey"));
	assert_int_equal(a.failed, SSH_STAGE_DONE);
	for (int i = 0; i < SSH_STAGE_N; i++)
		assert_true(a.ms[i] >= 0);
	assert_true(t->can_run && t->live && t->is_root);
	assert_false(t->this_machine);
	assert_null(target_host_path(t, "/etc/passwd"));
	char *spec = xasprintf("root@127.0.0.1:%d", keyd.port);
	assert_string_equal(target_location(t), spec);
	char *label = target_label(t);
	assert_string_equal(label, spec);
	free(label);
	struct strvec args = { 0 };
	target_cli_args(t, &args);
	assert_int_equal(args.n, 2);
	assert_string_equal(args.v[0], "--target");
	assert_string_equal(args.v[1], spec);
	sv_free(&args);
	free(spec);
	assert_string_equal(target_kind_name(t), "ssh");
	target_free(t);
}

static void test_known_hosts_unknown(void **state)
{
	char *kh = xasprintf("%s/kh-unknown", scratch);
	tu_write_file(kh, "# nothing here yet\n");
	struct ssh_opts o = opts_for(&keyd, "root");
	o.known_hosts = kh;
	struct ssh_attempt a;
	char *cause;
	assert_int_equal(connect_fail(&o, &a, &cause), -EKEYREJECTED);
	assert_int_equal(a.failed, SSH_STAGE_HOSTKEY);
	char *fp = sshd_fingerprint(&keyd);
	assert_non_null(strstr(cause, fp));
	assert_non_null(strstr(cause, "--accept-new-host-key"));
	free(cause);
	char *before = tu_read_file(kh, NULL);
	assert_string_equal(before, "# nothing here yet\n");
	free(before);
	/* Accepted: the line is appended, and ssh itself accepts it. */
	o.accept_new_host_key = true;
	struct target *t = connect_ok(&o, &a);
	assert_true(a.host_key_added);
	target_free(t);
	assert_int_equal(tu_sh(NULL, "ssh-keygen -F '[127.0.0.1]:%d' -f '%s' | grep -q 'line 2'",
			       keyd.port, kh),
			 0);
	char *out = NULL;
	assert_int_equal(tu_sh(&out,
			       "ssh -o BatchMode=yes -o StrictHostKeyChecking=yes "
			       "-o UserKnownHostsFile='%s' -o GlobalKnownHostsFile=/dev/null -F none "
			       "-i '%s' -p %d root@127.0.0.1 echo logged-in 2>&1",
			       kh, keyd.user_key, keyd.port),
			 0);
	assert_non_null(strstr(out, "logged-in"));
	free(out);
	/* Known now: no callback, no flag needed. */
	o.accept_new_host_key = false;
	t = connect_ok(&o, &a);
	assert_false(a.host_key_added);
	target_free(t);
	free(fp);
	free(kh);
}

/* The trust callback sees the fingerprint and may refuse. */
static int trust_calls;
static char trust_seen[128];
static bool trust_no(void *ctx, const char *host, const char *type, const char *fp)
{
	trust_calls++;
	snprintf(trust_seen, sizeof trust_seen, "%s %s %s", host, type, fp);
	return *(bool *)ctx;
}

static void test_known_hosts_callback(void **state)
{
	char *kh = xasprintf("%s/kh-callback", scratch);
	tu_write_file(kh, "");
	struct ssh_opts o = opts_for(&keyd, "root");
	o.known_hosts = kh;
	bool answer = false;
	o.trust_new_key = trust_no;
	o.ctx = &answer;
	struct ssh_attempt a;
	char *cause;
	assert_int_equal(connect_fail(&o, &a, &cause), -EKEYREJECTED);
	free(cause);
	assert_int_equal(trust_calls, 1);
	char *fp = sshd_fingerprint(&keyd);
	char *want = xasprintf("[127.0.0.1]:%d ssh-ed25519 %s", keyd.port, fp);
	assert_string_equal(trust_seen, want);
	char *text = tu_read_file(kh, NULL);
	assert_string_equal(text, "");
	free(text);
	answer = true;
	struct target *t = connect_ok(&o, &a);
	assert_int_equal(trust_calls, 2);
	target_free(t);
	free(want);
	free(fp);
	free(kh);
}

static void test_known_hosts_hashed(void **state)
{
	char *kh = xasprintf("%s/kh-hashed", scratch);
	assert_int_equal(tu_sh(NULL, "ssh-keyscan -H -t ed25519 -p %d 127.0.0.1 > '%s' 2>/dev/null",
			       keyd.port, kh),
			 0);
	char *text = tu_read_file(kh, NULL);
	assert_true(str_starts(text, "|1|"));
	free(text);
	struct ssh_opts o = opts_for(&keyd, "root");
	o.known_hosts = kh;
	struct ssh_attempt a;
	struct target *t = connect_ok(&o, &a);
	assert_false(a.host_key_added);
	target_free(t);
	free(kh);
}

static void test_known_hosts_changed(void **state)
{
	char *kh = xasprintf("%s/kh-changed", scratch);
	assert_int_equal(tu_sh(NULL,
			       "cd '%s' && rm -f other other.pub && ssh-keygen -q -t ed25519 -N '' "
			       "-f other && { echo '# first'; printf '[127.0.0.1]:%d '; cat other.pub; "
			       "} > '%s'",
			       scratch, keyd.port, kh),
			 0);
	struct ssh_opts o = opts_for(&keyd, "root");
	o.known_hosts = kh;
	o.accept_new_host_key = true; /* never for a changed key */
	struct ssh_attempt a;
	char *cause;
	assert_int_equal(connect_fail(&o, &a, &cause), -EKEYREJECTED);
	assert_non_null(strstr(cause, "CHANGED"));
	char *where = xasprintf("%s:2", kh);
	assert_non_null(strstr(cause, where));
	free(where);
	free(cause);
	/* The file is left as it was. */
	assert_int_equal(tu_sh(NULL, "test $(wc -l < '%s') -eq 2", kh), 0);
	free(kh);
}

static void test_key_logins(void **state)
{
	/* A key the server does not know. */
	assert_int_equal(tu_sh(NULL,
			       "cd '%s' && rm -f wrong wrong.pub locked locked.pub && "
			       "ssh-keygen -q -t ed25519 -N '' -f wrong && "
			       "ssh-keygen -q -t ed25519 -N 'open sesame' -f locked && "
			       "cat locked.pub >> '%s/authorized_keys'",
			       scratch, keyd.dir),
			 0);
	struct ssh_opts o = opts_for(&keyd, "root");
	char *wrong = xasprintf("%s/wrong", scratch);
	o.identity = wrong;
	struct ssh_attempt a;
	char *cause;
	assert_int_equal(connect_fail(&o, &a, &cause), -EACCES);
	assert_int_equal(a.failed, SSH_STAGE_AUTH);
	assert_non_null(strstr(cause, "publickey"));
	free(cause);
	free(wrong);
	/* A passphrase-protected key: without an answer it fails, with the
	 * right one it logs in. */
	char *locked = xasprintf("%s/locked", scratch);
	o.identity = locked;
	assert_int_equal(connect_fail(&o, &a, &cause), -EACCES);
	free(cause);
	free(locked);
}

/* The passphrase callback: answers what ctx holds, counting calls. */
struct pp_ctx {
	int calls;
	const char *answer;
	char file[512];
};

static char *ask_pp(void *ctx, const char *file)
{
	struct pp_ctx *c = ctx;
	c->calls++;
	snprintf(c->file, sizeof c->file, "%s", file);
	return xstrdup(c->answer);
}

static void test_passphrase(void **state)
{
	char *locked = xasprintf("%s/locked", scratch);
	struct ssh_opts o = opts_for(&keyd, "root");
	o.identity = locked;
	struct pp_ctx c = { 0, "not it", "" };
	o.ask_passphrase = ask_pp;
	o.ctx = &c;
	struct ssh_attempt a;
	char *cause;
	assert_int_equal(connect_fail(&o, &a, &cause), -EACCES);
	free(cause);
	assert_int_equal(c.calls, 1);
	assert_string_equal(c.file, locked);
	c.answer = "open sesame";
	struct target *t = connect_ok(&o, &a);
	assert_int_equal(c.calls, 2);
	assert_string_equal(a.auth_used, "publickey");
	target_free(t);
	free(locked);
}

static void test_password(void **state)
{
	struct ssh_opts o = opts_for(&pwd_d, TEST_USER);
	o.identity = NULL;
	o.password_only = true;
	o.password = TEST_PASSWORD;
	struct ssh_attempt a;
	struct target *t = connect_ok(&o, &a);
	assert_string_equal(a.auth_used, "password");
	assert_false(t->is_root);
	struct cmd_result r;
	assert_int_equal(target_run(t, (const char *const[]){ "id", "-un", NULL }, 30000, &r), 0);
	assert_string_equal(r.out, TEST_USER "\n");
	cmd_result_free(&r);
	target_free(t);
	o.password = "Corr3ct horse";
	char *cause;
	assert_int_equal(connect_fail(&o, &a, &cause), -EACCES);
	assert_true(a.password_tried);
	assert_int_equal(a.failed, SSH_STAGE_AUTH);
	assert_null(strstr(cause, "Corr3ct"));
	free(cause);
}

static void test_command_words(void **state)
{
	struct ssh_opts o = opts_for(&keyd, "root");
	struct ssh_attempt a;
	struct target *t = connect_ok(&o, &a);
	const char *const words[] = { "it's", "$HOME", "a;b", "two  spaces", "line\nbreak", "`id`",
				      "\"dq\"", "*", "", "{a,b}", "~", "-n", "\\", NULL };
	const char *argv[ARRAY_LEN(words) + 3] = { "printf", "<%s>", NULL };
	for (size_t i = 0; words[i]; i++)
		argv[2 + i] = words[i];
	argv[2 + ARRAY_LEN(words) - 1] = NULL;
	struct cmd_result r;
	assert_int_equal(target_run(t, argv, 30000, &r), 0);
	if (r.status != 0)
		fail_msg("status %d timed out %d out '%s' err '%s'", r.status, r.timed_out, r.out, r.err);
	struct sbuf want = { 0 };
	for (size_t i = 0; words[i]; i++)
		sb_printf(&want, "<%s>", words[i]);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, sb_str(&want));
	sb_free(&want);
	cmd_result_free(&r);
	/* The C locale, an exit status, standard error apart. */
	assert_int_equal(target_run(t, (const char *const[]){ "sh", "-c",
							      "echo $LC_ALL; echo oops >&2; exit 3",
							      NULL },
				    30000, &r),
			 0);
	assert_int_equal(r.status, 3);
	assert_string_equal(r.out, "C\n");
	assert_string_equal(r.err, "oops\n");
	cmd_result_free(&r);
	target_free(t);
}

static void test_sftp(void **state)
{
	char *d = xasprintf("%s/files", keyd.dir);
	assert_int_equal(tu_sh(NULL,
			       "mkdir -p '%s/sub' && printf 'hello\\nworld\\n' > '%s/b.txt' && "
			       "head -c 100000 /dev/urandom > '%s/a.bin' && mkfifo '%s/fifo' && "
			       "ln -s b.txt '%s/link' && chmod 640 '%s/b.txt'",
			       d, d, d, d, d, d),
			 0);
	struct ssh_opts o = opts_for(&keyd, "root");
	struct ssh_attempt a;
	struct target *t = connect_ok(&o, &a);
	char *p = xasprintf("%s/b.txt", d);
	char *data;
	size_t len;
	assert_int_equal(target_read(t, p, &data, &len), 0);
	assert_string_equal(data, "hello\nworld\n");
	free(data);
	/* Larger than max: refused. */
	assert_int_equal(t->ops->read_file(t, p, &data, &len, 5), -EFBIG);
	struct target_stat st;
	assert_int_equal(target_stat(t, p, &st), 0);
	assert_true(S_ISREG(st.mode));
	assert_int_equal(st.mode & 07777, 0640);
	assert_int_equal(st.size, 12);
	free(p);
	p = xasprintf("%s/a.bin", d);
	assert_int_equal(target_read(t, p, &data, &len), 0);
	assert_int_equal(len, 100000);
	size_t ll;
	char *local = tu_read_file(p, &ll);
	assert_memory_equal(data, local, len);
	free(local);
	free(data);
	free(p);
	/* A FIFO is never opened: a read would block forever. */
	p = xasprintf("%s/fifo", d);
	long long t0 = now_ms();
	assert_int_equal(target_read(t, p, &data, &len), -TARGET_ENOTREG);
	assert_true(now_ms() - t0 < 30000);
	free(p);
	p = xasprintf("%s/sub", d);
	assert_int_equal(target_read(t, p, &data, &len), -EISDIR);
	free(p);
	p = xasprintf("%s/missing", d);
	assert_int_equal(target_read(t, p, &data, &len), -ENOENT);
	assert_int_equal(target_stat(t, p, &st), -ENOENT);
	free(p);
	struct strvec names = { 0 };
	assert_int_equal(target_list(t, d, &names), 0);
	assert_int_equal(names.n, 5);
	const char *sorted[] = { "a.bin", "b.txt", "fifo", "link", "sub" };
	for (size_t i = 0; i < 5; i++)
		assert_string_equal(names.v[i], sorted[i]);
	sv_free(&names);
	p = xasprintf("%s/link", d);
	assert_int_equal(target_lstat(t, p, &st), 0);
	assert_true(S_ISLNK(st.mode));
	char *real;
	assert_int_equal(target_realpath(t, p, &real), 0);
	char *want = xasprintf("%s/b.txt", d);
	assert_string_equal(real, want);
	free(want);
	free(real);
	free(p);
	struct target_vfs v;
	assert_int_equal(target_statvfs(t, "/", &v), 0);
	assert_true(v.total > 0 && v.avail <= v.total);
	/* The checks' glob runs through list_dir. */
	struct strvec g = { 0 };
	char *pat = xasprintf("%s/*.txt", d);
	assert_int_equal(target_glob(t, pat, &g), 1);
	sv_free(&g);
	free(pat);
	target_free(t);
	free(d);
}

static void test_timeout(void **state)
{
	struct ssh_opts o = opts_for(&keyd, "root");
	struct ssh_attempt a;
	struct target *t = connect_ok(&o, &a);
	struct cmd_result r;
	long long t0 = now_ms();
	assert_int_equal(target_run(t, (const char *const[]){ "sleep", "30", NULL }, 700, &r), 0);
	long long took = now_ms() - t0;
	assert_true(r.timed_out);
	if (took < 600 || took > 30000)
		fail_msg("a 700 ms timeout took %lld ms", took);
	cmd_result_free(&r);
	/* The link still works. */
	assert_null(target_lost(t));
	assert_int_equal(target_run(t, (const char *const[]){ "true", NULL }, 30000, &r), 0);
	assert_int_equal(r.status, 0);
	cmd_result_free(&r);
	target_free(t);
}

/* The pids of sshd's children (the sessions). */
static void kill_sessions(pid_t sshd, int sig)
{
	tu_sh(NULL, "for c in $(cat /proc/%d/task/*/children); do kill -%d $c; done", (int)sshd, sig);
}

static void test_server_killed(void **state)
{
	struct test_sshd d = sshd_start(NULL);
	struct ssh_opts o = opts_for(&d, "root");
	struct ssh_attempt a;
	struct target *t = connect_ok(&o, &a);
	struct target_stat st;
	assert_int_equal(target_stat(t, "/etc/passwd", &st), 0);
	kill_sessions(d.pid, 9);
	kill(d.pid, SIGKILL);
	waitpid(d.pid, NULL, 0);
	d.pid = 0;
	long long t0 = now_ms();
	char *data;
	size_t len;
	assert_int_equal(target_read(t, "/etc/passwd", &data, &len), -ENOTCONN);
	assert_non_null(target_lost(t));
	/* From then on every call fails at once. */
	struct cmd_result r;
	assert_int_equal(target_run(t, (const char *const[]){ "true", NULL }, 30000, &r), -ENOTCONN);
	assert_int_equal(target_stat(t, "/etc/passwd", &st), -ENOTCONN);
	assert_true(now_ms() - t0 < 30000);
	target_free(t);
	sshd_stop(&d);
}

/* Runs the binary with HOME holding d's known_hosts; returns the status,
 * stdout in *out, stderr in *err. */
static int run_cli(const struct test_sshd *d, char **out, char **err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int run_cli(const struct test_sshd *d, char **out, char **err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *args = xvasprintf(fmt, ap);
	va_end(ap);
	char *home = xasprintf("%s/home-%d", scratch, d->port);
	char *ef = xasprintf("%s/stderr", scratch);
	int rc = tu_sh(out,
		       "mkdir -p '%s/.ssh' && cp '%s' '%s/.ssh/known_hosts' && "
		       "HOME='%s' SSH_AUTH_SOCK= '%s' %s 2>'%s' </dev/null",
		       home, d->known_hosts, home, home, tu_binary(), args, ef);
	*err = tu_read_file(ef, NULL);
	free(ef);
	free(home);
	free(args);
	return rc;
}

/* Per check: its status in a check --json output. */
static cJSON *statuses(const char *json)
{
	cJSON *doc = cJSON_Parse(json);
	assert_non_null(doc);
	cJSON *map = cJSON_CreateObject();
	const cJSON *r;
	cJSON_ArrayForEach(r, cJSON_GetObjectItem(doc, "results"))
	{
		const char *id = cJSON_GetStringValue(cJSON_GetObjectItem(r, "check"));
		const char *st = cJSON_GetStringValue(cJSON_GetObjectItem(r, "status"));
		assert_non_null(id);
		assert_non_null(st);
		cJSON_AddStringToObject(map, id, st);
	}
	cJSON_Delete(doc);
	return map;
}

static void test_cli_check_agrees(void **state)
{
	char *local = NULL, *remote = NULL, *err = NULL;
	int lrc = tu_sh(&local, "'%s' --timeout 60 check --json 2>/dev/null", tu_binary());
	int rrc = run_cli(&keyd, &remote, &err, "--timeout 60 --target root@127.0.0.1:%d -i '%s' check --json",
			  keyd.port, keyd.user_key);
	assert_int_equal(lrc, rrc);
	cJSON *l = statuses(local), *r = statuses(remote);
	int n = 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, l)
	{
		const cJSON *o = cJSON_GetObjectItem(r, e->string);
		if (!o || strcmp(o->valuestring, e->valuestring) != 0)
			fail_msg("%s: local %s, over SSH %s", e->string, e->valuestring,
				 o ? o->valuestring : "missing");
		n++;
	}
	assert_true(n > 20);
	assert_int_equal(cJSON_GetArraySize(l), cJSON_GetArraySize(r));
	/* The report names the machine. */
	cJSON *doc = cJSON_Parse(remote);
	const cJSON *tg = cJSON_GetObjectItem(doc, "target");
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(tg, "kind")), "ssh");
	char *spec = xasprintf("root@127.0.0.1:%d", keyd.port);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(tg, "name")), spec);
	free(spec);
	cJSON_Delete(doc);
	cJSON_Delete(l);
	cJSON_Delete(r);
	free(local);
	free(remote);
	free(err);
}

static void test_cli_password_fd(void **state)
{
	char *pwfile = xasprintf("%s/pw", scratch);
	tu_write_file(pwfile, TEST_PASSWORD "\n");
	char *out = NULL, *err = NULL;
	int rc = run_cli(&pwd_d, &out, &err,
			 "--timeout 60 --target " TEST_USER "@127.0.0.1:%d --password-fd 3 check 3<'%s'",
			 pwd_d.port, pwfile);
	if (rc != 0 && rc != 1)
		fail_msg("rc %d: %s", rc, err);
	char *spec = xasprintf("Target: " TEST_USER "@127.0.0.1:%d", pwd_d.port);
	assert_non_null(strstr(out, spec));
	free(spec);
	assert_null(strstr(out, "Corr3ct"));
	assert_null(strstr(err, "Corr3ct"));
	free(out);
	free(err);
	/* A wrong one: one line, exit 2. */
	tu_write_file(pwfile, "wrong\n");
	rc = run_cli(&pwd_d, &out, &err,
		     "--timeout 60 --target " TEST_USER "@127.0.0.1:%d --password-fd 3 check 3<'%s'", pwd_d.port,
		     pwfile);
	assert_int_equal(rc, 2);
	assert_non_null(strstr(err, "refused the password"));
	free(out);
	free(err);
	/* Options that do not go together. */
	rc = run_cli(&pwd_d, &out, &err, "--target h --demo check");
	assert_int_equal(rc, 2);
	assert_non_null(strstr(err, "--demo"));
	free(out);
	free(err);
	rc = run_cli(&pwd_d, &out, &err, "--password-fd 3 check");
	assert_int_equal(rc, 2);
	free(out);
	free(err);
	free(pwfile);
}

/* An SFTP subsystem whose program runs but never answers: connect
 * gives up after the timeout and says the subsystem was silent, not that
 * sshd_config lacks a Subsystem line (it has one). */
static void test_sftp_silent(void **state)
{
	struct test_sshd d = sshd_start("Subsystem sftp /bin/sleep 120\n");
	struct ssh_opts o = opts_for(&d, "root");
	o.timeout_ms = 8000;
	struct ssh_attempt a;
	char *cause = NULL;
	int rc = connect_fail(&o, &a, &cause);
	if (rc != -ETIMEDOUT)
		fail_msg("rc %d: %s", rc, cause);
	assert_int_equal(a.failed, SSH_STAGE_SFTP);
	if (!strstr(cause, "gave no answer (no answer within 8 s)") ||
	    strstr(cause, "needs a Subsystem"))
		fail_msg("cause: %s", cause);
	free(cause);
	sshd_stop(&d);
}

/* The binary against a server that stops answering, then one killed:
 * one line, exit 2. */
static void test_cli_lost(void **state)
{
	struct test_sshd d = sshd_start(NULL);
	char *home = xasprintf("%s/home-lost", scratch);
	char *ef = xasprintf("%s/lost.err", scratch);
	assert_int_equal(tu_sh(NULL, "mkdir -p '%s/.ssh' && cp '%s' '%s/.ssh/known_hosts'", home,
			       d.known_hosts, home),
			 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char *cmd = xasprintf("HOME='%s' exec '%s' --timeout 5 --target root@127.0.0.1:%d "
				      "-i '%s' check >/dev/null 2>'%s'",
				      home, tu_binary(), d.port, d.user_key, ef);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		tu_child_exit(127);
	}
	/* Once the check runs its first command, the session stops
	 * answering: logged in and past SFTP, so the link is what fails. */
	bool in = false;
	for (int i = 0; i < 12000 && !in; i++) {
		char *log = tu_read_file(d.log, NULL);
		in = strstr(log, "Starting session: command") != NULL;
		free(log);
		if (!in)
			nanosleep(&(struct timespec){ 0, 5 * 1000 * 1000 }, NULL);
	}
	assert_true(in);
	kill_sessions(d.pid, SIGSTOP);
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	kill_sessions(d.pid, SIGKILL);
	char *err = tu_read_file(ef, NULL);
	assert_true(WIFEXITED(st));
	if (WEXITSTATUS(st) != 2)
		fail_msg("exit %d: %s", WEXITSTATUS(st), err);
	char *want = xasprintf("asr-doctor: lost the connection to root@127.0.0.1:%d: ", d.port);
	if (!str_starts(err, want))
		fail_msg("stderr: %s", err);
	assert_non_null(strchr(err, '\n'));
	assert_string_equal(strchr(err, '\n'), "\n");
	free(want);
	free(err);
	free(ef);
	free(home);
	sshd_stop(&d);
}

static int setup(void **state)
{
	keyd = sshd_start(NULL);
	const struct test_account acc[] = {
		{ .name = TEST_USER, .uid = 4242, .password = TEST_PASSWORD },
	};
	pwd_d = sshd_start_accounts("PasswordAuthentication yes\n", acc, ARRAY_LEN(acc), NULL);
	return 0;
}

static int teardown(void **state)
{
	sshd_stop(&keyd);
	sshd_stop(&pwd_d);
	return 0;
}

int main(void)
{
	scratch = tu_scratch("ssh-target");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_spec),
		cmocka_unit_test(test_fingerprint_and_flags),
		cmocka_unit_test(test_known_hosts_unknown),
		cmocka_unit_test(test_known_hosts_callback),
		cmocka_unit_test(test_known_hosts_hashed),
		cmocka_unit_test(test_known_hosts_changed),
		cmocka_unit_test(test_key_logins),
		cmocka_unit_test(test_passphrase),
		cmocka_unit_test(test_password),
		cmocka_unit_test(test_command_words),
		cmocka_unit_test(test_sftp),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_server_killed),
		cmocka_unit_test(test_cli_check_agrees),
		cmocka_unit_test(test_cli_password_fd),
		cmocka_unit_test(test_sftp_silent),
		cmocka_unit_test(test_cli_lost),
	};
	return tu_scratch_done(cmocka_run_group_tests_name("ssh_target", tests, setup, teardown));
}
