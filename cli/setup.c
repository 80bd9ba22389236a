/* setup.c: what several commands share: the article, the target, the
 * session of checks. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli/cli.h"
#include "engine/content.h"
#include "engine/runner.h"

void cli_error(const char *fmt, ...)
{
	va_list ap;
	fputs("asr-doctor: ", stderr);
	va_start(ap, fmt);
	char *m = xvasprintf(fmt, ap);
	va_end(ap);
	/* Messages quote journals, documents and files of the machine. */
	util_fputs(m, stderr);
	free(m);
	fputc('\n', stderr);
}

int cli_width(void)
{
	struct winsize ws;
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
		return ws.ws_col;
	const char *c = getenv("COLUMNS");
	long v;
	if (c && str_to_long(c, &v) && v >= 20 && v <= 1000)
		return (int)v;
	return 80;
}

struct doc *cli_load_doc(const struct options *o)
{
	char *cause = NULL;
	struct doc *d = o->doc_path ? doc_load_file(o->doc_path, &cause)
				    : doc_load_builtin(lang_code(o->lang), &cause);
	if (!d) {
		cli_error("%s", cause);
		free(cause);
	}
	return d;
}

struct target *cli_target(struct options *o)
{
	char *cause = NULL;
	const char *root = o->root;
	if (o->target)
		return cli_ssh_target(o);
	if (o->demo) {
		char *dir = cli_demo_sandbox(o->demo_windows ? "demo-windows/" : "demo/");
		if (!dir)
			return NULL;
		o->demo_dir = dir;
		root = dir;
	}
	if (!root)
		return target_local_new();
	struct target *t = target_root_new(root, &cause);
	if (!t) {
		cli_error("%s", cause);
		free(cause);
		return NULL;
	}
	if (o->demo) {
		free(t->name);
		t->name = xasprintf(o->demo_windows ? "demo Windows disk %s" : "demo sandbox %s",
				    o->demo_dir);
	}
	return t;
}

struct check_ctx cli_check_ctx(const struct options *o, struct target *t)
{
	struct check_ctx c = { .t = t, .server = o->server, .account = o->account,
			       .timeout_ms = (o->timeout_s > 0 ? o->timeout_s : 5) * 1000 };
	return c;
}

struct codemap *cli_codemap(struct doc *d)
{
	char *cause = NULL;
	struct codemap *m = codemap_new(d, NULL, &cause);
	if (!m) {
		cli_error("%s", cause);
		free(cause);
	}
	return m;
}

struct session *cli_session(struct doc *d)
{
	char *cause = NULL;
	struct session *s = session_new(d, NULL, &cause);
	if (!s) {
		cli_error("%s", cause);
		free(cause);
	}
	return s;
}

struct session *cli_doc_session(const struct options *o, struct doc **d)
{
	*d = cli_load_doc(o);
	struct session *s = *d ? cli_session(*d) : NULL;
	if (!s) {
		doc_free(*d);
		*d = NULL;
	}
	return s;
}

void cli_run_checks(struct session *s, const struct options *o, struct target *t, const size_t *idx,
		    size_t n)
{
	if (!idx)
		n = s->nbindings;
	/* An array of pointers: sizeof *defs is the pointer's size. */
	const struct check_def **defs =
	        xcalloc(n ? n : 1, sizeof *defs); /* NOLINT(bugprone-sizeof-expression) */
	for (size_t i = 0; i < n; i++)
		defs[i] = s->bindings[idx ? idx[i] : i].check;
	struct check_ctx ctx = cli_check_ctx(o, t);
	struct runner *r = runner_start(defs, n, &ctx, 4, 60000);
	while (runner_pending(r) > 0) {
		runner_wait(r, 500);
		struct check_result got[16];
		size_t k;
		while ((k = runner_poll(r, got, ARRAY_LEN(got))) > 0)
			for (size_t i = 0; i < k; i++)
				session_store(s, &got[i]);
	}
	runner_free(r);
	free(defs);
	cli_exit_if_lost(t);
}
