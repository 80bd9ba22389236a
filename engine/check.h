/* check.h: live, read-only checks and their results. A check reads the
 * examined machine through a target only, and returns a status, a one-line
 * finding in the user's language and evidence (files and lines, commands
 * and their output). Which article node a check belongs to comes from
 * content/bindings.json, not from here. */
#ifndef ASR_CHECK_H
#define ASR_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/util/msg.h"
#include "engine/status.h"
#include "engine/target/target.h"

enum ev_kind {
	EV_FILE,    /* a line of a file (line 0: the file as a whole) */
	EV_COMMAND, /* a command that ran, with its exit status and output */
	EV_NOTE,    /* anything else worth showing: a value, a threshold */
};

struct evidence {
	enum ev_kind kind;
	char *path;     /* EV_FILE: path on the target */
	int line;       /* EV_FILE: 1-based, 0 when not a single line */
	char *command;  /* EV_COMMAND: the command line as it ran */
	int exit_status;
	char *text;     /* the line's text, the command's output, or the note */
};

struct check_result {
	char *check_id;     /* owned copy of the check's id */
	enum status status;
	char *finding;      /* one line, user's language */
	struct evidence *ev;
	size_t nev;
	size_t cap;
	double ms;          /* how long it took */
};

/* What a check runs against and how. */
struct check_ctx {
	struct target *t;       /* borrowed */
	const char *server;     /* --server HOST or NULL */
	const char *account;    /* --account NAME: the push install's
				 * account ("name", ".\\name", "HOST\\name",
				 * "DOMAIN\\name", "name@domain"), or NULL */
	const volatile int *cancel; /* non-zero: stop early (may be NULL) */
	int timeout_ms;         /* for each command or connection */
};

struct check_def {
	const char *id;        /* stable: "sshd.password", "grub.device_names" */
	const char *title_en;  /* short label for lists */
	const char *title_zh;
	/* Fills r (status, finding, evidence). Never touches the system
	 * except through ctx->t; may be called from a worker thread. */
	void (*run)(const struct check_ctx *ctx, struct check_result *r);
	/* Optional: the commands run will ask of ctx->t that can be known
	 * before it starts, each appended to out as check_command_key makes
	 * it, so that a far machine answers them all in one request
	 * (target_batch_commands). A hint: a command left out runs alone. */
	void (*known_commands)(const struct check_ctx *ctx, struct strvec *out);
};

/* Appends argv (NULL-terminated) to out as the batch's key for it
 * (target_command_key). */
void check_command_key(struct strvec *out, const char *const argv[]);

/* Every check, in a stable order; ends with a { NULL } entry. */
extern const struct check_def *const check_registry[];
const struct check_def *check_find(const char *id);
size_t check_count(void);
const char *check_title(const struct check_def *c);
/* Why a read of path through t failed with rc, in the user's language:
 * "a FIFO (named pipe), not a regular file" and the like for
 * -TARGET_ENOTREG and -EISDIR, "file too large" for -EFBIG, else
 * strerror. Caller frees. */
char *check_read_error(struct target *t, const char *path, int rc);

/* Result helpers. Setting a status keeps the worse of old and new. */
void result_init(struct check_result *r, const char *check_id);
void result_free(struct check_result *r);
void result_copy(struct check_result *dst, const struct check_result *src);
/* Sets status and the finding (printf-style); a later, worse status
 * replaces both, a milder one is ignored. */
void result_set(struct check_result *r, enum status s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void result_file(struct check_result *r, const char *path, int line, const char *text);
void result_command(struct check_result *r, const char *command, int status, const char *output);
void result_note(struct check_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Runs argv on the target, records it as evidence, and returns the
 * target_run status; *out (may be NULL) gets the result, caller frees. */
int result_run(struct check_result *r, const struct check_ctx *ctx, const char *const argv[],
	       struct cmd_result *out);

/* Runs one check synchronously with timing. */
void check_run_one(const struct check_def *c, const struct check_ctx *ctx, struct check_result *r);

#endif
