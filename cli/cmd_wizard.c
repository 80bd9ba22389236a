/* cmd_wizard.c: starts the wizard: picks the language the terminal can
 * show, loads the article, binds the checks, finds the journal, a saved
 * state to resume or a report to replay, and hands over to tui/. */
#include <errno.h>
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/terminfo.h"
#include "engine/fleet.h"
#include "engine/change/journal.h"
#include "engine/replay.h"
#include "engine/state.h"
#include "tui/tui.h"

/* Loads the article and session for a replay, in the report's language
 * unless --lang or --doc says otherwise. */
static bool load_replay(struct options *o, const char *json, struct doc **d, struct session **s,
			struct replay_info *info)
{
	for (int round = 0; round < 2; round++) {
		if (!(*s = cli_doc_session(o, d)))
			return false;
		char *cause = NULL;
		if (replay_load(json, *s, info, &cause) < 0) {
			cli_error("--replay %s: %s", o->replay, cause);
			free(cause);
			session_free(*s);
			doc_free(*d);
			return false;
		}
		enum lang want;
		if (round == 1 || o->lang_explicit || o->doc_path || !info->article_lang ||
		    !lang_parse(info->article_lang, &want) || want == o->lang)
			return true;
		/* The report was made in the other language: show it as it was. */
		replay_info_free(info);
		session_free(*s);
		doc_free(*d);
		o->lang = want;
		msg_set_lang(want);
	}
	return true;
}

/* Whether the state file was left by a demo run that did not quit (a
 * hang-up or a kill): the demo cannot resume it, and says so. */
static bool demo_run_was_cut(const char *state_path)
{
	struct app_state st;
	char *cause = NULL;
	if (state_load(state_path, &st, &cause) < 0) {
		free(cause);
		return false;
	}
	bool cut = !st.clean_exit && st.target_root && strstr(st.target_root, "/asr-doctor-demo-") &&
		   time(NULL) - st.time < STATE_MAX_AGE_S;
	app_state_free(&st);
	return cut;
}

/* Logs in on the wizard's screens (tui_login). */
static struct target *login_on_screen(void *arg, const struct tui_prompts *p,
				      struct tui_login_result *r)
{
	return cli_ssh_target_ui(arg, p, r);
}

/* The machine the wizard examines: a remote one is logged in to on the
 * wizard's own screens when the terminal can show them (the password
 * never shown, an unknown host key confirmed, a changed one a warning);
 * the others as every command makes them. */
static struct target *wizard_target(struct options *o, struct doc *d, const char *lang_note)
{
	const char *term = getenv("TERM");
	if (!o->target || !isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO) || !term || !*term ||
	    strcmp(term, "dumb") == 0)
		return cli_target(o);
	struct tui_config lc = {
		.doc = d,
		.ascii = o->ascii,
		.slow = o->slow,
		.lang_note = lang_note,
		.target_label = o->target,
	};
	char *why = NULL;
	struct target *t = tui_login(&lc, login_on_screen, o, &why);
	cli_login_notes_flush();
	/* The screen is gone: the cause stays in the terminal's scrollback. */
	if (!t && why)
		cli_error("%s", why);
	free(why);
	return t;
}

/* The wizard on one machine, or on one saved report (o->replay);
 * host_note, when not NULL, is shown in the status line at start. */
