/* prefetch.h: many reads of a remote machine answered by one command, so a
 * far link costs a few round trips instead of several per file. One POSIX
 * sh script, run through target_run, walks a list of requests and prints,
 * as plain text: each file's bytes (hex, from od, which every Linux has,
 * so /proc files of size 0 come whole), each stat and lstat (stat -c), each
 * folder's names, and each glob's matches (expanded once, on the machine);
 * then, after its END line, the bytes of the files on disk asked for by
 * name, as they are, cut by the counts wc -c gave.
 * The answers are kept and looked up by exact path; a path not asked for,
 * or whose answer was not clear, is "not known", and the caller reads it
 * the ordinary way. The whole output is refused when any part of it does
 * not parse, so a strange shell never yields a wrong answer, only a slower
 * one.
 *
 * A request is a kind letter, then an absolute path (glob characters
 * allowed anywhere, expanded as the shell does):
 *   "R/etc/passwd"          the file's bytes (read_file's answer)
 *   "S/usr/sbin/sshd"       stat and lstat
 *   "D/etc/ssh/sshd_config.d"  the folder's names (list_dir's answer)
 *   "M/proc/[0-9]*" + "/comm"  many small files of a glob as one stream (wc -c
 *                           then cat, then wc -c again: a few processes
 *                           whatever the count; a file that changes in
 *                           between leaves them all unknown, a name wc
 *                           quotes leaves that one)
 *   "T/proc/1/comm"         a file of one line of printable ASCII, read by
 *                           the shell itself (no process); anything else
 *                           in it leaves it unknown
 *   "P/etc/fstab"           the real path (readlink -e: every part exists)
 *   "V/tmp"                 the file system's space (stat -f)
 *   "X\nhostname"           a command, its words each after a newline
 *                           (a program named by its path only when it
 *                           is there; its output, error output and
 *                           status kept for target_run with those words)
 *   "Y\n/usr/sbin/sshd\n-T"  the same, only when the login is root
 * A path under a folder that was listed ("D") and does not hold its next
 * name is known missing, so a listing answers many absent paths.
 * Answers describe the moment the command ran: keep them only while
 * nothing changes the machine (one run of the checks), or forget what a
 * write touches (prefetch_forget). */
#ifndef ASR_PREFETCH_H
#define ASR_PREFETCH_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/target/target.h"

/* Files larger than this are left for an ordinary read (od writes about
 * three bytes for each byte read), but for the files on disk asked for
 * one by one ("R/path" without a glob, not under /proc or /sys): those
 * are read whole, up to PREFETCH_GROUP_MAX bytes of them all together
 * (so that the output stays well under what a command may print), the
 * one cut there and those after it left unknown. */
#define PREFETCH_FILE_MAX (64u * 1024)
#define PREFETCH_GROUP_MAX (1024u * 1024)

struct prefetch;

/* Runs the requests on t in one command (t->can_run) and parses the
 * answers into *out (prefetch_free). Returns 0, or -ENOTSUP when t cannot
 * run commands, -EPROTO when the output does not parse (nothing is kept),
 * or what target_run returns; *cause (caller frees) says why. */
int prefetch_fetch(struct target *t, const char *const *requests, size_t n, int timeout_ms,
		   struct prefetch **out, char **cause);

/* The script and its arguments for the requests, as target_run takes them
 * (argv_free). Files are read up to max + 1 bytes. */
char **prefetch_argv(const char *const *requests, size_t n, size_t max);

/* Parses the output of the script run with those requests into *out:
 * len bytes of text (prefetch_parse: up to its NUL; the files read
 * together come after END as they are, NULs and all). Returns 0, or
 * -EPROTO with *cause. */
int prefetch_parse(const char *const *requests, size_t n, size_t max, const char *text,
		   struct prefetch **out, char **cause);
int prefetch_parse_n(const char *const *requests, size_t n, size_t max, const char *text,
		     size_t len, struct prefetch **out, char **cause);

/* Each lookup returns true when the answer is known, with *err 0 and the
 * answer, or *err a negative errno as the target operation returns it;
 * false when the caller must ask the machine. */

/* read_file: *data (caller frees, NUL-terminated) and *len; -EFBIG when
 * the file is larger than max. */
bool prefetch_read(const struct prefetch *p, const char *path, size_t max, char **data,
		   size_t *len, int *err);
/* stat (follow) or lstat. */
bool prefetch_stat(const struct prefetch *p, const char *path, bool follow,
		   struct target_stat *st, int *err);
/* list_dir: names appended to *names, sorted bytewise. */
bool prefetch_list(const struct prefetch *p, const char *path, struct strvec *names, int *err);
/* realpath: *out (caller frees). */
bool prefetch_realpath(const struct prefetch *p, const char *path, char **out, int *err);
/* A command's answer (target_run's *out, caller frees with
 * cmd_result_free) when argv is one the batch ran; false otherwise. */
bool prefetch_run(const struct prefetch *p, const char *const argv[], struct cmd_result *out);
/* statvfs. */
bool prefetch_statvfs(const struct prefetch *p, const char *path, struct target_vfs *out, int *err);

/* Forgets what is known of path and of its folder's listing (after a
 * write, a rename or a removal there). */
void prefetch_forget(struct prefetch *p, const char *path);

/* How many answers p holds (files read, stats, listings). */
size_t prefetch_count(const struct prefetch *p);

void prefetch_free(struct prefetch *p);

/* The requests that cover what the Linux checks read (NULL-terminated). */
extern const char *const prefetch_linux[];

#endif
