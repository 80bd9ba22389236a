/* logscan.c: streaming decoder of installer logs (UTF-16 or UTF-8, any
 * line ends) and the scan that finds the article's codes in them. */
#include "engine/logscan.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/check_misc.h"
#include "engine/util/text.h"

/* Largest log read whole when a target cannot stream (no host path). */
#define LOG_READ_MAX (256u * 1024 * 1024)

int log_open(struct target *t, const char *path, struct log_src *src, char **cause)
{
	*src = (struct log_src){ .fd = -1 };
	char *host = t ? target_host_path(t, path) : xstrdup(path);
	if (t && !host && t->ops->open_stream) {
		int rc = t->ops->open_stream(t, path, &src->stream, &src->size);
		if (rc < 0) {
			/* A root-only log says how to read it (--sudo). */
			bool root = (rc == -EACCES || rc == -EPERM) && !t->is_root;
			*cause = xasprintf("%s: %s%s%s%s", path,
					   rc == -TARGET_ENOTREG ? "not a regular file" : strerror(-rc),
					   root ? " (" : "", root ? target_needs_root(t) : "",
					   root ? ")" : "");
			return rc;
		}
		src->t = t;
		return 0;
	}
	if (t && !host) {
		char *data = NULL;
		size_t len = 0;
		int rc = t->ops->read_file(t, path, &data, &len, LOG_READ_MAX);
		if (rc < 0) {
			*cause = xasprintf("%s: %s", path, strerror(-rc));
			return rc;
		}
		src->owned = data;
		src->mem = data;
		src->len = len;
		src->size = len;
		return 0;
	}
	int fd = open(host, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	int err = errno;
	free(host);
	struct stat st;
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		fd = -1;
		err = EISDIR;
	}
	if (fd < 0) {
		*cause = xasprintf("%s: %s", path, strerror(err));
		return -err;
	}
	/* Non-blocking only for the open itself (a FIFO without a writer). */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	src->fd = fd;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
		src->size = (unsigned long long)st.st_size;
	return 0;
}

/* Moves src to byte off. Returns 0, or -errno (-ENOTSUP: this source
 * reads from its start only). */
static int src_seek(struct log_src *src, unsigned long long off)
{
	if (src->stream)
		return src->t->ops->stream_seek ? src->t->ops->stream_seek(src->t, src->stream, off)
						: -ENOTSUP;
	if (src->fd < 0) {
		if (off > src->len)
			return -EINVAL;
		src->pos = (size_t)off;
		return 0;
	}
	return lseek(src->fd, (off_t)off, SEEK_SET) < 0 ? -errno : 0;
}

int log_open_last(struct target *t, const char *path, unsigned long long max,
		  struct log_src *src, char **cause)
{
	int rc = log_open(t, path, src, cause);
	if (rc < 0 || max == 0)
		return rc;
	src->limit = max;
	if (src->size <= max)
		return 0;
	/* Even: a UTF-16 log's characters start at even bytes. */
	unsigned long long off = (src->size - max) & ~1ull;
	if (src_seek(src, off) == 0) {
		src->from = off;
		src->limit = src->size - off;
	}
	return 0;
}

void log_close(struct log_src *src)
{
	if (src->fd >= 0)
		close(src->fd);
	if (src->stream)
		src->t->ops->stream_close(src->t, src->stream);
	free(src->owned);
	*src = (struct log_src){ .fd = -1 };
}

/* Fills buf with up to n bytes (fewer only at the end). Returns the count
 * or -errno. */
