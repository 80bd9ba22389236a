/* status.c: names and symbols of check outcomes. */
#include "engine/status.h"

#include <string.h>

static const char *const names[STATUS__COUNT] = {
	"unchecked", "n/a", "pass", "warn", "error", "fail",
};

const char *status_name(enum status s)
{
	return (unsigned)s < STATUS__COUNT ? names[s] : "unchecked";
}

int status_from_name(const char *name)
{
	for (int i = 0; i < STATUS__COUNT; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

const char *status_symbol(enum status s, int utf8)
{
	/* Each symbol is one column in both sets so rows stay aligned. */
	static const char *const u[STATUS__COUNT] = { " ", "\xc2\xb7", "\xe2\x9c\x93", "!", "?", "\xe2\x9c\x97" };
	static const char *const a[STATUS__COUNT] = { " ", "-", "+", "!", "?", "X" };
	if ((unsigned)s >= STATUS__COUNT)
		s = STATUS_NONE;
	return utf8 ? u[s] : a[s];
}

enum status status_worse(enum status a, enum status b)
{
	return a > b ? a : b;
}
