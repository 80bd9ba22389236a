/* fuzzlib.c: helpers shared by the fuzz targets (see fuzz.h), used both
 * under libFuzzer and in the corpus replay suite. */
#include "tests/fuzz/fuzz.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[4096];

/* Copies the bytes and adds a NUL. */
char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		fuzz_fail("out of memory");
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Removes one entry of a tree walked depth first. */
static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

void fuzz_rmtree(const char *path)
{
	nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

void fuzz_cleanup(void)
{
	if (tmpdir[0])
		fuzz_rmtree(tmpdir);
	tmpdir[0] = '\0';
}

const char *fuzz_tmpdir_made(void)
{
	return tmpdir[0] ? tmpdir : NULL;
}

const char *fuzz_tmpdir(void)
{
	if (tmpdir[0])
		return tmpdir;
	const char *base = getenv("TMPDIR");
	if (!base || !*base)
		base = "/tmp";
	snprintf(tmpdir, sizeof tmpdir, "%s/asr-fuzz-XXXXXX", base);
	if (!mkdtemp(tmpdir))
		fuzz_fail("cannot create a folder under %s: %s", base, strerror(errno));
	/* Absolute, as the journal and target roots want it. */
	char *abs = realpath(tmpdir, NULL);
	if (!abs || strlen(abs) >= sizeof tmpdir)
		fuzz_fail("cannot resolve %s", tmpdir);
	strcpy(tmpdir, abs);
	free(abs);
	atexit(fuzz_cleanup);
	return tmpdir;
}

/* Creates the folders above path (mkdir -p of its parent); false with
 * errno set when one cannot be made. */
static bool make_parents(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		struct stat st;
		bool ok = mkdir(path, 0755) == 0 ||
			  (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode));
		*p = '/';
		if (!ok) {
			if (errno == EEXIST)
				errno = ENOTDIR;
			return false;
		}
	}
	return true;
}

bool fuzz_try_write(const char *dir, const char *rel, const uint8_t *data, size_t size)
{
	char path[8192];
	snprintf(path, sizeof path, "%s/%s", dir, rel[0] == '/' ? rel + 1 : rel);
	if (!make_parents(path))
		return false;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return false;
	size_t off = 0;
	while (off < size) {
		ssize_t w = write(fd, data + off, size - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(fd);
			return false;
		}
		off += (size_t)w;
	}
	close(fd);
	return true;
}

void fuzz_write(const char *dir, const char *rel, const uint8_t *data, size_t size)
{
	if (!fuzz_try_write(dir, rel, data, size))
		fuzz_fail("cannot write %s under %s: %s", rel, dir, strerror(errno));
}

/* Whether the line at p (n bytes left) is a part separator "%% NAME". */
static bool is_separator(const uint8_t *p, size_t n)
{
	return n >= 3 && p[0] == '%' && p[1] == '%' && p[2] == ' ';
}

size_t fuzz_split(const uint8_t *data, size_t size, struct fuzz_part *parts, size_t max)
{
	if (max == 0)
		return 0;
	size_t np = 0;
	memset(&parts[0], 0, sizeof parts[0]);
	parts[0].data = data;
	size_t pos = 0;
	while (pos < size) {
		const uint8_t *line = data + pos;
		const uint8_t *nl = memchr(line, '\n', size - pos);
		size_t llen = nl ? (size_t)(nl - line) : size - pos;
		size_t next = nl ? pos + llen + 1 : size;
		if (np + 1 < max && is_separator(line, size - pos)) {
			parts[np].size = (size_t)(line - parts[np].data);
			np++;
			memset(&parts[np], 0, sizeof parts[np]);
			size_t nlen = llen - 3;
			if (nlen > sizeof parts[np].name - 1)
				nlen = sizeof parts[np].name - 1;
			memcpy(parts[np].name, line + 3, nlen);
			parts[np].name[nlen] = '\0';
			/* A NUL inside the name ends it. */
			parts[np].data = data + next;
		}
		pos = next;
	}
	parts[np].size = (size_t)(data + size - parts[np].data);
	return np + 1;
}

void fuzz_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("fuzz: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	fuzz_cleanup();
	abort();
}
