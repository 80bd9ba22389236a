/* fix.c: lookups in the fix registry. */
#include "engine/fix.h"

#include <string.h>

const struct fix_def *fix_find(const char *id)
{
	for (size_t i = 0; fix_registry[i]; i++)
		if (strcmp(fix_registry[i]->id, id) == 0)
			return fix_registry[i];
	return NULL;
}

size_t fix_for_check(const char *check_id, const struct fix_def **out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; fix_registry[i]; i++)
		for (const char *const *c = fix_registry[i]->check_ids; c && *c; c++)
			if (strcmp(*c, check_id) == 0) {
				if (n < max)
					out[n] = fix_registry[i];
				n++;
				break;
			}
	return n;
}
