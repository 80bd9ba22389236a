/* batch.c: a target's reads answered from one batched read while a run of
 * checks lasts (target_batch_begin in target.h; the batch itself is
 * prefetch.c). The first read inside the scope makes the batch, while the
 * other workers wait for it; what the batch does not answer is asked of
 * the machine once and kept (the memo), so that checks reading the same
 * file or running the same command pay its round trips once; the answers
 * go when the last scope ends. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "engine/target/batch.h"
#include "engine/target/prefetch.h"
#include "engine/util/util.h"

/* Time the batched command may take. */
#define BATCH_TIMEOUT_MS 60000

/* One answer the machine gave in this scope. */
struct memo {
	char op;              /* 'R' read, 'S' stat, 'L' lstat, 'D' list, 'P'
			       * realpath, 'V' statvfs, 'X' a command */
	char *key;            /* owned: the path, or the command's words
			       * separated by '\n' */
	int err;              /* the operation's result */
	size_t max;           /* R: the most bytes that were allowed */
	char *data;           /* owned: R the bytes, P the path */
	size_t len;
	struct target_stat st;
	struct target_vfs vfs;
	struct strvec names;  /* D */
	struct cmd_result cmd; /* X (owned) */
};

struct target_batch {
	pthread_mutex_t lock; /* around everything below, the fetch, and each
			       * operation the memo makes */
	int depth;            /* open scopes */
	bool tried;           /* the batch was made (or failed) in this scope */
	struct prefetch *pf;  /* owned: the answers, or NULL */
	const char *const *requests; /* borrowed: what to read (prefetch_linux) */
	struct memo *memo;    /* owned */
	size_t nmemo, capmemo;
	struct strvec commands; /* the commands the checks will run (their
				 * words, each ended by '\n'), for run_many */
	bool commands_ran;    /* they were run (or tried) in this scope */
};

static void memo_clear(struct target_batch *b)
{
	for (size_t i = 0; i < b->nmemo; i++) {
		free(b->memo[i].key);
		free(b->memo[i].data);
		sv_free(&b->memo[i].names);
		cmd_result_free(&b->memo[i].cmd);
	}
	b->nmemo = 0;
}

static struct memo *memo_find(struct target_batch *b, char op, const char *key)
{
	for (size_t i = 0; i < b->nmemo; i++)
		if (b->memo[i].op == op && strcmp(b->memo[i].key, key) == 0)
			return &b->memo[i];
	return NULL;
}

/* A new answer to fill (lock held). A lost link is never kept: nothing
 * more will be answered. */
static struct memo *memo_add(struct target_batch *b, char op, const char *key, int err)
{
	if (err == -ENOTCONN)
		return NULL;
	b->memo = xgrow(b->memo, &b->capmemo, b->nmemo + 1, sizeof *b->memo);
	struct memo *m = &b->memo[b->nmemo++];
	memset(m, 0, sizeof *m);
	m->op = op;
	m->key = xstrdup(key);
	m->err = err;
	return m;
}

/* Whether reads of t are worth batching: a live machine reached by
 * running commands, not this one (a local read costs no round trip). A
 * Windows machine gets the memo only (its commands run once in a scope):
 * the batched read is a POSIX sh script. */
static bool batchable(const struct target *t)
{
	return (t->os == TARGET_OS_LINUX || t->os == TARGET_OS_WINDOWS) && t->can_run && t->live &&
	       !t->this_machine && !t->offline;
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
		memo_clear(b);
		sv_free(&b->commands);
		b->commands_ran = false;
	}
	pthread_mutex_unlock(&b->lock);
}

char *target_command_key(const char *const argv[])
{
	struct sbuf k = { 0 };
	for (size_t i = 0; argv[i]; i++)
		sb_printf(&k, "%s\n", argv[i]);
	return sb_steal(&k);
}

void target_batch_commands(struct target *t, const struct strvec *commands)
{
	if (!t || !t->batch || !t->ops->run_many)
		return;
	struct target_batch *b = t->batch;
	pthread_mutex_lock(&b->lock);
	if (b->depth > 0)
		for (size_t i = 0; i < commands->n; i++)
			if (!sv_contains(&b->commands, commands->v[i]))
				sv_push(&b->commands, commands->v[i]);
	pthread_mutex_unlock(&b->lock);
}

