/* codes.c: the one parser of code spellings (ErrorIDs, HRESULTs, exit
 * codes) and the table from codes to the article's sections. */
#include "engine/codes.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/content.h"

enum label_kind { L_EXIT, L_ID, L_CODE };

/* Words that announce a code, tried longest first. ASCII ones match
 * case-insensitively at a word start. */
static const struct label {
	const char *text;
	enum label_kind kind;
	bool query_only;
} labels[] = {
	{ "exit code", L_EXIT, false }, { "exitcode", L_EXIT, false }, { "exit_code", L_EXIT, false },
	{ "退出代码", L_EXIT, false },   { "error id", L_ID, false },     { "errorid", L_ID, false },
	{ "error_id", L_ID, false },    { "错误 id", L_ID, false },      { "错误id", L_ID, false },
	{ "error code", L_CODE, false }, { "errorcode", L_CODE, false }, { "error_code", L_CODE, false },
	{ "错误代码", L_CODE, false },   { "hresult", L_CODE, false },    { "exit", L_EXIT, true },
};

#define X16(v) v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v
/* ASCII letters, digits and '_' (a table: the scanner's hottest test). */
static const unsigned char alnum_table[256] = {
	X16(0), X16(0), X16(0),
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0,                /* 0-9 */
	0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,                /* A-O */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1,                /* P-Z _ */
	0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,                /* a-o */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,                /* p-z */
	X16(0), X16(0), X16(0), X16(0), X16(0), X16(0), X16(0), X16(0),
};

