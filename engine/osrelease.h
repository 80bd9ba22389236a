/* osrelease.h: which distribution and kernel the examined machine runs:
 * /etc/os-release (with its shell-like quoting), the release files of
 * systems too old to have one (/etc/redhat-release, /etc/SuSE-release),
 * and the kernel version (running, or the newest installed one on a
 * mounted root). */
#ifndef ASR_OSRELEASE_H
#define ASR_OSRELEASE_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/target/target.h"

/* What a release file says. Every string is owned (NULL when absent). */
struct os_release {
	char *id; /* ID, lowercase ("ubuntu", "rhel", "sles") */
	char *id_like; /* ID_LIKE */
	char *name; /* NAME */
	char *version_id; /* VERSION_ID ("22.04", "9.4", "15.5") */
	char *pretty_name; /* PRETTY_NAME, or the legacy file's first line */
	int id_line; /* 1-based line of each key, 0 when absent */
	int version_line;
	int pretty_line;
	char *bad; /* the first malformed line, described; NULL if none */
};

/* Unquotes an os-release value the way the format allows: a bare word
 * with backslash escapes, '...' taken literally, "..." with \\ \" \$ \`
 * escapes, and concatenations of those. Returns the value (caller frees),
 * or NULL and *cause (caller frees) on an unterminated quote or a bare
 * special character. */
char *osrelease_unquote(const char *v, size_t n, char **cause);

/* Parses os-release text into out (zeroed first). Malformed lines are
 * skipped and the first is described in out->bad. Returns the number of
 * KEY=VALUE lines understood. Free with os_release_free. */
int osrelease_parse(const char *text, struct os_release *out);

/* Parses the first line of /etc/redhat-release (also centos-, oracle-,
 * rocky-release): "CentOS release 6.10 (Final)", "Red Hat Enterprise Linux
 * Server release 7.9 (Maipo)". Fills id, name, version_id (major.minor)
 * and pretty_name. Returns false when the line has no "release N". */
bool osrelease_parse_redhat(const char *text, struct os_release *out);

/* Parses /etc/SuSE-release ("SUSE Linux Enterprise Server 11 (x86_64)",
 * "VERSION = 11", "PATCHLEVEL = 4"): id "sles" (or "opensuse"),
 * version_id "11.4". Returns false when no VERSION is given. */
bool osrelease_parse_suse(const char *text, struct os_release *out);

void os_release_free(struct os_release *o);

/* Where the release information came from, for evidence. */
struct os_source {
	const char *path; /* static: the file that was used, NULL when none */
	char *refined; /* owned: a note when the version was completed from
			* a second file (CentOS 7's VERSION_ID="7"), or NULL */
};

/* Reads the release information from the target: /etc/os-release, then
 * /usr/lib/os-release, then /etc/redhat-release and friends, then
 * /etc/SuSE-release. An os-release VERSION_ID without a minor version on
 * a Red Hat family system is completed from /etc/redhat-release. Returns
 * 0, or -ENOENT when none of the files exists (out is then empty). Free
 * out with os_release_free and src->refined with free. */
int os_detect(struct target *t, struct os_release *out, struct os_source *src);

/* The kernel the machine runs: on a live target /proc/sys/kernel/osrelease;
 * on a mounted root (where /proc, if mounted at all, describes another
 * system) the newest version under /lib/modules or, failing that,
 * /boot/vmlinuz-VERSION, and only then a /proc/sys/kernel/osrelease the
 * root carries itself (a sandbox). Returns the version (caller frees) and
 * *from (static text naming the source), or NULL when nothing tells. */
char *os_kernel_version(struct target *t, const char **from);

/* Compares two version strings the way "newest" is meant for kernels
 * (numbers compared as numbers): <0, 0, >0. */
int os_version_cmp(const char *a, const char *b);

#endif
