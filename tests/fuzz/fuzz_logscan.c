/* fuzz_logscan.c: the log decoder and scanner (any bytes as a log: BOMs,
 * UTF-16 halves, stray surrogates, bad UTF-8, NULs, every line end), the
 * code spelling parser in both modes over the same bytes, and the
 * resolution of pasted text. Checks the decoder's contract: every line it
 * hands on is valid UTF-8 without NULs or line ends, owns no more than
 * its length, and line numbers never go back. */
#include "tests/fuzz/fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "engine/codes.h"
#include "engine/logscan.h"
#include "engine/util/text.h"

FUZZ_DECLARE(logscan);

static bool check_line(void *arg, const char *text, size_t len, unsigned long long line, size_t own)
{
	unsigned long long *prev = arg;
	if (line < *prev || own > len || len > 3 * LOG_PIECE)
		fuzz_fail("line %llu after %llu, own %zu of %zu", line, *prev, own, len);
	*prev = line;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t k = utf8_decode(text + i, len - i, &cp);
		if (cp == UTF8_INVALID || cp == 0 || cp == '\n' || cp == '\r')
			fuzz_fail("line %llu: bad character at byte %zu", line, i);
		i += k;
	}
	return true;
}

static void scan_codes(const char *s, size_t len, unsigned flags)
{
	struct code_hit h[64];
	size_t n = codes_scan(s, len, flags, h, 64);
	for (size_t i = 0; i < n && i < 64; i++) {
		char buf[40];
		if (h[i].start >= h[i].end || h[i].end > len || (i && h[i].start < h[i - 1].end))
			fuzz_fail("hit %zu at [%zu, %zu) of %zu", i, h[i].start, h[i].end, len);
		code_format(&h[i].code, buf, sizeof buf);
	}
}

int FUZZ_ENTRY(logscan)(const uint8_t *data, size_t size)
{
	static struct doc *doc;
	static struct codemap *map;
	if (!doc) {
		char *cause = NULL;
		doc = doc_load_builtin("en", &cause);
		map = doc ? codemap_new(doc, NULL, &cause) : NULL;
		if (!map)
			fuzz_fail("built-in article: %s", cause);
	}
	struct log_src src = { .fd = -1, .mem = (const char *)data, .len = size };
	unsigned long long prev = 0;
	char *cause = NULL;
	if (log_read_lines(&src, check_line, &prev, NULL, &cause) != 0)
		fuzz_fail("log_read_lines failed on memory: %s", cause);
	src = (struct log_src){ .fd = -1, .mem = (const char *)data, .len = size };
	struct log_scan s = { 0 };
	if (log_scan_src(map, &src, "fuzz.log", &s) != 0)
		fuzz_fail("log_scan_src failed on memory");
	for (size_t i = 0; i < s.nhits; i++) {
		struct sbuf b = { 0 };
		if (s.hits[i].count == 0 || s.hits[i].last_line < s.hits[i].line ||
		    (s.hits[i].known && s.hits[i].nnodes == 0))
			fuzz_fail("hit %zu: count %llu lines %llu-%llu", i, s.hits[i].count,
				  s.hits[i].line, s.hits[i].last_line);
		util_escape(&b, s.hits[i].text, false);
		for (size_t k = 0; k < b.len; k++)
			if ((unsigned char)b.s[k] < 0x20 || b.s[k] == 0x7F)
				fuzz_fail("a control character left after escaping");
		sb_free(&b);
	}
	log_scan_free(&s);
	scan_codes((const char *)data, size, CODES_TEXT);
	scan_codes((const char *)data, size, CODES_QUERY);
	char *text = fuzz_cstr(data, size);
	struct node *out[8];
	codemap_resolve(map, text, out, 8);
	free(text);
	return 0;
}
