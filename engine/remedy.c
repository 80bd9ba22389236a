/* remedy.c: the remedy flow shared by `asr-doctor fix` and the wizard:
 * which fixes apply, the fix context, the commit-confirmed guard through
 * the target's strategy, applying a confirmed plan, what to check again. */
#include "engine/remedy.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "engine/change/undocmd.h"

/* The first result in results[0..n) of check id with status want, or
 * NULL. */
static const struct check_result *find_result(const char *id, const struct check_result *const *results,
					      size_t n, enum status want)
{
	for (size_t i = 0; i < n; i++)
		if (results[i] && results[i]->status == want && results[i]->check_id &&
		    strcmp(results[i]->check_id, id) == 0)
			return results[i];
	return NULL;
}

const struct check_result *remedy_result_for(const struct fix_def *f,
					     const struct check_result *const *results, size_t n)
{
	static const enum status order[] = { STATUS_FAIL, STATUS_WARN };
	for (size_t k = 0; k < ARRAY_LEN(order); k++)
		for (const char *const *c = f->check_ids; c && *c; c++) {
			const struct check_result *r = find_result(*c, results, n, order[k]);
			if (r)
				return r;
		}
	return NULL;
}

/* Adds fix f to s once. */
static void add_fix(struct remedy_set *s, const struct fix_def *f)
{
	for (size_t m = 0; m < s->n; m++)
		if (s->v[m].fix == f)
			return;
	if (s->n < ARRAY_LEN(s->v))
		s->v[s->n++] = (struct remedy){ .fix = f };
}

void remedy_drop_unfit(struct remedy_set *s, const struct target *t)
{
	size_t k = 0;
	for (size_t m = 0; m < s->n; m++)
		if (!s->v[m].fix->applies || s->v[m].fix->applies(t))
			s->v[k++] = s->v[m];
	s->n = k;
}

void remedy_choose(const struct check_result *const *results, size_t n, const struct fix_def *only,
		   struct remedy_set *out)
{
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < n; i++) {
		const struct check_result *r = results[i];
		if (!r)
			continue;
		if (r->status == STATUS_ERROR)
			out->nerror++;
		else if (r->status == STATUS_NONE)
			out->nunrun++;
		if (r->status != STATUS_FAIL && r->status != STATUS_WARN)
			continue;
		const struct fix_def *found[REMEDY_MAX];
		size_t nf = fix_for_check(r->check_id, found, ARRAY_LEN(found));
		if (nf == 0) {
			/* A warning without a fix is information, not work. */
			struct strvec *list = r->status == STATUS_FAIL ? &out->no_fix : &out->warn_no_fix;
			out->nfailing += r->status == STATUS_FAIL;
			if (!sv_contains(list, r->check_id))
				sv_push(list, r->check_id);
			continue;
		}
		out->nfailing++;
		for (size_t k = 0; k < nf && k < ARRAY_LEN(found); k++)
			if (!only || found[k] == only)
				add_fix(out, found[k]);
	}
	for (size_t m = 0; m < out->n; m++) {
		out->v[m].result = remedy_result_for(out->v[m].fix, results, n);
		out->v[m].warning_only = !out->v[m].result || out->v[m].result->status != STATUS_FAIL;
	}
}

void remedy_set_free(struct remedy_set *s)
{
	sv_free(&s->no_fix);
	sv_free(&s->warn_no_fix);
	memset(s, 0, sizeof *s);
}

enum remedy_consent remedy_consent(const struct remedy *r, bool named, bool yes, bool can_ask)
{
	bool covered = !r->warning_only || named;
	if (yes && covered)
		return REMEDY_APPLY;
	if (!covered && (yes || !can_ask))
		return REMEDY_OFFER;
	return can_ask ? REMEDY_ASK : REMEDY_REFUSE;
}

struct fix_ctx remedy_fix_ctx(const struct remedy_opts *o, const struct check_result *r,
			      const char *anchor)
{
	struct fix_ctx c = {
		.t = o->t,
		.server = o->server,
		.account = o->account,
		.journal_dir = o->journal_dir,
		.result = r,
		.anchor = anchor,
		.timeout_ms = (o->timeout_s > 0 ? o->timeout_s : REMEDY_TIMEOUT_S) * 1000,
	};
	return c;
}

struct plan *remedy_plan(const struct remedy_opts *o, const struct fix_def *f,
			 const struct check_result *r, const char *anchor, char **cause)
{
	struct fix_ctx ctx = remedy_fix_ctx(o, r, anchor);
	*cause = NULL;
	struct plan *p = f->plan(&ctx, cause);
	if (!p)
		return NULL;
	if (!p->anchor && anchor)
		plan_set_anchor(p, anchor);
	char *jdir = o->journal_dir ? xstrdup(o->journal_dir) : journal_default_dir(o->t);
	char *id = journal_next_id_for(o->t, jdir);
	char *undo = undo_command(o->t, jdir, id, false);
	plan_set_undo_command(p, undo);
	free(undo);
	free(id);
	free(jdir);
	/* A fix's planner returns a plan of its own on the heap, never a
	 * pointer into ctx (cppcheck cannot see into it). */
	/* cppcheck-suppress returnDanglingLifetime */
	return p;
}

