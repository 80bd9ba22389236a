/* ssh_sudo.h: what a login that is not root sends to run as root through
 * sudo (--sudo): the command line around a command, and the small POSIX
 * shell programs that stand for the SFTP operations a login cannot make
 * on root's files (a read, a listing, a stat, a new file beside another,
 * a rename, a removal, a folder synced), with what their exit statuses
 * and output mean. Only text here: target_ssh.c sends it.
 *
 * sudo is always run with -k (a cached credential is ignored, so sudo
 * reads the password from standard input every time it is asked one, and
 * never leaves it for the command to read) and, when the machine's
 * policy asks a password, with -S and a prompt of its own (SUDO_PROMPT),
 * which is taken out of what the command printed on standard error; when
 * it asks none, with -n, so that it fails instead of waiting. */
#ifndef ASR_SSH_SUDO_H
#define ASR_SSH_SUDO_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/target/target.h"

/* The prompt sudo prints (on standard error) before it reads the
 * password; no '%', which sudo would expand. */
#define SUDO_PROMPT "[asr-doctor: sudo password]"

/* The shell line that runs argv as root through sudo: "LC_ALL=C sudo -k
 * -S -p PROMPT -- env LC_ALL=C ARGV..." (password: the password is the
 * first line of standard input) or "... sudo -k -n -- ..." (none asked);
 * every word quoted. NULL for an empty argv. Caller frees. */
char *sudo_line(const char *const argv[], bool password);

/* The same for the shell program script run by sh with the arguments
 * args (NULL-terminated; $1, $2, ...). Caller frees. */
char *sudo_script_line(const char *script, const char *const args[], bool password);

/* Takes sudo's prompts (and the line end sudo writes after reading the
 * password) out of err, in place. Returns how many prompts there were: 2
 * or more means sudo refused the password and asked again. */
int sudo_strip_prompts(char *err);

/* The programs run through sudo_script_line for each operation, and the
 * errno of their exit status (0 for 0). */

/* $1 the file, $2 the most bytes: the file's bytes on standard output. */
extern const char sudo_read_script[];
/* $1 a regular file, $2 an offset, $3 a count: at most that many of its
 * bytes from the offset on standard output (a piece of a log too large to
 * read whole; GNU dd's byte-exact skip and count). */
extern const char sudo_range_script[];
/* $1 the folder: the names in it, each followed by a NUL byte. */
extern const char sudo_list_script[];
/* $1 the path, $2 "L" to follow a link or "P" not to: one line "MODE(hex)
 * UID GID SIZE MTIME DEV INO" (GNU stat). */
extern const char sudo_stat_script[];
/* $1 the new file (created exclusively, never through a link), $2
 * "UID:GID", $3 the mode in octal: the bytes from standard input, synced. */
extern const char sudo_write_script[];
/* $1 over $2, one rename(2). */
extern const char sudo_rename_script[];
/* $1 removed (never a folder, never what a link points to). */
extern const char sudo_remove_script[];
/* $1 a folder reached from "/" without following a link, $2 "y" to make
 * the missing ones (the last 0700, the others 0755); the path at fault
 * printed when one is a link or not a folder (40) or missing (2). */
extern const char sudo_store_open_script[];
/* $1 a new folder, 0700. */
extern const char sudo_mkdir_script[];
/* $1 a folder, synced. */
extern const char sudo_sync_script[];

/* The negative errno a program above (or sudo itself: 1 is its refusal)
 * ended with: status 2 -ENOENT, 17 -EEXIST, 19 -TARGET_ENOTREG, 20
 * -ENOTDIR, 21 -EISDIR, 27 -EFBIG, 28 -ENOSPC, 40 -ELOOP, 1 -EACCES, anything else
 * -EIO; 0 for 0. */
int sudo_status_errno(int status);

/* Parses sudo_stat_script's line into *st. 0, or -EPROTO. */
int sudo_stat_parse(const char *line, struct target_stat *st);

#endif
