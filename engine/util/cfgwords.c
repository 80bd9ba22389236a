/* cfgwords.c: OpenSSH configuration arguments split into words. */
#include "engine/util/cfgwords.h"

/* Whether a backslash before c escapes it (inside quotes a blank stays
 * a backslash and a blank, as in OpenSSH). */
static bool escapable(char c, char quote)
{
	return c == '\'' || c == '"' || c == '\\' || (!quote && c == ' ');
}

bool cfg_split_words(const char *s, struct strvec *words)
{
	size_t i = 0;
	for (;;) {
		while (s[i] == ' ' || s[i] == '\t')
			i++;
		if (s[i] == '\0' || s[i] == '#')
			return true;
		struct sbuf w = { 0 };
		char quote = 0;
		for (; s[i]; i++) {
			char c = s[i];
			if (c == '\\' && escapable(s[i + 1], quote))
				sb_addc(&w, s[++i]);
			else if (!quote && (c == ' ' || c == '\t'))
				break;
			else if (!quote && (c == '"' || c == '\''))
				quote = c;
			else if (quote && c == quote)
				quote = 0;
			else
				sb_addc(&w, c);
		}
		sv_take(words, sb_steal(&w));
		if (quote)
			return false;
	}
}
