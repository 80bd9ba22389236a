/* cli.h: the command line: options shared by every command, and the
 * commands themselves (one file each). */
#ifndef ASR_CLI_H
#define ASR_CLI_H

#include <stdbool.h>

#include "engine/doc.h"
#include "engine/msg.h"

struct options {
	const char *doc_path;   /* --doc FILE */
	const char *root;       /* --root DIR */
	const char *target;     /* --target [user@]host[:port] */
	const char *server;     /* --server HOST */
	const char *journal;    /* --journal DIR */
	const char *output;     /* -o FILE */
	enum lang lang;
	bool lang_explicit;     /* --lang given */
	bool json;
	bool demo;
	bool no_auto_check;
	bool dry_run;
	bool yes;
	bool force;
	bool ascii;             /* --ascii: no UTF-8 line drawing */
	const char *keys;       /* --keys SCRIPT (test hook) */
	int argc;               /* operands after the command */
	char **argv;
};

/* Loads the article the options ask for (--doc or the built-in one for
 * o->lang). On failure prints the cause and returns NULL. */
struct doc *cli_load_doc(const struct options *o);
/* Columns for plain-text output: the terminal's, $COLUMNS, or 80. */
int cli_width(void);
/* Prints "asr-doctor: ..." to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

int cmd_wizard(struct options *o);
int cmd_explain(struct options *o);
int cmd_tree(struct options *o);

#endif
