/* test_fuzz_corpus.c: replays every fuzz target's seed corpus
 * (tests/fuzz/corpus/<name>/) through the target, deterministically and
 * with the normal compiler, so `make check` (and `make check SANITIZE=1`,
 * where AddressSanitizer and UndefinedBehaviorSanitizer watch) runs every
 * parser over its seeds and over every crash the fuzzers found. A target
 * whose corpus folder is missing or empty fails, and so does a corpus
 * folder without a target. Seeds named crash-*, leak-*, ub-* and hang-*
 * reproduce what the fuzzers found; they stay after the fix, as
 * regression inputs. An input running longer than INPUT_TIMEOUT seconds
 * ends the suite with a message naming it.
 *
 * `test_fuzz_corpus NAME FILE...` replays just those files through target
 * NAME (for a debugger), without cmocka. */
#include "support/testutil.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/util/util.h"
#include "fuzz/fuzz.h"

#define CORPUS "tests/fuzz/corpus"
/* Seconds one input may take before it counts as a hang. */
#define INPUT_TIMEOUT 5

FUZZ_DECLARE(blockdevs);
FUZZ_DECLARE(checks);
FUZZ_DECLARE(disk);
FUZZ_DECLARE(doc);
FUZZ_DECLARE(grub);
FUZZ_DECLARE(journal);
FUZZ_DECLARE(logscan);
FUZZ_DECLARE(lvm);
FUZZ_DECLARE(meminfo);
FUZZ_DECLARE(mounts);
FUZZ_DECLARE(mountinfo);
FUZZ_DECLARE(net_tcp);
FUZZ_DECLARE(osrelease);
FUZZ_DECLARE(prefetch);
FUZZ_DECLARE(replay);
FUZZ_DECLARE(session);
FUZZ_DECLARE(ssh_config);
FUZZ_DECLARE(sshd_config);
FUZZ_DECLARE(sshd_match);
FUZZ_DECLARE(sshd_t);
FUZZ_DECLARE(state);
FUZZ_DECLARE(support);
FUZZ_DECLARE(sysparse);
FUZZ_DECLARE(winhive);
FUZZ_DECLARE(winparse);

typedef int (*fuzz_fn)(const uint8_t *data, size_t size);

static const struct target_entry {
	const char *name;
	fuzz_fn fn;
} targets[] = {
#define T_(n) { #n, FUZZ_ENTRY(n) }
	T_(blockdevs), T_(checks),  T_(disk),        T_(doc),        T_(grub),     T_(journal),
	T_(logscan), T_(lvm),     T_(meminfo),     T_(mounts),     T_(mountinfo),     T_(net_tcp),  T_(osrelease), T_(prefetch),
	T_(replay),  T_(session),     T_(ssh_config),  T_(sshd_config), T_(sshd_match), T_(sshd_t),
	T_(state),   T_(support),     T_(sysparse),   T_(winhive),    T_(winparse),
#undef T_
};

/* Orders strings of a strvec bytewise (a qsort callback). */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The input being replayed, for the hang message. */
static const char *current_input;

/* Ends the suite when one input runs too long: a hang the fuzzers found
 * (or a new one) must fail `make check`, not stall it. */
static void on_alarm(int sig)
{
	(void)sig;
	static const char a[] = "fuzz replay: a hang: still running after ";
	static const char b[] = " s on ";
	char secs[16];
	int n = snprintf(secs, sizeof secs, "%d", INPUT_TIMEOUT);
	ssize_t w = write(2, a, sizeof a - 1);
	w += write(2, secs, (size_t)n);
	w += write(2, b, sizeof b - 1);
	w += write(2, current_input, strlen(current_input));
	w += write(2, "\n", 1);
	(void)w;
	/* Remove the targets' temporary folder on the way out, with only
	 * async-signal-safe calls: a shell that removes it and exits 3. */
	const char *tmp = fuzz_tmpdir_made();
	if (tmp) {
		char *const args[] = { "sh", "-c", "rm -rf \"$1\"; exit 3", "sh", (char *)tmp,
				       NULL };
		char *const env[] = { "PATH=/usr/bin:/bin", NULL };
		execve("/bin/sh", args, env);
	}
	_exit(3);
}

/* Runs one input through a target under the hang alarm. */
static int run_input(fuzz_fn fn, const char *path, const uint8_t *data, size_t len)
{
	current_input = path;
	alarm(INPUT_TIMEOUT);
	int rc = fn(data, len);
	alarm(0);
	return rc;
}

