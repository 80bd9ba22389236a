/* target.h: "the machine being examined". Checks read files, list folders,
 * stat, statvfs and run commands only through this interface, so the same
 * check works on the local machine, on a mounted root (--root DIR) and,
 * later, over SSH. Paths are always absolute paths as seen on the examined
 * machine ("/etc/ssh/sshd_config"). */
#ifndef ASR_TARGET_H
#define ASR_TARGET_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "engine/util/util.h"

enum target_kind {
	TARGET_LOCAL,
	TARGET_ROOT,
	TARGET_SSH,
	TARGET_SSH_ROOT,
};

struct target_stat {
	mode_t mode;      /* type and permission bits */
	uid_t uid;
	gid_t gid;
	off_t size;
	long long mtime;
	dev_t dev;
	ino_t ino;
};

struct target_vfs {
	unsigned long long total;     /* bytes */
	unsigned long long avail;     /* bytes available to unprivileged users */
	unsigned long long free;      /* bytes free (root may use) */
};

/* The result of running a command on the examined machine. */
struct cmd_result {
	int status;      /* exit status; -1 if killed by a signal or not run */
	bool timed_out;
	char *out;       /* owned: standard output (NUL-terminated) */
	size_t out_len;  /* its bytes (out may hold NULs before them) */
	char *err;       /* owned: standard error */
};

struct target;
struct blockdevs; /* engine/target/blockdevs.h */

/* How a kind of target names itself, defined beside its operations (one
 * per kind): the naming functions below ask it, so none of them switches
 * on the kind. */
struct target_kind_def {
	const char *name;       /* stable: "local", "root", "ssh", as written in
				 * reports, the journal, the wizard's state */
	const char *cli_option; /* the option that names the location on the
				 * command line ("--root", "--target"), or NULL */
	/* Where t is, beside its kind name, to recognise it again, or NULL
	 * (borrowed from t). NULL: never anywhere but here. */
	const char *(*location)(const struct target *t);
	/* t as shown to the engineer, in the user's language; caller frees. */
	char *(*label)(const struct target *t);
	/* Fills in t, a target known only by its description (its name set),
	 * for its location (may be NULL). NULL: nothing to fill in. */
	void (*describe)(struct target *t, const char *location);
	/* For such a target: the path on this machine behind path when the
	 * kind's location is a folder here (a mounted root), else NULL (and
	 * NULL as a hook). Caller frees. */
	char *(*described_host_path)(const struct target *t, const char *path);
	/* The folder (a path on t) where asr-doctor keeps the journal of
	 * the changes it makes to t's machine, so that undo works from that
	 * machine's own console too; NULL: the Linux one,
	 * TARGET_JOURNAL_DIR. Static storage or borrowed from t. */
	const char *(*journal_dir)(const struct target *t);
	/* Appends the options besides cli_option that reach t the same way
	 * ("--sudo"). May be NULL. */
	void (*more_args)(const struct target *t, struct strvec *out);
	/* The option that makes a login that is not root act as root there
	 * ("--sudo": target_needs_root names it), or NULL (then asr-doctor
	 * itself must run as root). */
	const char *root_option;
	/* The folder a mounted root is read under, on the machine that
	 * holds it ("/mnt/sysroot"; "/" for that machine's own root), or
	 * NULL for a target that is not a mounted root. May be NULL. */
	const char *(*root_folder)(const struct target *t);
	/* location (never NULL) as saved to recognise the target again: a
	 * mounted root's folder with its links and "." resolved, so that
	 * the same folder named another way is the same target. NULL: the
	 * location as it is. Caller frees. */
	char *(*canonical)(const char *location);
	/* A working target of this kind made again from its location alone
	 * (may be NULL), for a process that carries a change on in place of
	 * the one that made it (the guard): NULL and *cause (caller frees)
	 * when the place cannot be reached. NULL hook: a description is not
	 * enough to reach this kind (a machine over SSH needs a login). */
	struct target *(*open)(const char *location, char **cause);
};

