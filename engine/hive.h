/* hive.h: a Windows registry hive file (SYSTEM, SOFTWARE, SAM), read and
 * written with libhivex. Keys are named by backslash-separated paths from
 * the hive's root ("ControlSet001\Services\vmbus"), matched without regard
 * to case as Windows does. Values keep their raw registry type and bytes;
 * typed readers convert DWORDs and strings (UTF-16LE in the hive, UTF-8
 * here). Nothing here knows where the file lives: engine/winroot.c finds
 * the hives of a Windows volume through the target. */
#ifndef ASR_HIVE_H
#define ASR_HIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/util/util.h"

/* Registry value types (the REG_* numbers stored in the hive). */
enum hive_regtype {
	HIVE_REG_NONE = 0,
	HIVE_REG_SZ = 1,
	HIVE_REG_EXPAND_SZ = 2,
	HIVE_REG_BINARY = 3,
	HIVE_REG_DWORD = 4,
	HIVE_REG_MULTI_SZ = 7,
	HIVE_REG_QWORD = 11,
};

/* Largest hive opened for writing (its bytes are held twice in memory
 * while a change is planned). A real SOFTWARE hive is tens of MB. */
#define HIVE_WRITE_MAX (512u * 1024 * 1024)

struct hive;
/* A key inside an open hive; 0 is "no key". Valid until hive_close. */
typedef size_t hive_node;

/* One value: its name, type and raw bytes. */
struct hive_value {
	char *name;           /* owned, UTF-8 ("" for the default value) */
	unsigned type;        /* enum hive_regtype, or another number as stored */
	unsigned char *data;  /* owned raw bytes (NUL-terminated for safety,
			       * the NUL is not counted in len) */
	size_t len;
};

/* Opens the hive file at host_path; writable allows hive_set and
 * hive_commit (the file is read whole into memory; it is never written
 * unless hive_commit names it). Returns NULL and *cause (caller frees; it
 * does not repeat the path) when the file is missing, is not a registry
 * hive, or libhivex finds it damaged (a truncated file, a bad checksum,
 * cells out of bounds). */
struct hive *hive_open(const char *host_path, bool writable, char **cause);
/* Closes the hive (NULL is a no-op); every node and nothing else becomes
 * invalid. */
void hive_close(struct hive *h);

/* The root key. */
hive_node hive_root(struct hive *h);
/* The key at path below from (backslashes separate names; leading,
 * trailing and doubled backslashes are ignored; "" is from itself), each
 * name matched case-insensitively. Returns 0 when a key on the way is
 * missing or the hive is damaged there. */
hive_node hive_lookup(struct hive *h, hive_node from, const char *path);
/* The key's own name (caller frees), or NULL on damage. */
char *hive_name(struct hive *h, hive_node n);
/* Appends the names of n's subkeys (in the hive's order) to names.
 * Returns 0, or -EIO when the hive is damaged there. */
int hive_subkeys(struct hive *h, hive_node n, struct strvec *names);

/* Reads the value name of key n (case-insensitive; "" is the default
 * value) into *out (free with hive_value_free). Returns 0, -ENOENT when
 * there is no such value, or -EIO when the hive is damaged there. */
int hive_get(struct hive *h, hive_node n, const char *name, struct hive_value *out);
/* Reads a REG_DWORD value. Returns 0, -ENOENT, -EIO, or -EILSEQ when the
 * value has another type or size (*out is then unchanged). */
int hive_get_dword(struct hive *h, hive_node n, const char *name, uint32_t *out);
/* Reads a REG_SZ or REG_EXPAND_SZ value as UTF-8 (caller frees), or NULL
 * with *err set to -ENOENT, -EIO or -EILSEQ (another type, or text that
 * is not UTF-16). */
char *hive_get_string(struct hive *h, hive_node n, const char *name, int *err);
/* Appends every value of key n (free each with hive_value_free, then the
 * array) to *out. Returns the count, or -EIO. */
int hive_values(struct hive *h, hive_node n, struct hive_value **out);
void hive_value_free(struct hive_value *v);

/* Sets (adds or replaces) value name of key n in a hive opened writable,
 * in memory only. Returns 0, -EROFS for a read-only hive, or -errno from
 * libhivex. */
int hive_set(struct hive *h, hive_node n, const char *name, unsigned type, const void *data,
	     size_t len);
/* Sets a REG_DWORD value; see hive_set. */
int hive_set_dword(struct hive *h, hive_node n, const char *name, uint32_t v);
/* Sets a REG_SZ value from UTF-8 text; see hive_set (-EILSEQ for text
 * that is not UTF-8). */
int hive_set_string(struct hive *h, hive_node n, const char *name, const char *utf8);
/* Writes the hive, with every hive_set so far, to host_path (a new file
 * or one to overwrite: give a private copy, never the live hive).
 * Returns 0 or -errno with *cause. */
int hive_commit(struct hive *h, const char *host_path, char **cause);

/* UTF-8 text as UTF-16LE bytes with a terminating NUL unit, the way the
 * registry stores REG_SZ; caller frees. Returns NULL (errno EILSEQ) when
 * utf8 is not valid UTF-8. */
unsigned char *hive_utf16le(const char *utf8, size_t *len);

#endif
