/* fuzz_sshd_t.c: the parser of `sshd -T` output (the daemon's own view of
 * its effective settings: "keyword value" lines in any case) and the
 * lookups the sshd checks make on it. */
#include "tests/fuzz/fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "engine/sshd_config.h"

FUZZ_DECLARE(sshd_t);

int FUZZ_ENTRY(sshd_t)(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	struct sshd_t t = { 0 };
	char *cause = NULL;
	if (sshd_t_parse(text, &t, &cause) < 0) {
		if (!cause || !*cause)
			fuzz_fail("sshd_t_parse failed without saying why");
		free(cause);
	} else {
		for (size_t i = 0; i < t.n; i++) {
			if (!t.v[i].key || !t.v[i].value)
				fuzz_fail("sshd_t: entry %zu without key or value", i);
			if (sshd_t_get(&t, t.v[i].key) == NULL)
				fuzz_fail("sshd_t: key '%s' parsed but not found", t.v[i].key);
		}
		for (int k = 0; k < SSHD_KEY_COUNT; k++)
			free(sshd_t_value(&t, (enum sshd_key)k));
		sshd_t_subsystem(&t, "sftp");
		sshd_t_get(&t, "PermitRootLogin");
	}
	sshd_t_free(&t);
	free(text);
	return 0;
}
