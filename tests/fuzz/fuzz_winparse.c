/* fuzz_winparse.c: the parsers of Windows tool output read over SSH
 * (engine/winparse.h): `reg query` (a value, subkeys), `sc query`/`sc qc`,
 * `net user`, `net share`, `netsh advfirewall` rules and profile states,
 * `whoami /groups` (a group, the integrity label, the administrators'
 * verdict) and a PowerShell True/False, all on the same bytes, English,
 * German and Chinese seeds alike. */
#include "tests/fuzz/fuzz.h"

#include <stdlib.h>

#include "engine/winparse.h"

FUZZ_DECLARE(winparse);

int FUZZ_ENTRY(winparse)(const uint8_t *data, size_t size)
{
	char *out = fuzz_cstr(data, size);
	struct winreg_value v;
	for (int status = 0; status <= 1; status++)
		if (winreg_parse_value(out, status, "LocalAccountTokenFilterPolicy", &v) ==
		    WINREG_FOUND)
			winreg_value_free(&v);
	if (winreg_parse_value(out, 0, "Start", &v) == WINREG_FOUND)
		winreg_value_free(&v);
	winreg_parse_key(out, 0);
	winreg_parse_key(out, 1);
	struct strvec keys = { 0 };
	winreg_parse_subkeys(out, "HKLM\\SYSTEM", &keys);
	winreg_parse_subkeys(out, "HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet001\\Services", &keys);
	sv_free(&keys);

	winsvc_state_name(winsc_parse_state(out, 0));
	winsc_parse_state(out, 1060);
	winsc_parse_start_type(out, 0);
	winsc_parse_start_type(out, 1);

	struct win_user u;
	winnet_parse_user(out, &u);
	win_user_free(&u);
	winnet_share_listed(out, "ADMIN$");
	winnet_share_readable(out);

	struct winfw_rule *rules = NULL;
	size_t n = winfw_parse(out, &rules);
	winfw_free(rules, n);
	int off = 0;
	winfw_profiles_on(out, &off);
	struct winfw_ps fw;
	winfw_ps_parse(out, &fw);
	for (size_t i = 0; i < fw.n; i++)
		free(winfw_profile_names(fw.rules[i].profiles));
	winfw_ps_free(&fw);

	winwho_group(out, "S-1-5-32-544");
	winwho_integrity(out);
	winwho_admin(out);
	win_parse_bool(out);
	free(out);
	return 0;
}
