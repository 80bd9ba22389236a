/* win_sftp.c: the stand-in's SFTP, for tests only: what a Windows OpenSSH
 * server's sftp-server shows of the machine's files, backed by a folder of
 * the test (the state folder's fs/, one folder per drive: fs/C:/...).
 *
 * It runs the real OpenSSH sftp-server of this machine and stands between
 * it and the client, rewriting the paths of each request and of the names
 * a REALPATH or READLINK answers, so that every operation (open, the
 * exclusive create, write, fsync@openssh.com, posix-rename@openssh.com,
 * mkdir, lstat, statvfs@openssh.com, remove) is the real server's, on
 * the folder, and the client sees Windows paths only. The conventions
 * modelled, and where they come from:
 *
 *   - Absolute paths are "/C:/Users/John": a slash, the drive letter and
 *     its colon, then the folders with forward slashes. Win32-OpenSSH
 *     issue #48 (REALPATH of "." answered "C:/Users/...", not absolute per
 *     draft-ietf-secsh-filexfer-02 section 6.2; fixed to "/C:/Users/John")
 *     and curl pull request #5298 ("OpenSSH for Windows requires paths in
 *     the format of /C:/").
 *   - A drive may also be named without the leading slash ("c:/users",
 *     "e:\dir1"): Win32-OpenSSH issues #56 and #107, whose maintainers
 *     give "cd d:/mydir" and "cd c:\\users" as working forms. Backslashes
 *     are read as separators, as Windows reads them.
 *   - "/" shows the drives ("C:" here): Win32-OpenSSH issue #2150 expects
 *     "ls /" to list "c: d: e:" and discusses "/." listing the system
 *     drive instead on 9.2p1 (not modelled: "/." is "/").
 *   - A relative path is under the login's home folder, C:\Users\NAME
 *     (the path issue #48 shows REALPATH "." answering).
 *   - posix-rename@openssh.com replaces the target: Win32-OpenSSH issue
 *     #467 (a rename over an existing file failed, fixed) and #1534 (the
 *     replacement was an unlink then a rename in 8.1, not atomic; marked
 *     fixed). Here it is the real server's rename(2).
 *
 * Not modelled: names matching without regard to case (this folder is a
 * Linux one: only the drive letter is made upper case), ACLs (the real
 * server's modes and owners are Linux's), other drives than those with a
 * folder under fs/, and what a real Windows answers to fsync of a folder
 * (asr-doctor does not ask it there). */
#include "support/win_sftp.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/util/util.h"

/* SFTP version 3 packet types (draft-ietf-secsh-filexfer-02). */
enum {
	FXP_INIT = 1,
	FXP_OPEN = 3,
	FXP_LSTAT = 7,
	FXP_SETSTAT = 9,
	FXP_OPENDIR = 11,
	FXP_REMOVE = 13,
	FXP_MKDIR = 14,
	FXP_RMDIR = 15,
	FXP_REALPATH = 16,
	FXP_STAT = 17,
	FXP_RENAME = 18,
	FXP_READLINK = 19,
	FXP_SYMLINK = 20,
	FXP_NAME = 104,
	FXP_EXTENDED = 200,
};

static char *root; /* the folder behind "/", canonical (owned) */
static char *home; /* the login's home as a Windows SFTP path (owned) */

/* Request ids whose NAME answer carries paths to give back as Windows
 * ones (REALPATH, READLINK, expand-path@openssh.com). */
static uint32_t *named;
static size_t nnamed;

static uint32_t get_u32(const unsigned char *c)
{
	return (uint32_t)c[0] << 24 | (uint32_t)c[1] << 16 | (uint32_t)c[2] << 8 | c[3];
}

static void put_u32(struct sbuf *b, uint32_t v)
{
	const char c[4] = { (char)(v >> 24), (char)(v >> 16), (char)(v >> 8), (char)v };
	sb_addn(b, c, 4);
}

static void put_str(struct sbuf *b, const char *s, size_t n)
{
	put_u32(b, (uint32_t)n);
	sb_addn(b, s, n);
}

/* Reads a string at *off of body (len bytes); false when it does not fit. */
static bool get_str(const unsigned char *body, size_t len, size_t *off, char **s, size_t *n)
{
	if (*off + 4 > len)
		return false;
	uint32_t l = get_u32(body + *off);
	if (l > len - *off - 4)
		return false;
	*s = xstrndup((const char *)body + *off + 4, l);
	*n = l;
	*off += 4 + l;
	return true;
}

