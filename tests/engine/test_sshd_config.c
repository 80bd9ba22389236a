/* test_sshd_config.c: sshd_config is read the way sshd reads it (Include
 * drop-ins, Match blocks, first value wins, case, quotes, CRLF), errors
 * come back as clear diagnostics, `sshd -T` output parses in both the old
 * and the new spelling, and, for every valid fixture, the evaluation agrees
 * with the real OpenSSH sshd -T. */
#include "support/testutil.h"

#include <stdio.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/sshd_config.h"
#include "engine/target/target.h"
#include "engine/util/util.h"

#define FIX "tests/fixtures/sshd"
#define SSHD "/usr/sbin/sshd"

/* A loaded fixture and the target it was read through. */
struct loaded {
	struct target *t;
	struct sshd_config *cfg;
};

static struct loaded load_dir(const char *dir, const struct sshd_conn *conn)
{
	char *cause = NULL;
	struct loaded l = { 0 };
	l.t = target_root_new(dir, &cause);
	if (!l.t)
		print_error("%s\n", cause);
	assert_non_null(l.t);
	l.cfg = sshd_config_load(l.t, NULL);
	assert_non_null(l.cfg);
	sshd_config_eval(l.cfg, conn);
	return l;
}

static struct loaded load_fixture(const char *name, const struct sshd_conn *conn)
{
	char *dir = xasprintf("%s/%s", FIX, name);
	struct loaded l = load_dir(dir, conn);
	free(dir);
	return l;
}

static void unload(struct loaded *l)
{
	sshd_config_free(l->cfg);
	target_free(l->t);
}

/* Prints the diagnostics (to explain a failing assertion). */
static void dump_diags(const struct sshd_config *cfg)
{
	for (size_t i = 0; i < cfg->ndiags; i++)
		print_error("diag %s:%d: %s\n", cfg->diags[i].path ? cfg->diags[i].path : "-",
			    cfg->diags[i].line, cfg->diags[i].message);
}

/* Asserts a setting's value and the file:line that decided it
 * (path NULL: the default). */
static void expect(const struct sshd_config *cfg, enum sshd_key key, const char *value,
		   const char *path, int line)
{
	const struct sshd_setting *s = sshd_config_get(cfg, key);
	assert_non_null(s);
	if (value) {
		if (!s->value || strcmp(s->value, value) != 0)
			print_error("%s: expected %s, got %s\n", sshd_key_name(key), value,
				    s->value ? s->value : "(null)");
		assert_non_null(s->value);
		assert_string_equal(s->value, value);
	} else {
		assert_null(s->value);
	}
	if (!path) {
		assert_true(s->is_default);
		assert_int_equal(s->file, -1);
		return;
	}
	assert_false(s->is_default);
	assert_true(s->file >= 0);
	assert_string_equal(cfg->files[s->file].path, path);
	assert_int_equal(s->line, line);
}

static const struct sshd_conn conn_unknown = { .user = "root", .lport = 22 };

static void test_debian_cloud_dropin_wins(void **state)
{
	(void)state;
	struct loaded l = load_fixture("debian-cloud", &conn_unknown);
	const struct sshd_config *cfg = l.cfg;
	dump_diags(cfg);
	assert_int_equal(cfg->nerrors, 0);
	assert_int_equal(cfg->nfiles, 2);
	assert_string_equal(cfg->files[1].path, "/etc/ssh/sshd_config.d/60-cloudimg-settings.conf");
	assert_int_equal(cfg->files[1].parent, 0);
	assert_int_equal(cfg->files[1].parent_line, 4);
	assert_int_equal(cfg->files[1].parent_block, -1);
	assert_int_equal(cfg->files[1].depth, 1);
	/* The drop-in is read at the top, so its "no" wins. */
	expect(cfg, SSHD_PASSWORD_AUTH, "no", "/etc/ssh/sshd_config.d/60-cloudimg-settings.conf", 1);
	expect(cfg, SSHD_PERMIT_ROOT_LOGIN, "prohibit-password", NULL, 0);
	expect(cfg, SSHD_KBD_INTERACTIVE, "no", "/etc/ssh/sshd_config", 20);
	expect(cfg, SSHD_USE_PAM, "yes", "/etc/ssh/sshd_config", 22);
	expect(cfg, SSHD_SUBSYSTEM_SFTP, "/usr/lib/openssh/sftp-server", "/etc/ssh/sshd_config", 30);
	assert_string_equal(sshd_config_get(cfg, SSHD_SUBSYSTEM_SFTP)->program,
			    "/usr/lib/openssh/sftp-server");
	expect(cfg, SSHD_PORT, "22", NULL, 0);
	/* What a fix planner needs: the commented-out lines, no Match. */
	assert_int_equal(sshd_config_find_commented(cfg, 0, SSHD_PASSWORD_AUTH), 17);
	assert_int_equal(sshd_config_find_commented(cfg, 0, SSHD_PERMIT_ROOT_LOGIN), 12);
	assert_int_equal(sshd_config_find_commented(cfg, 0, SSHD_USE_PAM), 0);
	const struct sshd_line *c = sshd_config_line(cfg, 0, 17);
	assert_int_equal(c->kind, SSHD_LINE_COMMENT);
	assert_string_equal(c->text, "#PasswordAuthentication yes");
	assert_string_equal(c->keyword, "passwordauthentication");
	assert_int_equal(c->nargs, 1);
	assert_string_equal(c->args[0], "yes");
	/* A prose comment is not a commented directive. */
	assert_null(sshd_config_line(cfg, 0, 16)->keyword);
	/* "#Match User anoncvs" is a comment, not a block. */
	assert_int_equal(cfg->files[0].first_match_line, 0);
	assert_int_equal(cfg->nblocks, 0);
	const struct sshd_line *inc = sshd_config_line(cfg, 0, 4);
	assert_int_equal(inc->nincludes, 1);
	assert_int_equal(inc->includes[0], 1);
	assert_false(cfg->files[0].crlf);
	assert_true(cfg->files[0].final_newline);
	char *w = sshd_setting_where(cfg, sshd_config_get(cfg, SSHD_PASSWORD_AUTH));
	assert_string_equal(w, "/etc/ssh/sshd_config.d/60-cloudimg-settings.conf:1");
	free(w);
	unload(&l);
}

static void test_rhel9_redhat_dropin(void **state)
{
	(void)state;
	struct loaded l = load_fixture("rhel9", &conn_unknown);
	const struct sshd_config *cfg = l.cfg;
	dump_diags(cfg);
	assert_int_equal(cfg->nerrors, 0);
	assert_int_equal(cfg->ndiags, 0);
	/* Main, 01-permitrootlogin, 50-redhat, and the crypto policy it
	 * includes, in reading order. */
	assert_int_equal(cfg->nfiles, 4);
	assert_string_equal(cfg->files[1].path, "/etc/ssh/sshd_config.d/01-permitrootlogin.conf");
	assert_string_equal(cfg->files[2].path, "/etc/ssh/sshd_config.d/50-redhat.conf");
	assert_string_equal(cfg->files[3].path, "/etc/crypto-policies/back-ends/opensshserver.config");
	assert_int_equal(cfg->files[3].depth, 2);
	assert_int_equal(cfg->files[3].parent, 2);
	expect(cfg, SSHD_PERMIT_ROOT_LOGIN, "yes", "/etc/ssh/sshd_config.d/01-permitrootlogin.conf", 2);
	expect(cfg, SSHD_PASSWORD_AUTH, "yes", NULL, 0);
	/* ChallengeResponseAuthentication is KbdInteractiveAuthentication. */
	expect(cfg, SSHD_KBD_INTERACTIVE, "no", "/etc/ssh/sshd_config.d/50-redhat.conf", 6);
	expect(cfg, SSHD_USE_PAM, "yes", "/etc/ssh/sshd_config.d/50-redhat.conf", 11);
	expect(cfg, SSHD_SUBSYSTEM_SFTP, "/usr/libexec/openssh/sftp-server", "/etc/ssh/sshd_config", 18);
	unload(&l);
}

