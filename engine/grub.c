/* grub.c: the scanner behind grub.device_names and fstab.device_names.
 * Each file is split into words the way its reader splits it (shell quoting
 * for grub.cfg and /etc/default/grub, plain blanks for the others), keeping
 * for every character of a word the byte offset it came from, so that a
 * device name found after unquoting still maps back to its exact span in
 * the file. */
#include "engine/grub.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/util/msg.h"
#include "engine/devname.h"
#include "engine/rootid.h"

/* The parameter's name as shown in evidence. */
const char *grub_param_name(enum grub_param p)
{
	switch (p) {
	case GRUB_PARAM_ROOT:
		return "root";
	case GRUB_PARAM_RESUME:
		return "resume";
	case GRUB_PARAM_FSTAB:
		return "fstab";
	case GRUB_PARAM_DISABLE_UUID:
		return "GRUB_DISABLE_LINUX_UUID";
	}
	return "?";
}

/* ---- words with their origin ------------------------------------------------ */

/* One word after quote removal; map[i] is the file offset of text[i]. */
struct word {
	struct sbuf s;
	size_t *map;
	size_t mcap;
	size_t raw_start, raw_end; /* the word as written: [raw_start, raw_end) */
	bool binary;               /* a NUL byte was part of it */
};

/* Appends one character and the file offset it came from. */
static void word_add(struct word *w, char c, size_t off)
{
	w->map = xgrow(w->map, &w->mcap, w->s.len + 1, sizeof *w->map);
	w->map[w->s.len] = off;
	sb_addc(&w->s, c);
	if (c == '\0')
		w->binary = true;
}

/* Releases a word's text and offsets. */
static void word_free(struct word *w)
{
	sb_free(&w->s);
	free(w->map);
	memset(w, 0, sizeof *w);
}

/* A growing list of words (one command line). */
struct words {
	struct word *w;
	size_t n, cap;
};

/* Empties a word list, keeping its array for the next line. */
static void words_clear(struct words *ws)
{
	for (size_t i = 0; i < ws->n; i++)
		word_free(&ws->w[i]);
	ws->n = 0;
}

/* Blanks between words; "\r" counts, so CRLF files read like LF ones. */
static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Reads one word of shell syntax starting at d[*pos] (not a blank). */
static void read_shell_word(const char *d, size_t len, size_t *pos, struct word *w)
{
	size_t p = *pos;
	while (p < len && !is_blank(d[p]) && d[p] != '\n') {
		char c = d[p];
		if (c == '\\') {
			if (p + 1 < len && d[p + 1] == '\n') {
				p += 2; /* line continuation */
			} else if (p + 2 < len && d[p + 1] == '\r' && d[p + 2] == '\n') {
				p += 3;
			} else if (p + 1 < len) {
				word_add(w, d[p + 1], p + 1);
				p += 2;
			} else {
				word_add(w, c, p);
				p++;
			}
		} else if (c == '\'') {
			p++;
			while (p < len && d[p] != '\'') {
				word_add(w, d[p], p);
				p++;
			}
			if (p < len)
				p++;
		} else if (c == '"') {
			p++;
			while (p < len && d[p] != '"') {
				if (d[p] == '\\' && p + 1 < len && d[p + 1] &&
				    strchr("$`\"\\\n", d[p + 1])) {
					if (d[p + 1] != '\n')
						word_add(w, d[p + 1], p + 1);
					p += 2;
					continue;
				}
				word_add(w, d[p], p);
				p++;
			}
			if (p < len)
				p++;
		} else {
			word_add(w, c, p);
			p++;
		}
	}
	*pos = p;
}

/* Reads the words of one command line from d[*pos]: up to an unquoted
 * newline (consumed) or the end. Comments are dropped: in shell syntax a
 * '#' starting a word, otherwise a '#' starting the line. Returns false
 * at the end of the data with nothing read. */
