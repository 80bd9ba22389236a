/* winquote.h: Windows command lines that arrive as the words they were
 * made from. A command sent to a Windows machine's OpenSSH server is run
 * by cmd.exe (`cmd.exe /c LINE`), which reads it first, and then by the
 * program, which splits what cmd.exe passed on with the C runtime's rules
 * (the ones CommandLineToArgvW follows). A word is quoted for the program
 * and the result escaped for cmd.exe, so that a user name with spaces,
 * quotes, &, ^, % or ! reaches `net user` intact. */
#ifndef ASR_WINQUOTE_H
#define ASR_WINQUOTE_H

#include <stdbool.h>

/* One argument quoted as the C runtime reads it back: unchanged when it
 * has no space, tab or double quote and is not empty; otherwise between
 * double quotes, with each double quote and the backslashes before it (or
 * before the closing quote) escaped. Caller frees. */
char *win_quote_arg(const char *arg);

/* The command line for argv (argv[0] the program) as the program should
 * parse it, and, when for_cmd, escaped with ^ before each character cmd.exe
 * treats specially (( ) % ! ^ " < > & |), so that cmd.exe sees no quoted
 * region, removes the carets and passes the program exactly that line.
 * Returns NULL when argv cannot be passed at all: it is empty, a word holds
 * a line break (cmd.exe ends the command there) or the program name holds a
 * double quote or is empty. Caller frees. */
char *win_cmdline(const char *const argv[], bool for_cmd);

#endif
