/* prefetch.c: the one-command batch of reads (see prefetch.h): the sh
 * script, the strict parser of its output and the lookups. */
#include "engine/target/prefetch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/util/util.h"

/* The script. Its arguments: the byte count to read of each file (max +
 * 1), the most bytes read of the files read together (see below), then
 * the requests. IFS is empty so that an unquoted glob expands without
 * being split. Every byte goes out as od's hex and every name as hex or,
 * when all of a list are plain (letters, digits and ._,:@+=/-), as a
 * "+NAME" line, so the output is plain text whatever the machine holds;
 * "END" says it ran to its end.
 *
 * A process costs more than a round trip's worth of the script on a busy
 * machine, so the script makes few: a name list, a real path (cd -P
 * there, and $PWD) and a file's tests are the shell's own; the regular
 * files asked for one by one ("R @") are read together at the end by one
 * wc -c and one cat, their bytes as they are after END ("= F"; not
 * those of /proc and /sys,
 * which change while they are read: one changing would leave the files
 * after it unknown, each an SFTP read of a few round trips); the paths
 * asked one by one for stat ("S @") are stat'ed together at the end ("=
 * L"), as are the matches of a glob, by two stat commands, each path
 * alone when either fails; so are those asked for their file system's
 * space ("V @", "= W", one stat -f). */
