/* batch.c: a target's reads answered from one batched read while a run of
 * checks lasts (target_batch_begin in target.h; the batch itself is
 * prefetch.c). The first read inside the scope makes the batch, while the
 * other workers wait for it; the answers go when the last scope ends. */
#include <pthread.h>
#include <stdlib.h>

#include "engine/target/batch.h"
#include "engine/target/prefetch.h"
#include "engine/util/util.h"

/* Time the batched command may take. */
#define BATCH_TIMEOUT_MS 60000

struct target_batch {
	pthread_mutex_t lock; /* around everything below, and the fetch */
	int depth;            /* open scopes */
	bool tried;           /* the batch was made (or failed) in this scope */
	struct prefetch *pf;  /* owned: the answers, or NULL */
	const char *const *requests; /* borrowed: what to read (prefetch_linux) */
};

/* Whether reads of t are worth batching: a live Linux machine reached by
 * running commands, not this one (a local read costs no round trip). */
static bool batchable(const struct target *t)
{
	return t->os == TARGET_OS_LINUX && t->can_run && t->live && !t->this_machine && !t->offline;
}

void target_batch_begin(struct target *t)
{
	if (!t || !batchable(t))
		return;
	if (!t->batch) {
		t->batch = xcalloc(1, sizeof *t->batch);
		pthread_mutex_init(&t->batch->lock, NULL);
		t->batch->requests = prefetch_linux;
	}
	pthread_mutex_lock(&t->batch->lock);
	t->batch->depth++;
	pthread_mutex_unlock(&t->batch->lock);
}

void target_batch_end(struct target *t)
{
	if (!t || !t->batch)
		return;
	struct target_batch *b = t->batch;
	pthread_mutex_lock(&b->lock);
	if (b->depth > 0 && --b->depth == 0) {
		prefetch_free(b->pf);
		b->pf = NULL;
		b->tried = false;
	}
	pthread_mutex_unlock(&b->lock);
}

void target_batch_forget(struct target *t, const char *path)
{
	if (!t || !t->batch)
		return;
	pthread_mutex_lock(&t->batch->lock);
	prefetch_forget(t->batch->pf, path);
	pthread_mutex_unlock(&t->batch->lock);
}

void target_batch_requests(struct target *t, const char *const *requests)
{
	if (!t || !batchable(t))
		return;
	target_batch_begin(t);
	pthread_mutex_lock(&t->batch->lock);
	t->batch->requests = requests;
	pthread_mutex_unlock(&t->batch->lock);
	target_batch_end(t);
}

/* Frees t's batch state (target_free). */
void target_batch_free(struct target *t)
{
	if (!t->batch)
		return;
	prefetch_free(t->batch->pf);
	pthread_mutex_destroy(&t->batch->lock);
	free(t->batch);
	t->batch = NULL;
}

/* The answers, made now if this scope has none yet; NULL outside a scope
 * or when the batch could not be made. Called with the lock held. */
static const struct prefetch *answers(struct target *t)
{
	struct target_batch *b = t->batch;
	if (b->depth == 0)
		return NULL;
	if (!b->tried) {
		b->tried = true;
		size_t n = 0;
		while (b->requests[n])
			n++;
		char *cause = NULL;
		if (prefetch_fetch(t, b->requests, n, BATCH_TIMEOUT_MS, &b->pf, &cause) < 0)
			b->pf = NULL; /* every read goes the ordinary way */
		free(cause);
	}
	return b->pf;
}

bool target_batch_read(struct target *t, const char *path, size_t max, char **data, size_t *len,
		       int *err)
{
	if (!t->batch)
		return false;
	pthread_mutex_lock(&t->batch->lock);
	bool known = prefetch_read(answers(t), path, max, data, len, err);
	pthread_mutex_unlock(&t->batch->lock);
	return known;
}

bool target_batch_list(struct target *t, const char *path, struct strvec *names, int *err)
{
	if (!t->batch)
		return false;
	pthread_mutex_lock(&t->batch->lock);
	bool known = prefetch_list(answers(t), path, names, err);
	pthread_mutex_unlock(&t->batch->lock);
	return known;
}

bool target_batch_stat(struct target *t, const char *path, bool follow, struct target_stat *st,
		       int *err)
{
	if (!t->batch)
		return false;
	pthread_mutex_lock(&t->batch->lock);
	bool known = prefetch_stat(answers(t), path, follow, st, err);
	pthread_mutex_unlock(&t->batch->lock);
	return known;
}
