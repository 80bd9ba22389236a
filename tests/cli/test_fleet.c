/* test_fleet.c: `asr-doctor fleet` over hosts with known faults (text,
 * JSON, exit status, unreadable reports), and the whole pre-flight for
 * real: the Ansible role of ansible/ run by ansible-playbook against
 * several sshd instances on 127.0.0.1 (each host its own test root), the
 * reports fetched, and the fleet summary checked against each host's
 * faults. The sshd children are stopped by their pids. */
#include "support/testutil.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine/util/util.h"

#define NHOSTS 3

static const char *scratch;

/* The test roots: web01 is the demo machine (sshd refuses root's password,
 * GRUB names devices), web02 has sshd repaired (GRUB still names devices),
 * web03 has sshd repaired and gets its GRUB fix from the role. */
static char *make_root(const char *name, bool sshd_ok)
{
	char *root = xasprintf("%s/roots/%s", scratch, name);
	assert_int_equal(tu_sh(NULL, "mkdir -p '%s/roots' && cp -a content/demo '%s'", scratch, root), 0);
	if (sshd_ok)
		assert_int_equal(tu_sh(NULL,
				       "rm '%s/etc/ssh/sshd_config.d/60-cloudimg-settings.conf' && "
				       "printf 'PermitRootLogin yes\\n' >> '%s/etc/ssh/sshd_config'",
				       root, root),
				 0);
	return root;
}

/* A fingerprint of every file and link under root (names, bytes, modes). */
static char *tree_sum(const char *root)
{
	char *out;
	assert_int_equal(tu_sh(&out,
			       "cd '%s' && find . -printf '%%p %%m %%l\\n' | LC_ALL=C sort && "
			       "find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum",
			       root),
			 0);
	return out;
}

static cJSON *fleet_json_of(const char *files, int *rc)
{
	char *out;
	*rc = tu_sh(&out, "%s --lang en fleet --json %s", tu_binary(), files);
	cJSON *j = cJSON_Parse(out);
	if (!j)
		print_error("not JSON: %s\n", out);
	assert_non_null(j);
	free(out);
	return j;
}

static const cJSON *host_of(const cJSON *j, const char *name)
{
	const cJSON *h;
	cJSON_ArrayForEach(h, cJSON_GetObjectItem(j, "hosts"))
	{
		if (strcmp(cJSON_GetObjectItem(h, "host")->valuestring, name) == 0)
			return h;
	}
	fail_msg("no host %s", name);
	return NULL;
}

/* The hosts listed under an ErrorID, comma-separated ("" when none). */
static char *hosts_of_id(const cJSON *j, int id)
{
	struct sbuf b = { 0 };
	const cJSON *g, *h;
	cJSON_ArrayForEach(g, cJSON_GetObjectItem(j, "error_ids"))
	{
		const cJSON *v = cJSON_GetObjectItem(g, "error_id");
		if (!cJSON_IsNumber(v) || v->valueint != id)
			continue;
		cJSON_ArrayForEach(h, cJSON_GetObjectItem(g, "hosts"))
		{
			sb_printf(&b, "%s%s", b.len ? "," : "", h->valuestring);
		}
	}
	sb_add(&b, "");
	return sb_steal(&b);
}

/* The failing check ids of a host, comma-separated. */
static char *failing_of(const cJSON *host)
{
	struct sbuf b = { 0 };
	const cJSON *c;
	cJSON_ArrayForEach(c, cJSON_GetObjectItem(host, "checks"))
	{
		if (strcmp(cJSON_GetObjectItem(c, "status")->valuestring, "fail") == 0)
			sb_printf(&b, "%s%s", b.len ? "," : "", cJSON_GetObjectItem(c, "check")->valuestring);
	}
	sb_add(&b, "");
	return sb_steal(&b);
}

/* What every fleet run of the three hosts must show, whoever collected
 * the reports: web01 fails sshd and GRUB, web02 only GRUB, web03 warns. */
