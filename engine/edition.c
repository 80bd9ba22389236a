/* edition.c: locales, links and ":::" directives of an article edition. */
#include "engine/edition.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/util/util.h"

/* Regions Docs uses for a bare language where it is not the language's
 * own code doubled (de -> de-de). */
static const char *const region_of[][2] = {
	{ "en", "us" }, { "zh", "cn" }, { "ko", "kr" }, { "ja", "jp" }, { "pt", "br" },
	{ "cs", "cz" }, { "sv", "se" }, { "da", "dk" }, { "nb", "no" }, { "el", "gr" },
	{ "he", "il" }, { "uk", "ua" }, { "vi", "vn" }, { "et", "ee" }, { "sl", "si" },
	{ "kk", "kz" }, { "ms", "my" }, { "hi", "in" }, { "ar", "sa" }, { "ca", "es" },
	{ "eu", "es" }, { "gl", "es" }, { "sr", "rs" },
};

/* Languages Docs publishes in, for telling a locale in a file name
 * ("article.ko-kr.md") from any other word with a dash ("my-docs"). */
static const char *const docs_langs[] = {
	"ar", "bg", "ca", "cs", "da", "de", "el", "en", "es", "et", "eu", "fi", "fr", "gl", "he",
	"hi", "hr", "hu", "id", "is", "it", "ja", "kk", "ko", "lt", "lv", "ms", "nb", "nl", "pl",
	"pt", "ro", "ru", "sk", "sl", "sr", "sv", "th", "tr", "uk", "vi", "zh",
};

/* Whether s[0..n) looks like a locale: a language of 2-3 letters, '-',
 * then a region of 2 letters or 3 digits, or a script of 4 letters and a
 * region ("zh-hant-tw"). With known, the language must be one Docs
 * publishes in. */
static bool locale_shape(const char *s, size_t n, bool known)
{
	size_t i = 0;
	while (i < n && isalpha((unsigned char)s[i]))
		i++;
	if (i < 2 || i > 3 || i >= n || s[i] != '-')
		return false;
	if (known) {
		bool found = false;
		for (size_t k = 0; k < ARRAY_LEN(docs_langs); k++)
			found |= i == 2 && strncasecmp(s, docs_langs[k], 2) == 0;
		if (!found)
			return false;
	}
	const char *r = s + i + 1;
	size_t rl = n - i - 1;
	if (rl == 2)
		return isalpha((unsigned char)r[0]) && isalpha((unsigned char)r[1]);
	if (rl == 3)
		return isdigit((unsigned char)r[0]) && isdigit((unsigned char)r[1]) &&
		       isdigit((unsigned char)r[2]);
	if (rl == 7 && r[4] == '-') {
		for (size_t k = 0; k < 7; k++)
			if (k != 4 && !isalpha((unsigned char)r[k]))
				return false;
		return true;
	}
	return false;
}

static char *lower_dup(const char *s, size_t n)
{
	char *d = xstrndup(s, n);
	for (char *p = d; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return d;
}

char *edition_locale(const char *lang, const char *name)
{
	size_t ll = lang ? strlen(lang) : 0;
	if (ll && locale_shape(lang, ll, false))
		return lower_dup(lang, ll);
	if (ll >= 2 && ll <= 3) {
		char *l = lower_dup(lang, ll);
		for (size_t i = 0; i < ARRAY_LEN(region_of); i++)
			if (strcmp(l, region_of[i][0]) == 0) {
				char *loc = xasprintf("%s-%s", l, region_of[i][1]);
				free(l);
				return loc;
			}
		char *loc = xasprintf("%s-%s", l, l);
		free(l);
		return loc;
	}
	/* The last part of the path shaped like a locale, parts being split
	 * at '/', '.' and '_'. */
	const char *found = NULL;
	size_t flen = 0;
	for (const char *p = name ? name : ""; *p;) {
		size_t n = strcspn(p, "/._");
		if (n && locale_shape(p, n, true)) {
			found = p;
			flen = n;
		}
		p += n;
		if (*p)
			p++;
	}
	return found ? lower_dup(found, flen) : xstrdup("en-us");
}

char *edition_lang(const char *locale)
{
	char *l = xstrdup(locale);
	char *dash = strchr(l, '-');
	for (char *p = dash ? dash + 1 : l + strlen(l); *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return l;
}

char *edition_link(const char *locale, const char *url)
{
	if (url[0] == '#' || strstr(url, "://") || str_starts(url, "mailto:"))
		return xstrdup(url);
	if (url[0] == '/')
		return xasprintf("https://learn.microsoft.com/%s%s", locale, url);
	/* A file beside the article: drop ".md", climb for each "../". */
	const char *hash = strchr(url, '#');
	size_t len = hash ? (size_t)(hash - url) : strlen(url);
	if (len > 3 && strncmp(url + len - 3, ".md", 3) == 0)
		len -= 3;
	const char *dir[] = { "azure", "site-recovery" };
	size_t depth = ARRAY_LEN(dir);
	while (len >= 2 && (strncmp(url, "./", 2) == 0 || strncmp(url, "../", 3) == 0)) {
		if (url[1] == '.') {
			if (depth > 0)
				depth--;
			url += 3;
			len -= 3;
		} else {
			url += 2;
			len -= 2;
		}
	}
	struct sbuf b = { 0 };
	sb_printf(&b, "https://learn.microsoft.com/%s/", locale);
	for (size_t i = 0; i < depth; i++)
		sb_printf(&b, "%s/", dir[i]);
	sb_addn(&b, url, len);
	if (hash)
		sb_add(&b, hash);
	return sb_steal(&b);
}

bool edition_is_directive(const char *line)
{
	while (*line == ' ' || *line == '\t')
		line++;
	return str_starts(line, ":::") && isalpha((unsigned char)line[3]);
}

/* The value of attribute key="..." (or '...') in a directive, or NULL. */
static char *attr_value(const char *line, const char *key)
{
	size_t kl = strlen(key);
	for (const char *p = strstr(line, key); p; p = strstr(p + 1, key)) {
		if (p > line && !isspace((unsigned char)p[-1]))
			continue;
		const char *v = p + kl;
		if (*v != '=' || (v[1] != '"' && v[1] != '\''))
			continue;
		const char *e = strchr(v + 2, v[1]);
		if (e)
			return xstrndup(v + 2, (size_t)(e - v - 2));
	}
	return NULL;
}

char *edition_image_alt(const char *line)
{
	while (*line == ' ' || *line == '\t')
		line++;
	if (!str_starts(line, ":::image") || (line[8] != ' ' && line[8] != ':'))
		return NULL;
	char *alt = attr_value(line, "alt-text");
	if (alt)
		return alt;
	char *src = attr_value(line, "source");
	if (!src)
		return xstrdup("");
	const char *base = strrchr(src, '/');
	char *name = xstrdup(base ? base + 1 : src);
	free(src);
	return name;
}