/* Where a Linux machine keeps asr-doctor's journal. */
#define TARGET_JOURNAL_DIR "/var/lib/asr-doctor/journal"
/* The same on a Windows volume (%ProgramData%\asr-doctor). */
#define TARGET_JOURNAL_DIR_WINDOWS "/ProgramData/asr-doctor/journal"

/* The kinds, each defined beside its operations. */
extern const struct target_kind_def target_kind_local; /* target_fs.c */
extern const struct target_kind_def target_kind_root;  /* target_fs.c */
extern const struct target_kind_def target_kind_ssh;   /* target_ssh.c */
extern const struct target_kind_def target_kind_ssh_root; /* target_sshroot.c */

/* What read_file returns for anything but a regular file (a FIFO, a
 * device, a socket): never read, so a read never blocks and a special
 * file never passes for an empty one. check_read_error names it. */
#define TARGET_ENOTREG ENODEV

struct target_ops {
	/* Reads a whole regular file of at most max bytes, never blocking.
	 * Returns 0, or -errno (-EFBIG when larger than max, -EISDIR for a
	 * folder, -TARGET_ENOTREG for another kind of file). *data
	 * (NUL-terminated) goes to the caller. */
	int (*read_file)(struct target *t, const char *path, char **data, size_t *len, size_t max);
	/* Names in a folder, sorted bytewise, without "." and "..". */
	int (*list_dir)(struct target *t, const char *path, struct strvec *names);
	/* stat (follow = true) or lstat. */
	int (*stat)(struct target *t, const char *path, struct target_stat *st, bool follow);
	int (*statvfs)(struct target *t, const char *path, struct target_vfs *out);
	/* The final path after following symlinks, as seen on the target;
	 * caller frees. */
	int (*realpath)(struct target *t, const char *path, char **out);
	/* Runs argv[0] with arguments (no shell), with a timeout in ms.
	 * Returns 0 when the command ran (see out->status), -ENOTSUP when
	 * commands cannot run on this target, or -errno. */
	int (*run)(struct target *t, const char *const argv[], int timeout_ms, struct cmd_result *out);
	/* Runs the commands argvs[0..n) in one request, in order, where the
	 * machine allows it (a far link then pays for one): outs[i] as run
	 * fills it, with the error output inside the output, and answered[i]
	 * whether command i got an answer (one that did not runs alone
	 * later). Returns 0, or -errno when none could be answered (-ENOTSUP
	 * when this target cannot); NULL when the kind never can. */
	int (*run_many)(struct target *t, const char *const *const argvs[], size_t n, int timeout_ms,
			struct cmd_result *outs, bool *answered);
	/* The host path behind a target path (--root and local), for
	 * libraries such as libblkid that need a real file; NULL when there
	 * is none. Caller frees. */
	char *(*host_path)(struct target *t, const char *path);
	/* A regular file read in pieces, for one too large to hold whole (a
	 * log of a gigabyte). open_stream stats first (a FIFO or device is
	 * -TARGET_ENOTREG and never opened) and gives a handle and the size;
	 * stream_read fills buf with up to n bytes, fewer only at the end (0
	 * there), or returns -errno; stream_close ends it. All three NULL on a
	 * target that only reads whole files (or has host paths). */
	int (*open_stream)(struct target *t, const char *path, void **stream,
			   unsigned long long *size);
	long (*stream_read)(struct target *t, void *stream, char *buf, size_t n);
	/* Moves stream to byte off of the file: the next stream_read reads
	 * from there (the end of a large log, where the newest attempt is).
	 * 0 or -errno. NULL on a target whose streams read from the start
	 * only. */
	int (*stream_seek)(struct target *t, void *stream, unsigned long long off);
	void (*stream_close)(struct target *t, void *stream);
	/* Why the link to the machine is gone (a remote target whose
	 * connection was lost), or NULL while it works. Borrowed. May be
	 * NULL (a target that cannot be lost). */
	const char *(*lost)(struct target *t);
	void (*destroy)(struct target *t);

