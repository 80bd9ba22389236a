/* termsize.h: the terminal's size when the line does not report one (a
 * serial console says 0x0): ask the terminal itself where the cursor lands
 * after moving far down and right, as xterm's resize does. */
#ifndef ASR_TUI_TERMSIZE_H
#define ASR_TUI_TERMSIZE_H

#include <stdbool.h>

/* Whether the terminal on fd reports a usable size (rows and columns both
 * non-zero); fills them when it does. */
bool termsize_reported(int fd, int *rows, int *cols);
/* Sends the cursor position request on out and reads the report from in,
 * waiting at most timeout_ms. The terminal must already be in a mode
 * without echo or line buffering (raw is set and restored here when
 * set_raw is true). Returns true with the size on success. */
bool termsize_query(int in, int out, int timeout_ms, bool set_raw, int *rows, int *cols);

#endif
