/* relay.c: a TCP relay for the benchmark that makes a loopback link look
 * far away (this kernel has no netem). It listens on 127.0.0.1, connects
 * each client to the target, and holds every chunk of data for half the
 * round-trip delay in each direction, keeping the order of the bytes and
 * of a half-close; bandwidth is not limited. It counts, over all its
 * connections: bytes each way, turns (the data changing direction) and
 * round trips (the times the server starts answering, each a wait the
 * client had to sit through at this delay).
 *
 * Usage: relay [-d RTT_MS] [-p PORTFILE] [-s STATSFILE] LISTEN_PORT HOST PORT
 * LISTEN_PORT 0 picks a free port, written to PORTFILE. STATSFILE is
 * rewritten (atomically) when a connection starts or ends, as one line:
 *   relay conns=N open=N up=BYTES down=BYTES turns=N rt=N
 * SIGTERM or SIGINT ends it. One thread and poll(2); never a test. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 64
#define CHUNK 65536
/* A direction stops reading while this much waits in its queue. */
#define QUEUE_MAX (4u << 20)

/* Data read from one side, waiting for its time to be written. */
struct chunk {
	struct chunk *next;
	uint64_t due_us;
	size_t len, off;
	bool eof; /* the reading side closed: shut the writing side down */
	char data[];
};

/* One direction of a connection: from fd[from] to fd[to]. */
struct dir {
	int from, to;
	struct chunk *head, *tail;
	size_t queued;
	bool read_eof;  /* nothing more will be read */
	bool done;      /* the EOF was passed on (or the peer is gone) */
	bool want_out;  /* a write would block: poll for POLLOUT */
	uint64_t bytes;
};

struct conn {
	bool used;
	int fd[2];      /* 0 the client, 1 the server */
	struct dir d[2]; /* 0 client to server, 1 server to client */
	int last;       /* direction of the last data read, -1 before any */
	uint64_t turns, rt;
};

static struct conn conns[MAX_CONNS];
static uint64_t delay_us; /* one way: half the round trip */
static const char *stats_path;
static struct {
	uint64_t conns, up, down, turns, rt;
} total;
static volatile sig_atomic_t stop;

static uint64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void set_nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

/* Writes the totals (closed connections, and the live ones so far). */
static void write_stats(void)
{
	if (!stats_path)
		return;
	uint64_t open_n = 0, up = total.up, down = total.down, turns = total.turns, rt = total.rt;
	for (int i = 0; i < MAX_CONNS; i++) {
		if (!conns[i].used)
			continue;
		open_n++;
		up += conns[i].d[0].bytes;
		down += conns[i].d[1].bytes;
		turns += conns[i].turns;
		rt += conns[i].rt;
	}
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", stats_path);
	FILE *f = fopen(tmp, "w");
	if (!f)
		return;
	fprintf(f, "relay conns=%llu open=%llu up=%llu down=%llu turns=%llu rt=%llu\n",
		(unsigned long long)total.conns, (unsigned long long)open_n,
		(unsigned long long)up, (unsigned long long)down, (unsigned long long)turns,
		(unsigned long long)rt);
	if (fclose(f) == 0)
		rename(tmp, stats_path);
}

static void conn_close(struct conn *c)
{
	for (int k = 0; k < 2; k++) {
		close(c->fd[k]);
		while (c->d[k].head) {
			struct chunk *n = c->d[k].head->next;
			free(c->d[k].head);
			c->d[k].head = n;
		}
	}
	total.up += c->d[0].bytes;
	total.down += c->d[1].bytes;
	total.turns += c->turns;
	total.rt += c->rt;
	memset(c, 0, sizeof *c);
	write_stats();
}

static void enqueue(struct dir *d, const char *data, size_t len, bool eof)
{
	struct chunk *ch = malloc(sizeof *ch + len);
	if (!ch) {
		perror("relay: malloc");
		exit(1);
	}
	ch->next = NULL;
	ch->due_us = now_us() + delay_us;
	ch->len = len;
	ch->off = 0;
	ch->eof = eof;
	memcpy(ch->data, data, len);
	if (d->tail)
		d->tail->next = ch;
	else
		d->head = ch;
	d->tail = ch;
	d->queued += len;
}

/* Reads what one side has and queues it; counts turns and round trips. */
static void do_read(struct conn *c, int k)
{
	struct dir *d = &c->d[k];
	char buf[CHUNK];
	ssize_t n = read(d->from, buf, sizeof buf);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		d->read_eof = true;
		enqueue(d, "", 0, true);
		return;
	}
	d->bytes += (uint64_t)n;
	if (c->last != k) {
		if (c->last >= 0)
			c->turns++;
		if (k == 1)
			c->rt++;
		c->last = k;
	}
	enqueue(d, buf, (size_t)n, false);
}

/* Writes the chunks that are due; returns false when the connection is
 * beyond use. */
static bool do_write(struct dir *d, uint64_t now)
{
	d->want_out = false;
	while (d->head && d->head->due_us <= now) {
		struct chunk *ch = d->head;
		if (ch->eof) {
			shutdown(d->to, SHUT_WR);
			d->done = true;
		} else {
			ssize_t n = write(d->to, ch->data + ch->off, ch->len - ch->off);
			if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
				d->want_out = true;
				return true;
			}
			if (n < 0)
				return false;
			ch->off += (size_t)n;
			if (ch->off < ch->len)
				continue;
			d->queued -= ch->len;
		}
		d->head = ch->next;
		if (!d->head)
			d->tail = NULL;
		free(ch);
	}
	return true;
}