	/* ---- changing files: only on a target with can_write; NULL on
	 * one that cannot. Paths are target paths, like the reads'. A
	 * change is made of these steps so that every file is either old
	 * or new at any moment: write_new beside, rename over, sync_dir. */

	/* Writes data to a new file beside path: in path's folder, named
	 * target_temp_path(path, tag), created exclusively (an existing
	 * name is -EEXIST) and never through a symbolic link, with mode
	 * (permission bits) and owner uid:gid (changed only when it differs
	 * from the writer's), its bytes on stable storage when it returns.
	 * Returns 0 and *tmp, the target path it made (caller frees), or
	 * -errno with *cause naming the step (caller frees); on failure no
	 * file is left behind. */
	int (*write_new)(struct target *t, const char *path, const char *tag, const char *data,
			 size_t len, mode_t mode, uid_t uid, gid_t gid, char **tmp, char **cause);
	/* Renames from over to, both in one folder, atomically: a reader
	 * sees the old file or the new one, never neither. Durable once
	 * sync_dir of the folder returns. 0 or -errno. */
	int (*rename)(struct target *t, const char *from, const char *to);
	/* Removes the file path (never a folder, never what a link points
	 * to). Durable once sync_dir returns. 0, -ENOENT when there is none,
	 * or -errno. */
	int (*remove)(struct target *t, const char *path);
	/* Makes the entries of the folder dir (a rename, a removal, a new
	 * file) durable: fsync of the folder. 0 or -errno. */
	int (*sync_dir)(struct target *t, const char *dir);
	/* Whether path can be changed, as far as t tells before trying
	 * (folder: files made, renamed over and removed in the folder path;
	 * else the file path replaced or removed): 0, -EROFS (folder) on a
	 * file system mounted read-only, -EPERM for one marked immutable or
	 * append-only (chattr +i, +a), or (folder) -errno when the writer may
	 * not write in it. 0 too when t cannot tell: the write itself then
	 * fails, before anything changed. May be NULL (cannot tell). */
	int (*may_change)(struct target *t, const char *path, bool folder);

	/* ---- the journal's store (engine/change/journal.c): a folder of
	 * the machine, reached without following any link, holding a file
	 * of records appended one at a time, backups written once, and a
	 * lock. Offered by a target that keeps the journal itself (NULL
	 * otherwise: target_keeps_journal). Paths are absolute paths of the
	 * target, like the reads'. */

	/* Opens the folder dir component by component from "/", never
	 * through a symbolic link; with create, makes the missing ones
	 * (the last 0700, the others 0755). 0, -ELOOP for a link or a
	 * non-folder on the way, -ENOENT for a missing one without create,
	 * or -errno; *cause says which (caller frees). */
	int (*store_open)(struct target *t, const char *dir, bool create, char **cause);
	/* Makes the folder name (0700) in dir, dir reached as store_open
	 * reaches it. 0, -EEXIST when the name is taken, or -errno. */
	int (*store_mkdir)(struct target *t, const char *dir, const char *name);
	/* Reads the file path whole, its last component never followed.
	 * strict: a regular file of at most max bytes (-EINVAL for another
	 * kind); else anything that opens reads as what it gives without
	 * blocking (a journal a crash left odd still lists). -ENOENT when
	 * there is none. *data NUL-terminated, caller frees. */
	int (*store_read)(struct target *t, const char *path, size_t max, bool strict,
			  char **data, size_t *len);
	/* Appends data (whole lines) to the file path (made 0600 when
	 * missing, never through a link), on stable storage when it returns
	 * (the folder too when the file is new). On failure the file holds
	 * what it held (a crash may leave a torn last line). 0 or -errno
	 * with *cause. */
	int (*store_append)(struct target *t, const char *path, const char *data, size_t len,
			    char **cause);
	/* Creates the file path exclusively (never through a link) with
	 * data, mode 0600, owned by the writer, on stable storage. On
	 * failure no file is left. 0 or -errno with *cause. */
	int (*store_create)(struct target *t, const char *path, const char *data, size_t len,
			    char **cause);
	/* Takes the lock of the file path (made 0600 when missing): the one
	 * lock every asr-doctor that changes this machine takes, from here
	 * or from the machine itself (flock(2) there), waiting up to
	 * wait_ms. 0 and *held (store_unlock), -EWOULDBLOCK with *holder
	 * the pid on that machine that holds it (0: unknown) and, when the
	 * store can say more of the holder, *cause describing it (caller
	 * frees), or -errno with *cause. Released too when asr-doctor or
	 * its link ends; where the machine has no such lock (Windows: the
	 * lock is a file made exclusively, see target_ssh.c), a lock left
	 * by a run that ended is taken over when it is found stale. */
	int (*store_lock)(struct target *t, const char *path, int wait_ms, void **held,
			  long *holder, char **cause);
	void (*store_unlock)(struct target *t, void *held);

