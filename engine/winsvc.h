/* winsvc.h: what a Windows service's facts mean for a push install,
 * judged once for both routes to a Windows machine. The live route
 * (check_windows.c) learns them from `sc query` and `sc qc` over SSH, the
 * offline route (check_winhive.c) from Services\NAME\Start in the SYSTEM
 * hive of a disk; each fills a struct winsvc its own way and hands it
 * here, so a verdict and its words cannot drift between the two. */
#ifndef ASR_WINSVC_H
#define ASR_WINSVC_H

#include <stdbool.h>

#include "engine/check.h"
#include "engine/winparse.h"

/* A service as one route saw it. */
struct winsvc {
	const char *name;          /* borrowed: the service's key name ("VSS") */
	bool installed;            /* sc knows it / its Services key exists */
	int start;                 /* start type: 0 boot, 1 system, 2 automatic,
				    * 3 manual, 4 disabled; -1 when unknown */
	enum winsvc_state state;   /* WINSVC_UNKNOWN when only a disk is read */
};

/* A start type as shown in evidence and findings: "2 (automatic)", "?"
 * for a number outside 0-4 (borrowed, static). */
const char *winsvc_start_name(int start);

/* Judges a service the push install needs (what: its display name, for
 * the finding): FAIL when it is not installed or is disabled (with the
 * command that re-enables it), and returns false; otherwise notes its
 * start type (and state when known) and returns true. Sets nothing when
 * the service is usable: the caller says what passes. */
bool winsvc_usable(struct check_result *r, const struct winsvc *s, const char *what);

#endif
