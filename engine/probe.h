/* probe.h: a replay of what the process server does to push the Mobility
 * Service to a Linux machine: resolve its name, connect to its SSH port,
 * the SSH handshake, the authentication methods offered, the password
 * login, root, SFTP, free space in /tmp and the install folder, a test file
 * written, read back and removed, and the OS in the support matrix. It
 * stops at the first step that fails and names that step's ErrorID and
 * the article's section. */
#ifndef ASR_PROBE_H
#define ASR_PROBE_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/target/target_ssh.h"

/* Free space the copy of the agent needs, in bytes. */
#define PROBE_SPACE_MIN (100ull * 1024 * 1024)
/* The folder the agent is installed in. */
#define PROBE_INSTALL_DIR "/usr/local/ASR"

struct probe_step {
	const char *name;   /* "resolve", "connect", ... (static) */
	bool ok;
	long ms;            /* how long it took */
	char *detail;       /* owned: what it did or found, one line */
	const char *error_id; /* the ErrorID when it failed ("95108"), or NULL */
	const char *anchor;   /* the article's section when it failed, or NULL */
};

struct probe;

/* Told of each step once it is final (with its ErrorID), the probe so far
 * in p (the new step is p->steps[p->n - 1]). */
typedef void (*probe_step_fn)(void *ctx, const struct probe *p);

struct probe {
	struct probe_step steps[16];
	size_t n;
	bool ok;            /* every step passed */
	bool host_key_changed; /* the machine's host key is not the one
				* known_hosts holds (refused) */
	probe_step_fn on_step; /* or NULL */
	void *ctx;             /* for on_step */
	size_t told;           /* steps on_step was told of */
};

/* Runs the steps against the machine o names (o->password_only is set for
 * the login, as the process server logs in). Never fails: a failure is a
 * step. Free with probe_free. */
void probe_run(const struct ssh_opts *o, struct probe *out);
/* probe_run, telling on_step (may be NULL) of each step as it completes,
 * so that a front end shows them one by one. The steps of the connection
 * (resolve to sftp) complete together, when the login ends. */
void probe_run_steps(const struct ssh_opts *o, struct probe *out, probe_step_fn on_step, void *ctx);

/* The probe as JSON ({"ok":..,"steps":[{name,ok,ms,detail,error_id,anchor}]}).
 * Caller frees. */
char *probe_json(const struct probe *p, const char *host);

void probe_free(struct probe *p);

#endif