void target_batch_forget(struct target *t, const char *path)
{
	if (!t || !t->batch)
		return;
	struct target_batch *b = t->batch;
	pthread_mutex_lock(&b->lock);
	prefetch_forget(b->pf, path);
	/* The path, its folder's listing, and every command (which may
	 * have read it). */
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	if (slash)
		slash == dir ? (void)(dir[1] = '\0') : (void)(*slash = '\0');
	size_t k = 0;
	for (size_t i = 0; i < b->nmemo; i++) {
		struct memo *m = &b->memo[i];
		if (strcmp(m->key, path) == 0 || m->op == 'X' ||
		    (m->op == 'D' && strcmp(m->key, dir) == 0)) {
			free(m->key);
			free(m->data);
			sv_free(&m->names);
			cmd_result_free(&m->cmd);
		} else {
			b->memo[k++] = *m;
		}
	}
	b->nmemo = k;
	free(dir);
	pthread_mutex_unlock(&b->lock);
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
	memo_clear(t->batch);
	sv_free(&t->batch->commands);
	free(t->batch->memo);
	pthread_mutex_destroy(&t->batch->lock);
	free(t->batch);
	t->batch = NULL;
}

/* The answers, made now if this scope has none yet; NULL outside a scope
 * or when the batch could not be made. Called with the lock held. */
