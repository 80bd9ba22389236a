/* input.c: reads keys with wgetch and decodes characters with mbrtowc, so
 * a byte that cannot start or continue a character is dropped and the
 * next key still works (ncurses' own get_wch waits for more bytes after
 * an invalid one and loses every key typed after it). */
#include "tui/input.h"

#include <limits.h>
#include <string.h>

#include "tui/curses.h"

/* How long the rest of a multibyte character may take to arrive: a slow
 * serial line sends a byte every millisecond at 9600 baud. */
#define CONTINUATION_MS 100

/* Raw values read ahead (bytes and key codes), oldest first. */
static int queued[MB_LEN_MAX + 4];
static int nqueued;

static void push_front(int v)
{
	if (nqueued == (int)(sizeof queued / sizeof queued[0]))
		nqueued--; /* cannot happen: at most one character is read ahead */
	memmove(queued + 1, queued, (size_t)nqueued * sizeof queued[0]);
	queued[0] = v;
	nqueued++;
}

/* The next raw value: a byte (0-255), a key code, or ERR after timeout_ms. */
static int next_raw(int timeout_ms)
{
	if (nqueued > 0) {
		int v = queued[0];
		memmove(queued, queued + 1, (size_t)--nqueued * sizeof queued[0]);
		return v;
	}
	timeout(timeout_ms);
	return getch();
}

int input_get(int timeout_ms, wint_t *ch)
{
	for (;;) {
		int v = next_raw(timeout_ms);
		if (v == ERR)
			return ERR;
		if (v > 0xff) {
			*ch = (wint_t)v;
			return KEY_CODE_YES;
		}
		if (v < 0x80) {
			*ch = (wint_t)v;
			return OK;
		}
		char buf[MB_LEN_MAX];
		size_t n = 0;
		buf[n++] = (char)v;
		for (;;) {
			mbstate_t st;
			memset(&st, 0, sizeof st);
			wchar_t wc;
			size_t k = mbrtowc(&wc, buf, n, &st);
			if (k != (size_t)-1 && k != (size_t)-2) {
				*ch = (wint_t)wc;
				return OK;
			}
			if (k == (size_t)-1) {
				/* The bytes before the last one were a valid start:
				 * the last byte may begin a character of its own. */
				if (n > 1)
					push_front((unsigned char)buf[n - 1]);
				break;
			}
			if (n == sizeof buf)
				break;
			int more = next_raw(CONTINUATION_MS);
			if (more == ERR)
				break; /* a cut sequence: drop it */
			if (more > 0xff) {
				push_front(more);
				break;
			}
			buf[n++] = (char)more;
		}
		/* Dropped; the caller's wait goes on. */
	}
}

bool input_pending(void)
{
	if (nqueued > 0)
		return true;
	int v = next_raw(0);
	if (v == ERR)
		return false;
	push_front(v);
	return true;
}
