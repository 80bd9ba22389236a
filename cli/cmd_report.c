/* cmd_report.c: `asr-doctor report [--json] [-o FILE]`: every check, the
 * machine's facts and the journal of applied fixes, for a support case;
 * plain text that fits 80 columns, or JSON (README "report --json"). */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "engine/change/apply.h"
#include "engine/facts.h"
#include "engine/change/journal.h"
#include "engine/report_doc.h"

/* Checks -o FILE before any check runs: not a folder, its folder exists.
 * Returns the absolute path to write (caller frees), or NULL after
 * printing why. */
static char *output_path(const char *path)
{
	struct stat st;
	if (!*path || str_ends(path, "/")) {
		cli_error("-o '%s': give a file name for the report, not a folder", path);
		return NULL;
	}
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		cli_error("-o %s: that is a folder; give a file name for the report", path);
		return NULL;
	}
	char *copy = xstrdup(path), *copy2 = xstrdup(path);
	const char *dir = dirname(copy);
	const char *base = basename(copy2);
	char *real = realpath(dir, NULL);
	char *out = NULL;
	if (!real)
		cli_error("-o %s: cannot use the folder %s: %s", path, dir, strerror(errno));
	else if (stat(real, &st) < 0 || !S_ISDIR(st.st_mode))
		cli_error("-o %s: %s is not a folder", path, dir);
	else
		out = xasprintf("%s/%s", strcmp(real, "/") == 0 ? "" : real, base);
	free(real);
	free(copy);
	free(copy2);
	return out;
}

/* The report as text (JSON or plain). Caller frees. */
static char *report_string(const struct report_input *in, const struct options *o, bool to_file)
{
	if (o->json) {
		char *j = report_json(in);
		char *r = xasprintf("%s\n", j);
		free(j);
		return r;
	}
	int width = 80;
	bool tty = !to_file && isatty(STDOUT_FILENO);
	if (tty && cli_width() < width)
		width = cli_width();
	struct render_opts ro = { .width = width, .utf8 = tty && !o->ascii, .wrap_code = true };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f) {
		cli_error("out of memory");
		exit(2);
	}
	report_text(in, &ro, f);
	fclose(f);
	/* The text report may be shown on a terminal (now or when read):
	 * control characters from the machine escaped; JSON stays exact. */
	struct sbuf esc = { 0 };
	util_escape(&esc, buf, true);
	free(buf);
	return sb_steal(&esc);
}

int cmd_report(struct options *o)
{
	if (o->argc > 0) {
		cli_error("report takes no operands ('%s'): it runs every check", o->argv[0]);
		return 2;
	}
	char *out = NULL;
	if (o->output && strcmp(o->output, "-") != 0 && !(out = output_path(o->output)))
		return 2;
	struct doc *d;
	struct session *s = cli_doc_session(o, &d);
	struct target *t = s ? cli_target(o) : NULL;
	if (!t) {
		session_free(s);
		doc_free(d);
		free(out);
		return 2;
	}
	cli_run_checks(s, o, t, NULL, 0);

	struct facts facts;
	facts_gather(t, &facts);
	char *jdir = o->journal ? xstrdup(o->journal) : journal_default_dir(t);
	struct journal *j = NULL;
	char *jcause = NULL;
	if (journal_list_for(t, jdir, &j, &jcause) < 0)
		j = NULL;
	struct report_input in = {
		.s = s,
		.t = t,
		.account = o->account,
		.facts = &facts,
		.journal = j ? j->entries : NULL,
		.njournal = j ? j->n : 0,
		.journal_dir = jdir,
		.journal_note = jcause,
	};
	char *text = report_string(&in, o, out != NULL);
	int rc = 0;
	if (out) {
		mode_t mask = umask(0);
		umask(mask);
		char *tmp = xasprintf("%s.tmp.%ld", out, (long)getpid());
		char *cause = NULL;
		/* A report names the machine's weak points: for its owner only. */
		if (hostfs_replace(&apply_fs_real, out, tmp, text, strlen(text), 0600 & ~mask, getuid(),
				  getgid(), &cause) < 0) {
			cli_error("cannot write the report: %s", cause);
			rc = 2;
		}
		free(cause);
		free(tmp);
	} else {
		fputs(text, stdout);
		if (fflush(stdout) != 0) {
			cli_error("cannot write the report: %s", strerror(errno));
			rc = 2;
		}
	}
	if (rc == 0)
		for (size_t i = 0; i < s->nbindings; i++)
			if (s->results[i].status == STATUS_FAIL || s->results[i].status == STATUS_ERROR)
				rc = 1;
	free(text);
	journal_close(j);
	free(jcause);
	free(jdir);
	facts_free(&facts);
	target_free(t);
	session_free(s);
	doc_free(d);
	free(out);
	return rc;
}