static bool is_alnum(unsigned char c)
{
	return alnum_table[c];
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int hex_val(unsigned char c)
{
	if (is_digit(c))
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Length of word at s[i..] (ASCII case-insensitive), or 0. */
static size_t match_word(const char *s, size_t len, size_t i, const char *word)
{
	size_t k = 0;
	for (; word[k]; k++) {
		if (i + k >= len)
			return 0;
		unsigned char a = (unsigned char)s[i + k], b = (unsigned char)word[k];
		if (a != b && !(b >= 'a' && b <= 'z' && (a | 0x20) == b))
			return 0;
	}
	return k;
}

/* Skips what separates a label from its number: blanks, ':', '=', '#',
 * and the full-width colon. */
static size_t skip_sep(const char *s, size_t len, size_t i)
{
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ' || c == '\t' || c == ':' || c == '=' || c == '#')
			i++;
		else if (c == 0xEF && i + 2 < len && (unsigned char)s[i + 1] == 0xBC &&
			 (unsigned char)s[i + 2] == 0x9A)
			i += 3;
		else
			break;
	}
	return i;
}

struct num {
	long long v;   /* the value, negative when neg */
	size_t digits; /* digits written */
	bool hex, neg;
};

/* Parses a whole number at s[i..]: an optional '-', then 0x and 1-8 hex
 * digits or 1-10 decimal digits, not followed by a letter or digit.
 * Returns the end, or 0 when there is none. */
static size_t parse_num(const char *s, size_t len, size_t i, struct num *n)
{
	*n = (struct num){ 0 };
	if (i < len && s[i] == '-') {
		n->neg = true;
		i++;
	}
	if (i + 2 < len && s[i] == '0' && (s[i + 1] | 0x20) == 'x' && hex_val((unsigned char)s[i + 2]) >= 0 &&
	    !n->neg) {
		i += 2;
		n->hex = true;
		while (i < len && hex_val((unsigned char)s[i]) >= 0) {
			if (++n->digits > 8)
				return 0;
			n->v = n->v * 16 + hex_val((unsigned char)s[i++]);
		}
	} else {
		while (i < len && is_digit((unsigned char)s[i])) {
			if (++n->digits > 10)
				return 0;
			n->v = n->v * 10 + (s[i++] - '0');
		}
	}
	if (n->digits == 0 || (i < len && is_alnum((unsigned char)s[i])))
		return 0;
	if (n->neg)
		n->v = -n->v;
	return i;
}

/* A number as an HRESULT (signed or unsigned 32-bit), or -1. */
static long long as_hresult(const struct num *n)
{
	if (n->v < INT32_MIN || n->v > (long long)UINT32_MAX)
		return -1;
	return (long long)(uint32_t)n->v;
}

static bool is_errorid(const struct num *n)
{
	return !n->hex && !n->neg && n->digits == 5 && n->v >= 90000;
}

struct scan {
	struct code_hit *out;
	size_t max, found;
};

static void emit(struct scan *sc, enum code_kind k, long long v, size_t start, size_t end, bool strong)
{
	if (sc->found < sc->max)
		sc->out[sc->found] = (struct code_hit){ { k, v }, start, end, strong };
	sc->found++;
}

/* A label at s[i..]: emits the code it announces; returns the end of the
 * label and its number, or 0 when there is no label here. */
static size_t try_label(struct scan *sc, const char *s, size_t len, size_t i, unsigned flags)
{
	bool word_start = i == 0 || !is_alnum((unsigned char)s[i - 1]);
	for (size_t k = 0; k < ARRAY_LEN(labels); k++) {
		const struct label *l = &labels[k];
		if (l->query_only && !(flags & CODES_QUERY))
			continue;
		bool ascii = (unsigned char)l->text[0] < 0x80;
		if (ascii && !word_start)
			continue;
		size_t w = match_word(s, len, i, l->text);
		if (!w)
			continue;
		size_t p = skip_sep(s, len, i + w);
		if (p == i + w && l->kind != L_ID && ascii && p < len && is_alnum((unsigned char)s[p]))
			continue; /* "exitcodes", "hresults" */
		struct num n;
		size_t end = parse_num(s, len, p, &n);
		if (!end)
			return i + w;
		long long hr = as_hresult(&n);
		switch (l->kind) {
		case L_EXIT:
			if (n.hex ? n.v <= INT32_MAX : true)
				emit(sc, CODE_EXIT, n.v, i, end, n.v != 0);
			break;
		case L_ID:
			if (is_errorid(&n))
				emit(sc, CODE_ERRORID, n.v, i, end, true);
			break;
		case L_CODE:
			if (is_errorid(&n))
				emit(sc, CODE_ERRORID, n.v, i, end, true);
			else if (hr >= 0)
				emit(sc, CODE_HRESULT, hr, i, end, hr != 0);
			break;
		}
		return end;
	}
	return 0;
}

size_t codes_scan(const char *s, size_t len, unsigned flags, struct code_hit *out, size_t max)
{
	struct scan sc = { out, max, 0 };
	size_t i = 0;
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		if (!is_alnum(c)) {
			size_t end = 0;
			if (c == 0xE9) {
				end = try_label(&sc, s, len, i, flags);
			} else if (c == '-' && (i == 0 || !is_alnum((unsigned char)s[i - 1])) && i + 1 < len &&
				   is_digit((unsigned char)s[i + 1])) {
				struct num n;
				end = parse_num(s, len, i, &n);
				if (end && !n.hex && n.digits == 10 && as_hresult(&n) >= 0)
					emit(&sc, CODE_HRESULT, as_hresult(&n), i, end, true);
			}
			i = end ? end : i + 1;
			continue;
		}
		/* A token: only its start can begin a code; the rest is skipped
		 * whole (the fast path through ordinary words). */
		size_t j = i + 1;
		while (j < len && is_alnum((unsigned char)s[j]))
			j++;
		if (i > 0 && is_alnum((unsigned char)s[i - 1])) {
			i = j;
			continue;
		}
		if (c == 'e' || c == 'E' || c == 'h' || c == 'H') {
			size_t end = try_label(&sc, s, len, i, flags);
			if (end) {
				i = end;
				continue;
			}
		}
		/* Decimal numbers of other lengths (dates, times, sizes, process
		 * ids) are no code: skipped without parsing. */
		bool hex0x = c == '0' && i + 1 < len && (s[i + 1] | 0x20) == 'x';
		if (is_digit(c) && !hex0x && j - i != 10 && !((flags & CODES_QUERY) && (j - i == 5 || j - i == 8))) {
			i = j;
			continue;
		}
		struct num n;
		size_t end = is_digit(c) ? parse_num(s, len, i, &n) : 0;
		if (end && (flags & CODES_QUERY) && !n.hex && n.digits == 8)
			end = 0; /* typed bare hex: 80070005 */
		if (end) {
			long long hr = as_hresult(&n);
			if (n.hex)
				emit(&sc, CODE_HRESULT, hr, i, end, n.digits == 8 && hr >= 0x80000000LL);
			else if (n.digits == 10 && hr >= 0x80000000LL)
				emit(&sc, CODE_HRESULT, hr, i, end, false);
			else if ((flags & CODES_QUERY) && is_errorid(&n))
				emit(&sc, CODE_ERRORID, n.v, i, end, false);
			i = end;
			continue;
		}
		if ((flags & CODES_QUERY) && j - i == 8) {
			long long v = 0;
			bool hex = true;
			for (size_t k = i; k < j && hex; k++) {
				int h = hex_val((unsigned char)s[k]);
				hex = h >= 0;
				v = v * 16 + h;
			}
			if (hex)
				emit(&sc, CODE_HRESULT, v, i, j, false);
		}
		i = j;
	}
	return sc.found;
}

