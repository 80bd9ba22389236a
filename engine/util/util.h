/* util.h: allocation that never returns NULL, growable strings and string
 * vectors, shared by every module. */
#ifndef ASR_UTIL_H
#define ASR_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Allocators: print a message and exit(2) when memory runs out, so callers
 * never see NULL. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/* Grows an array to hold at least need elements; *cap is updated. */
void *xgrow(void *p, size_t *cap, size_t need, size_t elem);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Returns a newly allocated formatted string; caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap);

/* A growable, always NUL-terminated byte string. */
struct sbuf {
	char *s;    /* owned; NULL until the first append */
	size_t len;
	size_t cap;
};

void sb_addn(struct sbuf *b, const char *s, size_t n);
void sb_add(struct sbuf *b, const char *s);
void sb_addc(struct sbuf *b, char c);
void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The contents (never NULL; "" when empty), borrowed until the next call. */
const char *sb_str(const struct sbuf *b);
/* Hands the string to the caller (never NULL) and resets the buffer. */
char *sb_steal(struct sbuf *b);
void sb_reset(struct sbuf *b);
void sb_free(struct sbuf *b);

/* A vector of owned strings. */
struct strvec {
	char **v;
	size_t n;
	size_t cap;
};

/* Appends s, taking ownership of it. */
void sv_take(struct strvec *sv, char *s);
/* Appends a copy of s. */
void sv_push(struct strvec *sv, const char *s);
bool sv_contains(const struct strvec *sv, const char *s);
void sv_free(struct strvec *sv);

/* Appends text to b with control characters escaped (\t, \r, \xNN,
 * \u{NNNN} for C1 and bidirectional controls; a byte that is not UTF-8
 * becomes U+FFFD), so bytes from an examined machine, a log, a journal or
 * a document can reach a terminal without setting its title, clipboard or
 * screen. keep_lines leaves line feeds and tabs as they are. */
void util_escape(struct sbuf *b, const char *text, bool keep_lines);
/* fputs of text escaped with util_escape (lines kept): every text output
 * that may carry such bytes goes through it. */
void util_fputs(const char *text, FILE *f);

/* NULL-terminated argument vectors (argv) of owned strings. */
/* A copy of argv (NULL gives an empty vector); caller frees with argv_free. */
char **argv_dup(const char *const *argv);
/* Frees an argv made by argv_dup (NULL is fine). */
void argv_free(char **v);
/* Whether two argvs hold the same words (NULL equals only NULL). */
bool argv_equal(const char *const *a, const char *const *b);

/* String helpers. */
bool str_starts(const char *s, const char *prefix);
bool str_ends(const char *s, const char *suffix);
/* Case-insensitive ASCII comparison. */
bool str_ieq(const char *a, const char *b);
/* Returns s without leading and trailing ASCII white space, in place. */
char *str_trim(char *s);
/* Case-insensitive substring search over ASCII letters; UTF-8 passes through. */
const char *str_icase_find(const char *hay, const char *needle);
/* A copy of the first line of s (up to a newline) with tabs as spaces and
 * every other control character replaced by '?', so text read from a report or a machine
 * cannot move a terminal's cursor. Caller frees. */
char *str_first_line(const char *s);
/* Parses a whole decimal long; returns false on junk or overflow. */
bool str_to_long(const char *s, long *out);

/* Reads a whole local file of at most max bytes (NUL-terminated). Returns
 * the data (caller frees) with its length in *len, or NULL with errno set
 * (EFBIG when larger than max). */
char *util_read_file(const char *path, size_t max, size_t *len);

/* Reads what is left of an open file descriptor, at most max bytes, and
 * closes it. Returns 0 with *data (NUL-terminated, caller frees) and
 * *len, or -errno (-EFBIG when larger than max) with nothing allocated. */
int util_read_fd(int fd, size_t max, char **data, size_t *len);

/* Converts a JSON number to an integer in [lo, hi]; false for NaN, a
 * fraction-free value out of range (never undefined behaviour). */
bool util_num_in_range(double d, long long lo, long long hi, long long *out);

/* A 64-bit FNV-1a hash, for short content fingerprints. */
unsigned long long hash_fnv1a(const void *data, size_t n);

#endif
