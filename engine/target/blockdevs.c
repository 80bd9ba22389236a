/* blockdevs.c: lsblk -P and blkid -o export output read into one list of
 * devices (see blockdevs.h). The text comes from the examined machine:
 * every value is bounded by its line, unknown keys are ignored, and
 * nothing in it is ever run or followed. */
#include "engine/target/blockdevs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/util/util.h"

static void dev_free(struct blockdev *d)
{
	free(d->name);
	free(d->kname);
	free(d->type);
	free(d->pkname);
	free(d->mountpoint);
	free(d->fstype);
	free(d->uuid);
	free(d->label);
	free(d->partuuid);
	memset(d, 0, sizeof *d);
}

void blockdevs_free(struct blockdevs *b)
{
	for (size_t i = 0; i < b->n; i++)
		dev_free(&b->v[i]);
	free(b->v);
	memset(b, 0, sizeof *b);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Sets *field to value unless value is empty or the field is already
 * known (the first of a key on a line or in a block wins). Takes value. */
static void set_field(char **field, char *value)
{
	if (!*value || *field) {
		free(value);
		return;
	}
	*field = value;
}

/* Stores the pair key=value (value taken) in d. */
static void put(struct blockdev *d, const char *key, size_t klen, char *value)
{
#define KEY(k) (klen == sizeof(k) - 1 && memcmp(key, k, klen) == 0)
	if (KEY("NAME") || KEY("DEVNAME") || KEY("PATH"))
		set_field(&d->name, value);
	else if (KEY("KNAME"))
		set_field(&d->kname, value);
	else if (KEY("TYPE"))
		/* lsblk's: the device's kind (blkid's TYPE, the filesystem's,
		 * never comes here: blockdevs_parse). */
		set_field(&d->type, value);
	else if (KEY("PKNAME"))
		set_field(&d->pkname, value);
	else if (KEY("MOUNTPOINT"))
		set_field(&d->mountpoint, value);
	else if (KEY("FSTYPE"))
		set_field(&d->fstype, value);
	else if (KEY("UUID"))
		set_field(&d->uuid, value);
	else if (KEY("LABEL"))
		set_field(&d->label, value);
	else if (KEY("PARTUUID"))
		set_field(&d->partuuid, value);
	else if (KEY("MAJ:MIN") || KEY("MAJ_MIN")) {
		unsigned ma, mi;
		char end;
		if (sscanf(value, "%u:%u%c", &ma, &mi, &end) == 2) {
			d->has_devno = true;
			d->major = ma;
			d->minor = mi;
		}
		free(value);
	} else {
		free(value);
	}
#undef KEY
}

/* One lsblk -P line: KEY="value" pairs separated by spaces, \xHH escapes
 * in the values. Returns false (d left empty) when the line holds no
 * pair. */
static bool parse_lsblk_line(const char *s, size_t n, struct blockdev *d)
{
	memset(d, 0, sizeof *d);
	bool any = false;
	size_t i = 0;
	while (i < n) {
		while (i < n && s[i] == ' ')
			i++;
		size_t k = i;
		while (i < n && s[i] != '=' && s[i] != ' ')
			i++;
		if (i + 1 >= n || s[i] != '=' || s[i + 1] != '"' || i == k)
			break;
		size_t klen = i - k;
		i += 2;
		struct sbuf v = { 0 };
		bool closed = false;
		while (i < n) {
			if (s[i] == '"') {
				closed = true;
				i++;
				break;
			}
			if (s[i] == '\\' && i + 3 < n && s[i + 1] == 'x' && hexval(s[i + 2]) >= 0 &&
			    hexval(s[i + 3]) >= 0) {
				sb_addc(&v, (char)(hexval(s[i + 2]) * 16 + hexval(s[i + 3])));
				i += 4;
				continue;
			}
			sb_addc(&v, s[i++]);
		}
		char *val = v.s ? sb_steal(&v) : xstrdup("");
		if (!closed) {
			free(val);
			break;
		}
		put(d, s + k, klen, val);
		any = true;
	}
	if (!any)
		dev_free(d);
	return any;
}

/* A value of blkid -o export: a backslash quotes the next character. */
static char *blkid_value(const char *s, size_t n)
{
	struct sbuf v = { 0 };
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n)
			i++;
		sb_addc(&v, s[i]);
	}
	return v.s ? sb_steal(&v) : xstrdup("");
}

static struct blockdev *find_mut(struct blockdevs *b, const char *name)
{
	for (size_t i = 0; name && i < b->n; i++)
		if ((b->v[i].name && strcmp(b->v[i].name, name) == 0) ||
		    (b->v[i].kname && strcmp(b->v[i].kname, name) == 0))
			return &b->v[i];
	return NULL;
}

static void add(struct blockdevs *b, struct blockdev *d)
{
	b->v = xgrow(b->v, &b->cap, b->n + 1, sizeof *b->v);
	b->v[b->n++] = *d;
	memset(d, 0, sizeof *d);
}

