/* shquote.h: words joined into one line that a POSIX shell splits back
 * into exactly those words: the line shown for a planned command and the
 * command sent to a remote machine's shell through an SSH exec channel. */
#ifndef ASR_SHQUOTE_H
#define ASR_SHQUOTE_H

/* Joins the NULL-terminated argv with single spaces, each word left bare
 * when it holds only characters no shell treats specially (letters,
 * digits and _@%+=:,./-, and braces where bash would not expand them: no
 * comma, no "..", not a lone { or }) and is not empty, otherwise put between single
 * quotes with each ' written as '\''. Newlines, $, `, ;, quotes and
 * spaces thus arrive as they are. NULL or an empty argv gives "". Never
 * fails; caller frees. */
char *argv_shell_join(const char *const *argv);

#endif
