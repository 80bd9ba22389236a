/* terminfo.h: terminal descriptions carried in the binary, for machines
 * whose terminfo database lacks the one $TERM names (a minimal or old
 * distribution, a terminal newer than the machine). */
#ifndef ASR_CLI_TERMINFO_H
#define ASR_CLI_TERMINFO_H

#include "engine/content.h"

/* Generated at build time by `tools/embed -s terminfo_files` from the
 * build machine's compiled descriptions: name is the terminal name
 * ("vt220"), data the compiled entry. Ends with a { NULL } entry; may hold
 * no entry at all when the build machine had none. */
extern const struct content_file terminfo_files[];

/* Makes sure curses will find a description for $TERM before the wizard
 * starts. When the terminfo database has one (or TERM is unset, "dumb" or
 * not a plain name), changes nothing and returns NULL. Otherwise writes the
 * embedded description of $TERM, or that of vt100 under $TERM's name when
 * none is embedded for it, into a new private folder (both the letter and
 * the hex-named layout), sets TERMINFO to it, arranges for the folder to be
 * removed at exit, and returns a one-line note for the status line saying
 * which description is used (static storage, in the current language).
 * Returns NULL as well when nothing usable is embedded or the folder
 * cannot be written; the wizard then reports the unknown terminal. */
const char *cli_terminfo_fallback(void);

/* Removes the private folder now (also run at exit); safe to call twice. */
void cli_terminfo_cleanup(void);

#endif
