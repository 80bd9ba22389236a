/* term.h: drives the real asr-doctor binary in a real pseudo-terminal
 * (a private tmux server), for terminal tests: keys in, screen text out. */
#ifndef ASR_TEST_TERM_H
#define ASR_TEST_TERM_H

#include <stdbool.h>
#include <sys/types.h>

/* The environment most terminal tests run the wizard in: a UTF-8 locale
 * and a terminal type tmux describes. */
#define TERM_ENV_UTF8 "TERM=tmux-256color LANG=C.UTF-8 LC_ALL=C.UTF-8"
/* How long a test waits for the screen to show something (ms). */
#define TERM_WAIT 8000

struct term {
	char *dir;   /* owned temporary folder (socket, scratch files) */
	char *sock;  /* owned tmux socket path */
	pid_t server; /* the tmux server's process id */
};

/* Starts `env ENV asr-doctor ARGS` in a cols x rows terminal. ENV sets at
 * least TERM and LANG. After the program exits the pane shows
 * "EXIT=<status>". */
void term_start(struct term *t, int cols, int rows, const char *env, const char *args);
/* Begins a suite of terminal tests: exits 1 with a message when tmux is
 * missing. With a tag, makes the suite's scratch folder (tu_scratch: also
 * $TMPDIR, so what the binary puts in a temporary folder lands there) and
 * returns its path; else returns NULL. End a suite with a scratch folder
 * with tu_scratch_done. */
const char *term_suite_begin(const char *tag);
/* term_start, then waits (TERM_WAIT) until the screen shows ready; the
 * test fails when it does not. */
void term_open(struct term *t, int cols, int rows, const char *env, const char *args, const char *ready);
/* The screen as text, one line per row (caller frees). */
char *term_screen(struct term *t);
/* The screen with the rows the terminal wrapped by itself joined: a line
 * longer than the screen is one line here (caller frees). */
char *term_screen_joined(struct term *t);
/* The screen with its attributes as escape sequences (caller frees). */
char *term_screen_attrs(struct term *t);
/* Waits (polling, bounded by ms) until the screen contains text; returns
 * whether it did. On failure prints the screen for the test log. */
bool term_wait(struct term *t, const char *text, int ms);
/* Waits until the screen no longer contains text. */
bool term_wait_gone(struct term *t, const char *text, int ms);
/* Sends tmux key names ("j", "Enter", "BSpace", "C-c") or literal text
 * (with literal = true). */
void term_keys(struct term *t, const char *keys);
void term_type(struct term *t, const char *text);
/* Pastes text (line ends as a terminal pastes them: CR) through a tmux
 * buffer, all at once as a paste arrives. */
void term_paste(struct term *t, const char *text);
/* Sends raw bytes, given as hex pairs ("ff c3 6a"), exactly as a line
 * would deliver them (no key translation). */
void term_bytes(struct term *t, const char *hex);
void term_resize(struct term *t, int cols, int rows);
/* Line y of the screen (caller frees); "" past the end. */
char *term_line(struct term *t, int y);
/* Sends a signal to the program running in the terminal. */
void term_signal(struct term *t, const char *sig);
/* Waits (bounded by ms) until the program has ended, however it left the
 * screen (after a kill the shell's "EXIT=" may be split by a wrap). */
bool term_wait_program_gone(struct term *t, int ms);
/* Stops the tmux server and removes the folder. */
void term_stop(struct term *t);

#endif