static void assert_three_hosts(const char *files, const char *web03_root)
{
	int rc;
	cJSON *j = fleet_json_of(files, &rc);
	assert_int_equal(rc, 1);
	const cJSON *sum = cJSON_GetObjectItem(j, "summary");
	assert_int_equal(cJSON_GetObjectItem(sum, "hosts")->valueint, 3);
	assert_int_equal(cJSON_GetObjectItem(sum, "will_fail")->valueint, 2);
	assert_int_equal(cJSON_GetObjectItem(sum, "warn")->valueint, 1);
	assert_int_equal(cJSON_GetObjectItem(sum, "unreadable")->valueint, 0);

	const cJSON *w1 = host_of(j, "web01"), *w2 = host_of(j, "web02"), *w3 = host_of(j, "web03");
	char *f1 = failing_of(w1), *f2 = failing_of(w2), *f3 = failing_of(w3);
	assert_string_equal(f1, "sshd.password,sshd.root_login,grub.device_names");
	assert_string_equal(f2, "grub.device_names");
	assert_string_equal(f3, "");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(w1, "will_fail")));
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(w3, "will_fail")));
	assert_string_equal(cJSON_GetObjectItem(w3, "status")->valuestring, "warn");
	char *want = xasprintf("mounted root %s", web03_root);
	assert_string_equal(cJSON_GetObjectItem(w3, "target")->valuestring, want);
	free(want);
	/* One line of evidence: the drop-in that turns passwords off. */
	const cJSON *c = cJSON_GetArrayItem(cJSON_GetObjectItem(w1, "checks"), 0);
	assert_string_equal(cJSON_GetObjectItem(c, "evidence")->valuestring,
			    "/etc/ssh/sshd_config.d/60-cloudimg-settings.conf:1: PasswordAuthentication no");

	char *h95108 = hosts_of_id(j, 95108), *h95320 = hosts_of_id(j, 95320), *h95524 = hosts_of_id(j, 95524);
	assert_string_equal(h95108, "web01");
	assert_string_equal(h95320, "web01,web02");
	assert_string_equal(h95524, "");
	free(h95108);
	free(h95320);
	free(h95524);
	free(f1);
	free(f2);
	free(f3);
	cJSON_Delete(j);

	char *out;
	assert_int_equal(tu_sh(&out, "%s --lang en fleet %s", tu_binary(), files), 1);
	assert_true(str_starts(out, "Fleet: 3 hosts: 2 will fail a push install, 0 could not be checked, "
				    "1 may fail, 0 pass\n"));
	assert_non_null(strstr(out, "Will fail a push install:\n"
				    "  web01  3 failing: sshd.password, sshd.root_login, grub.device_names\n"
				    "  web02  1 failing: grub.device_names\n"));
	assert_non_null(strstr(out, "  95108  web01  (sshd.password, sshd.root_login)\n"));
	assert_non_null(strstr(out, "  95320  web01, web02  (grub.device_names)\n"));
	assert_non_null(strstr(out, "\n  FAIL  grub.device_names: 4 places name devices where UUIDs belong"));
	assert_non_null(strstr(out, "        /boot/grub2/grub.cfg:26:  linux /boot/vmlinuz-3.12.49-11-default "
				    "root=/dev/sda2 "));
	free(out);
}

static void test_fleet_command(void **state)
{
	(void)state;
	char *r1 = make_root("cmd-web01", false), *r2 = make_root("cmd-web02", true),
	     *r3 = make_root("cmd-web03", true);
	char *dir = xasprintf("%s/cmd-reports", scratch);
	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(tu_sh(NULL, "%s --root '%s' fix 95320 --yes >/dev/null", tu_binary(), r3), 0);
	/* Both kinds of document: check --json and a full report. */
	assert_int_equal(tu_sh(NULL, "%s --lang en --root '%s' check --json > '%s/web01.json'", tu_binary(), r1, dir), 1);
	assert_int_equal(tu_sh(NULL, "%s --lang en --root '%s' report --json -o '%s/web02.json'", tu_binary(), r2, dir), 1);
	assert_int_equal(tu_sh(NULL, "%s --lang en --root '%s' check --json > '%s/web03.json'", tu_binary(), r3, dir), 0);
	char *files = xasprintf("'%s'/web01.json '%s'/web02.json '%s'/web03.json", dir, dir, dir);
	assert_three_hosts(files, r3);

	/* The full report names the host; check --json does not. */
	int rc;
	cJSON *j = fleet_json_of(files, &rc);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(host_of(j, "web01"), "hostname")));
	assert_string_equal(cJSON_GetObjectItem(host_of(j, "web02"), "hostname")->valuestring, "demo-web01");
	cJSON_Delete(j);
	free(files);

	/* Only hosts that pass or warn: exit 0. */
	char *out;
	assert_int_equal(tu_sh(&out, "%s --lang en fleet '%s/web03.json'", tu_binary(), dir), 0);
	assert_string_equal(out, "Fleet: 1 hosts: 0 will fail a push install, 0 could not be checked, 1 may fail, 0 pass\n\n"
				 "May fail (warnings only):\n"
				 "  web03  4 warnings: net.hosts, fstab.device_names, agent.reboot, resources.memory\n");
	free(out);
	free(dir);
	free(r1);
	free(r2);
	free(r3);
}

