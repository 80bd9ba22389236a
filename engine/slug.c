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
#include "engine/util/text.h"

/* bsearch comparators: the key is a code point, the element a range. */
static int cmp_alnum(const void *key, const void *elem)
{
	uint32_t cp = *(const uint32_t *)key;
	const struct slug_range *r = elem;
	return cp < r->first ? -1 : cp > r->last ? 1 : 0;
}

static int cmp_lower(const void *key, const void *elem)
{
	uint32_t cp = *(const uint32_t *)key;
	const struct slug_case *r = elem;
	return cp < r->first ? -1 : cp > r->last ? 1 : 0;
}

static bool cp_letter_or_digit(uint32_t cp)
{
	if (cp < 0x80)
		return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
	return cp <= 0xFFFF &&
	       bsearch(&cp, slug_alnum, ARRAY_LEN(slug_alnum), sizeof slug_alnum[0], cmp_alnum);
}

static uint32_t cp_lower(uint32_t cp)
{
	if (cp < 0x80)
		return cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
	const struct slug_case *r =
		bsearch(&cp, slug_lower, ARRAY_LEN(slug_lower), sizeof slug_lower[0], cmp_lower);
	/* A run with stride 2 maps every other character (upper, lower...). */
	if (r && (cp - r->first) % r->stride == 0)
		return (uint32_t)((int32_t)cp + r->delta);
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
