/* misc_testlib.h: small helpers shared by the suites of the OS, space,
 * account, network, agent and Windows checks: running a check on a
 * fixture root, finding evidence, and a stand-in target that replays
 * recorded command output. Header-only (static inline) so each suite
 * stays one file. */
#ifndef ASR_MISC_TESTLIB_H
#define ASR_MISC_TESTLIB_H

#include "support/testutil.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/check.h"
#include "engine/util/util.h"

/* A target on a fixture folder; fails the test when it cannot be made. */
static inline struct target *tl_root(const char *dir)
{
	char *cause = NULL;
	struct target *t = target_root_new(dir, &cause);
	if (!t) {
		print_error("%s\n", cause);
		free(cause);
	}
	assert_non_null(t);
	return t;
}

/* Runs check id against t (with server, may be NULL) into r. */
static inline void tl_run_t(struct target *t, const char *id, const char *server,
			    struct check_result *r)
{
	const struct check_def *c = check_find(id);
	if (!c)
		print_error("no check %s in the registry\n", id);
	assert_non_null(c);
	struct check_ctx ctx = { .t = t, .server = server, .timeout_ms = 3000 };
	check_run_one(c, &ctx, r);
}

/* Runs check id on the fixture root dir into r. */
static inline void tl_run(const char *dir, const char *id, struct check_result *r)
{
	struct target *t = tl_root(dir);
	tl_run_t(t, id, NULL, r);
	target_free(t);
}

/* Prints a result, so a failing assertion shows what the check said. */
static inline void tl_dump(const struct check_result *r)
{
	print_message("  [%s] %s: %s\n", status_name(r->status), r->check_id,
		      r->finding ? r->finding : "");
	for (size_t i = 0; i < r->nev; i++) {
		const struct evidence *e = &r->ev[i];
		if (e->kind == EV_FILE)
			print_message("    file %s:%d: %s\n", e->path, e->line, e->text);
		else if (e->kind == EV_COMMAND)
			print_message("    run %s (exit %d)\n", e->command, e->exit_status);
		else
			print_message("    note %s\n", e->text);
	}
}

/* Asserts the status, dumping the result first when it differs. */
static inline void tl_status(const struct check_result *r, enum status want)
{
	if (r->status != want) {
		print_error("expected status %s\n", status_name(want));
		tl_dump(r);
	}
	assert_int_equal(r->status, want);
}

/* Asserts that the finding contains needle. */
static inline void tl_finding_has(const struct check_result *r, const char *needle)
{
	if (!r->finding || !strstr(r->finding, needle)) {
		print_error("finding lacks \"%s\"\n", needle);
		tl_dump(r);
	}
	assert_non_null(r->finding);
	assert_non_null(strstr(r->finding, needle));
}

/* The first evidence of kind whose text contains needle, or NULL. */
static inline const struct evidence *tl_ev(const struct check_result *r, enum ev_kind kind,
					   const char *needle)
{
	for (size_t i = 0; i < r->nev; i++)
		if (r->ev[i].kind == kind && r->ev[i].text && strstr(r->ev[i].text, needle))
			return &r->ev[i];
	return NULL;
}

/* Asserts that some evidence of kind contains needle and returns it. */
static inline const struct evidence *tl_ev_has(const struct check_result *r, enum ev_kind kind,
					       const char *needle)
{
	const struct evidence *e = tl_ev(r, kind, needle);
	if (!e) {
		print_error("no evidence with \"%s\"\n", needle);
		tl_dump(r);
	}
	assert_non_null(e);
	return e;
}

/* ---- a target that replays recorded command output ------------------ */

/* One recorded command: the command line (argv joined by spaces), the
 * file holding what it printed (NULL: nothing), and its exit status. */
struct tl_replay {
	const char *cmd;
	const char *out_file;
	const char *err_file;
	int status;
};

/* The recordings the stand-in target answers with (one test at a time). */
static const struct tl_replay *tl_replays;
static size_t tl_nreplays;
static int tl_unknown_commands;

/* target_ops.run of the stand-in: looks the command line up among the
 * recordings; an unknown command exits 9009 as cmd.exe does. */
static inline int tl_fake_run(struct target *t, const char *const argv[], int timeout_ms,
			      struct cmd_result *out)
{
	(void)t;
	(void)timeout_ms;
	struct sbuf line = { 0 };
	for (size_t i = 0; argv[i]; i++) {
		if (i)
			sb_addc(&line, ' ');
		sb_add(&line, argv[i]);
	}
	for (size_t i = 0; i < tl_nreplays; i++)
		if (strcmp(tl_replays[i].cmd, sb_str(&line)) == 0) {
			out->status = tl_replays[i].status;
			out->out = tl_replays[i].out_file
				       ? tu_read_file(tl_replays[i].out_file, NULL)
				       : xstrdup("");
			out->err = tl_replays[i].err_file
				       ? tu_read_file(tl_replays[i].err_file, NULL)
				       : xstrdup("");
			sb_free(&line);
			return 0;
		}
	print_message("    (no recording for: %s)\n", sb_str(&line));
	tl_unknown_commands++;
	out->status = 9009;
	out->out = xstrdup("");
	out->err = xasprintf("'%s' is not recognized as an internal or external command,\r\n"
			     "operable program or batch file.\r\n",
			     argv[0]);
	sb_free(&line);
	return 0;
}

/* The stand-in's operations: a fixture root's, with run replaced. */
static struct target_ops tl_replay_ops;

/* A target on dir that runs commands by replaying recs; os as given. */
static inline struct target *tl_replay_target(const char *dir, enum target_os os,
					      const struct tl_replay *recs, size_t n)
{
	struct target *t = tl_root(dir);
	tl_replay_ops = *t->ops;
	tl_replay_ops.run = tl_fake_run;
	t->ops = &tl_replay_ops;
	t->os = os;
	t->can_run = true;
	tl_replays = recs;
	tl_nreplays = n;
	tl_unknown_commands = 0;
	return t;
}

#endif
