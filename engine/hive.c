/* hive.c: registry hive files over libhivex (see hive.h). libhivex does
 * the parsing and the writing; this file adds path look-up, typed readers
 * with errno-style results, and the UTF-8 <-> UTF-16LE step for strings. */
#include "engine/hive.h"

#include <errno.h>
#include <hivex.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

struct hive {
	hive_h *h;
	bool writable;
};

struct hive *hive_open(const char *host_path, bool writable, char **cause)
{
	errno = 0;
	hive_h *hh = hivex_open(host_path, writable ? HIVEX_OPEN_WRITE : 0);
	if (!hh) {
		int e = errno ? errno : EINVAL;
		if (e == ENOTSUP || e == EINVAL || e == EFAULT || e == ERANGE)
			*cause = xstrdup("not a registry hive libhivex can read (damaged or truncated)");
		else
			*cause = xstrdup(strerror(e));
		return NULL;
	}
	struct hive *h = xcalloc(1, sizeof *h);
	h->h = hh;
	h->writable = writable;
	return h;
}

void hive_close(struct hive *h)
{
	if (!h)
		return;
	hivex_close(h->h);
	free(h);
}

hive_node hive_root(struct hive *h)
{
	return hivex_root(h->h);
}

hive_node hive_lookup(struct hive *h, hive_node from, const char *path)
{
	hive_node n = from;
	const char *p = path;
	while (n && *p) {
		while (*p == '\\')
			p++;
		if (!*p)
			break;
		size_t len = strcspn(p, "\\");
		char *name = xstrndup(p, len);
		/* libhivex matches child names case-insensitively. */
		n = hivex_node_get_child(h->h, n, name);
		free(name);
		p += len;
	}
	return n;
}

char *hive_name(struct hive *h, hive_node n)
{
	char *s = hivex_node_name(h->h, n);
	if (!s)
		return NULL;
	char *r = xstrdup(s);
	free(s);
	return r;
}

int hive_subkeys(struct hive *h, hive_node n, struct strvec *names)
{
	hive_node_h *kids = hivex_node_children(h->h, n);
	if (!kids)
		return -EIO;
	int rc = 0;
	for (size_t i = 0; kids[i]; i++) {
		char *s = hivex_node_name(h->h, kids[i]);
		if (!s) {
			rc = -EIO;
			break;
		}
		sv_push(names, s);
		free(s);
	}
	free(kids);
	return rc;
}

/* Fills v from libhivex's value handle. Returns 0 or -EIO. */
static int load_value(struct hive *h, hive_value_h val, struct hive_value *v)
{
	memset(v, 0, sizeof *v);
	char *key = hivex_value_key(h->h, val);
	if (!key)
		return -EIO;
	hive_type t;
	size_t len = 0;
	char *raw = hivex_value_value(h->h, val, &t, &len);
	if (!raw) {
		free(key);
		return -EIO;
	}
	v->name = xstrdup(key);
	free(key);
	v->type = (unsigned)t;
	v->data = xmalloc(len + 1);
	memcpy(v->data, raw, len);
	v->data[len] = '\0';
	v->len = len;
	free(raw);
	return 0;
}

/* The handle of value name in n: >0, or 0 with *err (-ENOENT or -EIO). */
static hive_value_h find_value(struct hive *h, hive_node n, const char *name, int *err)
{
	errno = 0;
	hive_value_h val = hivex_node_get_value(h->h, n, name);
	if (!val)
		*err = errno ? -EIO : -ENOENT;
	return val;
}

int hive_get(struct hive *h, hive_node n, const char *name, struct hive_value *out)
{
	int err = 0;
	memset(out, 0, sizeof *out);
	hive_value_h val = find_value(h, n, name, &err);
	return val ? load_value(h, val, out) : err;
}

int hive_get_dword(struct hive *h, hive_node n, const char *name, uint32_t *out)
{
	struct hive_value v;
	int rc = hive_get(h, n, name, &v);
	if (rc < 0)
		return rc;
	if (v.type != HIVE_REG_DWORD || v.len != 4) {
		hive_value_free(&v);
		return -EILSEQ;
	}
	*out = (uint32_t)v.data[0] | (uint32_t)v.data[1] << 8 | (uint32_t)v.data[2] << 16 |
	       (uint32_t)v.data[3] << 24;
	hive_value_free(&v);
	return 0;
}

