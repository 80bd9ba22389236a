/* jsonread.h: reading typed members out of parsed JSON (reports, state
 * files, facts). Each function takes the object o, the path of o for
 * messages, and the member's key; a member of the wrong type is an error
 * naming path.key in *cause (caller frees); missing or null members are
 * treated as each function says. */
#ifndef ASR_JSONREAD_H
#define ASR_JSONREAD_H

#include <cjson/cJSON.h>
#include <stdbool.h>

/* An owned string in *out; missing or null: NULL, or an error when
 * required. */
bool jr_str(const cJSON *o, const char *path, const char *key, bool required, char **out,
	    char **cause);
/* A whole number in [lo, hi]; missing or null leaves *out. */
bool jr_int(const cJSON *o, const char *path, const char *key, long long lo, long long hi,
	    long long *out, char **cause);
/* true/false; missing or null leaves *out. */
bool jr_bool(const cJSON *o, const char *path, const char *key, bool *out, char **cause);
/* An array (borrowed) in *out; missing or null: NULL, or an error when
 * required. */
bool jr_array(const cJSON *o, const char *path, const char *key, bool required,
	      const cJSON **out, char **cause);
/* An object (borrowed) in *out; missing or null: NULL. */
bool jr_object(const cJSON *o, const char *path, const char *key, const cJSON **out,
	       char **cause);

#endif