char *remedy_fix_command(const struct remedy_opts *o, const char *fix_id)
{
	struct strvec argv = { 0 };
	sv_push(&argv, "asr-doctor");
	target_cli_args(o->t, &argv);
	char *def = journal_default_dir(o->t);
	if (o->journal_dir && (!def || strcmp(def, o->journal_dir) != 0)) {
		sv_push(&argv, "--journal");
		sv_push(&argv, o->journal_dir);
	}
	sv_push(&argv, "fix");
	sv_push(&argv, fix_id);
	char *s = plan_argv_str((const char *const *)argv.v); /* v is NULL-terminated */
	sv_free(&argv);
	free(def);
	return s;
}

const char *remedy_anchor(const struct session *s, const char *check_id)
{
	int i = s && check_id ? session_find(s, check_id) : -1;
	return i >= 0 && s->bindings[i].nnodes ? s->bindings[i].nodes[0]->anchor : NULL;
}

/* The seconds a guarded change waits for its confirmation. */
static int within_of(const struct remedy_opts *o)
{
	return o->confirm_within > 0 ? o->confirm_within : GUARD_DEFAULT_SECONDS;
}

void remedy_guard(const struct remedy_opts *o, const struct plan *p, struct remedy_guard *g)
{
	memset(g, 0, sizeof *g);
	g->need = guard_needs(o->t, p, o->ssh_connection, &g->why);
	g->within_s = within_of(o);
	g->strategy = guard_strategy_for(o->t)->name;
}

/* Starts the guard after an applied change; fills the outcome's guard
 * fields. */
static void start_guard(const struct remedy_opts *o, const struct plan *p,
			struct remedy_outcome *out)
{
	const struct guard_strategy *s = guard_strategy_for(o->t);
	int within = within_of(o);
	struct guard_spec g = { .journal_dir = o->journal_dir,
				.entry_id = out->rep.entry_id,
				.within_s = within,
				.plan = p };
	long pid = 0;
	char *cause = NULL;
	out->guard_rc = s->start ? s->start(o->t, &g, &pid, &cause) : -ENOTSUP;
	if (out->guard_rc < 0) {
		out->guard_text = xasprintf(
			T("the safety guard could not start (%s): the change stays; check that you can "
			  "still log in before closing this session",
			  "安全守护进程无法启动（%s）：更改将保留；关闭此会话前请确认仍能登录"),
			cause ? cause : strerror(-out->guard_rc));
		free(cause);
		return;
	}
	out->guarded = true;
	out->guard_text = guard_notice(o->t, out->rep.entry_id, within, pid, o->journal_opt);
}

int remedy_apply(const struct remedy_opts *o, const struct plan *p, const struct apply_opts *ao,
		 struct remedy_outcome *out)
{
	memset(out, 0, sizeof *out);
	remedy_recheck(p, &out->recheck);
	const char *why = NULL;
	enum guard_need need = guard_needs(o->t, p, o->ssh_connection, &why);
	if (need == GUARD_REFUSED) {
		out->refused = true;
		out->rep.message = xasprintf("%s\n%s", why,
					     T("Nothing was changed.", "未做任何更改。"));
		out->rc = -EPERM;
		return out->rc;
	}
	/* A guard that still waits there would undo this change too. */
	char *busy = guard_busy(o->t, o->journal_dir, o->journal_opt);
	if (busy) {
		out->rep.message = busy;
		out->rc = -EBUSY;
		return out->rc;
	}
	struct apply_opts opts = *ao;
	if (!opts.ssh_connection)
		opts.ssh_connection = o->ssh_connection;
	struct fix_ctx ctx = remedy_fix_ctx(o, NULL, p->anchor);
	/* Held until the guard is recorded too: a hang-up between the
	 * reload and the guard must not leave the change unguarded. */
	sigset_t held;
	apply_signals_hold(&held);
	out->rc = apply_plan(&ctx, p, &opts, &out->rep);
	if (out->rc == 0 && need == GUARD_NEEDED && guard_due(&out->rep))
		start_guard(o, p, out);
	int late = apply_signals_release(&held);
	out->signal = out->rep.signal ? out->rep.signal : late;
	return out->rc;
}

void remedy_outcome_free(struct remedy_outcome *out)
{
	apply_report_free(&out->rep);
	free(out->guard_text);
	sv_free(&out->recheck);
	memset(out, 0, sizeof *out);
}

void remedy_recheck(const struct plan *p, struct strvec *ids)
{
	for (size_t i = 0; p && i < p->check_ids.n; i++)
		if (!sv_contains(ids, p->check_ids.v[i]))
			sv_push(ids, p->check_ids.v[i]);
}

void remedy_recheck_entry(const struct journal_entry *e, struct strvec *ids)
{
	for (size_t i = 0; e && i < e->checks.n; i++)
		if (!sv_contains(ids, e->checks.v[i]))
			sv_push(ids, e->checks.v[i]);
}

bool remedy_fixed(const struct check_result *const *before, const struct check_result *const *after,
		  const bool *wanted, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		enum status was = before[i]->status;
		if (was != STATUS_FAIL && !(was == STATUS_WARN && wanted && wanted[i]))
			continue;
		enum status now = after && after[i] ? after[i]->status : was;
		if (now >= was)
			return false;
	}
	return true;
}