char *hive_get_string(struct hive *h, hive_node n, const char *name, int *err)
{
	*err = 0;
	hive_value_h val = find_value(h, n, name, err);
	if (!val)
		return NULL;
	hive_type t;
	size_t len;
	if (hivex_value_type(h->h, val, &t, &len) < 0) {
		*err = -EIO;
		return NULL;
	}
	if (t != hive_t_REG_SZ && t != hive_t_REG_EXPAND_SZ) {
		*err = -EILSEQ;
		return NULL;
	}
	char *s = hivex_value_string(h->h, val);
	if (!s) {
		*err = -EILSEQ;
		return NULL;
	}
	char *r = xstrdup(s);
	free(s);
	return r;
}

int hive_values(struct hive *h, hive_node n, struct hive_value **out)
{
	*out = NULL;
	hive_value_h *vals = hivex_node_values(h->h, n);
	if (!vals)
		return -EIO;
	size_t count = 0;
	while (vals[count])
		count++;
	struct hive_value *v = xcalloc(count ? count : 1, sizeof *v);
	for (size_t i = 0; i < count; i++)
		if (load_value(h, vals[i], &v[i]) < 0) {
			for (size_t j = 0; j < i; j++)
				hive_value_free(&v[j]);
			free(v);
			free(vals);
			return -EIO;
		}
	free(vals);
	*out = v;
	return (int)count;
}

void hive_value_free(struct hive_value *v)
{
	free(v->name);
	free(v->data);
	memset(v, 0, sizeof *v);
}

int hive_set(struct hive *h, hive_node n, const char *name, unsigned type, const void *data,
	     size_t len)
{
	if (!h->writable)
		return -EROFS;
	hive_set_value sv = { .key = (char *)name, .t = (hive_type)type, .len = len,
			      .value = (char *)data };
	errno = 0;
	if (hivex_node_set_value(h->h, n, &sv, 0) < 0)
		return errno ? -errno : -EIO;
	return 0;
}

int hive_set_dword(struct hive *h, hive_node n, const char *name, uint32_t v)
{
	unsigned char b[4] = { (unsigned char)v, (unsigned char)(v >> 8),
			       (unsigned char)(v >> 16), (unsigned char)(v >> 24) };
	return hive_set(h, n, name, HIVE_REG_DWORD, b, sizeof b);
}

unsigned char *hive_utf16le(const char *utf8, size_t *len)
{
	iconv_t cd = iconv_open("UTF-16LE", "UTF-8");
	if (cd == (iconv_t)-1)
		return NULL;
	size_t inlen = strlen(utf8) + 1; /* the NUL becomes the NUL unit */
	size_t cap = inlen * 4, outleft = cap;
	unsigned char *out = xmalloc(cap);
	char *in = (char *)utf8, *o = (char *)out;
	size_t r = iconv(cd, &in, &inlen, &o, &outleft);
	iconv_close(cd);
	if (r == (size_t)-1) {
		free(out);
		errno = EILSEQ;
		return NULL;
	}
	*len = cap - outleft;
	return out;
}

int hive_set_string(struct hive *h, hive_node n, const char *name, const char *utf8)
{
	size_t len;
	unsigned char *b = hive_utf16le(utf8, &len);
	if (!b)
		return -EILSEQ;
	int rc = hive_set(h, n, name, HIVE_REG_SZ, b, len);
	free(b);
	return rc;
}

int hive_commit(struct hive *h, const char *host_path, char **cause)
{
	if (!h->writable) {
		*cause = xasprintf("%s: the hive was opened read-only", host_path);
		return -EROFS;
	}
	errno = 0;
	if (hivex_commit(h->h, host_path, 0) < 0) {
		int e = errno ? errno : EIO;
		*cause = xasprintf("%s: cannot write the hive: %s", host_path, strerror(e));
		return -e;
	}
	return 0;
}
