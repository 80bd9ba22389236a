/* ssh_jump.c: jump lists and the direct-tcpip tunnel through a jump host
 * (see ssh_jump.h). The forwarding thread runs the jump session in
 * non-blocking mode and copies both ways with a buffer each, waiting in
 * poll(2) on the socketpair, the jump host's socket (in the directions
 * libssh2 asks for) and a stop pipe. */
#include "engine/target/ssh_jump.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "engine/util/util.h"

#define TUNNEL_BUF 32768

struct ssh_tunnel {
	LIBSSH2_SESSION *session; /* the jump session (borrowed) */
	LIBSSH2_CHANNEL *channel; /* owned */
	int jump_sock;            /* borrowed */
	int pair[2];              /* [0] the thread's end, [1] the caller's
				   * until handed over (then -1) */
	int stop[2];              /* a pipe: a byte on it stops the thread */
	pthread_t thread;
	atomic_ullong up, down;
};

void ssh_hops_free(struct ssh_hop *hops, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(hops[i].user);
		free(hops[i].host);
	}
	free(hops);
}

/* Parses one hop into *h. */
static int parse_hop(const char *s, struct ssh_hop *h, char **cause)
{
	memset(h, 0, sizeof *h);
	if (str_starts(s, "ssh://"))
		s += 6;
	const char *at = strrchr(s, '@');
	if (at) {
		if (at == s)
			goto bad;
		h->user = xstrndup(s, (size_t)(at - s));
		s = at + 1;
	}
	const char *port = NULL;
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (!close || close == s + 1 || (close[1] != '\0' && close[1] != ':'))
			goto bad;
		h->host = xstrndup(s + 1, (size_t)(close - s - 1));
		port = close[1] == ':' ? close + 2 : NULL;
	} else {
		/* As ssh: the port after the first colon (an IPv6 address
		 * needs its brackets). */
		const char *colon = strchr(s, ':');
		h->host = colon ? xstrndup(s, (size_t)(colon - s)) : xstrdup(s);
		port = colon ? colon + 1 : NULL;
	}
	if (!h->host[0])
		goto bad;
	if (port) {
		long p;
		if (!str_to_long(port, &p) || p < 1 || p > 65535)
			goto bad;
		h->port = (int)p;
	}
	return 0;
bad:
	*cause = xasprintf("bad jump host \"%s\": expected [user@]host[:port]", s);
	free(h->user);
	free(h->host);
	memset(h, 0, sizeof *h);
	return -EINVAL;
}

int ssh_jump_parse(const char *spec, struct ssh_hop **hops, size_t *n, char **cause)
{
	*hops = NULL;
	*n = 0;
	if (!spec[0] || spec[strlen(spec) - 1] == ',') {
		*cause = xasprintf("bad jump host list \"%s\"", spec);
		return -EINVAL;
	}
	char *copy = xstrdup(spec);
	size_t cap = 0;
	int rc = 0;
	for (char *hop = copy, *next; hop && rc == 0; hop = next) {
		next = strchr(hop, ',');
		if (next)
			*next++ = '\0';
		*hops = xgrow(*hops, &cap, *n + 1, sizeof **hops);
		rc = parse_hop(hop, &(*hops)[*n], cause);
		if (rc == 0)
			(*n)++;
	}
	free(copy);
	if (rc < 0) {
		char *inner = *cause;
		*cause = xasprintf("%s (in \"%s\")", inner, spec);
		free(inner);
		ssh_hops_free(*hops, *n);
		*hops = NULL;
		*n = 0;
	}
	return rc;
}

/* Writes what is pending to the caller's side; false when it is gone. */
static bool flush_local(int fd, const char *buf, size_t *off, size_t *len)
{
	while (*off < *len) {
		ssize_t w = write(fd, buf + *off, *len - *off);
		if (w < 0 && (errno == EAGAIN || errno == EINTR))
			return true;
		if (w < 0)
			return false;
		*off += (size_t)w;
	}
	*off = *len = 0;
	return true;
}

