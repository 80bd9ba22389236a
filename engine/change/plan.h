/* plan.h: what a fix intends to do, before anything changes: file edits
 * (current and new bytes, shown as a unified diff), commands shown exactly
 * as they will run, what undo will do, and before/after summaries. A plan
 * is built by a fix's planner from the target's current state, shown on a
 * confirmation screen (or by --dry-run), and carried out by apply.c. */
#ifndef ASR_PLAN_H
#define ASR_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "engine/target/target.h"
#include "engine/util/sha256.h"
#include "engine/util/util.h"

struct check_result; /* engine/check.h */

/* Files larger than this are not edited (configuration files are small). */
#define PLAN_FILE_MAX (16u * 1024 * 1024)
/* Binary files (a registry hive) up to this size are replaced whole. */
#define PLAN_BINARY_MAX (512u * 1024 * 1024)

/* What a planner works from. */
struct fix_ctx {
	struct target *t;                   /* borrowed: the machine to change */
	const char *server;                 /* --server HOST or NULL */
	const char *account;                /* --account NAME (the push install's
					     * account on Windows) or NULL: the
					     * login's */
	const char *journal_dir;            /* the journal folder, or NULL for the
					     * default (journal_default_dir) */
	const struct check_result *result;  /* borrowed: the failing check's
					     * latest result, or NULL */
	const char *anchor;                 /* the article node the engineer came
					     * from, or NULL */
	int timeout_ms;                     /* per command; 0: 60 s */
	/* Borrowed, NULL-terminated, or NULL: arguments a planner appends to
	 * the validator commands it writes. Tests hand `sshd -t` a generated
	 * host key this way ("-h", KEY) when the machine's own keys are not
	 * readable; the CLI leaves it NULL. */
	const char *const *validator_extra;
};

/* One file the plan rewrites whole. */
struct file_edit {
	char *path;       /* owned: target path as the planner named it */
	char *real_path;  /* owned: target path after following symlinks */
	bool via_symlink; /* path is (or passes through) a symlink */
	bool existed;     /* the file exists now */
	char *old_data;   /* owned: current bytes ("" when !existed) */
	size_t old_len;
	/* Permission bits (07777) now, or the mode a new file gets (0644
	 * unless plan_edit_mode). */
	mode_t old_mode;
	uid_t old_uid;    /* owner now, or of the folder for a new file */
	gid_t old_gid;
	char *new_data;   /* owned: the bytes the file will hold */
	size_t new_len;
	char *reason;     /* owned: one line tied to the article's step */
	/* Owned NULL-terminated argv template, or NULL; run after the new
	 * file is in place. "{file}" is replaced by the file's host path,
	 * "{root}" by the host folder of the target's "/" ("" on the local
	 * machine). Exit 0 means valid. */
	char **validator;
	/* Owned: the machine the validator runs on when it is not this one
	 * (target_label of a target without host paths: the remote machine
	 * whose own program checks its file), else NULL. */
	char *checked_on;
	/* A binary file (plan_add_binary_edit): shown by size and SHA-256,
	 * not as a diff. */
	bool binary;
	/* In-process check of the new file once it is in place (a registry
	 * hive read back), or NULL; called with the file's host path, it
	 * returns false with *output (caller frees) saying what is wrong, and
	 * apply then puts the original back as for a failing validator. */
	bool (*verify)(const char *host_path, const void *arg, char **output);
	void *verify_arg;                  /* owned, freed with verify_free */
	void (*verify_free)(void *arg);
	/* A restore plan's file (undo, recovery; see plan_restore_file): */
	bool remove;      /* the file is removed (the entry undone created it);
			   * new_data is unused */
	bool set_attrs;   /* the file gets new_mode and new_uid:new_gid
			   * instead of keeping the current ones */
	mode_t new_mode;
	uid_t new_uid;
	gid_t new_gid;
	/* The precondition: the file must hold what the entry undone left
	 * (expect_exists: bytes with SHA-256 expect_sha; else no file), or
	 * the executor refuses ("changed since the entry was applied") unless
	 * forced. */
	bool has_expect;
	bool expect_exists;
	char expect_sha[SHA256_HEX_LEN + 1];
};

