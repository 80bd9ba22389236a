/* mask.h: secrets masked in recorded and shown text (see mask_secrets). */
#ifndef ASR_MASK_H
#define ASR_MASK_H

/* A copy of text with secrets replaced by "********" (caller frees; NULL
 * gives NULL), line by line:
 * - the value after a key named password, passwd, passphrase, secret or
 *   token (any case, also inside a longer key such as db_password or
 *   client_secret) followed by '=' or ':' ("password=x", "--password=x",
 *   "\"password\": \"x\"", "Password: x"), or written in capitals and
 *   followed by a space ("PASSWORD x"); a quoted value up to its closing
 *   quote, "key=value" without spaces up to the next space, & ; or comma,
 *   else up to the end of the line;
 * - crypt(3) password hashes ("$6$salt$hash", "$y$...");
 * - the password of a URL ("scheme://user:password@host").
 * Names that only begin with a key word (PasswordAuthentication,
 * PermitEmptyPasswords) and prose ("the root password is locked") stay. */
char *mask_secrets(const char *text);

#endif
