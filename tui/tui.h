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

/* Runs the wizard until the user quits. Returns 0, 2 when the terminal
 * cannot run it (with a message on stderr after the screen is restored),
 * or 128 + the signal that stopped it (SIGINT, SIGTERM, SIGHUP). */
int tui_run(const struct tui_config *cfg);

#endif