static const char script[] =
	"m=$1; c=$2; shift 2\n"
	"IFS=''\n"
	"LC_ALL=C; export LC_ALL\n"
	"nl='\n"
	"'\n"
	"F='%f %u %g %s %Y %d %i'\n"
	"x() { od -An -v -tx1; echo .; }\n"
	"z() {\n"
	"\tfor n do\n"
	"\t\tcase $n in\n"
	"\t\t'' | *[!A-Za-z0-9._,:@+=/-]*) for n do printf '%s\\0' \"$n\"; done | x; return ;;\n"
	"\t\tesac\n"
	"\tdone\n"
	"\tfor n do printf '+%s\\n' \"$n\"; done\n"
	"\techo .\n"
	"}\n"
	"cnt() {\n"
	"\ti=0; t=$1\n"
	"\twhile [ -n \"$t\" ]; do\n"
	"\t\ti=$((i + 1))\n"
	"\t\tcase $t in *\"$nl\"*) t=${t#*\"$nl\"} ;; *) t= ;; esac\n"
	"\tdone\n"
	"\t[ \"$i\" = \"$2\" ]\n"
	"}\n"
	"sx() {\n"
	"\tif l=$(stat -c \"$F\" -- \"$@\" 2>/dev/null) && s=$(stat -L -c \"$F\" -- \"$@\" 2>/dev/null) &&\n"
	"\t   cnt \"$l\" $# && cnt \"$s\" $#; then\n"
	"\t\tfor f do\n"
	"\t\t\ta=${l%%\"$nl\"*}; l=${l#*\"$nl\"}\n"
	"\t\t\tb=${s%%\"$nl\"*}; s=${s#*\"$nl\"}\n"
	"\t\t\techo \"S $a|$b\"\n"
	"\t\tdone\n"
	"\telse\n"
	"\t\tfor f do one S \"$f\"; done\n"
	"\tfi\n"
	"}\n"
	"dl() {\n"
	"\tshift\n"
	"\tfor n do\n"
	"\t\tshift\n"
	"\t\tif [ -e \"$n\" ] || [ -h \"$n\" ]; then set -- \"$@\" \"${n##*/}\"; fi\n"
	"\tdone\n"
	"\tz \"$@\"\n"
	"}\n"
	"one() {\n"
	"\tcase $1 in\n"
	"\tR | M)\n"
	"\t\tif [ -d \"$2\" ]; then echo 'R EISDIR'\n"
	"\t\telif [ -f \"$2\" ]; then\n"
	"\t\t\tif [ -r \"$2\" ]; then\n"
	"\t\t\t\techo 'R 0'\n"
	"\t\t\t\tod -An -v -tx1 -N \"$m\" -- \"$2\" 2>/dev/null\n"
	"\t\t\t\techo \". $?\"\n"
	"\t\t\telse echo 'R EACCES'; fi\n"
	"\t\telif [ -e \"$2\" ]; then echo 'R ENOTREG'\n"
	"\t\telse echo 'R ENOENT'; fi ;;\n"
	"\tT)\n"
	"\t\tif [ -f \"$2\" ] && [ -r \"$2\" ]; then\n"
	"\t\t\ta=; b=; ok=n\n"
	"\t\t\tif { IFS= read -r a && ! IFS= read -r b; } <\"$2\" 2>/dev/null && [ -z \"$b\" ]; then\n"
	"\t\t\t\tok=y\n"
	"\t\t\tfi\n"
	"\t\t\tcase $ok$a in\n"
	"\t\t\ty*[!\\ -~]*) echo 'T ?' ;;\n"
	"\t\t\ty*) echo \"T =$a\" ;;\n"
	"\t\t\t*) echo 'T ?' ;;\n"
	"\t\t\tesac\n"
	"\t\telse one R \"$2\"; fi ;;\n"
	"\tS)\n"
	"\t\tif [ -e \"$2\" ] || [ -h \"$2\" ]; then\n"
	"\t\t\tl=$(stat -c \"$F\" -- \"$2\" 2>/dev/null) || l=EIO\n"
	"\t\t\tif [ -h \"$2\" ]; then\n"
	"\t\t\t\tif [ -e \"$2\" ]; then\n"
	"\t\t\t\t\ts=$(stat -L -c \"$F\" -- \"$2\" 2>/dev/null) || s=EIO\n"
	"\t\t\t\telse s=ENOENT; fi\n"
	"\t\t\telse s=$l; fi\n"
	"\t\t\techo \"S $l|$s\"\n"
	"\t\telse echo 'S ENOENT|ENOENT'; fi ;;\n"
	"\tP)\n"
	"\t\td=${2%/*}; b=${2##*/}\n"
	"\t\tif [ ! -e \"$2\" ] && [ ! -h \"$2\" ]; then echo 'P ENOENT'\n"
	"\t\telif [ ! -h \"$2\" ] && [ -n \"$b\" ] && [ \"$b\" != . ] && [ \"$b\" != .. ] &&\n"
	"\t\t     cd -P \"${d:-/}\" 2>/dev/null; then\n"
	"\t\t\tr=${PWD%/}/$b\n"
	"\t\t\tcd /\n"
	"\t\t\techo 'P 0'; z \"$r\"\n"
	"\t\telif r=$(readlink -e -- \"$2\" 2>/dev/null && echo .); then\n"
	"\t\t\tr=${r%.}; r=${r%?}\n"
	"\t\t\techo 'P 0'; z \"$r\"\n"
	"\t\telse echo 'P ?'; fi ;;\n"
	"\tV)\n"
	"\t\tif [ -e \"$2\" ]; then\n"
	"\t\t\tl=$(stat -f -c '%S %b %f %a' -- \"$2\" 2>/dev/null) || l=?\n"
	"\t\t\techo \"V $l\"\n"
	"\t\telse echo 'V ENOENT'; fi ;;\n"
	"\tD)\n"
	"\t\tif [ -d \"$2\" ]; then\n"
	"\t\t\tif [ -r \"$2\" ] && [ -x \"$2\" ]; then\n"
	"\t\t\t\techo 'D 0'\n"
	"\t\t\t\tdl \"$2\" \"$2\"/* \"$2\"/.[!.]* \"$2\"/..?*\n"
	"\t\t\telse echo 'D EACCES'; fi\n"
	"\t\telif [ -e \"$2\" ]; then echo 'D ENOTDIR'\n"
	"\t\telse echo 'D ENOENT'; fi ;;\n"
	"\tesac\n"
	"}\n"
	"g() {\n"
	"\tk=$1; shift\n"
	"\tfor f do\n"
	"\t\tshift\n"
	"\t\tif [ -e \"$f\" ] || [ -h \"$f\" ]; then set -- \"$@\" \"$f\"; fi\n"
	"\tdone\n"
	"\techo \"G $#\"\n"
	"\tz \"$@\"\n"
	"\tif [ \"$k\" = M ]; then\n"
	"\t\tfor f do\n"
	"\t\t\tshift\n"
	"\t\t\tif [ -f \"$f\" ] && [ -r \"$f\" ]; then set -- \"$@\" \"$f\"; fi\n"
	"\t\tdone\n"
	"\t\tif [ $# -gt 0 ]; then wc -c -- \"$@\" 2>/dev/null; fi | x\n"
	"\t\tif [ $# -gt 0 ]; then cat -- \"$@\" 2>/dev/null; fi | x\n"
	"\t\tif [ $# -gt 0 ]; then wc -c -- \"$@\" 2>/dev/null; fi | x\n"
	"\telif [ \"$k\" = S ] && [ $# -gt 0 ]; then\n"
	"\t\tsx \"$@\"\n"
	"\telse\n"
	"\t\tfor f do one \"$k\" \"$f\"; done\n"
	"\tfi\n"
	"}\n"
	"xr() {\n"
	"\tcase $1 in /*) [ -f \"$1\" ] && [ -x \"$1\" ] || { echo 'X ?'; return; } ;; esac\n"
	"\techo 'X 0'\n"
	"\t{ e=$( { { \"$@\" 2>&4 3>&- 4>&-; echo \".$?\" >&4; } | x >&3 3>&- 4>&-; } 4>&1 ); } 3>&1\n"
	"\tcase $e in\n"
	"\t.0) echo '. 0' ;;\n"
	"\t*) echo '. e'; printf '%s' \"$e\" | x ;;\n"
	"\tesac\n"
	"}\n"
	"fl() {\n"
	"\tfor f do\n"
	"\t\tshift\n"
	"\t\tcase $f in R*) set -- \"$@\" \"${f#R}\" ;; esac\n"
	"\tdone\n"
	"\tif [ $# -gt 0 ]; then\n"
	"\t\techo '= F'\n"
	"\t\twc -c -- \"$@\" 2>/dev/null | x\n"
	"\t\techo END\n"
	"\t\tcat -- \"$@\" 2>/dev/null | head -c \"$c\"\n"
	"\telse echo END; fi\n"
	"}\n"
	"q=$#\n"
	"for r do\n"
	"\tcase $r in\n"
	"\t[XY]\"$nl\"*)\n"
	"\t\techo '= X'\n"
	"\t\tIFS=$nl; set -f\n"
	"\t\txr ${r#?\"$nl\"} </dev/null\n"
	"\t\tset +f; IFS=''\n"
	"\t\tcontinue ;;\n"
	"\tesac\n"
	"\tk=${r%%/*}\n"
	"\tp=/${r#*/}\n"
	"\techo \"= $k\"\n"
	"\tcase $p in\n"
	"\t*[*?[]*) g \"$k\" $p ;;\n"
	"\t*)\n"
	"\t\tcase $k in\n"
	"\t\tR)\n"
	"\t\t\tcase $p in\n"
	"\t\t\t/proc/* | /sys/* | *[!A-Za-z0-9._,:@+=/-]*) one R \"$p\" ;;\n"
	"\t\t\t*)\n"
	"\t\t\t\tif [ -f \"$p\" ] && [ -r \"$p\" ]; then echo 'R @'; set -- \"$@\" \"R$p\"\n"
	"\t\t\t\telse one R \"$p\"; fi ;;\n"
	"\t\t\tesac ;;\n"
	"\t\tS)\n"
	"\t\t\tif [ -e \"$p\" ] || [ -h \"$p\" ]; then echo 'S @'; set -- \"$@\" \"S$p\"\n"
	"\t\t\telse echo 'S ENOENT|ENOENT'; fi ;;\n"
	"\t\tV)\n"
	"\t\t\tif [ -e \"$p\" ]; then echo 'V @'; set -- \"$@\" \"V$p\"\n"
	"\t\t\telse echo 'V ENOENT'; fi ;;\n"
	"\t\t*) one \"$k\" \"$p\" ;;\n"
	"\t\tesac ;;\n"
	"\tesac\n"
	"done\n"
	"shift $q\n"
	"sl() {\n"
	"\tfor f do\n"
	"\t\tshift\n"
	"\t\tcase $f in S*) set -- \"$@\" \"${f#S}\" ;; esac\n"
	"\tdone\n"
	"\tif [ $# -gt 0 ]; then echo '= L'; sx \"$@\"; fi\n"
	"}\n"
	"vl() {\n"
	"\tfor f do\n"
	"\t\tshift\n"
	"\t\tcase $f in V*) set -- \"$@\" \"${f#V}\" ;; esac\n"
	"\tdone\n"
	"\t[ $# -gt 0 ] || return 0\n"
	"\techo '= W'\n"
	"\tif l=$(stat -f -c '%S %b %f %a' -- \"$@\" 2>/dev/null) && cnt \"$l\" $#; then\n"
	"\t\tfor f do\n"
	"\t\t\ta=${l%%\"$nl\"*}; l=${l#*\"$nl\"}\n"
	"\t\t\techo \"V $a\"\n"
	"\t\tdone\n"
	"\telse\n"
	"\t\tfor f do one V \"$f\"; done\n"
	"\tfi\n"
	"}\n"
	"sl \"$@\"\n"
	"vl \"$@\"\n"
	"fl \"$@\"\n";

