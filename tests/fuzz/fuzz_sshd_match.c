/* fuzz_sshd_match.c: sshd's pattern matching as the Match evaluation uses
 * it (comma-separated patterns with '*', '?' and '!', CIDR address
 * lists). The first line of the input is the string or address to match,
 * the rest the list. */
#include "tests/fuzz/fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "engine/sshd_config.h"

FUZZ_DECLARE(sshd_match);

int FUZZ_ENTRY(sshd_match)(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	char *list = strchr(text, '\n');
	if (list)
		*list++ = '\0';
	else
		list = text + strlen(text);
	int r = sshd_match_pattern_list(text, list, false);
	if (r < -1 || r > 1)
		fuzz_fail("sshd_match_pattern_list returned %d", r);
	sshd_match_pattern_list(text, list, true);
	r = sshd_match_addr_list(text, list);
	if (r < -2 || r > 1)
		fuzz_fail("sshd_match_addr_list returned %d", r);
	int v = sshd_match_addr_list(NULL, list);
	if (v != 0 && v != -2)
		fuzz_fail("sshd_match_addr_list(NULL) returned %d", v);
	if (v == 0 && r == -2)
		fuzz_fail("sshd_match_addr_list: list valid alone, invalid with '%s'", text);
	free(text);
	return 0;
}