enum cmd_phase {
	CMD_BEFORE, /* runs before the file edits */
	CMD_AFTER,  /* runs after the edits were validated */
};

/* One command the plan runs, shown exactly as it will run. */
struct plan_cmd {
	char **argv;          /* owned, NULL-terminated; no shell */
	char *reason;         /* owned: one line */
	enum cmd_phase phase;
	bool confirm;         /* needs its own confirmation (a reload of sshd,
			       * passwd -u root) */
	bool rerun_on_undo;   /* a reload: run again after undo restores the
			       * files (and by the commit-confirmed guard) */
	char **inverse;       /* owned, NULL-terminated, or NULL: the command
			       * that undoes this one (plan_cmd_inverse); NULL
			       * and not a reload: "cannot be undone by
			       * asr-doctor" */
};

struct plan {
	char *fix_id;              /* owned */
	struct strvec check_ids;   /* the checks it addresses */
	char *anchor;              /* owned: article node, or NULL */
	char *title;               /* owned: one line, user's language */
	struct file_edit *edits;   /* owned array */
	size_t nedits;
	struct plan_cmd *cmds;     /* owned array */
	size_t ncmds;
	struct strvec notes;       /* guidance lines shown with the plan */
	struct strvec before;      /* summary lines: the state now ("PasswordAuthentication no") */
	struct strvec after;       /* summary lines: the state after the change */
	char *undo_text;           /* owned: what undo will do, or NULL (a
				    * default text is printed) */
	char *commit_confirmed_service; /* owned or NULL: "sshd" when the
					 * change can lock the engineer out */
	char *undoes;              /* owned or NULL: a restore plan, putting
				    * back the journal entry of this id */
	char *undo_cmd;            /* owned or NULL: the exact command that
				    * undoes the change (plan_set_undo_command),
				    * named in the plan's text */
	bool windows;              /* the commands run on a Windows machine:
				    * shown as the line cmd.exe gets
				    * (plan_cmdline) */
};

/* A new empty plan (never NULL); caller frees with plan_free. title may be
 * NULL (the fix's title is shown). */
struct plan *plan_new(const char *fix_id, const char *title);
void plan_free(struct plan *p);

/* Adds the check ids (NULL-terminated) the plan addresses. */
void plan_add_checks(struct plan *p, const char *const *check_ids);
/* Sets the article anchor (copied). */
void plan_set_anchor(struct plan *p, const char *anchor);

/* Adds an edit that replaces path's contents with new_data (new_len
 * bytes). Reads the current file through t: follows a symlinked path to
 * its real path, records the current bytes, mode and owner, or that the
 * file does not exist yet (its folder must). Returns the edit (borrowed,
 * valid until the next plan_add_edit or plan_free), or NULL and *cause
 * (caller frees) when the path is not absolute, the folder is missing,
 * the file is not a regular file, is larger than PLAN_FILE_MAX, is not
 * text (holds NUL bytes), or cannot be read; the plan is then unchanged. */
struct file_edit *plan_add_edit(struct plan *p, struct target *t, const char *path,
				const char *new_data, size_t new_len, const char *reason,
				char **cause);
/* The same for a binary file that exists (a registry hive): no text or
 * NUL-byte rule, up to PLAN_BINARY_MAX bytes; e->binary is set. */
struct file_edit *plan_add_binary_edit(struct plan *p, struct target *t, const char *path,
				       const char *new_data, size_t new_len, const char *reason,
				       char **cause);
/* Sets an edit's in-process check (see struct file_edit; arg is taken and
 * freed with arg_free). */
void plan_edit_verify(struct file_edit *e, bool (*verify)(const char *, const void *, char **),
		      void *arg, void (*arg_free)(void *));
