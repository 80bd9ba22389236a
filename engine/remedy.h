/* remedy.h: the one remedy flow both front ends follow. From a set of
 * check results it chooses the fixes that apply (each once, a failure's
 * and a warning's by one rule), builds the fix context from the options,
 * decides whether a change needs the commit-confirmed guard on this target
 * (through the target's guard strategy, engine/change/guard.h), applies a
 * confirmed plan with the guard started before any signal is let through,
 * and names the checks to run again. cli/cmd_fix.c and tui/fixflow.c only
 * ask and draw.
 *
 * The rule for warnings: a check that warns is offered its fix like a
 * failing one (the engineer sees the plan), but applying it always needs
 * an explicit yes: the answer to the confirmation, or --yes when the fix
 * or its check was named on the command line. A failing check's fix is
 * covered by --yes. */
#ifndef ASR_REMEDY_H
#define ASR_REMEDY_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/change/apply.h"
#include "engine/change/guard.h"
#include "engine/change/journal.h"
#include "engine/change/plan.h"
#include "engine/check.h"
#include "engine/fix.h"
#include "engine/session.h"

/* Per command when the options name no timeout. */
#define REMEDY_TIMEOUT_S 60
/* At most this many fixes are offered for one set of results. */
#define REMEDY_MAX 16

/* What the command line says about changing the machine; all borrowed. */
struct remedy_opts {
	struct target *t;           /* the machine to change */
	const char *server;         /* --server HOST, or NULL */
	const char *account;        /* --account NAME, or NULL */
	const char *journal_dir;    /* the journal folder (host path) */
	const char *journal_opt;    /* --journal as given (for printed commands), or NULL */
	int timeout_s;              /* --timeout per command; 0: REMEDY_TIMEOUT_S */
	int confirm_within;         /* --confirm-within; 0: GUARD_DEFAULT_SECONDS */
	const char *ssh_connection; /* the engineer's $SSH_CONNECTION, or NULL */
};

/* One fix offered for the results. */
struct remedy {
	const struct fix_def *fix;          /* borrowed from the registry */
	const struct check_result *result;  /* borrowed: the first of its checks
					     * that fails, else the first that warns */
	bool warning_only;                  /* none of its checks fails: they warn */
};

/* The fixes for a set of results, and what the results say besides. */
struct remedy_set {
	struct remedy v[REMEDY_MAX];        /* in the order of the results */
	size_t n;
	size_t nfailing;    /* results that fail, or warn and have a fix */
	size_t nerror;      /* results whose check could not run */
	size_t nunrun;      /* results not checked yet (STATUS_NONE) */
	struct strvec no_fix; /* ids of failing checks without an automatic fix */
	struct strvec warn_no_fix; /* ids of warning checks without one */
};

/* Chooses the fixes for results[0..n) (pointers, borrowed; each carries its
 * check id): the fixes of every check that fails and of every check that
 * warns, each fix once, in the order of the results; only, when not NULL,
 * keeps that one fix. A warning without a fix is not counted as failing.
 * out is filled (free with remedy_set_free); never fails. */
void remedy_choose(const struct check_result *const *results, size_t n, const struct fix_def *only,
		   struct remedy_set *out);
/* Drops from s the fixes that cannot change t (struct fix_def.applies):
 * a Windows machine is offered its own fixes, not an offline volume's. */
void remedy_drop_unfit(struct remedy_set *s, const struct target *t);
void remedy_set_free(struct remedy_set *s);

/* The result fix f answers among results[0..n): the first of f's checks
 * that fails, else the first that warns; NULL when none does. */
const struct check_result *remedy_result_for(const struct fix_def *f,
					     const struct check_result *const *results, size_t n);

/* How a front end gets the engineer's yes for a remedy. */
enum remedy_consent {
	REMEDY_APPLY,  /* --yes covers it: apply without asking */
	REMEDY_ASK,    /* show the plan and ask (default No) */
	REMEDY_OFFER,  /* a warning's fix nobody named, and nobody to ask (--yes
			* or no terminal): name it, change nothing */
	REMEDY_REFUSE, /* a failure's fix, no --yes and nobody to ask: refuse */
};