	/* The mount table (/proc/self/mountinfo) of the machine whose
	 * folder holds a mounted root, when that is not this machine (a
	 * rescue machine over SSH): *text (caller frees) and *path, the file
	 * read (caller frees). 0 or -errno. NULL: this machine's. */
	int (*host_mounts)(struct target *t, char **text, size_t *len, char **path);
	/* The block devices of the machine, as its own lsblk and blkid
	 * print them (blockdevs.h), for a machine whose devices this one
	 * cannot open: *out (caller frees with blockdevs_free) and *source,
	 * what was run where, one line (caller frees). 0 or -errno. NULL:
	 * the devices are opened here (host_path). */
	int (*block_devices)(struct target *t, struct blockdevs *out, char **source);
};

enum target_os {
	TARGET_OS_LINUX,
	TARGET_OS_WINDOWS,
};

/* Code outside engine/target/ never reads kind or root (make lint-layers):
 * it asks what the target can do (the flags below) and how to name it
 * (target_kind_name, target_location, target_label, target_cli_args), so a
 * new kind of target is added here alone. */
struct target {
	const struct target_ops *ops;
	const struct target_kind_def *def; /* its kind's naming (NULL: local) */
	enum target_kind kind;  /* for the kind's own file only */
	enum target_os os;
	char *name;      /* owned: "this machine", "root /mnt/sysroot", ... */
	char *root;      /* owned: the folder for TARGET_ROOT and TARGET_SSH_ROOT, else NULL */
	char *remote;    /* owned: "user@host:port" for TARGET_SSH, that and the
			  * folder ("user@host:port/mnt/x") for TARGET_SSH_ROOT,
			  * else NULL */
	bool live;       /* /proc and /sys describe the examined machine's running state */
	bool can_run;    /* commands run on the examined machine */
	bool can_write;  /* asr-doctor may change its files */
	bool store_only; /* the journal's store works though can_write is
			  * false: asr-doctor changes no file there but keeps
			  * the journal of the commands it runs there (a
			  * Windows machine over SSH, under %ProgramData%) */
	bool this_machine; /* the machine asr-doctor runs on: the network it
			    * probes, its processes and a detached local guard
			    * process are the target's own */
	bool offline;    /* an installed system read from its disk, not
			  * running (a mounted root): its identity comes from
			  * this host's mount table, and its sshd settings are
			  * validated by this host's sshd on a copy assembled
			  * from its own files */
	bool is_root;    /* we run as root there (sshd -T needs it) */
	bool writer_known; /* writer_uid is known */
	uid_t writer_uid;  /* the uid t's writes are made as (geteuid() here) */
	bool fold_case;  /* paths match without regard to case (a mounted
			  * Windows volume, as Windows itself matches them) */
	bool hive_files; /* the registry is read from the hive files under
			  * WINROOT_CONFIG (an offline Windows volume), not
			  * with reg.exe */
	void *priv;
	struct target_batch *batch; /* owned: reads answered in one batch
				     * (target_batch_begin), or NULL */
	char **cli_args; /* owned, NULL-terminated: the options that reached t
			  * as the user gave them (target_set_cli_args), or NULL */
};

