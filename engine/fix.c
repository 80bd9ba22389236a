/* fix.c: lookups in the fix registry. */
#include "engine/fix.h"

#include <string.h>

/* Definitions added by fix_add_definitions, or NULL. */
static const struct fix_def *const *extra_defs;

const struct fix_def *fix_find(const char *id)
{
	if (!id)
		return NULL;
	for (size_t i = 0; fix_registry[i]; i++)
		if (strcmp(fix_registry[i]->id, id) == 0)
			return fix_registry[i];
	for (size_t i = 0; extra_defs && extra_defs[i]; i++)
		if (strcmp(extra_defs[i]->id, id) == 0)
			return extra_defs[i];
	return NULL;
}

void fix_add_definitions(const struct fix_def *const *defs)
{
	extra_defs = defs;
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
