/* diff.c: the unified diff of two texts (our own Myers line diff), shown
 * on confirmation screens and in undo previews. */
#include "engine/util/diff.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/util/msg.h"
#include "engine/util/sha256.h"
#include "engine/util/util.h"

/* Lines of context around each change in a hunk. */
#define DIFF_CONTEXT 3
/* Above this many differences the middle of the files is shown as one
 * replacement (still a correct diff, only not the shortest); bounds the
 * memory of the search to about DIFF_MAX_D^2 integers. */
#define DIFF_MAX_D 2000

struct line {
	const char *p;
	size_t n; /* with its newline, when it has one */
	uint64_t h;
};

/* Splits text into lines (the last one may lack a newline). */
static size_t split_lines(const char *s, size_t len, struct line **out)
{
	size_t cap = 0, n = 0;
	struct line *v = NULL;
	size_t pos = 0;
	while (pos < len) {
		const char *nl = memchr(s + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - s) + 1 : len;
		v = xgrow(v, &cap, n + 1, sizeof *v);
		v[n].p = s + pos;
		v[n].n = end - pos;
		v[n].h = hash_fnv1a(s + pos, end - pos);
		n++;
		pos = end;
	}
	/* An empty text has no lines, but an array all the same. */
	*out = v ? v : xcalloc(1, sizeof *v);
	return n;
}

/* Whether two lines hold the same bytes. */
static bool line_eq(const struct line *a, const struct line *b)
{
	return a->h == b->h && a->n == b->n && memcmp(a->p, b->p, a->n) == 0;
}

/* One step of the edit script: '=' keeps a[ai] (== b[bi]), '-' removes
 * a[ai], '+' inserts b[bi]. */
struct op {
	char kind;
	size_t ai, bi;
};

struct script {
	struct op *v;
	size_t n, cap;
};

/* Appends one step to an edit script. */
static void script_add(struct script *s, char kind, size_t ai, size_t bi)
{
	s->v = xgrow(s->v, &s->cap, s->n + 1, sizeof *s->v);
	s->v[s->n++] = (struct op){ kind, ai, bi };
}

/* The shortest edit script between a[0..n) and b[0..m) (Myers 1986, the
 * greedy forward search, keeping each round's furthest points so the path
 * can be walked back). Appends ops for indices offset by a0/b0. Returns
 * false (and appends nothing) when more than DIFF_MAX_D edits are needed. */
static bool myers(const struct line *a, size_t n, const struct line *b, size_t m, size_t a0,
                  size_t b0, struct script *out)
{
	long N = (long)n, M = (long)m, max = N + M;
	long dmax = max < DIFF_MAX_D ? max : DIFF_MAX_D;
	/* v[k + off] is the furthest x on diagonal k; trace[d] is v after
	 * round d over the diagonals -d..d. */
	long off = dmax + 1;
	long *v = xcalloc((size_t)(2 * off + 1), sizeof *v);
	long **trace = xcalloc((size_t)dmax + 1, sizeof *trace);
	long found = -1;
	for (long d = 0; d <= dmax && found < 0; d++) {
		for (long k = -d; k <= d; k += 2) {
			long x;
			if (k == -d || (k != d && v[off + k - 1] < v[off + k + 1]))
				x = v[off + k + 1];
			else
				x = v[off + k - 1] + 1;
			long y = x - k;
			while (x < N && y < M && line_eq(&a[x], &b[y])) {
				x++;
				y++;
			}
			v[off + k] = x;
			if (x >= N && y >= M) {
				found = d;
				break;
			}
		}
		trace[d] = xmalloc((size_t)(2 * d + 1) * sizeof **trace);
		memcpy(trace[d], v + off - d, (size_t)(2 * d + 1) * sizeof **trace);
	}
	if (found < 0) {
		for (long d = 0; d <= dmax; d++)
			free(trace[d]);
		free(trace);
		free(v);
		return false;
	}
	/* Walk back from (N, M): each round d ends with a snake that starts
	 * right after one move (down: an insertion, right: a deletion) from
	 * round d - 1's furthest point on the neighbouring diagonal. */
	struct script rev = { 0 };
	long x = N, y = M;
	for (long d = found; d > 0; d--) {
		const long *pv = trace[d - 1] + (d - 1); /* pv[k] for k in -(d-1)..d-1 */
		long k = x - y;
		bool down = k == -d || (k != d && pv[k - 1] < pv[k + 1]);
		long pk = down ? k + 1 : k - 1;
		long px = pv[pk], py = px - pk;
		long mx = down ? px : px + 1;
		while (x > mx) {
			x--;
			y--;
			script_add(&rev, '=', (size_t)x, (size_t)y);
		}
		script_add(&rev, down ? '+' : '-', (size_t)px, (size_t)py);
		x = px;
		y = py;
	}
	while (x > 0 && y > 0) {
		x--;
		y--;
		script_add(&rev, '=', (size_t)x, (size_t)y);
	}
	for (size_t i = rev.n; i-- > 0;)
		script_add(out, rev.v[i].kind, rev.v[i].ai + a0, rev.v[i].bi + b0);
	free(rev.v);
	for (long d = 0; d <= found; d++)
		free(trace[d]);
	free(trace);
	free(v);
	return true;
}

/* Rewrites a script so that within each run of changes the removed lines
 * come before the inserted ones (as diff -u shows them), with positions
 * recounted from the start. */
