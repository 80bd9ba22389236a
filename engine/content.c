/* content.c: lookup in the embedded content table. */
#include "engine/content.h"

#include <string.h>

const struct content_file *content_get(const char *name)
{
	for (const struct content_file *f = content_files; f->name; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}
