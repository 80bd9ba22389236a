/* util.c: allocation, growable strings and small string helpers. */
#include "engine/util/util.h"

#include "engine/util/text.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void out_of_memory(size_t n)
{
	fprintf(stderr, "asr-doctor: out of memory (asked for %zu bytes)\n", n);
	exit(2);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		out_of_memory(n);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		out_of_memory(n * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		out_of_memory(n);
	return q;
}

void *xgrow(void *p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return p;
	size_t c = *cap ? *cap : 8;
	while (c < need) {
		if (c > SIZE_MAX / 2 / elem)
			out_of_memory(SIZE_MAX);
		c *= 2;
	}
	*cap = c;
	return xrealloc(p, c * elem);
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xvasprintf(const char *fmt, va_list ap)
{
	va_list aq;
	va_copy(aq, ap);
	int n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		out_of_memory(0);
	char *p = xmalloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}

void sb_addn(struct sbuf *b, const char *s, size_t n)
{
	b->s = xgrow(b->s, &b->cap, b->len + n + 1, 1);
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void sb_add(struct sbuf *b, const char *s)
{
	sb_addn(b, s, strlen(s));
}

void sb_addc(struct sbuf *b, char c)
{
	sb_addn(b, &c, 1);
}

void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = xvasprintf(fmt, ap);
	va_end(ap);
	sb_add(b, p);
	free(p);
}

const char *sb_str(const struct sbuf *b)
{
	return b->s ? b->s : "";
}

char *sb_steal(struct sbuf *b)
{
	char *s = b->s ? b->s : xstrdup("");
	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

void sb_reset(struct sbuf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

void sb_free(struct sbuf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

void sv_take(struct strvec *sv, char *s)
{
	sv->v = xgrow(sv->v, &sv->cap, sv->n + 2, sizeof *sv->v);
	sv->v[sv->n++] = s;
	sv->v[sv->n] = NULL;
}

void sv_push(struct strvec *sv, const char *s)
{
	sv_take(sv, xstrdup(s));
}

/* The replacement character, for bytes that are not UTF-8. */
static const char replacement[] = "\xEF\xBF\xBD";

void util_escape(struct sbuf *b, const char *text, bool keep_lines)
{
	for (const char *p = text; *p;) {
		unsigned char c = (unsigned char)*p;
		if (c >= 0x20 && c < 0x7F) {
			const char *q = p;
			while ((unsigned char)*q >= 0x20 && (unsigned char)*q < 0x7F)
				q++;
			sb_addn(b, p, (size_t)(q - p));
			p = q;
			continue;
		}
		if (c < 0x80) {
			if (keep_lines && (c == '\n' || c == '\t'))
				sb_addc(b, (char)c);
			else if (c == '\t')
				sb_add(b, "\\t");
			else if (c == '\r')
				sb_add(b, "\\r");
			else
				sb_printf(b, "\\x%02X", c);
			p++;
			continue;
		}
		uint32_t cp;
		size_t k = utf8_decode(p, strlen(p), &cp);
		/* C1 controls and the bidirectional overrides can rewrite what a
		 * terminal shows. */
		if (cp == UTF8_INVALID)
			sb_add(b, replacement);
		else if ((cp >= 0x80 && cp < 0xA0) || (cp >= 0x202A && cp <= 0x202E) ||
			 (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E || cp == 0x200F)
			sb_printf(b, "\\u{%04X}", cp);
		else
			sb_addn(b, p, k);
		p += k;
	}
}

void util_fputs(const char *text, FILE *f)
{
	struct sbuf b = { 0 };
	util_escape(&b, text, true);
	fputs(sb_str(&b), f);
	sb_free(&b);
}

/* Copies a NULL-terminated argv. */
char **argv_dup(const char *const *argv)
{
	size_t n = 0;
	while (argv && argv[n])
		n++;
	char **v = xcalloc(n + 1, sizeof *v);
	for (size_t i = 0; i < n; i++)
		v[i] = xstrdup(argv[i]);
	return v;
}

/* Frees an argv made by argv_dup. */
void argv_free(char **v)
{
	if (!v)
		return;
	for (size_t i = 0; v[i]; i++)
		free(v[i]);
	free(v);
}

/* Compares two argvs word by word. */
bool argv_equal(const char *const *a, const char *const *b)
{
	if (!a || !b)
		return a == b;
	size_t i = 0;
	for (; a[i] && b[i]; i++)
		if (strcmp(a[i], b[i]) != 0)
			return false;
	return !a[i] && !b[i];
}

bool sv_contains(const struct strvec *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return true;
	return false;
}

void sv_free(struct strvec *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = sv->cap = 0;
}

bool str_starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool str_ends(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

bool str_ieq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return false;
	return *a == *b;
}

char *str_trim(char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n' || *s == '\f' || *s == '\v')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' ||
			 s[n - 1] == '\n' || s[n - 1] == '\f' || s[n - 1] == '\v'))
		s[--n] = '\0';
	return s;
}

char *str_first_line(const char *s)
{
	size_t n = strcspn(s, "\r\n");
	char *c = xstrndup(s, n);
	for (unsigned char *p = (unsigned char *)c; *p; p++)
		if (*p == '\t')
			*p = ' ';
		else if (*p < 0x20 || *p == 0x7f)
			*p = '?';
	return c;
}

const char *str_icase_find(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	if (n == 0)
		return hay;
	for (const char *p = hay; *p; p++) {
		size_t i = 0;
		while (i < n && p[i] &&
		       tolower((unsigned char)p[i]) == tolower((unsigned char)needle[i]))
			i++;
		if (i == n)
			return p;
	}
	return NULL;
}

bool str_to_long(const char *s, long *out)
{
	if (!s || !*s)
		return false;
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

unsigned long long hash_fnv1a(const void *data, size_t n)
{
	const unsigned char *p = data;
	unsigned long long h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

char *util_read_file(const char *path, size_t max, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	char *data = NULL;
	size_t n = 0;
	int rc = util_read_fd(fd, max, &data, &n);
	if (rc < 0) {
		errno = -rc;
		return NULL;
	}
	if (len)
		*len = n;
	return data;
}

bool util_num_in_range(double d, long long lo, long long hi, long long *out)
{
	/* The comparisons are false for NaN, so it is refused too. */
	if (!(d >= (double)lo && d <= (double)hi))
		return false;
	*out = (long long)d;
	return true;
}

int util_read_fd(int fd, size_t max, char **data, size_t *len)
{
	struct sbuf b = { 0 };
	char buf[65536];
	int rc = 0;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			break;
		}
		if (n == 0)
			break;
		if (b.len + (size_t)n > max) {
			rc = -EFBIG;
			break;
		}
		sb_addn(&b, buf, (size_t)n);
	}
	close(fd);
	if (rc < 0) {
		sb_free(&b);
		return rc;
	}
	*len = b.len;
	*data = sb_steal(&b);
	return 0;
}