/* Accepts a client and connects it to the target. */
static void do_accept(int lfd, const struct sockaddr_in *target)
{
	int cfd = accept(lfd, NULL, NULL);
	if (cfd < 0)
		return;
	int sfd = socket(AF_INET, SOCK_STREAM, 0);
	if (sfd < 0 || connect(sfd, (const struct sockaddr *)target, sizeof *target) != 0) {
		perror("relay: connect to the target");
		if (sfd >= 0)
			close(sfd);
		close(cfd);
		return;
	}
	struct conn *c = NULL;
	for (int i = 0; i < MAX_CONNS && !c; i++)
		if (!conns[i].used)
			c = &conns[i];
	if (!c) {
		fprintf(stderr, "relay: more than %d connections\n", MAX_CONNS);
		close(sfd);
		close(cfd);
		return;
	}
	set_nonblock(cfd);
	set_nonblock(sfd);
	memset(c, 0, sizeof *c);
	c->used = true;
	c->fd[0] = cfd;
	c->fd[1] = sfd;
	c->d[0].from = cfd;
	c->d[0].to = sfd;
	c->d[1].from = sfd;
	c->d[1].to = cfd;
	c->last = -1;
	total.conns++;
	write_stats();
}

static int usage(void)
{
	fprintf(stderr, "usage: relay [-d RTT_MS] [-p PORTFILE] [-s STATSFILE] LISTEN_PORT HOST PORT\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *port_path = NULL;
	int opt;
	while ((opt = getopt(argc, argv, "d:p:s:")) != -1) {
		switch (opt) {
		case 'd': delay_us = strtoull(optarg, NULL, 10) * 1000u / 2u; break;
		case 'p': port_path = optarg; break;
		case 's': stats_path = optarg; break;
		default: return usage();
		}
	}
	if (argc - optind != 3)
		return usage();
	struct sockaddr_in target = { .sin_family = AF_INET };
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *ai = NULL;
	if (getaddrinfo(argv[optind + 1], argv[optind + 2], &hints, &ai) != 0 || !ai) {
		fprintf(stderr, "relay: cannot resolve %s:%s\n", argv[optind + 1], argv[optind + 2]);
		return 1;
	}
	memcpy(&target, ai->ai_addr, sizeof target);
	freeaddrinfo(ai);

	signal(SIGPIPE, SIG_IGN);
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	int lfd = socket(AF_INET, SOCK_STREAM, 0);
	int one = 1;
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in la = { .sin_family = AF_INET,
				  .sin_port = htons((uint16_t)atoi(argv[optind])),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t llen = sizeof la;
	if (bind(lfd, (struct sockaddr *)&la, sizeof la) != 0 || listen(lfd, 16) != 0 ||
	    getsockname(lfd, (struct sockaddr *)&la, &llen) != 0) {
		perror("relay: listen");
		return 1;
	}
	write_stats();
	if (port_path) {
		FILE *f = fopen(port_path, "w");
		if (!f || fprintf(f, "%d\n", ntohs(la.sin_port)) < 0 || fclose(f) != 0) {
			perror(port_path);
			return 1;
		}
	}

	while (!stop) {
		struct pollfd pfd[1 + 2 * MAX_CONNS];
		struct conn *owner[1 + 2 * MAX_CONNS];
		int side[1 + 2 * MAX_CONNS];
		nfds_t n = 0;
		pfd[n++] = (struct pollfd){ .fd = lfd, .events = POLLIN };
		uint64_t now = now_us(), next = UINT64_MAX;
		for (int i = 0; i < MAX_CONNS; i++) {
			struct conn *c = &conns[i];
			if (!c->used)
				continue;
			for (int k = 0; k < 2; k++) {
				short ev = 0;
				if (!c->d[k].read_eof && c->d[k].queued < QUEUE_MAX)
					ev |= POLLIN;
				if (c->d[1 - k].want_out)
					ev |= POLLOUT;
				if (c->d[1 - k].head && !c->d[1 - k].want_out &&
				    c->d[1 - k].head->due_us < next)
					next = c->d[1 - k].head->due_us;
				owner[n] = c;
				side[n] = k;
				/* Nothing to wait for here: leave it out, or a hang-up
				 * would wake the loop again and again. */
				pfd[n++] = (struct pollfd){ .fd = ev ? c->fd[k] : -1, .events = ev };
			}
		}
		int timeout = -1;
		if (next != UINT64_MAX)
			timeout = next <= now ? 0 : (int)((next - now + 999) / 1000);
		if (poll(pfd, n, timeout) < 0 && errno != EINTR) {
			perror("relay: poll");
			return 1;
		}
		if (pfd[0].revents & POLLIN)
			do_accept(lfd, &target);
		for (nfds_t j = 1; j < n; j++) {
			struct conn *c = owner[j];
			int k = side[j];
			if (pfd[j].revents & (POLLIN | POLLHUP | POLLERR) && !c->d[k].read_eof)
				do_read(c, k);
		}
		now = now_us();
		for (int i = 0; i < MAX_CONNS; i++) {
			struct conn *c = &conns[i];
			if (!c->used)
				continue;
			bool ok = do_write(&c->d[0], now) && do_write(&c->d[1], now);
			if (!ok || (c->d[0].done && c->d[1].done))
				conn_close(c);
		}
	}
	for (int i = 0; i < MAX_CONNS; i++)
		if (conns[i].used)
			conn_close(&conns[i]);
	close(lfd);
	write_stats();
	return 0;
}
