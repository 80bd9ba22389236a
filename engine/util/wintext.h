/* wintext.h: the text a Windows command prints, as UTF-8. Console programs
 * write in the console's code page (437 or 850 in the West, 936 in China,
 * 932 in Japan, 65001 when set to UTF-8), and some (PowerShell redirected,
 * `wmic`, `reg export`) write UTF-16LE; the parsers in engine/winparse.c
 * read UTF-8 only. */
#ifndef ASR_WINTEXT_H
#define ASR_WINTEXT_H

#include <stddef.h>

/* The code page number in the output of `chcp` ("Active code page: 850",
 * "Aktive Codepage: 850.", "活动代码页: 936" in that code page): the last
 * number in it. Returns 0 when there is none. */
unsigned win_chcp_parse(const char *out);

/* data (len bytes, not NUL-terminated) as UTF-8: UTF-16LE when it starts
 * with its byte order mark or looks like it (NULs in the odd bytes of
 * ASCII text), else UTF-8 when it already is, else converted from
 * codepage (0 means 437). A byte that cannot be converted becomes U+FFFD,
 * so the result is always valid UTF-8 and never shorter by surprise.
 * Lines end with LF alone: the CRs before each LF (CRLF, wmic's CRCRLF)
 * are removed here, once, so that no parser, evidence or verdict sees
 * them; a CR anywhere else is kept.
 * Returns a NUL-terminated string the caller frees; *out_len (may be NULL)
 * its length. */
char *win_text_utf8(const char *data, size_t len, unsigned codepage, size_t *out_len);

#endif