/* The files of a corpus folder, sorted. */
static void list_corpus(const char *name, struct strvec *files)
{
	char *dir = xasprintf("%s/%s", CORPUS, name);
	DIR *d = opendir(dir);
	if (!d)
		fail_msg("%s: no corpus folder", dir);
	struct dirent *de;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			sv_take(files, xasprintf("%s/%s", dir, de->d_name));
	closedir(d);
	free(dir);
	qsort(files->v, files->n, sizeof *files->v, cmp_str);
}

/* Feeds every file of the target's corpus to it; a crash, a sanitizer
 * report or a broken contract (fuzz_fail) ends the suite. */
static void replay_target(void **state)
{
	const struct target_entry *t = *state;
	struct strvec files = { 0 };
	list_corpus(t->name, &files);
	assert_true(files.n > 0);
	for (size_t i = 0; i < files.n; i++) {
		size_t len = 0;
		char *data = tu_read_file(files.v[i], &len);
		/* The exact bytes, in a buffer of their own size (no NUL after
		 * them), so reading past the end shows under ASan. */
		uint8_t *copy = xmalloc(len ? len : 1);
		memcpy(copy, data, len);
		free(data);
		assert_int_equal(run_input(t->fn, files.v[i], copy, len), 0);
		free(copy);
	}
	print_message("[          ] %s: %zu inputs replayed\n", t->name, files.n);
	sv_free(&files);
}

/* Every corpus folder belongs to a target of this suite. */
static void test_every_corpus_has_a_target(void **state)
{
	(void)state;
	DIR *d = opendir(CORPUS);
	assert_non_null(d);
	struct dirent *de;
	size_t n = 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		bool known = false;
		for (size_t i = 0; i < ARRAY_LEN(targets); i++)
			known |= strcmp(targets[i].name, de->d_name) == 0;
		if (!known)
			fail_msg("%s/%s has no target in test_fuzz_corpus.c", CORPUS, de->d_name);
		n++;
	}
	closedir(d);
	assert_int_equal(n, ARRAY_LEN(targets));
}

/* Every target source file is listed here. */
static void test_every_target_is_replayed(void **state)
{
	(void)state;
	DIR *d = opendir("tests/fuzz");
	assert_non_null(d);
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!str_starts(de->d_name, "fuzz_") || !str_ends(de->d_name, ".c"))
			continue;
		char *name = xstrndup(de->d_name + 5, strlen(de->d_name) - 7);
		bool known = false;
		for (size_t i = 0; i < ARRAY_LEN(targets); i++)
			known |= strcmp(targets[i].name, name) == 0;
		if (!known)
			fail_msg("tests/fuzz/%s is not replayed by test_fuzz_corpus.c", de->d_name);
		free(name);
	}
	closedir(d);
}

/* `test_fuzz_corpus NAME FILE...` runs only those files through target
 * NAME (to reproduce one finding under a debugger), without cmocka. */
static int run_files(const char *name, int n, char **paths)
{
	for (size_t i = 0; i < ARRAY_LEN(targets); i++) {
		if (strcmp(targets[i].name, name) != 0)
			continue;
		for (int k = 0; k < n; k++) {
			FILE *f = fopen(paths[k], "rb");
			if (!f) {
				perror(paths[k]);
				return 2;
			}
			struct sbuf b = { 0 };
			char buf[65536];
			size_t got;
			while ((got = fread(buf, 1, sizeof buf, f)) > 0)
				sb_addn(&b, buf, got);
			fclose(f);
			uint8_t *copy = xmalloc(b.len ? b.len : 1);
			if (b.len)
				memcpy(copy, b.s, b.len);
			size_t len = b.len;
			sb_free(&b);
			fprintf(stderr, "%s: %s (%zu bytes)\n", name, paths[k], len);
			run_input(targets[i].fn, paths[k], copy, len);
			free(copy);
		}
		return 0;
	}
	fprintf(stderr, "no fuzz target named %s\n", name);
	return 2;
}

int main(int argc, char **argv)
{
	signal(SIGALRM, on_alarm);
	if (argc >= 3)
		return run_files(argv[1], argc - 2, argv + 2);
	struct CMUnitTest tests[ARRAY_LEN(targets) + 2];
	for (size_t i = 0; i < ARRAY_LEN(targets); i++) {
		static char names[ARRAY_LEN(targets)][64];
		snprintf(names[i], sizeof names[i], "test_replay_%s", targets[i].name);
		tests[i] = (struct CMUnitTest){ .name = names[i],
						.test_func = replay_target,
						.initial_state = (void *)&targets[i] };
	}
	tests[ARRAY_LEN(targets)] =
		(struct CMUnitTest)cmocka_unit_test(test_every_corpus_has_a_target);
	tests[ARRAY_LEN(targets) + 1] =
		(struct CMUnitTest)cmocka_unit_test(test_every_target_is_replayed);
	return cmocka_run_group_tests_name("fuzz corpus replay", tests, NULL, NULL);
}
