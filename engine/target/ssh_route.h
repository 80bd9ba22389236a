/* ssh_route.h: how to reach a machine named on the command line, as ssh(1)
 * would: the name is an alias resolved through ~/.ssh/config (HostName,
 * User, Port, IdentityFile, ProxyJump; see ssh_config.h), what the command
 * line says wins over the file ([user@] and :port of the name, -i, -J),
 * and each jump host is itself an alias resolved the same way. As with
 * ssh, `-J a,b host` reaches b through a and host through b; the first
 * hop's own ProxyJump is followed in turn (the later hops' are not: ssh
 * passes them -J), to a depth of SSH_ROUTE_HOPS_MAX. A ProxyCommand in
 * effect is refused (asr-doctor runs no command from a configuration
 * file). */
#ifndef ASR_SSH_ROUTE_H
#define ASR_SSH_ROUTE_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/target/ssh_config.h"

/* Jump hosts at most on one route. */
#define SSH_ROUTE_HOPS_MAX 8

/* One machine to log in to. All owned. */
struct ssh_endpoint {
	char *alias;      /* as named ("web1", "ops@bastion:2222" -> "bastion") */
	char *host;       /* to connect to: HostName, or the alias */
	char *user;       /* the login: the name's user@, User, or the local user */
	int port;         /* the name's :port, Port, or 22 */
	char **identity;  /* key files to offer, expanded: -i first, then IdentityFile */
	size_t n_identity;
};

/* The whole way: hops[0] is reached directly, each next one through the
 * one before, the target through the last. */
struct ssh_route {
	struct ssh_endpoint *hops;
	size_t n_hops;
	struct ssh_endpoint target;
	char **notes;     /* what the configuration has that was not evaluated */
	size_t n_notes;
};

/* What the command line says. All borrowed; NULL when not given. */
struct ssh_route_args {
	const char *spec;     /* "[user@]host[:port]" (--target, probe) */
	const char *jump;     /* -J "[user@]host[:port][,...]", or "none" */
	const char *identity; /* -i FILE */
	const char *config;   /* the configuration file; NULL for ~/.ssh/config,
			       * "none" for none */
};

/* Resolves args into *out (cleared first; ssh_route_free, also after a
 * failure). Returns 0, or a negative errno with *cause (caller frees):
 * -EINVAL for a bad name or jump list, or a ProxyCommand in effect;
 * -ELOOP for jump hosts that lead back to a machine on the route or
 * exceed SSH_ROUTE_HOPS_MAX; or what ssh_config_resolve and
 * ssh_config_expand_path return. */
int ssh_route_resolve(const struct ssh_route_args *args, const struct ssh_config_env *env,
		      struct ssh_route *out, char **cause);

/* Releases what *r owns and clears it. */
void ssh_route_free(struct ssh_route *r);

#endif
