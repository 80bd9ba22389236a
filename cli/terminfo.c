/* terminfo.c: when the machine has no terminal description for $TERM,
 * hands curses one of the descriptions compiled into the binary through a
 * private TERMINFO folder that lives as long as the process. */
#include "cli/terminfo.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/check.h"
#include "engine/util/util.h"

#include <curses.h>
#include <term.h>

/* What was made, so cleanup removes exactly that and nothing else. */
static struct {
	char dir[PATH_MAX];
	char *sub[2];     /* owned */
	char *file[2];    /* owned */
	int nsub;
	int nfile;
	pid_t owner;      /* a forked child must not remove the parent's folder */
	bool registered;
	bool had_terminfo;
	char *old_terminfo; /* owned: TERMINFO before we set it */
} st;

static char note_buf[512];

/* Whether curses finds a description for name in the current database
 * (TERMINFO, ~/.terminfo, TERMINFO_DIRS and the built-in folders). */
static bool term_known(const char *name)
{
	int err = 0;
	if (setupterm((char *)name, STDOUT_FILENO, &err) != OK)
		return false;
	del_curterm(cur_term);
	return true;
}

/* The embedded description called name, or NULL. */
static const struct content_file *embedded(const char *name)
{
	for (const struct content_file *f = terminfo_files; f->name; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

/* Writes len bytes to a new file at path; returns 0 or -errno. */
static int write_file(const char *path, const unsigned char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	size_t off = 0;
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			unlink(path);
			return -e;
		}
		off += (size_t)w;
	}
	if (close(fd) < 0)
		return -errno;
	return 0;
}

void cli_terminfo_cleanup(void)
{
	if (st.dir[0] && st.owner == getpid()) {
		for (int i = st.nfile - 1; i >= 0; i--)
			unlink(st.file[i]);
		for (int i = st.nsub - 1; i >= 0; i--)
			rmdir(st.sub[i]);
		rmdir(st.dir);
	}
	for (int i = 0; i < 2; i++) {
		free(st.sub[i]);
		free(st.file[i]);
		st.sub[i] = st.file[i] = NULL;
	}
	st.dir[0] = '\0';
	st.nfile = st.nsub = 0;
	free(st.old_terminfo);
	st.old_terminfo = NULL;
}

/* Puts TERMINFO back as it was before the fallback set it. */
static void restore_env(void)
{
	if (st.had_terminfo)
		setenv("TERMINFO", st.old_terminfo, 1);
	else
		unsetenv("TERMINFO");
}

/* Makes the private folder and writes the entry under both layouts ncurses
 * reads: <dir>/<first letter>/<name> and <dir>/<hex of it>/<name>. */
static int install_entry(const char *name, const struct content_file *f)
{
	const char *tmp = getenv("TMPDIR");
	if (!tmp || !*tmp)
		tmp = "/tmp";
	if (snprintf(st.dir, sizeof st.dir, "%s/asr-doctor-terminfo.XXXXXX", tmp) >=
	    (int)sizeof st.dir) {
		st.dir[0] = '\0';
		return -ENAMETOOLONG;
	}
	if (!mkdtemp(st.dir)) {
		int e = errno;
		st.dir[0] = '\0';
		return -e;
	}
	st.owner = getpid();
	char first[2][8];
	snprintf(first[0], sizeof first[0], "%c", name[0]);
	snprintf(first[1], sizeof first[1], "%02x", (unsigned char)name[0]);
	for (int i = 0; i < 2; i++) {
		char *sub = xasprintf("%s/%s", st.dir, first[i]);
		if (mkdir(sub, 0755) < 0) {
			int e = errno;
			free(sub);
			return -e;
		}
		st.sub[st.nsub++] = sub;
		char *file = xasprintf("%s/%s", sub, name);
		int rc = write_file(file, f->data, f->len);
		if (rc < 0) {
			free(file);
			return rc;
		}
		st.file[st.nfile++] = file;
	}
	return 0;
}

const char *cli_terminfo_fallback(void)
{
	const char *term = getenv("TERM");
	/* The wizard refuses these itself; a name with a slash is no name. */
	if (!term || !*term || strcmp(term, "dumb") == 0 || strchr(term, '/') ||
	    term[0] == '.' || st.dir[0])
		return NULL;
	if (term_known(term))
		return NULL;
	const struct content_file *f = embedded(term);
	bool substitute = false;
	if (!f) {
		f = embedded("vt100");
		substitute = true;
	}
	if (!f)
		return NULL;
	const char *old = getenv("TERMINFO");
	st.had_terminfo = old != NULL;
	st.old_terminfo = old ? strdup(old) : NULL;
	if (old && !st.old_terminfo)
		return NULL;
	if (install_entry(term, f) < 0) {
		cli_terminfo_cleanup();
		return NULL;
	}
	if (!st.registered) {
		atexit(cli_terminfo_cleanup);
		st.registered = true;
	}
	setenv("TERMINFO", st.dir, 1);
	if (!term_known(term)) {
		restore_env();
		cli_terminfo_cleanup();
		return NULL;
	}
	if (substitute)
		snprintf(note_buf, sizeof note_buf,
			 T("TERM=%s is unknown here: drawing as vt100",
			   "此机器不认识 TERM=%s：按 vt100 显示"),
			 term);
	else
		snprintf(note_buf, sizeof note_buf,
			 T("no terminfo for TERM=%s here: using the built-in one",
			   "此机器没有 TERM=%s 的 terminfo：使用内置描述"),
			 term);
	return note_buf;
}