/* A Windows SFTP path as the host path under root: separators made
 * slashes, "." and ".." taken lexically (never above "/"), the drive
 * letter upper case, a relative path under the home folder. */
static char *to_host(const char *path)
{
	char *p = xstrdup(path);
	for (char *c = p; *c; c++)
		if (*c == '\\')
			*c = '/';
	char *full;
	if (p[0] == '/')
		full = xstrdup(p);
	else if (isalpha((unsigned char)p[0]) && p[1] == ':')
		full = xasprintf("/%s", p);
	else
		full = xasprintf("%s/%s", home, p);
	free(p);
	struct strvec parts = { 0 };
	char *save = NULL;
	for (char *w = strtok_r(full, "/", &save); w; w = strtok_r(NULL, "/", &save)) {
		if (!strcmp(w, "."))
			continue;
		if (!strcmp(w, "..")) {
			if (parts.n)
				free(parts.v[--parts.n]);
			continue;
		}
		sv_push(&parts, w);
	}
	free(full);
	if (parts.n && strlen(parts.v[0]) == 2 && parts.v[0][1] == ':')
		parts.v[0][0] = (char)toupper((unsigned char)parts.v[0][0]);
	struct sbuf b = { 0 };
	sb_add(&b, root);
	for (size_t i = 0; i < parts.n; i++)
		sb_printf(&b, "/%s", parts.v[i]);
	sv_free(&parts);
	return sb_steal(&b);
}

/* A host path the real server answered, as the client sees it. */
static char *from_host(const char *path)
{
	size_t n = strlen(root);
	if (!strncmp(path, root, n) && path[n] == '/')
		return xstrdup(path + n);
	return xstrdup("/");
}

/* The request body rewritten: its first `paths` strings after the id
 * (after the extension's name for EXTENDED) made host paths. */
static void rewrite(const unsigned char *body, size_t len, struct sbuf *outp)
{
	unsigned type = body[0];
	int paths = 0;
	size_t off = 5; /* type and id */
	struct sbuf b = { 0 };
	if (type == FXP_INIT || len < 5) {
		put_u32(outp, (uint32_t)len);
		sb_addn(outp, (const char *)body, len);
		return;
	}
	sb_addn(&b, (const char *)body, 5);
	uint32_t id = get_u32(body + 1);
	switch (type) {
	case FXP_OPEN:
	case FXP_LSTAT:
	case FXP_SETSTAT:
	case FXP_OPENDIR:
	case FXP_REMOVE:
	case FXP_MKDIR:
	case FXP_RMDIR:
	case FXP_STAT:
		paths = 1;
		break;
	case FXP_REALPATH:
	case FXP_READLINK:
		paths = 1;
		named = xrealloc(named, (nnamed + 1) * sizeof *named);
		named[nnamed++] = id;
		break;
	case FXP_RENAME:
	case FXP_SYMLINK:
		paths = 2;
		break;
	case FXP_EXTENDED: {
		char *name = NULL;
		size_t nl = 0;
		if (!get_str(body, len, &off, &name, &nl))
			break;
		put_str(&b, name, nl);
		if (!strcmp(name, "posix-rename@openssh.com") || !strcmp(name, "hardlink@openssh.com"))
			paths = 2;
		else if (!strcmp(name, "statvfs@openssh.com") || !strcmp(name, "lsetstat@openssh.com"))
			paths = 1;
		else if (!strcmp(name, "expand-path@openssh.com")) {
			paths = 1;
			named = xrealloc(named, (nnamed + 1) * sizeof *named);
			named[nnamed++] = id;
		}
		free(name);
		break;
	}
	default:
		break;
	}
	for (int i = 0; i < paths; i++) {
		char *s = NULL;
		size_t sl = 0;
		if (!get_str(body, len, &off, &s, &sl))
			break;
		char *h = to_host(s);
		put_str(&b, h, strlen(h));
		free(h);
		free(s);
	}
	sb_addn(&b, (const char *)body + off, len - off);
	put_u32(outp, (uint32_t)b.len);
	sb_addn(outp, b.s, b.len);
	sb_free(&b);
}

/* The answer body rewritten: a NAME for a request in `named` gets its
 * names back as Windows paths. */
