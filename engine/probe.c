/* probe.c: the push install's steps replayed over SSH (see probe.h). */
#include "engine/probe.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/osrelease.h"
#include "engine/support.h"

#define A_CONNECT "connectivity-failure-errorid-95117--97118"
#define A_LOGIN "login-failures-errorid-95519-95520-95521-95522"
#define A_LOCKED "credentials-locked-out-because-of-multiple-failed-login-attempts-errorid-95520"
#define A_ROOT "insufficient-privileges-failure-errorid-95517"
#define A_SPACE "insufficient-space-errorid-95524"

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct probe_step *add(struct probe *p, const char *name, bool ok, long ms,
			      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Tells on_step of the steps completed since. */
static void tell(struct probe *p)
{
	while (p->told < p->n) {
		size_t n = p->n;
		p->told++;
		p->n = p->told; /* the probe as it was when that step ended */
		if (p->on_step)
			p->on_step(p->ctx, p);
		p->n = n;
	}
}

/* Appends a step (the one before it is final now). */
static struct probe_step *add(struct probe *p, const char *name, bool ok, long ms,
			      const char *fmt, ...)
{
	tell(p);
	struct probe_step *s = &p->steps[p->n++];
	va_list ap;
	va_start(ap, fmt);
	*s = (struct probe_step){ .name = name, .ok = ok, .ms = ms < 0 ? 0 : ms,
				  .detail = xvasprintf(fmt, ap) };
	va_end(ap);
	if (!ok)
		p->ok = false;
	return s;
}

static void fail_at(struct probe_step *s, const char *id, const char *anchor)
{
	s->error_id = id;
	s->anchor = anchor;
}

/* The password login refused: its ErrorID and what the server showed of
 * why, never more. An SSH server tells a wrong password from a locked or
 * disabled account only in its own words (PAM's messages over
 * keyboard-interactive: pam_faillock's "The account is locked due to 3
 * failed logins", pam_unix's "Your account has expired"), and an expired
 * password by asking for a new one: 95520 when it says the account is
 * locked, 95519 otherwise. */
static void login_failure(struct probe_step *s, const struct ssh_attempt *a)
{
	free(s->detail);
	if (a->password_expired) {
		s->detail = xasprintf("%s; the push install gives one password and never a new "
				      "one: set a new password on the machine (passwd)",
				      a->message);
		fail_at(s, "95519", A_LOGIN);
		return;
	}
	if (strcasestr(a->server_said, "locked")) {
		s->detail = xstrdup(a->message);
		fail_at(s, "95520", A_LOCKED);
		return;
	}
	if (a->password_tried && !*a->server_said)
		s->detail = xasprintf("%s; it gave no reason: a wrong password and a locked or "
				      "disabled account look alike from outside",
				      a->message);
	else
		s->detail = xstrdup(a->message);
	fail_at(s, "95519", A_LOGIN);
}

/* The steps of the connection, from what the attempt recorded. Returns
 * whether they all passed. */
static bool connection_steps(struct probe *p, const struct ssh_attempt *a)
{
	enum ssh_stage f = a->failed;
	struct probe_step *s;
	s = add(p, "resolve", f != SSH_STAGE_RESOLVE, a->ms[SSH_STAGE_RESOLVE], "%s",
		f == SSH_STAGE_RESOLVE ? a->message : a->address);
	if (!s->ok) {
		fail_at(s, "95117", A_CONNECT);
		return false;
	}
	s = add(p, "connect", f != SSH_STAGE_CONNECT, a->ms[SSH_STAGE_CONNECT], "%s",
		f == SSH_STAGE_CONNECT ? a->message : "TCP connection open");
	if (!s->ok) {
		fail_at(s, "95117", A_CONNECT);
		return false;
	}
	bool hs = f != SSH_STAGE_HANDSHAKE && f != SSH_STAGE_HOSTKEY;
	s = add(p, "ssh handshake", hs, a->ms[SSH_STAGE_HANDSHAKE] + a->ms[SSH_STAGE_HOSTKEY],
		"%s%s%s", hs ? a->banner : a->message, hs ? ", host key " : "",
		hs ? a->fingerprint : "");
	if (!s->ok) {
		fail_at(s, "95117", A_CONNECT);
		return false;
	}
	bool offered = strstr(a->methods, "password") || strstr(a->methods, "keyboard-interactive");
	s = add(p, "methods", offered, 0, "the server offers: %s", *a->methods ? a->methods : "none");
	if (!offered) {
		free(s->detail);
		s->detail = xasprintf("the server offers neither password nor keyboard-interactive "
				      "(%s): set PasswordAuthentication yes in sshd_config",
				      *a->methods ? a->methods : "none");
		fail_at(s, "95108", NULL);
		return false;
	}
	s = add(p, "password login", f != SSH_STAGE_AUTH, a->ms[SSH_STAGE_AUTH], "%s",
		f == SSH_STAGE_AUTH ? a->message : "logged in by");
	if (!s->ok) {
		login_failure(s, a);
		return false;
	}
	free(s->detail);
	s->detail = xasprintf("logged in by %s", a->auth_used);
	s = add(p, "sftp", f != SSH_STAGE_SFTP, a->ms[SSH_STAGE_SFTP], "%s",
		f == SSH_STAGE_SFTP ? a->message : "the SFTP subsystem opened");
	if (!s->ok) {
		fail_at(s, "95108", NULL);
		return false;
	}
	return true;
}

/* Free space where the agent goes (the nearest existing folder). */
static bool space_step(struct probe *p, struct target *t, const char *dir)
{
	long long t0 = now_ms();
	char *d = xstrdup(dir);
	struct target_vfs v = { 0 };
	int rc;
	while ((rc = target_statvfs(t, d, &v)) == -ENOENT && strcmp(d, "/") != 0) {
		char *slash = strrchr(d, '/');
		if (slash == d)
			d[1] = '\0';
		else
			*slash = '\0';
	}
	char *name = xasprintf("space %s", dir);
	struct probe_step *s;
	if (rc < 0) {
		s = add(p, "space", false, (long)(now_ms() - t0), "%s: %s", d, strerror(-rc));
	} else {
		bool ok = v.avail >= PROBE_SPACE_MIN;
		s = add(p, "space", ok, (long)(now_ms() - t0), "%s: %llu MB free (%llu MB needed)", d,
			v.avail / (1024 * 1024), PROBE_SPACE_MIN / (1024 * 1024));
	}
	free(name);
	free(d);
	if (!s->ok)
		fail_at(s, "95524", A_SPACE);
	return s->ok;
}

/* A test file written, read back and removed in /tmp. */
static bool file_step(struct probe *p, struct target *t)
{
	long long t0 = now_ms();
	char *path = xasprintf("/tmp/asr-doctor-probe-%ld", (long)getpid());
	const char text[] = "asr-doctor probe\n";
	char *cause = NULL, *back = NULL;
	size_t len = 0;
	/* The probe's own file in /tmp, as the process server copies the
	 * agent: not a change to the machine, so it is written with the
	 * target's file operations whether or not fixes may write there. */
	char *tmp = NULL;
	int rc = t->ops->write_new ? t->ops->write_new(t, path, "probe", text, sizeof text - 1,
						       0600, 0, 0, &tmp, &cause)
				   : -ENOTSUP;
	const char *what = "write";
	if (rc == 0) {
		rc = t->ops->rename(t, tmp, path);
		if (rc < 0)
			t->ops->remove(t, tmp);
	}
	free(tmp);
	if (rc == 0) {
		what = "read back";
		rc = target_read(t, path, &back, &len);
		if (rc == 0 && (len != sizeof text - 1 || memcmp(back, text, len) != 0))
			rc = -EIO;
		int r2 = t->ops->remove(t, path);
		if (rc == 0 && r2 < 0) {
			rc = r2;
			what = "remove";
		}
	}
	struct probe_step *s =
		add(p, "test file", rc == 0, (long)(now_ms() - t0), rc == 0 ? "%s written, read back and removed" : "%s: %s",
		    path, rc == 0 ? "" : what);
	if (rc < 0) {
		free(s->detail);
		s->detail = xasprintf("%s: %s failed: %s", path, what, cause ? cause : strerror(-rc));
		fail_at(s, "95108", NULL);
	}
	free(back);
	free(cause);
	free(path);
	return rc == 0;
}

/* The OS against content/support.json. */
static void os_step(struct probe *p, struct target *t)
{
	long long t0 = now_ms();
	struct os_release rel = { 0 };
	struct os_source src = { 0 };
	int rc = os_detect(t, &rel, &src);
	const char *kfrom = NULL;
	char *kernel = os_kernel_version(t, &kfrom);
	char *cause = NULL;
	struct support_table *tab = support_load(NULL, &cause);
	struct support_answer ans = { 0 };
	if (tab && rc == 0)
		support_evaluate(tab, rel.id, rel.version_id, kernel, &ans);
	bool ok = tab && rc == 0 && ans.verdict == SUPPORT_OK;
	struct probe_step *s =
		add(p, "os", ok, (long)(now_ms() - t0), "%s, kernel %s: %s",
		    rel.pretty_name ? rel.pretty_name : rel.id ? rel.id : "unknown OS",
		    kernel ? kernel : "unknown",
		    ok ? "in the support matrix" : "not in the support matrix");
	if (!ok)
		fail_at(s, NULL, "unsupported-operating-systems");
	support_free(tab);
	free(cause);
	free(kernel);
	free(src.refined);
	os_release_free(&rel);
}

void probe_run(const struct ssh_opts *o, struct probe *out)
{
	probe_run_steps(o, out, NULL, NULL);
}

void probe_run_steps(const struct ssh_opts *o, struct probe *out, probe_step_fn on_step, void *ctx)
{
	memset(out, 0, sizeof *out);
	out->ok = true;
	out->on_step = on_step;
	out->ctx = ctx;
	struct ssh_opts po = *o;
	po.password_only = true;
	struct target *t = target_ssh_new(&po);
	struct ssh_attempt a;
	char *cause = NULL;
	target_ssh_connect(t, &po, &a, &cause);
	free(cause);
	out->host_key_changed = a.host_key_changed;
	if (!connection_steps(out, &a))
		goto done;
	struct probe_step *s;
	if (t->is_root) {
		s = add(out, "root", true, 0, "%s", "the login is root (uid 0)");
	} else {
		/* The connection's own `id -u` said no, or did not answer (a
		 * timeout on a loaded machine): ask again, and tell which. */
		long long t0 = now_ms();
		const char *const id[] = { "id", "-u", NULL };
		struct cmd_result r;
		memset(&r, 0, sizeof r);
		int rc = target_run(t, id, 0, &r);
		if (r.out)
			str_trim(r.out);
		bool root = rc == 0 && r.status == 0 && r.out && strcmp(r.out, "0") == 0;
		if (root)
			s = add(out, "root", true, (long)(now_ms() - t0), "%s", "the login is root (uid 0)");
		else if (rc == 0 && r.status == 0 && r.out && *r.out)
			s = add(out, "root", false, (long)(now_ms() - t0),
				"the login is not root (uid %s): the push install needs root", r.out);
		else
			s = add(out, "root", false, (long)(now_ms() - t0),
				"could not tell whether the login is root: id -u %s",
				r.timed_out ? "timed out" : rc < 0 ? strerror(-rc) : "gave no uid");
		cmd_result_free(&r);
	}
	if (!s->ok) {
		fail_at(s, "95517", A_ROOT);
		goto done;
	}
	if (!space_step(out, t, "/tmp") || !space_step(out, t, PROBE_INSTALL_DIR))
		goto done;
	if (!file_step(out, t))
		goto done;
	os_step(out, t);
done:
	tell(out);
	target_free(t);
}

char *probe_json(const struct probe *p, const char *host)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "host", host);
	cJSON_AddBoolToObject(o, "ok", p->ok);
	cJSON *arr = cJSON_AddArrayToObject(o, "steps");
	for (size_t i = 0; i < p->n; i++) {
		const struct probe_step *s = &p->steps[i];
		cJSON *j = cJSON_CreateObject();
		cJSON_AddStringToObject(j, "step", s->name);
		cJSON_AddBoolToObject(j, "ok", s->ok);
		cJSON_AddNumberToObject(j, "ms", (double)s->ms);
		cJSON_AddStringToObject(j, "detail", s->detail ? s->detail : "");
		if (s->error_id)
			cJSON_AddStringToObject(j, "error_id", s->error_id);
		if (s->anchor)
			cJSON_AddStringToObject(j, "anchor", s->anchor);
		cJSON_AddItemToArray(arr, j);
	}
	char *text = cJSON_Print(o);
	cJSON_Delete(o);
	char *r = xstrdup(text);
	free(text);
	return r;
}

void probe_free(struct probe *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->steps[i].detail);
	p->n = 0;
}
