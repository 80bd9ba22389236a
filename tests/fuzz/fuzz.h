/* fuzz.h: what every fuzz target shares. Each tests/fuzz/fuzz_<name>.c
 * defines one entry point with FUZZ_ENTRY(name): under libFuzzer (`make
 * fuzz`, FUZZ_LIBFUZZER defined) that is LLVMFuzzerTestOneInput; otherwise
 * it is fuzz_<name>_one, so the corpus replay suite (test_fuzz_corpus.c)
 * can link every target into one binary and feed each its seed corpus.
 * The helpers turn the fuzzer's bytes into C strings, files and parts. */
#ifndef ASR_FUZZ_H
#define ASR_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef FUZZ_LIBFUZZER
#define FUZZ_ENTRY(name) LLVMFuzzerTestOneInput
#else
#define FUZZ_ENTRY(name) fuzz_##name##_one
#endif

/* Declares the entry point of a target (before its definition, and in the
 * replay suite). */
#define FUZZ_DECLARE(name) int FUZZ_ENTRY(name)(const uint8_t *data, size_t size)

/* A NUL-terminated copy of the bytes (which may hold NULs themselves);
 * caller frees. */
char *fuzz_cstr(const uint8_t *data, size_t size);

/* A folder for this process's files ($TMPDIR or /tmp), created on first
 * use and removed when the process exits. Static storage. */
const char *fuzz_tmpdir(void);

/* The folder fuzz_tmpdir made, or NULL when none was made (static). */
const char *fuzz_tmpdir_made(void);

/* Removes the folder fuzz_tmpdir made, now (before a deliberate abort). */
void fuzz_cleanup(void);

/* Writes size bytes to dir/rel, creating missing folders. Aborts when it
 * cannot (the fuzzer's own environment is broken, not the code). */
void fuzz_write(const char *dir, const char *rel, const uint8_t *data, size_t size);

/* The same, but returns false when the file cannot be written (a part of
 * the path is a file, or the path is a folder): for paths that come from
 * the input. */
bool fuzz_try_write(const char *dir, const char *rel, const uint8_t *data, size_t size);

/* Removes a tree (like rm -rf, without following symbolic links). */
void fuzz_rmtree(const char *path);

/* A part of a multi-file input: a name and its bytes (borrowed from the
 * input). */
struct fuzz_part {
	char name[128]; /* from the "%% NAME" line; "" for the part before the
			 * first such line */
	const uint8_t *data;
	size_t size;
};

/* Splits an input into parts at lines "%% NAME\n" (NAME up to the end of
 * the line, cut to 127 bytes): the bytes before the first such line are
 * part 0 with an empty name. Fills at most max parts (the last one runs
 * to the end of the input); returns how many. */
size_t fuzz_split(const uint8_t *data, size_t size, struct fuzz_part *parts, size_t max);

/* Stops the process with a message when a contract between a parser and
 * its callers is broken (a crash for libFuzzer, a failure for the replay
 * suite). */
void fuzz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
