/* testutil.h: helpers shared by the cmocka suites (files, temporary
 * folders, running commands). */
#ifndef ASR_TESTUTIL_H
#define ASR_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <cmocka.h>

/* Reads a whole file (NUL-terminated); fails the test when it cannot. */
char *tu_read_file(const char *path, size_t *len);
/* Writes a file, creating its parent folders. */
void tu_write_file(const char *path, const char *data);
/* A new folder under $TMPDIR (or /tmp); caller frees and removes. */
char *tu_mkdtemp(const char *tag);
/* Removes a tree (rm -rf). */
void tu_rmtree(const char *path);
/* Runs a shell command, returns its exit status; output goes to *out when
 * out is not NULL (caller frees). */
int tu_sh(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The path of the asr-doctor binary under test ($ASR_DOCTOR or ./asr-doctor). */
const char *tu_binary(void);
/* A scratch folder for a whole suite, also set as $TMPDIR so that
 * everything the binary under test puts in a temporary folder lands in
 * it. Returns its path (static); exits when it cannot be made. */
const char *tu_scratch(const char *tag);
/* Removes the scratch folder; returns rc for main to return. */
int tu_scratch_done(int rc);
/* Ends a forked child at once with status code, as _exit does. Under
 * valgrind (its preload in LD_PRELOAD) a child that leaves on purpose
 * would report the memory it inherited from the test as leaked and exit
 * with valgrind's error status instead of code: it leaves through exec
 * of sh -c 'exit CODE', which ends it without that check. */
void tu_child_exit(int code) __attribute__((noreturn));
/* Whether this process runs under valgrind (its preload in LD_PRELOAD). */
bool tu_under_valgrind(void);
/* Whether a program is on PATH. */
bool tu_have(const char *prog);

#endif
