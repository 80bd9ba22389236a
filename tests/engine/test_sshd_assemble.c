/* test_sshd_assemble.c: the copy of a root's sshd configuration that this
 * machine's real sshd judges: every file read through the root (a link
 * resolved inside it), each Include pointing at exactly the copies it
 * brought in, line numbers kept so sshd's words map back to the root's
 * files, the root's host key handed over (a throwaway one when it has
 * none), the folder private and removed; and the real sshd -t and -T on
 * the copy agree with our own reading. */
#include "support/testutil.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/sshd_assemble.h"
#include "engine/sshd_config.h"
#include "engine/target/target.h"

#define SSHD "/usr/sbin/sshd"

/* A sandbox root with a main file, a drop-in, a drop-in that is a link to
 * an absolute path inside the root, and an Include that matches nothing. */
static char *make_root(bool with_key)
{
	char *dir = tu_mkdtemp("sshd-asm");
	char *p = xasprintf("%s/etc/ssh/sshd_config", dir);
	tu_write_file(p, "Include /etc/ssh/sshd_config.d/*.conf\n"
			 "Include nothere/*.conf\n"
			 "KbdInteractiveAuthentication no\n"
			 "Subsystem sftp internal-sftp\n"
			 "Match Address 10.0.0.0/8\n"
			 "\tPasswordAuthentication yes\n");
	free(p);
	p = xasprintf("%s/etc/ssh/sshd_config.d/10-a.conf", dir);
	tu_write_file(p, "PasswordAuthentication no\n");
	free(p);
	p = xasprintf("%s/etc/ssh/real.conf", dir);
	tu_write_file(p, "PermitRootLogin yes\n");
	free(p);
	assert_int_equal(tu_sh(NULL, "ln -s /etc/ssh/real.conf '%s/etc/ssh/sshd_config.d/20-link.conf'",
			       dir),
			 0);
	if (with_key)
		assert_int_equal(tu_sh(NULL, "ssh-keygen -q -t ed25519 -N '' -f "
					     "'%s/etc/ssh/ssh_host_ed25519_key'",
				       dir),
				 0);
	return dir;
}

/* Line n (1-based) of a file on this machine; caller frees. */
static char *line_of(const char *path, int n)
{
	char *text = tu_read_file(path, NULL);
	char *p = text;
	for (int i = 1; i < n && p; i++) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	char *l = p ? xstrndup(p, strcspn(p, "\n")) : xstrdup("");
	free(text);
	return l;
}

