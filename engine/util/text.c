/* text.c: UTF-8 decoding and column widths (wcwidth, with a fallback for
 * locales that do not know the character). */
#include "engine/util/text.h"

#include <string.h>
#include <wchar.h>

#include "engine/util/util.h"

size_t utf8_decode(const char *str, size_t n, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	if (n == 0) {
		*cp = UTF8_INVALID;
		return 0;
	}
	unsigned char c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	size_t len;
	uint32_t v, min;
	if ((c & 0xE0) == 0xC0) {
		len = 2, v = c & 0x1F, min = 0x80;
	} else if ((c & 0xF0) == 0xE0) {
		len = 3, v = c & 0x0F, min = 0x800;
	} else if ((c & 0xF8) == 0xF0) {
		len = 4, v = c & 0x07, min = 0x10000;
	} else {
		*cp = UTF8_INVALID;
		return 1;
	}
	if (len > n) {
		*cp = UTF8_INVALID;
		return 1;
	}
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*cp = UTF8_INVALID;
			return 1;
		}
		v = (v << 6) | (s[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
		*cp = UTF8_INVALID;
		return 1;
	}
	*cp = v;
	return len;
}

/* East Asian Wide and Fullwidth blocks, for when the C library's locale
 * cannot tell (wcwidth returns -1 outside a UTF-8 locale). */
static bool cp_is_wide(uint32_t cp)
{
	return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) ||
	       (cp >= 0x3041 && cp <= 0x33FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
	       (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
	       (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
	       (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
	       (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
	       (cp >= 0x20000 && cp <= 0x3FFFD);
}

static bool cp_is_combining(uint32_t cp)
{
	return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x200B && cp <= 0x200F) ||
	       (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF;
}

int text_cp_width(uint32_t cp)
{
	if (cp == UTF8_INVALID || cp < 0x20 || cp == 0x7F)
		return 1;
	if (cp < 0x7F)
		return 1;
	int w = wcwidth((wchar_t)cp);
	if (w >= 0)
		return w > 2 ? 2 : w;
	if (cp_is_combining(cp))
		return 0;
	return cp_is_wide(cp) ? 2 : 1;
}

/* Hangul: Korean is wide but separates its words with spaces, so a line
 * breaks at a space, never inside a word. */
static bool cp_is_hangul(uint32_t cp)
{
	return (cp >= 0x1100 && cp <= 0x11FF) || (cp >= 0x3130 && cp <= 0x318F) ||
	       (cp >= 0xA960 && cp <= 0xA97F) || (cp >= 0xAC00 && cp <= 0xD7FF) ||
	       (cp >= 0xFFA0 && cp <= 0xFFDC);
}

bool text_cp_breaks(uint32_t cp)
{
	return cp != UTF8_INVALID && cp >= 0x2E80 && !cp_is_hangul(cp) && text_cp_width(cp) == 2;
}

size_t text_width_n(const char *s, size_t n)
{
	size_t cols = 0, i = 0;
	while (i < n && s[i]) {
		uint32_t cp;
		i += utf8_decode(s + i, n - i, &cp);
		cols += (size_t)text_cp_width(cp);
	}
	return cols;
}

size_t text_width(const char *s)
{
	return text_width_n(s, strlen(s));
}

size_t text_fit(const char *s, size_t cols, size_t *used)
{
	size_t n = strlen(s), i = 0, c = 0;
	while (i < n) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);
		size_t w = (size_t)text_cp_width(cp);
		if (c + w > cols)
			break;
		c += w;
		i += k;
	}
	if (used)
		*used = c;
	return i;
}

char *text_truncate(const char *s, size_t cols, const char *mark)
{
	if (text_width(s) <= cols)
		return xstrdup(s);
	if (cols == 0)
		return xstrdup("");
	size_t used;
	size_t keep = text_fit(s, cols - 1, &used);
	struct sbuf b = { 0 };
	sb_addn(&b, s, keep);
	/* A wide character cut in half leaves a column to pad. */
	for (; used < cols - 1; used++)
		sb_addc(&b, ' ');
	sb_add(&b, mark);
	return sb_steal(&b);
}

bool text_has_wide(const char *s)
{
	size_t n = strlen(s), i = 0;
	while (i < n) {
		uint32_t cp;
		i += utf8_decode(s + i, n - i, &cp);
		if (text_cp_width(cp) == 2)
			return true;
	}
	return false;
}
