/* keys.c: turns keys into actions; the bindings and their help text come
 * from keys.def so the help screen cannot drift from them. */
#include "tui/app.h"

static const char *const help_keys[ACT__COUNT] = {
#define ACTION(id, keys, en, zh) [id] = (keys),
#include "tui/keys.def"
#undef ACTION
};

static const char *const help_text[ACT__COUNT][2] = {
#define ACTION(id, keys, en, zh) [id] = { (en), (zh) },
#include "tui/keys.def"
#undef ACTION
};

#define CTRL(c) ((c) & 0x1f)

enum action key_action(int rc, wint_t ch)
{
	if (rc == KEY_CODE_YES) {
		switch (ch) {
		case KEY_DOWN:
			return ACT_DOWN;
		case KEY_UP:
			return ACT_UP;
		case KEY_NPAGE:
			return ACT_PGDN;
		case KEY_PPAGE:
			return ACT_PGUP;
		case KEY_HOME:
		case KEY_A1:
			return ACT_HOME;
		case KEY_END:
		case KEY_C1:
			return ACT_END;
		case KEY_ENTER:
		case KEY_RIGHT:
			return ACT_OPEN;
		case KEY_LEFT:
		case KEY_BACKSPACE:
			return ACT_BACK;
		case KEY_F(1):
			return ACT_HELP;
		case KEY_BTAB:
			return ACT_LINK_PREV;
		default:
			return ACT_NONE;
		}
	}
	switch (ch) {
	case 'j':
	case CTRL('n'):
		return ACT_DOWN;
	case 'k':
	case CTRL('p'):
		return ACT_UP;
	case ' ':
	case CTRL('f'):
	case CTRL('d'):
		return ACT_PGDN;
	case 'b':
	case CTRL('b'):
	case CTRL('u'):
		return ACT_PGUP;
	case 'g':
	case '<':
		return ACT_HOME;
	case '>':
	case 'G':
		return ACT_END;
	case '\n':
	case '\r':
	case 'l':
		return ACT_OPEN;
	case 127:
	case CTRL('h'):
	case 'h':
		return ACT_BACK;
	case '\t':
		return ACT_FOCUS;
	case 'L':
		return ACT_LOG;
	case 'P':
		return ACT_PROBE;
	case '/':
		return ACT_SEARCH;
	case 'n':
		return ACT_NEXT;
	case 'N':
		return ACT_PREV;
	case ':':
		return ACT_JUMP;
	case 'r':
		return ACT_RUN;
	case 'R':
		return ACT_RUN_ALL;
	case 'e':
		return ACT_EVIDENCE;
	case 'f':
		return ACT_FIX;
	case 'H':
		return ACT_HISTORY;
	case 'S':
		return ACT_SAVE;
	case 27:
		return ACT_CANCEL;
	case CTRL('l'):
		return ACT_REDRAW;
	case 'M':
		return ACT_MEASURE;
	case '?':
		return ACT_HELP;
	case 'q':
		return ACT_CLOSE;
	case 'Q':
	case CTRL('c'):
		return ACT_QUIT;
	default:
		return ACT_NONE;
	}
}

const char *key_help_keys(enum action act)
{
	return (unsigned)act < ACT__COUNT && help_keys[act] ? help_keys[act] : "";
}

const char *key_help_text(enum action act)
{
	if ((unsigned)act >= ACT__COUNT || !help_text[act][0])
		return "";
	return app_tr(help_text[act][0], help_text[act][1]);
}
