/* msg.c: language choice and the translated string table. */
#include "engine/util/msg.h"

#include <stdlib.h>
#include <string.h>

#include "engine/util/util.h"

static enum lang current = LANG_EN;

static const char *const table[M__COUNT][2] = {
#define MSG(id, en, zh) [id] = { en, zh },
#include "engine/util/msg.def"
#undef MSG
};

void msg_set_lang(enum lang l)
{
	current = l;
}

enum lang msg_lang(void)
{
	return current;
}

const char *msg(enum msg_id id)
{
	if ((unsigned)id >= M__COUNT)
		return "";
	return table[id][current];
}

const char *lang_code(enum lang l)
{
	return l == LANG_ZH ? "zh-CN" : "en";
}

bool lang_parse(const char *s, enum lang *out)
{
	if (!s)
		return false;
	if (strncasecmp(s, "zh", 2) == 0 && (s[2] == '\0' || s[2] == '-' || s[2] == '_' || s[2] == '.')) {
		*out = LANG_ZH;
		return true;
	}
	if (strncasecmp(s, "en", 2) == 0 && (s[2] == '\0' || s[2] == '-' || s[2] == '_' || s[2] == '.')) {
		*out = LANG_EN;
		return true;
	}
	return false;
}

enum lang lang_from_env(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
	for (size_t i = 0; i < ARRAY_LEN(vars); i++) {
		const char *v = getenv(vars[i]);
		if (v && *v) {
			enum lang l;
			return lang_parse(v, &l) ? l : LANG_EN;
		}
	}
	return LANG_EN;
}

bool lang_terminal_cjk(const char *term, bool utf8_codeset, const char **why)
{
	if (!utf8_codeset) {
		*why = "the locale is not UTF-8";
		return false;
	}
	if (term && (strcmp(term, "linux") == 0 || str_starts(term, "vt1") ||
		     str_starts(term, "vt2") || strcmp(term, "dumb") == 0)) {
		*why = "this terminal type cannot draw CJK";
		return false;
	}
	return true;
}
