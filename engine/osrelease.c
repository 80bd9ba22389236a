/* osrelease.c: the distribution (os-release and older release files) and
 * the kernel version of the examined machine. */
#include "engine/osrelease.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Characters that a shell would treat specially outside quotes. */
static bool bare_special(char c)
{
	return strchr("$`;|&<>()\"'\\", c) != NULL;
}

char *osrelease_unquote(const char *v, size_t n, char **cause)
{
	struct sbuf b = { 0 };
	size_t i = 0;
	sb_add(&b, "");
	while (i < n) {
		char c = v[i];
		if (c == '\'') {
			const char *end = memchr(v + i + 1, '\'', n - i - 1);
			if (!end) {
				*cause = xstrdup("unterminated single quote");
				goto bad;
			}
			sb_addn(&b, v + i + 1, (size_t)(end - (v + i + 1)));
			i = (size_t)(end - v) + 1;
		} else if (c == '"') {
			i++;
			for (;;) {
				if (i >= n) {
					*cause = xstrdup("unterminated double quote");
					goto bad;
				}
				if (v[i] == '"')
					break;
				if (v[i] == '\\' && i + 1 < n && strchr("\\\"$`", v[i + 1])) {
					sb_addc(&b, v[i + 1]);
					i += 2;
					continue;
				}
				sb_addc(&b, v[i++]);
			}
			i++;
		} else if (c == '\\') {
			if (i + 1 >= n) {
				*cause = xstrdup("backslash at the end of the value");
				goto bad;
			}
			sb_addc(&b, v[i + 1]);
			i += 2;
		} else if (c == ' ' || c == '\t') {
			/* Only white space or a comment may follow the value. */
			while (i < n && (v[i] == ' ' || v[i] == '\t'))
				i++;
			if (i < n && v[i] != '#') {
				*cause = xstrdup("unquoted white space inside the value");
				goto bad;
			}
			break;
		} else if (bare_special(c)) {
			*cause = xasprintf("unquoted special character '%c'", c);
			goto bad;
		} else {
			sb_addc(&b, c);
			i++;
		}
	}
	return sb_steal(&b);
bad:
	sb_free(&b);
	return NULL;
}

/* Stores value into *field (replacing an earlier assignment). */
static void set_field(char **field, int *line, char *value, int ln)
{
	free(*field);
	*field = value;
	if (line)
		*line = ln;
}