static void test_match_user_root_overrides(void **state)
{
	(void)state;
	struct loaded l = load_fixture("match-user", &conn_unknown);
	const struct sshd_config *cfg = l.cfg;
	assert_int_equal(cfg->nerrors, 0);
	assert_int_equal(cfg->nblocks, 3);
	assert_int_equal(cfg->files[0].first_match_line, 5);
	/* "backup,!root": the negation excludes root. */
	assert_int_equal(cfg->blocks[0].applies, SSHD_NO);
	assert_int_equal(cfg->blocks[0].line, 5);
	assert_int_equal(cfg->blocks[0].end_line, 7);
	assert_int_equal(cfg->blocks[1].applies, SSHD_YES);
	assert_int_equal(cfg->blocks[1].line, 8);
	assert_int_equal(cfg->blocks[1].end_line, 11);
	assert_int_equal(cfg->blocks[2].end_line, 13);
	expect(cfg, SSHD_PASSWORD_AUTH, "yes", "/etc/ssh/sshd_config", 9);
	const struct sshd_setting *pa = sshd_config_get(cfg, SSHD_PASSWORD_AUTH);
	assert_int_equal(pa->block, 1);
	assert_int_equal(pa->nalts, 0);
	/* The global "no" and the backup block's "no" lose. */
	assert_int_equal(pa->nothers, 2);
	assert_int_equal(pa->others[0].line, 1);
	assert_int_equal(pa->others[1].line, 6);
	/* First matching block wins over the second "Match User root". */
	expect(cfg, SSHD_PERMIT_ROOT_LOGIN, "yes", "/etc/ssh/sshd_config", 10);
	assert_int_equal(sshd_line_block(cfg, 0, 13), 2);
	assert_int_equal(sshd_line_block(cfg, 0, 2), -1);
	unload(&l);

	/* Another user gets the global values. */
	struct sshd_conn bob = { .user = "bob", .addr = "192.0.2.1", .lport = 22 };
	l = load_fixture("match-user", &bob);
	expect(l.cfg, SSHD_PASSWORD_AUTH, "no", "/etc/ssh/sshd_config", 1);
	expect(l.cfg, SSHD_PERMIT_ROOT_LOGIN, "no", "/etc/ssh/sshd_config", 2);
	unload(&l);
}

static void test_match_address_known(void **state)
{
	(void)state;
	struct sshd_conn c = { .user = "root", .addr = "10.1.2.3", .lport = 22 };
	struct loaded l = load_fixture("match-address", &c);
	expect(l.cfg, SSHD_PASSWORD_AUTH, "no", "/etc/ssh/sshd_config", 8);
	assert_int_equal(sshd_config_get(l.cfg, SSHD_PASSWORD_AUTH)->block, 0);
	assert_int_equal(sshd_config_get(l.cfg, SSHD_PASSWORD_AUTH)->nalts, 0);
	assert_int_equal(l.cfg->blocks[0].applies, SSHD_YES);
	assert_int_equal(l.cfg->blocks[1].applies, SSHD_NO);
	unload(&l);

	/* The negated address is excluded from the block. */
	c.addr = "10.9.9.9";
	l = load_fixture("match-address", &c);
	expect(l.cfg, SSHD_PASSWORD_AUTH, "yes", "/etc/ssh/sshd_config", 1);
	assert_int_equal(l.cfg->blocks[0].applies, SSHD_NO);
	unload(&l);

	c.addr = "192.0.2.10";
	l = load_fixture("match-address", &c);
	expect(l.cfg, SSHD_PASSWORD_AUTH, "yes", "/etc/ssh/sshd_config", 1);
	expect(l.cfg, SSHD_PERMIT_ROOT_LOGIN, "yes", "/etc/ssh/sshd_config", 11);
	assert_int_equal(l.cfg->blocks[1].applies, SSHD_YES);
	unload(&l);
}

static void test_match_address_unknown_is_uncertain(void **state)
{
	(void)state;
	struct loaded l = load_fixture("match-address", &conn_unknown);
	const struct sshd_config *cfg = l.cfg;
	/* The global value stands, but the Address block may change it. */
	expect(cfg, SSHD_PASSWORD_AUTH, "yes", "/etc/ssh/sshd_config", 1);
	const struct sshd_setting *pa = sshd_config_get(cfg, SSHD_PASSWORD_AUTH);
	assert_int_equal(pa->nalts, 1);
	assert_int_equal(pa->alts[0].line, 8);
	assert_string_equal(pa->alts[0].value, "no");
	assert_int_equal(pa->alts[0].block, 0);
	assert_int_equal(cfg->blocks[0].applies, SSHD_MAYBE);
	assert_string_equal(cfg->blocks[0].unknown, "Address");
	assert_int_equal(cfg->blocks[0].line, 7);
	unload(&l);
}

static void test_duplicates_first_wins(void **state)
{
	(void)state;
	struct loaded l = load_fixture("duplicates", &conn_unknown);
	const struct sshd_config *cfg = l.cfg;
	assert_int_equal(cfg->nerrors, 0);
	expect(cfg, SSHD_PASSWORD_AUTH, "yes", "/etc/ssh/sshd_config", 1);
	expect(cfg, SSHD_PERMIT_ROOT_LOGIN, "yes", "/etc/ssh/sshd_config", 2);
	/* The alias shares the option: the earlier line wins. */
	expect(cfg, SSHD_KBD_INTERACTIVE, "no", "/etc/ssh/sshd_config", 6);
	const struct sshd_setting *pa = sshd_config_get(cfg, SSHD_PASSWORD_AUTH);
	assert_int_equal(pa->nothers, 1);
	assert_int_equal(pa->others[0].line, 4);
	assert_string_equal(pa->others[0].value, "no");
	assert_int_equal(sshd_config_get(cfg, SSHD_KBD_INTERACTIVE)->others[0].line, 7);
	unload(&l);
}

static void test_crlf_file(void **state)
{
	(void)state;
	struct loaded l = load_fixture("crlf", &conn_unknown);
	const struct sshd_config *cfg = l.cfg;
	dump_diags(cfg);
	assert_int_equal(cfg->nerrors, 0);
	assert_true(cfg->files[0].crlf);
	expect(cfg, SSHD_PASSWORD_AUTH, "no", "/etc/ssh/sshd_config", 2);
	expect(cfg, SSHD_PERMIT_ROOT_LOGIN, "yes", "/etc/ssh/sshd_config", 3);
	expect(cfg, SSHD_SUBSYSTEM_SFTP, "internal-sftp", "/etc/ssh/sshd_config", 5);
	assert_string_equal(sshd_config_line(cfg, 0, 2)->text, "PasswordAuthentication no");
	assert_int_equal(sshd_config_line(cfg, 0, 4)->kind, SSHD_LINE_BLANK);
	unload(&l);
}

static void test_uppercase_keywords(void **state)
{
	(void)state;
	struct sshd_conn c = { .user = "root", .addr = "203.0.113.9", .lport = 22 };
	struct loaded l = load_fixture("uppercase", &c);
	const struct sshd_config *cfg = l.cfg;
	dump_diags(cfg);
	assert_int_equal(cfg->ndiags, 0);
	expect(cfg, SSHD_PERMIT_ROOT_LOGIN, "yes", "/etc/ssh/sshd_config", 2);
	expect(cfg, SSHD_KBD_INTERACTIVE, "no", "/etc/ssh/sshd_config", 3);
	expect(cfg, SSHD_SUBSYSTEM_SFTP, "internal-sftp", "/etc/ssh/sshd_config", 4);
	/* "MATCH USER root ADDRESS ...": criteria keywords in any case. */
	expect(cfg, SSHD_PASSWORD_AUTH, "no", "/etc/ssh/sshd_config", 6);
	assert_string_equal(sshd_config_line(cfg, 0, 1)->keyword, "passwordauthentication");
	/* Arguments keep their case. */
	assert_string_equal(sshd_config_line(cfg, 0, 2)->args[0], "Yes");
	unload(&l);
	c.addr = "198.51.100.7";
	l = load_fixture("uppercase", &c);
	expect(l.cfg, SSHD_PASSWORD_AUTH, "yes", "/etc/ssh/sshd_config", 1);
	unload(&l);
}

static void test_keyword_equals_value(void **state)
{
	(void)state;
	struct loaded l = load_fixture("equals", &conn_unknown);
	const struct sshd_config *cfg = l.cfg;
	dump_diags(cfg);
	assert_int_equal(cfg->ndiags, 0);
	expect(cfg, SSHD_PASSWORD_AUTH, "no", "/etc/ssh/sshd_config", 1);
	expect(cfg, SSHD_PERMIT_ROOT_LOGIN, "yes", "/etc/ssh/sshd_config", 2);
	expect(cfg, SSHD_KBD_INTERACTIVE, "yes", "/etc/ssh/sshd_config", 3);
	expect(cfg, SSHD_USE_PAM, "yes", "/etc/ssh/sshd_config", 4);
	expect(cfg, SSHD_SUBSYSTEM_SFTP, "/usr/lib/openssh/sftp-server", "/etc/ssh/sshd_config", 5);
	unload(&l);
}