static const struct prefetch *answers(struct target *t)
{
	struct target_batch *b = t->batch;
	if (b->depth == 0 || t->os != TARGET_OS_LINUX)
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

/* Whether t is inside a scope, taking the lock when it is. */
static bool in_scope(struct target *t)
{
	if (!t->batch)
		return false;
	pthread_mutex_lock(&t->batch->lock);
	if (t->batch->depth == 0) {
		pthread_mutex_unlock(&t->batch->lock);
		return false;
	}
	return true;
}

bool target_batch_read(struct target *t, const char *path, size_t max, char **data, size_t *len,
		       int *err)
{
	if (!in_scope(t))
		return false;
	struct target_batch *b = t->batch;
	if (!prefetch_read(answers(t), path, max, data, len, err)) {
		struct memo *m = memo_find(b, 'R', path);
		if (m && m->max != max)
			m = NULL; /* asked with another limit: asked again */
		if (!m) {
			char *d = NULL;
			size_t n = 0;
			int rc = t->ops->read_file(t, path, &d, &n, max);
			m = memo_add(b, 'R', path, rc);
			if (m) {
				m->max = max;
				m->data = d;
				m->len = n;
			} else {
				free(d);
				*err = rc;
				pthread_mutex_unlock(&b->lock);
				return true;
			}
		}
		*err = m->err;
		if (m->err == 0) {
			*data = xmalloc(m->len + 1);
			memcpy(*data, m->data ? m->data : "", m->len);
			(*data)[m->len] = '\0';
			*len = m->len;
		}
	}
	pthread_mutex_unlock(&b->lock);
	return true;
}

bool target_batch_list(struct target *t, const char *path, struct strvec *names, int *err)
{
	if (!in_scope(t))
		return false;
	struct target_batch *b = t->batch;
	if (!prefetch_list(answers(t), path, names, err)) {
		struct memo *m = memo_find(b, 'D', path);
		if (!m) {
			struct strvec got = { 0 };
			int rc = t->ops->list_dir(t, path, &got);
			m = memo_add(b, 'D', path, rc);
			if (!m) {
				sv_free(&got);
				*err = rc;
				pthread_mutex_unlock(&b->lock);
				return true;
			}
			m->names = got;
		}
		*err = m->err;
		for (size_t i = 0; m->err == 0 && i < m->names.n; i++)
			sv_push(names, m->names.v[i]);
	}
	pthread_mutex_unlock(&b->lock);
	return true;
}

bool target_batch_stat(struct target *t, const char *path, bool follow, struct target_stat *st,
		       int *err)
{
	if (!in_scope(t))
		return false;
	struct target_batch *b = t->batch;
	if (!prefetch_stat(answers(t), path, follow, st, err)) {
		char op = follow ? 'S' : 'L';
		struct memo *m = memo_find(b, op, path);
		if (!m) {
			struct target_stat got;
			memset(&got, 0, sizeof got);
			int rc = t->ops->stat(t, path, &got, follow);
			m = memo_add(b, op, path, rc);
			if (!m) {
				*err = rc;
				pthread_mutex_unlock(&b->lock);
				return true;
			}
			m->st = got;
		}
		*err = m->err;
		if (m->err == 0)
			*st = m->st;
	}
	pthread_mutex_unlock(&b->lock);
	return true;
}

bool target_batch_statvfs(struct target *t, const char *path, struct target_vfs *out, int *err)
{
	if (!in_scope(t))
		return false;
	struct target_batch *b = t->batch;
	if (prefetch_statvfs(answers(t), path, out, err)) {
		pthread_mutex_unlock(&b->lock);
		return true;
	}
	struct memo *m = memo_find(b, 'V', path);
	if (!m) {
		struct target_vfs got;
		memset(&got, 0, sizeof got);
		int rc = t->ops->statvfs(t, path, &got);
		m = memo_add(b, 'V', path, rc);
		if (!m) {
			*err = rc;
			pthread_mutex_unlock(&b->lock);
			return true;
		}
		m->vfs = got;
	}
	*err = m->err;
	if (m->err == 0)
		*out = m->vfs;
	pthread_mutex_unlock(&b->lock);
	return true;
}

bool target_batch_realpath(struct target *t, const char *path, char **out, int *err)
{
	if (!in_scope(t))
		return false;
	struct target_batch *b = t->batch;
	if (prefetch_realpath(answers(t), path, out, err)) {
		pthread_mutex_unlock(&b->lock);
		return true;
	}
	struct memo *m = memo_find(b, 'P', path);
	if (!m) {
		char *got = NULL;
		int rc = t->ops->realpath(t, path, &got);
		m = memo_add(b, 'P', path, rc);
		if (!m) {
			free(got);
			*err = rc;
			pthread_mutex_unlock(&b->lock);
			return true;
		}
		m->data = got;
	}
	*err = m->err;
	if (m->err == 0)
		*out = xstrdup(m->data);
	pthread_mutex_unlock(&b->lock);
	return true;
}

/* The commands declared for this scope, run together at the first
 * command asked (lock held): each answer becomes the memo's, as if it
 * had been asked alone; one not answered is asked alone when its turn
 * comes. */
static void run_declared(struct target *t, int timeout_ms)
{
	struct target_batch *b = t->batch;
	if (b->commands_ran || b->commands.n == 0 || !t->ops->run_many)
		return;
	b->commands_ran = true;
	size_t n = b->commands.n;
	struct strvec *words = xcalloc(n, sizeof *words);
	const char *const **argvs = xcalloc(n, sizeof *argvs);
	for (size_t i = 0; i < n; i++) {
		const char *k = b->commands.v[i];
		for (const char *nl; (nl = strchr(k, '\n')); k = nl + 1)
			sv_take(&words[i], xstrndup(k, (size_t)(nl - k)));
		argvs[i] = (const char *const *)words[i].v; /* NULL-terminated */
	}
	struct cmd_result *outs = xcalloc(n, sizeof *outs);
	bool *answered = xcalloc(n, sizeof *answered);
	int limit = timeout_ms > BATCH_TIMEOUT_MS ? timeout_ms : BATCH_TIMEOUT_MS;
	if (t->ops->run_many(t, argvs, n, limit, outs, answered) == 0)
		for (size_t i = 0; i < n; i++) {
			struct memo *m = answered[i] && !memo_find(b, 'X', b->commands.v[i])
						 ? memo_add(b, 'X', b->commands.v[i], 0)
						 : NULL;
			if (m) {
				m->cmd = outs[i];
				memset(&outs[i], 0, sizeof outs[i]);
			}
		}
	for (size_t i = 0; i < n; i++) {
		cmd_result_free(&outs[i]);
		sv_free(&words[i]);
	}
	free(outs);
	free(answered);
	free(argvs);
	free(words);
}

bool target_batch_run(struct target *t, const char *const argv[], int timeout_ms,
		      struct cmd_result *out, int *err)
{
	if (!in_scope(t))
		return false;
	struct target_batch *b = t->batch;
	run_declared(t, timeout_ms);
	if (prefetch_run(answers(t), argv, out)) {
		*err = 0;
		pthread_mutex_unlock(&b->lock);
		return true;
	}
	char *key = target_command_key(argv);
	struct memo *m = memo_find(b, 'X', key);
	if (!m) {
		struct cmd_result got = { .status = -1 };
		int rc = t->ops->run(t, argv, timeout_ms, &got);
		/* A command that timed out is not an answer to keep. */
		m = rc == 0 && !got.timed_out ? memo_add(b, 'X', key, rc) : NULL;
		if (!m) {
			*out = got;
			*err = rc;
			free(key);
			pthread_mutex_unlock(&b->lock);
			return true;
		}
		m->cmd = got;
	}
	*err = m->err;
	out->status = m->cmd.status;
	out->timed_out = m->cmd.timed_out;
	out->out = m->cmd.out ? xstrdup(m->cmd.out) : NULL;
	out->out_len = out->out ? strlen(out->out) : 0;
	out->err = m->cmd.err ? xstrdup(m->cmd.err) : NULL;
	free(key);
	pthread_mutex_unlock(&b->lock);
	return true;
}
