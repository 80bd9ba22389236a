/* fleet.h: the summary of many machines' reports (`check --json` or
 * `report --json`, one file per host, as a fleet tool such as Ansible
 * collects them): which hosts will fail a push install and why, the hosts
 * behind each ErrorID, and each failing check with one line of evidence.
 * Reports are read with replay_load, so a fleet summary and a replay of one
 * host agree. */
#ifndef ASR_FLEET_H
#define ASR_FLEET_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/session.h"
#include "engine/status.h"

/* One check of a host that failed, could not run or warned. */
struct fleet_check {
	const char *check_id;  /* borrowed from the registry */
	const char *title;     /* borrowed from the registry, current language */
	const char *anchor;    /* borrowed from the doc: the first bound node, "" */
	enum status status;    /* STATUS_FAIL, STATUS_ERROR or STATUS_WARN */
	char *finding;         /* owned, one line, control characters as '?' */
	char *evidence;        /* owned, one line ("path:line: text", "$ command
				* (exit N): first output line", a note), or NULL */
	unsigned *ids;         /* owned: the ErrorIDs of the bound nodes */
	size_t nids;
};

/* One report, named after its file. */
struct fleet_host {
	char *name;            /* owned: file name without folder and ".json" */
	char *file;            /* owned: the path as given */
	char *hostname;        /* owned: facts.host.name of a full report, or NULL */
	char *target;          /* owned: the target name recorded, or NULL */
	char *problem;         /* owned: why the report could not be read, or NULL */
	enum status worst;     /* worst status of its checks; STATUS_ERROR when
				* the report could not be read */
	size_t count[STATUS__COUNT];
	struct fleet_check *checks; /* owned: fail first, then error, then warn */
	size_t nchecks;
};

struct fleet {
	struct fleet_host *hosts; /* owned, in the order added */
	size_t nhosts;
	size_t cap;
};

/* The hosts behind one ErrorID (or, for checks bound to none, one anchor):
 * every host with a failing check bound to it. */
struct fleet_group {
	unsigned id;           /* 0 when the group is an anchor */
	const char *anchor;    /* borrowed: the anchor when id is 0, else NULL */
	size_t *hosts;         /* owned: indices into fleet.hosts */
	size_t nhosts;
	struct strvec checks;  /* owned: the failing check ids, once each */
};

/* Adds the host whose report is the file at path: reads it, replays it into
 * s (whose results it replaces; s's doc supplies the ErrorIDs) and records
 * its failing, erroring and warning checks. A file that cannot be read or
 * is not a report is still added, with problem set and worst
 * STATUS_ERROR. Returns the new host (borrowed until the next add). */
const struct fleet_host *fleet_add_file(struct fleet *f, struct session *s, const char *path);
/* Whether the host will fail a push install (a check failed). */
bool fleet_host_fails(const struct fleet_host *h);
/* The groups by ErrorID (ascending), then by anchor for failing checks
 * bound to no ErrorID. Returns the count; *out is an owned array to free
 * with fleet_groups_free. */
size_t fleet_groups(const struct fleet *f, struct fleet_group **out);
void fleet_groups_free(struct fleet_group *g, size_t n);
/* The fleet summary as JSON (see README "fleet --json"). Caller frees. */
char *fleet_json(const struct fleet *f);
/* Frees every host; a zeroed fleet is fine. */
void fleet_free(struct fleet *f);

#endif
