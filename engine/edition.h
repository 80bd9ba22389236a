/* edition.h: what an edition of the article says about itself in Docs
 * syntax: its locale (front matter or file name), where its relative links
 * point on learn.microsoft.com, and the ":::" directives Docs draws
 * (":::image ... alt-text=\"...\":::"), which a terminal shows as text. */
#ifndef ASR_EDITION_H
#define ASR_EDITION_H

#include <stdbool.h>

/* The Docs locale of an edition, lower case ("en-us", "zh-cn", "zh-tw",
 * "ko-kr"): from lang (the front matter's ms.contentlocale, may be "" or a
 * bare language such as "ko"), else from a part of the file name such as
 * "article.ko-KR.md" or "azure-docs.zh-tw/", else "en-us". Caller frees. */
char *edition_locale(const char *lang, const char *name);
/* The front matter spelling of a locale ("ko-kr" -> "ko-KR"). Caller frees. */
char *edition_lang(const char *locale);
/* url made absolute for an edition in locale: an article file next to this
 * one ("x.md#a", "../y/z.md") and a site path ("/azure/...") land under
 * https://learn.microsoft.com/LOCALE/; "#anchor" and absolute URLs stay
 * as written. Caller frees. */
char *edition_link(const char *locale, const char *url);
/* Whether line (leading blanks allowed) is a Docs ":::" directive line. */
bool edition_is_directive(const char *line);
/* The alt text of an ":::image ...:::" directive line, else NULL (for any
 * other line). An image without alt-text gives its source file name, or
 * "". Caller frees. */
char *edition_image_alt(const char *line);

#endif
