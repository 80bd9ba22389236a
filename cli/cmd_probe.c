/* cmd_probe.c: `asr-doctor probe [user@]host[:port]`: the push install's
 * steps replayed against a Linux machine, each with what it did and how
 * long it took, stopping at the first failure (engine/probe.c). */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "engine/probe.h"

int cmd_probe(struct options *o)
{
	if (o->argc != 1) {
		cli_error("%s", "probe takes one machine: probe [USER@]HOST[:PORT]");
		return 2;
	}
	if (o->target) {
		cli_error("%s", "probe names its machine itself: probe [USER@]HOST[:PORT], without --target");
		return 2;
	}
	char *user = NULL, *host = NULL;
	struct ssh_opts so;
	if (cli_ssh_opts(o, o->argv[0], &so, &user, &host) < 0) {
		cli_secrets_wipe();
		return 2;
	}
	if (!so.user)
		so.user = "root"; /* the process server logs in as root */
	struct probe p;
	probe_run(&so, &p);
	cli_secrets_wipe();
	if (o->json) {
		char *j = probe_json(&p, o->argv[0]);
		puts(j);
		free(j);
	} else {
		for (size_t i = 0; i < p.n; i++) {
			const struct probe_step *s = &p.steps[i];
			char *line = xasprintf("%-4s %-15s %6ld ms  %s%s%s%s%s\n", s->ok ? "ok" : "FAIL",
					       s->name, s->ms, s->detail, s->error_id ? "  ErrorID " : "",
					       s->error_id ? s->error_id : "", s->anchor ? "  #" : "",
					       s->anchor ? s->anchor : "");
			util_fputs(line, stdout);
			free(line);
		}
		printf("%s\n", p.ok ? "Every step of the push install passed."
				    : "The push install would stop at the step marked FAIL.");
	}
	int rc = p.ok ? 0 : 1;
	probe_free(&p);
	free(user);
	free(host);
	return rc;
}
