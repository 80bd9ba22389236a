/* check_winhive.h: the Windows checks read from the registry hives of an
 * offline Windows volume (target->hive_files). check_windows.c and
 * check_os.c call these instead of running commands when the target has
 * hive files; the fixes (fix_winhive.c) share the look-ups. */
#ifndef ASR_CHECK_WINHIVE_H
#define ASR_CHECK_WINHIVE_H

#include "engine/check.h"
#include "engine/hive.h"
#include "engine/support.h"
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

/* A firewall rule of one group in the current control set. */
struct winhive_fw_rule {
	char *id;                    /* owned: the value's name ("FPS-SMB-In-TCP") */
	char *text;                  /* owned: the rule string as stored */
	struct winroot_fw_rule rule; /* parsed */
	bool key;                    /* one of the rules the verdict rests on */
};
/* Collects the inbound allow rules of group (a WINROOT_FW_* reference)
 * in control set set, marking those key() accepts. Returns the count
 * (*out, free with winhive_fw_free), 0 when there is no rule key, or
 * -EIO. */
int winhive_fw_scan(struct hive *h, const char *set, const char *group,
		    bool (*key)(const struct winroot_fw_rule *), struct winhive_fw_rule **out);
void winhive_fw_free(struct winhive_fw_rule *rules, int n);
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