static void test_quoted_subsystem(void **state)
{
	(void)state;
	struct loaded l = load_fixture("quoted-sftp", &conn_unknown);
	const struct sshd_config *cfg = l.cfg;
	assert_int_equal(cfg->nerrors, 0);
	/* Quotes removed, the trailing comment dropped. */
	expect(cfg, SSHD_SUBSYSTEM_SFTP, "/usr/lib/ssh/sftp-server -f AUTHPRIV -l INFO",
	       "/etc/ssh/sshd_config", 2);
	assert_string_equal(sshd_config_get(cfg, SSHD_SUBSYSTEM_SFTP)->program, "/usr/lib/ssh/sftp-server");
	unload(&l);
}

static void test_include_inside_match(void **state)
{
	(void)state;
	struct loaded l = load_fixture("include-in-match", &conn_unknown);
	const struct sshd_config *cfg = l.cfg;
	dump_diags(cfg);
	assert_int_equal(cfg->nerrors, 0);
	assert_int_equal(cfg->nfiles, 3);
	assert_int_equal(cfg->files[1].parent_block, 0);
	/* The included file's lines carry the Match block of the Include. */
	assert_int_equal(sshd_line_block(cfg, 1, 2), 0);
	expect(cfg, SSHD_PERMIT_ROOT_LOGIN, "yes", "/etc/ssh/root.d/10-root.conf", 2);
	assert_int_equal(sshd_config_get(cfg, SSHD_PERMIT_ROOT_LOGIN)->block, 0);
	/* A commented line there is inside the Match block: a fix must not
	 * uncomment it to change a global value. */
	assert_string_equal(sshd_config_line(cfg, 1, 3)->keyword, "passwordauthentication");
	assert_int_equal(sshd_config_find_commented(cfg, 1, SSHD_PASSWORD_AUTH), 0);
	/* The nested "Match User nobody" does not apply to root. */
	expect(cfg, SSHD_PASSWORD_AUTH, "no", "/etc/ssh/sshd_config", 2);
	assert_int_equal(cfg->nblocks, 2);
	assert_int_equal(cfg->blocks[1].parent, 0);
	assert_int_equal(cfg->blocks[1].applies, SSHD_NO);
	unload(&l);

	/* For nobody, the outer block does not apply, so neither does the
	 * nested one, although it names nobody. */
	struct sshd_conn nobody = { .user = "nobody", .addr = "192.0.2.1", .lport = 22 };
	l = load_fixture("include-in-match", &nobody);
	expect(l.cfg, SSHD_PASSWORD_AUTH, "no", "/etc/ssh/sshd_config", 2);
	expect(l.cfg, SSHD_PERMIT_ROOT_LOGIN, "no", "/etc/ssh/sshd_config", 1);
	assert_int_equal(l.cfg->blocks[1].applies, SSHD_NO);
	unload(&l);
}

static void test_nested_match_through_includes(void **state)
{
	(void)state;
	struct loaded l = load_fixture("nested-match", &conn_unknown);
	const struct sshd_config *cfg = l.cfg;
	dump_diags(cfg);
	assert_int_equal(cfg->nerrors, 0);
	assert_int_equal(cfg->nblocks, 5);
	/* "Match User root" inside the inactive bob block never applies. */
	assert_int_equal(cfg->blocks[1].file, 1);
	assert_int_equal(cfg->blocks[1].parent, 0);
	assert_int_equal(cfg->blocks[1].applies, SSHD_NO);
	/* After root.conf ends (its Match with it), line 5 is in the main
	 * file's root block again. */
	assert_int_equal(sshd_line_block(cfg, 0, 5), 2);
	expect(cfg, SSHD_PERMIT_ROOT_LOGIN, "yes", "/etc/ssh/sshd_config", 5);
	expect(cfg, SSHD_PASSWORD_AUTH, "yes", NULL, 0);
	expect(cfg, SSHD_KBD_INTERACTIVE, "no", "/etc/ssh/sshd_config", 7);
	unload(&l);
}

static void test_relative_include(void **state)
{
	(void)state;
	struct loaded l = load_fixture("relative-include", &conn_unknown);
	const struct sshd_config *cfg = l.cfg;
	assert_int_equal(cfg->nerrors, 0);
	assert_int_equal(cfg->nfiles, 2);
	expect(cfg, SSHD_PASSWORD_AUTH, "yes", "/etc/ssh/conf.d/10-local.conf", 1);
	expect(cfg, SSHD_PERMIT_ROOT_LOGIN, "yes", "/etc/ssh/conf.d/10-local.conf", 2);
	assert_int_equal(sshd_config_get(cfg, SSHD_PASSWORD_AUTH)->others[0].line, 2);
	unload(&l);
}

static void test_open_match_ends_with_included_file(void **state)
{
	(void)state;
	struct loaded l = load_fixture("open-match", &conn_unknown);
	const struct sshd_config *cfg = l.cfg;
	assert_int_equal(cfg->nerrors, 0);
	assert_int_equal(cfg->nblocks, 1);
	assert_int_equal(cfg->blocks[0].file, 1);
	assert_int_equal(cfg->blocks[0].end_line, 3);
	/* Lines after the Include are global again. */
	assert_int_equal(sshd_line_block(cfg, 0, 2), -1);
	assert_int_equal(cfg->files[0].first_match_line, 0);
	expect(cfg, SSHD_PASSWORD_AUTH, "no", "/etc/ssh/sshd_config", 2);
	expect(cfg, SSHD_PERMIT_ROOT_LOGIN, "yes", "/etc/ssh/sshd_config", 3);
	assert_int_equal(sshd_config_get(cfg, SSHD_PASSWORD_AUTH)->block, -1);
	unload(&l);
}

static void test_include_loop_is_an_error(void **state)
{
	(void)state;
	struct loaded l = load_fixture("include-loop", &conn_unknown);
	const struct sshd_config *cfg = l.cfg;
	assert_true(cfg->nerrors > 0);
	const struct sshd_diag *d = sshd_config_first_error(cfg);
	assert_non_null(d);
	assert_string_equal(d->path, "/etc/ssh/sshd_config.d/loop.conf");
	assert_int_equal(d->line, 1);
	assert_non_null(strstr(d->message, "loop"));
	unload(&l);
}

static void test_match_group_from_etc_group(void **state)
{
	(void)state;
	struct loaded l = load_fixture("match-group", &conn_unknown);
	const struct sshd_config *cfg = l.cfg;
	assert_true(cfg->groups_known);
	assert_true(sv_contains(&cfg->root_groups, "root"));
	assert_false(sv_contains(&cfg->root_groups, "wheel"));
	/* Group root: root's primary group, so it applies. */
	expect(cfg, SSHD_PASSWORD_AUTH, "no", "/etc/ssh/sshd_config", 5);
	assert_int_equal(cfg->blocks[1].applies, SSHD_YES);
	/* Group wheel: root is not a member in the root's own files, so the
	 * block does not apply (root is a local account: no directory
	 * service decides its groups). */
	assert_int_equal(cfg->blocks[0].applies, SSHD_NO);
	assert_null(cfg->blocks[0].unknown);
	expect(cfg, SSHD_PERMIT_ROOT_LOGIN, "yes", "/etc/ssh/sshd_config", 1);
	assert_int_equal(sshd_config_get(cfg, SSHD_PERMIT_ROOT_LOGIN)->nalts, 0);
	assert_int_equal(sshd_config_get(cfg, SSHD_PERMIT_ROOT_LOGIN)->nothers, 1);
	unload(&l);
}

static void test_missing_main_file(void **state)
{
	(void)state;
	char *dir = tu_mkdtemp("sshd-empty");
	struct loaded l = load_dir(dir, NULL);
	assert_true(l.cfg->main_missing);
	assert_int_equal(l.cfg->nerrors, 1);
	const struct sshd_diag *d = sshd_config_first_error(l.cfg);
	assert_string_equal(d->path, "/etc/ssh/sshd_config");
	assert_non_null(strstr(d->message, "No such file"));
	/* Evaluating a missing file gives the defaults, not a crash. */
	expect(l.cfg, SSHD_PASSWORD_AUTH, "yes", NULL, 0);
	unload(&l);
	tu_rmtree(dir);
	free(dir);
}