static long src_read_raw(struct log_src *s, char *buf, size_t n)
{
	if (s->stream)
		return s->t->ops->stream_read(s->t, s->stream, buf, n);
	if (s->fd < 0) {
		size_t k = s->len - s->pos < n ? s->len - s->pos : n;
		if (k)
			memcpy(buf, s->mem + s->pos, k);
		s->pos += k;
		return (long)k;
	}
	size_t got = 0;
	while (got < n) {
		ssize_t k = read(s->fd, buf + got, n - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -errno;
		if (k == 0)
			break;
		got += (size_t)k;
	}
	return (long)got;
}

/* src_read_raw within the source's bound (log_open_last). */
static long src_read(struct log_src *s, char *buf, size_t n)
{
	if (s->limit && n > s->limit - s->taken)
		n = (size_t)(s->limit - s->taken);
	if (n == 0)
		return 0;
	long k = src_read_raw(s, buf, n);
	if (k > 0)
		s->taken += (unsigned long long)k;
	return k;
}

/* The line assembler: bytes of the current line, handed on in pieces. */
struct lines {
	log_line_fn fn;
	void *arg;
	char *buf;        /* owned, LOG_PIECE + 8 bytes */
	size_t len;
	char *fix;        /* owned, 3 * LOG_PIECE + 8: a piece with bad UTF-8 replaced */
	unsigned long long line;
	bool pending_cr;  /* the last end was \r: a \n right after it adds nothing */
	bool bol;         /* a line just ended: the next may be in another encoding */
	bool utf8;        /* bytes arrive raw and need checking (a UTF-8 region) */
	bool stop;
};

static const char replacement[] = "\xEF\xBF\xBD";

/* Hands buf[0..end) on, with own bytes its own; bad UTF-8 replaced. */
static void hand_on(struct lines *L, size_t end, size_t own)
{
	const char *text = L->buf;
	size_t len = end;
	if (L->utf8) {
		size_t i = 0;
		while (i < end && (unsigned char)L->buf[i] < 0x80)
			i++;
		if (i < end) {
			size_t o = i, own_fixed = own;
			memcpy(L->fix, L->buf, i);
			while (i < end) {
				uint32_t cp;
				size_t k = utf8_decode(L->buf + i, end - i, &cp);
				if (i <= own)
					own_fixed = o;
				if (cp == UTF8_INVALID) {
					memcpy(L->fix + o, replacement, 3);
					o += 3;
				} else {
					memcpy(L->fix + o, L->buf + i, k);
					o += k;
				}
				i += k;
			}
			if (own >= end)
				own_fixed = o;
			text = L->fix;
			len = o;
			own = own_fixed;
		}
	}
	if (!L->fn(L->arg, text, len, L->line, own))
		L->stop = true;
}

/* Start of the character holding buf[i] (at most 3 bytes back). */
static size_t char_start(const char *buf, size_t i)
{
	for (int k = 0; k < 3 && i > 0 && ((unsigned char)buf[i] & 0xC0) == 0x80; k++)
		i--;
	return i;
}

/* The line is full: hands on a piece and keeps its tail for the next. */
static void piece(struct lines *L)
{
	size_t end = L->len;
	size_t s = char_start(L->buf, end - 1);
	unsigned char lead = (unsigned char)L->buf[s];
	size_t need = lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
	if (s + need > end)
		end = s; /* an unfinished character waits for the next piece */
	size_t t = char_start(L->buf, end > LOG_OVERLAP ? end - LOG_OVERLAP : 0);
	hand_on(L, end, t);
	memmove(L->buf, L->buf + t, L->len - t);
	L->len -= t;
}

static void end_line(struct lines *L)
{
	hand_on(L, L->len, L->len);
	L->len = 0;
	L->line++;
	L->bol = true;
}

static inline void add_byte(struct lines *L, char c)
{
	L->buf[L->len++] = c;
	if (L->len >= LOG_PIECE)
		piece(L);
}

/* A decoded character (or raw UTF-8 byte when cp < 0x80 in UTF-8 mode). */
static void add_cp(struct lines *L, uint32_t cp)
{
	if (cp == '\n') {
		if (!L->pending_cr)
			end_line(L);
		L->pending_cr = false;
		return;
	}
	L->pending_cr = false;
	if (cp == '\r') {
		end_line(L);
		L->pending_cr = true;
		return;
	}
	if (cp == 0)
		return;
	if (cp < 0x80) {
		add_byte(L, (char)cp);
	} else if (cp < 0x800) {
		add_byte(L, (char)(0xC0 | cp >> 6));
		add_byte(L, (char)(0x80 | (cp & 0x3F)));
	} else if (cp < 0x10000) {
		add_byte(L, (char)(0xE0 | cp >> 12));
		add_byte(L, (char)(0x80 | ((cp >> 6) & 0x3F)));
		add_byte(L, (char)(0x80 | (cp & 0x3F)));
	} else {
		add_byte(L, (char)(0xF0 | cp >> 18));
		add_byte(L, (char)(0x80 | ((cp >> 12) & 0x3F)));
		add_byte(L, (char)(0x80 | ((cp >> 6) & 0x3F)));
		add_byte(L, (char)(0x80 | (cp & 0x3F)));
	}
}

/* Guesses the encoding of a file without a BOM from its first bytes:
 * UTF-16 text of mostly ASCII has a NUL in every other byte. */
static enum log_encoding sniff(const unsigned char *b, size_t n)
{
	size_t le = 0, be = 0, pairs = 0;
	for (size_t i = 0; i + 1 < n; i += 2) {
		if (b[i] == 0 && b[i + 1] == 0)
			continue;
		pairs++;
		le += b[i] != 0 && b[i + 1] == 0;
		be += b[i] == 0 && b[i + 1] != 0;
	}
	if (pairs && le * 2 > pairs)
		return LOG_UTF16LE;
	if (pairs && be * 2 > pairs)
		return LOG_UTF16BE;
	return LOG_UTF8;
}

/* The decoder's state kept across chunks. */
struct dec {
	enum log_encoding enc; /* of the region being read */
	uint32_t high;         /* a UTF-16 high surrogate waiting for its pair, or 0 */
	struct log_info *info;
};

static void u16_unit(struct lines *L, struct dec *d, uint32_t u)
{
	if (d->high) {
		uint32_t h = d->high;
		d->high = 0;
		if (u >= 0xDC00 && u <= 0xDFFF) {
			add_cp(L, 0x10000 + ((h - 0xD800) << 10) + (u - 0xDC00));
			return;
		}
		add_cp(L, 0xFFFD);
	}
	if (u >= 0xD800 && u <= 0xDBFF)
		d->high = u;
	else if (u >= 0xDC00 && u <= 0xDFFF)
		add_cp(L, 0xFFFD);
	else if (u != 0xFEFF) /* a byte order mark inside: a part appended with its own */
		add_cp(L, u);
}

/* Whether b[0..n) starts a line of UTF-8 (or an 8-bit code page) where a
 * UTF-16 part was being read: up to its first \n byte it has no NUL and
 * is valid UTF-8 or nine tenths ASCII (an ANSI line), and the \n is
 * neither the first byte nor the low half of a UTF-16 line end (a NUL
 * after it). A UTF-16 line always holds a NUL in its line end, and ASCII
 * characters hold one each; a line of only CJK characters with a 0x0A
 * byte in one of them is half non-ASCII bytes that almost never decode as
 * UTF-8. Without a \n within LOG_LOOK bytes it is not taken (at the end
 * of the log the rest is the line). */
static bool looks_utf8_line(const unsigned char *b, size_t n, bool eof)
{
	size_t lim = n < LOG_LOOK ? n : LOG_LOOK, j = 0, ascii = 0;
	while (j < lim && b[j] != '\n') {
		if (b[j] == 0)
			return false;
		ascii += b[j] < 0x80;
		j++;
	}
	if (j == lim && !(eof && lim == n))
		return false;
	if (j == 0 || (j + 1 < n && b[j + 1] == 0))
		return false;
	/* An 8-bit code page's line: nearly all ASCII. */
	if (ascii * 10 >= j * 9)
		return true;
	for (size_t i = 0; i < j;) {
		uint32_t cp;
		size_t k = utf8_decode((const char *)b + i, j - i, &cp);
		if (cp == UTF8_INVALID)
			return false;
		i += k;
	}
	return true;
}

/* Whether b[0..n) starts a line of UTF-16 (in the byte order of le) where
 * UTF-8 was being read: its first units (up to 8, at least 2) are ASCII
 * characters, a NUL in every other byte. */
static bool looks_utf16_line(const unsigned char *b, size_t n, bool le)
{
	size_t units = n / 2 < 8 ? n / 2 : 8;
	if (units < 2)
		return false;
	for (size_t i = 0; i < units; i++) {
		unsigned char c = b[2 * i + !le], z = b[2 * i + le];
		if (z != 0 || c == 0 || c >= 0x80)
			return false;
	}
	return true;
}

static void switch_to(struct dec *d, enum log_encoding e)
{
	if (d->enc == e)
		return;
	d->enc = e;
	d->high = 0;
	d->info->changes++;
	d->info->last = e;
}

/* At the start of a line: the encoding of what follows, as a tool that
 * appended to another's log wrote it (a byte order mark, or the look of
 * the bytes). Returns the bytes of a mark to skip. */
static size_t region_start(struct dec *d, const unsigned char *b, size_t n, bool eof)
{
	if (n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
		switch_to(d, LOG_UTF8);
		return 3;
	}
	if (n >= 2 && b[0] == 0xFF && b[1] == 0xFE) {
		switch_to(d, LOG_UTF16LE);
		return 2;
	}
	if (n >= 2 && b[0] == 0xFE && b[1] == 0xFF) {
		switch_to(d, LOG_UTF16BE);
		return 2;
	}
	if (d->enc != LOG_UTF8) {
		if (looks_utf8_line(b, n, eof))
			switch_to(d, LOG_UTF8);
	} else if (looks_utf16_line(b, n, true)) {
		switch_to(d, LOG_UTF16LE);
	} else if (looks_utf16_line(b, n, false)) {
		switch_to(d, LOG_UTF16BE);
	}
	return 0;
}

/* Decodes b[0..n) region by region. Returns the bytes used: it stops
 * early (unless eof) where a line starts less than LOG_LOOK bytes before
 * the end, or at an odd byte of UTF-16, so that the caller reads on and
 * hands the rest back. */
static size_t decode(struct lines *L, struct dec *d, const unsigned char *b, size_t n, bool eof)
{
	size_t i = 0;
	while (i < n && !L->stop) {
		if (L->bol) {
			bool u16 = d->enc != LOG_UTF8;
			bool lf = u16 ? i + 1 < n && (d->enc == LOG_UTF16LE ? b[i] == '\n' && !b[i + 1]
									     : !b[i] && b[i + 1] == '\n')
				      : b[i] == '\n';
			/* The \n of a \r\n belongs to the line before. */
			if (!(L->pending_cr && lf)) {
				if (!eof && n - i < LOG_LOOK)
					return i;
				L->bol = false;
				i += region_start(d, b + i, n - i, eof);
				L->utf8 = d->enc == LOG_UTF8;
				continue;
			}
		}
		if (d->enc == LOG_UTF8) {
			unsigned char c = b[i++];
			if (c >= 0x20 && c != 0x7F) {
				L->pending_cr = false;
				L->buf[L->len++] = (char)c;
				if (L->len >= LOG_PIECE)
					piece(L);
			} else {
				add_cp(L, c);
			}
			continue;
		}
		if (i + 1 >= n) {
			if (!eof)
				return i;
			i = n; /* a last odd byte: half a character, dropped */
			break;
		}
		int lo = d->enc == LOG_UTF16LE ? 0 : 1, hi = 1 - lo;
		/* The common case: a run of printable ASCII, copied in one go up
		 * to the end of the piece. */
		if (!d->high) {
			size_t lim = (n - i) / 2, room = LOG_PIECE - L->len, k = 0;
			const unsigned char *p = b + i;
			char *dst = L->buf + L->len;
			if (lim > room)
				lim = room;
			for (; k < lim; k++, p += 2) {
				unsigned char c = p[lo];
				if (p[hi] != 0 || c < 0x20 || c >= 0x80)
					break;
				dst[k] = (char)c;
			}
			if (k) {
				L->pending_cr = false;
				L->len += k;
				i += 2 * k;
				if (L->len >= LOG_PIECE)
					piece(L);
				continue;
			}
		}
		u16_unit(L, d, (uint32_t)b[i + hi] << 8 | b[i + lo]);
		i += 2;
	}
	return i;
}

int log_read_lines(struct log_src *src, log_line_fn fn, void *arg, struct log_info *info,
		   char **cause)
{
	struct log_info dummy;
	if (!info)
		info = &dummy;
	*info = (struct log_info){ 0 };
	/* A chunk, and the few bytes of the one before that a line start
	 * needed to look past. */
	unsigned char *chunk = xmalloc(LOG_CHUNK + LOG_LOOK);
	struct lines L = { .fn = fn, .arg = arg, .line = 1 };
	L.buf = xmalloc(LOG_PIECE + 8);
	L.fix = xmalloc(3 * LOG_PIECE + 8);
	struct dec d = { .info = info };
	int rc = 0;
	bool first = true, eof = false;
	size_t have = 0;
	while (!eof) {
		long n = src_read(src, (char *)chunk + have, LOG_CHUNK);
		if (n < 0) {
			rc = (int)n;
			*cause = xasprintf("read error: %s", strerror((int)-n));
			break;
		}
		eof = n == 0;
		info->bytes += (unsigned long long)n;
		have += (size_t)n;
		size_t at = 0;
		if (first && (have >= 4 || eof)) {
			/* The file's first bytes name its encoding; a region
			 * that starts later is told at its first line. */
			first = false;
			const unsigned char *b = chunk;
			if (have >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
				info->enc = LOG_UTF8, info->bom = true, at = 3;
			} else if (have >= 2 && b[0] == 0xFF && b[1] == 0xFE) {
				info->enc = LOG_UTF16LE, info->bom = true, at = 2;
			} else if (have >= 2 && b[0] == 0xFE && b[1] == 0xFF) {
				info->enc = LOG_UTF16BE, info->bom = true, at = 2;
			} else {
				/* Only the first line: a later part may be in
				 * another encoding. */
				size_t k = have < LOG_LOOK ? have : LOG_LOOK;
				const unsigned char *nl = memchr(b, '\n', k);
				if (nl && (size_t)(nl - b) + 2 < k)
					k = (size_t)(nl - b) + 2;
				info->enc = sniff(b, k);
			}
			info->last = d.enc = info->enc;
			L.utf8 = d.enc == LOG_UTF8;
			L.bol = false; /* the first line's encoding is the file's */
		}
		if (first)
			continue;
		at += decode(&L, &d, chunk + at, have - at, eof);
		if (L.stop)
			break;
		memmove(chunk, chunk + at, have - at);
		have -= at;
		if (src->progress && n > 0 &&
		    !src->progress(src->progress_arg, info->bytes, src->size)) {
			rc = -ECANCELED;
			*cause = xstrdup("cancelled");
			L.stop = true;
			break;
		}
	}
	if (!L.stop && d.high)
		add_cp(&L, 0xFFFD);
	/* A truncated last line (no line end) still counts. */
	if (!L.stop && L.len > 0)
		end_line(&L);
	info->lines = L.line - 1;
	free(chunk);
	free(L.buf);
	free(L.fix);
	return rc;
}

/* The scan's state across lines. */
struct scan_ctx {
	const struct codemap *m;
	struct log_scan *out;
	unsigned long long prev_line; /* line of the previous piece */
	struct code weak[16];         /* recent codes neither named nor shaped like one */
	size_t nweak, weak_next;
	size_t *msg_len;              /* owned: lengths of the map's messages */
	bool skip_first;              /* line 1 began before the part read: left out */
};

/* A copy of text (len bytes) for a hit at [start, end): the whole line,
 * or a window of LOG_TEXT_MAX bytes around the code. */
static void keep_text(struct log_hit *h, const char *text, size_t len, size_t start, bool first,
		      bool last)
{
	size_t ws = 0, we = len;
	if (len > LOG_TEXT_MAX) {
		ws = start > LOG_TEXT_MAX / 4 ? char_start(text, start - LOG_TEXT_MAX / 4) : 0;
		we = ws + LOG_TEXT_MAX < len ? char_start(text, ws + LOG_TEXT_MAX) : len;
	}
	h->text = xstrndup(text + ws, we - ws);
	h->cut_before = ws > 0 || !first;
	h->cut_after = we < len || !last;
}

static void record(struct scan_ctx *c, const struct code *code, bool strong, const char *text,
		   size_t len, size_t start, unsigned long long line, bool first, bool last)
{
	struct log_scan *s = c->out;
	for (size_t i = 0; i < s->nhits; i++) {
		struct log_hit *h = &s->hits[i];
		if (!code_equal(&h->code, code))
			continue;
		if (h->last_line != line) {
			h->count++;
			h->last_line = line;
		}
		return;
	}
	for (size_t i = 0; i < c->nweak; i++)
		if (code_equal(&c->weak[i], code))
			return;
	struct log_hit h = { .code = *code, .line = line, .last_line = line, .count = 1 };
	h.nnodes = codemap_find(c->m, code, h.nodes, LOG_NODES_MAX);
	h.known = h.nnodes > 0;
	/* Success is not worth listing: exit 0, S_OK. */
	if (!h.known && (!strong || code->value == 0)) {
		c->weak[c->weak_next++ % ARRAY_LEN(c->weak)] = *code;
		if (c->nweak < ARRAY_LEN(c->weak))
			c->nweak++;
		return;
	}
	if (s->nhits >= LOG_HITS_MAX) {
		s->more++;
		return;
	}
	keep_text(&h, text, len, start, first, last);
	s->hits = xgrow(s->hits, &s->cap, s->nhits + 1, sizeof *s->hits);
	s->hits[s->nhits++] = h;
}

static bool scan_line(void *arg, const char *text, size_t len, unsigned long long line, size_t own)
{
	struct scan_ctx *c = arg;
	if (c->skip_first && line == 1)
		return true;
	bool first = c->prev_line != line, last = own >= len;
	c->prev_line = line;
	struct code_hit hits[32];
	size_t n = codes_scan(text, len, CODES_TEXT, hits, ARRAY_LEN(hits));
	for (size_t i = 0; i < n && i < ARRAY_LEN(hits); i++)
		if (hits[i].start < own)
			record(c, &hits[i].code, hits[i].strong, text, len, hits[i].start, line, first, last);
	const struct strvec *msgs = &c->m->messages;
	for (size_t i = 0; i < msgs->n; i++) {
		/* memchr and memcmp: cheaper than memmem's set-up on short lines. */
		const char *m = msgs->v[i], *end = text + own;
		size_t mlen = c->msg_len[i];
		for (const char *p = text; (p = memchr(p, m[0], (size_t)(end - p))); p++)
			if ((size_t)(text + len - p) >= mlen && memcmp(p, m, mlen) == 0) {
				struct code code = { CODE_MESSAGE, (long long)i };
				record(c, &code, true, text, len, (size_t)(p - text), line, first, last);
				break;
			}
	}
	return true;
}

int log_scan_src(const struct codemap *m, struct log_src *src, const char *path,
		 struct log_scan *out)
{
	out->path = xstrdup(path);
	struct scan_ctx c = { .m = m, .out = out, .skip_first = src->from > 0 };
	c.msg_len = xcalloc(m->messages.n + 1, sizeof *c.msg_len);
	for (size_t i = 0; i < m->messages.n; i++)
		c.msg_len[i] = strlen(m->messages.v[i]);
	char *cause = NULL;
	int rc = log_read_lines(src, scan_line, &c, &out->info, &cause);
	free(c.msg_len);
	if (rc < 0)
		out->error = xasprintf("%s: %s", path, cause);
	free(cause);
	return rc;
}

int log_scan(const struct codemap *m, struct target *t, const char *path, struct log_scan *out)
{
	return log_scan_progress(m, t, path, out, NULL, NULL);
}

/* The scan log_scan_progress and log_scan_last make: opens path on t
 * (log_open_last: its last max bytes, max 0 the whole log), scans it
 * with fn told of the progress, and when bounded also says in out where
 * the part read began and ended. A log that does not open is out's path
 * and error (the opener's cause). Returns what log_scan_src returns, or
 * the open's -errno. */
static int scan_path(const struct codemap *m, struct target *t, const char *path,
		     unsigned long long max, bool bounded, struct log_scan *out, log_progress_fn fn,
		     void *arg)
{
	struct log_src src;
	char *cause = NULL;
	int rc = log_open_last(t, path, max, &src, &cause);
	if (rc < 0) {
		out->path = xstrdup(path);
		out->error = cause;
		return rc;
	}
	src.progress = fn;
	src.progress_arg = arg;
	rc = log_scan_src(m, &src, path, out);
	if (bounded) {
		out->from = src.from;
		out->size = src.size;
		/* Bytes after the part read: the bound reached before the end
		 * the log had when opened (or, its size unknown, the bound
		 * reached). */
		out->cut_end = src.limit && src.taken >= src.limit &&
			       (src.size == 0 || src.from + src.taken < src.size);
	}
	log_close(&src);
	return rc;
}

int log_scan_progress(const struct codemap *m, struct target *t, const char *path,
		      struct log_scan *out, log_progress_fn fn, void *arg)
{
	/* log_open_last with no bound is log_open. */
	return scan_path(m, t, path, 0, false, out, fn, arg);
}

int log_scan_last(const struct codemap *m, struct target *t, const char *path,
		  unsigned long long max, struct log_scan *out, log_progress_fn fn, void *arg)
{
	return scan_path(m, t, path, max, true, out, fn, arg);
}

void log_scan_free(struct log_scan *s)
{
	for (size_t i = 0; i < s->nhits; i++)
		free(s->hits[i].text);
	free(s->hits);
	free(s->path);
	free(s->error);
	*s = (struct log_scan){ 0 };
}

size_t log_scan_count(const struct log_scan *s, bool known)
{
	size_t n = 0;
	for (size_t i = 0; i < s->nhits; i++)
		n += s->hits[i].known == known;
	return n;
}

struct context_ctx {
	unsigned long long from, to;
	struct strvec *out;
};

static bool context_line(void *arg, const char *text, size_t len, unsigned long long line, size_t own)
{
	struct context_ctx *c = arg;
	if (line > c->to)
		return false;
	if (line < c->from || c->out->n > line - c->from)
		return true; /* before the window, or a later piece of a line kept */
	size_t keep = len > LOG_TEXT_MAX ? char_start(text, LOG_TEXT_MAX) : len;
	sv_take(c->out, xstrndup(text, keep));
	(void)own;
	return true;
}

int log_context(struct target *t, const char *path, unsigned long long line, unsigned radius,
		struct strvec *out, unsigned long long *first, char **cause)
{
	struct log_src src;
	int rc = log_open(t, path, &src, cause);
	if (rc < 0)
		return rc;
	struct context_ctx c = { line > radius ? line - radius : 1, line + radius, out };
	size_t before = out->n;
	rc = log_read_lines(&src, context_line, &c, NULL, cause);
	log_close(&src);
	*first = c.from;
	(void)before;
	return rc;
}

/* The entry of folder dir named name in any case, as a target path
 * (caller frees), or NULL. */
static char *find_icase(struct target *t, const char *dir, const char *name)
{
	struct strvec names = { 0 };
	char *found = NULL;
	if (target_list(t, dir, &names) == 0)
		for (size_t i = 0; i < names.n && !found; i++)
			if (str_ieq(names.v[i], name))
				found = xasprintf("%s%s%s", dir, str_ends(dir, "/") ? "" : "/", names.v[i]);
	sv_free(&names);
	return found;
}

/* Appends the regular *.log files (any case) of dir; returns how many. */
static size_t add_logs(struct target *t, const char *dir, struct strvec *out)
{
	struct strvec names = { 0 };
	size_t added = 0;
	if (target_list(t, dir, &names) == 0)
		for (size_t i = 0; i < names.n; i++) {
			size_t l = strlen(names.v[i]);
			if (l < 5 || !str_ieq(names.v[i] + l - 4, ".log"))
				continue;
			char *p = xasprintf("%s/%s", dir, names.v[i]);
			struct target_stat st;
			if (target_stat(t, p, &st) == 0 && S_ISREG(st.mode) && !sv_contains(out, p)) {
				sv_take(out, p);
				added++;
			} else {
				free(p);
			}
		}
	sv_free(&names);
	return added;
}

/* Appends the *.log files of dir and of its subfolders, depth folders
 * down (symbolic links to folders are not followed). */
static size_t add_logs_tree(struct target *t, const char *dir, int depth, struct strvec *out)
{
	size_t added = add_logs(t, dir, out);
	struct strvec names = { 0 };
	if (depth > 0 && target_list(t, dir, &names) == 0)
		for (size_t i = 0; i < names.n; i++) {
			char *p = xasprintf("%s/%s", dir, names.v[i]);
			struct target_stat st;
			if (target_lstat(t, p, &st) == 0 && S_ISDIR(st.mode))
				added += add_logs_tree(t, p, depth - 1, out);
			free(p);
		}
	sv_free(&names);
	return added;
}

/* Appends the logs of pd/ASRSetupLogs/ and its UploadedLogs/ (names in
 * any case), pd being a ProgramData folder; returns how many. */
static size_t add_setup_logs_in(struct target *t, const char *pd, struct strvec *out)
{
	size_t added = 0;
	char *setup = find_icase(t, pd, "ASRSetupLogs");
	if (setup) {
		added += add_logs(t, setup, out);
		char *up = find_icase(t, setup, "UploadedLogs");
		if (up)
			added += add_logs(t, up, out);
		free(up);
	}
	free(setup);
	return added;
}

/* The same for base/ProgramData. */
static size_t add_setup_logs(struct target *t, const char *base, struct strvec *out)
{
	char *pd = find_icase(t, base, "ProgramData");
	size_t added = pd ? add_setup_logs_in(t, pd, out) : 0;
	free(pd);
	return added;
}

size_t log_known_paths(struct target *t, struct strvec *out)
{
	size_t added = 0;
	if (t->os != TARGET_OS_WINDOWS) {
		struct target_stat st;
		if (target_stat(t, "/var/log/ua_install.log", &st) == 0 && S_ISREG(st.mode) &&
		    !sv_contains(out, "/var/log/ua_install.log")) {
			sv_push(out, "/var/log/ua_install.log");
			added++;
		}
		char *dir = agent_install_dir(t);
		added += add_logs_tree(t, dir, 3, out);
		free(dir);
	}
	/* A Windows volume mounted here has ProgramData at its top. */
	added += add_setup_logs(t, "/", out);
	if (t->os == TARGET_OS_WINDOWS) {
		/* A running machine's own %ProgramData%, where the target keeps the
		 * journal (%ProgramData%\asr-doctor\journal, as its cmd.exe
		 * names it: it may be on D: or named otherwise). */
		const char *jd = t->hive_files ? NULL : target_journal_dir(t);
		static const char tail[] = "/asr-doctor/journal";
		if (jd && str_ends(jd, tail) && strlen(jd) > strlen(tail)) {
			char *pd = xstrndup(jd, strlen(jd) - strlen(tail));
			added += add_setup_logs_in(t, pd, out);
			free(pd);
		}
		/* A running Windows machine's SFTP shows its drives at the top
		 * ("/C:", Win32-OpenSSH issue #2150); %ProgramData% is on one
		 * of them, not always C:. */
		struct strvec names = { 0 };
		if (target_list(t, "/", &names) == 0)
			for (size_t i = 0; i < names.n; i++) {
				const char *n = names.v[i];
				if (strlen(n) != 2 || n[1] != ':' || !((n[0] >= 'A' && n[0] <= 'Z') ||
								      (n[0] >= 'a' && n[0] <= 'z')))
					continue;
				char *drive = xasprintf("/%s", n);
				added += add_setup_logs(t, drive, out);
				free(drive);
			}
		sv_free(&names);
	}
	return added;
}
