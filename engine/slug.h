/* slug.h: heading identifiers exactly as Docs (DocFX, markdig's
 * auto-identifier extension in its GitHub mode) makes them, so the
 * article's own "#anchor" links and the anchors in bindings.json find
 * headings that carry no <a name> tag. */
#ifndef ASR_SLUG_H
#define ASR_SLUG_H

#include "engine/util/util.h"

/* The identifier of a heading whose plain text (inline markup and HTML
 * already removed, white space as written) is text: letters and decimal
 * digits of any script lower-cased, '-' and '_' kept, each space becomes
 * '-', everything else is dropped; runs of dashes are NOT collapsed. May
 * be "" (see slug_unique). text must be UTF-8; a bad byte is dropped.
 * Caller frees. */
char *slug_docs(const char *text);
/* The identifier of the next heading of a document: slug_docs(text), or
 * "section" when that is empty, with "-1", "-2"... appended while used
 * already holds it; the result is added to used. Caller frees the
 * returned copy. */
char *slug_unique(struct strvec *used, const char *text);

#endif