/* Writes config text as /etc/ssh/sshd_config of a new temporary root and
 * loads it. */
static struct loaded load_text(char **dir, const char *text, const struct sshd_conn *conn)
{
	*dir = tu_mkdtemp("sshd-cfg");
	char *p = xasprintf("%s/etc/ssh/sshd_config", *dir);
	tu_write_file(p, text);
	free(p);
	return load_dir(*dir, conn);
}

/* Loads text and asserts that the first error is at line and mentions
 * what. */
static void expect_error(const char *text, int line, const char *what)
{
	char *dir = NULL;
	struct loaded l = load_text(&dir, text, NULL);
	const struct sshd_diag *d = sshd_config_first_error(l.cfg);
	if (!d)
		print_error("no error for: %s\n", text);
	assert_non_null(d);
	if (d->line != line || !strstr(d->message, what))
		print_error("got %s:%d: %s\n", d->path, d->line, d->message);
	assert_int_equal(d->line, line);
	assert_non_null(strstr(d->message, what));
	unload(&l);
	tu_rmtree(dir);
	free(dir);
}

/* Root's groups come from the examined root's files: a supplementary
 * membership in /etc/group counts, a group root is not in is a no, and
 * only a root without those files (or without a root line) leaves Match
 * Group undecided. */
static void test_match_group_membership(void **state)
{
	(void)state;
	const char *cfgtext = "Match Group adm\n\tPasswordAuthentication no\n"
			      "Match Group wheel,staff\n\tPermitRootLogin no\n";
	char *dir = NULL;
	struct loaded l = load_text(&dir, cfgtext, &conn_unknown);
	/* No /etc/passwd or /etc/group: undecided, named. */
	assert_false(l.cfg->groups_known);
	assert_int_equal(l.cfg->blocks[0].applies, SSHD_MAYBE);
	assert_string_equal(l.cfg->blocks[0].unknown, "Group");
	unload(&l);
	char *p = xasprintf("%s/etc/passwd", dir);
	tu_write_file(p, "root:x:0:0:root:/root:/bin/bash\n");
	free(p);
	p = xasprintf("%s/etc/group", dir);
	tu_write_file(p, "root:x:0:\nadm:x:4:syslog,root\nwheel:x:10:alice\nstaff:x:50:\n");
	free(p);
	l = load_dir(dir, &conn_unknown);
	assert_true(l.cfg->groups_known);
	assert_true(sv_contains(&l.cfg->root_groups, "adm"));
	assert_int_equal(l.cfg->blocks[0].applies, SSHD_YES);
	assert_int_equal(l.cfg->blocks[1].applies, SSHD_NO);
	expect(l.cfg, SSHD_PASSWORD_AUTH, "no", "/etc/ssh/sshd_config", 2);
	expect(l.cfg, SSHD_PERMIT_ROOT_LOGIN, "prohibit-password", NULL, 0);
	unload(&l);
	/* A passwd file without root: its groups are unknown. */
	p = xasprintf("%s/etc/passwd", dir);
	tu_write_file(p, "nobody:x:65534:65534::/:/bin/false\n");
	free(p);
	l = load_dir(dir, &conn_unknown);
	assert_false(l.cfg->groups_known);
	assert_int_equal(l.cfg->blocks[1].applies, SSHD_MAYBE);
	unload(&l);
	tu_rmtree(dir);
	free(dir);
}

static void test_errors_have_file_and_line(void **state)
{
	(void)state;
	expect_error("PasswordAuthentication maybe\n", 1, "maybe");
	expect_error("# c\nPermitRootLogin sometimes\n", 2, "sometimes");
	expect_error("PasswordAuthentication no yes\n", 1, "extra");
	expect_error("\n\nPasswordAuthentication\n", 3, "no argument");
	expect_error("Subsystem sftp \"/usr/lib/openssh/sftp-server\n", 1, "quote");
	expect_error("Subsystem sftp\n", 1, "no command");
	expect_error("Match User root\n\tUsePAM yes\n", 2, "Match");
	expect_error("Match User root\n\tPort 2222\n", 2, "Match");
	expect_error("Match Address 10.1.1.1/24\nPasswordAuthentication no\n", 1, "10.1.1.1/24");
	expect_error("Match Address 10.0.0.0/8,,192.0.2.0/24\n", 1, "address");
	expect_error("Match all User root\n", 1, "all");
	expect_error("Match User\n", 1, "no value");
	expect_error("Match LocalPort ssh\n", 1, "ssh");
	expect_error("Port 70000\n", 1, "70000");
	expect_error("=yes\n", 1, "keyword");
}

static void test_unreadable_include_and_binary_and_long_lines(void **state)
{
	(void)state;
	/* An include that matches a dangling symbolic link cannot be read. */
	char *dir = tu_mkdtemp("sshd-inc");
	char *p = xasprintf("%s/etc/ssh/sshd_config", dir);
	tu_write_file(p, "# main\nInclude /etc/ssh/sshd_config.d/*.conf\n");
	free(p);
	p = xasprintf("%s/etc/ssh/sshd_config.d", dir);
	mkdir(p, 0755);
	free(p);
	p = xasprintf("%s/etc/ssh/sshd_config.d/10-gone.conf", dir);
	assert_int_equal(symlink("/nonexistent/file", p), 0);
	free(p);
	struct loaded l = load_dir(dir, NULL);
	const struct sshd_diag *d = sshd_config_first_error(l.cfg);
	assert_non_null(d);
	assert_string_equal(d->path, "/etc/ssh/sshd_config");
	assert_int_equal(d->line, 2);
	assert_non_null(strstr(d->message, "10-gone.conf"));
	unload(&l);
	tu_rmtree(dir);
	free(dir);

	/* Binary data: a NUL byte on line 3. */
	dir = tu_mkdtemp("sshd-bin");
	p = xasprintf("%s/etc/ssh/sshd_config", dir);
	tu_write_file(p, "");
	FILE *f = fopen(p, "wb");
	assert_non_null(f);
	fwrite("Port 22\nUsePAM yes\nX\0\x01\x02\n", 1, 24, f);
	fclose(f);
	free(p);
	l = load_dir(dir, NULL);
	d = sshd_config_first_error(l.cfg);
	assert_non_null(d);
	assert_int_equal(d->line, 3);
	assert_non_null(strstr(d->message, "binary"));
	unload(&l);
	tu_rmtree(dir);
	free(dir);

	/* A line longer than we read. */
	struct sbuf b = { 0 };
	sb_add(&b, "PasswordAuthentication yes\nBanner /etc/");
	for (int i = 0; i < SSHD_LINE_MAX; i++)
		sb_addc(&b, 'x');
	sb_add(&b, "\nPermitRootLogin yes\n");
	l = load_text(&dir, sb_str(&b), NULL);
	d = sshd_config_first_error(l.cfg);
	assert_non_null(d);
	assert_int_equal(d->line, 2);
	assert_non_null(strstr(d->message, "longer"));
	assert_int_equal(sshd_config_line(l.cfg, 0, 2)->kind, SSHD_LINE_BAD);
	/* The lines around it still parse. */
	expect(l.cfg, SSHD_PERMIT_ROOT_LOGIN, "yes", "/etc/ssh/sshd_config", 3);
	unload(&l);
	tu_rmtree(dir);
	free(dir);
	sb_free(&b);
}

static void test_include_depth_limit(void **state)
{
	(void)state;
	/* A chain of 18 files (no loop) is deeper than sshd allows. */
	char *dir = tu_mkdtemp("sshd-deep");
	for (int i = 0; i < 18; i++) {
		char *p = i == 0 ? xasprintf("%s/etc/ssh/sshd_config", dir)
				 : xasprintf("%s/etc/ssh/d/%02d.conf", dir, i);
		char *text = xasprintf("Include /etc/ssh/d/%02d.conf\n", i + 1);
		tu_write_file(p, text);
		free(text);
		free(p);
	}
	struct loaded l = load_dir(dir, NULL);
	const struct sshd_diag *d = sshd_config_first_error(l.cfg);
	assert_non_null(d);
	assert_string_equal(d->path, "/etc/ssh/d/16.conf");
	assert_non_null(strstr(d->message, "16"));
	assert_int_equal(l.cfg->nfiles, 17);
	unload(&l);
	tu_rmtree(dir);
	free(dir);
}

