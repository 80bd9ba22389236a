/* target_ssh.c: a Linux machine over SSH (libssh2): the connection step by
 * step, the host key against known_hosts, the login, and the target
 * operations over SFTP and exec channels. A Windows machine (its OpenSSH
 * server, found on connect) runs commands through cmd.exe and keeps only
 * the journal's store: under %ProgramData%, its own lock file (see "the
 * lock on a Windows machine"). */
#include "engine/target/target_ssh.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libssh2.h>
#include <libssh2_sftp.h>
#include <malloc.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine/target/blockdevs.h"
#include "engine/target/ssh_jump.h"
#include "engine/target/ssh_sudo.h"
#include "engine/target/winbatch.h"
#include "engine/util/msg.h"
#include "engine/util/sha256.h"
#include "engine/util/shquote.h"
#include "engine/util/winquote.h"
#include "engine/util/wintext.h"

/* Largest output kept of one command. */
#define SSH_OUTPUT_MAX (8u * 1024 * 1024)

struct ssh_priv {
	pthread_mutex_t lock;    /* around every libssh2 call on s */
	int sock;
	LIBSSH2_SESSION *s;
	LIBSSH2_SFTP *sftp;
	bool sftp_later;         /* SFTP not started yet: enter starts it */
	bool connected;
	char *lost;              /* owned: why the link is gone, or NULL */
	char *host;              /* owned */
	char *user;              /* owned */
	int port;
	int timeout_ms;
	/* keyboard-interactive in progress (authentication only): how to
	 * answer (borrowed), the attempt it tells (borrowed), the password
	 * to answer the first hidden question with (borrowed secret, or
	 * NULL to ask it), the first hidden answer given (owned secret, for
	 * sudo), and whether a hidden question came after it unanswered. */
	const struct ssh_opts *kbd_opts;
	struct ssh_attempt *kbd_attempt;
	const char *kbd_spec;
	const char *kbd_password;
	char *kbd_answer;
	bool kbd_more;
	bool kbd_unanswered;
	/* Channels of commands that timed out: closed on our side, freed
	 * with the session (freeing one waits for the remote command to
	 * end). */
	LIBSSH2_CHANNEL **stale;
	size_t nstale;
	/* A second SFTP channel spoken by hand for posix-rename@openssh.com
	 * (libssh2 1.10 cannot send it); opened on first use, freed with the
	 * session. */
	LIBSSH2_CHANNEL *ext;
	uint32_t ext_id;
	int ext_exit; /* the exit status of a subsystem that ended unasked */
	char *ended_words; /* owned: what a command printed on its error
			    * output then (session_words), or NULL */
	/* A Windows machine (its OpenSSH server's shell is cmd.exe), found
	 * on connect: command lines are made by win_cmdline and what they
	 * print is decoded from the console's code page (chcp). */
	bool windows;
	unsigned codepage;
	/* On a Windows machine, %ProgramData%\asr-doctor\journal as the
	 * SFTP path of its server ("/C:/ProgramData/asr-doctor/journal"),
	 * asked on connect; NULL when it could not be told (owned). */
	char *journal_dir;
	/* $ASR_DOCTOR_SSH_TRACE: a line per operation on the link (when it
	 * started, how long it took, what it was), to see where the round
	 * trips of a far link go; NULL when unset (owned). */
	FILE *trace;
	long long trace_t0;
	/* When the last bytes came from the server (recv_cb): a wait that
	 * hears nothing for the timeout, keepalives included, means the
	 * link is gone. */
	long long last_rx;
	long long ka_sent; /* when the first keepalive not yet answered went */
	/* --sudo on a login that is not root: commands, writes and the
	 * reads SFTP is refused go through sudo (ssh_sudo.h). sudo_pw is
	 * the secret sudo asks (wiped and freed with the target), NULL when
	 * its policy asks none. */
	bool sudo;
	char *sudo_pw;
	/* The machine's block devices (ssh_block_devices), read once: what
	 * lsblk and blkid printed, or why they could not run. */
	bool bdevs_read;
	int bdevs_err;
	struct blockdevs *bdevs; /* owned, or NULL */
};

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

/* The operations through sudo (--sudo), defined after the commands. */
static bool sudo_on(const struct target *t);
static int sudo_read_file(struct target *t, const char *path, char **data, size_t *len,
			  size_t max);
static int sudo_list_dir(struct target *t, const char *path, struct strvec *names);
static int sudo_stat(struct target *t, const char *path, struct target_stat *st, bool follow);
static int sudo_create(struct target *t, const char *name, const char *data, size_t len,
		       mode_t mode, uid_t uid, gid_t gid, char **cause);
static int sudo_simple(struct target *t, const char *script, const char *a1, const char *a2);
static int sudo_store_open(struct target *t, const char *dir, bool create, char **cause);
static int sudo_run(struct target *t, const char *const argv[], int timeout_ms,
		    struct cmd_result *out);
static int sudo_statvfs(struct target *t, const char *path, struct target_vfs *out);
static int sudo_realpath(struct target *t, const char *path, char **out);
static const char *local_user(void);

