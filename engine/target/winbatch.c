/* winbatch.c: several commands in one cmd.exe line, and their answers cut
 * apart again (see winbatch.h for the line's shape and why). */
#include "engine/target/winbatch.h"

#include <stdlib.h>
#include <string.h>

#include "engine/util/util.h"
#include "engine/util/winquote.h"

#define MARK "@@asr-"

char *winbatch_line(const char *const *const argvs[], size_t n, size_t first, const char *token,
		    size_t *idx, size_t *used, size_t *next)
{
	struct sbuf b = { 0 };
	*used = 0;
	size_t i = first;
	for (; i < n; i++) {
		char *cmd = win_cmdline(argvs[i], true);
		if (!cmd)
			continue;
		char *piece = xasprintf("%s%s 2>&1 & call echo " MARK "%s %zu %%^errorlevel%%",
					b.len ? "& " : "", cmd, token, i);
		free(cmd);
		if (b.len + strlen(piece) > WINBATCH_LINE_MAX) {
			bool alone = b.len == 0;
			free(piece);
			if (alone)
				continue; /* too long even alone: it runs by itself */
			break;
		}
		sb_add(&b, piece);
		free(piece);
		idx[(*used)++] = i;
	}
	*next = i;
	if (*used == 0) {
		sb_free(&b);
		return NULL;
	}
	return sb_steal(&b);
}

/* The first place of needle (nlen bytes) in hay[from..len), or len. */
static size_t find(const char *hay, size_t len, size_t from, const char *needle, size_t nlen)
{
	for (size_t i = from; i + nlen <= len; i++)
		if (hay[i] == needle[0] && memcmp(hay + i, needle, nlen) == 0)
			return i;
	return len;
}

/* Reads an optional '-' and 1 to 11 digits at raw[*pos], as a long. */
static bool number(const char *raw, size_t len, size_t *pos, long long *v)
{
	size_t p = *pos;
	bool neg = p < len && raw[p] == '-';
	p += neg;
	size_t start = p;
	long long x = 0;
	while (p < len && p - start < 11 && raw[p] >= '0' && raw[p] <= '9')
		x = x * 10 + (raw[p++] - '0');
	if (p == start || (p < len && raw[p] >= '0' && raw[p] <= '9'))
		return false;
	*v = neg ? -x : x;
	*pos = p;
	return true;
}

long winbatch_split(const char *raw, size_t len, const char *token, const size_t *idx, size_t n,
		    struct winbatch_part *parts)
{
	char *head = xasprintf(MARK "%s ", token);
	size_t hlen = strlen(head), pos = 0;
	long got = 0;
	for (size_t k = 0; k < n; k++) {
		size_t at = find(raw, len, pos, head, hlen);
		if (at == len)
			break; /* stopped before this command's marker */
		size_t p = at + hlen;
		long long num, status;
		bool ok = number(raw, len, &p, &num) && num >= 0 && (size_t)num == idx[k] &&
			  p < len && raw[p++] == ' ' && number(raw, len, &p, &status) &&
			  status >= -2147483648LL && status <= 4294967295LL;
		/* echo keeps spaces before the line's end: none are written,
		 * but a shell that adds them is still read. */
		while (ok && p < len && raw[p] == ' ')
			p++;
		if (ok && p < len && raw[p] == '\r')
			p++;
		ok = ok && p < len && raw[p] == '\n';
		if (!ok) {
			free(head);
			return -1;
		}
		parts[k].off = pos;
		parts[k].len = at - pos;
		/* A status above INT_MAX is an HRESULT printed unsigned. */
		parts[k].status = (int)(unsigned)(long long)status;
		pos = p + 1;
		got++;
	}
	free(head);
	/* All answered: nothing may follow. Stopped early: what follows is
	 * the unfinished command's output (no marker is in it: the loop
	 * stopped on finding none), left unknown. */
	return (size_t)got == n && pos < len ? -1 : got;
}
