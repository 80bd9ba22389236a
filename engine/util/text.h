/* text.h: terminal columns of UTF-8 text (CJK is two columns wide), cutting
 * at character boundaries. No curses here: the TUI and the plain-text
 * output measure text the same way. */
#ifndef ASR_TEXT_H
#define ASR_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UTF8_INVALID 0xFFFFFFFFu

/* Decodes one character from s (at most n bytes). Returns the bytes used
 * (at least 1 when n > 0) and sets *cp, or UTF8_INVALID for a bad sequence
 * (then 1 byte is consumed). */
size_t utf8_decode(const char *s, size_t n, uint32_t *cp);
/* Columns a code point takes: 0 (combining), 1 or 2. Control characters and
 * invalid input count as 1 (they are shown as a replacement). */
int text_cp_width(uint32_t cp);
/* Whether a line may break before or after this character (Chinese and
 * Japanese characters and their punctuation wrap at any character; Korean,
 * wide too, wraps at spaces like English). */
bool text_cp_breaks(uint32_t cp);
/* Columns of a NUL-terminated string, or of its first n bytes. */
size_t text_width(const char *s);
size_t text_width_n(const char *s, size_t n);
/* Bytes of s that fit in cols columns without splitting a character; the
 * columns used go to *used (may be NULL). */
size_t text_fit(const char *s, size_t cols, size_t *used);
/* A copy of s cut to at most cols columns; when cut, the last column shows
 * mark (one column wide, e.g. "~" or "\u2026"). Caller frees. */
char *text_truncate(const char *s, size_t cols, const char *mark);
/* Whether the string has any character wider than one column. */
bool text_has_wide(const char *s);

#endif