static void answer(const unsigned char *body, size_t len, struct sbuf *outp)
{
	bool mine = false;
	if (len >= 9 && body[0] == FXP_NAME) {
		uint32_t id = get_u32(body + 1);
		for (size_t i = 0; i < nnamed; i++)
			if (named[i] == id) {
				named[i] = named[--nnamed];
				mine = get_u32(body + 5) == 1;
				break;
			}
	}
	size_t off = 9;
	char *name = NULL, *lname = NULL;
	size_t nl = 0, ll = 0;
	if (mine && get_str(body, len, &off, &name, &nl) && get_str(body, len, &off, &lname, &ll)) {
		struct sbuf b = { 0 };
		sb_addn(&b, (const char *)body, 9);
		char *w = from_host(name);
		put_str(&b, w, strlen(w));
		/* OpenSSH's REALPATH answer has the path as its long name too. */
		char *lw = strcmp(name, lname) ? xstrdup(lname) : xstrdup(w);
		put_str(&b, lw, strlen(lw));
		sb_addn(&b, (const char *)body + off, len - off);
		put_u32(outp, (uint32_t)b.len);
		sb_addn(outp, b.s, b.len);
		sb_free(&b);
		free(w);
		free(lw);
	} else {
		put_u32(outp, (uint32_t)len);
		sb_addn(outp, (const char *)body, len);
	}
	free(name);
	free(lname);
}

/* Writes all of b to fd; false when the other side is gone. */
static bool write_all(int fd, const struct sbuf *b)
{
	for (size_t off = 0; off < b->len;) {
		ssize_t w = write(fd, b->s + off, b->len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		off += (size_t)w;
	}
	return true;
}

/* Takes the whole packets at the start of in, each through fn into out;
 * keeps the rest. */
static void packets(struct sbuf *in, void (*fn)(const unsigned char *, size_t, struct sbuf *),
		    struct sbuf *out)
{
	size_t off = 0;
	while (in->len - off >= 4) {
		uint32_t n = get_u32((const unsigned char *)in->s + off);
		if (in->len - off - 4 < n)
			break;
		if (n > 0)
			fn((const unsigned char *)in->s + off + 4, n, out);
		off += 4 + n;
	}
	if (off) {
		memmove(in->s, in->s + off, in->len - off);
		in->len -= off;
	}
}

int win_sftp_serve(const char *server, const char *fs_dir, const char *user)
{
	char real[PATH_MAX];
	if (!realpath(fs_dir, real)) {
		fprintf(stderr, "win-standin: no SFTP folder %s: %s\n", fs_dir, strerror(errno));
		return 125;
	}
	root = xstrdup(real);
	home = xasprintf("/C:/Users/%s", user);
	int to_srv[2], from_srv[2];
	if (pipe(to_srv) != 0 || pipe(from_srv) != 0)
		return 125;
	signal(SIGPIPE, SIG_IGN);
	pid_t pid = fork();
	if (pid < 0)
		return 125;
	if (pid == 0) {
		dup2(to_srv[0], 0);
		dup2(from_srv[1], 1);
		close(to_srv[0]);
		close(to_srv[1]);
		close(from_srv[0]);
		close(from_srv[1]);
		execl(server, server, (char *)NULL);
		_exit(127);
	}
	close(to_srv[0]);
	close(from_srv[1]);
	int srv_in = to_srv[1], srv_out = from_srv[0];
	struct sbuf cin = { 0 }, sin_ = { 0 };
	bool client_open = true;
	char buf[65536];
	for (;;) {
		struct pollfd fds[2] = { { .fd = client_open ? 0 : -1, .events = POLLIN },
					 { .fd = srv_out, .events = POLLIN } };
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (fds[0].revents) {
			ssize_t r = read(0, buf, sizeof buf);
			if (r <= 0) {
				client_open = false;
				close(srv_in);
				srv_in = -1;
			} else {
				sb_addn(&cin, buf, (size_t)r);
				struct sbuf o = { 0 };
				packets(&cin, rewrite, &o);
				bool ok = write_all(srv_in, &o);
				sb_free(&o);
				if (!ok)
					break;
			}
		}
		if (fds[1].revents) {
			ssize_t r = read(srv_out, buf, sizeof buf);
			if (r <= 0)
				break;
			sb_addn(&sin_, buf, (size_t)r);
			struct sbuf o = { 0 };
			packets(&sin_, answer, &o);
			bool ok = write_all(1, &o);
			sb_free(&o);
			if (!ok)
				break;
		}
	}
	if (srv_in >= 0)
		close(srv_in);
	close(srv_out);
	int st = 0;
	waitpid(pid, &st, 0);
	sb_free(&cin);
	sb_free(&sin_);
	free(named);
	free(root);
	free(home);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
