/* winquote.c: quoting for the C runtime's argument parser and escaping for
 * cmd.exe (see winquote.h for why both). */
#include "engine/util/winquote.h"

#include <string.h>

#include "engine/util/util.h"

/* Appends n backslashes. */
static void add_backslashes(struct sbuf *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sb_addc(b, '\\');
}

/* Appends arg as the C runtime reads one argument back: backslashes are
 * literal except in a run that ends at a double quote, where each one
 * needs a pair; the closing quote counts as such a quote. */
static void add_quoted(struct sbuf *b, const char *arg)
{
	if (*arg && !strpbrk(arg, " \t\"\v")) {
		sb_add(b, arg);
		return;
	}
	sb_addc(b, '"');
	for (const char *p = arg;; p++) {
		size_t slashes = 0;
		while (*p == '\\') {
			slashes++;
			p++;
		}
		if (!*p) {
			add_backslashes(b, slashes * 2);
			break;
		}
		if (*p == '"') {
			add_backslashes(b, slashes * 2 + 1);
			sb_addc(b, '"');
		} else {
			add_backslashes(b, slashes);
			sb_addc(b, *p);
		}
	}
	sb_addc(b, '"');
}

char *win_quote_arg(const char *arg)
{
	struct sbuf b = { 0 };
	add_quoted(&b, arg ? arg : "");
	return sb_steal(&b);
}

/* The program name is read by other rules (quotes group, backslashes are
 * plain), so it is quoted only for spaces and may hold no quote. */
static bool add_program(struct sbuf *b, const char *name)
{
	if (!*name || strchr(name, '"'))
		return false;
	if (strpbrk(name, " \t")) {
		sb_addc(b, '"');
		sb_add(b, name);
		sb_addc(b, '"');
	} else {
		sb_add(b, name);
	}
	return true;
}

/* Escapes for cmd.exe: with every double quote escaped too, cmd.exe never
 * enters a quoted region, so the carets are all it removes. A % escaped as
 * ^% is left alone by the expansion of %NAME% (which runs before carets are
 * removed) because no variable's name ends in a caret. */
static char *cmd_escape(const char *line)
{
	struct sbuf b = { 0 };
	for (const char *p = line; *p; p++) {
		if (strchr("()%!^\"<>&|", *p))
			sb_addc(&b, '^');
		sb_addc(&b, *p);
	}
	return sb_steal(&b);
}

char *win_cmdline(const char *const argv[], bool for_cmd)
{
	if (!argv || !argv[0])
		return NULL;
	for (size_t i = 0; argv[i]; i++)
		if (strpbrk(argv[i], "\r\n"))
			return NULL;
	struct sbuf b = { 0 };
	if (!add_program(&b, argv[0])) {
		sb_free(&b);
		return NULL;
	}
	for (size_t i = 1; argv[i]; i++) {
		sb_addc(&b, ' ');
		add_quoted(&b, argv[i]);
	}
	if (!for_cmd)
		return sb_steal(&b);
	char *escaped = cmd_escape(sb_str(&b));
	sb_free(&b);
	return escaped;
}
