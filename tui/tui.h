/* tui.h: the wizard's entry point. The TUI draws the engine's model and
 * never touches the system itself: checks run through the engine's runner
 * on the configured target. */
#ifndef ASR_TUI_H
#define ASR_TUI_H

#include <stdbool.h>

#include "engine/check.h"
#include "engine/doc.h"
#include "engine/session.h"

struct replay_info;
struct app_state;
struct fleet;

struct tui_config {
	struct doc *doc;          /* borrowed */
	struct session *session;  /* borrowed; may be NULL (no checks) */
	struct check_ctx ctx;     /* how checks run (target borrowed) */
	bool auto_check;          /* run every read-only check at start */
	bool ascii;               /* --ascii: no UTF-8 symbols */
	bool slow;                /* --slow: draw as for a slow serial line */
	bool demo;                /* --demo: the sandbox goes when the wizard ends */
	const char *lang_note;    /* why English was chosen, or NULL */
	const char *start_note;   /* shown on the status line at start, or NULL */
	const char *term_note;    /* the built-in terminal description is in
				   * use (and which), or NULL */
	const char *target_label; /* "this machine", "mounted root /mnt" */
	/* Changing the machine. */
	const char *journal_dir;  /* the journal folder (host path) */
	const char *journal_opt;  /* --journal as given, for shown commands */
	int confirm_within;       /* seconds for the commit-confirmed guard */
	int timeout_s;            /* --timeout for each command of a fix (0: 60 s) */
	bool accept_new_host_key; /* --accept-new-host-key: the push-install
				   * replay (P) trusts an unknown key unasked */
	const char *ssh_connection; /* $SSH_CONNECTION, or NULL */
	/* A saved report shown read-only (--replay): nothing runs, nothing
	 * changes; the history shows the recorded journal. */
	const struct replay_info *replay;
	/* Where the report key writes by default; NULL: no default. */
	const char *report_path;
	/* The resume state file, or NULL (no saving); offer, when not NULL,
	 * is the earlier run to offer resuming. */
	const char *state_path;
	const struct app_state *offer;
	/* --replay of several reports: when hosts is set the wizard shows
	 * only the list of hosts (starting at *picked when it is a valid
	 * index); Enter stores the chosen host's index in *picked and
	 * returns, quitting stores -1. */
	const struct fleet *hosts;
	int *picked;
};

/* The questions a login asks (as struct ssh_opts names them), answered
 * on the wizard's screens: a password or passphrase typed where it is
 * never shown, keyboard-interactive's questions as the server words them
 * (an answer shown only when the server says it may be), an unknown host
 * key on a confirmation screen. */
struct tui_prompts {
	char *(*ask_password)(void *ctx, const char *prompt);
	char *(*ask_prompt)(void *ctx, const char *instruction, const char *prompt, bool echo);
	char *(*ask_passphrase)(void *ctx, const char *keyfile);
	bool (*trust_new_key)(void *ctx, const char *host, const char *key_type,
			      const char *fingerprint);
	void *ctx;
};

/* How a login failed, for the screen that says so. */
struct tui_login_result {
	char *why;              /* owned: the cause, one line, or NULL */
	bool host_key_changed;  /* refused: known_hosts holds another key */
};

struct target;
/* Logs in with the prompts p; returns the target, or NULL with r filled. */
typedef struct target *(*tui_login_fn)(void *arg, const struct tui_prompts *p,
				       struct tui_login_result *r);

/* Starts the screen (cfg->target_label names the machine in the title,
 * cfg->doc, ascii and the language are used), runs login with the
 * wizard's questions and, when it fails, shows why (a changed host key
 * as a warning) until a key is pressed; then ends the screen. Returns
 * login's target, or NULL with *why (caller frees; NULL when none) for
 * the caller to print once the screen is gone (also NULL when the
 * terminal cannot run curses, said on stderr). The terminal must be one
 * tui_run accepts. */
struct target *tui_login(const struct tui_config *cfg, tui_login_fn login, void *arg, char **why);

/* Runs the wizard until the user quits. Returns 0, 2 when the terminal
 * cannot run it (with a message on stderr after the screen is restored),
 * or 128 + the signal that stopped it (SIGINT, SIGTERM, SIGHUP). */
int tui_run(const struct tui_config *cfg);

#endif
