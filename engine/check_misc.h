/* check_misc.h: internal entry points of the space, account and network
 * checks, so that their tests can drive them with their own thresholds,
 * ports and dates. The checks in the registry call them with the real
 * values (see the tables in check_space.c and check_net.c). */
#ifndef ASR_CHECK_MISC_H
#define ASR_CHECK_MISC_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/check.h"

/* One free-space requirement: at least need_mb MB (MiB) available on the
 * file system holding path (or its nearest existing parent). */
struct space_need {
	const char *path;
	unsigned long long need_mb;
	const char *what_en; /* "agent copy", ... */
	const char *what_zh;
};

/* Measures each need with target_statvfs (the "available" figure, as df
 * shows it) and records one note per path: "PATH (WHAT): N MB available
 * of T MB; needs M MB". FAIL when any is below its need, ERROR when a
 * path cannot be measured, else PASS. */
void space_evaluate(const struct check_ctx *ctx, struct check_result *r,
		    const struct space_need *needs, size_t n);

/* The folder the agent installs into: INSTALLATION_DIR of
 * /usr/local/.vx_version when an agent is installed, else /usr/local/ASR.
 * Caller frees. */
char *agent_install_dir(struct target *t);

/* Evaluates root's entry in /etc/shadow and /etc/passwd as of day
 * `today` (days since 1970-01-01, as shadow counts). */
void account_root_evaluate(const struct check_ctx *ctx, struct check_result *r, long today);

/* One TCP port net.server tries on the server. */
struct net_port {
	int port;
	bool required; /* closed: FAIL; otherwise only WARN */
	const char *what_en;
	const char *what_zh;
};

/* Resolves ctx->server and tries each port (non-blocking connect, poll
 * with ctx->timeout_ms, 3 s when 0), recording each as evidence. NA when
 * no server is given or the target is not this machine. */
void net_server_probe(const struct check_ctx *ctx, struct check_result *r,
		      const struct net_port *ports, size_t n);

#endif
