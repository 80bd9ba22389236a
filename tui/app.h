/* app.h: the wizard's shared state, its actions and the screen interface.
 * Screens are tables of functions; handlers return flags and only the main
 * loop (app.c) switches screens, redraws or quits. */
#ifndef ASR_TUI_APP_H
#define ASR_TUI_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

#include "engine/render.h"
#include "engine/runner.h"
#include "tui/curses.h"
#include "tui/tui.h"

enum action {
	ACT_NONE = 0,
#define ACTION(id, keys, en, zh) id,
#include "tui/keys.def"
#undef ACTION
	ACT__COUNT
};

/* What a key handler asks the main loop to do. */
enum {
	H_NONE = 0,    /* not handled: try the global keys */
	H_HANDLED = 1,
	H_POP = 2,     /* close this screen */
	H_QUIT = 4,
};

struct app;

struct screen_ops {
	const char *name;
	/* Draws the content rows (1 .. rows-2). */
	void (*draw)(struct app *a);
	/* Handles an action (ch is the typed character, 0 for special keys). */
	int (*key)(struct app *a, enum action act, wint_t ch);
	/* Left part of the status line: where the user is. */
	void (*status)(struct app *a, struct sbuf *out);
	/* Short key hints for the right part of the status line. */
	const char *hints_en;
	const char *hints_zh;
};

extern const struct screen_ops screen_tree;
extern const struct screen_ops screen_detail;
extern const struct screen_ops screen_help;
extern const struct screen_ops screen_choose;
extern const struct screen_ops screen_confirm;
extern const struct screen_ops screen_page;
extern const struct screen_ops screen_history;
extern const struct screen_ops screen_resume;
extern const struct screen_ops screen_log;
extern const struct screen_ops screen_hosts;
extern const struct screen_ops screen_probe;

enum prompt_kind { PROMPT_NONE = 0, PROMPT_SEARCH, PROMPT_JUMP, PROMPT_SAVE, PROMPT_LOG, PROMPT_QUIT,
		   PROMPT_PROBE };

/* What the chooser picks from. */
enum choose_kind { CHOOSE_NODES, CHOOSE_FIXES };

struct plan;
struct journal;
struct codemap;
struct logview;
struct fix_def;
struct probe;

struct app {
	const struct tui_config *cfg;
	struct check_ctx ctx;     /* cfg->ctx; a resumed run brings back its
				   * --account when none was given */
	char *label;              /* owned or NULL: the title's target then
				   * (NULL: cfg->target_label) */
	struct doc *doc;          /* borrowed */
	struct session *ses;      /* borrowed, may be NULL */
	int rows, cols;
	bool utf8;                /* the locale is UTF-8 and --ascii is off */
	bool color;
	bool acs;                 /* the terminal has line-drawing characters */
	bool too_small;
	bool slow;                /* a slow line: no animation, fewer redraws */
	bool measured;            /* the size came from asking the terminal */
	const struct screen_ops *stack[8];
	int depth;

	/* The tree. */
	size_t sel;               /* selected node (index into doc->nodes) */
	size_t top;               /* first visible row of the tree */
	bool wide;                /* two panes */
	int focus;                /* wide: 0 tree, 1 detail */

	/* The detail page of page_node, cached. */
	struct rpage page;
	const struct node *page_node;
	int page_width;
	unsigned page_gen;
	bool page_valid;
	size_t dtop;              /* first visible line of the page */

	/* Following a section's links (links.c). */
	int lsel;                 /* selected entry of the shown section (its
				   * links, then its subsections), -1 none */
	const struct node *lnode; /* the section lsel belongs to (borrowed) */
	struct link_step {
		size_t from;      /* the section a link was followed from */
		size_t to;        /* the section it opened */
		size_t dtop;      /* where the page was scrolled */
		int lsel;         /* and which entry was selected */
	} trail[32];              /* the way back, oldest first */
	size_t ntrail;
	char *outside;            /* owned: an outside address to show whole,
				   * or NULL; the main loop shows it */

	/* Codes to sections (jumps, logs) and the logs screen. */
	struct codemap *codes;    /* owned; NULL when the bindings are unusable */
	struct logview *logv;     /* owned: the logs screen's state (screen_log.c) */

	/* Search and prompt. */
	char *query;              /* owned, last search */
	enum prompt_kind prompt;
	struct sbuf input;

	/* Chooser: sections naming one ErrorID, or fixes for a section. */
	enum choose_kind ckind;
	struct node **choices;    /* owned array, borrowed nodes */
	const struct fix_def *fix_choices[16]; /* borrowed from the registry */
	size_t nchoices;
	size_t csel;