static void script_normalize(struct script *s)
{
	struct script o = { 0 };
	size_t a = 0, b = 0, i = 0;
	while (i < s->n) {
		if (s->v[i].kind == '=') {
			script_add(&o, '=', a++, b++);
			i++;
			continue;
		}
		size_t j = i, dels = 0, ins = 0;
		for (; j < s->n && s->v[j].kind != '='; j++)
			s->v[j].kind == '-' ? dels++ : ins++;
		for (size_t k = 0; k < dels; k++)
			script_add(&o, '-', a + k, b);
		for (size_t k = 0; k < ins; k++)
			script_add(&o, '+', a + dels, b + k);
		a += dels;
		b += ins;
		i = j;
	}
	free(s->v);
	*s = o;
}

/* The edit script of the whole files: common head and tail kept, the
 * middle searched (or replaced whole when too different). */
static void diff_lines(const struct line *a, size_t n, const struct line *b, size_t m,
                       struct script *s)
{
	size_t pre = 0;
	while (pre < n && pre < m && line_eq(&a[pre], &b[pre]))
		pre++;
	size_t suf = 0;
	while (suf < n - pre && suf < m - pre && line_eq(&a[n - 1 - suf], &b[m - 1 - suf]))
		suf++;
	for (size_t i = 0; i < pre; i++)
		script_add(s, '=', i, i);
	size_t an = n - pre - suf, bn = m - pre - suf;
	if (!myers(a + pre, an, b + pre, bn, pre, pre, s)) {
		for (size_t i = 0; i < an; i++)
			script_add(s, '-', pre + i, pre);
		for (size_t j = 0; j < bn; j++)
			script_add(s, '+', pre + an, pre + j);
	}
	for (size_t i = 0; i < suf; i++)
		script_add(s, '=', n - suf + i, m - suf + i);
	script_normalize(s);
}

/* Writes one diff line with its prefix, marking a missing final newline. */
static void emit_line(struct sbuf *out, char prefix, const struct line *l)
{
	sb_addc(out, prefix);
	sb_addn(out, l->p, l->n);
	if (l->n == 0 || l->p[l->n - 1] != '\n')
		sb_add(out, "\n\\ No newline at end of file\n");
}

/* "start,count" as diff -u writes it: the count is left out when it is 1,
 * and an empty range names the line before it. */
static void emit_range(struct sbuf *out, size_t start, size_t count)
{
	if (count == 1)
		sb_printf(out, "%zu", start + 1);
	else
		sb_printf(out, "%zu,%zu", count ? start + 1 : start, count);
}

/* Writes the unified diff of two texts, hunk by hunk. */
void diff_unified(const char *a, size_t alen, const char *b, size_t blen, const char *name_a,
                  const char *name_b, struct sbuf *out)
{
	if (memchr(a, '\0', alen) || memchr(b, '\0', blen)) {
		/* Binary bytes (a registry hive): their sizes and hashes. */
		if (alen == blen && memcmp(a, b, alen) == 0)
			return;
		char ha[SHA256_HEX_LEN + 1], hb[SHA256_HEX_LEN + 1];
		sha256_hex(a, alen, ha);
		sha256_hex(b, blen, hb);
		sb_printf(out,
		          T("binary file %s: %zu bytes (SHA-256 %.16s...) -> %zu bytes (SHA-256 "
		            "%.16s...)\n",
		            "二进制文件 %s：%zu 字节（SHA-256 %.16s...）-> %zu 字节（SHA-256 "
		            "%.16s...）\n"),
		          name_b, alen, ha, blen, hb);
		return;
	}
	if (alen == blen && memcmp(a, b, alen) == 0)
		return;
	struct line *la, *lb;
	size_t n = split_lines(a, alen, &la), m = split_lines(b, blen, &lb);
	struct script s = { 0 };
	diff_lines(la, n, lb, m, &s);
	sb_printf(out, "--- %s\n+++ %s\n", name_a, name_b);
	size_t i = 0;
	while (i < s.n) {
		/* The next change starts a hunk. */
		size_t c = i;
		while (c < s.n && s.v[c].kind == '=')
			c++;
		if (c >= s.n)
			break;
		size_t start = c > i + DIFF_CONTEXT ? c - DIFF_CONTEXT : i;
		/* Extend over changes closer than 2 * context lines apart. */
		size_t last = c;
		for (size_t j = c; j < s.n; j++) {
			if (s.v[j].kind != '=') {
				last = j;
				continue;
			}
			if (j - last > 2 * DIFF_CONTEXT)
				break;
		}
		size_t end = last + 1 + DIFF_CONTEXT < s.n ? last + 1 + DIFF_CONTEXT : s.n;
		size_t acount = 0, bcount = 0;
		for (size_t j = start; j < end; j++) {
			acount += s.v[j].kind != '+';
			bcount += s.v[j].kind != '-';
		}
		sb_add(out, "@@ -");
		emit_range(out, s.v[start].ai, acount);
		sb_add(out, " +");
		emit_range(out, s.v[start].bi, bcount);
		sb_add(out, " @@\n");
		for (size_t j = start; j < end; j++) {
			const struct op *o = &s.v[j];
			if (o->kind == '=')
				emit_line(out, ' ', &la[o->ai]);
			else if (o->kind == '-')
				emit_line(out, '-', &la[o->ai]);
			else
				emit_line(out, '+', &lb[o->bi]);
		}
		i = end;
	}
	free(s.v);
	free(la);
	free(lb);
}