/* Writes config text and an openssh-server package of version (a Debian
 * version string; NULL: none) into a new temporary root and loads it. */
static struct loaded load_text_version(char **dir, const char *text, const char *version)
{
	*dir = tu_mkdtemp("sshd-ver");
	char *p = xasprintf("%s/etc/ssh/sshd_config", *dir);
	tu_write_file(p, text);
	free(p);
	if (version) {
		p = xasprintf("%s/var/lib/dpkg/status", *dir);
		char *st = xasprintf("Package: openssh-server\nStatus: install ok installed\n"
				     "Version: %s\n\n",
				     version);
		tu_write_file(p, st);
		free(st);
		free(p);
	}
	return load_dir(*dir, NULL);
}

/* The first diagnostic containing what, or NULL. */
static const struct sshd_diag *find_diag(const struct sshd_config *cfg, const char *what)
{
	for (size_t i = 0; i < cfg->ndiags; i++)
		if (strstr(cfg->diags[i].message, what))
			return &cfg->diags[i];
	return NULL;
}

/* Loads text for a release and asserts whether sshd refuses it, and that
 * a diagnostic names what. */
static void expect_verdict(const char *text, const char *version, bool refused, const char *what)
{
	char *dir = NULL;
	struct loaded l = load_text_version(&dir, text, version);
	/* "": nothing to say at all. */
	const struct sshd_diag *d = *what ? find_diag(l.cfg, what) : NULL;
	if ((*what && !d) || (!*what && l.cfg->ndiags) || (l.cfg->nrefusals > 0) != refused) {
		print_error("%s (OpenSSH %s):\n", text, version ? version : "unknown");
		dump_diags(l.cfg);
	}
	if (*what) {
		assert_non_null(d);
		assert_int_equal(d->refuses, refused);
	} else {
		assert_int_equal(l.cfg->ndiags, 0);
	}
	assert_int_equal(l.cfg->nrefusals > 0, refused);
	assert_int_equal(l.cfg->nerrors, l.cfg->nrefusals);
	unload(&l);
	tu_rmtree(dir);
	free(dir);
}

/* What sshd refuses to start on, per release, and what it only logs. */
static void test_keywords_per_release(void **state)
{
	(void)state;
	/* A typo: no release knows it. */
	expect_verdict("PermitEmptyPassword no\n", NULL, true, "Bad configuration option");
	expect_verdict("PermitEmptyPassword no\n", "1:9.2p1-2+deb12u3", true, "permitemptypassword");
	/* Deprecated, ignored and unsupported keywords are only logged. */
	expect_verdict("RhostsAuthentication no\n", "1:9.2p1-2+deb12u3", false, "deprecated");
	expect_verdict("PAMAuthenticationViaKBDInt no\n", "1:9.2p1-2", false, "deprecated");
	expect_verdict("KerberosTgtPassing no\n", "1:9.2p1-2", false, "unsupported");
	/* ... until the release that dropped it. */
	expect_verdict("PAMAuthenticationViaKBDInt no\n", "1:10.4p1-1", true, "after 10.3");
	expect_verdict("PAMAuthenticationViaKBDInt no\n", NULL, false, "after 10.3");
	/* Aliases. */
	expect_verdict("ChallengeResponseAuthentication no\nKbdInteractiveAuthentication no\n"
		       "SKeyAuthentication no\nPubkeyAcceptedKeyTypes +ssh-rsa\nKeepAlive yes\nBad x\n",
		       "1:9.2p1-2", true, "Bad configuration option: bad");
	/* Include arrived in 8.2 (RHEL 8 has 8.0). */
	expect_verdict("Include /etc/ssh/sshd_config.d/*.conf\n", "8.0p1-19.el8", true,
		       "needs OpenSSH 8.2");
	/* Subsystem: refused inside Match and defined twice before 9.5. */
	expect_verdict("Match User x\n\tSubsystem sftp internal-sftp\n", "1:9.2p1-2", true,
		       "not allowed within a Match block");
	expect_verdict("Match User x\n\tSubsystem sftp internal-sftp\n", "1:9.6p1-3", false, "");
	expect_verdict("Subsystem sftp internal-sftp\nSubsystem sftp /x\n", "1:9.2p1-2", true,
		       "already defined");
	expect_verdict("Subsystem sftp internal-sftp\nSubsystem sftp /x\n", NULL, false, "9.5");
	/* Global-only keywords inside Match. */
	expect_verdict("Match User x\n\tCiphers aes128-ctr\n", "1:9.2p1-2", true, "'ciphers'");
	/* Match criteria. */
	expect_verdict("Match Invalid-User\n\tPasswordAuthentication no\n", "1:9.2p1-2", true,
		       "needs OpenSSH 9.9");
	expect_verdict("Match Invalid-User\n\tPasswordAuthentication no\n", "1:10.0p1-1", false,
		       "");
	expect_verdict("Match Users root\n\tPasswordAuthentication no\n", NULL, true,
		       "Unsupported Match attribute Users");
	/* Algorithm names: unknown to every release, or only to this one. */
	expect_verdict("Ciphers +blowfish-cbc\n", NULL, true, "unsupported algorithm \"blowfish-cbc\"");
	expect_verdict("Ciphers -blowfish-cbc\nMACs hmac-sha2-256,umac-128@openssh.com\n", NULL,
		       false, "");
	expect_verdict("KexAlgorithms mlkem768x25519-sha256\n", "1:9.2p1-2", false,
		       "not in OpenSSH 9.2's list");
	expect_verdict("HostKeyAlgorithms ssh-ed25519*,rsa-sha2-*\n", "1:9.2p1-2", false, "");
	expect_verdict("HostKeyAlgorithms ssh-ed448\n", "1:9.2p1-2", true, "ssh-ed448");
	/* The release comes from the package database, else from the program. */
	char *dir = NULL;
	struct loaded l = load_text_version(&dir, "Port 22\n", "1:9.2p1-2+deb12u3");
	assert_int_equal(l.cfg->version, OPENSSH_V(9, 2));
	assert_string_equal(l.cfg->version_from, "/var/lib/dpkg/status");
	unload(&l);
	char *p = xasprintf("%s/usr/sbin/sshd", dir);
	tu_write_file(p, "\177ELF...\nOpenSSH_8.0p1, OpenSSL 1.1.1k\n");
	free(p);
	p = xasprintf("%s/var/lib/dpkg/status", dir);
	unlink(p);
	free(p);
	l = load_dir(dir, NULL);
	assert_int_equal(l.cfg->version, OPENSSH_V(8, 0));
	assert_string_equal(l.cfg->version_from, "/usr/sbin/sshd");
	unload(&l);
	tu_rmtree(dir);
	free(dir);
}

/* A warning leaves the values readable. */
static void test_warnings_do_not_block(void **state)
{
	(void)state;
	char *dir = NULL;
	struct loaded l = load_text(&dir,
				    "RhostsRSAAuthentication no\n"
				    "Match User root\n"
				    "\tSubsystem sftp internal-sftp\n",
				    NULL);
	assert_int_equal(l.cfg->nerrors, 0);
	assert_int_equal(l.cfg->ndiags, 2);
	assert_int_equal(l.cfg->diags[0].level, SSHD_DIAG_WARNING);
	assert_non_null(strstr(l.cfg->diags[0].message, "rhostsrsaauthentication is deprecated"));
	assert_non_null(strstr(l.cfg->diags[1].message, "9.5"));
	/* The Match one counts (9.5+). */
	expect(l.cfg, SSHD_PASSWORD_AUTH, "yes", NULL, 0);
	expect(l.cfg, SSHD_SUBSYSTEM_SFTP, "internal-sftp", "/etc/ssh/sshd_config", 3);
	unload(&l);
	tu_rmtree(dir);
	free(dir);

	/* A second Subsystem sftp, release unknown: OpenSSH 9.5+ keeps the
	 * first, older releases refuse to start; a warning, not an error. */
	l = load_text(&dir, "Subsystem sftp /usr/lib/openssh/sftp-server\nSubsystem sftp internal-sftp\n",
		      NULL);
	assert_int_equal(l.cfg->nerrors, 0);
	assert_int_equal(l.cfg->ndiags, 1);
	assert_int_equal(l.cfg->diags[0].line, 2);
	assert_non_null(strstr(l.cfg->diags[0].message, "9.5"));
	expect(l.cfg, SSHD_SUBSYSTEM_SFTP, "/usr/lib/openssh/sftp-server", "/etc/ssh/sshd_config", 1);
	unload(&l);
	tu_rmtree(dir);
	free(dir);
}

