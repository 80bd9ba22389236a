/* mask.c: secrets (passwords, password hashes, tokens) replaced by
 * asterisks in any text asr-doctor records or shows: evidence, plan diffs,
 * reports. A leaf: it depends on util alone, so checks, plans and reports
 * all use it without depending on each other. */
#include "engine/util/mask.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "engine/util/util.h"

#define MASK "********"

static const char *const secret_keys[] = { "passphrase", "password", "passwd", "secret", "token" };

static bool is_quote(char c)
{
	return c == '"' || c == '\'';
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Length of a crypt(3) hash at p ("$6$salt$hash", "$y$j9T$salt$hash"),
 * or 0. Its id is 1-4 lowercase letters or digits, and at least 16 salt
 * and hash characters follow, so "$1$2" in a shell line is left alone. */
static size_t crypt_len(const char *line, const char *p, const char *end)
{
	if (*p != '$' || (p > line && (isalnum((unsigned char)p[-1]) || p[-1] == '$')))
		return 0;
	const char *q = p + 1;
	while (q < end && q - p <= 4 && (islower((unsigned char)*q) || isdigit((unsigned char)*q)))
		q++;
	if (q == p + 1 || q >= end || *q != '$')
		return 0;
	const char *body = ++q;
	while (q < end && (isalnum((unsigned char)*q) || *q == '.' || *q == '/' || *q == '$' || *q == '='))
		q++;
	return q - body >= 16 ? (size_t)(q - p) : 0;
}

/* The password of "scheme://user:password@host" at p (p at "://"): sets
 * the span to mask and returns true. */
static bool url_secret(const char *p, const char *end, const char **vs, const char **ve)
{
	if (end - p < 3 || strncmp(p, "://", 3) != 0)
		return false;
	const char *q = p + 3, *colon = NULL;
	while (q < end && *q != '@' && *q != '/' && !is_blank(*q)) {
		if (*q == ':' && !colon)
			colon = q;
		q++;
	}
	if (q >= end || *q != '@' || !colon || q == colon + 1)
		return false;
	*vs = colon + 1;
	*ve = q;
	return true;
}

/* A secret's key at p: sets the value's span and returns true. See the
 * contract of mask_secrets for the forms recognised. */
static bool key_secret(const char *p, const char *end, const char **vs, const char **ve)
{
	size_t klen = 0;
	for (size_t i = 0; i < ARRAY_LEN(secret_keys) && !klen; i++) {
		size_t n = strlen(secret_keys[i]);
		if ((size_t)(end - p) >= n && strncasecmp(p, secret_keys[i], n) == 0)
			klen = n;
	}
	if (!klen)
		return false;
	bool upper = true;
	for (size_t i = 0; i < klen; i++)
		if (!isupper((unsigned char)p[i]))
			upper = false;
	const char *q = p + klen;
	/* "PasswordAuthentication", "Passwords": another word, not a key. */
	if (q < end && isalpha((unsigned char)*q))
		return false;
	/* A longer key: password_file, password2, token-id. */
	while (q < end && (isalnum((unsigned char)*q) || *q == '_' || *q == '-'))
		q++;
	if (q < end && is_quote(*q))
		q++;
	const char *sp = q;
	while (q < end && is_blank(*q))
		q++;
	bool spaced = q > sp, attached;
	if (q < end && (*q == '=' || *q == ':')) {
		q++;
		const char *sp2 = q;
		while (q < end && is_blank(*q))
			q++;
		attached = !spaced && q == sp2;
	} else if (upper && spaced) {
		attached = false;
	} else {
		return false;
	}
	if (q >= end)
		return false;
	if (is_quote(*q)) {
		const char *close = memchr(q + 1, *q, (size_t)(end - q - 1));
		*vs = q + 1;
		*ve = close ? close : end;
	} else if (attached) {
		*vs = q;
		while (q < end && !is_blank(*q) && !strchr("&;,\"'", *q))
			q++;
		*ve = q;
	} else {
		*vs = q;
		const char *e = end;
		while (e > q && (is_blank(e[-1]) || e[-1] == '\r'))
			e--;
		*ve = e;
	}
	return *ve > *vs;
}

/* Appends line [ls, le) to b with its secrets masked. */
static void mask_line(struct sbuf *b, const char *ls, const char *le)
{
	const char *from = ls, *p = ls;
	while (p < le) {
		const char *vs, *ve;
		size_t n = crypt_len(ls, p, le);
		if (n) {
			sb_addn(b, from, (size_t)(p - from));
			sb_add(b, MASK);
			p += n;
			from = p;
		} else if ((*p == ':' && url_secret(p, le, &vs, &ve)) || key_secret(p, le, &vs, &ve)) {
			sb_addn(b, from, (size_t)(vs - from));
			sb_add(b, MASK);
			p = ve;
			from = p;
		} else {
			p++;
		}
	}
	sb_addn(b, from, (size_t)(le - from));
}

char *mask_secrets(const char *text)
{
	if (!text)
		return NULL;
	struct sbuf b = { 0 };
	const char *p = text;
	for (;;) {
		const char *nl = strchr(p, '\n');
		const char *le = nl ? nl : p + strlen(p);
		mask_line(&b, p, le);
		if (!nl)
			break;
		sb_addc(&b, '\n');
		p = nl + 1;
	}
	return sb_steal(&b);
}

