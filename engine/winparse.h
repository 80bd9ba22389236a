/* winparse.h: parsers for the output of the Windows tools the Windows
 * checks run over SSH (cmd.exe): `reg query`, `sc query`/`sc qc`,
 * `net user`, `net share`, `netsh advfirewall firewall show rule`,
 * `whoami /groups`, and a PowerShell True/False. They take text (CRLF or
 * LF), never touch the system, and are tested on recorded output of the
 * real tools (tests/fixtures/windows/). Where a tool localizes its labels,
 * the parser reads the language-independent part (numbers beside sc's
 * constant names, SIDs and the integrity label, share names, reg's exit
 * status) when there is one; where there is not, it knows the words of
 * English and Simplified Chinese (and German for reg's "not found"), and
 * any other text is reported as not understood, never as a "no". */
#ifndef ASR_WINPARSE_H
#define ASR_WINPARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/util/util.h"

/* ---- reg query KEY /v NAME --------------------------------------------- */

enum winreg_found {
	WINREG_ERROR = -1, /* not understood: access denied, or a message in a
			    * language whose text is not known */
	WINREG_MISSING = 0, /* exit status 1 and reg's "not found" message */
	WINREG_FOUND = 1,
};

struct winreg_value {
	char *name; /* owned */
	char *type; /* owned: "REG_DWORD", "REG_SZ", ... */
	char *data; /* owned: as printed ("0x1", "Windows Server 2019 Datacenter") */
	bool is_num; /* REG_DWORD or REG_QWORD */
	unsigned long long num;
};

/* Finds value name (case-insensitive) in `reg query` output (standard
 * output and error together) of a command that exited with
 * exit_status. The value line is the same in every language; "missing"
 * needs exit status 1 and reg's message in English, German or Simplified
 * Chinese, as reg exits 1 for access denied too: any other answer is
 * WINREG_ERROR. Fills v on WINREG_FOUND (free with winreg_value_free). */
enum winreg_found winreg_parse_value(const char *out, int exit_status, const char *name,
				     struct winreg_value *v);
/* Whether the key `reg query KEY` asked about exists: WINREG_FOUND for
 * exit status 0, WINREG_MISSING as for a value, else WINREG_ERROR. */
enum winreg_found winreg_parse_key(const char *out, int exit_status);
void winreg_value_free(struct winreg_value *v);

/* The subkey names (last path component) listed by `reg query KEY`:
 * lines that start with "HKEY_" and name a key below key. Returns the
 * number added to names. */
size_t winreg_parse_subkeys(const char *out, const char *key, struct strvec *names);

/* ---- sc query NAME / sc qc NAME ---------------------------------------- */

/* The service states sc prints as numbers (language-independent). */
enum winsvc_state {
	WINSVC_UNKNOWN = 0,
	WINSVC_STOPPED = 1,
	WINSVC_START_PENDING = 2,
	WINSVC_STOP_PENDING = 3,
	WINSVC_RUNNING = 4,
	WINSVC_CONTINUE_PENDING = 5,
	WINSVC_PAUSE_PENDING = 6,
	WINSVC_PAUSED = 7,
	WINSVC_MISSING = 1060, /* "FAILED 1060": no such service */
};

/* The STATE of `sc query` output; WINSVC_MISSING for error 1060 (exit
 * status, or the "[SC] ... 1060:" line in any language). The line is
 * found by its value ("4  RUNNING": the number and the constant's name,
 * which agree), never by its label, which sc translates; WINSVC_UNKNOWN
 * when there is no such line. */
enum winsvc_state winsc_parse_state(const char *out, int exit_status);
/* The START_TYPE number of `sc qc` output (0 boot, 1 system, 2 auto,
 * 3 demand, 4 disabled), found by its value ("2   AUTO_START") as the
 * state is; -1 when absent, WINSVC_MISSING for error 1060. */
int winsc_parse_start_type(const char *out, int exit_status);
/* English name of a state, for evidence ("RUNNING"). */
const char *winsvc_state_name(enum winsvc_state s);

/* ---- net user NAME [/domain] ------------------------------------------- */

enum win_active { WIN_ACTIVE_UNKNOWN, WIN_ACTIVE_YES, WIN_ACTIVE_NO, WIN_ACTIVE_LOCKED };

struct win_user {
	char *name; /* owned: "User name" */
	enum win_active active; /* "Account active": Yes, No, Locked */
	char *expires; /* owned: "Account expires" as printed */
	bool never_expires; /* "Never" */
	struct strvec local_groups; /* owned, without the '*' */
	struct strvec global_groups;
};

/* Parses `net user` output in English or Simplified Chinese (its labels
 * and "Never" are translated). Returns 0, or -1 when the output lacks the
 * user name, active or expiry line (another language, or an error). Free
 * with win_user_free either way. */
int winnet_parse_user(const char *out, struct win_user *u);
void win_user_free(struct win_user *u);

/* Whether `net share` output lists share name (case-insensitive). Share
 * names begin their lines in every language. */
bool winnet_share_listed(const char *out, const char *name);
/* Whether out is a share list at all: it has the rule of dashes under
 * the (translated) heading. A share missing from anything else is not
 * known to be missing. */
bool winnet_share_readable(const char *out);

/* ---- netsh advfirewall firewall show rule name=all --------------------- */