/* The consent rule (see the top of this file) for r: named, the fix or
 * its check was named on the command line; yes, --yes was given; can_ask,
 * a terminal can answer. */
enum remedy_consent remedy_consent(const struct remedy *r, bool named, bool yes, bool can_ask);

/* The fix context for the options, the result a fix answers (may be
 * NULL) and the article anchor (may be NULL). Everything is borrowed. */
struct fix_ctx remedy_fix_ctx(const struct remedy_opts *o, const struct check_result *r,
			      const char *anchor);

/* Plans fix f for result r (may be NULL) under the article anchor (may be
 * NULL): the fix's own plan, the anchor set, and the exact command that
 * will undo it named in its text: the journal entry it will be, on the
 * same target and journal ("asr-doctor --root DIR undo 7", as
 * undo_command prints it). Returns NULL with *cause (caller frees) when
 * the fix has nothing to do or cannot plan. Caller frees with plan_free. */
struct plan *remedy_plan(const struct remedy_opts *o, const struct fix_def *f,
			 const struct check_result *r, const char *anchor, char **cause);

/* The command that plans fix fix_id on the same target and journal
 * ("asr-doctor --root DIR fix ID"), quoted for a shell. Caller frees. */
char *remedy_fix_command(const struct remedy_opts *o, const char *fix_id);

/* The anchor of the first article node check_id is bound to in s, or
 * NULL. */
const char *remedy_anchor(const struct session *s, const char *check_id);

/* What the commit-confirmed guard means for plan p on the target, known
 * before anything changes (the confirmation screen says it). */
struct remedy_guard {
	enum guard_need need;
	const char *why;      /* static: one line for GUARD_NOT_NEEDED (NULL when
			       * the plan cannot lock anyone out) and GUARD_REFUSED */
	int within_s;         /* seconds the change waits for a confirmation */
	const char *strategy; /* static: the guard strategy's name */
};

/* Fills g for plan p (see guard_needs). Never fails. */
void remedy_guard(const struct remedy_opts *o, const struct plan *p, struct remedy_guard *g);

/* What applying a plan did. */
struct remedy_outcome {
	int rc;                 /* apply_plan's: 0 the change is in place, else -errno */
	bool refused;           /* the target cannot guard this change: nothing was
				 * done, rep.message says why */
	struct apply_report rep;
	bool guarded;           /* a guard was started (guard_text is its notice) */
	int guard_rc;           /* 0, or -errno when the guard could not start */
	char *guard_text;       /* owned: the guard's notice, or why it could not
				 * start (the change stays), or NULL */
	int signal;             /* a SIGINT/SIGTERM/SIGHUP/SIGQUIT that arrived
				 * while the change and its guard were made
				 * (held until then), or 0: the caller shows
				 * the outcome, then apply_reraise(signal) */
	struct strvec recheck;  /* the check ids to run again */
};

/* Applies plan p, which the engineer confirmed: refuses when the
 * target's guard strategy refuses (nothing changes; -EPERM), or when a
 * guard on the target still waits for its confirmation (guard_busy:
 * -EBUSY, out->rep.message says which and how to confirm), else apply_plan with
 * ao (its ssh_connection is o->ssh_connection when NULL) and, when the
 * change needs it, starts the guard, with the stopping signals held from
 * before the change until the guard is recorded. out is filled (free with
 * remedy_outcome_free); returns out->rc. */
int remedy_apply(const struct remedy_opts *o, const struct plan *p, const struct apply_opts *ao,
		 struct remedy_outcome *out);
void remedy_outcome_free(struct remedy_outcome *out);

/* The checks to run again after plan p was applied (its checks), added
 * to ids once each. */
void remedy_recheck(const struct plan *p, struct strvec *ids);
/* The same after an undo of journal entry e (the checks it recorded). */
void remedy_recheck_entry(const struct journal_entry *e, struct strvec *ids);

/* Whether the remedy worked: every result in before[0..n) that failed, or
 * that warned and was wanted (wanted[i]: its fix was named or agreed to),
 * is better in after[0..n) (after[i] NULL: not run again, unchanged). */
bool remedy_fixed(const struct check_result *const *before, const struct check_result *const *after,
		  const bool *wanted, size_t n);

#endif
