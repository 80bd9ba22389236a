/* msg.h: the user's language and the engine's translated strings. */
#ifndef ASR_MSG_H
#define ASR_MSG_H

#include <stdbool.h>

enum lang { LANG_EN = 0, LANG_ZH = 1 };

enum msg_id {
#define MSG(id, en, zh) id,
#include "engine/util/msg.def"
#undef MSG
	M__COUNT
};

/* The language of engine strings; English until msg_set_lang is called. */
void msg_set_lang(enum lang l);
enum lang msg_lang(void);
/* Picks the English or Chinese string by the current language. */
#define T(en, zh) (msg_lang() == LANG_ZH ? (zh) : (en))
/* The string for id in the current language (static storage). */
const char *msg(enum msg_id id);
/* "en" or "zh-CN". */
const char *lang_code(enum lang l);
/* Parses "en", "en_US...", "zh", "zh-CN", "zh_CN.UTF-8"...; false if unknown. */
bool lang_parse(const char *s, enum lang *out);
/* The language the locale environment asks for (LC_ALL, LC_MESSAGES, LANG). */
enum lang lang_from_env(void);
/* Whether a terminal can show CJK: a UTF-8 codeset and a TERM that is not
 * the Linux console or a real VT. When it cannot, *why (static) says why. */
bool lang_terminal_cjk(const char *term, bool utf8_codeset, const char **why);

#endif