static void test_fleet_bad_reports(void **state)
{
	(void)state;
	char *dir = xasprintf("%s/bad", scratch);
	char *p = xasprintf("%s/cut.json", dir);
	tu_write_file(p, "{\"schema\": 1, \"results\": [");
	free(p);
	p = xasprintf("%s/ctl.json", dir);
	tu_write_file(p, "{\"schema\": 1, \"tool\": \"asr-doctor\", \"target\": {\"name\": \"evil\\u001b[2J\"}, "
			 "\"results\": [{\"check\": \"sshd.password\", \"status\": \"fail\", "
			 "\"finding\": \"bad\\u001b]0;x\\u0007 line\\nsecond\", \"evidence\": "
			 "[{\"kind\": \"note\", \"text\": \"a\\tb\\u001bc\"}]}]}");
	free(p);
	char *out;
	int rc = tu_sh(&out, "%s --lang en fleet '%s/cut.json' '%s/missing.json' '%s/ctl.json'", tu_binary(),
		       dir, dir, dir);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out, "Fleet: 3 hosts: 1 will fail a push install, 2 could not be checked"));
	assert_non_null(strstr(out, "  cut  report not readable: not a JSON document"));
	assert_non_null(strstr(out, "  missing  report not readable: No such file or directory\n"));
	/* Text from a report never reaches the terminal as control codes. */
	assert_null(strchr(out, '\033'));
	assert_null(strchr(out, '\a'));
	assert_non_null(strstr(out, "ctl (evil?[2J)\n  FAIL  sshd.password: bad?]0;x? line\n        a b?c\n"));
	free(out);
	assert_int_equal(tu_sh(&out, "%s fleet 2>&1", tu_binary()), 2);
	assert_non_null(strstr(out, "fleet needs the reports"));
	free(out);
	free(dir);
}

/* ---- the pre-flight through Ansible, against real sshd instances ---- */

struct sshd {
	int port;
	pid_t pid;
};

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

static bool port_open(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	bool ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
	close(fd);
	return ok;
}

