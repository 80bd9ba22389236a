/* support.h: the operating-system support table (content/support.json):
 * which Linux distributions, versions and kernel series the Mobility
 * service supports, and which Windows editions, as of a given date. */
#ifndef ASR_SUPPORT_H
#define ASR_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/util/util.h"

/* The kernel globs listed for one version of a distribution. */
struct support_kernels {
	char *version; /* owned: the version entry they belong to */
	struct strvec globs; /* owned: fnmatch patterns ("5.15.0-*-generic") */
};

struct support_distro {
	char *id; /* owned: os-release ID ("ubuntu") */
	char *name; /* owned: "Ubuntu Server LTS" */
	char *note; /* owned, may be NULL */
	bool match_major; /* "version_match": "major" compares majors only */
	struct strvec versions; /* owned */
	struct support_kernels *kernels; /* owned array */
	size_t nkernels;
};

struct support_table {
	char *as_of; /* owned: "2026-04-06" */
	char *source; /* owned: what the table was taken from */
	struct support_distro *distros; /* owned array */
	size_t ndistros;
	struct strvec windows; /* owned: "Windows Server 2019", ... */
};

/* Parses the table from JSON text, or the embedded content/support.json
 * when json is NULL. Returns the table (free with support_free), or NULL
 * and *cause (caller frees) when the JSON or its schema is wrong. */
struct support_table *support_load(const char *json, char **cause);
void support_free(struct support_table *t);

/* The entry for an os-release ID (a few aliases such as "sles_sap"
 * count as their base distribution), or NULL. Borrowed from t. */
const struct support_distro *support_find(const struct support_table *t, const char *id);

enum support_verdict {
	SUPPORT_OK, /* version listed, kernel matches (or not restricted) */
	SUPPORT_KERNEL_UNLISTED, /* version listed, kernel outside the listed globs */
	SUPPORT_KERNEL_UNKNOWN, /* version listed with globs, kernel not known */
	SUPPORT_VERSION_UNLISTED, /* distribution listed, version not */
	SUPPORT_DISTRO_UNLISTED, /* distribution not listed */
	SUPPORT_UNKNOWN, /* no distribution or no version to look up */
};

/* What the table says about one system. Every pointer borrows from the
 * table and may be NULL. */
struct support_answer {
	enum support_verdict verdict;
	const struct support_distro *distro;
	const char *version; /* the table entry that matched */
	const struct strvec *globs; /* kernel globs of that version */
	const char *glob; /* the glob the kernel matched */
};

/* Looks up a system: os-release ID, VERSION_ID and the kernel version
 * (kernel may be NULL when unknown). Never fails. */
void support_evaluate(const struct support_table *t, const char *id, const char *version,
		      const char *kernel, struct support_answer *a);

/* The listed Windows edition that product (a ProductName such as
 * "Windows Server 2019 Datacenter") belongs to: the longest listed name
 * that product starts with, followed by the end or a space. Borrowed;
 * NULL when none. */
const char *support_windows(const struct support_table *t, const char *product);

#endif
