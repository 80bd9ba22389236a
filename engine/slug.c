/* slug.c: Docs heading identifiers. Docs works on UTF-16 code units with
 * .NET's char.IsLetterOrDigit and char.ToLowerInvariant; the generated
 * slug_table.h holds those two facts for the non-ASCII characters of the
 * Basic Multilingual Plane. A character outside it is a surrogate pair
 * there, neither letter nor digit, so it is dropped. */
#include "engine/slug.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/slug_table.h"
#include "engine/text.h"

static bool cp_letter_or_digit(uint32_t cp)
{
	if (cp < 0x80)
		return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
	if (cp > 0xFFFF)
		return false;
	size_t lo = 0, hi = ARRAY_LEN(slug_alnum);
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (cp < slug_alnum[mid].first)
			hi = mid;
		else if (cp > slug_alnum[mid].last)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

static uint32_t cp_lower(uint32_t cp)
{
	if (cp < 0x80)
		return cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
	size_t lo = 0, hi = ARRAY_LEN(slug_lower);
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (cp < slug_lower[mid].first)
			hi = mid;
		else if (cp > slug_lower[mid].last)
			lo = mid + 1;
		else if ((cp - slug_lower[mid].first) % slug_lower[mid].stride == 0)
			return (uint32_t)((int32_t)cp + slug_lower[mid].delta);
		else
			return cp;
	}
	return cp;
}

static void add_cp(struct sbuf *b, uint32_t cp)
{
	char u[4];
	size_t n;
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	}
	sb_addn(b, u, n);
}

char *slug_docs(const char *text)
{
	struct sbuf b = { 0 };
	size_t len = strlen(text), i = 0;
	while (i < len) {
		uint32_t cp;
		i += utf8_decode(text + i, len - i, &cp);
		if (cp == ' ')
			sb_addc(&b, '-');
		else if (cp == '-' || cp == '_')
			sb_addc(&b, (char)cp);
		else if (cp != UTF8_INVALID && cp_letter_or_digit(cp))
			add_cp(&b, cp_lower(cp));
	}
	return sb_steal(&b);
}

char *slug_unique(struct strvec *used, const char *text)
{
	char *base = slug_docs(text);
	if (!*base) {
		free(base);
		base = xstrdup("section");
	}
	char *id = xstrdup(base);
	for (unsigned k = 1; sv_contains(used, id); k++) {
		free(id);
		id = xasprintf("%s-%u", base, k);
	}
	free(base);
	sv_push(used, id);
	return id;
}
