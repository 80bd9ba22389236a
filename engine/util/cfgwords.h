/* cfgwords.h: the arguments of an OpenSSH configuration line split into
 * words the way ssh and sshd both split them, shared by the ssh_config
 * reader (engine/target/ssh_config.c) and the sshd_config model
 * (engine/sshd_config.c) so the two cannot drift apart. */
#ifndef ASR_CFGWORDS_H
#define ASR_CFGWORDS_H

#include <stdbool.h>

#include "engine/util/util.h"

/* Appends to words the words of s: blanks separate them, single or double
 * quotes group (and are removed; "" is an empty word), a backslash escapes
 * a quote, a backslash or (outside quotes) a blank, and a `#` that starts
 * a word ends the line. Returns false on an unterminated quote, with the
 * words before it and the unterminated one appended; the caller frees
 * words either way. */
bool cfg_split_words(const char *s, struct strvec *words);

#endif