static void test_copy_is_the_roots_own_files(void **state)
{
	(void)state;
	char *dir = make_root(true);
	char *cause = NULL;
	struct target *t = target_root_new(dir, &cause);
	assert_non_null(t);
	struct sshd_config *cfg = sshd_config_load(t, NULL);
	assert_int_equal(cfg->nerrors, 0);
	struct sshd_assembly a;
	assert_int_equal(sshd_assembly_build(cfg, t, &a, &cause), 0);
	assert_int_equal(a.copies.n, 3);
	assert_string_equal(a.sources.v[2], "/etc/ssh/sshd_config.d/20-link.conf");
	struct stat st;
	assert_int_equal(stat(a.dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	/* The Include lines name the copies, the other lines are as read. */
	char *l1 = line_of(a.main, 1);
	char *want = xasprintf("Include %s %s", a.copies.v[1], a.copies.v[2]);
	assert_string_equal(l1, want);
	free(want);
	free(l1);
	char *l2 = line_of(a.main, 2);
	assert_true(str_starts(l2, "Include ") && strstr(l2, a.dir) && strstr(l2, "nothing-"));
	free(l2);
	char *l6 = line_of(a.main, 6);
	assert_string_equal(l6, "\tPasswordAuthentication yes");
	free(l6);
	/* The link was followed inside the root. */
	char *link = line_of(a.copies.v[2], 1);
	assert_string_equal(link, "PermitRootLogin yes");
	free(link);
	/* The root's own key, private. */
	assert_false(a.generated_key);
	assert_int_equal(a.keys.n, 1);
	assert_int_equal(stat(a.keys.v[0], &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	char *copy = tu_read_file(a.keys.v[0], NULL);
	char *kp = xasprintf("%s/etc/ssh/ssh_host_ed25519_key", dir);
	char *orig = tu_read_file(kp, NULL);
	assert_string_equal(copy, orig);
	free(copy);
	free(orig);
	free(kp);
	/* What sshd says maps back to the root's paths. */
	char *said = xasprintf("%s line 1: x; %s line 9: y", a.copies.v[2], a.main);
	char *back = sshd_assembly_unmap(&a, said);
	assert_string_equal(back, "/etc/ssh/sshd_config.d/20-link.conf line 1: x; "
				  "/etc/ssh/sshd_config line 9: y");
	free(back);
	free(said);
	char *folder = xstrdup(a.dir);
	sshd_assembly_free(&a);
	assert_int_not_equal(access(folder, F_OK), 0);
	free(folder);
	sshd_config_free(cfg);
	target_free(t);
	tu_rmtree(dir);
	free(dir);
}

/* The real sshd judges the copy: it accepts it, its -T agrees with our
 * reading for root from two addresses, and a line it refuses is reported
 * at the root's file and line. */
static void test_real_sshd_judges_the_copy(void **state)
{
	(void)state;
	if (access(SSHD, X_OK) != 0) {
		print_error("%s is missing: install openssh-server\n", SSHD);
		fail();
	}
	mkdir("/run/sshd", 0755);
	char *dir = make_root(false);
	char *cause = NULL;
	struct target *t = target_root_new(dir, &cause);
	struct sshd_config *cfg = sshd_config_load(t, NULL);
	struct sshd_assembly a;
	assert_int_equal(sshd_assembly_build(cfg, t, &a, &cause), 0);
	/* No key in the root: a throwaway one, never this machine's. */
	assert_true(a.generated_key);
	assert_int_equal(a.keys.n, 1);
	char *cmd = NULL, *out = NULL;
	int status = -1;
	enum sshd_judgement j = sshd_assembly_judge(&a, SSHD, 20000, &cmd, &out, &status);
	if (j != SSHD_JUDGED_ACCEPTS)
		print_error("%s\n%s\n", cmd, out);
	assert_int_equal(j, SSHD_JUDGED_ACCEPTS);
	assert_int_equal(status, 0);
	assert_true(str_starts(cmd, SSHD " -t -f /etc/ssh/sshd_config -h "));
	free(cmd);
	free(out);
	static const char *const addrs[] = { "10.1.2.3", "192.0.2.10" };
	for (size_t i = 0; i < ARRAY_LEN(addrs); i++) {
		struct sshd_conn c = { .user = "root", .addr = addrs[i], .host = addrs[i], .lport = 22 };
		sshd_config_eval(cfg, &c);
		char *text = NULL;
		assert_int_equal(tu_sh(&text, SSHD " -T -f '%s' -h '%s' -C user=root,host=%s,addr=%s,"
						 "laddr=127.0.0.1,lport=22 2>&1",
				       a.main, a.keys.v[0], addrs[i], addrs[i]),
				 0);
		struct sshd_t real;
		assert_int_equal(sshd_t_parse(text, &real, NULL), 0);
		static const enum sshd_key keys[] = { SSHD_PASSWORD_AUTH, SSHD_PERMIT_ROOT_LOGIN,
						      SSHD_KBD_INTERACTIVE, SSHD_SUBSYSTEM_SFTP };
		for (size_t k = 0; k < ARRAY_LEN(keys); k++) {
			char *v = sshd_t_value(&real, keys[k]);
			const struct sshd_setting *s = sshd_config_get(cfg, keys[k]);
			if (!v || !s->value || strcmp(v, s->value) != 0)
				print_error("%s from %s: sshd -T %s, we %s\n", sshd_key_name(keys[k]),
					    addrs[i], v ? v : "-", s->value ? s->value : "-");
			assert_non_null(v);
			assert_string_equal(v, s->value);
			free(v);
		}
		sshd_t_free(&real);
		free(text);
	}
	sshd_assembly_free(&a);
	sshd_config_free(cfg);

	/* A line this machine's sshd refuses, in the linked drop-in. */
	char *p = xasprintf("%s/etc/ssh/real.conf", dir);
	tu_write_file(p, "PermitRootLogin yes\nKexAlgorithms mlkem768x25519-sha256\n");
	free(p);
	cfg = sshd_config_load(t, NULL);
	assert_int_equal(cfg->nrefusals, 0); /* a release that knows it may exist */
	assert_int_equal(sshd_assembly_build(cfg, t, &a, &cause), 0);
	j = sshd_assembly_judge(&a, SSHD, 20000, &cmd, &out, &status);
	if (j != SSHD_JUDGED_REFUSES)
		print_error("%s\n%s\n", cmd, out);
	assert_int_equal(j, SSHD_JUDGED_REFUSES);
	assert_int_not_equal(status, 0);
	assert_non_null(strstr(out, "/etc/ssh/sshd_config.d/20-link.conf line 2"));
	assert_null(strstr(out, a.dir));
	free(cmd);
	free(out);
	sshd_assembly_free(&a);
	sshd_config_free(cfg);
	target_free(t);
	tu_rmtree(dir);
	free(dir);
}

int main(void)
{
	tu_scratch("sshd-assemble");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_copy_is_the_roots_own_files),
		cmocka_unit_test(test_real_sshd_judges_the_copy),
	};
	return tu_scratch_done(cmocka_run_group_tests_name("sshd_assemble", tests, NULL, NULL));
}
