/* ssh_route.c: a machine's name and the command line's -i and -J turned
 * into the logins to make, through ~/.ssh/config (see ssh_route.h). */
#include "engine/target/ssh_route.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/target/ssh_jump.h"
#include "engine/util/util.h"

/* Where the hops are gathered while the route is built. */
struct builder {
	const struct ssh_route_args *args;
	const struct ssh_config_env *env;
	struct ssh_route *out;
	size_t cap;
	struct strvec notes;
	char **cause;
};

static void endpoint_free(struct ssh_endpoint *e)
{
	free(e->alias);
	free(e->host);
	free(e->user);
	for (size_t i = 0; i < e->n_identity; i++)
		free(e->identity[i]);
	free(e->identity);
	memset(e, 0, sizeof *e);
}

void ssh_route_free(struct ssh_route *r)
{
	for (size_t i = 0; i < r->n_hops; i++)
		endpoint_free(&r->hops[i]);
	free(r->hops);
	endpoint_free(&r->target);
	for (size_t i = 0; i < r->n_notes; i++)
		free(r->notes[i]);
	free(r->notes);
	memset(r, 0, sizeof *r);
}

/* Expands one key file for endpoint e into ids. */
static int add_identity(struct builder *b, const struct ssh_endpoint *e, const char *raw,
			struct strvec *ids)
{
	struct ssh_config_tokens tok = { e->alias, e->host, e->user, e->port };
	char *path = NULL;
	int rc = ssh_config_expand_path(raw, b->env, &tok, &path, b->cause);
	if (rc == 0)
		sv_take(ids, path);
	return rc;
}

/* Resolves one name through the configuration into *e; *jump gets the
 * alias's own ProxyJump (caller frees; NULL for none). With cli, the
 * command line's -i comes first and a ProxyCommand is refused unless -J
 * overrides it. */
static int resolve_hop(struct builder *b, const struct ssh_hop *hop, bool cli,
		       struct ssh_endpoint *e, char **jump)
{
	*jump = NULL;
	struct ssh_config_host h;
	int rc;
	const char *config = b->args->config;
	if (config && strcmp(config, "none") == 0) {
		rc = ssh_config_resolve_text("", 0, "none", hop->host, b->env, &h, b->cause);
	} else {
		char *path = config ? xstrdup(config) : ssh_config_default_path(b->env);
		rc = ssh_config_resolve(path, hop->host, b->env, &h, b->cause);
		free(path);
	}
	if (rc < 0) {
		ssh_config_host_free(&h);
		return rc;
	}
	for (size_t i = 0; i < h.n_notes; i++)
		if (!sv_contains(&b->notes, h.notes[i]))
			sv_push(&b->notes, h.notes[i]);
	e->alias = xstrdup(hop->host);
	e->host = xstrdup(h.hostname);
	e->user = xstrdup(hop->user ? hop->user : h.user ? h.user : b->env->local_user);
	e->port = hop->port ? hop->port : h.port ? h.port : 22;
	bool jump_given = cli && b->args->jump;
	if (h.proxycommand && !jump_given) {
		*b->cause = xasprintf("the configuration sets a ProxyCommand for %s, which asr-doctor "
				      "does not run; use ProxyJump or -J",
				      hop->host);
		ssh_config_host_free(&h);
		return -EINVAL;
	}
	struct strvec ids = { 0 };
	if (cli && b->args->identity)
		rc = add_identity(b, e, b->args->identity, &ids);
	for (size_t i = 0; rc == 0 && i < h.n_identity; i++)
		rc = add_identity(b, e, h.identity[i], &ids);
	e->identity = ids.v;
	e->n_identity = ids.n;
	if (rc == 0 && h.proxyjump)
		*jump = xstrdup(h.proxyjump);
	ssh_config_host_free(&h);
	return rc;
}

/* Whether an endpoint with e's address is already on the route. */
static bool on_route(const struct builder *b, const struct ssh_endpoint *e)
{
	const struct ssh_route *r = b->out;
	for (size_t i = 0; i < r->n_hops; i++)
		if (strcmp(r->hops[i].host, e->host) == 0 && r->hops[i].port == e->port)
			return true;
	return r->target.host && strcmp(r->target.host, e->host) == 0 && r->target.port == e->port;
}

/* Appends the hops of a jump list, the first one's own jump hosts before
 * it. */
static int add_chain(struct builder *b, const char *list, int depth)
{
	if (strcmp(list, "none") == 0)
		return 0;
	struct ssh_hop *hops = NULL;
	size_t n = 0;
	int rc = ssh_jump_parse(list, &hops, &n, b->cause);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct ssh_endpoint e = { 0 };
		char *jump = NULL;
		rc = resolve_hop(b, &hops[i], false, &e, &jump);
		if (rc == 0 && i == 0 && jump) {
			if (depth + 1 >= SSH_ROUTE_HOPS_MAX) {
				*b->cause = xasprintf("jump hosts nested more than %d deep at %s",
						      SSH_ROUTE_HOPS_MAX, hops[i].host);
				rc = -ELOOP;
			} else {
				rc = add_chain(b, jump, depth + 1);
			}
		}
		free(jump);
		if (rc == 0 && (on_route(b, &e) || b->out->n_hops >= SSH_ROUTE_HOPS_MAX)) {
			*b->cause = xasprintf("jump host loop via %s port %d", e.host, e.port);
			rc = -ELOOP;
		}
		if (rc < 0) {
			endpoint_free(&e);
			break;
		}
		b->out->hops = xgrow(b->out->hops, &b->cap, b->out->n_hops + 1, sizeof e);
		b->out->hops[b->out->n_hops++] = e;
	}
	ssh_hops_free(hops, n);
	return rc;
}

int ssh_route_resolve(const struct ssh_route_args *args, const struct ssh_config_env *env,
		      struct ssh_route *out, char **cause)
{
	memset(out, 0, sizeof *out);
	struct builder b = { .args = args, .env = env, .out = out, .cause = cause };
	struct ssh_hop *name = NULL;
	size_t n = 0;
	const char *spec = args->spec ? args->spec : "";
	char *why = NULL;
	int rc = ssh_jump_parse(spec, &name, &n, &why);
	free(why);
	if (rc < 0 || n != 1) {
		*cause = xasprintf("bad machine name \"%s\": expected [user@]host[:port]", spec);
		rc = -EINVAL;
	}
	char *jump = NULL;
	if (rc == 0)
		rc = resolve_hop(&b, &name[0], true, &out->target, &jump);
	const char *list = args->jump ? args->jump : jump;
	if (rc == 0 && list)
		rc = add_chain(&b, list, 0);
	free(jump);
	ssh_hops_free(name, n);
	out->notes = b.notes.v;
	out->n_notes = b.notes.n;
	return rc;
}