struct winfw_rule {
	char *name; /* owned: "Rule Name" */
	bool enabled; /* "Enabled: Yes" */
	bool inbound; /* "Direction: In" */
	char *profiles; /* owned, may be NULL */
	char *grouping; /* owned, may be NULL */
	char *protocol; /* owned, may be NULL */
	char *local_port; /* owned, may be NULL */
	bool allow; /* "Action: Allow" */
};

/* Parses every rule. Returns the count; *rules is an owned array (free
 * with winfw_free). */
size_t winfw_parse(const char *out, struct winfw_rule **rules);
void winfw_free(struct winfw_rule *rules, size_t n);

/* Counts the profiles `netsh advfirewall show allprofiles state` shows
 * as ON ("State   ON"); -1 when the output has no State line. */
int winfw_profiles_on(const char *out, int *off);

/* ---- a firewall rule group through PowerShell, by its reference -------- */

/* The PowerShell lines that list a rule group by its language-independent
 * reference (the Group property, "@FirewallAPI.dll,-28502"), with the
 * active profiles and the firewall's state per profile from the
 * HNetCfg.FwPolicy2 object. Every value printed is an enum name or a
 * number, the same in every display language; only the rule's DisplayName
 * (last, evidence only) is localized. WINFW_PS_PRE + reference +
 * WINFW_PS_POST is the script. */
#define WINFW_PS_PRE                                                                              \
	"$p = New-Object -ComObject HNetCfg.FwPolicy2; 'active|' + $p.CurrentProfileTypes; "     \
	"foreach ($t in 1,2,4) { 'firewall|' + $t + '|' + $p.FirewallEnabled($t) }; "             \
	"Get-NetFirewallRule -Group '"
#define WINFW_PS_POST                                                                             \
	"' | ForEach-Object { 'rule|' + $_.Name + '|' + $_.Enabled + '|' + $_.Direction + '|' + " \
	"$_.Action + '|' + $_.Profile + '|' + $_.DisplayName }"

/* The argv that runs one PowerShell command line, as the Windows checks
 * and fixes run it: no profile (a user's profile may print or fail),
 * nothing asked (nobody answers over SSH). */
#define WIN_PS_ARGV(command)                                                                      \
	{ "powershell", "-NoProfile", "-NonInteractive", "-Command", (command), NULL }

/* Profile bits as NET_FW_PROFILE_TYPE2 numbers them. */
enum { WINFW_DOMAIN = 1, WINFW_PRIVATE = 2, WINFW_PUBLIC = 4, WINFW_ALL = 7 };

struct winfw_ps_rule {
	char *id;      /* owned: Name, the rule's language-independent id */
	char *display; /* owned: DisplayName, localized (may be "") */
	bool enabled, inbound, allow;
	unsigned profiles; /* WINFW_* bits; "Any" is WINFW_ALL */
};

struct winfw_ps {
	unsigned active;      /* CurrentProfileTypes */
	unsigned firewall_on; /* profiles whose firewall is on */
	struct winfw_ps_rule *rules; /* owned */
	size_t n;
};

/* Parses the script's answer. Returns 0, or -1 when a line is not one the
 * script prints or the active/firewall lines are missing (another shell,
 * an error message): the caller then reports the raw text. Free with
 * winfw_ps_free either way. */
int winfw_ps_parse(const char *out, struct winfw_ps *fw);
void winfw_ps_free(struct winfw_ps *fw);
/* "Domain, Private" for bits (caller frees); "none" for 0. */
char *winfw_profile_names(unsigned bits);

/* ---- whoami /groups ---------------------------------------------------- */

enum win_sid_state {
	WIN_SID_UNKNOWN, /* the answer is not understood */
	WIN_SID_ABSENT,
	WIN_SID_ENABLED,
	WIN_SID_DENY_ONLY,
};

/* BUILTIN\Administrators in every language. */
#define WIN_SID_ADMINISTRATORS "S-1-5-32-544"
/* The RID of the high mandatory level (S-1-16-12288). */
#define WIN_IL_HIGH 12288

/* How the token in `whoami /groups` output holds group sid, from the
 * attributes text of its row (on the row, or on the indented line below
 * when whoami moved it there), read in English or Simplified Chinese:
 * WIN_SID_UNKNOWN for attributes in another language, and for output
 * that is no group list (neither Everyone, S-1-1-0, nor an integrity
 * label); WIN_SID_ABSENT when a group list lacks sid. */
enum win_sid_state winwho_group(const char *out, const char *sid);
/* The RID of the token's integrity label (S-1-16-N) in `whoami /groups`
 * output, or -1 when there is none. */
long winwho_integrity(const char *out);
/* How the token holds BUILTIN\Administrators, in any language: where
 * the group is listed, the integrity label decides (high or above:
 * enabled; below: the filtered token of remote UAC, deny only), checked
 * against the attributes text when that is in a known language; the two
 * disagreeing, or neither known, is WIN_SID_UNKNOWN. */
enum win_sid_state winwho_admin(const char *out);

/* ---- PowerShell -------------------------------------------------------- */

/* The one line of out that is "True" or "False" (PowerShell prints a bool
 * so in every language): 1 or 0. Other lines are the warning and error
 * streams, which are translated ("WARNUNG: TCP connect to (...) failed"
 * before Test-NetConnection's False) and are not read. -1 when no line is
 * a bool, or more than one is. */
int win_parse_bool(const char *out);

#endif
