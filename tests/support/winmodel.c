/* winmodel.c: cmd.exe and the C runtime reading a command line (see
 * winmodel.h for the sources of the rules). */
#include "support/winmodel.h"

#include <stdlib.h>
#include <string.h>

/* The /c rule of "cmd /?": a line starting with a double quote keeps its
 * quotes only when it holds exactly two, with whitespace and none of
 * &<>()@^| between them (the quoted name is taken to be a program);
 * otherwise the first quote and the last one are removed. */
static char *slash_c(const char *line)
{
	if (line[0] != '"')
		return xstrdup(line);
	size_t quotes = 0;
	for (const char *p = line; *p; p++)
		quotes += *p == '"';
	const char *close = strchr(line + 1, '"');
	if (quotes == 2 && close) {
		bool space = false, special = false;
		for (const char *p = line + 1; p < close; p++) {
			space = space || *p == ' ' || *p == '\t';
			special = special || strchr("&<>()@^|", *p);
		}
		if (space && !special)
			return xstrdup(line);
	}
	const char *last = strrchr(line, '"');
	struct sbuf b = { 0 };
	if (last == line) {
		sb_add(&b, line + 1);
	} else {
		sb_addn(&b, line + 1, (size_t)(last - line - 1));
		sb_add(&b, last + 1);
	}
	return sb_steal(&b);
}

/* %NAME% replaced when NAME is set, left as it is when not. */
static char *expand(const char *line, winmodel_env_fn env, void *arg)
{
	struct sbuf b = { 0 };
	for (const char *p = line; *p; p++) {
		const char *end = *p == '%' ? strchr(p + 1, '%') : NULL;
		const char *val = end && env ? env(p + 1, (size_t)(end - p - 1), arg) : NULL;
		if (val) {
			sb_add(&b, val);
			p = end;
		} else {
			sb_addc(&b, *p);
		}
	}
	return sb_steal(&b);
}

char *winmodel_expand(const char *text, winmodel_env_fn env, void *arg)
{
	return expand(text, env, arg);
}

size_t winmodel_cmd_parts(const char *line, winmodel_env_fn env, void *arg,
			  struct winmodel_part *parts, size_t max)
{
	char *stripped = slash_c(line);
	char *s = expand(stripped, env, arg);
	free(stripped);
	size_t n = 0;
	struct sbuf cur = { 0 };
	bool quoted = false, merged = false;
	for (const char *p = s;; p++) {
		const char *op = NULL;
		size_t oplen = 0;
		if (!*p) {
			op = "";
		} else if (!quoted && p > s && (p[-1] == ' ' || p[-1] == '\t') &&
			   !strncmp(p, "2>&1", 4) && (!p[4] || p[4] == ' ' || p[4] == '\t' ||
						       p[4] == '&' || p[4] == '|')) {
			/* Standard error to standard output: a redirection,
			 * not an operator; cmd.exe drops it from the text. */
			merged = true;
			p += 3;
			continue;
		} else if (quoted) {
			if (*p == '"')
				quoted = false;
			sb_addc(&cur, *p);
			continue;
		} else if (*p == '^' && p[1]) {
			sb_addc(&cur, *++p);
			continue;
		} else if (*p == '"') {
			quoted = true;
			sb_addc(&cur, *p);
			continue;
		} else if ((p[0] == '&' && p[1] == '&') || (p[0] == '|' && p[1] == '|')) {
			op = p[0] == '&' ? "&&" : "||";
			oplen = 2;
		} else if (strchr("&|<>", *p)) {
			op = *p == '&' ? "&" : *p == '|' ? "|" : *p == '<' ? "<" : ">";
			oplen = 1;
		} else {
			sb_addc(&cur, *p);
			continue;
		}
		if (n < max) {
			parts[n].text = sb_steal(&cur);
			strcpy(parts[n].op, op);
			parts[n].err_to_out = merged;
		} else {
			sb_free(&cur);
		}
		n++;
		merged = false;
		if (!*p)
			break;
		p += oplen - 1;
	}
	free(s);
	return n;
}

void winmodel_parts_free(struct winmodel_part *parts, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(parts[i].text);
}

char *winmodel_cmd(const char *line, winmodel_env_fn env, void *arg)
{
	struct winmodel_part parts[2] = { 0 };
	size_t n = winmodel_cmd_parts(line, env, arg, parts, 2);
	if (n != 1) {
		winmodel_parts_free(parts, n < 2 ? n : 2);
		return NULL;
	}
	return parts[0].text;
}

void winmodel_crt(const char *line, struct strvec *args)
{
	const char *p = line;
	struct sbuf w = { 0 };
	/* The program name: quotes group, backslashes are plain. */
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '"') {
		const char *end = strchr(p + 1, '"');
		sb_addn(&w, p + 1, end ? (size_t)(end - p - 1) : strlen(p + 1));
		p = end ? end + 1 : p + strlen(p);
	} else {
		while (*p && *p != ' ' && *p != '\t')
			sb_addc(&w, *p++);
	}
	sv_take(args, sb_steal(&w));
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		bool quoted = false;
		for (;;) {
			size_t slashes = 0;
			while (*p == '\\') {
				slashes++;
				p++;
			}
			if (*p == '"') {
				for (size_t i = 0; i < slashes / 2; i++)
					sb_addc(&w, '\\');
				if (slashes % 2) {
					sb_addc(&w, '"');
				} else if (quoted && p[1] == '"') {
					sb_addc(&w, '"');
					p++;
				} else {
					quoted = !quoted;
				}
				p++;
				continue;
			}
			for (size_t i = 0; i < slashes; i++)
				sb_addc(&w, '\\');
			if (!*p || (!quoted && (*p == ' ' || *p == '\t')))
				break;
			sb_addc(&w, *p++);
		}
		sv_take(args, sb_steal(&w));
	}
}