static bool read_line_words(const char *d, size_t len, size_t *pos, bool shell, struct words *ws)
{
	words_clear(ws);
	size_t p = *pos;
	if (p >= len)
		return false;
	bool first = true;
	for (;;) {
		while (p < len && is_blank(d[p]))
			p++;
		if (p >= len)
			break;
		if (d[p] == '\n') {
			p++;
			break;
		}
		if (d[p] == '#' && (shell || first)) {
			const char *nl = memchr(d + p, '\n', len - p);
			p = nl ? (size_t)(nl - d) + 1 : len;
			break;
		}
		ws->w = xgrow(ws->w, &ws->cap, ws->n + 1, sizeof *ws->w);
		struct word *w = &ws->w[ws->n++];
		memset(w, 0, sizeof *w);
		w->raw_start = p;
		if (shell) {
			read_shell_word(d, len, &p, w);
		} else {
			while (p < len && !is_blank(d[p]) && d[p] != '\n') {
				word_add(w, d[p], p);
				p++;
			}
		}
		w->raw_end = p;
		first = false;
	}
	*pos = p;
	return true;
}

/* ---- scanning one file ---------------------------------------------------------- */

/* The file being scanned. */
struct file_ctx {
	struct grub_scan *s;
	const char *path;
	enum grub_source source;
	const char *d;
	size_t len;
	size_t *lines; /* offsets of line starts */
	size_t nlines;
	size_t file; /* index in s->files */
	unsigned long long hash;
	bool binary_noted;
};