static void lib_init(void)
{
	libssh2_init(0);
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void copy_str(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}

static void trace(struct ssh_priv *p, long long start, const char *op, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* One line of the trace: start and duration in ms since the target was
 * made, the operation and what it was on (control characters as '?').
 * No secret ever reaches it: paths and command lines only. */
static void trace(struct ssh_priv *p, long long start, const char *op, const char *fmt, ...)
{
	if (!p->trace)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *what = xvasprintf(fmt, ap);
	va_end(ap);
	size_t n = strlen(what);
	if (n > 160)
		memcpy(what + 157, "...", 4);
	for (char *c = what; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	long long now = now_ms();
	fprintf(p->trace, "%8lld %6lld %-10s %s\n", start - p->trace_t0, now - start, op, what);
	fflush(p->trace);
	free(what);
}

/* Wipes and frees a secret. */
static void secret_free(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

/* libssh2's memory, wiped whenever it is given back: the password and
 * the keyboard-interactive answers pass through its buffers (the request
 * that carries them, the answers it frees itself), and a secret must not
 * stay behind in freed memory. malloc_usable_size gives each block's
 * whole size, so realloc moves a block itself and wipes the old one. */
static LIBSSH2_ALLOC_FUNC(wiped_alloc)
{
	(void)abstract;
	return malloc(count);
}

static LIBSSH2_FREE_FUNC(wiped_free)
{
	(void)abstract;
	if (ptr) {
		explicit_bzero(ptr, malloc_usable_size(ptr));
		free(ptr);
	}
}

static LIBSSH2_REALLOC_FUNC(wiped_realloc)
{
	(void)abstract;
	if (!ptr)
		return malloc(count);
	size_t old = malloc_usable_size(ptr);
	void *moved = malloc(count ? count : 1);
	if (!moved)
		return NULL; /* as realloc: the old block stays */
	memcpy(moved, ptr, old < count ? old : count);
	explicit_bzero(ptr, old);
	free(ptr);
	return moved;
}

void ssh_opts_init(struct ssh_opts *o)
{
	memset(o, 0, sizeof *o);
	o->sock = -1;
}

const char *ssh_stage_name(enum ssh_stage s)
{
	static const char *const names[] = { "resolve", "connect", "handshake", "host key",
					     "login", "sftp", "done" };
	return (unsigned)s < ARRAY_LEN(names) ? names[s] : "?";
}

/* ---- "[user@]host[:port]" ---- */

int ssh_parse_spec(const char *spec, char **user, char **host, int *port, char **cause)
{
	*user = *host = NULL;
	*port = 0;
	const char *at = strrchr(spec, '@');
	const char *h = spec;
	if (at) {
		if (at == spec) {
			*cause = xasprintf("'%s': the user name before @ is empty", spec);
			return -EINVAL;
		}
		h = at + 1;
	}
	const char *port_s = NULL;
	char *name;
	if (*h == '[') {
		const char *close = strchr(h, ']');
		if (!close) {
			*cause = xasprintf("'%s': the [ of the address is not closed", spec);
			return -EINVAL;
		}
		name = xstrndup(h + 1, (size_t)(close - h - 1));
		if (close[1] == ':')
			port_s = close + 2;
		else if (close[1]) {
			free(name);
			*cause = xasprintf("'%s': only :PORT may follow the address", spec);
			return -EINVAL;
		}
	} else {
		const char *colon = strchr(h, ':');
		if (colon && strchr(colon + 1, ':')) {
			/* A bare IPv6 address: no port. */
			name = xstrdup(h);
		} else if (colon) {
			name = xstrndup(h, (size_t)(colon - h));
			port_s = colon + 1;
		} else {
			name = xstrdup(h);
		}
	}
	if (!*name) {
		free(name);
		*cause = xasprintf("'%s': the host name is empty", spec);
		return -EINVAL;
	}
	if (port_s) {
		long v;
		if (!str_to_long(port_s, &v) || v < 1 || v > 65535) {
			free(name);
			*cause = xasprintf("'%s': the port must be a number from 1 to 65535", spec);
			return -EINVAL;
		}
		*port = (int)v;
	}
	*host = name;
	if (at)
		*user = xstrndup(spec, (size_t)(at - spec));
	return 0;
}

/* ---- fingerprints ---- */

char *ssh_fingerprint(const unsigned char *key, size_t len)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned char h[SHA256_LEN];
	struct sha256 c;
	sha256_init(&c);
	sha256_update(&c, key, len);
	sha256_final(&c, h);
	struct sbuf b = { 0 };
	sb_add(&b, "SHA256:");
	for (size_t i = 0; i < sizeof h; i += 3) {
		unsigned v = (unsigned)h[i] << 16;
		size_t n = sizeof h - i;
		if (n > 1)
			v |= (unsigned)h[i + 1] << 8;
		if (n > 2)
			v |= h[i + 2];
		sb_addc(&b, b64[(v >> 18) & 63]);
		sb_addc(&b, b64[(v >> 12) & 63]);
		if (n > 1)
			sb_addc(&b, b64[(v >> 6) & 63]);
		if (n > 2)
			sb_addc(&b, b64[v & 63]);
	}
	return sb_steal(&b);
}

/* ---- the broken link ---- */

/* Whether a libssh2 error means the connection itself is gone. */
static bool link_error(int e)
{
	return e == LIBSSH2_ERROR_SOCKET_SEND || e == LIBSSH2_ERROR_SOCKET_RECV ||
	       e == LIBSSH2_ERROR_SOCKET_DISCONNECT || e == LIBSSH2_ERROR_TIMEOUT ||
	       e == LIBSSH2_ERROR_SOCKET_TIMEOUT || e == LIBSSH2_ERROR_BAD_SOCKET ||
	       e == LIBSSH2_ERROR_DECRYPT || e == LIBSSH2_ERROR_BANNER_RECV ||
	       e == LIBSSH2_ERROR_KEX_FAILURE;
}

/* Marks the link lost (under the lock) and returns -ENOTCONN. */
static int mark_lost(struct ssh_priv *p, int e)
{
	if (!p->lost) {
		char *m = NULL;
		libssh2_session_last_error(p->s, &m, NULL, 0);
		if (e == LIBSSH2_ERROR_TIMEOUT || e == LIBSSH2_ERROR_SOCKET_TIMEOUT)
			p->lost = xasprintf("no answer within %d s", p->timeout_ms / 1000);
		else if (e == LIBSSH2_ERROR_SOCKET_DISCONNECT || e == LIBSSH2_ERROR_SOCKET_RECV ||
			 e == LIBSSH2_ERROR_SOCKET_SEND)
			p->lost = xasprintf("the connection was closed (%s)",
					    m && *m ? m : "socket error");
		else
			p->lost = xstrdup(m && *m ? m : "the connection failed");
	}
	return -ENOTCONN;
}

/* The errno for the session's last failure of an SFTP call (under the
 * lock), marking the link lost when it is the connection that failed. */
static int sftp_errno(struct ssh_priv *p)
{
	int e = libssh2_session_last_errno(p->s);
	if (e == LIBSSH2_ERROR_SFTP_PROTOCOL) {
		switch (libssh2_sftp_last_error(p->sftp)) {
		case LIBSSH2_FX_NO_SUCH_FILE:
		case LIBSSH2_FX_NO_SUCH_PATH:
			return -ENOENT;
		case LIBSSH2_FX_PERMISSION_DENIED:
		case LIBSSH2_FX_WRITE_PROTECT:
			return -EACCES;
		case LIBSSH2_FX_FILE_ALREADY_EXISTS:
			return -EEXIST;
		case LIBSSH2_FX_NOT_A_DIRECTORY:
			return -ENOTDIR;
		case LIBSSH2_FX_NO_SPACE_ON_FILESYSTEM:
		case LIBSSH2_FX_QUOTA_EXCEEDED:
			return -ENOSPC;
		case LIBSSH2_FX_OP_UNSUPPORTED:
			return -ENOTSUP;
		case LIBSSH2_FX_LINK_LOOP:
			return -ELOOP;
		case LIBSSH2_FX_DIR_NOT_EMPTY:
			return -ENOTEMPTY;
		case LIBSSH2_FX_INVALID_FILENAME:
			return -EINVAL;
		default:
			return -EIO;
		}
	}
	if (link_error(e))
		return mark_lost(p, e);
	return -EIO;
}

/* Takes the lock; fails with -ENOTCONN when the link is not there. */
static int enter_link(struct target *t, struct ssh_priv **pp)
{
	struct ssh_priv *p = t->priv;
	pthread_mutex_lock(&p->lock);
	if (!p->connected || p->lost) {
		pthread_mutex_unlock(&p->lock);
		return -ENOTCONN;
	}
	*pp = p;
	return 0;
}

/* sftp_start's status when the subsystem gave no answer. */
enum { SFTP_NO_ANSWER = -2 };

static LIBSSH2_SFTP *sftp_start(struct ssh_priv *p, int *status);

/* enter_link for an operation over SFTP: a login that left SFTP for its
 * first use (ssh_opts.sftp_at_first_use) starts it now, once; when it
 * does not start the link is given up with the reason (lost), as a
 * login would have failed. */
static int enter(struct target *t, struct ssh_priv **pp)
{
	int rc = enter_link(t, pp);
	if (rc < 0)
		return rc;
	struct ssh_priv *p = *pp;
	if (p->sftp || !p->sftp_later)
		return 0;
	p->sftp_later = false;
	long long t0 = now_ms();
	int status = -1;
	p->sftp = sftp_start(p, &status);
	trace(p, t0, "sftp", "%s", p->sftp ? "open" : "none");
	if (p->sftp)
		return 0;
	char *m = NULL;
	libssh2_session_last_error(p->s, &m, NULL, 0);
	char *why = status == SFTP_NO_ANSWER && p->lost ? xstrdup(p->lost) : NULL;
	free(p->lost);
	if (status == SFTP_NO_ANSWER)
		p->lost = xasprintf("the SFTP subsystem gave no answer (%s): the machine or the link "
				    "stopped answering, or the program its Subsystem sftp line names "
				    "hangs",
				    why ? why : "no answer in time");
	else if (status >= 0)
		p->lost = xasprintf("the SFTP subsystem's program ended at once (exit status %d%s): "
				    "the server's sshd_config needs a Subsystem sftp line naming a "
				    "program that runs",
				    status, status == 127 ? ": not found" : "");
	else
		p->lost = xasprintf("the SFTP subsystem did not start (%s): the server's "
				    "sshd_config needs a Subsystem sftp line",
				    m && *m ? m : "refused");
	free(why);
	pthread_mutex_unlock(&p->lock);
	return -ENOTCONN;
}

static void leave(struct ssh_priv *p)
{
	pthread_mutex_unlock(&p->lock);
}

/* ---- files over SFTP ---- */

static void attrs_to_stat(const LIBSSH2_SFTP_ATTRIBUTES *a, struct target_stat *st)
{
	*st = (struct target_stat){ .mode = (mode_t)a->permissions, .uid = (uid_t)a->uid,
				    .gid = (gid_t)a->gid, .size = (off_t)a->filesize,
				    .mtime = (long long)a->mtime };
}

static int sftp_stat_locked(struct ssh_priv *p, const char *path, bool follow,
			    LIBSSH2_SFTP_ATTRIBUTES *a)
{
	int rc = libssh2_sftp_stat_ex(p->sftp, path, (unsigned)strlen(path),
				      follow ? LIBSSH2_SFTP_STAT : LIBSSH2_SFTP_LSTAT, a);
	if (rc != 0)
		return sftp_errno(p);
	if (!(a->flags & LIBSSH2_SFTP_ATTR_PERMISSIONS))
		return -EIO;
	return 0;
}

static int ssh_read_file(struct target *t, const char *path, char **data, size_t *len, size_t max)
{
	*data = NULL;
	*len = 0;
	if (!path || path[0] != '/')
		return -EINVAL;
	struct ssh_priv *p;
	int rc = enter(t, &p);
	if (rc < 0)
		return rc;
	long long t0 = now_ms();
	int reads = 0;
	/* Stat first: a FIFO or a device is never opened. */
	LIBSSH2_SFTP_ATTRIBUTES a;
	rc = sftp_stat_locked(p, path, true, &a);
	if (rc == 0 && !LIBSSH2_SFTP_S_ISREG(a.permissions))
		rc = LIBSSH2_SFTP_S_ISDIR(a.permissions) ? -EISDIR : -TARGET_ENOTREG;
	if (rc == 0 && a.filesize > max)
		rc = -EFBIG;
	LIBSSH2_SFTP_HANDLE *h = NULL;
	if (rc == 0) {
		h = libssh2_sftp_open_ex(p->sftp, path, (unsigned)strlen(path), LIBSSH2_FXF_READ, 0,
					 LIBSSH2_SFTP_OPENFILE);
		if (!h)
			rc = sftp_errno(p);
	}
	struct sbuf b = { 0 };
	/* One buffer for the whole file (and its end): libssh2 keeps up to
	 * four times the buffer asked for in flight, so a file of a few
	 * hundred KB comes in one or two round trips instead of one per
	 * 128 KB. */
	size_t cap = rc == 0 ? (size_t)a.filesize + 1 : 0;
	if (cap < 32768)
		cap = 32768;
	if (cap > 4u << 20)
		cap = 4u << 20;
	char *buf = rc == 0 ? xmalloc(cap) : NULL;
	while (rc == 0) {
		ssize_t n = libssh2_sftp_read(h, buf, cap);
		reads++;
		if (n == 0)
			break;
		if (n < 0) {
			rc = link_error((int)n) ? mark_lost(p, (int)n) : sftp_errno(p);
			break;
		}
		if (b.len + (size_t)n > max) {
			rc = -EFBIG;
			break;
		}
		sb_addn(&b, buf, (size_t)n);
	}
	free(buf);
	if (h && !p->lost)
		libssh2_sftp_close_handle(h);
	trace(p, t0, "read", "%s %zu bytes, %d reads, %d", path, b.len, reads, rc);
	leave(p);
	if (rc < 0) {
		sb_free(&b);
		/* A root-only file, read through sudo. */
		if (rc == -EACCES && sudo_on(t))
			return sudo_read_file(t, path, data, len, max);
		return rc;
	}
	*len = b.len;
	*data = sb_steal(&b);
	return 0;
}

/* A file read in pieces (see target_ops.open_stream): over one SFTP
 * handle, where libssh2 keeps several reads in flight, so a large log
 * costs its bytes, not a round trip per piece; or, for a root-only file
 * with --sudo, in pieces of SUDO_PIECE bytes each read through sudo
 * (sudo_range_script) and handed out from piece. */
struct ssh_stream {
	LIBSSH2_SFTP_HANDLE *h; /* NULL: through sudo */
	char *path;             /* through sudo: the file */
	unsigned long long off; /* through sudo: where the next piece starts */
	char *piece;            /* through sudo: the piece read, from pos to len */
	size_t pos, len;
	bool end;               /* through sudo: the file's end was read */
};

enum { SUDO_PIECE = 2 * 1024 * 1024 };

static int sudo_range(struct target *t, const char *path, unsigned long long off, size_t n,
		      char **data, size_t *len);

static int ssh_open_stream(struct target *t, const char *path, void **stream,
			   unsigned long long *size)
{
	*stream = NULL;
	*size = 0;
	if (!path || path[0] != '/')
		return -EINVAL;
	struct ssh_priv *p;
	int rc = enter(t, &p);
	if (rc < 0)
		return rc;
	long long t0 = now_ms();
	LIBSSH2_SFTP_ATTRIBUTES a;
	rc = sftp_stat_locked(p, path, true, &a);
	if (rc == 0 && !LIBSSH2_SFTP_S_ISREG(a.permissions))
		rc = LIBSSH2_SFTP_S_ISDIR(a.permissions) ? -EISDIR : -TARGET_ENOTREG;
	if (rc == 0) {
		LIBSSH2_SFTP_HANDLE *h = libssh2_sftp_open_ex(p->sftp, path, (unsigned)strlen(path),
							      LIBSSH2_FXF_READ, 0,
							      LIBSSH2_SFTP_OPENFILE);
		if (h) {
			struct ssh_stream *s = xcalloc(1, sizeof *s);
			s->h = h;
			*stream = s;
			if (a.flags & LIBSSH2_SFTP_ATTR_SIZE)
				*size = a.filesize;
		} else {
			rc = sftp_errno(p);
		}
	}
	trace(p, t0, "open", "%s %d", path, rc);
	leave(p);
	/* A root-only file (or one under a root-only folder): through sudo. */
	if (rc == -EACCES && sudo_on(t)) {
		struct target_stat st;
		rc = sudo_stat(t, path, &st, true);
		if (rc == 0 && !S_ISREG(st.mode))
			rc = S_ISDIR(st.mode) ? -EISDIR : -TARGET_ENOTREG;
		if (rc == 0) {
			struct ssh_stream *s = xcalloc(1, sizeof *s);
			s->path = xstrdup(path);
			*stream = s;
			*size = st.size;
		}
	}
	return rc;
}

/* stream_read through sudo: the rest of the piece, then the next ones. */
static long sudo_stream_read(struct target *t, struct ssh_stream *s, char *buf, size_t n)
{
	size_t got = 0;
	while (got < n) {
		if (s->pos == s->len) {
			if (s->end)
				break;
			free(s->piece);
			s->piece = NULL;
			s->pos = s->len = 0;
			int rc = sudo_range(t, s->path, s->off, SUDO_PIECE, &s->piece, &s->len);
			if (rc < 0)
				return rc;
			s->off += s->len;
			s->end = s->len < SUDO_PIECE;
			continue;
		}
		size_t k = s->len - s->pos < n - got ? s->len - s->pos : n - got;
		memcpy(buf + got, s->piece + s->pos, k);
		s->pos += k;
		got += k;
	}
	return (long)got;
}

static long ssh_stream_read(struct target *t, void *stream, char *buf, size_t n)
{
	struct ssh_stream *s = stream;
	if (!s->h)
		return sudo_stream_read(t, s, buf, n);
	struct ssh_priv *p;
	int rc = enter(t, &p);
	if (rc < 0)
		return rc;
	long long t0 = now_ms();
	size_t got = 0;
	long result = 0;
	while (got < n) {
		ssize_t k = libssh2_sftp_read(s->h, buf + got, n - got);
		if (k == 0)
			break;
		if (k < 0) {
			result = link_error((int)k) ? mark_lost(p, (int)k) : sftp_errno(p);
			break;
		}
		got += (size_t)k;
	}
	trace(p, t0, "stream", "%zu of %zu bytes, %ld", got, n, result);
	leave(p);
	return result < 0 ? result : (long)got;
}

/* The next read starts at off: SFTP reads carry their offset, and a
 * piece through sudo is read from where it is asked (dd's skip). */
static int ssh_stream_seek(struct target *t, void *stream, unsigned long long off)
{
	struct ssh_stream *s = stream;
	if (!s->h) {
		free(s->piece);
		s->piece = NULL;
		s->pos = s->len = 0;
		s->off = off;
		s->end = false;
		return 0;
	}
	struct ssh_priv *p;
	int rc = enter(t, &p);
	if (rc < 0)
		return rc;
	libssh2_sftp_seek64(s->h, (libssh2_uint64_t)off);
	leave(p);
	return 0;
}

static void ssh_stream_close(struct target *t, void *stream)
{
	struct ssh_priv *p = t->priv;
	struct ssh_stream *s = stream;
	if (!s)
		return;
	pthread_mutex_lock(&p->lock);
	if (s->h && p->connected && !p->lost)
		libssh2_sftp_close_handle(s->h);
	pthread_mutex_unlock(&p->lock);
	free(s->path);
	free(s->piece);
	free(s);
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static int ssh_list_dir(struct target *t, const char *path, struct strvec *names)
{
	if (!path || path[0] != '/')
		return -EINVAL;
	struct ssh_priv *p;
	int rc = enter(t, &p);
	if (rc < 0)
		return rc;
	long long t0 = now_ms();
	LIBSSH2_SFTP_HANDLE *h = libssh2_sftp_open_ex(p->sftp, path, (unsigned)strlen(path), 0, 0,
						      LIBSSH2_SFTP_OPENDIR);
	if (!h) {
		rc = sftp_errno(p);
		trace(p, t0, "list", "%s %d", path, rc);
		leave(p);
		/* A root-only folder, listed through sudo. */
		if (rc == -EACCES && sudo_on(t))
			return sudo_list_dir(t, path, names);
		return rc;
	}
	size_t first = names->n;
	char name[1024];
	for (;;) {
		LIBSSH2_SFTP_ATTRIBUTES a;
		int n = libssh2_sftp_readdir(h, name, sizeof name, &a);
		if (n == 0)
			break;
		if (n < 0) {
			rc = link_error(n) ? mark_lost(p, n) : sftp_errno(p);
			break;
		}
		name[n < (int)sizeof name ? n : (int)sizeof name - 1] = '\0';
		if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0)
			sv_push(names, name);
	}
	if (!p->lost)
		libssh2_sftp_close_handle(h);
	trace(p, t0, "list", "%s %zu names, %d", path, names->n - first, rc);
	leave(p);
	if (rc < 0)
		return rc;
	if (names->n - first > 1)
		qsort(names->v + first, names->n - first, sizeof *names->v, cmp_str);
	return 0;
}

static int ssh_stat(struct target *t, const char *path, struct target_stat *st, bool follow)
{
	if (!path || path[0] != '/')
		return -EINVAL;
	struct ssh_priv *p;
	int rc = enter(t, &p);
	if (rc < 0)
		return rc;
	long long t0 = now_ms();
	LIBSSH2_SFTP_ATTRIBUTES a;
	rc = sftp_stat_locked(p, path, follow, &a);
	trace(p, t0, follow ? "stat" : "lstat", "%s %d", path, rc);
	leave(p);
	if (rc == 0)
		attrs_to_stat(&a, st);
	/* Under a root-only folder, through sudo. */
	if (rc == -EACCES && sudo_on(t))
		return sudo_stat(t, path, st, follow);
	return rc;
}

static int ssh_statvfs(struct target *t, const char *path, struct target_vfs *out)
{
	if (!path || path[0] != '/')
		return -EINVAL;
	struct ssh_priv *p;
	int rc = enter(t, &p);
	if (rc < 0)
		return rc;
	long long t0 = now_ms();
	LIBSSH2_SFTP_STATVFS v;
	if (libssh2_sftp_statvfs(p->sftp, path, strlen(path), &v) != 0)
		rc = sftp_errno(p);
	trace(p, t0, "statvfs", "%s %d", path, rc);
	leave(p);
	/* Under a root-only folder, through sudo. */
	if (rc == -EACCES && sudo_on(t))
		return sudo_statvfs(t, path, out);
	if (rc < 0)
		return rc;
	unsigned long long f = v.f_frsize ? v.f_frsize : v.f_bsize;
	out->total = f * v.f_blocks;
	out->avail = f * v.f_bavail;
	out->free = f * v.f_bfree;
	return 0;
}

static int ssh_realpath(struct target *t, const char *path, char **out)
{
	if (!path || path[0] != '/')
		return -EINVAL;
	struct ssh_priv *p;
	int rc = enter(t, &p);
	if (rc < 0)
		return rc;
	/* OpenSSH's server resolves with realpath(3) but may answer for a
	 * missing final name: it must exist. */
	long long t0 = now_ms();
	LIBSSH2_SFTP_ATTRIBUTES a;
	rc = sftp_stat_locked(p, path, false, &a);
	char buf[4096];
	int n = 0;
	if (rc == 0) {
		n = libssh2_sftp_symlink_ex(p->sftp, path, (unsigned)strlen(path), buf,
					    sizeof buf - 1, LIBSSH2_SFTP_REALPATH);
		if (n < 0)
			rc = sftp_errno(p);
	}
	trace(p, t0, "realpath", "%s %d", path, rc);
	leave(p);
	/* Under a root-only folder, through sudo. */
	if (rc == -EACCES && sudo_on(t))
		return sudo_realpath(t, path, out);
	if (rc < 0)
		return rc;
	buf[n] = '\0';
	*out = xstrdup(buf);
	return 0;
}

static const char *ssh_lost(struct target *t);

int target_ssh_readlink(struct target *t, const char *path, char **out)
{
	*out = NULL;
	if (!path || path[0] != '/' || t->kind != TARGET_SSH)
		return -EINVAL;
	struct ssh_priv *p;
	int rc = enter(t, &p);
	if (rc < 0)
		return rc;
	long long t0 = now_ms();
	char buf[4096];
	int n = libssh2_sftp_symlink_ex(p->sftp, path, (unsigned)strlen(path), buf,
					sizeof buf - 1, LIBSSH2_SFTP_READLINK);
	if (n < 0)
		rc = sftp_errno(p);
	trace(p, t0, "readlink", "%s %d", path, rc);
	leave(p);
	if (rc < 0 && rc != -ENOTCONN && !ssh_lost(t) && sudo_on(t)) {
		/* A link in a folder only root may read (OpenSSH's server
		 * answers that with a failure it does not name, whose code
		 * varies): the machine's own readlink, through sudo. */
		const char *argv[] = { "readlink", "-n", "--", path, NULL };
		struct cmd_result r = { .status = -1 };
		rc = sudo_run(t, argv, p->timeout_ms, &r);
		if (rc == 0 && (r.status != 0 || !r.out || !*r.out))
			rc = -EACCES;
		if (rc == 0) {
			*out = r.out;
			r.out = NULL;
		}
		cmd_result_free(&r);
		return rc;
	}
	if (rc < 0)
		return rc;
	buf[n] = '\0';
	*out = xstrdup(buf);
	return 0;
}

/* ---- commands over exec channels ---- */

/* libssh2's receive, noting when bytes arrive (see link_silent). */
static LIBSSH2_RECV_FUNC(recv_cb)
{
	ssize_t n = recv(socket, buffer, length, flags);
	if (n < 0)
		return -errno;
	if (n > 0)
		((struct ssh_priv *)*abstract)->last_rx = now_ms();
	return n;
}

/* Whether the server has been silent for the link's timeout since the
 * wait began at since. After half of it in silence a keepalive (which
 * the server answers) goes out, so a command that prints nothing for a
 * long time on a working link is not taken for a dead one. Lock held. */
static bool link_silent(struct ssh_priv *p, long long since)
{
	long long from = p->last_rx > since ? p->last_rx : since;
	long long quiet = now_ms() - from;
	if (quiet >= p->timeout_ms / 2) {
		/* Configured only for this call: with an interval set,
		 * libssh2's own blocking waits give up after one interval of
		 * silence. */
		int next = 0;
		libssh2_keepalive_config(p->s, 1, 2);
		/* A lost link shows as silence, not as this call's result. */
		if (libssh2_keepalive_send(p->s, &next) == 0 && next == 2 &&
		    p->ka_sent <= p->last_rx)
			p->ka_sent = now_ms();
		libssh2_keepalive_config(p->s, 1, 0);
	}
	return quiet >= p->timeout_ms;
}

/* Waits until the session's socket is ready for what libssh2 waits on, at
 * most ms. Returns > 0 when ready, 0 on timeout. */
static int wait_socket(struct ssh_priv *p, long long ms)
{
	struct pollfd pfd = { .fd = p->sock };
	int dir = libssh2_session_block_directions(p->s);
	if (dir & LIBSSH2_SESSION_BLOCK_INBOUND)
		pfd.events |= POLLIN;
	if (dir & LIBSSH2_SESSION_BLOCK_OUTBOUND)
		pfd.events |= POLLOUT;
	if (!pfd.events)
		pfd.events = POLLIN;
	if (ms < 0)
		ms = 0;
	int r = poll(&pfd, 1, ms > 1000 ? 1000 : (int)ms);
	return r < 0 ? 1 : r;
}

/* Reads what stream (0 out, 1 err) has now into b. Returns bytes read, 0
 * at EOF or nothing yet (*again), or a libssh2 error. */
static ssize_t drain(LIBSSH2_CHANNEL *ch, int stream, struct sbuf *b, bool *again)
{
	char buf[16384];
	ssize_t total = 0;
	for (;;) {
		ssize_t n = libssh2_channel_read_ex(ch, stream, buf, sizeof buf);
		if (n == LIBSSH2_ERROR_EAGAIN) {
			*again = true;
			return total;
		}
		if (n < 0)
			return n;
		if (n == 0)
			return total;
		if (b->len < SSH_OUTPUT_MAX)
			sb_addn(b, buf, (size_t)n);
		total += n;
	}
}

/* Drains both streams of ch into so and se. Returns 0, with *got true when
 * either gave bytes, or the errno of a failed read (the link marked lost
 * when the failure is the link's). */
static int drain_both(struct ssh_priv *p, LIBSSH2_CHANNEL *ch, struct sbuf *so, struct sbuf *se,
		      bool *again, bool *got)
{
	ssize_t n1 = drain(ch, 0, so, again);
	ssize_t n2 = n1 < 0 ? 0 : drain(ch, SSH_EXTENDED_DATA_STDERR, se, again);
	*got = n1 > 0 || n2 > 0;
	if (n1 >= 0 && n2 >= 0)
		return 0;
	int le = (int)(n1 < 0 ? n1 : n2);
	return link_error(le) ? mark_lost(p, le) : -EIO;
}

/* The errno of a channel step that failed with e (0 or EAGAIN: no answer
 * in time, the link lost). */
static int wait_failed(struct ssh_priv *p, int e)
{
	if (e == 0 || e == LIBSSH2_ERROR_EAGAIN)
		return mark_lost(p, LIBSSH2_ERROR_TIMEOUT);
	return link_error(e) ? mark_lost(p, e) : -EIO;
}

/* Runs one command line as the remote shell reads it, in (when not NULL:
 * in_len bytes, then the end of input) on its standard input; *out_len,
 * when not NULL, is the length of out->out (which may hold NUL bytes).
 * A Windows machine's output is decoded to UTF-8 unless raw is set (then
 * it comes as it was written, its length in out->out_len). */
static int ssh_exec_in(struct target *t, const char *line, const char *in, size_t in_len,
		       int timeout_ms, struct cmd_result *out, size_t *out_len, bool raw)
{
	struct ssh_priv *p;
	int rc = enter_link(t, &p);
	if (rc < 0)
		return rc;
	long long t0 = now_ms();
	long long deadline = t0 + (timeout_ms > 0 ? timeout_ms : p->timeout_ms);
	/* Besides the command's own time, every wait ends when the server
	 * has said nothing for the session's timeout (link_silent): the link
	 * is then lost, whatever time the command had left. */
	struct sbuf so = { 0 }, se = { 0 };
	LIBSSH2_CHANNEL *ch = NULL;
	int e = 0;
	libssh2_session_set_blocking(p->s, 0);
	while (!(ch = libssh2_channel_open_session(p->s))) {
		e = libssh2_session_last_errno(p->s);
		if (e != LIBSSH2_ERROR_EAGAIN || link_silent(p, t0))
			break;
		wait_socket(p, 100);
		e = 0;
	}
	if (!ch) {
		rc = wait_failed(p, e);
		goto out;
	}
	while ((e = libssh2_channel_exec(ch, line)) == LIBSSH2_ERROR_EAGAIN && !link_silent(p, t0))
		wait_socket(p, 100);
	if (e != 0) {
		rc = wait_failed(p, e);
		goto out;
	}
	/* Standard input, what the command prints read meanwhile so that
	 * neither side waits on the other. */
	for (size_t off = 0; in && off < in_len;) {
		ssize_t w = libssh2_channel_write(ch, in + off, in_len - off);
		if (w >= 0) {
			off += (size_t)w;
			continue;
		}
		bool again = false;
		if (w != LIBSSH2_ERROR_EAGAIN || drain(ch, 0, &so, &again) < 0 ||
		    drain(ch, SSH_EXTENDED_DATA_STDERR, &se, &again) < 0 || link_silent(p, t0)) {
			rc = wait_failed(p, w == LIBSSH2_ERROR_EAGAIN ? 0 : (int)w);
			goto out;
		}
		wait_socket(p, 50);
	}
	while (in && (e = libssh2_channel_send_eof(ch)) == LIBSSH2_ERROR_EAGAIN &&
	       !link_silent(p, t0))
		wait_socket(p, 100);
	if (in && e != 0) {
		rc = wait_failed(p, e);
		goto out;
	}
	bool spun = false;
	for (;;) {
		bool again = false, got = false;
		if ((rc = drain_both(p, ch, &so, &se, &again, &got)) < 0)
			goto out;
		if (libssh2_channel_eof(ch))
			break;
		if (link_silent(p, t0)) {
			rc = mark_lost(p, LIBSSH2_ERROR_TIMEOUT);
			goto out;
		}
		if (now_ms() >= deadline) {
			/* The command's time is up: the link is taken for
			 * lost when a keepalive has waited half the link's
			 * timeout for its answer. */
			if (p->ka_sent > p->last_rx && now_ms() - p->ka_sent >= p->timeout_ms / 2) {
				rc = mark_lost(p, LIBSSH2_ERROR_TIMEOUT);
				goto out;
			}
			out->timed_out = true;
			break;
		}
		if (got)
			continue;
		/* Reading one stream may have queued the other's data (or
		 * the end) from the socket, which then has nothing to wake us
		 * for: the wait is short, and skipped once when data is
		 * queued. */
		if (!spun && (libssh2_poll_channel_read(ch, 0) || libssh2_poll_channel_read(ch, 1))) {
			spun = true;
			continue;
		}
		spun = false;
		long long left = deadline - now_ms();
		wait_socket(p, left < 50 ? left : 50);
		(void)again;
	}
	if (out->timed_out) {
		/* Closed from our side without waiting for the command: its
		 * channel is freed with the session. */
		(void)libssh2_channel_send_eof(ch); /* the close below says whether the link is lost */
		e = libssh2_channel_close(ch);
		/* An array of pointers sized by its element (a pointer).
		 * NOLINTNEXTLINE(bugprone-sizeof-expression) */
		p->stale = xrealloc(p->stale, (p->nstale + 1) * sizeof *p->stale);
		p->stale[p->nstale++] = ch;
		ch = NULL;
		if (link_error(e)) {
			rc = mark_lost(p, e);
			goto out;
		}
		rc = 0;
		goto out;
	}
	long long t1 = now_ms();
	while ((e = libssh2_channel_close(ch)) == LIBSSH2_ERROR_EAGAIN && !link_silent(p, t1))
		wait_socket(p, 100);
	if (e == LIBSSH2_ERROR_EAGAIN)
		e = LIBSSH2_ERROR_TIMEOUT;
	if (e != 0 && link_error(e)) {
		rc = mark_lost(p, e);
		goto out;
	}
	{
		while (libssh2_channel_wait_closed(ch) == LIBSSH2_ERROR_EAGAIN && !link_silent(p, t1))
			wait_socket(p, 100);
		char *sig = NULL;
		libssh2_channel_get_exit_signal(ch, &sig, NULL, NULL, NULL, NULL, NULL);
		out->status = sig ? -1 : libssh2_channel_get_exit_status(ch);
		libssh2_free(p->s, sig);
	}
	rc = 0;
out:
	if (ch && !p->lost) {
		long long t2 = now_ms();
		while (libssh2_channel_free(ch) == LIBSSH2_ERROR_EAGAIN && !link_silent(p, t2))
			wait_socket(p, 100);
	}
	libssh2_session_set_blocking(p->s, 1);
	trace(p, t0, "exec", "%s: %d%s, %zu+%zu bytes", line, rc < 0 ? rc : out->status,
	      out->timed_out ? " (timed out)" : "", so.len, se.len);
	bool windows = p->windows;
	unsigned cp = p->codepage;
	leave(p);
	if (rc < 0) {
		sb_free(&so);
		sb_free(&se);
		return rc;
	}
	if (windows && !raw) {
		/* The console's code page, or UTF-16LE, as UTF-8. */
		out->out = win_text_utf8(sb_str(&so), so.len, cp, NULL);
		out->out_len = out->out ? strlen(out->out) : 0;
		out->err = win_text_utf8(sb_str(&se), se.len, cp, NULL);
		sb_free(&so);
		sb_free(&se);
		return 0;
	}
	if (out_len)
		*out_len = so.len;
	out->out_len = so.len;
	out->out = sb_steal(&so);
	out->err = sb_steal(&se);
	return 0;
}

static int ssh_exec(struct target *t, const char *line, int timeout_ms, struct cmd_result *out)
{
	return ssh_exec_in(t, line, NULL, 0, timeout_ms, out, NULL, false);
}

/* ---- as root through sudo (--sudo) ---- */

static bool sudo_on(const struct target *t)
{
	const struct ssh_priv *p = t->priv;
	return p && p->sudo;
}

/* Runs line (sudo_line, sudo_script_line) with sudo's password, when its
 * policy asks one, and then len bytes of data on standard input; sudo's
 * prompts are taken out of out->err. A password refused (sudo asked
 * again) is -EACCES with out cleared. */
static int sudo_exec(struct target *t, const char *line, const char *data, size_t len,
		     int timeout_ms, struct cmd_result *out, size_t *out_len)
{
	struct ssh_priv *p = t->priv;
	size_t pl = p->sudo_pw ? strlen(p->sudo_pw) + 1 : 0;
	/* One buffer of its final size: no copy of the secret is left
	 * behind by a growing one. */
	char *in = xmalloc(pl + len + 1);
	if (pl) {
		memcpy(in, p->sudo_pw, pl - 1);
		in[pl - 1] = '\n';
	}
	if (len)
		memcpy(in + pl, data, len);
	int rc = ssh_exec_in(t, line, in, pl + len, timeout_ms, out, out_len, false);
	explicit_bzero(in, pl + len);
	free(in);
	if (rc < 0)
		return rc;
	if (sudo_strip_prompts(out->err) > 1) {
		cmd_result_free(out);
		out->status = -1;
		return -EACCES;
	}
	return 0;
}

static int sudo_run(struct target *t, const char *const argv[], int timeout_ms,
		    struct cmd_result *out)
{
	struct ssh_priv *p = t->priv;
	char *line = sudo_line(argv, p->sudo_pw != NULL);
	int rc = sudo_exec(t, line, NULL, 0, timeout_ms, out, NULL);
	free(line);
	return rc;
}

/* Runs one of ssh_sudo.h's programs with its arguments and data. Returns
 * the errno of how it ended, with *out (caller frees) when it ran. */
static int sudo_program(struct target *t, const char *script, const char *const args[],
			const char *data, size_t len, struct cmd_result *out, size_t *out_len)
{
	struct ssh_priv *p = t->priv;
	memset(out, 0, sizeof *out);
	char *line = sudo_script_line(script, args, p->sudo_pw != NULL);
	int rc = sudo_exec(t, line, data, len, p->timeout_ms, out, out_len);
	free(line);
	if (rc < 0)
		return rc;
	return out->timed_out ? -ETIMEDOUT : sudo_status_errno(out->status);
}

/* Runs a program of ssh_sudo.h whose output is bytes of a file, at most
 * max of them: *data (caller frees) and *len, or over when it gave more. */
static int sudo_bytes(struct target *t, const char *script, const char *const args[], size_t max,
		      int over, char **data, size_t *len)
{
	struct cmd_result r;
	size_t n = 0;
	int rc = sudo_program(t, script, args, NULL, 0, &r, &n);
	if (rc == 0 && n > max)
		rc = over;
	if (rc == 0) {
		*data = r.out;
		*len = n;
		r.out = NULL;
	}
	cmd_result_free(&r);
	return rc;
}

static int sudo_read_file(struct target *t, const char *path, char **data, size_t *len,
			  size_t max)
{
	char most[32];
	snprintf(most, sizeof most, "%zu", max);
	const char *args[] = { path, most, NULL };
	return sudo_bytes(t, sudo_read_script, args, max, -EFBIG, data, len);
}

/* At most n bytes of path from off, through sudo (sudo_range_script);
 * *data (caller frees) holds *len of them, fewer only at the end. */
static int sudo_range(struct target *t, const char *path, unsigned long long off, size_t n,
		      char **data, size_t *len)
{
	char from[32], most[32];
	snprintf(from, sizeof from, "%llu", off);
	snprintf(most, sizeof most, "%zu", n);
	const char *args[] = { path, from, most, NULL };
	return sudo_bytes(t, sudo_range_script, args, n, -EPROTO, data, len);
}

static int sudo_list_dir(struct target *t, const char *path, struct strvec *names)
{
	const char *args[] = { path, NULL };
	struct cmd_result r;
	size_t n = 0;
	int rc = sudo_program(t, sudo_list_script, args, NULL, 0, &r, &n);
	if (rc == 0) {
		size_t first = names->n;
		for (size_t i = 0; i < n;) {
			size_t l = strnlen(r.out + i, n - i);
			if (l && i + l < n)
				sv_push(names, r.out + i);
			i += l + 1;
		}
		if (names->n - first > 1)
			qsort(names->v + first, names->n - first, sizeof *names->v, cmp_str);
	}
	cmd_result_free(&r);
	return rc;
}

static int sudo_stat(struct target *t, const char *path, struct target_stat *st, bool follow)
{
	const char *args[] = { path, follow ? "L" : "P", NULL };
	struct cmd_result r;
	int rc = sudo_program(t, sudo_stat_script, args, NULL, 0, &r, NULL);
	if (rc == 0)
		rc = sudo_stat_parse(r.out, st);
	cmd_result_free(&r);
	return rc;
}

/* create_file through sudo: name made exclusively with data, owner and
 * mode, synced (sudo_write_script). */
static int sudo_create(struct target *t, const char *name, const char *data, size_t len,
		       mode_t mode, uid_t uid, gid_t gid, char **cause)
{
	char owner[48], perm[16];
	snprintf(owner, sizeof owner, "%lu:%lu", (unsigned long)uid, (unsigned long)gid);
	snprintf(perm, sizeof perm, "%o", (unsigned)(mode & 07777));
	const char *args[] = { name, owner, perm, NULL };
	struct cmd_result r;
	int rc = sudo_program(t, sudo_write_script, args, data, len, &r, NULL);
	if (rc < 0) {
		struct ssh_priv *p = t->priv;
		const char *why = p->lost ? p->lost : strerror(-rc);
		char *err = r.err ? str_trim(r.err) : NULL;
		*cause = err && *err ? xasprintf("cannot write %s through sudo: %s (%s)", name, why, err)
				     : xasprintf("cannot write %s through sudo: %s", name, why);
	}
	cmd_result_free(&r);
	return rc;
}

/* What a failed stat or realpath of the machine said, as an errno: its
 * messages are in English (sudo_line runs it under LC_ALL=C). */
static int sudo_cmd_errno(const struct cmd_result *r)
{
	const char *e = r->err ? r->err : "";
	if (r->timed_out)
		return -ETIMEDOUT;
	if (strstr(e, "No such file"))
		return -ENOENT;
	if (strstr(e, "Not a directory"))
		return -ENOTDIR;
	if (strstr(e, "Too many levels"))
		return -ELOOP;
	return r->status == 1 && !*e ? -EACCES : -EIO;
}

/* statvfs through sudo: GNU stat -f (block size, blocks, available to
 * users, free). */
static int sudo_statvfs(struct target *t, const char *path, struct target_vfs *out)
{
	struct ssh_priv *p = t->priv;
	const char *argv[] = { "stat", "-f", "-c", "%S %b %a %f", "--", path, NULL };
	struct cmd_result r = { .status = -1 };
	int rc = sudo_run(t, argv, p->timeout_ms, &r);
	if (rc == 0 && r.status != 0)
		rc = sudo_cmd_errno(&r);
	unsigned long long bs = 0, blocks = 0, avail = 0, fr = 0;
	if (rc == 0 && sscanf(r.out ? r.out : "", "%llu %llu %llu %llu", &bs, &blocks, &avail,
			      &fr) != 4)
		rc = -EPROTO;
	cmd_result_free(&r);
	if (rc < 0)
		return rc;
	out->total = bs * blocks;
	out->avail = bs * avail;
	out->free = bs * fr;
	return 0;
}

/* realpath through sudo: every component must exist (realpath -e). */
static int sudo_realpath(struct target *t, const char *path, char **out)
{
	struct ssh_priv *p = t->priv;
	const char *argv[] = { "realpath", "-e", "--", path, NULL };
	struct cmd_result r = { .status = -1 };
	int rc = sudo_run(t, argv, p->timeout_ms, &r);
	if (rc == 0 && r.status != 0)
		rc = sudo_cmd_errno(&r);
	size_t n = rc == 0 && r.out ? strlen(r.out) : 0;
	if (n && r.out[n - 1] == '\n')
		r.out[--n] = '\0';
	if (rc == 0 && (n == 0 || r.out[0] != '/'))
		rc = -EPROTO;
	if (rc == 0) {
		*out = r.out;
		r.out = NULL;
	}
	cmd_result_free(&r);
	return rc;
}

/* A program of ssh_sudo.h with one or two path arguments and no output. */
static int sudo_simple(struct target *t, const char *script, const char *a1, const char *a2)
{
	const char *args[] = { a1, a2, NULL };
	struct cmd_result r;
	int rc = sudo_program(t, script, args, NULL, 0, &r, NULL);
	cmd_result_free(&r);
	return rc;
}



/* argv as one command line: POSIX words under LC_ALL=C, or on Windows
 * the line cmd.exe hands the program (win_cmdline). NULL when argv cannot
 * be passed there. */
static char *command_line(struct target *t, const char *const argv[])
{
	struct ssh_priv *p = t->priv;
	pthread_mutex_lock(&p->lock);
	bool windows = p->windows;
	pthread_mutex_unlock(&p->lock);
	if (windows)
		return win_cmdline(argv, true);
	char *words = argv_shell_join(argv);
	char *line = xasprintf("LC_ALL=C %s", words);
	free(words);
	return line;
}

static int ssh_run(struct target *t, const char *const argv[], int timeout_ms, struct cmd_result *out)
{
	if (!argv || !argv[0])
		return -EINVAL;
	if (sudo_on(t))
		return sudo_run(t, argv, timeout_ms, out);
	char *line = command_line(t, argv);
	if (!line)
		return -EINVAL;
	int rc = ssh_exec(t, line, timeout_ms, out);
	free(line);
	return rc;
}

/* Fills token (size bytes: an odd count, hex digits and their NUL) with
 * random hex digits from the kernel; false with errno set when it has
 * none to give. */
static bool random_token(char *token, size_t size)
{
	unsigned char rnd[32];
	size_t n = (size - 1) / 2;
	if (n > sizeof rnd) {
		errno = EINVAL;
		return false;
	}
	ssize_t got = getrandom(rnd, n, 0);
	if (got != (ssize_t)n) {
		if (got >= 0)
			errno = EIO; /* a short answer sets no errno */
		return false;
	}
	for (size_t i = 0; i < n; i++)
		snprintf(token + 2 * i, 3, "%02x", rnd[i]);
	token[2 * n] = '\0';
	return true;
}

/* Commands of a Windows machine in one cmd.exe line (winbatch.h), each
 * line as long as cmd.exe takes; the token that marks each answer is new
 * for every run, so that no command's output can forge one. */
static int ssh_run_many(struct target *t, const char *const *const argvs[], size_t n,
			int timeout_ms, struct cmd_result *outs, bool *answered)
{
	struct ssh_priv *p = t->priv;
	pthread_mutex_lock(&p->lock);
	bool windows = p->windows;
	unsigned cp = p->codepage;
	pthread_mutex_unlock(&p->lock);
	if (!windows || sudo_on(t))
		return -ENOTSUP; /* a Linux machine's reads are batched by prefetch.c */
	for (size_t i = 0; i < n; i++) {
		answered[i] = false;
		memset(&outs[i], 0, sizeof outs[i]);
		outs[i].status = -1;
	}
	char token[25];
	if (!random_token(token, sizeof token))
		return -errno;
	size_t *idx = xcalloc(n ? n : 1, sizeof *idx);
	struct winbatch_part *parts = xcalloc(n ? n : 1, sizeof *parts);
	size_t first = 0, done = 0;
	int rc = 0;
	while (first < n) {
		size_t used = 0, next = n;
		char *line = winbatch_line(argvs, n, first, token, idx, &used, &next);
		first = next;
		if (!line)
			continue;
		struct cmd_result r = { .status = -1 };
		rc = ssh_exec_in(t, line, NULL, 0, timeout_ms, &r, NULL, true);
		free(line);
		long got = rc < 0 ? -1 : winbatch_split(r.out, r.out_len, token, idx, used, parts);
		for (long k = 0; k < got; k++) {
			struct cmd_result *o = &outs[idx[k]];
			o->status = parts[k].status;
			o->out = win_text_utf8(r.out + parts[k].off, parts[k].len, cp, &o->out_len);
			o->err = xstrdup("");
			answered[idx[k]] = true;
			done++;
		}
		bool whole = got == (long)used && !r.timed_out;
		cmd_result_free(&r);
		if (!whole)
			break; /* a line not answered whole: the rest run alone */
	}
	free(idx);
	free(parts);
	return done ? 0 : rc < 0 ? rc : -EPROTO;
}

static char *ssh_host_path(struct target *t, const char *path)
{
	return NULL;
}

/* The machine's own lsblk (names, numbers, parents) and blkid without its
 * cache (each filesystem's TYPE, UUID, LABEL read from the device), in one
 * command: the machine's programs, never a disk's; through sudo with
 * --sudo (blkid opens the devices). A program that is missing or fails
 * prints nothing of its part. */
static const char blockdevs_script[] =
	"lsblk -P -p -o NAME,KNAME,MAJ:MIN,TYPE,PKNAME,FSTYPE,UUID,LABEL,PARTUUID,MOUNTPOINT "
	"2>/dev/null; echo " BLOCKDEVS_SEPARATOR "; blkid -c /dev/null -o export 2>/dev/null; "
	"exit 0";

static int ssh_block_devices(struct target *t, struct blockdevs *out, char **source)
{
	struct ssh_priv *p = t->priv;
	memset(out, 0, sizeof *out);
	pthread_mutex_lock(&p->lock);
	bool have = p->bdevs_read, windows = p->windows;
	pthread_mutex_unlock(&p->lock);
	if (windows)
		return -ENOTSUP;
	int ran = 0;
	if (!have) {
		const char *argv[] = { "sh", "-c", blockdevs_script, NULL };
		struct cmd_result r = { .status = -1 };
		ran = ssh_run(t, argv, p->timeout_ms, &r);
		struct blockdevs *b = xcalloc(1, sizeof *b);
		if (ran == 0 && r.status != 0)
			ran = r.timed_out ? -ETIMEDOUT : -EIO;
		if (ran == 0)
			blockdevs_parse(r.out, r.out ? strlen(r.out) : 0, b);
		cmd_result_free(&r);
		pthread_mutex_lock(&p->lock);
		/* Kept for the session, unless the link is gone. */
		if (!p->bdevs_read && !p->lost) {
			p->bdevs_read = true;
			p->bdevs_err = ran;
			p->bdevs = b;
			b = NULL;
		}
		pthread_mutex_unlock(&p->lock);
		if (b) {
			blockdevs_free(b);
			free(b);
		}
	}
	pthread_mutex_lock(&p->lock);
	int rc = p->bdevs_read ? p->bdevs_err : ran < 0 ? ran : -ENOTCONN;
	if (rc == 0)
		blockdevs_copy(out, p->bdevs);
	pthread_mutex_unlock(&p->lock);
	if (rc == 0)
		*source = xasprintf(T("lsblk and blkid on %s", "%s 上的 lsblk 和 blkid"),
				    t->remote ? t->remote : t->name);
	return rc;
}

/* The machine's own mount table, for a root mounted there: the SFTP
 * server's, which is the login's mount namespace. */
static int ssh_host_mounts(struct target *t, char **text, size_t *len, char **path)
{
	static const char mountinfo[] = "/proc/self/mountinfo";
	int rc = ssh_read_file(t, mountinfo, text, len, TARGET_READ_MAX);
	if (rc == 0)
		*path = xasprintf("%s:%s", t->remote ? t->remote : t->name, mountinfo);
	return rc;
}

/* Why an operation could not start: the lost link's reason or rc's. */
static const char *p_lost_or(struct target *t, int rc)
{
	struct ssh_priv *p = t->priv;
	return p->lost ? p->lost : strerror(-rc);
}

static const char *ssh_lost(struct target *t)
{
	struct ssh_priv *p = t->priv;
	pthread_mutex_lock(&p->lock);
	const char *l = p->lost;
	pthread_mutex_unlock(&p->lock);
	return l;
}

/* Closes the session and the socket (under the lock or alone). */
static void disconnect(struct ssh_priv *p)
{
	if (p->s && p->nstale && p->sock >= 0) {
		/* Freeing a channel whose command still runs would wait for
		 * it: the link is cut first, so freeing does not wait. */
		shutdown(p->sock, SHUT_RDWR);
		p->nstale = 0;
		if (!p->lost)
			p->lost = xstrdup("closed");
	}
	if (p->s && p->lost && p->sock >= 0)
		/* A lost link: freeing the session's channels would wait for
		 * their close from a server that no longer answers. */
		shutdown(p->sock, SHUT_RDWR);
	if (p->s) {
		libssh2_session_set_timeout(p->s, 2000);
		if (p->sftp && !p->lost)
			libssh2_sftp_shutdown(p->sftp);
		if (!p->lost)
			libssh2_session_disconnect(p->s, "asr-doctor done");
		libssh2_session_free(p->s);
	}
	p->sftp = NULL;
	p->ext = NULL;
	p->s = NULL;
	free(p->stale);
	p->stale = NULL;
	p->nstale = 0;
	if (p->sock >= 0)
		close(p->sock);
	p->sock = -1;
	p->connected = false;
}

static void ssh_destroy(struct target *t)
{
	struct ssh_priv *p = t->priv;
	if (!p)
		return;
	long long t0 = now_ms();
	disconnect(p);
	trace(p, t0, "close", "%s", t->remote);
	if (p->trace)
		fclose(p->trace);
	pthread_mutex_destroy(&p->lock);
	free(p->lost);
	free(p->journal_dir);
	free(p->host);
	free(p->user);
	free(p->ended_words);
	secret_free(p->sudo_pw);
	if (p->bdevs)
		blockdevs_free(p->bdevs);
	free(p->bdevs);
	free(p);
	t->priv = NULL;
}

/* ---- changing files over SFTP ---- */

/* SFTP version 3 packet types (draft-ietf-secsh-filexfer-02). */
enum { FXP_INIT = 1, FXP_VERSION = 2, FXP_STATUS = 101, FXP_EXTENDED = 200 };

static void put_u32(struct sbuf *b, uint32_t v)
{
	const char c[4] = { (char)(v >> 24), (char)(v >> 16), (char)(v >> 8), (char)v };
	sb_addn(b, c, 4);
}

static void put_string(struct sbuf *b, const char *s)
{
	put_u32(b, (uint32_t)strlen(s));
	sb_add(b, s);
}

static uint32_t get_u32(const unsigned char *c)
{
	return (uint32_t)c[0] << 24 | (uint32_t)c[1] << 16 | (uint32_t)c[2] << 8 | c[3];
}

/* Writes n bytes to the hand-spoken channel (blocking session). Returns 0
 * or a libssh2 error. */
static int ext_write(struct ssh_priv *p, const char *d, size_t n)
{
	while (n) {
		ssize_t w = libssh2_channel_write(p->ext, d, n);
		if (w < 0)
			return (int)w;
		d += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Reads exactly n bytes; LIBSSH2_ERROR_CHANNEL_CLOSED at its end. */
static int ext_read(struct ssh_priv *p, unsigned char *d, size_t n)
{
	while (n) {
		ssize_t r = libssh2_channel_read(p->ext, (char *)d, n);
		if (r < 0)
			return (int)r;
		if (r == 0)
			return LIBSSH2_ERROR_CHANNEL_CLOSED;
		d += r;
		n -= (size_t)r;
	}
	return 0;
}

/* Sends one packet (body starts with its type) and reads the answer
 * (type first) into *reply (owned by the caller). Returns 0 or a libssh2
 * error. */
static int ext_exchange(struct ssh_priv *p, const struct sbuf *body, struct sbuf *reply)
{
	struct sbuf pkt = { 0 };
	put_u32(&pkt, (uint32_t)body->len);
	sb_addn(&pkt, body->s, body->len);
	int e = ext_write(p, pkt.s, pkt.len);
	sb_free(&pkt);
	unsigned char hdr[4];
	if (e || (e = ext_read(p, hdr, 4)))
		return e;
	uint32_t n = get_u32(hdr);
	if (n < 1 || n > 256 * 1024)
		return LIBSSH2_ERROR_PROTO;
	unsigned char *buf = xmalloc(n);
	e = ext_read(p, buf, n);
	if (!e)
		sb_addn(reply, (const char *)buf, n);
	free(buf);
	return e;
}

/* The errno of a libssh2 failure on the hand-spoken channel. */
static int ext_errno(struct ssh_priv *p, int e)
{
	if (link_error(e))
		return mark_lost(p, e);
	return -EIO;
}

/* Opens the hand-spoken SFTP channel and checks that the server offers
 * posix-rename@openssh.com. Returns 0 or -errno (-ENOTSUP without it). */
static int ext_open(struct ssh_priv *p)
{
	if (p->ext)
		return 0;
	p->ext = libssh2_channel_open_session(p->s);
	if (!p->ext)
		return ext_errno(p, libssh2_session_last_errno(p->s));
	int e = libssh2_channel_subsystem(p->ext, "sftp");
	struct sbuf body = { 0 }, reply = { 0 };
	sb_addc(&body, FXP_INIT);
	put_u32(&body, 3);
	if (!e)
		e = ext_exchange(p, &body, &reply);
	int rc = e ? ext_errno(p, e) : 0;
	if (e == LIBSSH2_ERROR_CHANNEL_CLOSED) {
		/* sshd accepts the request, then starts the subsystem's
		 * program: one that cannot run ends the channel without a
		 * word, and its exit status (127: not found) says why. */
		libssh2_channel_wait_closed(p->ext);
		p->ext_exit = libssh2_channel_get_exit_status(p->ext);
		rc = -EPIPE;
	}
	if (!rc && (reply.len < 5 || (unsigned char)reply.s[0] != FXP_VERSION))
		rc = -EPROTO;
	bool found = false;
	/* Extensions: pairs of strings after the version. */
	for (size_t i = 5; !rc && i + 4 <= reply.len;) {
		uint32_t nl = get_u32((const unsigned char *)reply.s + i);
		if (nl > reply.len - i - 4)
			break;
		const char *name = reply.s + i + 4;
		if (nl == 24 && memcmp(name, "posix-rename@openssh.com", 24) == 0)
			found = true;
		i += 4 + nl;
		if (i + 4 > reply.len)
			break;
		uint32_t dl = get_u32((const unsigned char *)reply.s + i);
		if (dl > reply.len - i - 4)
			break;
		i += 4 + dl;
	}
	if (!rc && !found)
		rc = -ENOTSUP;
	sb_free(&body);
	sb_free(&reply);
	if (rc < 0 && p->ext && !p->lost) {
		libssh2_channel_close(p->ext);
		libssh2_channel_free(p->ext);
	}
	if (rc < 0)
		p->ext = NULL;
	return rc;
}

/* What a session of the login prints on its error output when it runs
 * `true` (lock held, the session blocking): where sshd says why it runs
 * nothing for the login ("WARNING: Your password has expired."). Returns
 * the text (at most 1 kB; caller frees) or NULL when it printed nothing
 * or no session opened. */
static char *session_words(struct ssh_priv *p)
{
	LIBSSH2_CHANNEL *ch = libssh2_channel_open_session(p->s);
	if (!ch)
		return NULL;
	struct sbuf err = { 0 };
	if (libssh2_channel_exec(ch, "true") == 0) {
		char buf[512];
		ssize_t n;
		while (err.len < 1024 && (n = libssh2_channel_read_stderr(ch, buf, sizeof buf)) > 0)
			sb_addn(&err, buf, (size_t)n);
	}
	libssh2_channel_close(ch);
	libssh2_channel_free(ch);
	if (!err.len) {
		sb_free(&err);
		return NULL;
	}
	return sb_steal(&err);
}

/* Starts SFTP (lock held; the session blocking before and after).
 * libssh2_sftp_init waits for the server's version as long as the
 * session's timeout allows, even when the subsystem's program is missing
 * and its channel closed at once: when no answer came within a second, a
 * channel of our own asks the same subsystem (ext_open), which tells a
 * dead subsystem from a slow one. Returns the session, or NULL with
 * *status the exit status of a subsystem that ended without answering,
 * SFTP_NO_ANSWER when nothing came within the timeout or the link
 * failed meanwhile (the machine, the link or the subsystem's program
 * stopped: nothing says the configuration lacks it), else -1. */
static LIBSSH2_SFTP *sftp_start(struct ssh_priv *p, int *status)
{
	*status = -1;
	long long t0 = now_ms();
	bool asked = false;
	LIBSSH2_SFTP *sftp;
	libssh2_session_set_blocking(p->s, 0);
	while (!(sftp = libssh2_sftp_init(p->s))) {
		if (libssh2_session_last_errno(p->s) != LIBSSH2_ERROR_EAGAIN)
			break;
		bool late = now_ms() - t0 >= p->timeout_ms;
		if (late || *status >= 0 || p->lost) {
			if (*status < 0)
				*status = SFTP_NO_ANSWER;
			/* Given up halfway: with the link cut, the pending
			 * init fails and frees what it holds. */
			shutdown(p->sock, SHUT_RDWR);
			for (int i = 0; i < 100 && !(sftp = libssh2_sftp_init(p->s)) &&
					libssh2_session_last_errno(p->s) == LIBSSH2_ERROR_EAGAIN;
			     i++)
				;
			if (sftp) {
				libssh2_sftp_shutdown(sftp);
				sftp = NULL;
			}
			break;
		}
		if (!asked && now_ms() - t0 >= 1000) {
			asked = true;
			p->ext_exit = -1;
			libssh2_session_set_blocking(p->s, 1);
			if (ext_open(p) == -EPIPE) {
				*status = p->ext_exit;
				/* sshd drops a subsystem's error output: a
				 * command tells why it runs nothing, while the
				 * session still stands. */
				free(p->ended_words);
				p->ended_words = session_words(p);
			}
			libssh2_session_set_blocking(p->s, 0);
			continue;
		}
		wait_socket(p, 100);
	}
	libssh2_session_set_blocking(p->s, 1);
	return sftp;
}

/* rename(2) on the remote machine through posix-rename@openssh.com:
 * atomic, replacing to. Lock held. Returns 0 or -errno. */
static int ext_rename(struct ssh_priv *p, const char *from, const char *to)
{
	int rc = ext_open(p);
	if (rc < 0)
		return rc;
	uint32_t id = ++p->ext_id;
	struct sbuf body = { 0 }, reply = { 0 };
	sb_addc(&body, (char)FXP_EXTENDED);
	put_u32(&body, id);
	put_string(&body, "posix-rename@openssh.com");
	put_string(&body, from);
	put_string(&body, to);
	int e = ext_exchange(p, &body, &reply);
	if (e)
		rc = ext_errno(p, e);
	else if (reply.len < 9 || (unsigned char)reply.s[0] != FXP_STATUS ||
		 get_u32((const unsigned char *)reply.s + 1) != id)
		rc = -EPROTO;
	else {
		switch (get_u32((const unsigned char *)reply.s + 5)) {
		case LIBSSH2_FX_OK:
			rc = 0;
			break;
		case LIBSSH2_FX_NO_SUCH_FILE:
			rc = -ENOENT;
			break;
		case LIBSSH2_FX_PERMISSION_DENIED:
			rc = -EACCES;
			break;
		case LIBSSH2_FX_OP_UNSUPPORTED:
			rc = -ENOTSUP;
			break;
		default:
			rc = -EIO;
			break;
		}
	}
	sb_free(&body);
	sb_free(&reply);
	return rc;
}

/* Creates the file name exclusively (never through a link) with data,
 * mode and owner, synced; on failure none is left. 0 or -errno with
 * *cause. */
static int create_file(struct target *t, const char *name, const char *data, size_t len,
		       mode_t mode, uid_t uid, gid_t gid, char **cause)
{
	/* Root's folders, as root through sudo. */
	if (sudo_on(t))
		return sudo_create(t, name, data, len, mode, uid, gid, cause);
	struct ssh_priv *p;
	int rc = enter(t, &p);
	if (rc < 0) {
		*cause = xasprintf("cannot create %s: %s", name, p_lost_or(t, rc));
		return rc;
	}
	long long t0 = now_ms();
	const char *what = "create";
	/* Exclusive: an existing name, a link included, is refused. */
	LIBSSH2_SFTP_HANDLE *h = libssh2_sftp_open_ex(
		p->sftp, name, (unsigned)strlen(name),
		LIBSSH2_FXF_WRITE | LIBSSH2_FXF_CREAT | LIBSSH2_FXF_EXCL, 0600, LIBSSH2_SFTP_OPENFILE);
	if (!h) {
		rc = sftp_errno(p);
		/* OpenSSH answers a generic failure for an existing name. */
		LIBSSH2_SFTP_ATTRIBUTES ex;
		if (rc == -EIO && sftp_stat_locked(p, name, false, &ex) == 0)
			rc = -EEXIST;
		goto out;
	}
	LIBSSH2_SFTP_ATTRIBUTES a;
	memset(&a, 0, sizeof a);
	/* Windows keeps no owner or mode bits of this kind (its ACLs are
	 * inherited from the folder): nothing to set there. */
	if (p->windows)
		goto data;
	if (libssh2_sftp_fstat(h, &a) != 0) {
		rc = sftp_errno(p);
		what = "stat";
	}
	if (!rc && (a.uid != uid || a.gid != gid)) {
		LIBSSH2_SFTP_ATTRIBUTES own = { .flags = LIBSSH2_SFTP_ATTR_UIDGID, .uid = uid,
						.gid = gid };
		if (libssh2_sftp_fsetstat(h, &own) != 0) {
			rc = sftp_errno(p);
			what = "chown";
		}
	}
	/* After chown, which may clear set-id bits. */
	if (!rc) {
		LIBSSH2_SFTP_ATTRIBUTES perm = { .flags = LIBSSH2_SFTP_ATTR_PERMISSIONS,
						 .permissions = mode & 07777 };
		if (libssh2_sftp_fsetstat(h, &perm) != 0) {
			rc = sftp_errno(p);
			what = "chmod";
		}
	}
data:
	for (size_t off = 0; !rc && off < len;) {
		ssize_t w = libssh2_sftp_write(h, data + off, len - off);
		if (w < 0) {
			rc = link_error((int)w) ? mark_lost(p, (int)w) : sftp_errno(p);
			what = "write";
		} else {
			off += (size_t)w;
		}
	}
	/* fsync@openssh.com: the bytes on stable storage. */
	if (!rc && libssh2_sftp_fsync(h) != 0) {
		rc = sftp_errno(p);
		what = "fsync";
	}
	if (!p->lost && libssh2_sftp_close_handle(h) != 0 && !rc) {
		rc = sftp_errno(p);
		what = "close";
	}
	/* On failure no file is left behind. */
	if (rc && !p->lost)
		libssh2_sftp_unlink_ex(p->sftp, name, (unsigned)strlen(name));
out:
	if (rc)
		*cause = xasprintf("cannot write %s (%s): %s", name, what,
				   p->lost ? p->lost : strerror(-rc));
	trace(p, t0, "write", "%s %zu bytes, %d", name, len, rc);
	leave(p);
	return rc;
}

static int ssh_write_new(struct target *t, const char *path, const char *tag, const char *data,
			 size_t len, mode_t mode, uid_t uid, gid_t gid, char **tmp, char **cause)
{
	*tmp = NULL;
	if (!path || path[0] != '/') {
		*cause = xasprintf("cannot write %s: %s", path ? path : "?", strerror(EINVAL));
		return -EINVAL;
	}
	char *name = target_temp_path(path, tag);
	int rc = create_file(t, name, data, len, mode, uid, gid, cause);
	if (rc) {
		free(name);
		return rc;
	}
	*tmp = name;
	return 0;
}

static int ssh_rename(struct target *t, const char *from, const char *to)
{
	if (sudo_on(t))
		return sudo_simple(t, sudo_rename_script, from, to);
	struct ssh_priv *p;
	int rc = enter_link(t, &p);
	if (rc < 0)
		return rc;
	long long t0 = now_ms();
	rc = ext_rename(p, from, to);
	trace(p, t0, "rename", "%s %s %d", from, to, rc);
	leave(p);
	return rc;
}

static int ssh_remove(struct target *t, const char *path)
{
	if (sudo_on(t))
		return sudo_simple(t, sudo_remove_script, path, NULL);
	struct ssh_priv *p;
	int rc = enter(t, &p);
	if (rc < 0)
		return rc;
	long long t0 = now_ms();
	/* unlink(2): a link itself, never a folder. */
	if (libssh2_sftp_unlink_ex(p->sftp, path, (unsigned)strlen(path)) != 0)
		rc = sftp_errno(p);
	trace(p, t0, "remove", "%s %d", path, rc);
	leave(p);
	return rc;
}

static int ssh_sync_dir(struct target *t, const char *dir)
{
	if (sudo_on(t))
		return sudo_simple(t, sudo_sync_script, dir, NULL);
	/* Windows has no fsync of a folder that its OpenSSH's sftp-server
	 * would pass on (opening a folder takes FILE_FLAG_BACKUP_SEMANTICS,
	 * which its open() does not give); NTFS logs the change of a
	 * folder's entries itself. Nothing is asked there. */
	if (t->os == TARGET_OS_WINDOWS)
		return 0;
	struct ssh_priv *p;
	int rc = enter(t, &p);
	if (rc < 0)
		return rc;
	long long t0 = now_ms();
	/* The folder opened as a file (O_RDONLY) and fsync@openssh.com on
	 * that handle: fsync(2) of the folder. */
	LIBSSH2_SFTP_HANDLE *h = libssh2_sftp_open_ex(p->sftp, dir, (unsigned)strlen(dir),
						      LIBSSH2_FXF_READ, 0, LIBSSH2_SFTP_OPENFILE);
	if (!h) {
		rc = sftp_errno(p);
	} else {
		if (libssh2_sftp_fsync(h) != 0)
			rc = sftp_errno(p);
		if (!p->lost)
			libssh2_sftp_close_handle(h);
	}
	trace(p, t0, "syncdir", "%s %d", dir, rc);
	leave(p);
	return rc;
}

/* ---- the journal's store on the remote machine ---- */

/* lstat of path over SFTP (under the lock). */
static int lstat_locked(struct ssh_priv *p, const char *path, LIBSSH2_SFTP_ATTRIBUTES *a)
{
	return sftp_stat_locked(p, path, false, a);
}

/* store_open through sudo: the journal's folders are root's. */
static int sudo_store_open(struct target *t, const char *dir, bool create, char **cause)
{
	const char *args[] = { dir, create ? "y" : "n", NULL };
	struct cmd_result r;
	int rc = sudo_program(t, sudo_store_open_script, args, NULL, 0, &r, NULL);
	const char *part = r.out && *str_trim(r.out) ? r.out : dir;
	if (rc == -ELOOP)
		*cause = xasprintf(T("%s is a symbolic link or not a folder: asr-doctor never "
				     "reaches its journal through a link",
				     "%s 是符号链接或不是文件夹：asr-doctor 从不通过链接访问其日志"),
				   part);
	else if (rc < 0)
		*cause = xasprintf(T("cannot open the journal folder %s: %s",
				     "无法打开日志文件夹 %s：%s"),
				   part, p_lost_or(t, rc));
	cmd_result_free(&r);
	return rc;
}

static int ssh_store_open(struct target *t, const char *dir, bool create, char **cause)
{
	*cause = NULL;
	if (!dir || dir[0] != '/') {
		*cause = xasprintf("cannot open the journal folder %s: %s", dir ? dir : "?",
				   strerror(EINVAL));
		return -EINVAL;
	}
	if (sudo_on(t))
		return sudo_store_open(t, dir, create, cause);
	struct ssh_priv *p;
	int rc = enter(t, &p);
	if (rc < 0) {
		*cause = xasprintf(T("cannot open the journal folder %s: %s",
				     "无法打开日志文件夹 %s：%s"),
				   dir, p_lost_or(t, rc));
		return rc;
	}
	long long t0 = now_ms();
	/* Each folder from "/" down, as lstat sees it: a link is refused. */
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	for (size_t i = 1; i <= n && rc == 0; i++) {
		/* Each prefix that ends a component: "/var", "/var/lib", ... */
		if ((i < n && dir[i] != '/') || dir[i - 1] == '/')
			continue;
		/* A drive of a Windows machine ("/C:"): its SFTP server shows
		 * no folder of that name to lstat (Win32-OpenSSH issue #41:
		 * "access to the root folders (c:/, d:/) is not possible, but
		 * access below works"); its first folder tells. */
		if (p->windows && i == 3 && isalpha((unsigned char)dir[1]) && dir[2] == ':')
			continue;
		char *part = xstrndup(dir, i);
		bool last = i == n;
		LIBSSH2_SFTP_ATTRIBUTES a = { 0 };
		rc = lstat_locked(p, part, &a);
		if (rc == -ENOENT && create) {
			if (libssh2_sftp_mkdir_ex(p->sftp, part, (unsigned)strlen(part),
						  last ? 0700 : 0755) != 0) {
				rc = sftp_errno(p);
				if (rc != -ENOTCONN && !p->lost)
					*cause = xasprintf(T("cannot create the journal folder %s: %s",
							     "无法创建日志文件夹 %s：%s"),
							   part, strerror(-rc));
			} else {
				rc = lstat_locked(p, part, &a);
			}
		}
		if (rc == 0 && !LIBSSH2_SFTP_S_ISDIR(a.permissions)) {
			*cause = xasprintf(T("%s is a symbolic link or not a folder: asr-doctor never "
					     "reaches its journal through a link",
					     "%s 是符号链接或不是文件夹：asr-doctor 从不通过链接访问其日志"),
					   part);
			rc = -ELOOP;
		} else if (rc < 0 && !*cause) {
			*cause = xasprintf(T("cannot open the journal folder %s: %s",
					     "无法打开日志文件夹 %s：%s"),
					   part, p->lost ? p->lost : strerror(-rc));
		}
		free(part);
	}
	trace(p, t0, "store_open", "%s, %d", dir, rc);
	leave(p);
	return rc;
}

static int ssh_store_mkdir(struct target *t, const char *dir, const char *name)
{
	char *c = NULL;
	int rc = ssh_store_open(t, dir, false, &c);
	free(c);
	if (rc < 0)
		return rc;
	char *path = xasprintf("%s/%s", dir, name);
	if (sudo_on(t)) {
		rc = sudo_simple(t, sudo_mkdir_script, path, NULL);
		free(path);
		return rc;
	}
	struct ssh_priv *p;
	if ((rc = enter(t, &p)) < 0) {
		free(path);
		return rc;
	}
	if (libssh2_sftp_mkdir_ex(p->sftp, path, (unsigned)strlen(path), 0700) != 0) {
		rc = sftp_errno(p);
		/* OpenSSH answers a generic failure for an existing name. */
		LIBSSH2_SFTP_ATTRIBUTES a = { 0 };
		if (rc == -EIO && lstat_locked(p, path, &a) == 0)
			rc = -EEXIST;
	}
	leave(p);
	free(path);
	return rc;
}

/* The type, owner and group of path, not followed. */
static int store_lstat(struct target *t, const char *path, struct target_stat *st)
{
	return ssh_stat(t, path, st, false);
}

static int ssh_store_read(struct target *t, const char *path, size_t max, bool strict,
			  char **data, size_t *len)
{
	*data = NULL;
	*len = 0;
	struct target_stat st = { 0 };
	int rc = store_lstat(t, path, &st);
	if (rc < 0)
		return rc;
	if (!S_ISREG(st.mode)) {
		if (strict)
			return -EINVAL;
		/* Read without blocking, such a file gives nothing. */
		*data = xstrdup("");
		return 0;
	}
	return ssh_read_file(t, path, data, len, max);
}

static int ssh_store_append(struct target *t, const char *path, const char *data, size_t len,
			    char **cause)
{
	/* SFTP has no append that is safe to cut back: the file is
	 * replaced whole, beside it then renamed over, so that a reader
	 * sees the old records or the new ones, never a torn line. */
	struct target_stat st = { 0 };
	char *old = NULL;
	size_t old_len = 0;
	int rc = store_lstat(t, path, &st);
	char *dir = target_dir_of(path);
	if (rc == 0 && !S_ISREG(st.mode))
		rc = -EINVAL;
	else if (rc == 0)
		rc = ssh_read_file(t, path, &old, &old_len, SIZE_MAX / 2);
	else if (rc == -ENOENT && (rc = store_lstat(t, dir, &st)) == 0)
		old = xstrdup("");
	if (rc < 0) {
		*cause = xasprintf(T("cannot write the journal %s: %s", "无法写入日志 %s：%s"), path,
				   p_lost_or(t, rc));
		free(dir);
		return rc;
	}
	struct sbuf b = { 0 };
	sb_addn(&b, old, old_len);
	if (old_len && old[old_len - 1] != '\n')
		sb_addc(&b, '\n');
	sb_addn(&b, data, len);
	free(old);
	char *tmp = NULL, *c = NULL;
	rc = ssh_write_new(t, path, "journal", b.s, b.len, 0600, st.uid, st.gid, &tmp, &c);
	sb_free(&b);
	if (rc == 0 && (rc = ssh_rename(t, tmp, path)) < 0) {
		ssh_remove(t, tmp);
		c = xasprintf("rename %s: %s", tmp, p_lost_or(t, rc));
	}
	if (rc == 0 && (rc = ssh_sync_dir(t, dir)) < 0)
		c = xasprintf("fsync %s: %s", dir, p_lost_or(t, rc));
	if (rc < 0) {
		*cause = xasprintf(T("cannot write the journal %s: %s", "无法写入日志 %s：%s"), path,
				   c ? c : strerror(-rc));
	}
	free(c);
	free(tmp);
	free(dir);
	return rc;
}

static int ssh_store_create(struct target *t, const char *path, const char *data, size_t len,
			    char **cause)
{
	/* Owned as the folder it is made in (the journal's, made by this
	 * login). */
	char *dir = target_dir_of(path);
	struct target_stat st = { 0 };
	int rc = store_lstat(t, dir, &st);
	free(dir);
	if (rc < 0) {
		*cause = xasprintf("cannot write %s: %s", path, p_lost_or(t, rc));
		return rc;
	}
	return create_file(t, path, data, len, 0600, st.uid, st.gid, cause);
}

/* A lock held on the remote machine: the channel of the command that
 * holds flock(2) on the lock file until its input ends; on Windows the
 * lock file made and the token written in it. */
struct ssh_held {
	LIBSSH2_CHANNEL *ch;
	char *path;  /* owned: Windows: the lock file */
	char *token; /* owned: Windows: what tells that file is ours */
};

/* ---- the lock on a Windows machine ----
 *
 * Windows has no flock(1), and a command cannot hold a lock there the way
 * sh holds flock on Linux. The lock is the file itself, made through SFTP
 * with SSH_FXF_CREAT | SSH_FXF_EXCL, which OpenSSH's sftp-server passes to
 * open() as O_CREAT | O_EXCL (on Windows its port's open(), whose refusal
 * of an existing name the stand-in cannot show: tested here on Linux's):
 * whoever makes it holds the lock, and removes it to let go. It says who holds it, one field a line:
 *
 *     asr-doctor lock
 *     host HOSTNAME      the machine that asr-doctor runs on
 *     pid 4242           its process there
 *     login root         its user there
 *     since 2026-12-04T18:00:00Z
 *     token 32 hex       random: which lock file is whose
 *
 * A holder that ended without removing it (killed, its link lost) leaves
 * it behind. Such a lock is stale, and taken over, when it was made on the
 * host this asr-doctor runs on by a process that no longer runs there
 * (kill(pid, 0) answers ESRCH): it is renamed aside to a name of our own,
 * read again there, and removed when it is still what was judged stale
 * (else, a lock someone made meanwhile, it is put back). A lock of
 * another host cannot be judged from here: the refusal says whose it is,
 * since when, and which file to delete once that run is known to be
 * gone. Unlocking removes the file only while it holds our token. */

/* The lock file's fields (borrowed from its text, which is changed). */
struct win_lock_info {
	const char *host, *login, *since, *token;
	long pid;
};

/* Reads the fields of a lock file's text (modified in place). False when
 * it is not an asr-doctor lock (empty: a create cut short). */
static bool win_lock_parse(char *text, struct win_lock_info *li)
{
	memset(li, 0, sizeof *li);
	if (!str_starts(text, "asr-doctor lock\n"))
		return false;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' ');
		if (!sp)
			continue;
		*sp = '\0';
		const char *v = sp + 1;
		if (!strcmp(line, "host"))
			li->host = v;
		else if (!strcmp(line, "login"))
			li->login = v;
		else if (!strcmp(line, "since"))
			li->since = v;
		else if (!strcmp(line, "token"))
			li->token = v;
		else if (!strcmp(line, "pid") && !str_to_long(v, &li->pid))
			li->pid = 0;
	}
	return li->host && li->pid > 0 && li->token;
}

/* This machine's name, as a lock file records it. */
static void host_name(char *buf, size_t cap)
{
	if (gethostname(buf, cap) != 0)
		snprintf(buf, cap, "?");
	buf[cap - 1] = '\0';
}

/* Whether the lock li was left by a process of this host that is gone. */
static bool win_lock_stale(const struct win_lock_info *li)
{
	char me[256];
	host_name(me, sizeof me);
	if (strcmp(li->host, me) != 0 || li->pid == (long)getpid())
		return false;
	return kill((pid_t)li->pid, 0) < 0 && errno == ESRCH;
}

/* The Windows spelling of an SFTP path of a Windows machine
 * ("/C:/ProgramData" -> "C:\ProgramData"), for what the engineer reads
 * there. Caller frees. */
static char *win_path_of(const char *sftp)
{
	const char *s = sftp;
	if (s[0] == '/' && isalpha((unsigned char)s[1]) && s[2] == ':')
		s++;
	char *w = xstrdup(s);
	for (char *c = w; *c; c++)
		if (*c == '/')
			*c = '\\';
	return w;
}

/* Moves the stale lock at path (whose text was judged stale) aside and
 * removes it; puts back a lock that changed meanwhile. 0 when it is gone. */
static int win_lock_take_over(struct target *t, const char *path, const char *judged)
{
	char *aside = xasprintf("%s.stale-%ld", path, (long)getpid());
	int rc = ssh_rename(t, path, aside);
	if (rc == 0) {
		char *now = NULL;
		size_t len = 0;
		rc = ssh_read_file(t, aside, &now, &len, 4096);
		if (rc == 0 && !strcmp(now, judged)) {
			rc = ssh_remove(t, aside);
		} else {
			ssh_rename(t, aside, path);
			rc = -EAGAIN;
		}
		free(now);
	}
	free(aside);
	return rc;
}

/* store_lock on a Windows machine (see above). */
static int win_store_lock(struct target *t, const char *path, int wait_ms, void **held,
			  long *holder, char **cause)
{
	char token[33];
	if (!random_token(token, sizeof token)) {
		*cause = xasprintf(T("cannot lock the journal: %s", "无法锁定日志：%s"),
				   strerror(errno));
		return -EIO;
	}
	char me[256], since[32];
	host_name(me, sizeof me);
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(since, sizeof since, "%Y-%m-%dT%H:%M:%SZ", &tm);
	char *text = xasprintf("asr-doctor lock\nhost %s\npid %ld\nlogin %s\nsince %s\ntoken %s\n",
			       me, (long)getpid(), local_user(), since, token);
	long long deadline = now_ms() + (wait_ms > 0 ? wait_ms : 0);
	int rc;
	/* Bounded: a lock that keeps changing hands is not waited for
	 * forever. */
	for (int tries = 0;; tries++) {
		char *c = NULL;
		rc = create_file(t, path, text, strlen(text), 0600, 0, 0, &c);
		if (rc == 0) {
			struct ssh_held *h = xcalloc(1, sizeof *h);
			h->path = xstrdup(path);
			h->token = xstrdup(token);
			*held = h;
			break;
		}
		if (rc != -EEXIST) {
			*cause = xasprintf(T("cannot lock the journal: %s", "无法锁定日志：%s"), c);
			free(c);
			break;
		}
		free(c);
		char *data = NULL;
		size_t len = 0;
		rc = ssh_read_file(t, path, &data, &len, 4096);
		if (rc == -ENOENT && tries < 100) {
			continue; /* let go meanwhile */
		} else if (rc < 0) {
			*cause = xasprintf(T("cannot read the journal's lock %s: %s",
					     "无法读取日志锁 %s：%s"),
					   path, p_lost_or(t, rc));
			break;
		}
		char *copy = xstrdup(data);
		struct win_lock_info li;
		bool known = win_lock_parse(copy, &li);
		if (known && win_lock_stale(&li) && tries < 100 &&
		    win_lock_take_over(t, path, data) == 0) {
			free(copy);
			free(data);
			continue;
		}
		if (now_ms() >= deadline) {
			char *wp = win_path_of(path);
			if (known)
				*cause = xasprintf(
					T("held by asr-doctor pid %ld on %s (login %s) since %s; if that "
					  "run is gone, delete %s there",
					  "由 %2$s 上的 asr-doctor pid %1$ld（登录 %3$s）自 %4$s 起持有；"
					  "如果该运行已结束，请删除那里的 %5$s"),
					li.pid, li.host, li.login ? li.login : "?",
					li.since ? li.since : "?", wp);
			else
				*cause = xasprintf(T("held by a lock file asr-doctor cannot read (%s); if "
						     "no asr-doctor is changing the machine, delete it",
						     "被一个 asr-doctor 无法读取的锁文件（%s）持有；如果"
						     "没有 asr-doctor 正在修改该机器，请删除它"),
						   wp);
			free(wp);
			*holder = 0;
			rc = -EWOULDBLOCK;
			free(copy);
			free(data);
			break;
		}
		free(copy);
		free(data);
		nanosleep(&(struct timespec){ 0, 200 * 1000 * 1000 }, NULL);
	}
	free(text);
	return rc;
}

/* store_unlock on a Windows machine: the lock file removed while it is
 * ours. */
static void win_store_unlock(struct target *t, struct ssh_held *h)
{
	char *data = NULL;
	size_t len = 0;
	if (ssh_read_file(t, h->path, &data, &len, 4096) == 0) {
		char *line = xasprintf("\ntoken %s\n", h->token);
		if (strstr(data, line))
			ssh_remove(t, h->path);
		free(line);
	}
	free(data);
	free(h->path);
	free(h->token);
	free(h);
}

/* The command that takes the lock: $1 the lock file, $2 how to wait
 * (-n, or -w SECONDS). It prints the holder's pid and exits 11 when the
 * lock is taken; else it writes its pid there, says "locked" and holds
 * the lock until its standard input ends (asr-doctor closes it, or the
 * link is gone), then empties the file. */
static const char lock_script[] =
	"exec 9>>\"$1\" || exit 3; "
	"flock -x $2 9 || { head -c 32 \"$1\"; exit 11; }; "
	"echo $$ >\"$1\"; echo locked; cat >/dev/null; : >\"$1\"";

static int ssh_store_lock(struct target *t, const char *path, int wait_ms, void **held,
			  long *holder, char **cause)
{
	*held = NULL;
	*holder = 0;
	if (t->os == TARGET_OS_WINDOWS)
		return win_store_lock(t, path, wait_ms, held, holder, cause);
	char wait[32];
	if (wait_ms > 0)
		snprintf(wait, sizeof wait, "-w %d.%03d", wait_ms / 1000, wait_ms % 1000);
	else
		snprintf(wait, sizeof wait, "-n");
	const char *argv[] = { "sh", "-c", lock_script, "asr-doctor-lock", path, wait, NULL };
	const char *args[] = { path, wait, NULL };
	char *line = NULL;
	if (sudo_on(t)) {
		line = sudo_script_line(lock_script, args, ((struct ssh_priv *)t->priv)->sudo_pw != NULL);
	} else {
		char *words = argv_shell_join(argv);
		line = xasprintf("LC_ALL=C %s", words);
		free(words);
	}
	struct ssh_priv *p;
	int rc = enter_link(t, &p);
	if (rc < 0) {
		*cause = xasprintf(T("cannot lock the journal: %s", "无法锁定日志：%s"),
				   p_lost_or(t, rc));
		free(line);
		return rc;
	}
	long long t0 = now_ms();
	long long deadline = now_ms() + wait_ms + p->timeout_ms;
	struct sbuf so = { 0 }, se = { 0 };
	LIBSSH2_CHANNEL *ch = NULL;
	int e = 0;
	bool locked = false;
	libssh2_session_set_blocking(p->s, 0);
	while (!(ch = libssh2_channel_open_session(p->s))) {
		e = libssh2_session_last_errno(p->s);
		if (e != LIBSSH2_ERROR_EAGAIN || now_ms() > deadline)
			break;
		wait_socket(p, deadline - now_ms());
		e = 0;
	}
	if (ch) {
		while ((e = libssh2_channel_exec(ch, line)) == LIBSSH2_ERROR_EAGAIN &&
		       now_ms() < deadline)
			wait_socket(p, deadline - now_ms());
	}
	if (!ch || e != 0) {
		rc = link_error(e) || e == LIBSSH2_ERROR_EAGAIN || !e
			     ? mark_lost(p, e ? e : LIBSSH2_ERROR_TIMEOUT)
			     : -EIO;
		goto out;
	}
	/* Through sudo: its password first; the input stays open (the lock
	 * is held until it ends). */
	if (p->sudo && p->sudo_pw) {
		size_t pl = strlen(p->sudo_pw);
		char *pw = xmalloc(pl + 1);
		memcpy(pw, p->sudo_pw, pl);
		pw[pl] = '\n';
		for (size_t off = 0; off <= pl && now_ms() < deadline;) {
			ssize_t w = libssh2_channel_write(ch, pw + off, pl + 1 - off);
			if (w == LIBSSH2_ERROR_EAGAIN)
				wait_socket(p, 50);
			else if (w < 0)
				break;
			else
				off += (size_t)w;
		}
		explicit_bzero(pw, pl + 1);
		free(pw);
	}
	/* Until it says "locked", or ends. */
	for (;;) {
		bool again = false, got = false;
		if ((rc = drain_both(p, ch, &so, &se, &again, &got)) < 0)
			goto out;
		if (strstr(sb_str(&so), "locked\n")) {
			locked = true;
			break;
		}
		if (libssh2_channel_eof(ch))
			break;
		if (now_ms() >= deadline) {
			rc = mark_lost(p, LIBSSH2_ERROR_TIMEOUT);
			goto out;
		}
		if (got)
			continue;
		long long left = deadline - now_ms();
		wait_socket(p, left < 50 ? left : 50);
	}
	if (locked) {
		struct ssh_held *h = xcalloc(1, sizeof *h);
		h->ch = ch;
		ch = NULL;
		*held = h;
		rc = 0;
		goto out;
	}
	while (libssh2_channel_close(ch) == LIBSSH2_ERROR_EAGAIN && now_ms() < deadline)
		wait_socket(p, deadline - now_ms());
	while (libssh2_channel_wait_closed(ch) == LIBSSH2_ERROR_EAGAIN && now_ms() < deadline)
		wait_socket(p, deadline - now_ms());
	int status = libssh2_channel_get_exit_status(ch);
	if (status == 11) {
		*holder = strtol(sb_str(&so), NULL, 10);
		rc = -EWOULDBLOCK;
	} else {
		*cause = xasprintf(T("cannot lock the journal %s on %s: %s (exit status %d)",
				     "无法锁定 %2$s 上的日志 %1$s：%3$s（退出状态 %4$d）"),
				   path, t->remote ? t->remote : "?",
				   se.len ? se.s : so.len ? so.s : "flock failed", status);
		rc = -EIO;
	}
out:
	if (ch && !p->lost)
		while (libssh2_channel_free(ch) == LIBSSH2_ERROR_EAGAIN && now_ms() < deadline)
			wait_socket(p, deadline - now_ms());
	libssh2_session_set_blocking(p->s, 1);
	if (rc < 0 && rc != -EWOULDBLOCK && rc != -EIO)
		*cause = xasprintf(T("cannot lock the journal: %s", "无法锁定日志：%s"),
				   p->lost ? p->lost : strerror(-rc));
	trace(p, t0, "lock", "%s, %d", path, rc);
	leave(p);
	sb_free(&so);
	sb_free(&se);
	free(line);
	return rc;
}

static void ssh_store_unlock(struct target *t, void *held)
{
	struct ssh_held *h = held;
	if (!h)
		return;
	if (h->path) {
		win_store_unlock(t, h);
		return;
	}
	struct ssh_priv *p;
	if (enter_link(t, &p) == 0) {
		/* The end of its input: the holder lets go and ends. A link
		 * already lost has let go by itself (the command's input
		 * ended with the session); its channel goes with the
		 * session. */
		long long deadline = now_ms() + p->timeout_ms;
		libssh2_session_set_blocking(p->s, 0);
		int e;
		while ((e = libssh2_channel_send_eof(h->ch)) == LIBSSH2_ERROR_EAGAIN &&
		       now_ms() < deadline)
			wait_socket(p, deadline - now_ms());
		/* Its end, so that the lock is free when this returns. */
		while (!link_error(e) && !libssh2_channel_eof(h->ch) && now_ms() < deadline) {
			char buf[256];
			ssize_t n = libssh2_channel_read(h->ch, buf, sizeof buf);
			if (n == LIBSSH2_ERROR_EAGAIN)
				wait_socket(p, 50);
			else if (n < 0)
				break;
		}
		while (libssh2_channel_close(h->ch) == LIBSSH2_ERROR_EAGAIN && now_ms() < deadline)
			wait_socket(p, deadline - now_ms());
		while (libssh2_channel_free(h->ch) == LIBSSH2_ERROR_EAGAIN && now_ms() < deadline)
			wait_socket(p, deadline - now_ms());
		libssh2_session_set_blocking(p->s, 1);
		leave(p);
	}
	free(h);
}

static const struct target_ops ssh_ops = {
	.read_file = ssh_read_file,
	.list_dir = ssh_list_dir,
	.stat = ssh_stat,
	.statvfs = ssh_statvfs,
	.realpath = ssh_realpath,
	.run = ssh_run,
	.run_many = ssh_run_many,
	.host_path = ssh_host_path,
	.open_stream = ssh_open_stream,
	.stream_read = ssh_stream_read,
	.stream_seek = ssh_stream_seek,
	.stream_close = ssh_stream_close,
	.lost = ssh_lost,
	.destroy = ssh_destroy,
	.write_new = ssh_write_new,
	.rename = ssh_rename,
	.remove = ssh_remove,
	.sync_dir = ssh_sync_dir,
	.store_open = ssh_store_open,
	.store_mkdir = ssh_store_mkdir,
	.store_read = ssh_store_read,
	.store_append = ssh_store_append,
	.store_create = ssh_store_create,
	.store_lock = ssh_store_lock,
	.store_unlock = ssh_store_unlock,
	.host_mounts = ssh_host_mounts,
	.block_devices = ssh_block_devices,
};

/* The local user's name, for a spec without one. */
static const char *local_user(void)
{
	const struct passwd *pw = getpwuid(getuid());
	return pw ? pw->pw_name : "root";
}

/* "user@host:port" (the host in brackets when it holds a colon). */
static char *spec_string(const char *user, const char *host, int port)
{
	bool v6 = strchr(host, ':') != NULL;
	return xasprintf("%s@%s%s%s:%d", user, v6 ? "[" : "", host, v6 ? "]" : "", port);
}

/* ---- naming ---- */

/* A folder of a Windows drive as cmd.exe prints it ("C:\\ProgramData")
 * as the SFTP path its OpenSSH server shows ("/C:/ProgramData": a slash,
 * the drive, forward slashes; Win32-OpenSSH issue #48), or NULL when it
 * is no such folder (%ProgramData% left unexpanded by a shell that is not
 * cmd.exe, a share, a relative path, "..", a character Windows refuses
 * in a name). Caller frees. */
static char *win_sftp_path(const char *win)
{
	if (!isalpha((unsigned char)win[0]) || win[1] != ':' || (win[2] != '\\' && win[2] != '/'))
		return NULL;
	struct sbuf b = { 0 };
	sb_printf(&b, "/%c:", toupper((unsigned char)win[0]));
	for (const char *c = win + 2; *c; c++) {
		unsigned char u = (unsigned char)*c;
		if (u < 0x20 || strchr("%\":*?<>|", u)) {
			sb_free(&b);
			return NULL;
		}
		if (u == '\\')
			u = '/';
		if (u == '/' && b.len && b.s[b.len - 1] == '/')
			continue;
		sb_addc(&b, (char)u);
	}
	char *path = sb_steal(&b);
	size_t n = strlen(path);
	while (n > 3 && path[n - 1] == '/')
		path[--n] = '\0';
	if (strstr(path, "/../") || str_ends(path, "/..") || strstr(path, "/./") ||
	    str_ends(path, "/.")) {
		free(path);
		return NULL;
	}
	return path;
}

static const char *ssh_location(const struct target *t)
{
	return t->remote;
}

static char *ssh_label(const struct target *t)
{
	return xstrdup(t->remote ? t->remote : t->name);
}

static void ssh_describe(struct target *t, const char *location)
{
	t->kind = TARGET_SSH;
	t->remote = xstrdup(location ? location : t->name);
	t->os = TARGET_OS_LINUX;
}

/* The journal of a machine reached over SSH is kept there, where its own
 * console finds it. */
static const char *ssh_journal_dir(const struct target *t)
{
	const struct ssh_priv *p = t->priv;
	/* Windows: under the machine's own %ProgramData%, asked on connect
	 * (a machine known only by its description: where it usually is). */
	if (t->os == TARGET_OS_WINDOWS)
		return p && p->journal_dir ? p->journal_dir : TARGET_JOURNAL_DIR_WINDOWS;
	return TARGET_JOURNAL_DIR;
}

/* --sudo, for a guard or a printed command to reach the machine as root
 * the same way. */
static void ssh_more_args(const struct target *t, struct strvec *out)
{
	if (sudo_on(t))
		sv_push(out, "--sudo");
}

const struct target_kind_def target_kind_ssh = {
	.name = "ssh",
	.journal_dir = ssh_journal_dir,
	.cli_option = "--target",
	.location = ssh_location,
	.label = ssh_label,
	.describe = ssh_describe,
	.more_args = ssh_more_args,
	.root_option = "--sudo",
};

struct target *target_ssh_new(const struct ssh_opts *opts)
{
	pthread_once(&init_once, lib_init);
	struct target *t = xcalloc(1, sizeof *t);
	struct ssh_priv *p = xcalloc(1, sizeof *p);
	pthread_mutex_init(&p->lock, NULL);
	p->sock = -1;
	p->host = xstrdup(opts->host ? opts->host : "");
	p->user = xstrdup(opts->user ? opts->user : local_user());
	p->port = opts->port > 0 ? opts->port : SSH_DEFAULT_PORT;
	p->timeout_ms = opts->timeout_ms > 0 ? opts->timeout_ms : SSH_DEFAULT_TIMEOUT_MS;
	const char *tr = getenv("ASR_DOCTOR_SSH_TRACE");
	if (tr && *tr) {
		p->trace = fopen(tr, "ae");
		p->trace_t0 = now_ms();
	}
	t->ops = &ssh_ops;
	t->priv = p;
	t->kind = TARGET_SSH;
	t->def = &target_kind_ssh;
	t->os = TARGET_OS_LINUX;
	t->remote = spec_string(p->user, p->host, p->port);
	t->name = xstrdup(t->remote);
	t->live = true;
	t->can_run = true;
	/* Files are written over SFTP, the journal kept there (the store
	 * operations); a Windows machine, found on connect, is not written. */
	t->can_write = true;
	t->this_machine = false;
	t->offline = false;
	return t;
}

/* ---- connecting ---- */

/* Connects to one address with a timeout. Returns the socket or -errno. */
static int connect_addr(const struct addrinfo *ai, int timeout_ms)
{
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
			ai->ai_protocol);
	if (fd < 0)
		return -errno;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
		if (errno != EINPROGRESS) {
			int e = errno;
			close(fd);
			return -e;
		}
		struct pollfd pfd = { .fd = fd, .events = POLLOUT };
		int r;
		do
			r = poll(&pfd, 1, timeout_ms);
		while (r < 0 && errno == EINTR);
		if (r == 0) {
			close(fd);
			return -ETIMEDOUT;
		}
		int soerr = 0;
		socklen_t sl = sizeof soerr;
		if (r < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0 || soerr) {
			close(fd);
			return -(soerr ? soerr : EIO);
		}
	}
	int fl = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	return fd;
}

/* The message for a connect error. */
static const char *connect_reason(int e)
{
	switch (-e) {
	case ECONNREFUSED:
		return "connection refused (nothing listens on that port, or a firewall rejects it)";
	case ETIMEDOUT:
		return "timed out (no answer: a firewall drops the packets, or the machine is off)";
	case EHOSTUNREACH:
	case ENETUNREACH:
		return "no route to the host";
	default:
		return strerror(-e);
	}
}

static int fail(struct ssh_attempt *a, enum ssh_stage st, int err, char **cause, const char *spec,
		const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Records the failure of step st and makes *cause. Returns err. */
static int fail(struct ssh_attempt *a, enum ssh_stage st, int err, char **cause, const char *spec,
		const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *m = xvasprintf(fmt, ap);
	va_end(ap);
	a->failed = st;
	a->err = err;
	copy_str(a->message, sizeof a->message, m);
	*cause = xasprintf("%s: %s: %s", spec, ssh_stage_name(st), m);
	free(m);
	return err;
}

/* Resolves and connects: the socket or a negative errno. */
static int do_connect(struct ssh_priv *p, struct ssh_attempt *a, const char *spec, char **cause)
{
	long long t0 = now_ms();
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	struct addrinfo *res = NULL;
	char port_s[16];
	snprintf(port_s, sizeof port_s, "%d", p->port);
	int g = getaddrinfo(p->host, port_s, &hints, &res);
	a->ms[SSH_STAGE_RESOLVE] = (long)(now_ms() - t0);
	if (g != 0) {
		bool notfound = g == EAI_NONAME || g == EAI_NODATA || g == EAI_FAIL;
		return fail(a, SSH_STAGE_RESOLVE, notfound ? -ENOENT : -EAGAIN, cause, spec,
			    "the name %s cannot be resolved (%s)", p->host, gai_strerror(g));
	}
	t0 = now_ms();
	int fd = -ENOENT;
	for (const struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		char addr[INET6_ADDRSTRLEN] = "";
		if (ai->ai_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)ai->ai_addr)->sin_addr,
				  addr, sizeof addr);
		else if (ai->ai_family == AF_INET6)
			inet_ntop(AF_INET6,
				  &((const struct sockaddr_in6 *)(const void *)ai->ai_addr)->sin6_addr,
				  addr, sizeof addr);
		copy_str(a->address, sizeof a->address, addr);
		fd = connect_addr(ai, p->timeout_ms);
		if (fd >= 0)
			break;
	}
	freeaddrinfo(res);
	a->ms[SSH_STAGE_CONNECT] = (long)(now_ms() - t0);
	if (fd < 0)
		return fail(a, SSH_STAGE_CONNECT, fd, cause, spec, "TCP connect to %s port %d: %s",
			    a->address, p->port, connect_reason(fd));
	return fd;
}