static int wizard_one(struct options *o, const char *host_note)
{
	char *json = NULL;
	if (o->replay && !(json = util_read_file(o->replay, 64u * 1024 * 1024, NULL))) {
		cli_error("--replay %s: %s", o->replay, strerror(errno));
		return 2;
	}
	/* Why the wizard speaks English when Chinese was asked for, by
	 * --lang (said so) or by the locale. */
	char *note = NULL;
	if (o->lang == LANG_ZH && !o->doc_path) {
		const char *cs = nl_langinfo(CODESET);
		bool utf8 = cs && (str_ieq(cs, "UTF-8") || str_ieq(cs, "utf8"));
		const char *why = NULL;
		if (!lang_terminal_cjk(getenv("TERM"), utf8, &why)) {
			/* Short, so the title line holds it whole. */
			const char *term = getenv("TERM");
			char *reason = !utf8 && o->locale_missing
					       ? xasprintf("locale %s is not installed", o->locale_missing)
				       : !utf8 ? xstrdup("the locale is not UTF-8")
					       : xasprintf("TERM=%s cannot draw CJK", term ? term : "");
			note = xasprintf("English%s: %s", o->lang_explicit ? ", not zh-CN" : "", reason);
			free(reason);
			o->lang = LANG_EN;
			o->lang_explicit = true; /* a replay must not switch back */
			msg_set_lang(LANG_EN);
		}
	}
	/* Before curses starts: a built-in terminal description when this
	 * machine has none for $TERM (its note is for the status line). */
	const char *term_note = cli_terminfo_fallback();
	struct doc *d = NULL;
	struct session *s = NULL;
	struct replay_info info;
	memset(&info, 0, sizeof info);
	const char *given_account = o->account; /* a replay borrows info's */
	if (json) {
		if (!load_replay(o, json, &d, &s, &info)) {
			free(json);
			free(note);
			return 2;
		}
		o->demo = false;
		o->root = NULL;
		/* The replay judges the account its report was made for. */
		if (info.account && o->account && !str_ieq(o->account, info.account)) {
			cli_error("--account %s: the report %s was made for the account %s",
				  o->account, o->replay, info.account);
			session_free(s);
			doc_free(d);
			replay_info_free(&info);
			free(json);
			free(note);
			return 2;
		}
		if (info.account)
			o->account = info.account;
	} else {
		if (!(s = cli_doc_session(o, &d))) {
			free(note);
			return 2;
		}
	}
	struct target *t = json ? cli_target(o) : wizard_target(o, d, note);
	if (!t) {
		session_free(s);
		doc_free(d);
		replay_info_free(&info);
		o->account = given_account;
		free(json);
		free(note);
		return 2;
	}
	char *jdir = journal_dir_for(o->journal, t);
	char *state_path = NULL;
	struct app_state offer;
	memset(&offer, 0, sizeof offer);
	bool have_offer = false;
	const char *start_note = host_note;
	if (!json) {
		state_path = o->state_path ? xstrdup(o->state_path) : state_default_path();
		/* A demo sandbox is new every time: nothing to resume. */
		if (state_path && !o->demo)
			have_offer = state_should_offer(state_path, t, (long long)time(NULL),
							&offer);
		/* With --account, only a run for the same account; without,
		 * resuming brings its account back (screen_resume). */
		if (have_offer && o->account && !state_same_account(&offer, o->account)) {
			app_state_free(&offer);
			have_offer = false;
		}
		if (state_path && o->demo && demo_run_was_cut(state_path))
			start_note = T("each demo starts a new sandbox: the last one, cut off, cannot be resumed",
				       "每次演示都使用新的沙盒：上一次中断的演示无法恢复");
	}
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", localtime_r(&now, &tm));
	char *cwd = getcwd(NULL, 0);
	char *report_path = xasprintf("%s/asr-doctor-report-%s.json", cwd ? cwd : ".", stamp);
	free(cwd);
	const char *ssh = getenv("SSH_CONNECTION");
	/* The title names the account the checks judge, and a running
	 * Windows machine as one (a mounted Windows volume's name says so). */
	char *machine = t->os == TARGET_OS_WINDOWS && t->live
				? xasprintf(T("%s (Windows)", "%s（Windows）"), t->name)
				: xstrdup(t->name);
	char *label = o->account ? xasprintf(T("account %s, %s", "账户 %s，%s"), o->account, machine)
				 : xstrdup(machine);
	free(machine);
	struct tui_config cfg = {
		.doc = d,
		.session = s,
		.ctx = cli_check_ctx(o, t),
		.auto_check = !o->no_auto_check && !json,
		.ascii = o->ascii,
		.slow = o->slow,
		.demo = o->demo,
		.lang_note = note,
		.term_note = term_note,
		.start_note = start_note,
		.target_label = label,
		.journal_dir = jdir,
		.journal_opt = o->journal,
		.confirm_within = o->confirm_within,
		.timeout_s = o->timeout_s,
		.accept_new_host_key = o->accept_new_host_key,
		.ssh_connection = ssh && *ssh ? ssh : NULL,
		.replay = json ? &info : NULL,
		.report_path = report_path,
		.state_path = state_path,
		.offer = have_offer ? &offer : NULL,
	};
	int rc = tui_run(&cfg);
	free(label);
	free(note);
	if (have_offer)
		app_state_free(&offer);
	free(state_path);
	free(report_path);
	free(jdir);
	replay_info_free(&info);
	o->account = given_account;
	free(json);
	session_free(s);
	target_free(t);
	doc_free(d);
	return rc;
}

/* --replay of several reports: the list of hosts; Enter replays one, and
 * quitting that replay comes back to the list. */
static int wizard_fleet(struct options *o)
{
	struct doc *d;
	struct session *s = cli_doc_session(o, &d);
	if (!s)
		return 2;
	struct fleet f = { 0 };
	fleet_add_file(&f, s, o->replay);
	for (int i = 0; i < o->argc; i++)
		fleet_add_file(&f, s, o->argv[i]);
	session_free(s);
	const char *term_note = cli_terminfo_fallback();
	char *label = xasprintf(T("fleet of %zu reports", "%zu 份报告的机群"), f.nhosts);
	enum lang lang = o->lang;
	bool lang_explicit = o->lang_explicit;
	int picked = 0, rc = 0;
	for (;;) {
		struct tui_config cfg = {
			.doc = d,
			.ascii = o->ascii,
			.slow = o->slow,
			.term_note = term_note,
			.target_label = label,
			.hosts = &f,
			.picked = &picked,
		};
		rc = tui_run(&cfg);
		if (rc != 0 || picked < 0)
			break;
		struct options one = *o;
		one.argc = 0;
		one.replay = f.hosts[picked].file;
		rc = wizard_one(&one, T("q returns to the list of hosts", "按 q 返回主机列表"));
		/* A report in the other language switched it for its replay. */
		o->lang = lang;
		o->lang_explicit = lang_explicit;
		msg_set_lang(lang);
		if (rc != 0)
			break;
	}
	free(label);
	fleet_free(&f);
	doc_free(d);
	return rc;
}

int cmd_wizard(struct options *o)
{
	if (o->argc && !o->replay) {
		cli_error("unexpected argument '%s'", o->argv[0]);
		return 2;
	}
	return o->argc ? wizard_fleet(o) : wizard_one(o, NULL);
}
