/* winmodel.h: models of the two readers of a Windows command line, as
 * Microsoft documents them (no Windows runs here): cmd.exe ("cmd /?":
 * the /c rule for a leading quote, %NAME% expansion, carets and double
 * quotes, & && || | ending a command, < > redirecting) and the C
 * runtime's split into argv ("Parsing C command-line arguments", with the
 * rule of 2008 and later that "" inside quotes is one quote). Shared by
 * tests/engine/test_winquote.c and the stand-in for the Windows commands
 * (tests/support/win_standin.c). */
#ifndef ASR_WINMODEL_H
#define ASR_WINMODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/util/util.h"

/* A variable's value for %NAME% (n bytes of name, not NUL-terminated), or
 * NULL when it is not set (cmd.exe then leaves %NAME% as it is). */
typedef const char *(*winmodel_env_fn)(const char *name, size_t n, void *arg);

/* One command of a line as cmd.exe reads it: the text handed to the
 * program (carets removed outside quotes, quotes kept) and what ended it:
 * "" at the end of the line, else "&", "&&", "||", "|", "<" or ">". */
struct winmodel_part {
	char *text; /* owned */
	char op[3];
	bool err_to_out; /* it held " 2>&1" (taken out of text): its error
			  * output goes where its output goes */
};

/* %NAME% expansion alone, as `call` does it again on its command (where
 * %^errorlevel%, kept by the line's first reading, becomes %errorlevel%
 * and then the status of the command before). Caller frees. */
char *winmodel_expand(const char *text, winmodel_env_fn env, void *arg);

/* cmd.exe /c on line: the /c quote rule (a line that starts with a double
 * quote loses its first and last one, unless it is exactly one quoted
 * name followed by more), then %NAME% expansion through env, then the
 * line cut into commands at unquoted, unescaped operators (" 2>&1", the
 * one redirection modelled, stays with its command). Fills parts
 * (up to max) and returns how many there are (may be more than max). */
size_t winmodel_cmd_parts(const char *line, winmodel_env_fn env, void *arg,
			  struct winmodel_part *parts, size_t max);
void winmodel_parts_free(struct winmodel_part *parts, size_t n);

/* The text the program gets when line is exactly one command; NULL when
 * an operator in it would end the command or redirect it. Caller frees. */
char *winmodel_cmd(const char *line, winmodel_env_fn env, void *arg);

/* The C runtime's split of a program's command line into argv (the
 * program name by its own rule: quotes group, backslashes are plain). */
void winmodel_crt(const char *line, struct strvec *args);

#endif