/* Finds the line of path that names host:port (plain or hashed), for a
 * changed key's warning; 0 when none is found. */
static int known_line(LIBSSH2_SESSION *s, const char *path, const char *host, int port,
		      const char *key, size_t keylen, int type)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return 0;
	char *line = NULL;
	size_t cap = 0;
	int no = 0, found = 0;
	while (!found && getline(&line, &cap, f) >= 0) {
		no++;
		LIBSSH2_KNOWNHOSTS *kh = libssh2_knownhost_init(s);
		if (!kh)
			break;
		if (libssh2_knownhost_readline(kh, line, strlen(line),
					       LIBSSH2_KNOWNHOST_FILE_OPENSSH) == 0) {
			int r = libssh2_knownhost_checkp(kh, host, port, key, keylen, type, NULL);
			if (r == LIBSSH2_KNOWNHOST_CHECK_MISMATCH || r == LIBSSH2_KNOWNHOST_CHECK_MATCH)
				found = no;
		}
		libssh2_knownhost_free(kh);
	}
	free(line);
	fclose(f);
	return found;
}

/* The default known_hosts file; caller frees. */
static char *default_known_hosts(void)
{
	const char *home = getenv("HOME");
	if (!home || !*home) {
		const struct passwd *pw = getpwuid(getuid());
		home = pw ? pw->pw_dir : "/";
	}
	return xasprintf("%s/.ssh/known_hosts", home);
}