static void test_match_host_and_local_criteria(void **state)
{
	(void)state;
	const char *text = "Match Host 10.1.*\n"
			   "\tPasswordAuthentication no\n"
			   "Match LocalPort 2222\n"
			   "\tPermitRootLogin no\n"
			   "Match LocalAddress 192.0.2.0/24\n"
			   "\tKbdInteractiveAuthentication no\n";
	char *dir = NULL;
	/* Without UseDNS, Host is matched against the address. */
	struct sshd_conn c = { .user = "root", .addr = "10.1.2.3", .lport = 22 };
	struct loaded l = load_text(&dir, text, &c);
	expect(l.cfg, SSHD_PASSWORD_AUTH, "no", "/etc/ssh/sshd_config", 2);
	expect(l.cfg, SSHD_PERMIT_ROOT_LOGIN, "prohibit-password", NULL, 0);
	assert_int_equal(l.cfg->blocks[1].applies, SSHD_NO);
	/* The local address is unknown. */
	assert_int_equal(l.cfg->blocks[2].applies, SSHD_MAYBE);
	assert_string_equal(l.cfg->blocks[2].unknown, "LocalAddress");
	assert_int_equal(sshd_config_get(l.cfg, SSHD_KBD_INTERACTIVE)->nalts, 1);
	unload(&l);
	tu_rmtree(dir);
	free(dir);

	/* With UseDNS the host name is unknown unless given. */
	l = load_text(&dir, "UseDNS yes\nMatch Host *.example.com\n\tPasswordAuthentication no\n", &c);
	assert_int_equal(l.cfg->blocks[0].applies, SSHD_MAYBE);
	assert_string_equal(l.cfg->blocks[0].unknown, "Host");
	unload(&l);
	struct sshd_conn named = { .user = "root", .host = "PS1.Example.COM", .addr = "10.1.2.3" };
	l = load_dir(dir, &named);
	assert_int_equal(l.cfg->blocks[0].applies, SSHD_YES);
	expect(l.cfg, SSHD_PASSWORD_AUTH, "no", "/etc/ssh/sshd_config", 3);
	unload(&l);
	tu_rmtree(dir);
	free(dir);

	/* "Match all" applies at start-up and per connection. */
	l = load_text(&dir, "Match User nobody\n\tPasswordAuthentication yes\nMatch all\n"
			    "\tPasswordAuthentication no\n\tUsePAM yes\n", NULL);
	assert_int_equal(l.cfg->nerrors, 0);
	expect(l.cfg, SSHD_PASSWORD_AUTH, "no", "/etc/ssh/sshd_config", 4);
	expect(l.cfg, SSHD_USE_PAM, "yes", "/etc/ssh/sshd_config", 5);
	unload(&l);
	tu_rmtree(dir);
	free(dir);
}

static void test_pattern_and_address_lists(void **state)
{
	(void)state;
	assert_int_equal(sshd_match_pattern_list("root", "root", false), 1);
	assert_int_equal(sshd_match_pattern_list("root", "r??t", false), 1);
	assert_int_equal(sshd_match_pattern_list("root", "*,!root", false), -1);
	assert_int_equal(sshd_match_pattern_list("root", "bob,alice", false), 0);
	assert_int_equal(sshd_match_pattern_list("root", "ROOT", false), 0);
	assert_int_equal(sshd_match_pattern_list("host.example.com", "*.EXAMPLE.com", true), 1);
	assert_int_equal(sshd_match_addr_list("10.1.2.3", "10.0.0.0/8"), 1);
	assert_int_equal(sshd_match_addr_list("11.1.2.3", "10.0.0.0/8"), 0);
	assert_int_equal(sshd_match_addr_list("10.1.2.3", "10.0.0.0/8,!10.1.2.3"), -1);
	assert_int_equal(sshd_match_addr_list("10.1.2.3", "!10.1.2.3,10.0.0.0/8"), -1);
	assert_int_equal(sshd_match_addr_list("10.1.2.3", "192.0.2.1,10.1.2.?"), 1);
	assert_int_equal(sshd_match_addr_list("10.1.2.34", "10.1.2.?"), 0);
	assert_int_equal(sshd_match_addr_list("fd00::5", "fd00::/8"), 1);
	assert_int_equal(sshd_match_addr_list("::ffff:10.1.2.3", "10.1.0.0/16"), 1);
	assert_int_equal(sshd_match_addr_list("10.1.2.3", "10.1.2.3/24"), -2);
	assert_int_equal(sshd_match_addr_list("10.1.2.3", "10.0.0.0/33"), -2);
	assert_int_equal(sshd_match_addr_list("10.1.2.3", "10.0.0.0/8,"), -2);
	assert_int_equal(sshd_match_addr_list(NULL, "10.0.0.0/8,192.0.2.*"), 0);
	assert_int_equal(sshd_match_addr_list(NULL, "!"), -2);
}

/* Real `sshd -T` output (OpenSSH 9.2) and the mixed-case spelling of 10.5. */
static void test_sshd_t_parser(void **state)
{
	(void)state;
	const char *old = "port 22\nport 2222\naddressfamily any\nlistenaddress [::]:22\n"
			  "usepam yes\npermitrootlogin without-password\npasswordauthentication no\n"
			  "kbdinteractiveauthentication no\n"
			  "subsystem sftp /usr/lib/openssh/sftp-server -l INFO\n";
	struct sshd_t t;
	assert_int_equal(sshd_t_parse(old, &t, NULL), 0);
	assert_string_equal(sshd_t_get(&t, "PermitRootLogin"), "prohibit-password");
	char *v = sshd_t_value(&t, SSHD_PERMIT_ROOT_LOGIN);
	assert_string_equal(v, "prohibit-password");
	free(v);
	v = sshd_t_value(&t, SSHD_PASSWORD_AUTH);
	assert_string_equal(v, "no");
	free(v);
	v = sshd_t_value(&t, SSHD_SUBSYSTEM_SFTP);
	assert_string_equal(v, "/usr/lib/openssh/sftp-server -l INFO");
	free(v);
	v = sshd_t_value(&t, SSHD_PORT);
	assert_string_equal(v, "22 2222");
	free(v);
	assert_null(sshd_t_subsystem(&t, "SFTP"));
	sshd_t_free(&t);

	const char *mixed = "Port 22\r\nUsePAM yes\r\nPermitRootLogin prohibit-password\r\n"
			    "PasswordAuthentication yes\r\nKbdInteractiveAuthentication yes\r\n"
			    "Subsystem sftp internal-sftp\r\n";
	assert_int_equal(sshd_t_parse(mixed, &t, NULL), 0);
	v = sshd_t_value(&t, SSHD_PERMIT_ROOT_LOGIN);
	assert_string_equal(v, "prohibit-password");
	free(v);
	v = sshd_t_value(&t, SSHD_KBD_INTERACTIVE);
	assert_string_equal(v, "yes");
	free(v);
	v = sshd_t_value(&t, SSHD_SUBSYSTEM_SFTP);
	assert_string_equal(v, "internal-sftp");
	free(v);
	sshd_t_free(&t);

	char *cause = NULL;
	assert_int_equal(sshd_t_parse("\n\n", &t, &cause), -1);
	assert_non_null(cause);
	free(cause);
	sshd_t_free(&t);
}

/* ---- differential test against the real sshd ---- */

/* Rewrites the Include lines of file so that their paths point into the
 * copy at root (sshd resolves them on this machine). */
static void rewrite_includes(const char *file, const char *root)
{
	char *text = tu_read_file(file, NULL);
	struct sbuf out = { 0 };
	bool changed = false;
	for (char *p = text; *p;) {
		char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *line = xstrndup(p, n);
		bool cr = n > 0 && line[n - 1] == '\r';
		if (cr)
			line[n - 1] = '\0';
		const char *s = line + strspn(line, " \t");
		if (strncasecmp(s, "include", 7) == 0 && (s[7] == ' ' || s[7] == '\t')) {
			sb_addn(&out, line, (size_t)(s - line));
			sb_add(&out, "Include");
			char *args = xstrdup(s + 8);
			for (char *save = NULL, *a = strtok_r(args, " \t", &save); a;
			     a = strtok_r(NULL, " \t", &save))
				sb_printf(&out, " %s%s%s", root, a[0] == '/' ? "" : "/etc/ssh/", a);
			free(args);
			changed = true;
		} else {
			sb_add(&out, line);
		}
		if (cr)
			sb_addc(&out, '\r');
		if (nl)
			sb_addc(&out, '\n');
		free(line);
		p = nl ? nl + 1 : p + n;
	}
	if (changed)
		tu_write_file(file, sb_str(&out));
	sb_free(&out);
	free(text);
}