/* Starts sshd -D on a free port of 127.0.0.1 with key logins only. */
static struct sshd sshd_start(const char *keys, int n)
{
	struct sshd d = { .port = free_port() };
	char *conf = xasprintf("%s/sshd-%d.conf", keys, n);
	char *text = xasprintf("Port %d\nListenAddress 127.0.0.1\nHostKey %s/host_key\n"
			       "AuthorizedKeysFile %s/authorized_keys\nUsePAM no\nStrictModes no\n"
			       "PasswordAuthentication no\nKbdInteractiveAuthentication no\n"
			       "PermitRootLogin prohibit-password\nPidFile %s/sshd-%d.pid\n"
			       "Subsystem sftp internal-sftp\n"
			       /* bash skips ~/.bashrc for sshd's commands (sshd.c) */
			       "SetEnv SHLVL=1\n",
			       d.port, keys, keys, keys, n);
	tu_write_file(conf, text);
	char *log = xasprintf("%s/sshd-%d.log", keys, n);
	d.pid = fork();
	assert_true(d.pid >= 0);
	if (d.pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(fd, 2);
		dup2(fd, 1);
		execl("/usr/sbin/sshd", "/usr/sbin/sshd", "-D", "-e", "-f", conf, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 500 && !port_open(d.port); i++)
		nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
	if (!port_open(d.port)) {
		char *l = tu_read_file(log, NULL);
		print_error("sshd did not start:\n%s\n", l);
		free(l);
		fail();
	}
	free(log);
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
}

static void test_fleet_ansible(void **state)
{
	(void)state;
	if (access("/run/sshd", F_OK) != 0)
		fail_msg("/run/sshd is missing: sshd needs it (the CI script makes it)");
	char *keys = xasprintf("%s/keys", scratch);
	assert_int_equal(tu_sh(NULL,
			       "mkdir -p '%s' && ssh-keygen -q -t ed25519 -N '' -f '%s/host_key' && "
			       "ssh-keygen -q -t ed25519 -N '' -f '%s/user_key' && "
			       "cp '%s/user_key.pub' '%s/authorized_keys'",
			       keys, keys, keys, keys, keys),
			 0);
	const char *names[NHOSTS] = { "web01", "web02", "web03" };
	char *roots[NHOSTS];
	char *before[NHOSTS];
	struct sshd d[NHOSTS];
	for (int i = 0; i < NHOSTS; i++) {
		roots[i] = make_root(names[i], i > 0);
		before[i] = tree_sum(roots[i]);
		d[i] = sshd_start(keys, i);
	}
	struct passwd *pw = getpwuid(getuid());
	assert_non_null(pw);
	struct sbuf inv = { 0 };
	sb_printf(&inv, "all:\n  children:\n    asr_sources:\n      vars:\n"
			"        ansible_host: 127.0.0.1\n        ansible_user: %s\n"
			"        ansible_ssh_private_key_file: %s/user_key\n"
			"        ansible_ssh_common_args: -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null\n"
			"        ansible_python_interpreter: /usr/bin/python3\n"
			"        ansible_become: false\n"
			"        asr_doctor_server: 127.0.0.1\n"
			"        asr_doctor_binary: %s\n"
			"        asr_doctor_reports_dir: %s/reports\n"
			"        asr_doctor_tmp_parent: %s/hosttmp\n"
			"      hosts:\n",
		  pw->pw_name, keys, tu_binary(), scratch, scratch);
	for (int i = 0; i < NHOSTS; i++)
		sb_printf(&inv, "        %s:\n          ansible_port: %d\n          asr_doctor_root: %s\n%s", names[i],
			  d[i].port, roots[i], i == 2 ? "          asr_doctor_fixes: [\"95320\"]\n" : "");
	char *invp = xasprintf("%s/inventory.yml", scratch);
	tu_write_file(invp, sb_str(&inv));
	char *hosttmp = xasprintf("%s/hosttmp", scratch);
	assert_int_equal(mkdir(hosttmp, 0755), 0);
	/* A configuration of its own: nothing from this machine's. */
	char *cfg = xasprintf("%s/ansible.cfg", scratch);
	tu_write_file(cfg, "[defaults]\nforks = 3\n[connection]\npipelining = True\n");
	char *out;
	int rc = tu_sh(&out,
		       "ANSIBLE_HOME='%s/ansible-home' ANSIBLE_LOCAL_TEMP='%s/ansible-local' "
		       "ANSIBLE_REMOTE_TEMP='%s/ansible-remote' ANSIBLE_SSH_CONTROL_PATH_DIR='%s/cp' "
		       "ANSIBLE_CONFIG='%s' ANSIBLE_NOCOLOR=1 "
		       "ansible-playbook -i '%s' ansible/preflight.yml 2>&1",
		       scratch, scratch, scratch, scratch, cfg, invp);
	free(cfg);
	for (int i = 0; i < NHOSTS; i++)
		sshd_stop(&d[i]);
	if (rc != 0)
		print_error("%s\n", out);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "web01                      : ok="));
	free(out);

	/* The reports came back; the fleet summary matches the faults. */
	char *files = xasprintf("'%s'/reports/web01.json '%s'/reports/web02.json '%s'/reports/web03.json",
				scratch, scratch, scratch);
	assert_three_hosts(files, roots[2]);
	free(files);

	/* Hosts not named for a fix are byte for byte as they were; web03
	 * got exactly its GRUB fix, journalled. The temporary folders are gone. */
	for (int i = 0; i < NHOSTS; i++) {
		char *after = tree_sum(roots[i]);
		if (i < 2)
			assert_string_equal(after, before[i]);
		else
			assert_string_not_equal(after, before[i]);
		free(after);
	}
	char *grub = xasprintf("%s/etc/default/grub", roots[2]);
	char *g = tu_read_file(grub, NULL);
	assert_non_null(strstr(g, "GRUB_CMDLINE_LINUX=\"resume=UUID=6f614b44-433b-431b-9ca1-4dd2f6f74f6b\"\n"));
	free(g);
	free(grub);
	assert_int_equal(tu_sh(&out, "%s --root '%s' history", tu_binary(), roots[2]), 0);
	assert_non_null(strstr(out, "grub.use_uuid"));
	free(out);
	assert_int_equal(tu_sh(&out, "ls -A '%s'", hosttmp), 0);
	assert_string_equal(out, "");
	free(out);

	for (int i = 0; i < NHOSTS; i++) {
		free(roots[i]);
		free(before[i]);
	}
	sb_free(&inv);
	free(invp);
	free(hosttmp);
	free(keys);
}

int main(void)
{
	scratch = tu_scratch("fleet");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fleet_command),
		cmocka_unit_test(test_fleet_bad_reports),
		cmocka_unit_test(test_fleet_ansible),
	};
	return tu_scratch_done(cmocka_run_group_tests(tests, NULL, NULL));
}