/* Appends line to path (making ~/.ssh 0700 when missing). */
static int append_known(const char *path, const char *line)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		mkdir(dir, 0700);
	}
	free(dir);
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	/* A file whose last line has no newline gets one first. */
	struct stat st;
	if (fstat(fd, &st) == 0 && st.st_size > 0) {
		char last = '\n';
		if (pread(fd, &last, 1, st.st_size - 1) == 1 && last != '\n' &&
		    write(fd, "\n", 1) != 1) {
			int e = errno;
			close(fd);
			return -e;
		}
	}
	size_t n = strlen(line);
	int rc = write(fd, line, n) == (ssize_t)n ? 0 : -errno;
	if (rc == 0 && fsync(fd) != 0)
		rc = -errno;
	close(fd);
	return rc;
}

/* Checks the server's host key. Returns 0 or a negative errno. */
static int check_host_key(struct ssh_priv *p, const struct ssh_opts *o, struct ssh_attempt *a,
			  const char *spec, char **cause)
{
	size_t keylen = 0;
	int ktype = 0;
	const char *key = libssh2_session_hostkey(p->s, &keylen, &ktype);
	if (!key)
		return fail(a, SSH_STAGE_HOSTKEY, -EPROTO, cause, spec, "the server showed no host key");
	char *fp = ssh_fingerprint((const unsigned char *)key, keylen);
	copy_str(a->fingerprint, sizeof a->fingerprint, fp);
	free(fp);
	int kbit;
	const char *tname;
	switch (ktype) {
	case LIBSSH2_HOSTKEY_TYPE_RSA:
		kbit = LIBSSH2_KNOWNHOST_KEY_SSHRSA, tname = "ssh-rsa";
		break;
	case LIBSSH2_HOSTKEY_TYPE_DSS:
		kbit = LIBSSH2_KNOWNHOST_KEY_SSHDSS, tname = "ssh-dss";
		break;
	case LIBSSH2_HOSTKEY_TYPE_ECDSA_256:
		kbit = LIBSSH2_KNOWNHOST_KEY_ECDSA_256, tname = "ecdsa-sha2-nistp256";
		break;
	case LIBSSH2_HOSTKEY_TYPE_ECDSA_384:
		kbit = LIBSSH2_KNOWNHOST_KEY_ECDSA_384, tname = "ecdsa-sha2-nistp384";
		break;
	case LIBSSH2_HOSTKEY_TYPE_ECDSA_521:
		kbit = LIBSSH2_KNOWNHOST_KEY_ECDSA_521, tname = "ecdsa-sha2-nistp521";
		break;
	case LIBSSH2_HOSTKEY_TYPE_ED25519:
		kbit = LIBSSH2_KNOWNHOST_KEY_ED25519, tname = "ssh-ed25519";
		break;
	default:
		kbit = LIBSSH2_KNOWNHOST_KEY_UNKNOWN, tname = "unknown";
		break;
	}
	copy_str(a->key_type, sizeof a->key_type, tname);
	char *path = o->known_hosts ? xstrdup(o->known_hosts) : default_known_hosts();
	LIBSSH2_KNOWNHOSTS *kh = libssh2_knownhost_init(p->s);
	int rc = 0;
	if (!kh) {
		rc = fail(a, SSH_STAGE_HOSTKEY, -ENOMEM, cause, spec, "cannot read known hosts");
		goto out;
	}
	struct stat st;
	if (stat(path, &st) == 0 &&
	    libssh2_knownhost_readfile(kh, path, LIBSSH2_KNOWNHOST_FILE_OPENSSH) < 0) {
		/* A line libssh2 cannot read (a key type it does not know)
		 * stops readfile; read the file line by line instead. */
		libssh2_knownhost_free(kh);
		kh = libssh2_knownhost_init(p->s);
		FILE *f = fopen(path, "re");
		char *line = NULL;
		size_t cap = 0;
		while (f && getline(&line, &cap, f) >= 0)
			libssh2_knownhost_readline(kh, line, strlen(line),
						   LIBSSH2_KNOWNHOST_FILE_OPENSSH);
		free(line);
		if (f)
			fclose(f);
	}
	int type = LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW | kbit;
	int r = libssh2_knownhost_checkp(kh, p->host, p->port, key, keylen, type, NULL);
	if (r == LIBSSH2_KNOWNHOST_CHECK_MATCH)
		goto out;
	if (r == LIBSSH2_KNOWNHOST_CHECK_MISMATCH) {
		a->host_key_changed = true;
		int line = known_line(p->s, path, p->host, p->port, key, keylen, type);
		char where[32] = "";
		if (line)
			snprintf(where, sizeof where, ":%d", line);
		rc = fail(a, SSH_STAGE_HOSTKEY, -EKEYREJECTED, cause, spec,
			  "WARNING: the host key of %s has CHANGED (now %s %s); %s%s holds another "
			  "key for it. Someone may be intercepting the connection, or the machine "
			  "was reinstalled: check the fingerprint with its owner, then remove the "
			  "old line (ssh-keygen -R) and connect again",
			  p->host, tname, a->fingerprint, path, where);
		goto out;
	}
	/* Unknown (or the file could not be read): trusted only when asked. */
	char *hostname = p->port == SSH_DEFAULT_PORT ? xstrdup(p->host)
						     : xasprintf("[%s]:%d", p->host, p->port);
	bool trust = o->accept_new_host_key ||
		     (o->trust_new_key && o->trust_new_key(o->ctx, hostname, tname, a->fingerprint));
	if (!trust) {
		rc = fail(a, SSH_STAGE_HOSTKEY, -EKEYREJECTED, cause, spec,
			  "the host key of %s is not known (%s %s); connect again with "
			  "--accept-new-host-key to trust it and add it to %s",
			  p->host, tname, a->fingerprint, path);
		free(hostname);
		goto out;
	}
	struct libssh2_knownhost *added = NULL;
	char buf[8192];
	size_t outlen = 0;
	if (libssh2_knownhost_addc(kh, hostname, NULL, key, keylen, NULL, 0, type, &added) != 0 ||
	    libssh2_knownhost_writeline(kh, added, buf, sizeof buf, &outlen,
					LIBSSH2_KNOWNHOST_FILE_OPENSSH) != 0) {
		rc = fail(a, SSH_STAGE_HOSTKEY, -EIO, cause, spec, "cannot record the host key");
		free(hostname);
		goto out;
	}
	free(hostname);
	int w = append_known(path, buf);
	if (w < 0) {
		rc = fail(a, SSH_STAGE_HOSTKEY, w, cause, spec, "cannot add the host key to %s: %s",
			  path, strerror(-w));
		goto out;
	}
	a->host_key_added = true;
out:
	if (kh)
		libssh2_knownhost_free(kh);
	free(path);
	return rc;
}