/* Copies a fixture to dir/name with its includes rewritten; returns the
 * copy's root (caller frees). */
static char *copy_fixture(const char *dir, const char *name)
{
	char *copy = xasprintf("%s/%s", dir, name);
	assert_int_equal(tu_sh(NULL, "mkdir -p '%s' && cp -a '%s/%s/.' '%s/'", copy, FIX, name, copy), 0);
	char *list = NULL;
	assert_int_equal(tu_sh(&list, "find '%s/etc' -type f", copy), 0);
	for (char *save = NULL, *f = strtok_r(list, "\n", &save); f; f = strtok_r(NULL, "\n", &save))
		rewrite_includes(f, copy);
	free(list);
	return copy;
}

struct diff_state {
	char *dir;  /* temporary folder */
	char *key;  /* host key */
};

static int diff_setup(void **state)
{
	struct diff_state *s = xcalloc(1, sizeof *s);
	s->dir = tu_mkdtemp("sshd-diff");
	s->key = xasprintf("%s/hostkey", s->dir);
	*state = s;
	return 0;
}

static int diff_teardown(void **state)
{
	struct diff_state *s = *state;
	tu_rmtree(s->dir);
	free(s->dir);
	free(s->key);
	free(s);
	return 0;
}

/* Makes sure the real sshd -T can run here; fails loudly when it cannot. */
static void require_sshd(struct diff_state *s)
{
	if (access(SSHD, X_OK) != 0) {
		print_error("%s is missing: install openssh-server (the differential test needs it)\n",
			    SSHD);
		fail();
	}
	/* sshd -T wants its privilege separation folder. */
	mkdir("/run/sshd", 0755);
	struct stat st;
	if (stat(s->key, &st) != 0) {
		char *out = NULL;
		int rc = tu_sh(&out, "ssh-keygen -q -t ed25519 -N '' -f '%s' 2>&1", s->key);
		if (rc != 0)
			print_error("ssh-keygen failed (%d): %s\n", rc, out ? out : "");
		free(out);
		assert_int_equal(rc, 0);
	}
}

/* Runs the real sshd -T on a config and parses it; fails on any error. */
static void real_sshd_t(struct diff_state *s, const char *config, const char *addr, struct sshd_t *t)
{
	char *out = NULL;
	int rc = tu_sh(&out, "%s -T -f '%s' -h '%s' -C user=root,host=x,addr=%s,laddr=127.0.0.1,lport=22 2>&1",
		       SSHD, config, s->key, addr);
	if (rc != 0) {
		print_error("sshd -T failed (exit %d) on %s (not root? no /run/sshd?):\n%s\n", rc, config,
			    out ? out : "");
		fail();
	}
	char *cause = NULL;
	if (sshd_t_parse(out, t, &cause) != 0)
		print_error("%s\n", cause);
	assert_null(cause);
	free(out);
}

static void compare_key(const struct sshd_config *cfg, const struct sshd_t *t, enum sshd_key key,
			const char *fixture, const char *addr)
{
	const struct sshd_setting *s = sshd_config_get(cfg, key);
	char *real = sshd_t_value(t, key);
	bool same = (!real && !s->value) || (real && s->value && strcmp(real, s->value) == 0);
	if (!same)
		print_error("%s, addr %s: %s: sshd -T says %s, we say %s\n", fixture, addr,
			    sshd_key_name(key), real ? real : "(none)", s->value ? s->value : "(none)");
	assert_true(same);
	free(real);
}

static void test_differential_against_real_sshd(void **state)
{
	struct diff_state *s = *state;
	require_sshd(s);
	static const struct {
		const char *fixture;
		const char *addrs[4];
	} cases[] = {
		{ "debian-cloud", { "192.0.2.10" } },
		{ "rhel9", { "192.0.2.10" } },
		{ "match-user", { "192.0.2.10" } },
		{ "match-address", { "10.1.2.3", "10.9.9.9", "192.0.2.10", "198.51.100.1" } },
		{ "duplicates", { "192.0.2.10" } },
		{ "crlf", { "192.0.2.10" } },
		{ "uppercase", { "203.0.113.9", "198.51.100.7" } },
		{ "equals", { "192.0.2.10" } },
		{ "quoted-sftp", { "192.0.2.10" } },
		{ "missing-sftp", { "192.0.2.10" } },
		{ "include-in-match", { "192.0.2.10" } },
		{ "relative-include", { "192.0.2.10" } },
		{ "open-match", { "192.0.2.10" } },
		{ "match-group", { "192.0.2.10" } },
		{ "nested-match", { "192.0.2.10" } },
		{ "service-port2222", { "192.0.2.10" } },
		{ "auth-methods", { "10.1.2.3", "10.9.9.9", "192.0.2.10" } },
	};
	static const enum sshd_key keys[] = { SSHD_PASSWORD_AUTH, SSHD_PERMIT_ROOT_LOGIN,
					      SSHD_KBD_INTERACTIVE, SSHD_SUBSYSTEM_SFTP, SSHD_USE_PAM,
					      SSHD_PORT, SSHD_AUTH_METHODS };
	int compared = 0;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char *copy = copy_fixture(s->dir, cases[i].fixture);
		char *config = xasprintf("%s/etc/ssh/sshd_config", copy);
		for (size_t a = 0; a < 4 && cases[i].addrs[a]; a++) {
			const char *addr = cases[i].addrs[a];
			struct sshd_conn c = { .user = "root", .host = "x", .addr = addr,
					       .laddr = "127.0.0.1", .lport = 22 };
			struct loaded l = load_fixture(cases[i].fixture, &c);
			dump_diags(l.cfg);
			assert_int_equal(l.cfg->nerrors, 0);
			struct sshd_t t;
			real_sshd_t(s, config, addr, &t);
			for (size_t k = 0; k < ARRAY_LEN(keys); k++) {
				compare_key(l.cfg, &t, keys[k], cases[i].fixture, addr);
				compared++;
			}
			sshd_t_free(&t);
			unload(&l);
		}
		free(config);
		free(copy);
	}
	assert_int_equal(compared, (int)ARRAY_LEN(keys) * 23);
}

/* AuthenticationMethods: first value wins, Match overrides, and whether a
 * password alone is enough (the push install's login). */
static void test_authentication_methods(void **state)
{
	(void)state;
	struct sshd_conn c = { .user = "root", .addr = "192.0.2.10", .lport = 22 };
	struct loaded l = load_fixture("auth-methods", &c);
	expect(l.cfg, SSHD_AUTH_METHODS, "publickey,password", "/etc/ssh/sshd_config", 4);
	assert_false(sshd_auth_methods_allow(sshd_config_get(l.cfg, SSHD_AUTH_METHODS)->value,
					     "password"));
	unload(&l);
	c.addr = "10.1.2.3";
	l = load_fixture("auth-methods", &c);
	expect(l.cfg, SSHD_AUTH_METHODS, "publickey,password password", "/etc/ssh/sshd_config", 8);
	assert_true(sshd_auth_methods_allow(sshd_config_get(l.cfg, SSHD_AUTH_METHODS)->value,
					    "password"));
	unload(&l);
	l = load_fixture("rhel9", &c);
	expect(l.cfg, SSHD_AUTH_METHODS, "any", NULL, 0);
	unload(&l);
	assert_true(sshd_auth_methods_allow("any", "password"));
	assert_true(sshd_auth_methods_allow(NULL, "password"));
	assert_true(sshd_auth_methods_allow("keyboard-interactive:pam", "keyboard-interactive"));
	assert_false(sshd_auth_methods_allow("keyboard-interactive:pam,password", "keyboard-interactive"));
	assert_false(sshd_auth_methods_allow("password,password", "password"));
	assert_false(sshd_auth_methods_allow("passwords", "password"));
	assert_true(sshd_auth_methods_allow("publickey password", "password"));
	expect_error("AuthenticationMethods any publickey\n", 1, "\"any\" must appear alone");
	expect_error("AuthenticationMethods publickey,passwd\n", 1, "invalid method list");
	expect_error("AuthenticationMethods publickey,\n", 1, "invalid method list");
}