	/* Changing the machine (fixflow.c). */
	struct plan *plan;        /* owned: the plan on the confirm screen */
	char *undo_entry;         /* owned: the entry the confirm screen undoes */
	struct rpage cpage;       /* the confirm screen's text */
	char *cbody;              /* owned: the plan or undo text it shows */
	int cwidth;               /* the width cpage was laid out for */
	bool cpage_valid;
	size_t ctop;
	bool armed;               /* 'y' pressed: Enter applies */
	struct sbuf typed;        /* letters typed on the confirm screen */
	char *page_title;         /* owned: the generic page's title */
	char *page_entry;         /* owned: the journal entry the page shows, or NULL */
	struct rpage info;        /* the generic page (apply results, entries) */
	char *itext;              /* owned: the text behind info */
	int iwidth;               /* the width info was laid out for */
	size_t itop;
	struct strvec watch;      /* check ids whose results the page follows */
	struct journal *journal;  /* owned: the history screen's list */
	size_t hsel;
	size_t htop2;
	bool read_only;           /* a replay */
	long long last_save;      /* when the state was last saved (ms) */
	int last_key;             /* the key code of the last special key */
	bool last_is_key;         /* the last input was a special key */
	int pending_signal;       /* a signal held during apply, to act on */
	bool quit;                /* the quit question was answered yes */

	/* The push-install replay (remote.c). */
	struct probe *probe;      /* owned: its steps so far, or NULL */
	char *probe_host;         /* owned: the machine last named, or NULL */
	bool probe_running;
	const struct node *probe_node; /* the failed step's section, or NULL */
	size_t ptop;              /* first visible line */

	size_t htop;              /* help scroll */
	size_t fsel;              /* selected host (--replay of several) */
	size_t ftop;              /* first visible host */
	char *message;            /* owned, shown once on the status line */
	bool message_is_error;

	/* Checks. */
	struct runner *runner;    /* owned while checks run */
	size_t run_total;
	size_t run_done;
	size_t run_fail;          /* of the checks of this run */
	size_t run_warn;
	bool show_evidence;
	unsigned results_gen;     /* bumps when results change */
	int spin;
};

/* Scrolls a page of nlines lines shown in rows rows: up/down a line,
 * pages, first and last. Returns H_HANDLED, or H_NONE for other actions. */