/* Adds one piece of the server's words (len bytes, not NUL-terminated)
 * to the attempt's server_said, kept one line: control characters as
 * '?', runs of blanks and line ends as one space, " / " between pieces;
 * what does not fit is left out. */
static void said_piece(struct ssh_attempt *a, const char *text, size_t len)
{
	char *said = a->server_said;
	size_t cap = sizeof a->server_said;
	size_t n = strlen(said);
	bool first = true, space = false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			space = true;
			continue;
		}
		const char *sep = first ? (n ? " / " : "") : space ? " " : "";
		size_t sl = strlen(sep);
		if (n + sl + 1 >= cap)
			break;
		memcpy(said + n, sep, sl);
		n += sl;
		first = false;
		space = false;
		said[n++] = c < 32 || c == 127 ? '?' : (char)c;
	}
	said[n] = '\0';
}

/* The server's text (len bytes) as a NUL-terminated string that is safe
 * to show: control characters but line ends as '?'. Caller frees. */
static char *shown_text(const char *text, size_t len)
{
	char *s = xstrndup(text ? text : "", text ? len : 0);
	for (char *q = s; *q; q++)
		if (((unsigned char)*q < 32 && *q != '\n') || *q == 127)
			*q = '?';
	return s;
}

/* keyboard-interactive: the first question that hides its answer gets
 * the password (given, or asked through ask_prompt or ask_password);
 * every other question is the server's to ask through ask_prompt, except
 * for the push install's login (password_only), which answers nothing
 * more. What is left unanswered, and the server's messages, are kept in
 * the attempt's server_said. */