/* Configurations sshd refuses are errors for us too. */
static void test_differential_rejections(void **state)
{
	struct diff_state *s = *state;
	require_sshd(s);
	static const char *const bad[] = {
		"PasswordAuthentication maybe\n",
		"PasswordAuthentication no yes\n",
		"PermitRootLogin sometimes\n",
		"Match User root\n\tUsePAM yes\n",
		"Match Address 10.1.1.1/24\n\tPasswordAuthentication no\n",
		"Match all User root\n",
		"Subsystem sftp \"/usr/lib/openssh/sftp-server\n",
		"Port 0\n",
		"AuthenticationMethods any publickey\n",
		"AuthenticationMethods publickey,passwd\n",
		"AuthenticationMethods publickey,,password\n",
	};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		char *dir = NULL;
		struct loaded l = load_text(&dir, bad[i], NULL);
		assert_true(l.cfg->nerrors > 0);
		char *out = NULL;
		int rc = tu_sh(&out, "%s -t -f '%s/etc/ssh/sshd_config' -h '%s' 2>&1", SSHD, dir, s->key);
		if (rc == 0)
			print_error("sshd accepted: %s\n", bad[i]);
		assert_int_not_equal(rc, 0);
		free(out);
		unload(&l);
		tu_rmtree(dir);
		free(dir);
	}
	/* Keywords, aliases, deprecated options, Subsystem, Match criteria
	 * and algorithm names: our verdict for this machine's own release
	 * (its openssh-server package written into the root) is sshd's. */
	char *release = NULL;
	assert_int_equal(tu_sh(&release, "dpkg-query -W -f '${Version}' openssh-server"), 0);
	assert_true(release && *release);
	static const char *const judged[] = {
		"PermitEmptyPassword no\n",
		"RhostsAuthentication no\nPAMAuthenticationViaKBDInt no\nProtocol 2\n"
		"KerberosTgtPassing no\nRSAAuthentication no\nUsePrivilegeSeparation sandbox\n",
		"ChallengeResponseAuthentication no\nSKeyAuthentication no\n"
		"PubkeyAcceptedKeyTypes +ssh-rsa\nKeepAlive yes\nDSAAuthentication no\n",
		"Subsystem sftp internal-sftp\nSubsystem sftp /usr/lib/openssh/sftp-server\n",
		"Match User x\n\tSubsystem sftp internal-sftp\n",
		"Match User x\n\tCiphers aes128-ctr\n",
		"Match User x\n\tPort 2222\n",
		"Match all\n\tPort 2222\n",
		"Ciphers +blowfish-cbc\n",
		"Ciphers -blowfish-cbc\n",
		"MACs hmac-sha2-256,umac-128@openssh.com\n",
		"KexAlgorithms +diffie-hellman-group1-sha1,curve25519-sha256@libssh.org\n",
		"HostKeyAlgorithms ssh-ed25519*,rsa-sha2-*\n",
		"HostKeyAlgorithms ssh-ed448\n",
		"Match Users root\n",
		"Match Invalid-User\n\tPasswordAuthentication no\n",
		"Match LocalPort 22 Version 9\n",
		"AuthenticationMethods publickey,password keyboard-interactive:pam\n",
		"Include /nonexistent/*.conf\nLogVerbose kex.c:*\n",
		"ChannelTimeout session=5m\nUnusedConnectionTimeout 1h\n",
	};
	for (size_t i = 0; i < ARRAY_LEN(judged); i++) {
		char *dir = NULL;
		struct loaded l = load_text_version(&dir, judged[i], release);
		bool ours = l.cfg->nrefusals > 0;
		char *out = NULL;
		int rc = tu_sh(&out, "%s -t -f '%s/etc/ssh/sshd_config' -h '%s' 2>&1", SSHD, dir,
			       s->key);
		if (ours != (rc != 0)) {
			print_error("OpenSSH %s: sshd -t exit %d, we say %s:\n%s---\n%s", release, rc,
				    ours ? "refused" : "accepted", judged[i], out);
			dump_diags(l.cfg);
		}
		assert_int_equal(ours, rc != 0);
		free(out);
		unload(&l);
		tu_rmtree(dir);
		free(dir);
	}
	free(release);
	/* And the include loop fixture. */
	char *copy = copy_fixture(s->dir, "include-loop");
	char *out = NULL;
	int rc = tu_sh(&out, "%s -t -f '%s/etc/ssh/sshd_config' -h '%s' 2>&1", SSHD, copy, s->key);
	assert_int_not_equal(rc, 0);
	assert_non_null(strstr(out, "recursive"));
	free(out);
	free(copy);
}

/* Wildcards agree with fnmatch (without classes) on random patterns, and
 * a hostile pattern is matched at once. */
static void test_wildcards_agree_with_fnmatch(void **state)
{
	(void)state;
	unsigned seed = 12345;
	const char alpha[] = "ab*?";
	for (int n = 0; n < 20000; n++) {
		char pat[12], str[12];
		int pl = (int)((seed = seed * 1103515245 + 12345) >> 16) % 10;
		int sl = (int)((seed = seed * 1103515245 + 12345) >> 16) % 10;
		for (int i = 0; i < pl; i++)
			pat[i] = alpha[((seed = seed * 1103515245 + 12345) >> 16) % 4];
		for (int i = 0; i < sl; i++)
			str[i] = alpha[((seed = seed * 1103515245 + 12345) >> 16) % 2];
		pat[pl] = str[sl] = '\0';
		if (!pl)
			continue;
		int want = fnmatch(pat, str, 0) == 0;
		int got = sshd_match_pattern_list(str, pat, false) == 1;
		if (want != got)
			print_error("pattern '%s' on '%s': %d, fnmatch %d\n", pat, str, got, want);
		assert_int_equal(got, want);
	}
	char hostile[64], name[64];
	for (int i = 0; i < 20; i++) {
		hostile[2 * i] = '*';
		hostile[2 * i + 1] = 'a';
	}
	hostile[40] = 'b';
	hostile[41] = '\0';
	memset(name, 'a', 50);
	name[50] = '\0';
	assert_int_equal(sshd_match_pattern_list(name, hostile, false), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wildcards_agree_with_fnmatch),
		cmocka_unit_test(test_debian_cloud_dropin_wins),
		cmocka_unit_test(test_rhel9_redhat_dropin),
		cmocka_unit_test(test_match_user_root_overrides),
		cmocka_unit_test(test_match_address_known),
		cmocka_unit_test(test_match_address_unknown_is_uncertain),
		cmocka_unit_test(test_duplicates_first_wins),
		cmocka_unit_test(test_crlf_file),
		cmocka_unit_test(test_uppercase_keywords),
		cmocka_unit_test(test_keyword_equals_value),
		cmocka_unit_test(test_quoted_subsystem),
		cmocka_unit_test(test_include_inside_match),
		cmocka_unit_test(test_nested_match_through_includes),
		cmocka_unit_test(test_relative_include),
		cmocka_unit_test(test_open_match_ends_with_included_file),
		cmocka_unit_test(test_include_loop_is_an_error),
		cmocka_unit_test(test_match_group_from_etc_group),
		cmocka_unit_test(test_match_group_membership),
		cmocka_unit_test(test_missing_main_file),
		cmocka_unit_test(test_errors_have_file_and_line),
		cmocka_unit_test(test_unreadable_include_and_binary_and_long_lines),
		cmocka_unit_test(test_include_depth_limit),
		cmocka_unit_test(test_warnings_do_not_block),
		cmocka_unit_test(test_keywords_per_release),
		cmocka_unit_test(test_match_host_and_local_criteria),
		cmocka_unit_test(test_pattern_and_address_lists),
		cmocka_unit_test(test_sshd_t_parser),
		cmocka_unit_test(test_authentication_methods),
		cmocka_unit_test_setup_teardown(test_differential_against_real_sshd, diff_setup,
						diff_teardown),
		cmocka_unit_test_setup_teardown(test_differential_rejections, diff_setup, diff_teardown),
	};
	return cmocka_run_group_tests_name("sshd_config", tests, NULL, NULL);
}
