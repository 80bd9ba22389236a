/* status.h: the outcome of a check, ordered so that a parent shows the most
 * serious outcome of its subtree. */
#ifndef ASR_STATUS_H
#define ASR_STATUS_H

/* Higher values win when statuses roll up the tree. */
enum status {
	STATUS_NONE = 0, /* not checked (yet) */
	STATUS_NA,       /* does not apply to this machine */
	STATUS_PASS,
	STATUS_WARN,
	STATUS_ERROR,    /* the check itself could not run */
	STATUS_FAIL,
	STATUS__COUNT
};

/* Stable lowercase name used in JSON and reports ("pass", "fail", ...). */
const char *status_name(enum status s);
/* Parses status_name() output; returns -1 when unknown. */
int status_from_name(const char *name);
/* A one- or two-column symbol: UTF-8 when utf8 is true, else ASCII. */
const char *status_symbol(enum status s, int utf8);
enum status status_worse(enum status a, enum status b);

#endif
