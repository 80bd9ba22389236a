/* wintext.c: Windows command output to UTF-8 (see wintext.h), through
 * glibc's iconv, a bad sequence becoming U+FFFD. */
#include "engine/util/wintext.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "engine/util/text.h"
#include "engine/util/util.h"

#define REPLACEMENT "\xEF\xBF\xBD"

unsigned win_chcp_parse(const char *out)
{
	unsigned last = 0;
	for (const char *p = out ? out : ""; *p; p++) {
		if (!isdigit((unsigned char)*p))
			continue;
		unsigned long v = 0;
		for (; isdigit((unsigned char)*p); p++)
			if (v < 100000)
				v = v * 10 + (unsigned long)(*p - '0');
		last = v < 100000 ? (unsigned)v : 0; /* code pages have 5 digits at most */
		if (!*p)
			break;
	}
	return last;
}

static bool valid_utf8(const char *s, size_t n)
{
	while (n) {
		uint32_t cp;
		size_t used = utf8_decode(s, n, &cp);
		if (cp == UTF8_INVALID)
			return false;
		s += used;
		n -= used;
	}
	return true;
}

/* UTF-16LE text without a mark: mostly ASCII, so most odd bytes are NUL
 * and the even ones are not. */
static bool looks_utf16le(const unsigned char *s, size_t n)
{
	if (n < 4 || n % 2)
		return false;
	size_t pairs = n / 2, odd_nul = 0, even_nul = 0;
	for (size_t i = 0; i + 1 < n; i += 2) {
		even_nul += s[i] == 0;
		odd_nul += s[i + 1] == 0;
	}
	return odd_nul * 4 >= pairs * 3 && even_nul * 4 < pairs;
}

/* Converts with iconv; a sequence it cannot read becomes U+FFFD and the
 * input moves on by unit bytes. false when iconv lacks the encoding. */
static bool convert(struct sbuf *b, const char *from, const char *data, size_t len, size_t unit)
{
	iconv_t cd = iconv_open("UTF-8", from);
	if (cd == (iconv_t)-1)
		return false;
	char buf[4096];
	char *in = (char *)data; /* iconv's prototype; never written */
	size_t left = len;
	while (left) {
		char *o = buf;
		size_t room = sizeof(buf);
		size_t r = iconv(cd, &in, &left, &o, &room);
		sb_addn(b, buf, (size_t)(o - buf));
		if (r != (size_t)-1 || errno == E2BIG)
			continue;
		/* EILSEQ or EINVAL (cut at the end): one unit is replaced. */
		sb_add(b, REPLACEMENT);
		size_t skip = left < unit ? left : unit;
		in += skip;
		left -= skip;
		iconv(cd, NULL, NULL, NULL, NULL);
	}
	iconv_close(cd);
	return true;
}

/* Line ends as LF: every CR just before a LF (or before CRs that are)
 * goes, so "\r\n" and wmic's "\r\r\n" end a line as "\n" does; a CR
 * elsewhere stays (a reader shows it escaped). */
static void lf_lines(struct sbuf *b)
{
	size_t w = 0;
	for (size_t i = 0; i < b->len; i++) {
		if (b->s[i] == '\r') {
			size_t j = i;
			while (j < b->len && b->s[j] == '\r')
				j++;
			if (j < b->len && b->s[j] == '\n') {
				i = j - 1; /* the CRs are dropped */
				continue;
			}
		}
		b->s[w++] = b->s[i];
	}
	b->len = w;
	if (b->s)
		b->s[w] = '\0';
}

char *win_text_utf8(const char *data, size_t len, unsigned codepage, size_t *out_len)
{
	const unsigned char *u = (const unsigned char *)data;
	struct sbuf b = { 0 };
	bool done;
	if (len >= 2 && u[0] == 0xFF && u[1] == 0xFE) {
		done = convert(&b, "UTF-16LE", data + 2, len - 2, 2);
	} else if (looks_utf16le(u, len)) {
		done = convert(&b, "UTF-16LE", data, len, 2);
	} else if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3) && valid_utf8(data + 3, len - 3)) {
		sb_addn(&b, data + 3, len - 3);
		done = true;
	} else if (codepage == 65001 || valid_utf8(data, len)) {
		/* ASCII is valid in every code page; UTF-8 that is not ASCII is
		 * almost never also text in a single-byte code page. A console
		 * set to 65001 may still print a stray bad byte: replaced below. */
		done = convert(&b, "UTF-8", data, len, 1);
	} else {
		char name[16];
		snprintf(name, sizeof(name), "CP%u", codepage ? codepage : 437);
		done = convert(&b, name, data, len, 1);
	}
	if (!done) { /* an unknown code page: keep ASCII, replace the rest */
		for (size_t i = 0; i < len; i++) {
			if (u[i] < 0x80)
				sb_addc(&b, (char)u[i]);
			else
				sb_add(&b, REPLACEMENT);
		}
	}
	lf_lines(&b);
	if (out_len)
		*out_len = b.len;
	return sb_steal(&b);
}