/* One answer. */
struct entry {
	char *path;   /* owned */
	char kind;    /* 'R', 'S', 'D', 'P' (data: the real path), 'V' or 'X'
		       * (path: the command's words, each ended by '\n';
		       * data: its output, errtext its error output) */
	int status;   /* X: the exit status */
	char *errtext; /* X (owned) */
	struct target_vfs vfs; /* V */
	int err;      /* R, D: 0 or -errno */
	char *data;   /* R: the bytes read (owned) */
	size_t len;
	bool unknown; /* R: larger than was read; S: a side is unknown */
	int lerr, serr; /* S: lstat's and stat's errors */
	struct target_stat lst, st;
	struct strvec names; /* D: sorted */
};

struct prefetch {
	struct entry *e;
	size_t n, cap;
	size_t max; /* bytes read of each file */
	/* While parsing: the paths whose answers come at the end ("R @",
	 * "S @", "V @"), in order. */
	struct strvec later_r, later_s, later_v;
};

/* The reading position in the output. */
struct cursor {
	const char *p;
	const char *end;  /* the end of the output (which may hold NULs
			   * after END) */
	const char *line; /* the current line (not NUL-terminated) */
	size_t len;
};

/* Advances to the next line; false at the end of the text, or at a NUL
 * (only the files' bytes after END may hold one). */
static bool next_line(struct cursor *c)
{
	if (c->p >= c->end || !*c->p)
		return false;
	const char *nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
	c->line = c->p;
	c->len = nl ? (size_t)(nl - c->p) : (size_t)(c->end - c->p);
	if (memchr(c->line, '\0', c->len))
		return false;
	c->p = nl ? nl + 1 : c->end;
	return true;
}

/* Whether the current line is exactly s. */
static bool line_is(const struct cursor *c, const char *s)
{
	return c->len == strlen(s) && memcmp(c->line, s, c->len) == 0;
}