/* Where a Windows installation keeps its registry hives (SYSTEM,
 * SOFTWARE, SAM), as a target path. */
#define WINROOT_CONFIG "/Windows/System32/config"

/* The machine asr-doctor runs on. */
struct target *target_local_new(void);
/* A mounted root: every path is read under dir, symlinks resolved inside
 * it as if it were "/". A folder holding Windows/System32/config/SYSTEM
 * (names in any case) is a Windows volume: os is TARGET_OS_WINDOWS and
 * paths match case-insensitively (fold_case). Returns NULL and *cause when
 * dir is not a folder. */
struct target *target_root_new(const char *dir, char **cause);
/* A target known only by its description (a replayed report, a saved
 * wizard state): kind_name as target_kind_name gives it ("local", "root",
 * "ssh"; anything else is "local"), its name and location (see
 * target_location; may be NULL). It reads and runs nothing: every
 * operation fails with -ENOTSUP. Never fails; target_free. */
struct target *target_described_new(const char *kind_name, const char *name, const char *location);
void target_free(struct target *t);

/* The stable name of t's kind: "local", "root" or "ssh", as written in
 * JSON reports, the journal and the wizard's state. Static storage. */
const char *target_kind_name(const struct target *t);
/* Where t is, beside its kind name, to recognise it again: a mounted
 * root's folder ("/" for the host's own root), "user@host:port" for a
 * machine over SSH, NULL for this machine.
 * Borrowed from t. */
const char *target_location(const struct target *t);
/* t as shown to the engineer, in the user's language: "this machine",
 * "the mounted root /mnt/x", "the mounted Windows volume /mnt/c". Caller
 * frees. */
char *target_label(const struct target *t);
/* The folder a mounted root is read under on the machine that holds it
 * ("/mnt/sysimage", "/" for its own root; a root reached over SSH: the
 * folder there), or NULL when t is not a mounted root. Borrowed. */
const char *target_root_folder(const struct target *t);
/* The mount table of the machine that holds t's folder (target_ops
 * host_mounts): 0 with *text and *path (caller frees both), -ENOTSUP
 * when that machine is this one (read /proc/self/mountinfo here), or
 * -errno. */
int target_host_mounts(struct target *t, char **text, size_t *len, char **path);
/* Whether t is of the kind named kind_name, as target_kind_name gives it
 * and a journal entry or a saved state records it (NULL: no kind, false). */
bool target_is_kind(const struct target *t, const char *kind_name);
/* Where t is as saved to recognise it again (see
 * target_kind_def.canonical): target_location made canonical, NULL when
 * it has none (this machine). Caller frees. */
char *target_location_canonical(const struct target *t);
/* Whether a and b are the same target: the same kind at the same place
 * (target_location_canonical equal: a mounted root's folder however it is
 * named, a machine over SSH by its location as given; this machine is
 * always itself). Either may be known only by its description
 * (target_described_new). False when either is NULL. */
bool target_same(const struct target *a, const struct target *b);
/* A working target made again from a description, kind_name and
 * location as target_kind_name and target_location gave them (kind_name
 * NULL: this machine), for a process that carries a change on in place
 * of the one that made it (the guard). Returns NULL and *cause (caller
 * frees) for a kind this build does not know, a kind that a description
 * cannot reach (a machine over SSH: see target_kind_def.open), or a place
 * that is gone. target_free. */
