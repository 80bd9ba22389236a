/* jsonread.c: typed members of parsed JSON, with errors that name the
 * path of what is wrong ("results[2].status: expected a string"). */
#include "engine/jsonread.h"

#include <stdlib.h>

#include "engine/util/util.h"

/* Member key of o as an owned string in *out. Missing or null: NULL, or an
 * error when required. Another type: an error naming path.key. */
bool jr_str(const cJSON *o, const char *path, const char *key, bool required, char **out,
		    char **cause)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	*out = NULL;
	if (!v || cJSON_IsNull(v)) {
		if (required)
			*cause = xasprintf("%s: no \"%s\" member", path, key);
		return !required;
	}
	if (!cJSON_IsString(v)) {
		*cause = xasprintf("%s.%s: expected a string", path, key);
		return false;
	}
	*out = xstrdup(v->valuestring);
	return true;
}

/* Member key as a whole number in [lo, hi]; missing or null leaves *out. */
bool jr_int(const cJSON *o, const char *path, const char *key, long long lo, long long hi,
		    long long *out, char **cause)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!v || cJSON_IsNull(v))
		return true;
	long long n;
	/* The range first: casting an out-of-range double is undefined. */
	if (!cJSON_IsNumber(v) || !util_num_in_range(v->valuedouble, lo, hi, &n) ||
	    v->valuedouble != (double)n) {
		*cause = xasprintf("%s.%s: expected a whole number from %lld to %lld", path, key, lo, hi);
		return false;
	}
	*out = n;
	return true;
}

/* Member key as true/false; missing or null leaves *out. */
bool jr_bool(const cJSON *o, const char *path, const char *key, bool *out, char **cause)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!v || cJSON_IsNull(v))
		return true;
	if (!cJSON_IsBool(v)) {
		*cause = xasprintf("%s.%s: expected true or false", path, key);
		return false;
	}
	*out = cJSON_IsTrue(v);
	return true;
}

/* Member key as an array (NULL when missing or null). */
bool jr_array(const cJSON *o, const char *path, const char *key, bool required,
		      const cJSON **out, char **cause)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	*out = NULL;
	if (!v || cJSON_IsNull(v)) {
		if (required)
			*cause = xasprintf("%s: no \"%s\" array", path, key);
		return !required;
	}
	if (!cJSON_IsArray(v)) {
		*cause = xasprintf("%s.%s: expected an array", path, key);
		return false;
	}
	*out = v;
	return true;
}

/* Member key as an object (NULL when missing or null). */
bool jr_object(const cJSON *o, const char *path, const char *key, const cJSON **out,
		       char **cause)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	*out = NULL;
	if (!v || cJSON_IsNull(v))
		return true;
	if (!cJSON_IsObject(v)) {
		*cause = xasprintf("%s.%s: expected an object", path, key);
		return false;
	}
	*out = v;
	return true;
}