static void kbd_callback(const char *name, int name_len, const char *instruction,
			 int instruction_len, int num_prompts,
			 const LIBSSH2_USERAUTH_KBDINT_PROMPT *prompts,
			 LIBSSH2_USERAUTH_KBDINT_RESPONSE *responses, void **abstract)
{
	struct ssh_priv *p = *abstract;
	const struct ssh_opts *o = p->kbd_opts;
	struct ssh_attempt *a = p->kbd_attempt;
	if (instruction && instruction_len > 0)
		said_piece(a, instruction, (size_t)instruction_len);
	char *instr = shown_text(instruction, instruction_len > 0 ? (size_t)instruction_len : 0);
	(void)name;
	(void)name_len;
	for (int i = 0; i < num_prompts; i++) {
		responses[i].text = NULL;
		responses[i].length = 0;
		char *q = shown_text(prompts[i].text, prompts[i].length);
		const char *above = i == 0 ? instr : "";
		char *answer = NULL;
		bool hidden = !prompts[i].echo;
		if (hidden && !p->kbd_answer) {
			if (p->kbd_password)
				answer = xstrdup(p->kbd_password);
			else if (o->ask_prompt)
				answer = o->ask_prompt(o->ctx, above, q, false);
			else if (o->ask_password) {
				char *pr = xasprintf("%s's password: ", p->kbd_spec);
				answer = o->ask_password(o->ctx, pr);
				free(pr);
			}
			if (answer)
				p->kbd_answer = xstrdup(answer);
		} else if (!o->password_only && o->ask_prompt) {
			answer = o->ask_prompt(o->ctx, above, q, !hidden);
		}
		if (answer) {
			/* sshd puts PAM's messages (pam_faillock's "The
			 * account is locked ...") on the lines above the
			 * question: kept as the server's words. */
			const char *nl = memrchr(prompts[i].text, '\n', prompts[i].length);
			if (nl)
				said_piece(a, prompts[i].text, (size_t)(nl - prompts[i].text));
			a->password_tried = true;
			/* libssh2 sends and frees it with the session's
			 * allocator, which wipes it (wiped_free: malloc's block,
			 * given back to free). */
			responses[i].text = strdup(answer);
			responses[i].length = responses[i].text ? (unsigned)strlen(answer) : 0;
			explicit_bzero(answer, strlen(answer));
			free(answer);
		} else {
			said_piece(a, prompts[i].text, prompts[i].length);
			p->kbd_unanswered = true;
			if (hidden && p->kbd_answer)
				p->kbd_more = true;
		}
		free(q);
	}
	free(instr);
}

