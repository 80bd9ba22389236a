/* fuzz_sysparse.c: the parsers of small Linux system files and command
 * output (engine/sysparse.h): /etc/shadow, /etc/passwd, /etc/hosts,
 * /proc/net/fib_trie, /proc/net/if_inet6, `ip -o addr`, dpkg's status
 * file, `rpm -q` output, KEY=VALUE files such as /usr/local/.vx_version and
 * /proc/modules, all on the same bytes. */
#include "tests/fuzz/fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "engine/sysparse.h"

FUZZ_DECLARE(sysparse);

/* Counts lines (a callback of sysparse_lines). */
static bool count_line(const char *line, size_t len, int ln, void *arg)
{
	(void)line;
	(void)len;
	int *last = arg;
	if (ln != *last + 1)
		fuzz_fail("sysparse_lines: line %d after line %d", ln, *last);
	*last = ln;
	return true;
}

int FUZZ_ENTRY(sysparse)(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);

	struct shadow_entry se;
	if (shadow_find(text, "root", &se) == 1)
		shadow_entry_free(&se);
	struct passwd_entry pe;
	if (passwd_find(text, "root", &pe) == 1)
		passwd_entry_free(&pe);

	struct hosts_line *h = NULL;
	size_t nh = hosts_parse(text, &h);
	char buf[64];
	for (size_t i = 0; i < nh; i++) {
		addr_canon(h[i].addr, buf, sizeof buf);
		addr_is_loopback(h[i].addr);
		for (size_t k = 0; k < h[i].names.n; k++) {
			hosts_name_matches(h[i].names.v[k], "source-vm.contoso.com");
			hosts_name_matches("source-vm", h[i].names.v[k]);
		}
	}
	hosts_free(h, nh);

	struct strvec addrs = { 0 };
	fib_trie_local(text, &addrs);
	if_inet6_addrs(text, &addrs);
	ip_addr_parse(text, &addrs);
	for (size_t i = 0; i < addrs.n; i++)
		if (!addr_canon(addrs.v[i], buf, sizeof buf))
			fuzz_fail("sysparse: '%s' was returned as an address but is not one",
				  addrs.v[i]);
	sv_free(&addrs);

	struct pkg_state st = { 0 };
	dpkg_status_find(text, "openssh-server", &st);
	pkg_state_free(&st);
	memset(&st, 0, sizeof st);
	rpm_q_find(text, "openssh-server", &st);
	pkg_state_free(&st);

	int line = 0;
	free(kv_get(text, "VERSION", &line));
	free(kv_get(text, "INSTALLATION_DIR", NULL));
	proc_modules_has(text, "involflt", &line);
	int last = 0;
	sysparse_lines(text, count_line, &last);
	addr_canon(text, buf, sizeof buf);
	free(text);
	return 0;
}