struct target *target_open_described(const char *kind_name, const char *location,
				     char **cause);
/* The block devices of the machine t is on, from its own lsblk and blkid
 * (target_ops.block_devices; on a root mounted on a machine over SSH,
 * that machine's): 0 with *out (blockdevs_free) and *source (caller
 * frees), -ENOTSUP when t's devices are probed here through host paths,
 * or -errno. */
int target_block_devices(struct target *t, struct blockdevs *out, char **source);
/* Appends the options that name t on asr-doctor's command line ("--root",
 * DIR for a mounted root; nothing for this machine), so a printed command
 * or a guard process reaches the same target; "--target", SPEC for a
 * machine over SSH). */
void target_cli_args(const struct target *t, struct strvec *out);
/* Records the options that reached t as the user gave them ("--target",
 * SPEC, "-J", HOPS, "-F", FILE, "-i", KEY, ...; argv NULL-terminated,
 * copied), so that target_cli_args gives them instead of its own: a printed
 * command then goes the same way (the same alias, jump hosts and key). */
void target_set_cli_args(struct target *t, const char *const *argv);

/* argv as the line that runs on t, for showing it: on a Windows machine
 * the exact line cmd.exe gets (win_cmdline(argv, true): it pastes into
 * cmd.exe as it is), elsewhere POSIX shell words (argv_shell_join).
 * Never NULL: argv that cannot be passed to cmd.exe is shown as POSIX
 * words (it never runs there). Caller frees. */
char *target_cmdline(const struct target *t, const char *const argv[]);

/* What a check that needs root says when t is not examined as root: "needs
 * root: use --sudo" over SSH, "needs root: run asr-doctor as root" here,
 * in the user's language. Static storage. */
const char *target_needs_root(const struct target *t);

/* Why t's link to the machine is lost ("connection reset by the
 * server"), or NULL while it works. Borrowed from t. */
const char *target_lost(struct target *t);

/* From now until the matching target_batch_end (calls nest), target_read,
 * target_list, target_stat and target_lstat on a live remote Linux machine
 * may be answered from one batched read of what the Linux checks read
 * (engine/target/prefetch.h), made at the first of them: one command
 * instead of round trips for each file. A path the batch does not answer
 * is read as usual. Meant for a run of checks, which changes nothing: a
 * change made meanwhile calls target_batch_forget for what it touched.
 * Other targets read as usual. Thread-safe after begin. */
void target_batch_begin(struct target *t);
void target_batch_end(struct target *t);
/* Inside a scope: the commands the checks of this run will ask (each as
 * its words, every word ended by '\n'), so that a target that can run
 * many in one request (run_many: a Windows machine over SSH) runs them
 * together when the first command is asked. A hint only: a command not
 * declared runs alone, a declared one nobody asks costs its time. */
void target_batch_commands(struct target *t, const struct strvec *commands);
/* argv (NULL-terminated) as the batch knows a command: each word followed
 * by '\n'. Caller frees. */
char *target_command_key(const char *const argv[]);
/* Forgets what the batch knows of path and its folder's listing. */
void target_batch_forget(struct target *t, const char *path);
/* What the batch reads (prefetch.h's requests, NULL-terminated, borrowed
 * for t's life); prefetch_linux unless set. */
void target_batch_requests(struct target *t, const char *const *requests);

/* Convenience wrappers; see target_ops. */
int target_read(struct target *t, const char *path, char **data, size_t *len);
int target_list(struct target *t, const char *path, struct strvec *names);
int target_stat(struct target *t, const char *path, struct target_stat *st);
int target_lstat(struct target *t, const char *path, struct target_stat *st);
int target_statvfs(struct target *t, const char *path, struct target_vfs *out);
int target_realpath(struct target *t, const char *path, char **out);
bool target_exists(struct target *t, const char *path);
/* Runs a command; see target_ops.run. Frees nothing of *out on entry. */
int target_run(struct target *t, const char *const argv[], int timeout_ms, struct cmd_result *out);
void cmd_result_free(struct cmd_result *r);
/* Expands a glob (*, ?, [..]) in the last path component only, against
 * the target's folder; names sorted. Returns the number of matches. */