/* The 0-based index of the line holding offset off. */
static size_t line_index(const struct file_ctx *c, size_t off)
{
	size_t lo = 0, hi = c->nlines;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->lines[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* The end of the line starting at off, without "\n" and a "\r" before it. */
static size_t line_end(const struct file_ctx *c, size_t off)
{
	const char *nl = memchr(c->d + off, '\n', c->len - off);
	size_t e = nl ? (size_t)(nl - c->d) : c->len;
	if (e > off && c->d[e - 1] == '\r')
		e--;
	return e;
}

/* Whether offset off of a grub.cfg lies in the section grub-mkconfig's
 * 30_os-prober writes: menu entries for other systems on other disks. */
static bool in_os_prober(const struct file_ctx *c, size_t off)
{
	static const char begin[] = "### BEGIN /etc/grub.d/30_os-prober ###";
	static const char end[] = "### END /etc/grub.d/30_os-prober ###";
	if (c->source != GRUB_SRC_CFG)
		return false;
	size_t at = 0;
	while (at < c->len) {
		const char *b = memmem(c->d + at, c->len - at, begin, sizeof begin - 1);
		if (!b || (size_t)(b - c->d) > off)
			return false;
		size_t from = (size_t)(b - c->d) + sizeof begin - 1;
		const char *e = memmem(c->d + from, c->len - from, end, sizeof end - 1);
		size_t to = e ? (size_t)(e - c->d) : c->len;
		if (off < to)
			return true;
		at = to;
	}
	return false;
}

/* Appends a finding for text[vs, ve) of word w. */
static void add_finding(struct file_ctx *c, enum grub_param param, enum devname_kind kind,
			const struct word *w, size_t vs, size_t ve, size_t raw_s, size_t raw_e)
{
	struct grub_scan *s = c->s;
	s->f = xgrow(s->f, &s->cap, s->n + 1, sizeof *s->f);
	struct grub_finding *f = &s->f[s->n++];
	memset(f, 0, sizeof *f);
	f->path = xstrdup(c->path);
	f->source = c->source;
	f->param = param;
	f->kind = kind;
	f->foreign = in_os_prober(c, raw_s);
	f->device = xstrndup(w->s.s + vs, ve - vs);
	size_t li = line_index(c, raw_s);
	size_t lo = c->lines[li], le = line_end(c, lo);
	f->line = (int)li + 1;
	f->line_off = lo;
	f->text = xmalloc(le - lo + 1);
	for (size_t i = lo; i < le; i++)
		f->text[i - lo] = c->d[i] ? c->d[i] : '?';
	f->text[le - lo] = '\0';
	f->start = raw_s - lo;
	f->end = (raw_e > le ? le : raw_e) - lo;
	f->exact = param == GRUB_PARAM_DISABLE_UUID ||
		   (raw_e <= le && raw_e - raw_s == ve - vs &&
		    memcmp(c->d + raw_s, w->s.s + vs, ve - vs) == 0);
	f->file_hash = c->hash;
}

/* Checks the kernel parameters in text[from, w->s.len) of w: the text is
 * split on blanks (a quoted word may hold several parameters). */
static void check_params(struct file_ctx *c, const struct word *w, size_t from)
{
	const char *t = w->s.s;
	size_t n = w->s.len, i = from;
	while (i < n) {
		while (i < n && is_blank(t[i]))
			i++;
		size_t a = i;
		while (i < n && !is_blank(t[i]) && t[i] != '\n')
			i++;
		size_t b = i;
		if (i < n && t[i] == '\n')
			i++;
		if (b == a)
			continue;
		enum grub_param p;
		size_t vs;
		if (b - a > 5 && strncmp(t + a, "root=", 5) == 0) {
			p = GRUB_PARAM_ROOT;
			vs = a + 5;
		} else if (b - a > 7 && strncmp(t + a, "resume=", 7) == 0) {
			p = GRUB_PARAM_RESUME;
			vs = a + 7;
		} else {
			continue;
		}
		struct grub_file *gf = &c->s->files[c->file];
		gf->params++;
		if (!gf->sample) {
			gf->sample = xstrndup(t + a, b - a);
			gf->sample_line = (int)line_index(c, w->map[a]) + 1;
		}
		enum devname_kind k = devname_kind(t + vs, b - vs);
		if (devname_unstable(k))
			add_finding(c, p, k, w, vs, b, w->map[vs], w->map[b - 1] + 1);
	}
}

/* Removes the earlier GRUB_DISABLE_LINUX_UUID finding, if any. */
static void drop_disable_finding(struct grub_scan *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->f[i].param == GRUB_PARAM_DISABLE_UUID) {
			struct grub_finding *f = &s->f[i];
			free(f->path);
			free(f->text);
			free(f->device);
			blkdev_uuid_free(&f->id);
			memmove(f, f + 1, (s->n - i - 1) * sizeof *f);
			s->n--;
			return;
		}
}

/* NAME=value words at the start of an /etc/default/grub command. */
static void handle_default(struct file_ctx *c, struct words *ws)
{
	size_t i = 0;
	if (ws->n > 1 && strcmp(sb_str(&ws->w[0].s), "export") == 0)
		i = 1;
	for (; i < ws->n; i++) {
		const struct word *w = &ws->w[i];
		const char *t = sb_str(&w->s);
		const char *eq = strchr(t, '=');
		if (!eq || eq == t)
			return;
		size_t nl = (size_t)(eq - t), vs = nl + 1;
		for (size_t k = 0; k < nl; k++)
			if (!(t[k] == '_' || (t[k] >= 'A' && t[k] <= 'Z') ||
			      (t[k] >= 'a' && t[k] <= 'z') ||
			      (k > 0 && t[k] >= '0' && t[k] <= '9')))
				return; /* not an assignment: a command */
		if ((nl == 18 && strncmp(t, "GRUB_CMDLINE_LINUX", nl) == 0) ||
		    (nl == 26 && strncmp(t, "GRUB_CMDLINE_LINUX_DEFAULT", nl) == 0) ||
		    (nl == 27 && strncmp(t, "GRUB_CMDLINE_LINUX_RECOVERY", nl) == 0)) {
			check_params(c, w, vs);
		} else if (nl == 23 && strncmp(t, "GRUB_DISABLE_LINUX_UUID", nl) == 0) {
			drop_disable_finding(c->s);
			c->s->disable_uuid = strcmp(t + vs, "true") == 0;
			if (c->s->disable_uuid)
				add_finding(c, GRUB_PARAM_DISABLE_UUID, DEVNAME_NONE, w, vs, w->s.len,
					    w->map[nl] + 1, w->raw_end);
		}
	}
}

/* One command line of the file. */
static void handle_command(struct file_ctx *c, struct words *ws)
{
	if (ws->n == 0)
		return;
	for (size_t i = 0; i < ws->n; i++)
		if (ws->w[i].binary) {
			if (!c->binary_noted) {
				sv_take(&c->s->problems,
					xasprintf(T("%s line %zu: binary data skipped",
						    "%s 第 %zu 行：跳过二进制数据"),
						  c->path, line_index(c, ws->w[i].raw_start) + 1));
				c->binary_noted = true;
			}
			return;
		}
	const char *cmd = sb_str(&ws->w[0].s);
	switch (c->source) {
	case GRUB_SRC_LEGACY:
		if (strcmp(cmd, "kernel") == 0)
			for (size_t i = 1; i < ws->n; i++)
				check_params(c, &ws->w[i], 0);
		break;
	case GRUB_SRC_CFG:
		if (strcmp(cmd, "linux") == 0 || strcmp(cmd, "linux16") == 0 ||
		    strcmp(cmd, "linuxefi") == 0) {
			for (size_t i = 1; i < ws->n; i++)
				check_params(c, &ws->w[i], 0);
		} else if (strcmp(cmd, "set") == 0 && ws->n > 1 &&
			   str_starts(sb_str(&ws->w[1].s), "kernelopts=")) {
			/* RHEL 8 and Fedora: the fallback of BLS entries'
			 * $kernelopts when grubenv has none. */
			size_t before = c->s->n;
			check_params(c, &ws->w[1], strlen("kernelopts="));
			for (size_t i = before; i < c->s->n; i++)
				c->s->f[i].kernelopts = true;
		}
		break;
	case GRUB_SRC_BLS:
		if (strcmp(cmd, "options") == 0)
			for (size_t i = 1; i < ws->n; i++)
				check_params(c, &ws->w[i], 0);
		break;
	case GRUB_SRC_GRUBENV:
		if (str_starts(cmd, "kernelopts=")) {
			check_params(c, &ws->w[0], strlen("kernelopts="));
			for (size_t i = 1; i < ws->n; i++)
				check_params(c, &ws->w[i], 0);
		}
		break;
	case GRUB_SRC_CMDLINE:
		for (size_t i = 0; i < ws->n; i++)
			check_params(c, &ws->w[i], 0);
		break;
	case GRUB_SRC_DEFAULT:
		handle_default(c, ws);
		break;
	case GRUB_SRC_FSTAB: {
		const struct word *w = &ws->w[0];
		enum devname_kind k = devname_kind(w->s.s, w->s.len);
		if (devname_unstable(k))
			add_finding(c, GRUB_PARAM_FSTAB, k, w, 0, w->s.len, w->raw_start,
				    w->raw_end);
		break;
	}
	}
}

/* An empty scan. */
struct grub_scan *grub_scan_new(void)
{
	return xcalloc(1, sizeof(struct grub_scan));
}

/* Adds a file record; returns its index. */
static size_t add_file(struct grub_scan *s, const char *path, enum grub_source source, int err)
{
	s->files = xgrow(s->files, &s->fcap, s->nfiles + 1, sizeof *s->files);
	struct grub_file *gf = &s->files[s->nfiles];
	memset(gf, 0, sizeof *gf);
	gf->path = xstrdup(path);
	gf->source = source;
	gf->err = err;
	return s->nfiles++;
}

/* Indexes the line starts, then reads the file command by command. */
void grub_scan_data(struct grub_scan *s, const char *path, enum grub_source source,
		    const char *data, size_t len)
{
	struct file_ctx c = { .s = s, .path = path, .source = source, .d = data, .len = len };
	c.hash = hash_fnv1a(data, len);
	c.file = add_file(s, path, source, 0);
	s->files[c.file].hash = c.hash;
	size_t cap = 0;
	c.lines = xgrow(NULL, &cap, 1, sizeof *c.lines);
	c.lines[c.nlines++] = 0;
	for (const char *p = data; (p = memchr(p, '\n', len - (size_t)(p - data))) != NULL;) {
		p++;
		if ((size_t)(p - data) >= len)
			break;
		c.lines = xgrow(c.lines, &cap, c.nlines + 1, sizeof *c.lines);
		c.lines[c.nlines++] = (size_t)(p - data);
	}
	bool shell = source == GRUB_SRC_CFG || source == GRUB_SRC_DEFAULT;
	struct words ws = { 0 };
	size_t pos = 0;
	while (read_line_words(data, len, &pos, shell, &ws))
		handle_command(&c, &ws);
	words_clear(&ws);
	free(ws.w);
	free(c.lines);
}

/* ---- the files of a machine ------------------------------------------------------ */

/* Reads and scans one file unless it was scanned already under another
 * name (menu.lst is often a link to grub.conf, grubenv to the EFI copy). */
static void scan_path(struct grub_scan *s, struct target *t, const char *path,
		      enum grub_source source, struct strvec *seen, bool record)
{
	if (record)
		sv_push(&s->looked, path);
	char *real = NULL;
	if (target_realpath(t, path, &real) < 0)
		real = xstrdup(path);
	if (sv_contains(seen, real)) {
		free(real);
		return;
	}
	char *data = NULL;
	size_t len = 0;
	int rc = target_read(t, path, &data, &len);
	if (rc == -ENOENT || rc == -ENOTDIR || rc == -ELOOP) {
		free(real);
		return;
	}
	sv_take(seen, real);
	if (source == GRUB_SRC_FSTAB)
		s->fstab_found = rc == 0;
	if (rc < 0) {
		add_file(s, path, source, rc);
		sv_take(&s->problems,
			xasprintf("%s: %s", path,
				  rc == -EFBIG ? T("too large to be a configuration file",
						   "文件过大，不像配置文件")
					       : strerror(-rc)));
		return;
	}
	grub_scan_data(s, path, source, data, len);
	free(data);
}

/* Scans every file matching a pattern with a glob in its last component. */
static void scan_glob(struct grub_scan *s, struct target *t, const char *pattern,
		      enum grub_source source, struct strvec *seen)
{
	sv_push(&s->looked, pattern);
	struct strvec m = { 0 };
	target_glob(t, pattern, &m);
	/* The pattern stands for its matches in the list of places looked at. */
	for (size_t i = 0; i < m.n; i++)
		scan_path(s, t, m.v[i], source, seen, false);
	sv_free(&m);
}

/* The one device name the root's own boot entries give for param (not
 * those os-prober made for other systems), or NULL when they give none or
 * several. Borrowed from s. */
static const char *own_device(const struct grub_scan *s, enum grub_param param)
{
	const char *one = NULL;
	for (size_t i = 0; i < s->n; i++) {
		const struct grub_finding *f = &s->f[i];
		if (f->param != param || f->foreign)
			continue;
		if (one && strcmp(one, f->device) != 0)
			return NULL;
		one = f->device;
	}
	return one;
}

/* The role a finding's device plays. */
static enum blkdev_role role_of(const struct grub_finding *f)
{
	return f->param == GRUB_PARAM_ROOT     ? BLKDEV_ROLE_ROOT
	       : f->param == GRUB_PARAM_RESUME ? BLKDEV_ROLE_SWAP
					       : BLKDEV_ROLE_ANY;
}

/* On a mounted root: every UUID is tied to the root through its fstab and
 * what the host mounts at the root folder (rootid), never its /dev. */
static void lookup_mounted_root(struct grub_scan *s, struct target *t)
{
	struct rootid id;
	rootid_load(&id, t);
	free(s->identity);
	s->identity = rootid_describe(&id);
	const char *own_root = own_device(s, GRUB_PARAM_ROOT);
	const char *own_resume = own_device(s, GRUB_PARAM_RESUME);
	for (size_t i = 0; i < s->n; i++) {
		struct grub_finding *f = &s->f[i];
		if (f->param == GRUB_PARAM_DISABLE_UUID || f->id.uuid || f->id.why)
			continue;
		enum blkdev_role role = role_of(f);
		if (f->foreign) {
			f->id.why = xasprintf(
				T("%s is in a menu entry os-prober made for another system: not "
				  "this root's device",
				  "%s 位于 os-prober 为其他系统生成的菜单项中：不是此根目录的设备"),
				f->device);
			continue;
		}
		rootid_uuid(&id, f->device, role, f->line,
			    role == BLKDEV_ROLE_ROOT ? own_root : own_resume, &f->id);
	}
	rootid_free(&id);
}

/* Looks up each device once; repeated devices copy the first answer. On
 * a mounted root the root's identity decides instead (rootid). */
void grub_scan_lookup_uuids(struct grub_scan *s, struct target *t)
{
	if (t->offline) {
		lookup_mounted_root(s, t);
		return;
	}
	for (size_t i = 0; i < s->n; i++) {
		struct grub_finding *f = &s->f[i];
		if (f->param == GRUB_PARAM_DISABLE_UUID || f->id.uuid || f->id.why)
			continue;
		enum blkdev_role role = role_of(f);
		bool copied = false;
		for (size_t j = 0; j < i && !copied; j++) {
			const struct grub_finding *g = &s->f[j];
			if (g->param == f->param && g->device &&
			    strcmp(g->device, f->device) == 0) {
				blkdev_uuid_copy(&f->id, &g->id);
				copied = true;
			}
		}
		if (!copied)
			blkdev_uuid_lookup(t, f->device, role, &f->id);
	}
}

/* Scans the fixed list of places in the order grub-mkconfig and the shell read them. */
struct grub_scan *grub_scan(struct target *t, unsigned flags)
{
	struct grub_scan *s = grub_scan_new();
	struct strvec seen = { 0 };
	if (flags & GRUB_SCAN_BOOT) {
		scan_path(s, t, "/boot/grub/menu.lst", GRUB_SRC_LEGACY, &seen, true);
		scan_path(s, t, "/boot/grub/grub.conf", GRUB_SRC_LEGACY, &seen, true);
		scan_path(s, t, "/boot/grub/grub.cfg", GRUB_SRC_CFG, &seen, true);
		scan_path(s, t, "/boot/grub2/grub.cfg", GRUB_SRC_CFG, &seen, true);
		/* UEFI copies: /boot/efi/EFI/<distribution>/grub.cfg. */
		sv_push(&s->looked, "/boot/efi/EFI/*/grub.cfg");
		struct strvec efi = { 0 };
		target_glob(t, "/boot/efi/EFI/*", &efi);
		for (size_t i = 0; i < efi.n; i++) {
			char *p = xasprintf("%s/grub.cfg", efi.v[i]);
			scan_path(s, t, p, GRUB_SRC_CFG, &seen, false);
			free(p);
		}
		scan_path(s, t, "/etc/default/grub", GRUB_SRC_DEFAULT, &seen, true);
		scan_glob(s, t, "/etc/default/grub.d/*.cfg", GRUB_SRC_DEFAULT, &seen);
		scan_glob(s, t, "/boot/loader/entries/*.conf", GRUB_SRC_BLS, &seen);
		scan_path(s, t, "/boot/grub2/grubenv", GRUB_SRC_GRUBENV, &seen, true);
		scan_path(s, t, "/boot/grub/grubenv", GRUB_SRC_GRUBENV, &seen, true);
		sv_push(&s->looked, "/boot/efi/EFI/*/grubenv");
		for (size_t i = 0; i < efi.n; i++) {
			char *p = xasprintf("%s/grubenv", efi.v[i]);
			scan_path(s, t, p, GRUB_SRC_GRUBENV, &seen, false);
			free(p);
		}
		sv_free(&efi);
		scan_path(s, t, "/etc/kernel/cmdline", GRUB_SRC_CMDLINE, &seen, true);
	}
	if (flags & GRUB_SCAN_FSTAB)
		scan_path(s, t, "/etc/fstab", GRUB_SRC_FSTAB, &seen, true);
	sv_free(&seen);
	if (flags & GRUB_SCAN_UUID)
		grub_scan_lookup_uuids(s, t);
	return s;
}

/* Frees a scan and everything it owns. */
void grub_scan_free(struct grub_scan *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->f[i].path);
		free(s->f[i].text);
		free(s->f[i].device);
		blkdev_uuid_free(&s->f[i].id);
	}
	free(s->f);
	for (size_t i = 0; i < s->nfiles; i++) {
		free(s->files[i].path);
		free(s->files[i].sample);
	}
	free(s->files);
	sv_free(&s->looked);
	sv_free(&s->problems);
	free(s->identity);
	free(s);
}
