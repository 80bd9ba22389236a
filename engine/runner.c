/* runner.c: a small worker pool for checks, with per-check timeouts and
 * cancellation. */
#include "engine/runner.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum job_state { JOB_QUEUED, JOB_RUNNING, JOB_DONE, JOB_REPORTED };

struct job {
	const struct check_def *def;
	enum job_state state;
	long long started_ms;
	bool abandoned;            /* reported as timed out; drop the late result */
	struct check_result result;
};

struct runner {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct job *jobs;
	size_t njobs;
	size_t next;               /* next queued job */
	size_t unreported;
	struct check_ctx ctx;
	volatile int cancel;
	int timeout_ms;
	pthread_t *threads;
	int nthreads;
	int live;                  /* workers not yet gone (lock) */
};

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A worker leaves (lock held): the last one ends the target's batch
 * scope, so nothing read later comes from it. */
static void worker_gone(struct runner *r, int n)
{
	r->live -= n;
	if (r->live == 0 && r->ctx.t)
		target_batch_end(r->ctx.t);
}

static void *worker(void *arg)
{
	struct runner *r = arg;
	for (;;) {
		pthread_mutex_lock(&r->lock);
		if (r->next >= r->njobs || r->cancel) {
			worker_gone(r, 1);
			pthread_mutex_unlock(&r->lock);
			return NULL;
		}
		struct job *j = &r->jobs[r->next++];
		j->state = JOB_RUNNING;
		j->started_ms = now_ms();
		pthread_mutex_unlock(&r->lock);

		struct check_result res;
		check_run_one(j->def, &r->ctx, &res);

		pthread_mutex_lock(&r->lock);
		if (j->abandoned) {
			result_free(&res);
		} else {
			j->result = res;
			j->state = JOB_DONE;
		}
		pthread_cond_broadcast(&r->cond);
		pthread_mutex_unlock(&r->lock);
	}
}

struct runner *runner_start(const struct check_def *const *checks, size_t n,
			    const struct check_ctx *ctx, int threads, int timeout_ms)
{
	struct runner *r = xcalloc(1, sizeof *r);
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->cond, NULL);
	r->jobs = xcalloc(n ? n : 1, sizeof *r->jobs);
	r->njobs = n;
	r->unreported = n;
	for (size_t i = 0; i < n; i++)
		r->jobs[i].def = checks[i];
	r->ctx = *ctx;
	r->ctx.cancel = &r->cancel;
	r->timeout_ms = timeout_ms > 0 ? timeout_ms : 30000;
	r->nthreads = threads < 1 ? 1 : threads;
	if ((size_t)r->nthreads > n)
		r->nthreads = (int)(n ? n : 1);
	r->threads = xcalloc((size_t)r->nthreads, sizeof *r->threads);
	/* Workers never take the signals meant for the main thread (Ctrl-C,
	 * a dropped line): they inherit this mask. */
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGQUIT);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	/* The checks' reads of a remote machine may come from one batch
	 * while they run (target.h); the last worker to go ends it. */
	target_batch_begin(r->ctx.t);
	if (r->ctx.t) {
		struct strvec cmds = { 0 };
		for (size_t i = 0; i < n; i++)
			if (checks[i]->known_commands)
				checks[i]->known_commands(&r->ctx, &cmds);
		target_batch_commands(r->ctx.t, &cmds);
		sv_free(&cmds);
	}
	r->live = r->nthreads;
	for (int i = 0; i < r->nthreads; i++)
		if (pthread_create(&r->threads[i], NULL, worker, r) != 0) {
			pthread_mutex_lock(&r->lock);
			worker_gone(r, r->nthreads - i);
			pthread_mutex_unlock(&r->lock);
			r->nthreads = i;
			break;
		}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r->nthreads == 0) {
		/* No threads at all: run here, so results still arrive (the
		 * batch scope already ended with the workers that never came). */
		for (size_t i = 0; i < n; i++) {
			check_run_one(r->jobs[i].def, &r->ctx, &r->jobs[i].result);
			r->jobs[i].state = JOB_DONE;
		}
		r->next = n;
	}
	return r;
}

/* Marks over-time jobs as errors (lock held). */
static void expire(struct runner *r)
{
	long long now = now_ms();
	for (size_t i = 0; i < r->njobs; i++) {
		struct job *j = &r->jobs[i];
		if (j->state != JOB_RUNNING || now - j->started_ms < r->timeout_ms)
			continue;
		j->abandoned = true;
		j->state = JOB_DONE;
		result_init(&j->result, j->def->id);
		result_set(&j->result, STATUS_ERROR, T("timed out after %d s", "%d 秒后超时"),
			   r->timeout_ms / 1000);
		j->result.ms = (double)(now - j->started_ms);
	}
}

size_t runner_poll(struct runner *r, struct check_result *out, size_t max)
{
	size_t got = 0;
	pthread_mutex_lock(&r->lock);
	expire(r);
	for (size_t i = 0; i < r->njobs && got < max; i++) {
		struct job *j = &r->jobs[i];
		if (j->state == JOB_QUEUED && r->cancel) {
			result_init(&j->result, j->def->id);
			result_set(&j->result, STATUS_NONE, "%s", T("cancelled", "已取消"));
			j->state = JOB_DONE;
		}
		if (j->state != JOB_DONE)
			continue;
		out[got++] = j->result;
		memset(&j->result, 0, sizeof j->result);
		j->state = JOB_REPORTED;
		r->unreported--;
	}
	pthread_mutex_unlock(&r->lock);
	return got;
}

bool runner_wait(struct runner *r, int ms)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&r->lock);
	bool ready = false;
	for (;;) {
		expire(r);
		for (size_t i = 0; i < r->njobs && !ready; i++)
			ready = r->jobs[i].state == JOB_DONE ||
				(r->cancel && r->jobs[i].state == JOB_QUEUED);
		if (ready || r->unreported == 0)
			break;
		if (pthread_cond_timedwait(&r->cond, &r->lock, &ts) != 0)
			break;
	}
	pthread_mutex_unlock(&r->lock);
	return ready;
}

size_t runner_pending(const struct runner *r)
{
	return r->unreported;
}

char *runner_running(struct runner *r)
{
	struct sbuf b = { 0 };
	pthread_mutex_lock(&r->lock);
	for (size_t i = 0; i < r->njobs; i++)
		if (r->jobs[i].state == JOB_RUNNING)
			sb_printf(&b, "%s%s", b.len ? ", " : "", r->jobs[i].def->id);
	pthread_mutex_unlock(&r->lock);
	return sb_steal(&b);
}

void runner_cancel(struct runner *r)
{
	pthread_mutex_lock(&r->lock);
	r->cancel = 1;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
}

void runner_free(struct runner *r)
{
	if (!r)
		return;
	runner_cancel(r);
	for (int i = 0; i < r->nthreads; i++)
		pthread_join(r->threads[i], NULL);
	for (size_t i = 0; i < r->njobs; i++)
		if (r->jobs[i].state == JOB_DONE)
			result_free(&r->jobs[i].result);
	free(r->jobs);
	free(r->threads);
	pthread_cond_destroy(&r->cond);
	pthread_mutex_destroy(&r->lock);
	free(r);
}
