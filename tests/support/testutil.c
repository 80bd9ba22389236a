/* testutil.c: helpers shared by the cmocka suites. */
#include "support/testutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/util/util.h"

char *tu_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		print_error("cannot open %s: %s\n", path, strerror(errno));
		fail();
	}
	struct sbuf b = { 0 };
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		sb_addn(&b, buf, n);
	fclose(f);
	if (len)
		*len = b.len;
	return sb_steal(&b);
}

static void mkparents(const char *path)
{
	char *p = xstrdup(path);
	for (char *s = p + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			mkdir(p, 0755);
			*s = '/';
		}
	free(p);
}

void tu_write_file(const char *path, const char *data)
{
	mkparents(path);
	FILE *f = fopen(path, "wb");
	if (!f) {
		print_error("cannot write %s: %s\n", path, strerror(errno));
		fail();
	}
	fputs(data, f);
	fclose(f);
}

char *tu_mkdtemp(const char *tag)
{
	const char *tmp = getenv("TMPDIR");
	char *t = xasprintf("%s/asr-test-%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", tag);
	if (!mkdtemp(t)) {
		print_error("mkdtemp: %s\n", strerror(errno));
		fail();
	}
	return t;
}

void tu_rmtree(const char *path)
{
	if (path && *path && strcmp(path, "/") != 0)
		tu_sh(NULL, "rm -rf '%s'", path);
}

int tu_sh(char **out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *cmd = xvasprintf(fmt, ap);
	va_end(ap);
	FILE *p = popen(cmd, "r");
	/* A command may carry a test account's password (the hash made
	 * for sshd's shadow file): wiped, so that a test looking for it in
	 * memory finds only the program's copies. */
	explicit_bzero(cmd, strlen(cmd));
	free(cmd);
	if (!p)
		return -1;
	struct sbuf b = { 0 };
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, p)) > 0)
		sb_addn(&b, buf, n);
	int st = pclose(p);
	if (out)
		*out = sb_steal(&b);
	else
		sb_free(&b);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

const char *tu_binary(void)
{
	const char *b = getenv("ASR_DOCTOR");
	return b && *b ? b : "./asr-doctor";
}

bool tu_have(const char *prog)
{
	return tu_sh(NULL, "command -v %s >/dev/null 2>&1", prog) == 0;
}

static char scratch[256];

const char *tu_scratch(const char *tag)
{
	snprintf(scratch, sizeof scratch, "/tmp/asr-test-%s-XXXXXX", tag);
	if (!mkdtemp(scratch)) {
		fprintf(stderr, "mkdtemp: %s\n", strerror(errno));
		exit(1);
	}
	setenv("TMPDIR", scratch, 1);
	return scratch;
}

int tu_scratch_done(int rc)
{
	if (scratch[0])
		tu_rmtree(scratch);
	scratch[0] = '\0';
	return rc;
}

bool tu_under_valgrind(void)
{
	const char *pre = getenv("LD_PRELOAD");
	return pre && strstr(pre, "vgpreload");
}

void tu_child_exit(int code)
{
	if (tu_under_valgrind()) {
		char arg[32];
		snprintf(arg, sizeof arg, "exit %d", code);
		execl("/bin/sh", "sh", "-c", arg, (char *)NULL);
	}
	_exit(code);
}
