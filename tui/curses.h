/* curses.h: the one place that includes curses: wide-character ncurses
 * (ncursesw) with the X/Open extensions. */
#ifndef ASR_TUI_CURSES_H
#define ASR_TUI_CURSES_H

#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <ncursesw/curses.h>

#endif