/* Replaces *field with value when value is known: blkid read the
 * filesystem from the device, which outranks udev's record. */
static void take_over(char **field, char **value)
{
	if (!*value)
		return;
	free(*field);
	*field = *value;
	*value = NULL;
}

/* Merges a blkid block into the list: into the device of its name, whose
 * filesystem identity it gives, else as a device of its own. */
static void merge_blkid(struct blockdevs *b, struct blockdev *blk)
{
	if (!blk->name) {
		dev_free(blk);
		return;
	}
	struct blockdev *d = find_mut(b, blk->name);
	if (!d) {
		add(b, blk);
		return;
	}
	take_over(&d->fstype, &blk->fstype);
	take_over(&d->uuid, &blk->uuid);
	take_over(&d->label, &blk->label);
	take_over(&d->partuuid, &blk->partuuid);
	dev_free(blk);
}

size_t blockdevs_parse(const char *text, size_t len, struct blockdevs *out)
{
	memset(out, 0, sizeof *out);
	if (!text)
		return 0;
	struct blockdev blk = { 0 }; /* the blkid block being read */
	bool in_blkid = false, blk_open = false;
	for (size_t pos = 0; pos <= len;) {
		const char *line = text + pos;
		const char *nl = pos < len ? memchr(line, '\n', len - pos) : NULL;
		size_t n = nl ? (size_t)(nl - line) : len - pos;
		pos += n + 1;
		const char *nul = memchr(line, '\0', n);
		if (nul)
			n = (size_t)(nul - line);
		if (n && line[n - 1] == '\r')
			n--;
		if (n == strlen(BLOCKDEVS_SEPARATOR) && memcmp(line, BLOCKDEVS_SEPARATOR, n) == 0) {
			in_blkid = true;
			continue;
		}
		const char *eq = memchr(line, '=', n);
		/* An lsblk line: KEY=" (blkid's values are never quoted). */
		bool pairs = eq && (size_t)(eq - line) + 1 < n && eq[1] == '"' && !in_blkid;
		if (pairs) {
			struct blockdev d;
			if (parse_lsblk_line(line, n, &d)) {
				struct blockdev *known = find_mut(out, d.name);
				if (known)
					dev_free(&d); /* the first line of a name wins */
				else
					add(out, &d);
			}
			continue;
		}
		if (n == 0 || !eq) {
			/* A blank line ends a blkid block. */
			if (blk_open)
				merge_blkid(out, &blk);
			blk_open = false;
			memset(&blk, 0, sizeof blk);
			if (!nl && n == 0)
				break;
			continue;
		}
		size_t klen = (size_t)(eq - line);
		if (klen == 7 && memcmp(line, "DEVNAME", 7) == 0 && blk_open) {
			/* A new device without the blank line between. */
			merge_blkid(out, &blk);
			memset(&blk, 0, sizeof blk);
		}
		char *v = blkid_value(eq + 1, n - klen - 1);
		if (klen == 4 && memcmp(line, "TYPE", 4) == 0) {
			/* blkid's TYPE is the filesystem's. */
			set_field(&blk.fstype, v);
		} else {
			put(&blk, line, klen, v);
		}
		blk_open = true;
		if (!nl)
			break;
	}
	if (blk_open)
		merge_blkid(out, &blk);
	return out->n;
}

const struct blockdev *blockdevs_find(const struct blockdevs *b, const char *name)
{
	for (size_t i = 0; name && i < b->n; i++)
		if ((b->v[i].name && strcmp(b->v[i].name, name) == 0) ||
		    (b->v[i].kname && strcmp(b->v[i].kname, name) == 0))
			return &b->v[i];
	return NULL;
}

const struct blockdev *blockdevs_find_devno(const struct blockdevs *b, unsigned major,
					    unsigned minor)
{
	for (size_t i = 0; i < b->n; i++)
		if (b->v[i].has_devno && b->v[i].major == major && b->v[i].minor == minor)
			return &b->v[i];
	return NULL;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void blockdevs_copy(struct blockdevs *dst, const struct blockdevs *src)
{
	memset(dst, 0, sizeof *dst);
	for (size_t i = 0; i < src->n; i++) {
		const struct blockdev *s = &src->v[i];
		struct blockdev d = {
			.name = dup_or_null(s->name),
			.kname = dup_or_null(s->kname),
			.type = dup_or_null(s->type),
			.pkname = dup_or_null(s->pkname),
			.mountpoint = dup_or_null(s->mountpoint),
			.fstype = dup_or_null(s->fstype),
			.uuid = dup_or_null(s->uuid),
			.label = dup_or_null(s->label),
			.partuuid = dup_or_null(s->partuuid),
			.has_devno = s->has_devno,
			.major = s->major,
			.minor = s->minor,
		};
		add(dst, &d);
	}
}
