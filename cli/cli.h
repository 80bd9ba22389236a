/* cli.h: the command line: options shared by every command, and the
 * commands themselves (one file each). */
#ifndef ASR_CLI_H
#define ASR_CLI_H

#include <stdbool.h>

#include "engine/codes.h"
#include "engine/doc.h"
#include "engine/util/msg.h"
#include "engine/session.h"
#include "engine/target/target.h"

struct options {
	const char *doc_path;   /* --doc FILE */
	const char *root;       /* --root DIR */
	const char *target;     /* --target [user@]host[:port] */
	const char *identity;   /* -i FILE: the key for --target */
	const char *jump;       /* -J [user@]host[:port][,...]: jump hosts */
	const char *ssh_config; /* -F FILE: instead of ~/.ssh/config ("none") */
	bool accept_new_host_key; /* --accept-new-host-key */
	bool sudo;              /* --sudo: root through sudo on --target */
	const char *server;     /* --server HOST */
	const char *account;    /* --account NAME: the push install's account */
	const char *journal;    /* --journal DIR */
	const char *output;     /* -o FILE */
	const char *replay;     /* --replay FILE */
	const char *state_path; /* --state FILE, or NULL for the default */
	enum lang lang;
	bool lang_explicit;     /* --lang given */
	const char *locale_missing; /* the locale asked for that is not
				     * installed (and had no UTF-8 stand-in) */
	bool json;
	bool demo;
	bool demo_windows;      /* --demo windows: the broken Windows disk */
	bool no_auto_check;
	bool dry_run;
	bool yes;
	bool force;
	bool verbose;
	bool hashes;            /* tree --hashes */
	bool ascii;             /* --ascii: no UTF-8 symbols */
	bool slow;              /* --slow: draw for a slow line */
	int timeout_s;          /* --timeout: per command/connection */
	int confirm_within;     /* --confirm-within SECONDS (0: 300) */
	int argc;               /* operands after the command */
	char **argv;
	char *demo_dir;         /* owned: the extracted demo root */
};

/* Loads the article the options ask for (--doc or the built-in one for
 * o->lang). On failure prints the cause and returns NULL. */
struct doc *cli_load_doc(const struct options *o);
/* The target the options name: --demo (extracting the sandbox first),
 * --root DIR, --target HOST (cli_ssh_target), or this machine. Prints the cause and returns NULL. */
struct target *cli_target(struct options *o);
/* The machine --target names, connected and logged in (the password
 * from --password-fd or asked on the terminal, wiped once the login is
 * done). Prints the cause and returns NULL. */
struct target *cli_ssh_target(const struct options *o);
struct tui_prompts;
struct tui_login_result;
/* cli_ssh_target with the wizard's screens asking p's questions instead of
 * the terminal, and the failure told in *r (its why, whether the host key
 * changed) instead of stderr; the route's notes are kept for
 * cli_login_notes_flush. */
struct target *cli_ssh_target_ui(const struct options *o, const struct tui_prompts *p,
				 struct tui_login_result *r);
/* Prints the notes cli_ssh_target_ui kept (once the screen is gone). */
void cli_login_notes_flush(void);
struct ssh_opts;
/* Fills *so for the machine spec names ("[user@]host[:port]") from the
 * options, the secret held and the terminal's prompts; *user and *host
 * (caller frees) back so->user and so->host. Prints why and returns -1
 * for a bad spec. */
int cli_ssh_opts(const struct options *o, const char *spec, struct ssh_opts *so, char **user,
		 char **host);
/* Reads the login password from descriptor fd (one line) into the one
 * place secrets are kept, with core dumps off. Prints why and returns -1
 * when none can be read. */
int cli_password_from_fd(int fd);
/* Wipes every secret held and turns core dumps back on. */
void cli_secrets_wipe(void);
/* When the link to t's machine was lost, prints "lost the connection to
 * HOST: why" and exits with status 2. */
void cli_exit_if_lost(struct target *t);
/* Makes the --demo sandbox in $TMPDIR (or /tmp) from the embedded folder
 * content_dir ("demo/" or "demo-windows/"), first removing the ones killed
 * runs left behind; the process holds it until it ends. Returns its path
 * (caller frees), or NULL after printing why. */
char *cli_demo_sandbox(const char *content_dir);
/* A check context for the target and options. */
struct check_ctx cli_check_ctx(const struct options *o, struct target *t);
/* The table of codes to sections for d; prints the cause and returns
 * NULL. */
struct codemap *cli_codemap(struct doc *d);
/* Binds the checks to the article; prints the cause and returns NULL. */
struct session *cli_session(struct doc *d);
/* The article (cli_load_doc) and its session (cli_session) in one: the
 * session, with the article in *d (both to free), or NULL after printing
 * the cause, with *d NULL. */
struct session *cli_doc_session(const struct options *o, struct doc **d);
/* Runs the checks of bindings idx[0..n) (all when idx is NULL) on t in
 * parallel, waits for them and stores the results in s. */
void cli_run_checks(struct session *s, const struct options *o, struct target *t, const size_t *idx,
		    size_t n);
/* Columns for plain-text output: the terminal's, $COLUMNS, or 80. */
int cli_width(void);
/* Prints "asr-doctor: ..." to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

int cmd_wizard(struct options *o);
int cmd_explain(struct options *o);
int cmd_log(struct options *o);
int cmd_tree(struct options *o);
int cmd_check(struct options *o);
int cmd_report(struct options *o);
int cmd_fix(struct options *o);
int cmd_undo(struct options *o);
int cmd_history(struct options *o);
int cmd_confirm(struct options *o);
int cmd_fleet(struct options *o);
int cmd_probe(struct options *o);
struct option;
/* `completion bash|zsh`: opts are the parser's long options (ending with
 * a NULL name), cmds the command names (NULL-terminated). */
int cmd_completion(struct options *o, const struct option *opts, const char *const *cmds);

#endif