/* Sets the mode a file that does not exist yet will get. */
void plan_edit_mode(struct file_edit *e, mode_t mode);
/* Sets an edit's validator (argv template, NULL-terminated; copied). */
void plan_edit_validator(struct file_edit *e, const char *const argv[]);

/* Adds a command (argv NULL-terminated; copied). Returns it (borrowed, valid
 * until the next plan_add_command or plan_free). */
struct plan_cmd *plan_add_command(struct plan *p, const char *const argv[], const char *reason,
				  enum cmd_phase phase, bool confirm);

/* Sets the command that undoes c (argv NULL-terminated, copied; NULL: c
 * has none, and the plan's text says it cannot be undone by asr-doctor).
 * The fix's definition must give the same inverse at undo time (its
 * inverse hook): undo runs the definition's, never the journal's. */
void plan_cmd_inverse(struct plan_cmd *c, const char *const argv[]);

/* Adds to a restore plan a file that goes back to data (data_len bytes),
 * with mode and owner, or is removed (data NULL). cur/cur_len: what it
 * holds now (NULL: no file), with its mode and owner. The precondition
 * (see struct file_edit) is set from expect_exists and expect_sha.
 * Returns the edit (borrowed as plan_add_edit's). */
struct file_edit *plan_restore_file(struct plan *p, const char *path, const char *real_path,
				    const char *cur, size_t cur_len, mode_t cur_mode,
				    uid_t cur_uid, gid_t cur_gid, const char *data,
				    size_t data_len, mode_t mode, uid_t uid, gid_t gid,
				    bool expect_exists, const char *expect_sha);
/* Sets the exact command that undoes the change (copied), as undo_command
 * prints it for the target and journal (entry "latest" or left out); the
 * plan's text names it instead of a bare 'asr-doctor undo'. */
void plan_set_undo_command(struct plan *p, const char *cmd);

/* Adds a line (printf-style) to notes, before or after. */
void plan_note(struct plan *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void plan_before(struct plan *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void plan_after(struct plan *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Sets the "what undo will do" text (copied). "{undo}" in it stands for
 * the command that undoes the change (see plan_undo_text). */
void plan_set_undo(struct plan *p, const char *text);
/* p's undo text with every "{undo}" replaced by cmd (NULL: p->undo_cmd,
 * else "asr-doctor undo"); NULL when p has none. Caller frees. */
char *plan_undo_text(const struct plan *p, const char *cmd);
/* Marks the plan as one that can lock the engineer out of service svc
 * ("sshd"): apply then offers the commit-confirmed guard. */
void plan_set_commit_confirmed(struct plan *p, const char *svc);

/* Appends to out a unified diff of the edit (old -> new): "---"/"+++"
 * headers with the target path, "@@ -a,b +c,d @@" hunks with 3 lines of
 * context, "\ No newline at end of file" where it applies. Nothing is
 * appended when the bytes are equal. Binary bytes (NUL in either side: a
 * registry hive) give one line: the name, the sizes and SHA-256 of both. */
void plan_diff(const struct file_edit *e, struct sbuf *out);
/* The same for any two texts: diff_unified (engine/util/diff.h). */

/* Joins argv for display, quoting words that need it for a POSIX shell
 * (so what is shown can be pasted). Caller frees. */
char *plan_argv_str(const char *const *argv);
/* argv as it runs: on a Windows machine (windows) the exact line cmd.exe
 * gets (win_cmdline(argv, true), which pastes into cmd.exe as it is),
 * else plan_argv_str. Caller frees. */
char *plan_cmdline(bool windows, const char *const *argv);

/* Writes the whole plan as plain text (title, checks, before/after, each
 * file with its diff, each command, what undo will do) for --dry-run and
 * the confirmation screen. */
void plan_print(const struct plan *p, FILE *out);
/* The same into a buffer. */
void plan_format(const struct plan *p, struct sbuf *out);

#endif