/* The forwarding thread. */
static void *tunnel_main(void *arg)
{
	struct ssh_tunnel *t = arg;
	char out[TUNNEL_BUF], in[TUNNEL_BUF]; /* to the target, from it */
	size_t out_off = 0, out_len = 0, in_off = 0, in_len = 0;
	bool local_eof = false, eof_sent = false, remote_eof = false, remote_shut = false;
	for (;;) {
		/* The caller's bytes to the channel. */
		if (!local_eof && out_len == 0) {
			ssize_t r = read(t->pair[0], out, sizeof out);
			if (r > 0)
				out_len = (size_t)r;
			else if (r == 0 || (errno != EAGAIN && errno != EINTR))
				local_eof = true;
		}
		while (out_off < out_len) {
			ssize_t w = libssh2_channel_write(t->channel, out + out_off, out_len - out_off);
			if (w == LIBSSH2_ERROR_EAGAIN)
				break;
			if (w < 0)
				goto done;
			out_off += (size_t)w;
			t->up += (unsigned long long)w;
		}
		if (out_off == out_len)
			out_off = out_len = 0;
		if (local_eof && out_len == 0 && !eof_sent) {
			int e = libssh2_channel_send_eof(t->channel);
			if (e == 0)
				eof_sent = true;
			else if (e != LIBSSH2_ERROR_EAGAIN)
				goto done;
		}
		/* The channel's bytes to the caller. */
		while (!remote_eof && in_len == 0) {
			ssize_t r = libssh2_channel_read(t->channel, in, sizeof in);
			if (r == LIBSSH2_ERROR_EAGAIN)
				break;
			if (r < 0)
				goto done;
			if (r == 0) {
				if (libssh2_channel_eof(t->channel))
					remote_eof = true;
				break;
			}
			in_len = (size_t)r;
			t->down += (unsigned long long)r;
			if (!flush_local(t->pair[0], in, &in_off, &in_len))
				goto done;
		}
		if (in_len && !flush_local(t->pair[0], in, &in_off, &in_len))
			goto done;
		if (remote_eof && in_len == 0 && !remote_shut) {
			shutdown(t->pair[0], SHUT_WR);
			remote_shut = true;
		}
		if (remote_shut && eof_sent)
			break;

		int dirs = libssh2_session_block_directions(t->session);
		struct pollfd p[3] = {
			{ .fd = t->stop[0], .events = POLLIN },
			{ .fd = t->jump_sock, .events = POLLIN },
			{ .fd = t->pair[0] },
		};
		if (dirs & LIBSSH2_SESSION_BLOCK_OUTBOUND)
			p[1].events |= POLLOUT;
		if (!local_eof && out_len == 0)
			p[2].events |= POLLIN;
		if (in_len)
			p[2].events |= POLLOUT;
		if (!p[2].events)
			p[2].fd = -1;
		if (poll(p, 3, 1000) < 0 && errno != EINTR)
			break;
		if (p[0].revents)
			break;
		if (p[1].revents & (POLLERR | POLLNVAL))
			break;
	}
done:
	/* The caller sees the end of the stream. */
	shutdown(t->pair[0], SHUT_RDWR);
	return NULL;
}

int ssh_tunnel_open(LIBSSH2_SESSION *jump, int jump_sock, const char *host, int port,
		    struct ssh_tunnel **out, int *fd, char **cause)
{
	*out = NULL;
	*fd = -1;
	libssh2_session_set_blocking(jump, 1);
	LIBSSH2_CHANNEL *ch = libssh2_channel_direct_tcpip_ex(jump, host, port, "127.0.0.1", 0);
	if (!ch) {
		char *msg = NULL;
		int err = libssh2_session_last_error(jump, &msg, NULL, 0);
		*cause = xasprintf("the jump host did not open a connection to %s port %d: %s", host,
				   port, msg && *msg ? msg : "no reason given");
		return err == LIBSSH2_ERROR_CHANNEL_FAILURE ? -ECONNREFUSED : -EIO;
	}
	struct ssh_tunnel *t = xcalloc(1, sizeof *t);
	t->session = jump;
	t->channel = ch;
	t->jump_sock = jump_sock;
	t->pair[0] = t->pair[1] = t->stop[0] = t->stop[1] = -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, t->pair) != 0 ||
	    pipe2(t->stop, O_CLOEXEC) != 0) {
		int err = errno;
		*cause = xasprintf("cannot make the tunnel's socket: %s", strerror(err));
		ssh_tunnel_close(t);
		return -err;
	}
	fcntl(t->pair[0], F_SETFL, fcntl(t->pair[0], F_GETFL) | O_NONBLOCK);
	libssh2_session_set_blocking(jump, 0);
	int e = pthread_create(&t->thread, NULL, tunnel_main, t);
	if (e != 0) {
		*cause = xasprintf("cannot start the tunnel's thread: %s", strerror(e));
		t->thread = 0;
		ssh_tunnel_close(t);
		return -e;
	}
	*out = t;
	*fd = t->pair[1];
	t->pair[1] = -1; /* the caller's now */
	return 0;
}

void ssh_tunnel_counts(const struct ssh_tunnel *t, unsigned long long *up,
		       unsigned long long *down)
{
	*up = t->up;
	*down = t->down;
}

void ssh_tunnel_close(struct ssh_tunnel *t)
{
	if (!t)
		return;
	if (t->thread) {
		ssize_t w;
		do
			w = write(t->stop[1], "x", 1);
		while (w < 0 && errno == EINTR);
		pthread_join(t->thread, NULL);
	}
	libssh2_session_set_blocking(t->session, 1);
	if (t->channel)
		libssh2_channel_free(t->channel);
	for (int i = 0; i < 2; i++) {
		if (t->pair[i] >= 0)
			close(t->pair[i]);
		if (t->stop[i] >= 0)
			close(t->stop[i]);
	}
	free(t);
}