char *code_format(const struct code *c, char *buf, size_t n)
{
	switch (c->kind) {
	case CODE_ERRORID:
		snprintf(buf, n, "%lld", c->value);
		break;
	case CODE_HRESULT:
		snprintf(buf, n, "0x%llX", (unsigned long long)c->value);
		break;
	case CODE_EXIT:
		snprintf(buf, n, "exit %lld", c->value);
		break;
	case CODE_MESSAGE:
		snprintf(buf, n, "message %lld", c->value);
		break;
	}
	return buf;
}

const char *code_kind_name(enum code_kind k)
{
	static const char *const names[] = { "errorid", "hresult", "exit", "message" };
	return names[k];
}

bool code_equal(const struct code *a, const struct code *b)
{
	return a->kind == b->kind && a->value == b->value;
}

/* Adds an entry unless the same code already points at the node. */
static void map_add(struct codemap *m, const struct code *c, struct node *n, size_t *cap)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->entries[i].node == n && code_equal(&m->entries[i].code, c))
			return;
	m->entries = xgrow(m->entries, cap, m->n + 1, sizeof *m->entries);
	m->entries[m->n++] = (struct codemap_entry){ *c, n };
}

/* The one code a canonical or typed spelling names, if exactly one. */
static bool parse_one(const char *text, struct code *out)
{
	struct code_hit h[2];
	if (codes_scan(text, strlen(text), CODES_QUERY, h, 2) != 1)
		return false;
	*out = h[0].code;
	return true;
}

/* The "log" entries of the bindings: {"code" or "message", and "with" (a
 * code of the section's title) or "anchor"}. */
static bool bind_log(struct codemap *m, const cJSON *log, size_t *cap, char **cause)
{
	const cJSON *e;
	cJSON_ArrayForEach(e, log)
	{
		const cJSON *code = cJSON_GetObjectItemCaseSensitive(e, "code");
		const cJSON *message = cJSON_GetObjectItemCaseSensitive(e, "message");
		const cJSON *with = cJSON_GetObjectItemCaseSensitive(e, "with");
		const cJSON *anchor = cJSON_GetObjectItemCaseSensitive(e, "anchor");
		struct code c, w;
		/* Each field is absent or a string (a number's valuestring is
		 * NULL), and exactly one of code and message is there. */
		bool shape = (!code || cJSON_IsString(code)) && (!message || cJSON_IsString(message)) &&
			     (!with || cJSON_IsString(with)) && (!anchor || cJSON_IsString(anchor)) &&
			     !code != !message;
		if (!shape || (code && !parse_one(code->valuestring, &c)) ||
		    (with && !parse_one(with->valuestring, &w)) ||
		    (message && !*message->valuestring)) {
			*cause = xstrdup("bindings: each \"log\" entry needs \"code\" (a code) or \"message\" "
					 "(a text), and \"with\" (a code of a title) or \"anchor\"");
			return false;
		}
		struct node *n = NULL;
		if (with && codemap_find(m, &w, &n, 1) != 1)
			n = NULL;
		if (!n && anchor)
			n = doc_find_anchor(m->doc, anchor->valuestring);
		if (!n)
			continue;
		if (code) {
			map_add(m, &c, n, cap);
		} else if (message) {
			size_t grown = m->messages.n + 1;
			/* An array of pointers: its element is a pointer.
			 * NOLINTNEXTLINE(bugprone-sizeof-expression) */
			m->message_nodes = xrealloc(m->message_nodes, grown * sizeof *m->message_nodes);
			m->message_nodes[m->messages.n] = n;
			sv_push(&m->messages, message->valuestring);
		}
	}
	return true;
}

