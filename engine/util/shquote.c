/* shquote.c: POSIX shell quoting of command words. */
#include "engine/util/shquote.h"

#include <stdbool.h>
#include <string.h>

#include "engine/util/util.h"

/* Whether a word reaches a POSIX shell unchanged without quotes. */
static bool shell_plain(const char *w)
{
	if (!*w)
		return false;
	bool brace = false;
	for (const char *p = w; *p; p++) {
		if (*p == '{' || *p == '}') {
			brace = true;
			continue;
		}
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+=:,./-",
		            *p))
			return false;
	}
	/* Braces are plain unless bash could expand them ({a,b}, {1..3})
	 * or the word is a reserved { or }. */
	return !brace || (!strchr(w, ',') && !strstr(w, "..") && strcmp(w, "{") != 0 &&
			  strcmp(w, "}") != 0);
}

char *argv_shell_join(const char *const *argv)
{
	struct sbuf b = { 0 };
	for (size_t i = 0; argv && argv[i]; i++) {
		if (i)
			sb_addc(&b, ' ');
		if (shell_plain(argv[i])) {
			sb_add(&b, argv[i]);
			continue;
		}
		sb_addc(&b, '\'');
		for (const char *p = argv[i]; *p; p++) {
			if (*p == '\'')
				sb_add(&b, "'\\''");
			else
				sb_addc(&b, *p);
		}
		sb_addc(&b, '\'');
	}
	if (!b.s)
		return xstrdup("");
	return sb_steal(&b);
}