size_t target_glob(struct target *t, const char *pattern, struct strvec *out);
char *target_host_path(struct target *t, const char *path);
/* The host path of a file named by a target path, its folder resolved as
 * target_host_path does and the last component kept as it is (not
 * followed), for writing or replacing that very name. NULL when the target
 * has no host paths. Caller frees. */
char *target_host_file(struct target *t, const char *path);

/* ---- changing files (see the write operations of target_ops) ---- */

/* The name write_new gives the new file beside path for tag:
 * "DIR/.BASE.asr-doctor-TAG.tmp". Caller frees. */
char *target_temp_path(const char *path, const char *tag);
/* The folder of a target path ("/" for "/x"). Caller frees. */
char *target_dir_of(const char *path);
/* The write operations; each returns -ENOTSUP when t cannot write. */
int target_write_new(struct target *t, const char *path, const char *tag, const char *data,
		     size_t len, mode_t mode, uid_t uid, gid_t gid, char **tmp, char **cause);
int target_rename(struct target *t, const char *from, const char *to);
int target_remove(struct target *t, const char *path);
int target_sync_dir(struct target *t, const char *dir);
/* See target_ops.may_change; 0 when t cannot tell. */
int target_may_change(struct target *t, const char *path, bool folder);
/* Whether a file written on t can be given the owner uid, the file's
 * owner now being current: always as root there; else only the writer's
 * own uid, or, where t does not know the writer's uid, the owner the
 * file has (a write that cannot set it then fails before anything
 * changed). */
bool target_can_own(const struct target *t, uid_t owner, uid_t current);
/* Replaces path with data atomically and durably: write_new beside it
 * (tag), rename over it, sync_dir. Returns 0, or -errno with *cause
 * (caller frees); on failure path is unchanged and no new file is left. */
int target_replace(struct target *t, const char *path, const char *tag, const char *data,
		   size_t len, mode_t mode, uid_t uid, gid_t gid, char **cause);
/* Removes path (none there is fine) and syncs its folder. Returns 0, or
 * -errno with *cause (caller frees). */
int target_remove_durably(struct target *t, const char *path, char **cause);

/* Reads the regular file path of t whole (at most max bytes), its last
 * component not followed: what a change compares with its plan and its
 * journal (on a target with host paths, the host file read with
 * O_NOFOLLOW; else an lstat, then the read). Returns 0 and *data (caller
 * frees), -ENOENT, -EINVAL for anything but a regular file, or -errno. */
int target_read_exact(struct target *t, const char *path, size_t max, char **data, size_t *len);

/* ---- the journal's place ---- */

/* Whether t's files map to this machine's (the local machine, a mounted
 * root): a change's checks and the journal then use host paths. */
bool target_has_host_paths(struct target *t);
/* Whether the journal of changes to t is kept on t itself through its
 * store operations (a machine reached over SSH that asr-doctor may
 * write, or whose store alone works: store_only), rather than in a folder of this machine (the local machine; a
 * mounted root, whose journal folder inside it is a host folder; a
 * target that cannot be written, whose --journal names a local folder). */
bool target_keeps_journal(struct target *t);
/* The journal folder of t's machine, as a path of t (see
 * target_kind_def.journal_dir). Borrowed. */
const char *target_journal_dir(const struct target *t);

/* Largest file checks read by default (config files are small). */
#define TARGET_READ_MAX (4u * 1024 * 1024)

/* Runs argv locally with a timeout, capturing output; used by the local
 * target and by the fix path. Returns 0 when the command ran, else -errno. */
int proc_run(const char *const argv[], int timeout_ms, const char *stdin_data,
	     struct cmd_result *out);

#endif