struct codemap *codemap_new(const struct doc *doc, const char *bindings_json, char **cause)
{
	struct codemap *m = xcalloc(1, sizeof *m);
	m->doc = doc;
	size_t cap = 0;
	for (size_t i = 0; i < doc->nnodes; i++) {
		struct node *n = doc->nodes[i];
		for (size_t k = 0; k < n->codes.n; k++) {
			struct code c;
			if (parse_one(n->codes.v[k], &c))
				map_add(m, &c, n, &cap);
		}
	}
	if (!bindings_json) {
		const struct content_file *f = content_get("bindings.json");
		bindings_json = f ? (const char *)f->data : "{}";
	}
	cJSON *root = cJSON_Parse(bindings_json);
	const cJSON *log = root ? cJSON_GetObjectItemCaseSensitive(root, "log") : NULL;
	if (!root || (log && !cJSON_IsArray(log))) {
		*cause = xstrdup(root ? "bindings: \"log\" must be an array" : "bindings: not valid JSON");
		cJSON_Delete(root);
		codemap_free(m);
		return NULL;
	}
	bool ok = bind_log(m, log, &cap, cause);
	cJSON_Delete(root);
	if (!ok) {
		codemap_free(m);
		return NULL;
	}
	return m;
}

void codemap_free(struct codemap *m)
{
	if (!m)
		return;
	free(m->entries);
	sv_free(&m->messages);
	free(m->message_nodes);
	free(m);
}

/* Whether a descendant of n is in the map for c. */
static bool named_below(const struct codemap *m, const struct node *n, const struct code *c)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->entries[i].node != n && code_equal(&m->entries[i].code, c) &&
		    node_contains(n, m->entries[i].node))
			return true;
	return false;
}

size_t codemap_find(const struct codemap *m, const struct code *c, struct node **out, size_t max)
{
	if (c->kind == CODE_ERRORID)
		return c->value >= 0 && c->value <= 99999 ? doc_find_id(m->doc, (unsigned)c->value, out, max) : 0;
	if (c->kind == CODE_MESSAGE) {
		if (c->value < 0 || (size_t)c->value >= m->messages.n)
			return 0;
		if (max)
			out[0] = m->message_nodes[c->value];
		return 1;
	}
	size_t found = 0;
	for (size_t i = 0; i < m->n; i++) {
		if (!code_equal(&m->entries[i].code, c) || named_below(m, m->entries[i].node, c))
			continue;
		if (found < max)
			out[found] = m->entries[i].node;
		found++;
	}
	return found;
}

char *codemap_label(const struct codemap *m, const struct code *c)
{
	if (c->kind == CODE_MESSAGE && c->value >= 0 && (size_t)c->value < m->messages.n)
		return xasprintf("\"%s\"", m->messages.v[c->value]);
	char buf[40];
	return xstrdup(code_format(c, buf, sizeof buf));
}

/* Adds n to out[] unless it is there; returns the new count. */
static size_t add_unique(struct node **out, size_t found, size_t max, struct node *n)
{
	for (size_t i = 0; i < found && i < max; i++)
		if (out[i] == n)
			return found;
	if (found < max)
		out[found] = n;
	return found + 1;
}

size_t codemap_resolve(const struct codemap *m, const char *what, struct node **out, size_t max)
{
	if (!what)
		return 0;
	const char *a = what[0] == '#' ? what + 1 : what;
	struct node *n = *a ? doc_find_anchor(m->doc, a) : NULL;
	if (n) {
		if (max)
			out[0] = n;
		return 1;
	}
	size_t len = strlen(what);
	size_t nh = codes_scan(what, len, CODES_QUERY, NULL, 0);
	if (nh == 0)
		return 0;
	struct code_hit *h = xcalloc(nh, sizeof *h);
	codes_scan(what, len, CODES_QUERY, h, nh);
	size_t found = 0;
	for (size_t i = 0; i < nh; i++) {
		struct node *nodes[16];
		size_t k = codemap_find(m, &h[i].code, nodes, ARRAY_LEN(nodes));
		for (size_t j = 0; j < k && j < ARRAY_LEN(nodes); j++)
			found = add_unique(out, found, max, nodes[j]);
	}
	free(h);
	return found;
}