/* The current line after a prefix, as a new string; NULL without it. */
static char *line_after(const struct cursor *c, const char *prefix)
{
	size_t n = strlen(prefix);
	if (c->len < n || memcmp(c->line, prefix, n) != 0)
		return NULL;
	return xstrndup(c->line + n, c->len - n);
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/* Reads od's hex lines up to a line starting with "."; *end gets that
 * line (caller frees). With names, a "+NAME" line is NAME and its NUL.
 * Returns false when a line is neither. */
static bool read_hex(struct cursor *c, struct sbuf *out, char **end, bool names)
{
	while (next_line(c)) {
		if (c->len > 0 && c->line[0] == '.') {
			*end = xstrndup(c->line, c->len);
			return true;
		}
		if (names && c->len > 1 && c->line[0] == '+') {
			sb_addn(out, c->line + 1, c->len - 1);
			sb_addc(out, '\0');
			continue;
		}
		for (size_t i = 0; i < c->len;) {
			if (c->line[i] == ' ') {
				i++;
				continue;
			}
			int hi = hexval(c->line[i]), lo = i + 1 < c->len ? hexval(c->line[i + 1]) : -1;
			if (hi < 0 || lo < 0)
				return false;
			sb_addc(out, (char)(hi * 16 + lo));
			i += 2;
		}
	}
	return false;
}

/* Splits NUL-terminated names into v. False for a name without its NUL
 * or an empty one. */
static bool split_names(const struct sbuf *b, struct strvec *v)
{
	size_t i = 0;
	while (i < b->len) {
		const char *s = b->s + i;
		size_t n = strnlen(s, b->len - i);
		if (n == 0 || i + n >= b->len)
			return false;
		sv_push(v, s);
		i += n + 1;
	}
	return true;
}

/* An errno word of the script. */
static bool errno_word(const char *w, int *err)
{
	static const struct {
		const char *name;
		int err;
	} words[] = { { "ENOENT", -ENOENT },   { "EISDIR", -EISDIR }, { "ENOTDIR", -ENOTDIR },
		      { "EACCES", -EACCES },   { "ENOTREG", -TARGET_ENOTREG } };
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (strcmp(w, words[i].name) == 0) {
			*err = words[i].err;
			return true;
		}
	return false;
}

/* One side of an S line: 7 numbers, an errno word, or EIO (unknown:
 * *known false). */
static bool parse_stat(const char *s, struct target_stat *st, int *err, bool *known)
{
	*known = true;
	*err = 0;
	if (strcmp(s, "EIO") == 0) {
		*known = false;
		return true;
	}
	if (errno_word(s, err))
		return true;
	unsigned long mode, uid, gid;
	long long size, mtime;
	unsigned long long dev, ino;
	int used = 0;
	if (sscanf(s, "%lx %lu %lu %lld %lld %llu %llu%n", &mode, &uid, &gid, &size, &mtime, &dev,
		   &ino, &used) != 7 ||
	    s[used] != '\0')
		return false;
	st->mode = (mode_t)mode;
	st->uid = (uid_t)uid;
	st->gid = (gid_t)gid;
	st->size = (off_t)size;
	st->mtime = mtime;
	st->dev = (dev_t)dev;
	st->ino = (ino_t)ino;
	return true;
}

static struct entry *add_entry(struct prefetch *p, const char *path, char kind)
{
	p->e = xgrow(p->e, &p->cap, p->n + 1, sizeof *p->e);
	struct entry *e = &p->e[p->n++];
	memset(e, 0, sizeof *e);
	e->path = xstrdup(path);
	e->kind = kind;
	return e;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One record of the given kind for path; "R @" and "S @" (the answer
 * comes at the end) only when later. */
static bool parse_record(struct prefetch *p, struct cursor *c, char kind, const char *path,
			 bool later)
{
	if (!next_line(c))
		return false;
	if (later && kind == 'R' && line_is(c, "R @")) {
		sv_push(&p->later_r, path);
		return true;
	}
	if (later && kind == 'S' && line_is(c, "S @")) {
		sv_push(&p->later_s, path);
		return true;
	}
	if (later && kind == 'V' && line_is(c, "V @")) {
		sv_push(&p->later_v, path);
		return true;
	}
	if (kind == 'T') {
		/* "T =TEXT" (the file is TEXT and a line end), "T ?" (not one
		 * plain line: unknown), or R's error words. */
		char *text = line_after(c, "T =");
		if (text) {
			struct entry *e = add_entry(p, path, 'R');
			e->len = strlen(text) + 1;
			e->data = xasprintf("%s\n", text);
			e->unknown = e->len > p->max;
			free(text);
			return true;
		}
		if (line_is(c, "T ?"))
			return true;
		kind = 'R';
	}
	char prefix[3] = { kind, ' ', '\0' };
	char *rest = line_after(c, prefix);
	if (!rest)
		return false;
	if ((kind == 'P' || kind == 'V') && strcmp(rest, "?") == 0) {
		free(rest); /* not known: asked the ordinary way */
		return true;
	}
	bool ok = true;
	struct entry *e = add_entry(p, path, kind);
	if (kind == 'V' && !errno_word(rest, &e->err)) {
		unsigned long long bs, blocks, bfree, bavail;
		int used = 0;
		ok = sscanf(rest, "%llu %llu %llu %llu%n", &bs, &blocks, &bfree, &bavail, &used) == 4 &&
		     rest[used] == '\0';
		e->vfs.total = bs * blocks;
		e->vfs.free = bs * bfree;
		e->vfs.avail = bs * bavail;
		free(rest);
		return ok;
	}
	if (kind == 'V') {
		free(rest);
		return true;
	}
	if (kind == 'S') {
		char *bar = strchr(rest, '|');
		bool lk = false, sk = false;
		if (bar) {
			*bar = '\0';
			ok = parse_stat(rest, &e->lst, &e->lerr, &lk) &&
			     parse_stat(bar + 1, &e->st, &e->serr, &sk);
		} else {
			ok = false;
		}
		e->unknown = !lk || !sk;
	} else if (strcmp(rest, "0") != 0) {
		ok = errno_word(rest, &e->err);
	} else {
		struct sbuf b = { 0 };
		char *end = NULL;
		ok = read_hex(c, &b, &end, kind != 'R');
		if (ok && kind == 'R') {
			/* ". STATUS": od's exit status; a failed read is unknown. */
			ok = str_starts(end, ". ");
			e->unknown = !ok || strcmp(end, ". 0") != 0 || b.len > p->max;
			e->len = b.len;
			e->data = sb_steal(&b);
		} else if (ok && kind == 'P') {
			/* One absolute name. */
			struct strvec one = { 0 };
			ok = strcmp(end, ".") == 0 && split_names(&b, &one) && one.n == 1 &&
			     one.v[0][0] == '/';
			if (ok)
				e->data = xstrdup(one.v[0]);
			sv_free(&one);
		} else if (ok) {
			ok = strcmp(end, ".") == 0 && split_names(&b, &e->names);
			if (e->names.n > 1)
				qsort(e->names.v, e->names.n, sizeof *e->names.v, cmp_str);
		}
		free(end);
		sb_free(&b);
	}
	free(rest);
	return ok;
}

/* The byte count wc -c gives name on its line ("  12 /proc/1/comm"), or
 * -1 when the line is another file's. */
static long wc_count(const char *line, size_t len, const char *name)
{
	size_t i = 0;
	while (i < len && line[i] == ' ')
		i++;
	size_t d = i;
	while (i < len && line[i] >= '0' && line[i] <= '9')
		i++;
	if (i == d || i >= len || line[i] != ' ' || i - d > 12)
		return -1;
	if (len - i - 1 != strlen(name) || memcmp(line + i + 1, name, len - i - 1) != 0)
		return -1;
	return strtol(line + d, NULL, 10);
}

/* The answer of an M glob: wc -c's lines (a file it could not read has
 * none; a name it quotes matches nothing), the files' bytes one after the
 * other, and wc -c's lines again. The files are cut at wc's counts, up to
 * the first whose count changed or that went away meanwhile (the rest are
 * unknown); when all agree, the counts must add up to the bytes. */
/* A name wc -c did not list (not a readable regular file, or gone). */
#define WC_ABSENT (-2)

/* wc -c's count for each name, in order. A name whose line is missing
 * while the line there is a later name's was not listed (WC_ABSENT, no
 * bytes in the stream); a line that is no name's (a name wc quoted) stops
 * the reading: that name and the ones after are -1, their place in the
 * stream unknown. */
static long *wc_counts(const struct sbuf *wc, const struct strvec *names)
{
	long *count = xcalloc(names->n + 1, sizeof *count);
	size_t pos = 0;
	const char *w = sb_str(wc);
	size_t i = 0;
	while (i < names->n) {
		const char *nl = memchr(w + pos, '\n', wc->len - pos);
		size_t len = nl ? (size_t)(nl - w - pos) : 0;
		if (!nl || wc_count(w + pos, len, "total") >= 0) {
			/* The end of wc's lines: the rest were not listed. */
			for (; i < names->n; i++)
				count[i] = WC_ABSENT;
			break;
		}
		size_t j = i;
		long k = -1;
		while (j < names->n && (k = wc_count(w + pos, len, names->v[j])) < 0)
			j++;
		if (k < 0) {
			for (; i < names->n; i++)
				count[i] = -1;
			break;
		}
		for (; i < j; i++)
			count[i] = WC_ABSENT;
		count[i++] = k;
		pos = (size_t)(nl - w) + 1;
	}
	return count;
}

static bool parse_many(struct prefetch *p, struct cursor *c, const struct strvec *names)
{
	struct sbuf wc = { 0 }, all = { 0 }, wc2 = { 0 };
	char *end1 = NULL, *end2 = NULL, *end3 = NULL;
	bool ok = read_hex(c, &wc, &end1, false) && strcmp(end1, ".") == 0 &&
		  read_hex(c, &all, &end2, false) && strcmp(end2, ".") == 0 &&
		  read_hex(c, &wc2, &end3, false) && strcmp(end3, ".") == 0;
	long *before = wc_counts(&wc, names), *after = wc_counts(&wc2, names);
	/* The files up to the first whose count changed (or that went away)
	 * sit where the counts say; the stream must hold them all. */
	size_t agree = 0, total = 0;
	while (agree < names->n && before[agree] != -1 && before[agree] == after[agree]) {
		if (before[agree] > 0)
			total += (size_t)before[agree];
		agree++;
	}
	if (ok && total <= all.len && (agree < names->n || total == all.len)) {
		size_t off = 0;
		for (size_t i = 0; i < agree; i++) {
			if (before[i] < 0)
				continue;
			struct entry *e = add_entry(p, names->v[i], 'R');
			e->len = (size_t)before[i];
			e->data = xmalloc(e->len + 1);
			memcpy(e->data, sb_str(&all) + off, e->len);
			e->data[e->len] = '\0';
			e->unknown = e->len > p->max;
			off += e->len;
		}
	}
	free(before);
	free(after);
	free(end1);
	free(end2);
	free(end3);
	sb_free(&wc);
	sb_free(&wc2);
	sb_free(&all);
	return ok;
}

/* The records of one request. */
/* The files asked for by name, read together (the script's fl): wc -c's
 * lines in hex, then, after END, the files' bytes one after the other up
 * to PREFETCH_GROUP_MAX. The files are cut at wc's counts when the bytes
 * are exactly as many as the counts say, or, when the limit cut them,
 * the files that end within it; anything else (a file that changed
 * meanwhile, a name wc quoted) leaves them all unknown. */
static void parse_files(struct prefetch *p, const struct sbuf *wc, const char *bytes, size_t n)
{
	long *count = wc_counts(wc, &p->later_r);
	size_t total = 0;
	bool known = true;
	for (size_t i = 0; i < p->later_r.n && known; i++) {
		known = count[i] != -1;
		if (count[i] > 0)
			total += (size_t)count[i];
	}
	bool cut = n == PREFETCH_GROUP_MAX && total > n;
	if (known && (total == n || cut)) {
		size_t off = 0;
		for (size_t i = 0; i < p->later_r.n; i++) {
			if (count[i] < 0)
				continue;
			if (off + (size_t)count[i] > n)
				break; /* past the limit */
			struct entry *e = add_entry(p, p->later_r.v[i], 'R');
			e->len = (size_t)count[i];
			e->data = xmalloc(e->len + 1);
			memcpy(e->data, bytes + off, e->len);
			e->data[e->len] = '\0';
			off += e->len;
		}
	}
	free(count);
}

/* The answer of a command: "X ?" (not run: unknown), or "X 0", its
 * output in hex, ".", then ". 0" (no error output, status 0) or ". e" and
 * the hex of its error output followed by "." and the status. A command
 * the shell did not find (127) is left unknown. */
static bool parse_command(struct prefetch *p, struct cursor *c, const char *req)
{
	if (!next_line(c) || !line_is(c, "= X") || !next_line(c))
		return false;
	if (line_is(c, "X ?"))
		return true;
	if (!line_is(c, "X 0"))
		return false;
	struct sbuf out = { 0 }, err = { 0 };
	char *end = NULL;
	bool ok = read_hex(c, &out, &end, false) && strcmp(end, ".") == 0 && next_line(c);
	int status = -1;
	if (ok && line_is(c, ". 0")) {
		status = 0;
	} else if (ok && line_is(c, ". e")) {
		free(end);
		end = NULL;
		ok = read_hex(c, &err, &end, false) && strcmp(end, ".") == 0;
		/* The error output, then "." and the status's digits. */
		const char *dot = ok ? memrchr(sb_str(&err), '.', err.len) : NULL;
		long v = -1;
		ok = dot && err.s && dot[1] && strspn(dot + 1, "0123456789") == strlen(dot + 1) &&
		     strlen(dot + 1) <= 3 && str_to_long(dot + 1, &v);
		if (ok) {
			status = (int)v;
			err.len = (size_t)(dot - sb_str(&err));
			err.s[err.len] = '\0';
		}
	} else {
		ok = false;
	}
	if (ok && status != 127) {
		/* The key: the words after "X\n", each ended by '\n'. */
		struct entry *e = add_entry(p, "", 'X');
		free(e->path);
		e->path = xasprintf("%s\n", req + 2);
		e->status = status;
		e->len = out.len;
		e->data = sb_steal(&out);
		e->errtext = sb_steal(&err);
	}
	free(end);
	sb_free(&out);
	sb_free(&err);
	return ok;
}

static bool parse_request(struct prefetch *p, struct cursor *c, const char *req)
{
	if ((req[0] == 'X' || req[0] == 'Y') && req[1] == '\n')
		return parse_command(p, c, req);
	char kind = req[0];
	if (!strchr("RSDMTPV", kind) || kind == '\0' || req[1] != '/')
		return false;
	char head[4] = { '=', ' ', kind, '\0' };
	if (!next_line(c) || !line_is(c, head))
		return false;
	const char *path = req + 1;
	if (!strpbrk(path, "*?["))
		return parse_record(p, c, kind == 'M' ? 'R' : kind, path,
				    kind == 'R' || kind == 'S' || kind == 'V');
	if (!next_line(c))
		return false;
	char *count = line_after(c, "G ");
	long n;
	bool ok = count && str_to_long(count, &n) && n >= 0;
	free(count);
	struct sbuf b = { 0 };
	struct strvec names = { 0 };
	char *end = NULL;
	ok = ok && read_hex(c, &b, &end, true) && strcmp(end, ".") == 0 &&
	     split_names(&b, &names) && names.n == (size_t)n;
	for (size_t i = 0; ok && i < names.n; i++)
		ok = names.v[i][0] == '/' &&
		     (kind == 'M' || parse_record(p, c, kind, names.v[i], false));
	if (ok && kind == 'M')
		ok = parse_many(p, c, &names);
	free(end);
	sb_free(&b);
	sv_free(&names);
	return ok;
}

char **prefetch_argv(const char *const *requests, size_t n, size_t max)
{
	char **argv = xcalloc(n + 7, sizeof *argv);
	argv[0] = xstrdup("sh");
	argv[1] = xstrdup("-c");
	argv[2] = xstrdup(script);
	argv[3] = xstrdup("sh");
	argv[4] = xasprintf("%zu", max + 1);
	argv[5] = xasprintf("%zu", (size_t)PREFETCH_GROUP_MAX);
	for (size_t i = 0; i < n; i++)
		argv[6 + i] = xstrdup(requests[i]);
	return argv;
}

int prefetch_parse(const char *const *requests, size_t n, size_t max, const char *text,
		   struct prefetch **out, char **cause)
{
	return prefetch_parse_n(requests, n, max, text, strlen(text), out, cause);
}

int prefetch_parse_n(const char *const *requests, size_t n, size_t max, const char *text,
		     size_t len, struct prefetch **out, char **cause)
{
	struct prefetch *p = xcalloc(1, sizeof *p);
	p->max = max;
	struct cursor c = { .p = text, .end = text + len };
	bool ok = true;
	size_t i = 0;
	for (; ok && i < n; i++)
		ok = parse_request(p, &c, requests[i]);
	/* The stats asked for by name, then the files: wc -c's counts, END,
	 * and their bytes to the end of the output. */
	if (ok && p->later_s.n > 0) {
		ok = next_line(&c) && line_is(&c, "= L");
		for (size_t k = 0; ok && k < p->later_s.n; k++)
			ok = parse_record(p, &c, 'S', p->later_s.v[k], false);
	}
	if (ok && p->later_v.n > 0) {
		ok = next_line(&c) && line_is(&c, "= W");
		for (size_t k = 0; ok && k < p->later_v.n; k++)
			ok = parse_record(p, &c, 'V', p->later_v.v[k], false);
	}
	struct sbuf wc = { 0 };
	char *wend = NULL;
	if (ok && p->later_r.n > 0)
		ok = next_line(&c) && line_is(&c, "= F") && read_hex(&c, &wc, &wend, false) &&
		     strcmp(wend, ".") == 0;
	ok = ok && next_line(&c) && line_is(&c, "END");
	if (ok && p->later_r.n > 0)
		parse_files(p, &wc, c.p, (size_t)(c.end - c.p));
	else
		ok = ok && c.p == c.end;
	free(wend);
	sb_free(&wc);
	sv_free(&p->later_r);
	sv_free(&p->later_s);
	sv_free(&p->later_v);
	if (!ok) {
		*cause = xasprintf("the batched read's output does not parse (request %zu of %zu)",
				   i, n);
		prefetch_free(p);
		*out = NULL;
		return -EPROTO;
	}
	*out = p;
	return 0;
}

int prefetch_fetch(struct target *t, const char *const *requests, size_t n, int timeout_ms,
		   struct prefetch **out, char **cause)
{
	*out = NULL;
	if (!t->can_run) {
		*cause = xstrdup("commands cannot run on this machine");
		return -ENOTSUP;
	}
	/* A command for root ("Y") only when the login is root. */
	const char **req = xcalloc(n + 1, sizeof *req);
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (requests[i][0] != 'Y' || t->is_root)
			req[m++] = requests[i];
	char **argv = prefetch_argv(req, m, PREFETCH_FILE_MAX);
	/* The machine itself, not target_run: the batch (which calls this
	 * with its lock held) would answer target_run. */
	struct cmd_result r = { .status = -1 };
	int rc = t->ops->run ? t->ops->run(t, (const char *const *)argv, timeout_ms, &r) : -ENOTSUP;
	argv_free(argv);
	if (rc < 0) {
		*cause = xasprintf("the batched read did not run: %s", strerror(-rc));
	} else if (r.status != 0 || !r.out) {
		*cause = xasprintf("the batched read ended with status %d", r.status);
		rc = -EPROTO;
	} else {
		rc = prefetch_parse_n(req, m, PREFETCH_FILE_MAX, r.out, r.out_len, out, cause);
	}
	free(req);
	cmd_result_free(&r);
	return rc;
}

/* The latest answer of a kind for path. */
static const struct entry *find(const struct prefetch *p, const char *path, char kind)
{
	if (!p)
		return NULL;
	for (size_t i = p->n; i-- > 0;)
		if (p->e[i].kind == kind && strcmp(p->e[i].path, path) == 0)
			return &p->e[i];
	return NULL;
}

/* Whether path is known not to exist: a folder above it was listed (or
 * found missing) and the next name down is not there. */
static bool absent(const struct prefetch *p, const char *path)
{
	if (!p || path[0] != '/')
		return false;
	char *dir = xstrdup(path);
	bool gone = false;
	/* Each folder above path, nearest first. */
	for (char *slash = strrchr(dir, '/'); slash && !gone; slash = strrchr(dir, '/')) {
		const char *name = path + (slash - dir) + 1;
		size_t nlen = strcspn(name, "/");
		if (slash == dir)
			dir[1] = '\0';
		else
			*slash = '\0';
		const struct entry *e = find(p, dir, 'D');
		if (e && e->err == -ENOENT) {
			gone = true;
		} else if (e && e->err == 0 && nlen > 0) {
			bool there = false;
			for (size_t i = 0; i < e->names.n && !there; i++)
				there = strlen(e->names.v[i]) == nlen &&
					memcmp(e->names.v[i], name, nlen) == 0;
			gone = !there;
		}
		if (slash == dir)
			break;
	}
	free(dir);
	return gone;
}

bool prefetch_read(const struct prefetch *p, const char *path, size_t max, char **data,
		   size_t *len, int *err)
{
	const struct entry *e = find(p, path, 'R');
	if (!e && absent(p, path)) {
		*err = -ENOENT;
		return true;
	}
	if (!e || e->unknown)
		return false;
	*err = e->err;
	if (e->err == 0 && e->len > max)
		*err = -EFBIG;
	if (*err == 0) {
		*data = xmalloc(e->len + 1);
		memcpy(*data, e->data, e->len);
		(*data)[e->len] = '\0';
		if (len)
			*len = e->len;
	}
	return true;
}

bool prefetch_stat(const struct prefetch *p, const char *path, bool follow,
		   struct target_stat *st, int *err)
{
	const struct entry *e = find(p, path, 'S');
	if (!e && absent(p, path)) {
		*err = -ENOENT;
		return true;
	}
	if (!e || e->unknown)
		return false;
	*err = follow ? e->serr : e->lerr;
	if (*err == 0)
		*st = follow ? e->st : e->lst;
	return true;
}

bool prefetch_list(const struct prefetch *p, const char *path, struct strvec *names, int *err)
{
	const struct entry *e = find(p, path, 'D');
	if (!e && absent(p, path)) {
		*err = -ENOENT;
		return true;
	}
	if (!e)
		return false;
	*err = e->err;
	for (size_t i = 0; *err == 0 && i < e->names.n; i++)
		sv_push(names, e->names.v[i]);
	return true;
}

bool prefetch_realpath(const struct prefetch *p, const char *path, char **out, int *err)
{
	const struct entry *e = find(p, path, 'P');
	if (!e) {
		/* A path known missing has no real path. */
		const struct entry *r = find(p, path, 'R');
		const struct entry *s = find(p, path, 'S');
		if ((r && r->err == -ENOENT) || (s && !s->unknown && s->lerr == -ENOENT) ||
		    (!r && !s && absent(p, path))) {
			*err = -ENOENT;
			return true;
		}
		return false;
	}
	*err = e->err;
	if (*err == 0)
		*out = xstrdup(e->data);
	return true;
}

bool prefetch_run(const struct prefetch *p, const char *const argv[], struct cmd_result *out)
{
	if (!p)
		return false;
	char *key = target_command_key(argv);
	const struct entry *e = find(p, key, 'X');
	free(key);
	if (!e)
		return false;
	memset(out, 0, sizeof *out);
	out->status = e->status;
	out->out = xmalloc(e->len + 1);
	memcpy(out->out, e->data, e->len);
	out->out[e->len] = '\0';
	out->out_len = e->len;
	out->err = xstrdup(e->errtext ? e->errtext : "");
	return true;
}

bool prefetch_statvfs(const struct prefetch *p, const char *path, struct target_vfs *out, int *err)
{
	const struct entry *e = find(p, path, 'V');
	if (!e)
		return false;
	*err = e->err;
	if (*err == 0)
		*out = e->vfs;
	return true;
}

static void entry_free(struct entry *e)
{
	free(e->path);
	free(e->errtext);
	free(e->data);
	sv_free(&e->names);
}

void prefetch_forget(struct prefetch *p, const char *path)
{
	if (!p)
		return;
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	if (slash)
		slash == dir ? (void)(dir[1] = '\0') : (void)(*slash = '\0');
	size_t k = 0;
	for (size_t i = 0; i < p->n; i++) {
		struct entry *e = &p->e[i];
		/* A command's answer goes too: it may have read the path. */
		if (strcmp(e->path, path) == 0 || (e->kind == 'D' && strcmp(e->path, dir) == 0) ||
		    e->kind == 'X')
			entry_free(e);
		else
			p->e[k++] = *e;
	}
	p->n = k;
	free(dir);
}

size_t prefetch_count(const struct prefetch *p)
{
	return p ? p->n : 0;
}

void prefetch_free(struct prefetch *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++)
		entry_free(&p->e[i]);
	free(p->e);
	free(p);
}

/* What the Linux checks read (from their code and a traced run): sshd's
 * configuration and keys, the release files, accounts, GRUB, mounts,
 * memory, the network tables, the process list with each name, the
 * agent's folders. A path left out is only read the slower way. */
const char *const prefetch_linux[] = {
	"R/etc/ssh/sshd_config",
	"D/etc/ssh/sshd_config.d",
	"R/etc/ssh/sshd_config.d/*",
	"D/etc/ssh",
	"S/etc/ssh/ssh_host_*",
	"S/usr/sbin/sshd",
	"S/run/sshd",
	"S/usr/lib/openssh/sftp-server",
	"S/usr/libexec/openssh/sftp-server",
	"S/usr/lib/ssh/sftp-server",
	"R/etc/os-release",
	"R/usr/lib/os-release",
	"R/etc/redhat-release",
	"R/etc/SuSE-release",
	"R/etc/debian_version",
	"R/etc/passwd",
	"R/etc/shadow",
	"R/etc/group",
	"R/etc/hosts",
	"R/etc/hostname",
	"R/etc/fstab",
	"R/etc/default/grub",
	"D/etc/default/grub.d",
	"R/etc/default/grub.d/*",
	"R/etc/kernel/cmdline",
	"D/boot",
	"D/boot/grub",
	"D/boot/grub2",
	"R/boot/grub/grub.cfg",
	"R/boot/grub2/grub.cfg",
	"R/boot/grub/grubenv",
	"R/boot/grub2/grubenv",
	"R/boot/grub/menu.lst",
	"R/boot/grub/grub.conf",
	"R/proc/mounts",
	"R/proc/self/mountinfo",
	"R/proc/meminfo",
	"R/proc/cmdline",
	"R/proc/sys/kernel/osrelease",
	"R/proc/net/tcp",
	"R/proc/net/tcp6",
	"R/proc/net/if_inet6",
	"R/proc/net/fib_trie",
	"R/proc/filesystems",
	"D/proc",
	"T/proc/[0-9]*/comm",
	"M/proc/[0-9]*/cmdline",
	"D/sys/block",
	"S/usr/local/.vx_version",
	"R/usr/local/.vx_version",
	"S/usr/local/ASR",
	"S/usr/local/InMage",
	"S/var",
	"S/tmp",
	"S/usr/local",
	"S/opt",
	"S/",
	"S/bin/bash",
	"P/etc/fstab",
	"P/etc/default/grub",
	"P/etc/default/grub.d/*",
	"P/etc/kernel/cmdline",
	"P/boot/grub/grub.cfg",
	"P/boot/grub2/grub.cfg",
	"P/boot/grub/grubenv",
	"P/boot/grub2/grubenv",
	"P/boot/grub/menu.lst",
	"P/boot/grub/grub.conf",
	"V/tmp",
	"V/",
	"V/usr/local",
	"V/usr/local/ASR",
	"V/var",
	"D/sys/block/*",
	"D/sys/class/block",
	"D/sys/class/block/*",
	"D/sys/class/block/*/slaves",
	"T/sys/block/*/size",
	"T/sys/class/block/*/partition",
	"T/sys/class/block/*/dm/uuid",
	"T/sys/class/block/*/dm/name",
	"S/sys/class/block/*",
	/* Where log.codes looks for installer logs (log_known_paths): the
	 * Linux installer's log, a Windows volume's ProgramData at the top,
	 * and the install folder's *.log files three folders down; none of
	 * them there, nothing more is asked. The logs themselves are
	 * streamed. */
	"S/var/log/ua_install.log",
	"D/",
	"D/usr/local/ASR",
	"D/usr/local/ASR/*",
	"D/usr/local/ASR/*/*",
	"D/usr/local/ASR/*/*/*",
	"S/usr/local/ASR/*",
	"S/usr/local/ASR/*/*",
	"S/usr/local/ASR/*/*/*",
	"S/usr/local/ASR/*/*/*/*.log",
	/* Last of the files on disk: the largest, cut first. */
	"R/var/lib/dpkg/status",
	/* The commands the checks run: the host name, and sshd's own view
	 * of the push install's connection (as check_sshd asks it without
	 * --server; as root only). */
	"X\nhostname",
	"Y\n/usr/sbin/sshd\n-T\n-C\nuser=root,lport=22",
	NULL,
};
