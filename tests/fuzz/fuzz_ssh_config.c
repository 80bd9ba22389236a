/* fuzz_ssh_config.c: the ~/.ssh/config reader (quoting, `=`, Host
 * patterns and negations, first value wins, Match skipped) and the
 * IdentityFile expansion. The first line of the input is the alias, the
 * rest is the configuration, read from memory with Include switched off. */
#include "tests/fuzz/fuzz.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "engine/target/ssh_config.h"

FUZZ_DECLARE(ssh_config);

int FUZZ_ENTRY(ssh_config)(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	size_t len = strlen(text);
	char *nl = strchr(text, '\n');
	const char *host = "h";
	const char *conf = text;
	if (nl) {
		*nl = '\0';
		host = text;
		conf = nl + 1;
		len -= (size_t)(conf - text);
	}
	struct ssh_config_env env = { .home = "/home/fz", .local_user = "fz", .uid = 1000,
				      .local_host = "box.example", .no_include = true };
	struct ssh_config_host h;
	char *cause = NULL;
	int rc = ssh_config_resolve_text(conf, len, "fuzz", host, &env, &h, &cause);
	if (rc < 0 && (!cause || !*cause))
		fuzz_fail("ssh_config: failed (%d) without saying why", rc);
	if (rc == 0 && cause)
		fuzz_fail("ssh_config: succeeded with a cause: %s", cause);
	if (!h.hostname)
		fuzz_fail("ssh_config: no hostname");
	for (const char *p = h.hostname; *p; p++)
		if (isupper((unsigned char)*p))
			fuzz_fail("ssh_config: hostname not lower-cased: %s", h.hostname);
	if (h.port < 0 || h.port > 65535 || h.n_identity > SSH_CONFIG_IDENTITY_MAX)
		fuzz_fail("ssh_config: port %d, %zu identity files", h.port, h.n_identity);
	struct ssh_config_tokens tok = { host, h.hostname, h.user ? h.user : "fz",
					 h.port ? h.port : 22 };
	for (size_t i = 0; i < h.n_identity; i++) {
		char *out = NULL, *why = NULL;
		int e = ssh_config_expand_path(h.identity[i], &env, &tok, &out, &why);
		if ((e == 0) != (out != NULL) || (e < 0 && !why))
			fuzz_fail("ssh_config: expansion of %s returned %d", h.identity[i], e);
		free(out);
		free(why);
	}
	free(cause);
	ssh_config_host_free(&h);
	free(text);
	return 0;
}