int osrelease_parse(const char *text, struct os_release *out)
{
	memset(out, 0, sizeof *out);
	int understood = 0;
	int ln = 0;
	for (const char *p = text; p && *p;) {
		ln++;
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		const char *next = nl ? nl + 1 : NULL;
		while (len && (p[len - 1] == '\r' || p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		while (len && (*p == ' ' || *p == '\t')) {
			p++;
			len--;
		}
		if (len == 0 || *p == '#') {
			p = next;
			continue;
		}
		const char *eq = memchr(p, '=', len);
		size_t kl = eq ? (size_t)(eq - p) : 0;
		bool key_ok = kl > 0;
		for (size_t i = 0; i < kl && key_ok; i++)
			key_ok = isalnum((unsigned char)p[i]) || p[i] == '_';
		if (!key_ok) {
			if (!out->bad)
				out->bad = xasprintf("line %d: not KEY=VALUE", ln);
			p = next;
			continue;
		}
		char *cause = NULL;
		char *value = osrelease_unquote(eq + 1, len - kl - 1, &cause);
		if (!value) {
			if (!out->bad)
				out->bad = xasprintf("line %d: %s", ln, cause);
			free(cause);
			p = next;
			continue;
		}
		understood++;
		if (kl == 2 && strncmp(p, "ID", 2) == 0) {
			for (char *s = value; *s; s++)
				*s = (char)tolower((unsigned char)*s);
			set_field(&out->id, &out->id_line, value, ln);
		} else if (kl == 7 && strncmp(p, "ID_LIKE", 7) == 0) {
			set_field(&out->id_like, NULL, value, ln);
		} else if (kl == 4 && strncmp(p, "NAME", 4) == 0) {
			set_field(&out->name, NULL, value, ln);
		} else if (kl == 10 && strncmp(p, "VERSION_ID", 10) == 0) {
			set_field(&out->version_id, &out->version_line, value, ln);
		} else if (kl == 11 && strncmp(p, "PRETTY_NAME", 11) == 0) {
			set_field(&out->pretty_name, &out->pretty_line, value, ln);
		} else {
			free(value);
		}
		p = next;
	}
	return understood;
}

/* The first line of text, trimmed (caller frees). */
static char *first_line(const char *text)
{
	const char *nl = strchr(text, '\n');
	char *l = nl ? xstrndup(text, (size_t)(nl - text)) : xstrdup(text);
	char *t = str_trim(l);
	char *r = xstrdup(t);
	free(l);
	return r;
}

/* The os-release ID for a Red Hat family product name. */
static char *redhat_id(const char *name)
{
	static const struct {
		const char *needle, *id;
	} map[] = {
		{ "Red Hat Enterprise Linux", "rhel" },
		{ "CentOS", "centos" },
		{ "Oracle Linux", "ol" },
		{ "Rocky Linux", "rocky" },
		{ "AlmaLinux", "almalinux" },
		{ "Scientific Linux", "scientific" },
		{ "Fedora", "fedora" },
	};
	for (size_t i = 0; i < ARRAY_LEN(map); i++)
		if (strstr(name, map[i].needle))
			return xstrdup(map[i].id);
	size_t n = strcspn(name, " ");
	char *id = xstrndup(name, n);
	for (char *s = id; *s; s++)
		*s = (char)tolower((unsigned char)*s);
	return id;
}

bool osrelease_parse_redhat(const char *text, struct os_release *out)
{
	memset(out, 0, sizeof *out);
	char *line = first_line(text);
	const char *rel = strstr(line, " release ");
	if (!rel || rel == line) {
		free(line);
		return false;
	}
	const char *v = rel + 9;
	/* major.minor from "7.9.2009"; the table lists major.minor. */
	size_t n = 0;
	int dots = 0;
	while (isdigit((unsigned char)v[n]) ||
	       (v[n] == '.' && dots == 0 && isdigit((unsigned char)v[n + 1]))) {
		if (v[n] == '.')
			dots++;
		n++;
	}
	if (n == 0) {
		free(line);
		return false;
	}
	char *name = xstrndup(line, (size_t)(rel - line));
	out->id = redhat_id(name);
	out->name = name;
	out->version_id = xstrndup(v, n);
	out->pretty_name = line;
	out->id_line = out->version_line = out->pretty_line = 1;
	return true;
}

/* The value of "KEY = VALUE" in a SuSE-release file, or NULL (caller frees). */
static char *suse_value(const char *text, const char *key, int *line)
{
	int ln = 0;
	size_t kl = strlen(key);
	for (const char *p = text; p && *p;) {
		ln++;
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len > kl && strncmp(p, key, kl) == 0) {
			const char *q = p + kl;
			while (*q == ' ' || *q == '\t')
				q++;
			if (*q == '=') {
				char *v = xstrndup(q + 1, len - (size_t)(q + 1 - p));
				char *t = str_trim(v);
				char *r = xstrdup(t);
				free(v);
				*line = ln;
				return r;
			}
		}
		p = nl ? nl + 1 : NULL;
	}
	return NULL;
}

bool osrelease_parse_suse(const char *text, struct os_release *out)
{
	memset(out, 0, sizeof *out);
	int vline = 0, pline = 0;
	char *version = suse_value(text, "VERSION", &vline);
	if (!version || !*version) {
		free(version);
		return false;
	}
	char *patch = suse_value(text, "PATCHLEVEL", &pline);
	char *line = first_line(text);
	if (strstr(line, "openSUSE"))
		out->id = xstrdup("opensuse");
	else if (strstr(line, "Desktop"))
		out->id = xstrdup("sled");
	else
		out->id = xstrdup("sles");
	if (patch && *patch && strcmp(patch, "0") != 0 && !strchr(version, '.'))
		out->version_id = xasprintf("%s.%s", version, patch);
	else
		out->version_id = xstrdup(version);
	out->name = xstrdup(line);
	out->pretty_name = line;
	out->id_line = out->pretty_line = 1;
	out->version_line = vline;
	free(version);
	free(patch);
	return true;
}

void os_release_free(struct os_release *o)
{
	free(o->id);
	free(o->id_like);
	free(o->name);
	free(o->version_id);
	free(o->pretty_name);
	free(o->bad);
	memset(o, 0, sizeof *o);
}

/* The Red Hat family release files, most specific first: Oracle Linux
 * keeps a redhat-release that names Red Hat. */
static const char *const redhat_files[] = {
	"/etc/oracle-release",    "/etc/centos-release", "/etc/rocky-release",
	"/etc/almalinux-release", "/etc/redhat-release",
};

/* Reads the first Red Hat family release file that parses. Returns its
 * path (static) or NULL. */
static const char *read_redhat(struct target *t, struct os_release *out)
{
	for (size_t i = 0; i < ARRAY_LEN(redhat_files); i++) {
		char *text = NULL;
		if (target_read(t, redhat_files[i], &text, NULL) == 0) {
			bool ok = osrelease_parse_redhat(text, out);
			free(text);
			if (ok)
				return redhat_files[i];
			os_release_free(out);
		}
	}
	return NULL;
}

/* Whether id belongs to the Red Hat family whose os-release may give only
 * a major version. */
static bool redhat_family(const char *id)
{
	static const char *const ids[] = { "rhel",  "centos",    "ol",
					   "rocky", "almalinux", "scientific" };
	for (size_t i = 0; id && i < ARRAY_LEN(ids); i++)
		if (strcmp(id, ids[i]) == 0)
			return true;
	return false;
}

int os_detect(struct target *t, struct os_release *out, struct os_source *src)
{
	memset(out, 0, sizeof *out);
	src->path = NULL;
	src->refined = NULL;
	static const char *const osr[] = { "/etc/os-release", "/usr/lib/os-release" };
	for (size_t i = 0; i < ARRAY_LEN(osr); i++) {
		char *text = NULL;
		if (target_read(t, osr[i], &text, NULL) != 0)
			continue;
		osrelease_parse(text, out);
		free(text);
		if (out->id || out->version_id) {
			src->path = osr[i];
			break;
		}
		os_release_free(out);
	}
	if (src->path) {
		if (redhat_family(out->id) && out->version_id && !strchr(out->version_id, '.')) {
			struct os_release rh;
			const char *p = read_redhat(t, &rh);
			size_t ml = strlen(out->version_id);
			if (p && strncmp(rh.version_id, out->version_id, ml) == 0 &&
			    rh.version_id[ml] == '.') {
				src->refined =
				    xasprintf("VERSION_ID \"%s\" -> %s (%s: %s)", out->version_id,
					      rh.version_id, p, rh.pretty_name);
				free(out->version_id);
				out->version_id = xstrdup(rh.version_id);
			}
			if (p)
				os_release_free(&rh);
		}
		return 0;
	}
	const char *p = read_redhat(t, out);
	if (p) {
		src->path = p;
		return 0;
	}
	char *text = NULL;
	if (target_read(t, "/etc/SuSE-release", &text, NULL) == 0) {
		bool ok = osrelease_parse_suse(text, out);
		free(text);
		if (ok) {
			src->path = "/etc/SuSE-release";
			return 0;
		}
		os_release_free(out);
	}
	return -ENOENT;
}

int os_version_cmp(const char *a, const char *b)
{
	return strverscmp(a, b);
}

/* The newest version in names, or NULL (borrowed from names). */
static const char *newest(const struct strvec *names)
{
	const char *best = NULL;
	for (size_t i = 0; i < names->n; i++)
		if (!best || os_version_cmp(names->v[i], best) > 0)
			best = names->v[i];
	return best;
}

/* The version in /proc/sys/kernel/osrelease, or NULL (caller frees). */
static char *proc_kernel(struct target *t)
{
	char *text = NULL, *r = NULL;
	if (target_read(t, "/proc/sys/kernel/osrelease", &text, NULL) == 0) {
		char *v = str_trim(text);
		if (*v && !strchr(v, '\n'))
			r = xstrdup(v);
	}
	free(text);
	return r;
}

char *os_kernel_version(struct target *t, const char **from)
{
	char *r;
	if (t->live && (r = proc_kernel(t))) {
		*from = "/proc/sys/kernel/osrelease";
		return r;
	}
	struct strvec names = { 0 }, dirs = { 0 };
	if (target_list(t, "/lib/modules", &names) == 0) {
		for (size_t i = 0; i < names.n; i++) {
			char *p = xasprintf("/lib/modules/%s", names.v[i]);
			struct target_stat st;
			if (target_stat(t, p, &st) == 0 && S_ISDIR(st.mode) &&
			    isdigit((unsigned char)names.v[i][0]))
				sv_push(&dirs, names.v[i]);
			free(p);
		}
	}
	const char *best = newest(&dirs);
	r = best ? xstrdup(best) : NULL;
	sv_free(&names);
	sv_free(&dirs);
	if (r) {
		*from = "/lib/modules";
		return r;
	}
	struct strvec boot = { 0 }, vers = { 0 };
	target_glob(t, "/boot/vmlinuz-*", &boot);
	for (size_t i = 0; i < boot.n; i++) {
		const char *v = boot.v[i] + strlen("/boot/vmlinuz-");
		/* RHEL's rescue image is not a kernel version. */
		if (isdigit((unsigned char)v[0]) && !str_starts(v, "0-rescue"))
			sv_push(&vers, v);
	}
	best = newest(&vers);
	r = best ? xstrdup(best) : NULL;
	sv_free(&boot);
	sv_free(&vers);
	if (r) {
		*from = "/boot/vmlinuz-*";
		return r;
	}
	/* A sandbox root may carry a /proc snapshot and no kernel files. */
	if (!t->live && (r = proc_kernel(t))) {
		*from = "/proc/sys/kernel/osrelease";
		return r;
	}
	return NULL;
}
