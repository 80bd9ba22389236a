/* fwpolicy.h: the firewall rules of an offline Windows volume as Windows
 * enforces them: the local store (SYSTEM, a control set's
 * Services\SharedAccess\Parameters\FirewallPolicy) merged with Group
 * Policy's (SOFTWARE\Policies\Microsoft\WindowsFirewall), as MS-GPFAS
 * and MS-FASP describe: a policy rule with the same ID as a local rule
 * replaces it; a policy profile with AllowLocalPolicyMerge 0 ignores the
 * local rules in that profile; a policy's EnableFirewall overrides the
 * local one for its profile. Rule strings follow MS-GPFAS's grammar
 * (winroot_fw_parse); the rule's ID is the value's name. */
#ifndef ASR_FWPOLICY_H
#define ASR_FWPOLICY_H

#include <stdbool.h>

#include "engine/hive.h"
#include "engine/winroot.h"
#include "engine/util/util.h"

/* Where Group Policy keeps the firewall settings in the SOFTWARE hive. */
#define FWPOL_GPO_KEY "Policies\\Microsoft\\WindowsFirewall"
#define FWPOL_GPO_RULES FWPOL_GPO_KEY "\\FirewallRules"

/* Profiles, as bits. */
enum {
	FWPOL_DOMAIN = 1,
	FWPOL_PRIVATE = 2,
	FWPOL_PUBLIC = 4,
	FWPOL_ALL = 7,
};

enum fwpol_store { FWPOL_LOCAL, FWPOL_GPO };

/* One rule of a group. */
struct fwpol_rule {
	char *id;                    /* owned: the value's name ("FPS-SMB-In-TCP") */
	char *text;                  /* owned: the rule string as stored */
	struct winroot_fw_rule rule; /* parsed */
	enum fwpol_store store;      /* where it came from */
	bool key;                    /* one of the rules the verdict rests on */
	unsigned profiles;           /* FWPOL_* bits of its Profile fields
				      * (none: all) */
	unsigned effective;          /* the profiles it is enforced in after the
				      * merge (0: replaced or ignored) */
	bool replaced;               /* local, and a policy rule has its ID */
};

/* The merged view of one rule group. */
struct fwpol_policy {
	struct fwpol_rule *v;   /* owned: local rules first, then policy ones */
	int n;
	unsigned no_merge;      /* profiles whose policy sets AllowLocalPolicyMerge 0 */
	unsigned off;           /* profiles where the firewall is off (policy's
				 * EnableFirewall, else the local one) */
	bool gpo_rules;         /* the policy has a FirewallRules key */
	bool soft_unread;       /* no SOFTWARE hive was given: policy unknown */
	struct strvec ev_local; /* what was read from SYSTEM, as evidence */
	struct strvec ev_gpo;   /* what was read from SOFTWARE */
};

/* Reads the inbound allow rules of group (a WINROOT_FW_* reference) from
 * control set set of sys and from soft's policy (soft may be NULL: the
 * SOFTWARE hive could not be opened; the policy is then taken as empty
 * and soft_unread set), marking those key() accepts, and merges them.
 * Returns 0 or -EIO when a FirewallRules key cannot be listed; out is
 * filled either way (free with fwpol_free). */
int fwpol_read(struct hive *sys, const char *set, struct hive *soft, const char *group,
	       bool (*key)(const struct winroot_fw_rule *), struct fwpol_policy *out);
void fwpol_free(struct fwpol_policy *p);

/* The FWPOL_* bits of a parsed rule's Profile fields (FWPOL_ALL when it
 * has none or names none known). */
unsigned fwpol_profiles(const struct winroot_fw_rule *r);
/* "Domain, Private" for bits (static storage, "none" for 0). */
const char *fwpol_profile_names(unsigned bits);
/* "local policy" or "Group Policy". */
const char *fwpol_store_name(enum fwpol_store s);

#endif
