/* winroot.h: the registry of an offline Windows installation (an OS disk
 * attached to a rescue machine, --root DIR), read through the target. The
 * hives are found under WINROOT_CONFIG by the target (names in any case),
 * never by building host paths here; what they hold is decoded here:
 * the current control set, the version, the firewall policy's rule
 * strings, the SAM's account flags and the members of its built-in
 * groups. */
#ifndef ASR_WINROOT_H
#define ASR_WINROOT_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/hive.h"
#include "engine/target/target.h"

/* Opens hive name ("SYSTEM", "SOFTWARE", "SAM") of t's Windows
 * installation, read-only. *path (may be NULL) gets its target path
 * ("/Windows/System32/config/SYSTEM"; caller frees) even on failure.
 * Returns NULL with *cause (caller frees) when t is not an offline
 * Windows volume, the file is missing, or libhivex cannot open it. */
struct hive *winroot_open(struct target *t, const char *name, char **path, char **cause);

/* The control set Windows boots with: Select\Current of a SYSTEM hive,
 * as its key name ("ControlSet002"; caller frees). Returns NULL with
 * *cause when Select or Current is missing, or names a set that does not
 * exist. */
char *winroot_current_set(struct hive *sys, char **cause);
/* Appends the ControlSetNNN keys of a SYSTEM hive (as spelt there) to
 * out; returns how many, or -EIO. */
int winroot_control_sets(struct hive *sys, struct strvec *out);

/* What SOFTWARE\Microsoft\Windows NT\CurrentVersion says. */
struct winroot_version {
	char *product;   /* owned or NULL: ProductName, "Windows 11 ..." for
			  * builds 22000 and later that call themselves 10 */
	char *edition;   /* owned or NULL: EditionID ("ServerDatacenter") */
	char *build;     /* owned or NULL: CurrentBuildNumber */
	char *display;   /* owned or NULL: DisplayVersion or ReleaseId */
};
/* Fills v from an open SOFTWARE hive. Returns 0, or -ENOENT when the key
 * or ProductName is missing (what was found is still filled). */
int winroot_version(struct hive *soft, struct winroot_version *v);
void winroot_version_free(struct winroot_version *v);

/* One rule of the firewall policy (a FirewallRules value such as
 * "v2.10|Action=Allow|Active=FALSE|Dir=In|Protocol=6|LPort=445|...").
 * Every string field is owned or NULL. */
struct winroot_fw_rule {
	bool active;       /* Active=TRUE */
	bool allow;        /* Action=Allow */
	bool inbound;      /* Dir=In */
	int protocol;      /* Protocol=, -1 when absent */
	char *lport;       /* LPort= (several joined by ",") */
	char *profiles;    /* Profile= (several joined by ","), NULL: all */
	char *group;       /* EmbedCtxt=: the group's language-independent
			    * reference ("@FirewallAPI.dll,-28502") */
	char *name;        /* Name= */
};
/* Parses a rule string. Returns 0, or -EINVAL when it does not start with
 * a "v<major>.<minor>" version field (*out is then empty). */
int winroot_fw_parse(const char *s, struct winroot_fw_rule *out);
void winroot_fw_free(struct winroot_fw_rule *r);
/* The rule string with Active= set to TRUE (caller frees); Active=FALSE
 * is replaced in place, a string without Active gets it after the
 * version field. */
char *winroot_fw_enable(const char *s);

/* Group references of the firewall rule groups that matter here. */
#define WINROOT_FW_FILE_SHARING "@FirewallAPI.dll,-28502"
#define WINROOT_FW_WMI "@FirewallAPI.dll,-34251"
/* Rules live under this key of a control set. */
#define WINROOT_FW_RULES "Services\\SharedAccess\\Parameters\\FirewallPolicy\\FirewallRules"
#define WINROOT_FW_POLICY "Services\\SharedAccess\\Parameters\\FirewallPolicy"

/* The SAM's account control bits that matter here (public SAM layout:
 * the 16-bit flags at offset 0x38 of a user's F value). */
#define WINROOT_ACB_DISABLED 0x0001u
#define WINROOT_ACB_AUTOLOCK 0x0400u

/* A local account from the SAM hive; never anything about its password. */
struct winroot_account {
	char *name;        /* owned */
	uint32_t rid;      /* 500 is the built-in Administrator */
	uint16_t flags;    /* account control bits */
	bool flags_known;  /* the F value was there and long enough */
};
/* Appends every local account (SAM\Domains\Account\Users\Names, whose
 * default value's type is the RID; flags from Users\<RID>\F) to *out.
 * Reads nothing else (the V value, which holds password hashes, is never
 * opened). Returns the count or -ENOENT when the Users key is missing. */
int winroot_accounts(struct hive *sam, struct winroot_account **out);
void winroot_accounts_free(struct winroot_account *a, int n);

/* Whether two account names are the same account, compared as Windows
 * compares them: without regard to case, for ASCII and for the Latin,
 * Greek and Cyrillic letters that have a simple upper case (UTF-8 in;
 * invalid UTF-8 compares byte for byte). */
bool winroot_name_eq(const char *a, const char *b);

/* The RID of the built-in Administrators alias (S-1-5-32-544). */
#define WINROOT_ALIAS_ADMINS 0x220u
/* The machine's own SID, "S-1-5-21-A-B-C" (caller frees): the last 24
 * bytes of SAM\Domains\Account\V, which must be a SID of revision 1
 * with four sub-authorities, the first 21. Returns NULL with *cause
 * (caller frees) when V is missing or does not end with one. */
char *winroot_machine_sid(struct hive *sam, char **cause);
/* Appends the member SIDs of built-in alias rid, as strings, to sids
 * (SAM\Domains\Builtin\Aliases\<RID>\C: after a 0x34-byte header
 * whose 32-bit words at 0x28, 0x2C and 0x30 give the member list's
 * offset from 0x34, its size and the member count). Returns the count,
 * or -ENOENT (no such alias) or -EILSEQ (the C value does not hold what
 * its header says) with *cause (caller frees). */
int winroot_alias_members(struct hive *sam, uint32_t rid, struct strvec *sids, char **cause);
/* The computer's name (caller frees): ComputerName of
 * Control\ComputerName\ComputerName in control set set of a SYSTEM
 * hive; NULL when it is not there. */
char *winroot_computer_name(struct hive *sys, const char *set);

#endif
