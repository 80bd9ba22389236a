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
			*cause = xasprintf("%s: %s", path,
					   rc == -TARGET_ENOTREG ? "not a regular file" : strerror(-rc));
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
static long src_read(struct log_src *s, char *buf, size_t n)
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

/* The line assembler: bytes of the current line, handed on in pieces. */
struct lines {
	log_line_fn fn;
	void *arg;
	char *buf;        /* owned, LOG_PIECE + 8 bytes */
	size_t len;
	char *fix;        /* owned, 3 * LOG_PIECE + 8: a piece with bad UTF-8 replaced */
	unsigned long long line;
	bool pending_cr;  /* the last end was \r: a \n right after it adds nothing */
	bool utf8;        /* bytes arrive raw and need checking */
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

/* UTF-16 decoding state kept across chunks. */
struct u16 {
	bool le;
	int carry;         /* an odd byte left over, or -1 */
	uint32_t high;     /* a high surrogate waiting for its pair, or 0 */
};

static void u16_unit(struct lines *L, struct u16 *d, uint32_t u)
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
	else
		add_cp(L, u);
}

static void u16_chunk(struct lines *L, struct u16 *d, const unsigned char *b, size_t n)
{
	size_t i = 0;
	if (d->carry >= 0 && n > 0) {
		uint32_t u = d->le ? (uint32_t)d->carry | (uint32_t)b[0] << 8
				   : (uint32_t)d->carry << 8 | b[0];
		d->carry = -1;
		u16_unit(L, d, u);
		i = 1;
	}
	int lo = d->le ? 0 : 1, hi = 1 - lo;
	while (i + 1 < n && !L->stop) {
		/* The common case: a run of printable ASCII, copied in one go
		 * up to the end of the piece. */
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
	if (i < n)
		d->carry = b[i];
}

static void u8_chunk(struct lines *L, const unsigned char *b, size_t n)
{
	for (size_t i = 0; i < n && !L->stop; i++) {
		unsigned char c = b[i];
		if (c >= 0x20 && c != 0x7F) {
			L->pending_cr = false;
			L->buf[L->len++] = (char)c;
			if (L->len >= LOG_PIECE)
				piece(L);
		} else {
			add_cp(L, c);
		}
	}
}

int log_read_lines(struct log_src *src, log_line_fn fn, void *arg, struct log_info *info,
		   char **cause)
{
	struct log_info dummy;
	if (!info)
		info = &dummy;
	*info = (struct log_info){ 0 };
	unsigned char *chunk = xmalloc(LOG_CHUNK);
	struct lines L = { .fn = fn, .arg = arg, .line = 1 };
	L.buf = xmalloc(LOG_PIECE + 8);
	L.fix = xmalloc(3 * LOG_PIECE + 8);
	struct u16 d = { .carry = -1 };
	int rc = 0;
	bool first = true;
	for (;;) {
		long n = src_read(src, (char *)chunk, LOG_CHUNK);
		if (n < 0) {
			rc = (int)n;
			*cause = xasprintf("read error: %s", strerror((int)-n));
			break;
		}
		if (n == 0)
			break;
		info->bytes += (unsigned long long)n;
		const unsigned char *b = chunk;
		size_t len = (size_t)n;
		if (first) {
			first = false;
			if (len >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
				info->enc = LOG_UTF8, info->bom = true, b += 3, len -= 3;
			} else if (len >= 2 && b[0] == 0xFF && b[1] == 0xFE) {
				info->enc = LOG_UTF16LE, info->bom = true, b += 2, len -= 2;
			} else if (len >= 2 && b[0] == 0xFE && b[1] == 0xFF) {
				info->enc = LOG_UTF16BE, info->bom = true, b += 2, len -= 2;
			} else {
				info->enc = sniff(b, len);
			}
			d.le = info->enc == LOG_UTF16LE;
			L.utf8 = info->enc == LOG_UTF8;
		}
		if (L.utf8)
			u8_chunk(&L, b, len);
		else
			u16_chunk(&L, &d, b, len);
		if (L.stop)
			break;
		if (src->progress && !src->progress(src->progress_arg, info->bytes, src->size)) {
			rc = -ECANCELED;
			*cause = xstrdup("cancelled");
			L.stop = true;
			break;
		}
	}
	if (!L.stop && !L.utf8 && d.high)
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
	struct scan_ctx c = { .m = m, .out = out };
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

int log_scan_progress(const struct codemap *m, struct target *t, const char *path,
		      struct log_scan *out, log_progress_fn fn, void *arg)
{
	struct log_src src;
	char *cause = NULL;
	int rc = log_open(t, path, &src, &cause);
	if (rc < 0) {
		out->path = xstrdup(path);
		out->error = cause;
		return rc;
	}
	src.progress = fn;
	src.progress_arg = arg;
	rc = log_scan_src(m, &src, path, out);
	log_close(&src);
	return rc;
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

size_t log_known_paths(struct target *t, struct strvec *out)
{
	size_t added = 0;
	struct target_stat st;
	if (target_stat(t, "/var/log/ua_install.log", &st) == 0 && S_ISREG(st.mode) &&
	    !sv_contains(out, "/var/log/ua_install.log")) {
		sv_push(out, "/var/log/ua_install.log");
		added++;
	}
	char *dir = agent_install_dir(t);
	added += add_logs_tree(t, dir, 3, out);
	free(dir);
	char *pd = find_icase(t, "/", "ProgramData");
	char *setup = pd ? find_icase(t, pd, "ASRSetupLogs") : NULL;
	if (setup) {
		added += add_logs(t, setup, out);
		char *up = find_icase(t, setup, "UploadedLogs");
		if (up)
			added += add_logs(t, up, out);
		free(up);
	}
	free(setup);
	free(pd);
	return added;
}