/* Whether the server's words ask for a new password (pam_unix: "You are
 * required to change your password immediately", "New password:";
 * sshd: "Your password has expired"). */
static bool asks_new_password(const char *said)
{
	return strcasestr(said, "new password") || strcasestr(said, "password has expired") ||
	       strcasestr(said, "change your password");
}

/* Tries a key file (and asks its passphrase when it is protected).
 * Returns 0 when it logged in. */
static int try_key(struct ssh_priv *p, const struct ssh_opts *o, const char *file)
{
	int r = libssh2_userauth_publickey_fromfile_ex(p->s, p->user, (unsigned)strlen(p->user),
						       NULL, file, "");
	if (r == 0)
		return 0;
	if (r == LIBSSH2_ERROR_FILE && o->ask_passphrase) {
		char *pass = o->ask_passphrase(o->ctx, file);
		if (!pass)
			return r;
		r = libssh2_userauth_publickey_fromfile_ex(p->s, p->user, (unsigned)strlen(p->user),
							   NULL, file, pass);
		secret_free(pass);
	}
	return r;
}

/* Tries the keys the agent holds. */
static int try_agent(struct ssh_priv *p)
{
	const char *sock = getenv("SSH_AUTH_SOCK");
	if (!sock || !*sock)
		return -1;
	LIBSSH2_AGENT *ag = libssh2_agent_init(p->s);
	if (!ag)
		return -1;
	int rc = -1;
	if (libssh2_agent_connect(ag) == 0 && libssh2_agent_list_identities(ag) == 0) {
		struct libssh2_agent_publickey *id = NULL, *prev = NULL;
		while (libssh2_agent_get_identity(ag, &id, prev) == 0) {
			if (libssh2_agent_userauth(ag, p->user, id) == 0) {
				rc = 0;
				break;
			}
			prev = id;
		}
		libssh2_agent_disconnect(ag);
	}
	libssh2_agent_free(ag);
	return rc;
}

