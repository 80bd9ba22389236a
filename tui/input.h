/* input.h: keys from the terminal. ncurses turns escape sequences into key
 * codes; characters are decoded here, byte by byte, so that an invalid or
 * cut multibyte sequence (line noise on a serial console) is dropped
 * instead of leaving the input stuck. */
#ifndef ASR_TUI_INPUT_H
#define ASR_TUI_INPUT_H

#include <stdbool.h>
#include <wchar.h>

/* Waits up to timeout_ms (negative: no limit) for a key. Returns OK with
 * a character in *ch, KEY_CODE_YES with a key code (KEY_DOWN, KEY_RESIZE),
 * or ERR when nothing came in time. Bytes that do not form a character in
 * the locale's encoding are dropped. */
int input_get(int timeout_ms, wint_t *ch);
/* Whether a key is already waiting (it stays queued for input_get). */
bool input_pending(void);

#endif
