/* cmd_wizard.c: starts the wizard: picks the language the terminal can
 * show, loads the article, binds the checks and hands over to tui/. */
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "cli/terminfo.h"
#include "tui/tui.h"

int cmd_wizard(struct options *o)
{
	if (o->argc) {
		cli_error("unexpected argument '%s'", o->argv[0]);
		return 2;
	}
	const char *note = NULL;
	if (o->lang == LANG_ZH && !o->doc_path) {
		const char *cs = nl_langinfo(CODESET);
		bool utf8 = cs && (str_ieq(cs, "UTF-8") || str_ieq(cs, "utf8"));
		if (!lang_terminal_cjk(getenv("TERM"), utf8, &note)) {
			o->lang = LANG_EN;
			msg_set_lang(LANG_EN);
		} else {
			note = NULL;
		}
	}
	/* Before curses starts: a built-in terminal description when this
	 * machine has none for $TERM (its note is for the status line). */
	const char *term_note = cli_terminfo_fallback();
	struct doc *d = cli_load_doc(o);
	if (!d)
		return 2;
	struct target *t = cli_target(o);
	if (!t) {
		doc_free(d);
		return 2;
	}
	struct session *s = cli_session(d);
	if (!s) {
		target_free(t);
		doc_free(d);
		return 2;
	}
	struct tui_config cfg = {
		.doc = d,
		.session = s,
		.ctx = cli_check_ctx(o, t),
		.auto_check = !o->no_auto_check,
		.ascii = o->ascii,
		.slow = o->slow,
		.lang_note = note,
		.term_note = term_note,
		.target_label = t->name,
	};
	int rc = tui_run(&cfg);
	session_free(s);
	target_free(t);
	doc_free(d);
	return rc;
}