int app_scroll(size_t *top, size_t nlines, int rows, enum action act);
/* Column layout: the tree's width in two-pane mode. */
int app_tree_width(const struct app *a);
/* Sets the one-shot status message (printf-style). */
void app_message(struct app *a, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The rendered page for node n at width, rebuilt only when something
 * changed; borrowed until the next call. */
const struct rpage *app_page(struct app *a, const struct node *n, int width);
/* Selects node index i and keeps it visible in a tree of `rows` rows. */
void app_select(struct app *a, size_t i, int rows);
/* Runs the checks bound to node n (subtree) or all when n is NULL. */
void app_run_checks(struct app *a, const struct node *n);
/* Pushes a screen. */
void app_push(struct app *a, const struct screen_ops *s);
/* Opens the chooser over several nodes (takes ownership of the array). */
void app_choose(struct app *a, struct node **nodes, size_t n);
/* Picks a language's string. */
const char *app_tr(const char *en, const char *zh);
/* A counted noun: English one or many by n, the Chinese word (which has
 * no plural) otherwise. */
const char *app_tr_n(size_t n, const char *one, const char *many, const char *zh);
/* Runs the checks with these ids in the background. */
void app_run_ids(struct app *a, const struct strvec *ids);
/* Saves the resume state (clean: the wizard is ending normally). */
void app_save_state(struct app *a, bool clean);

/* Changing the machine (fixflow.c). */
/* f: plans the fix of the selected section's failing checks (a chooser
 * first when there are several). */
void fix_start(struct app *a);
/* Plans fix f and opens the confirmation screen. */
void fix_plan(struct app *a, const struct fix_def *f);
/* Applies a->plan (or the undo of a->undo_entry) after confirmation. */
void fix_apply(struct app *a);
/* Opens the confirmation screen for undoing entry id. */
void fix_undo_preview(struct app *a, const char *id);
/* Reads the journal into a->journal for the history screen. */
void fix_history_load(struct app *a);
/* Saves a report (JSON) to path. */
void fix_save_report(struct app *a, const char *path);
/* Offers to confirm a commit-confirmed sshd change from this new login. */
void fix_offer_confirm(struct app *a);
/* Frees the fix flow's state. */
void fix_clear(struct app *a);
/* Opens the generic page with a title and text (copied). */
void app_page_text(struct app *a, const char *title, const char *text);
/* Lays the confirm and generic pages out again after a resize. */
void fix_relayout(struct app *a);

/* Whether Ctrl-C came since the last call (the signal is then taken: a
 * foreground task cancels instead of the wizard ending). */
bool app_take_interrupt(void);

/* The logs screen (screen_log.c). */
/* Scans the log at path (a local file), or the logs in the known places of
 * the examined machine when path is "", and opens the screen. A long scan
 * shows its progress on the status line; Esc or Ctrl-C cancels it and
 * gives the prompt back with path in it, the screens as they were. */
void log_view_open(struct app *a, const char *path);
void log_view_free(struct app *a);

/* Remote machines (remote.c). */
/* Asks for the push install's password (never shown), then replays the
 * push install against spec ("[user@]host[:port]") on the P screen, each
 * step as it completes; a failed step's section is selected in the tree. */
void probe_start(struct app *a, const char *spec);
void probe_view_free(struct app *a);
/* A secret typed on a full screen that never shows it: the prompt, then
 * Enter. Returns it (caller wipes and frees), or NULL when cancelled. */
char *remote_ask_secret(struct app *a, const char *prompt);
/* The confirmation screen of an unknown host key (ssh_opts.trust_new_key:
 * ctx is the app): its type and SHA256 fingerprint; y then Enter (or
 * "yes" and Enter) trusts it, anything else refuses (default No). */
bool remote_ask_trust(void *ctx, const char *host, const char *key_type, const char *fingerprint);
/* remote_ask_secret for a login's password (ctx is the app). */
char *remote_ask_secret_cb(void *ctx, const char *prompt);
/* A question of keyboard-interactive authentication (ssh_opts.ask_prompt:
 * ctx is the app) on a screen titled "The server asks": the server's
 * text, its prompt, and the answer shown as typed only when echo. */
char *remote_ask_prompt_cb(void *ctx, const char *instruction, const char *prompt, bool echo);
/* The same for a key's passphrase, naming the key file. */
char *remote_ask_passphrase_cb(void *ctx, const char *keyfile);
/* A full-screen warning (title and text) until a key is pressed. */
void remote_warning(struct app *a, const char *title, const char *text);

/* Lays the screens out again for the terminal's size. */
void app_relayout(struct app *a);
/* Draws the current screen now (a long task shows its progress). */
void app_redraw(struct app *a);
/* Draws the title line, the page pg and a status line: a screen a task
 * shows while it waits for an answer. */
void app_draw_modal(struct app *a, const struct rpage *pg, const char *status);

/* Drawing helpers (draw.c). */
/* Draws UTF-8 text at (y, x) cut to at most cols columns (marking a cut
 * with the ellipsis glyph). Returns the columns drawn. */
int draw_text(struct app *a, int y, int x, const char *s, int cols, attr_t attr);
/* Draws a section's title at (y, x) in at most cols columns: the words are
 * cut, its ErrorIDs never are (node_title_fit). Returns the columns drawn. */
int draw_node_title(struct app *a, int y, int x, const struct node *n, int cols, attr_t attr);
/* Draws a rendered line at (y, x) within cols columns. */
void draw_rline(struct app *a, int y, int x, const struct rline *l, int cols);
attr_t draw_style(struct app *a, unsigned style);
attr_t draw_status_attr(struct app *a, enum status s);
void draw_colors_init(struct app *a);
/* Draws a page of lines starting at line top in the box (y, x, h, w). */
void draw_page(struct app *a, const struct rpage *pg, size_t top, int y, int x, int h, int w);
void draw_vline(struct app *a, int y, int x, int h);

/* Links of a section (links.c). */
/* The detail's keys for links: Tab and Shift-Tab select, Enter follows,
 * Back returns along the links followed. rows is the height of the page
 * shown. Returns H_NONE for the keys it leaves to the screen. */
int links_key(struct app *a, enum action act, int rows);
/* Marks the selected entry of the page pg drawn from line top in the box
 * (y, x, h, w). */
void links_draw(struct app *a, const struct rpage *pg, size_t top, int y, int x, int h, int w);
/* The selected entry for the status line ("link 2/5: #anchor"), if any. */
void links_status(struct app *a, struct sbuf *out);
/* Forgets the way back (the selection moved some other way). */
void links_forget(struct app *a);

/* Keys (keys.c). */
enum action key_action(int rc, wint_t ch);
/* The help entries: keys and description of action i. */
const char *key_help_keys(enum action act);
const char *key_help_text(enum action act);

#endif