/* Logs in. Returns 0 or a negative errno (with *cause). */
static int authenticate(struct ssh_priv *p, const struct ssh_opts *o, struct ssh_attempt *a,
			const char *spec, char **cause)
{
	char *list = libssh2_userauth_list(p->s, p->user, (unsigned)strlen(p->user));
	if (!list) {
		if (libssh2_userauth_authenticated(p->s)) {
			copy_str(a->auth_used, sizeof a->auth_used, "none");
			return 0;
		}
		int e = libssh2_session_last_errno(p->s);
		return fail(a, SSH_STAGE_AUTH, -EPROTO, cause, spec,
			    "the server closed the login (%d)", e);
	}
	copy_str(a->methods, sizeof a->methods, list);
	bool has_pk = strstr(list, "publickey") != NULL;
	bool has_pw = strstr(list, "password") != NULL;
	bool has_kbd = strstr(list, "keyboard-interactive") != NULL;
	if (has_pk && !o->password_only) {
		if (try_agent(p) == 0) {
			copy_str(a->auth_used, sizeof a->auth_used, "publickey (agent)");
			return 0;
		}
		if (o->identity) {
			int r = try_key(p, o, o->identity);
			if (r == 0) {
				copy_str(a->auth_used, sizeof a->auth_used, "publickey");
				return 0;
			}
			if (r == LIBSSH2_ERROR_FILE && access(o->identity, R_OK) != 0)
				return fail(a, SSH_STAGE_AUTH, -ENOENT, cause, spec,
					    "cannot read the key %s: %s", o->identity,
					    strerror(errno));
		} else {
			const char *home = getenv("HOME");
			static const char *const names[] = { "id_ed25519", "id_ecdsa", "id_rsa" };
			for (size_t i = 0; home && i < ARRAY_LEN(names); i++) {
				char *f = xasprintf("%s/.ssh/%s", home, names[i]);
				int r = access(f, R_OK) == 0 ? try_key(p, o, f) : -1;
				free(f);
				if (r == 0) {
					copy_str(a->auth_used, sizeof a->auth_used, "publickey");
					return 0;
				}
			}
		}
	}
	if (has_pw || has_kbd) {
		char *asked = NULL;
		const char *pw = o->password;
		/* The password is asked first only for password
		 * authentication; keyboard-interactive asks the server's own
		 * questions when they come. */
		if (!pw && has_pw && o->ask_password) {
			char *prompt = xasprintf("%s's password: ", spec);
			asked = o->ask_password(o->ctx, prompt);
			free(prompt);
			pw = asked;
		}
		int r = -1;
		if (pw && has_pw) {
			r = libssh2_userauth_password_ex(p->s, p->user, (unsigned)strlen(p->user), pw,
							 (unsigned)strlen(pw), NULL);
			a->password_tried = true;
			if (r == 0)
				copy_str(a->auth_used, sizeof a->auth_used, "password");
			else if (r == LIBSSH2_ERROR_PASSWORD_EXPIRED)
				a->password_expired = true;
		}
		bool kbd = false;
		char *answer = NULL;
		if (r != 0 && has_kbd && !a->password_expired &&
		    (pw || o->ask_prompt || o->ask_password) &&
		    !link_error(libssh2_session_last_errno(p->s))) {
			kbd = true;
			p->kbd_opts = o;
			p->kbd_attempt = a;
			p->kbd_spec = spec;
			p->kbd_password = pw;
			p->kbd_answer = NULL;
			p->kbd_more = p->kbd_unanswered = false;
			a->server_said[0] = '\0';
			r = libssh2_userauth_keyboard_interactive_ex(p->s, p->user,
								     (unsigned)strlen(p->user),
								     kbd_callback);
			answer = p->kbd_answer;
			p->kbd_answer = NULL;
			p->kbd_password = NULL;
			p->kbd_opts = NULL;
			p->kbd_attempt = NULL;
			if (r == 0) {
				copy_str(a->auth_used, sizeof a->auth_used, "keyboard-interactive");
				a->server_said[0] = '\0';
			} else if (p->kbd_more && asks_new_password(a->server_said)) {
				a->password_expired = true;
			}
		}
		/* The same account's password is what sudo asks first. */
		const char *given = pw ? pw : answer;
		if (r == 0 && o->sudo && given && !p->sudo_pw)
			p->sudo_pw = xstrdup(given);
		secret_free(asked);
		secret_free(answer);
		if (r == 0)
			return 0;
		if (a->password_expired && *a->server_said)
			return fail(a, SSH_STAGE_AUTH, -EKEYEXPIRED, cause, spec,
				    "the password of %s has expired: the server asks for a new one "
				    "(it said: %s)",
				    p->user, a->server_said);
		if (a->password_expired)
			return fail(a, SSH_STAGE_AUTH, -EKEYEXPIRED, cause, spec,
				    "the password of %s has expired: the server asks for a new one",
				    p->user);
		if (kbd && p->kbd_unanswered && a->password_tried)
			return fail(a, SSH_STAGE_AUTH, -EACCES, cause, spec,
				    "the server asked %s for more than the password, left unanswered "
				    "(it said: %s)",
				    p->user, a->server_said);
		if (a->password_tried && *a->server_said)
			return fail(a, SSH_STAGE_AUTH, -EACCES, cause, spec,
				    "the server refused the password of %s (offered: %s; it said: %s)",
				    p->user, a->methods, a->server_said);
		if (a->password_tried)
			return fail(a, SSH_STAGE_AUTH, -EACCES, cause, spec,
				    "the server refused the password of %s (offered: %s)", p->user,
				    a->methods);
	}
	return fail(a, SSH_STAGE_AUTH, -EACCES, cause, spec,
		    "no way to log in as %s was accepted (the server offers: %s)", p->user,
		    a->methods);
}

/* The first line of text (sudo's message), at most 200 bytes, in buf. */
static const char *first_line(const char *text, char *buf, size_t cap)
{
	size_t n = text ? strcspn(text, "\n") : 0;
	if (n >= cap)
		n = cap - 1;
	if (n)
		memcpy(buf, text, n);
	buf[n] = '\0';
	return n ? buf : "no message";
}

/* Whether `id -u` through sudo answered 0 (r from sudo_run). */
static bool answered_root(int rc, struct cmd_result *r)
{
	return rc == 0 && r->status == 0 && r->out && strcmp(str_trim(r->out), "0") == 0;
}

/* Makes a login that is not root act as root through sudo (--sudo):
 * `id -u` through `sudo -n` tells whether sudo's policy asks a password;
 * when it does, the password (the login's own, --password-fd's, or asked
 * once) is tried on `id -u`, which must answer 0, and kept (a secret) for
 * every later sudo. p->sudo_pw holds the login's password on entry, or
 * NULL. Returns 0, or -EACCES with *cause naming sudo's refusal (never a
 * secret); then nothing goes through sudo. */
static int sudo_start(struct target *t, const struct ssh_opts *o, char **cause)
{
	struct ssh_priv *p = t->priv;
	char *cand = p->sudo_pw;
	p->sudo_pw = NULL;
	p->sudo = true;
	const char *const id[] = { "id", "-u", NULL };
	struct cmd_result r = { 0 };
	char msg[200];
	int rc = sudo_run(t, id, p->timeout_ms, &r);
	if (answered_root(rc, &r)) {
		/* sudo asks no password here (NOPASSWD). */
		cmd_result_free(&r);
		secret_free(cand);
		return 0;
	}
	bool asks = rc == 0 && r.err && strstr(r.err, "password is required");
	if (!asks) {
		*cause = rc < 0 ? xasprintf("%s: sudo did not run: %s", t->remote, p_lost_or(t, rc))
				: xasprintf("%s: sudo did not make %s root (status %d): %s", t->remote,
					    p->user, r.status, first_line(r.err, msg, sizeof msg));
		goto fail;
	}
	cmd_result_free(&r);
	if (!cand && o->password)
		cand = xstrdup(o->password);
	if (!cand && o->ask_password) {
		char *prompt = xasprintf("[sudo] password for %s: ", t->remote);
		cand = o->ask_password(o->ctx, prompt);
		free(prompt);
	}
	if (!cand || !*cand) {
		*cause = xasprintf("%s: sudo asks the password of %s and none was given", t->remote,
				   p->user);
		goto fail;
	}
	p->sudo_pw = cand;
	cand = NULL;
	memset(&r, 0, sizeof r);
	rc = sudo_run(t, id, p->timeout_ms, &r);
	if (answered_root(rc, &r)) {
		cmd_result_free(&r);
		return 0;
	}
	if (rc == -EACCES)
		*cause = xasprintf("%s: sudo refused the password of %s", t->remote, p->user);
	else if (rc < 0)
		*cause = xasprintf("%s: sudo did not run: %s", t->remote, p_lost_or(t, rc));
	else
		*cause = xasprintf("%s: sudo did not make %s root (status %d): %s", t->remote,
				   p->user, r.status, first_line(r.err, msg, sizeof msg));
fail:
	cmd_result_free(&r);
	secret_free(cand);
	secret_free(p->sudo_pw);
	p->sudo_pw = NULL;
	p->sudo = false;
	return -EACCES;
}

int target_ssh_connect(struct target *t, const struct ssh_opts *opts, struct ssh_attempt *a,
		       char **cause)
{
	struct ssh_priv *p = t->priv;
	memset(a, 0, sizeof *a);
	a->failed = SSH_STAGE_DONE;
	for (int i = 0; i < SSH_STAGE_N; i++)
		a->ms[i] = -1;
	const char *spec = t->remote;
	pthread_mutex_lock(&p->lock);
	disconnect(p);
	free(p->lost);
	p->lost = NULL;
	int rc;
	if (opts->sock >= 0) {
		p->sock = opts->sock;
		a->ms[SSH_STAGE_RESOLVE] = a->ms[SSH_STAGE_CONNECT] = 0;
	} else {
		long long c0 = now_ms();
		rc = do_connect(p, a, spec, cause);
		trace(p, c0, "connect", "%s %d", spec, rc < 0 ? rc : 0);
		if (rc < 0)
			goto out;
		p->sock = rc;
	}
	long long t0 = now_ms();
	p->s = libssh2_session_init_ex(wiped_alloc, wiped_free, wiped_realloc, p);
	if (!p->s) {
		rc = fail(a, SSH_STAGE_HANDSHAKE, -ENOMEM, cause, spec, "out of memory");
		goto out;
	}
	p->last_rx = now_ms();
	libssh2_session_callback_set(p->s, LIBSSH2_CALLBACK_RECV, (void *)recv_cb);
	libssh2_session_set_timeout(p->s, p->timeout_ms);
	libssh2_session_set_blocking(p->s, 1);
	int h = libssh2_session_handshake(p->s, p->sock);
	a->ms[SSH_STAGE_HANDSHAKE] = (long)(now_ms() - t0);
	trace(p, t0, "handshake", "%s %d", spec, h);
	const char *banner = libssh2_session_banner_get(p->s);
	copy_str(a->banner, sizeof a->banner, banner);
	if (h != 0) {
		char *m = NULL;
		libssh2_session_last_error(p->s, &m, NULL, 0);
		rc = fail(a, SSH_STAGE_HANDSHAKE, h == LIBSSH2_ERROR_TIMEOUT ? -ETIMEDOUT : -EPROTO,
			  cause, spec, "the SSH handshake failed: %s", m && *m ? m : "no answer");
		goto out;
	}
	t0 = now_ms();
	rc = check_host_key(p, opts, a, spec, cause);
	a->ms[SSH_STAGE_HOSTKEY] = (long)(now_ms() - t0);
	trace(p, t0, "hostkey", "%s %d", spec, rc);
	if (rc < 0)
		goto out;
	t0 = now_ms();
	rc = authenticate(p, opts, a, spec, cause);
	a->ms[SSH_STAGE_AUTH] = (long)(now_ms() - t0);
	trace(p, t0, "login", "%s %s %d", p->user, a->auth_used, rc);
	if (rc < 0)
		goto out;
	t0 = now_ms();
	int sftp_status = -1;
	/* Left for its first use when asked: a run of checks answered by
	 * the batched read needs none, and starting it costs round trips. */
	p->sftp_later = opts->sftp_at_first_use && !opts->jump_host;
	p->sftp = opts->jump_host || p->sftp_later ? NULL : sftp_start(p, &sftp_status);
	if (!p->sftp_later) {
		a->ms[SSH_STAGE_SFTP] = (long)(now_ms() - t0);
		trace(p, t0, "sftp", "%s", p->sftp ? "open" : "none");
	}
	char *said = p->ended_words;
	p->ended_words = NULL;
	if (!p->sftp && !opts->jump_host && !p->sftp_later && sftp_status >= 0 && said &&
	    asks_new_password(said)) {
		/* sshd let the login in only to have the password changed on
		 * a terminal: every session ends at once, SFTP too (whose
		 * error output sshd drops), a command with its words. */
		a->server_said[0] = '\0';
		said_piece(a, said, strlen(said));
		free(said);
		a->password_expired = true;
		rc = fail(a, SSH_STAGE_AUTH, -EKEYEXPIRED, cause, spec,
			  "the password of %s has expired: the server let the login in only to "
			  "have it changed on a terminal (it said: %s)",
			  p->user, a->server_said);
		goto out;
	}
	free(said);
	if (!p->sftp && !opts->jump_host && !p->sftp_later && sftp_status >= 0) {
		rc = fail(a, SSH_STAGE_SFTP, -EPROTO, cause, spec,
			  "the SFTP subsystem's program ended at once (exit status %d%s): the "
			  "server's sshd_config needs a Subsystem sftp line naming a program that "
			  "runs",
			  sftp_status, sftp_status == 127 ? ": not found" : "");
		goto out;
	}
	if (!p->sftp && !opts->jump_host && !p->sftp_later && sftp_status == SFTP_NO_ANSWER) {
		char *why = p->lost ? xstrdup(p->lost)
				    : xasprintf("no answer within %d s", p->timeout_ms / 1000);
		rc = fail(a, SSH_STAGE_SFTP, -ETIMEDOUT, cause, spec,
			  "the SFTP subsystem gave no answer (%s): the machine or the link stopped "
			  "answering, or the program its Subsystem sftp line names hangs",
			  why);
		free(why);
		goto out;
	}
	if (!p->sftp && !opts->jump_host && !p->sftp_later) {
		char *m = NULL;
		libssh2_session_last_error(p->s, &m, NULL, 0);
		rc = fail(a, SSH_STAGE_SFTP, -EPROTO, cause, spec,
			  "the SFTP subsystem did not start (%s): the server's sshd_config needs a "
			  "Subsystem sftp line",
			  m && *m ? m : "refused");
		goto out;
	}
	p->connected = true;
	rc = 0;
out:
	if (rc < 0)
		disconnect(p);
	pthread_mutex_unlock(&p->lock);
	if (rc < 0 || opts->jump_host)
		return rc;
	/* Which system answers, and whether the login is root (sshd -T,
	 * root-only files), in one round trip: a POSIX shell prints id's
	 * number and skips ver; cmd.exe, the shell of a Windows OpenSSH
	 * server, knows no id and answers ver ("Microsoft Windows [Version
	 * ...]"). */
	struct cmd_result r;
	memset(&r, 0, sizeof r);
	if (ssh_exec(t, "id -u || ver", p->timeout_ms, &r) == 0 && r.out) {
		if (strstr(r.out, "Microsoft Windows [")) {
			struct cmd_result c;
			memset(&c, 0, sizeof c);
			unsigned cp = 0;
			if (ssh_exec(t, "chcp", p->timeout_ms, &c) == 0 && c.out)
				cp = win_chcp_parse(c.out);
			cmd_result_free(&c);
			pthread_mutex_lock(&p->lock);
			p->windows = true;
			p->codepage = cp ? cp : 437;
			pthread_mutex_unlock(&p->lock);
			t->os = TARGET_OS_WINDOWS;
			t->is_root = false;
			/* Its files are not changed from here; the journal of the
			 * commands run there is kept there, under the folder its
			 * cmd.exe names %ProgramData% (not assumed on C:). */
			t->can_write = false;
			struct cmd_result e;
			memset(&e, 0, sizeof e);
			char *base = NULL;
			if (ssh_exec(t, "echo %ProgramData%", p->timeout_ms, &e) == 0 && e.status == 0 &&
			    e.out)
				base = win_sftp_path(str_trim(e.out));
			cmd_result_free(&e);
			if (base) {
				pthread_mutex_lock(&p->lock);
				free(p->journal_dir);
				p->journal_dir = xasprintf("%s/asr-doctor/journal", base);
				pthread_mutex_unlock(&p->lock);
				t->store_only = true;
			}
			free(base);
		} else if (r.status == 0) {
			str_trim(r.out);
			t->is_root = strcmp(r.out, "0") == 0;
		}
	}
	cmd_result_free(&r);
	if (opts->sudo && !t->is_root && t->os == TARGET_OS_LINUX) {
		rc = sudo_start(t, opts, cause);
		if (rc < 0) {
			pthread_mutex_lock(&p->lock);
			disconnect(p);
			pthread_mutex_unlock(&p->lock);
			return rc;
		}
		t->is_root = true;
	} else {
		/* Root already, or no sudo: the login's password is not kept. */
		secret_free(p->sudo_pw);
		p->sudo_pw = NULL;
	}
	return 0;
}

int target_ssh_tunnel(struct target *t, const char *host, int port, struct ssh_tunnel **tun,
		      int *fd, char **cause)
{
	struct ssh_priv *p;
	int rc = enter_link(t, &p);
	if (rc < 0) {
		*cause = xasprintf("%s: not connected", t->remote);
		return rc;
	}
	char *why = NULL;
	rc = ssh_tunnel_open(p->s, p->sock, host, port, tun, fd, &why);
	leave(p);
	if (rc < 0) {
		*cause = xasprintf("jump host %s: %s", t->remote, why);
		free(why);
	}
	return rc;
}
