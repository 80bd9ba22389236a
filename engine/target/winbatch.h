/* winbatch.h: several commands for a Windows machine in one cmd.exe line,
 * so that a far link pays the round trips of one command for all of them.
 * Each command is the line win_cmdline makes (the words arrive intact),
 * its error output joined to its output (`2>&1`: the checks read the two
 * together), and after it cmd.exe echoes a marker: a token chosen for the
 * run, the command's number and its exit status
 * (`call echo @@asr-TOKEN N %^errorlevel%`: the caret keeps %errorlevel%
 * from the line's first reading, which happens before any command runs,
 * and `call` reads the command again once the one before it has ended).
 * The output is cut at the markers before it is decoded, so that each
 * command's text is decoded alone (a program that writes UTF-16 among
 * others that write the console's code page). A marker is found wherever
 * it starts (a command whose output does not end its last line leaves the
 * marker on that line); the token, random for each run, is never in what
 * a command prints. */
#ifndef ASR_WINBATCH_H
#define ASR_WINBATCH_H

#include <stdbool.h>
#include <stddef.h>

/* cmd.exe reads at most 8191 characters of a line; a batch stays under. */
#define WINBATCH_LINE_MAX 8000u

/* The line for as many of the commands argvs[first..n) as fit under
 * WINBATCH_LINE_MAX, in order; token is the run's marker token (letters
 * and digits only). The numbers of the commands placed go to idx (room
 * for n - first), their count to *used; *next is the first command not
 * yet considered. A command that cannot be passed to cmd.exe
 * (win_cmdline refuses it) or is longer than the limit alone is left out
 * (it runs alone later and fails there as it would). Returns NULL when no
 * command was placed. Caller frees. */
char *winbatch_line(const char *const *const argvs[], size_t n, size_t first, const char *token,
		    size_t *idx, size_t *used, size_t *next);

/* One command's answer within the raw output. */
struct winbatch_part {
	size_t off, len; /* its output's bytes in the raw output */
	int status;      /* its exit status as %errorlevel% gave it */
};

/* Cuts raw (len bytes, as cmd.exe wrote them) at the markers of token for
 * the commands numbered idx[0..n), which must come in that order. Fills
 * parts for the commands whose marker arrived and returns how many did
 * (fewer than n when the output stops early: a timeout, a lost link);
 * -1 when the output is not what the line asks (a marker out of order or
 * malformed, text after the last one): nothing of it is to be kept. */
long winbatch_split(const char *raw, size_t len, const char *token, const size_t *idx, size_t n,
		    struct winbatch_part *parts);

#endif
