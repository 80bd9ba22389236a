/* check_winhive.h: the Windows checks read from the registry hives of an
 * offline Windows volume (target->hive_files). check_windows.c and
 * check_os.c call these instead of running commands when the target has
 * hive files; the fixes (fix_winhive.c) share the look-ups. */
#ifndef ASR_CHECK_WINHIVE_H
#define ASR_CHECK_WINHIVE_H

#include "engine/check.h"
#include "engine/hive.h"
#include "engine/support.h"
#include "engine/fwpolicy.h"
#include "engine/winroot.h"

/* Where LocalAccountTokenFilterPolicy lives in the SOFTWARE hive. */
#define WINHIVE_UAC_KEY "Microsoft\\Windows\\CurrentVersion\\Policies\\System"

/* The drivers a Windows VM needs at boot in Azure; NULL-terminated. */
extern const char *const winhive_boot_drivers[];

/* An open hive of the target, for one check. */
struct winhive {
	struct hive *h;   /* owned; NULL when it could not be opened */
	char *path;       /* owned: its target path */
	char *set;        /* owned: SYSTEM only: the current control set */
};
/* Opens hive name ("SYSTEM", "SOFTWARE", "SAM") of ctx->t and, for
 * SYSTEM, finds the current control set, recording it as evidence. On
 * failure w->h is NULL, nothing is held, and r holds an ERROR saying why;
 * else close with winhive_close. */
void winhive_open(const struct check_ctx *ctx, struct check_result *r, const char *name,
		  struct winhive *w);
void winhive_close(struct winhive *w);

/* Reads the rules of group from w's control set and from Group Policy
 * (the target's SOFTWARE hive, when it opens), merged as Windows merges
 * them (fwpol_read, *rc its result), recording what was read from each
 * hive as evidence in r. Free p with fwpol_free. */
void winhive_fw_read(const struct check_ctx *ctx, struct check_result *r, const struct winhive *w,
		     const char *group, bool (*key)(const struct winroot_fw_rule *),
		     struct fwpol_policy *p, int *rc);
/* SMB over TCP 445, the rule that matters for copying the agent. */
bool winhive_smb_rule(const struct winroot_fw_rule *fr);
/* Every rule of the group. */
bool winhive_any_rule(const struct winroot_fw_rule *fr);

/* The checks (see check_windows.c for what each one judges). */
void winhive_os(const struct check_ctx *ctx, struct check_result *r,
		const struct support_table *tab);
void winhive_uac(const struct check_ctx *ctx, struct check_result *r);
void winhive_drivers(const struct check_ctx *ctx, struct check_result *r);
void winhive_netlogon(const struct check_ctx *ctx, struct check_result *r);
void winhive_firewall(const struct check_ctx *ctx, struct check_result *r, const char *group,
		      const char *group_name, bool (*key)(const struct winroot_fw_rule *),
		      const char *key_name);
void winhive_share(const struct check_ctx *ctx, struct check_result *r);
void winhive_wmi_service(const struct check_ctx *ctx, struct check_result *r);
void winhive_vss(const struct check_ctx *ctx, struct check_result *r);
void winhive_dcom(const struct check_ctx *ctx, struct check_result *r);
void winhive_cluster(const struct check_ctx *ctx, struct check_result *r);
void winhive_accounts(const struct check_ctx *ctx, struct check_result *r);
/* NA: the check needs the running machine (its state, its login). */
void winhive_na_live(const struct check_ctx *ctx, struct check_result *r);

#endif
