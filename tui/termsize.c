/* termsize.c: measures the terminal through a cursor position report. */
#include "tui/termsize.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

bool termsize_reported(int fd, int *rows, int *cols)
{
	struct winsize ws;
	if (ioctl(fd, TIOCGWINSZ, &ws) < 0 || ws.ws_row == 0 || ws.ws_col == 0)
		return false;
	*rows = ws.ws_row;
	*cols = ws.ws_col;
	return true;
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool termsize_query(int in, int out, int timeout_ms, bool set_raw, int *rows, int *cols)
{
	struct termios old, raw;
	bool restore = false;
	if (set_raw && tcgetattr(in, &old) == 0) {
		raw = old;
		raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
		raw.c_cc[VMIN] = 0;
		raw.c_cc[VTIME] = 0;
		restore = tcsetattr(in, TCSANOW, &raw) == 0;
	}
	/* Save the cursor, go as far down-right as the terminal allows, ask
	 * where that is, and come back. */
	static const char ask[] = "\0337\033[999;999H\033[6n\0338";
	bool ok = write(out, ask, sizeof ask - 1) == (ssize_t)(sizeof ask - 1);
	char buf[64];
	size_t len = 0;
	long long end = now_ms() + timeout_ms;
	while (ok && len < sizeof buf - 1) {
		long long left = end - now_ms();
		if (left <= 0)
			break;
		struct pollfd p = { .fd = in, .events = POLLIN };
		int r = poll(&p, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		ssize_t n = read(in, buf + len, 1);
		if (n <= 0)
			break;
		len++;
		if (buf[len - 1] == 'R')
			break;
	}
	buf[len] = '\0';
	if (restore)
		tcsetattr(in, TCSANOW, &old);
	/* The report is ESC [ rows ; cols R, possibly after stray input. */
	const char *p = strstr(buf, "\033[");
	int r = 0, c = 0;
	if (!p || sscanf(p, "\033[%d;%dR", &r, &c) != 2 || r < 1 || c < 1)
		return false;
	*rows = r;
	*cols = c;
	return true;
}
