/* ssh_jump.h: reaching an SSH server through a jump host, as `ssh -J` and
 * ProxyJump do. The jump host's session opens a direct-tcpip channel to
 * the target (the jump host's sshd makes the TCP connection, so its
 * AllowTcpForwarding and PermitOpen decide); a forwarding thread copies
 * bytes between that channel and one end of a socketpair, and the other
 * end is an ordinary socket descriptor on which a second libssh2 session
 * runs its own handshake, host key check and authentication with the
 * target, end to end (the jump host sees only ciphertext).
 *
 * Also the parsing of a jump list, "[user@]host[:port][,...]" or
 * ssh://[user@]host[:port] hops, as -J and ProxyJump write it. */
#ifndef ASR_SSH_JUMP_H
#define ASR_SSH_JUMP_H

#include <libssh2.h>
#include <stddef.h>

/* One hop of a jump list. All owned. */
struct ssh_hop {
	char *user; /* NULL when the hop names none */
	char *host; /* a name or an address (an IPv6 one without brackets) */
	int port;   /* 0 when the hop names none */
};

/* Parses a jump list into *hops (n of them; free with ssh_hops_free).
 * Returns 0, or -EINVAL with *cause (caller frees) for an empty hop, an
 * empty user or host, or a port that is not 1..65535. */
int ssh_jump_parse(const char *spec, struct ssh_hop **hops, size_t *n, char **cause);

/* Releases a hop list. */
void ssh_hops_free(struct ssh_hop *hops, size_t n);

/* A running tunnel: the channel, the thread and the socketpair. */
struct ssh_tunnel;

/* Opens a direct-tcpip channel on the authenticated session jump (whose
 * TCP socket is jump_sock) to host:port, as reached from the jump host,
 * and starts the thread that forwards it. From then on the thread owns
 * the jump session: the caller must not use it until ssh_tunnel_close.
 * Returns 0 with *out and *fd, the socket on which to run the session to
 * the target (the caller's to close, after which the tunnel sends EOF), or
 * -ECONNREFUSED (the jump host could not or would not connect: refused,
 * not permitted by its sshd, no such host) or -EIO with *cause (caller
 * frees), naming the jump host's reason. */
int ssh_tunnel_open(LIBSSH2_SESSION *jump, int jump_sock, const char *host, int port,
		    struct ssh_tunnel **out, int *fd, char **cause);

/* Bytes the tunnel carried so far: to the target and back. */
void ssh_tunnel_counts(const struct ssh_tunnel *t, unsigned long long *up,
		       unsigned long long *down);

/* Stops the thread, closes the channel and the socketpair, and frees the
 * tunnel (NULL is fine). The jump session is the caller's again (in
 * blocking mode), to disconnect. Call it after the session that ran over
 * the tunnel's descriptor has been freed and the descriptor closed. */
void ssh_tunnel_close(struct ssh_tunnel *t);

#endif
