/* hivegen.h: registry hives for tests. hivex cannot create a hive, so
 * hivegen_minimal writes the smallest valid one from the documented
 * format; hivexregedit --merge then fills it from .reg text, and chntpw's
 * reged reads the result back as an independent reader. */
#ifndef ASR_HIVEGEN_H
#define ASR_HIVEGEN_H

#include <stdbool.h>
#include <stddef.h>

/* Writes an empty hive (one root key named root_name and its security
 * cell) to path. Returns 0 or -errno. */
int hivegen_minimal(const char *path, const char *root_name);
/* The same bytes in memory (8192 of them); caller frees. */
unsigned char *hivegen_minimal_bytes(const char *root_name, size_t *len);

/* Marks the hive at path as not closed cleanly, as Windows leaves it
 * after a crash: the primary sequence number one past the secondary, the
 * base block's checksum updated. Fails the test when it cannot. */
void hivegen_make_dirty(const char *path);

/* Makes path a hive holding the keys and values of the .reg file
 * reg_file (every parent key listed, sections separated by blank lines,
 * key names starting with "\"), through `hivexregedit --merge`; fails
 * the test when that fails. */
void hivegen_from_reg(const char *path, const char *reg_file);

/* Merges the .reg file reg_file into the existing hive at path (keys
 * and values added or replaced, the rest kept), through `hivexregedit
 * --merge`; fails the test when that fails. */
void hivegen_merge(const char *path, const char *reg_file);

/* Makes dir a Windows volume: Windows/System32/config/{SYSTEM,SOFTWARE,SAM}
 * from the given .reg files (NULL: that hive is not written). */
void hivegen_winroot(const char *dir, const char *system_reg, const char *software_reg,
		     const char *sam_reg);

/* Exports key (a hive path such as "\Select") of the hive at path with
 * chntpw's `reged -x`, an independent reader; returns the .reg text
 * (caller frees) or NULL when reged fails. prefix is the name reged puts
 * before the key ("HKEY_LOCAL_MACHINE\SYSTEM"). */
char *hivegen_reged_export(const char *path, const char *prefix, const char *key);

#endif
