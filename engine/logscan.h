/* logscan.h: installer logs, streamed. A log is read in fixed-size chunks
 * and decoded line by line (UTF-16LE or UTF-16BE with or without a BOM,
 * told apart from UTF-8 by where the NULs fall; UTF-8 with or without a
 * BOM; CRLF, LF, lone CR and any mix; NUL padding dropped; a truncated
 * last line kept). The encoding is told again where each line starts, so
 * that a log several installers appended to (a UTF-8 or ANSI part after a
 * UTF-16LE one, or the reverse, with or without its own BOM) is read part
 * by part with its line numbers running on. The memory needed does not
 * grow with the file: a
 * line longer than LOG_PIECE comes in overlapping pieces. Every code
 * spelling (codes.h) and every message the article names is looked up in
 * the code table; each distinct code is kept once with the line it first
 * appeared on and how many lines name it. Codes shaped like installer or
 * HRESULT codes that no section names are kept as unknown.
 *
 * Logs come from the examined machine through the target (a mounted root
 * now; a remote machine needs only target reads), or from a local file
 * named on the command line. */
#ifndef ASR_LOGSCAN_H
#define ASR_LOGSCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/codes.h"
#include "engine/target/target.h"

enum log_encoding {
	LOG_UTF8,
	LOG_UTF16LE,
	LOG_UTF16BE,
};

#define LOG_CHUNK (64u * 1024)     /* bytes read at a time */
#define LOG_PIECE (64u * 1024)     /* longest piece of a line handed on */
#define LOG_OVERLAP 128u           /* bytes a piece repeats of the one before */
#define LOG_LOOK 1024u             /* bytes looked at where a line starts, for its encoding */
#define LOG_TEXT_MAX 512u          /* bytes of a line kept with a hit */
#define LOG_HITS_MAX 1000u         /* distinct codes kept per file */
#define LOG_NODES_MAX 4u           /* sections kept per hit */

/* Told after each chunk read: bytes read so far and the log's size (0
 * when it is not known, a pipe). Returns false to stop reading. */
typedef bool (*log_progress_fn)(void *arg, unsigned long long done, unsigned long long size);

/* Where a log's bytes come from. */
struct log_src {
	int fd;          /* an open file, or -1 */
	struct target *t; /* borrowed: with stream, a file read in pieces */
	void *stream;    /* the target's open_stream handle, or NULL */
	const char *mem; /* else bytes in memory (borrowed) */
	size_t len, pos;
	char *owned;     /* owned copy behind mem, or NULL */
	unsigned long long size;  /* bytes the log holds, 0 when not known */
	log_progress_fn progress; /* or NULL; set by the caller after log_open */
	void *progress_arg;
	unsigned long long from;  /* byte of the log the reading began at (log_open_last) */
	unsigned long long limit; /* most bytes read from there, 0: no bound */
	unsigned long long taken; /* bytes read so far */
};

/* Opens path on the target t (NULL: the local file system, path as
 * given). A target with a host path (local, --root) is streamed from an
 * open file, a remote one through its open_stream; any other target is
 * read whole through target_read with a bound.
 * Returns 0, or -errno with *cause (caller frees). */
int log_open(struct target *t, const char *path, struct log_src *src, char **cause);
/* The same, reading at most max bytes (0: no bound): the last max of a
 * log larger than that (the newest attempt is at its end), from an even
 * byte (UTF-16's characters start there), where the file or the target's
 * stream can move there (stream_seek); else the first max bytes. src->from
 * says where the reading begins. Returns 0, or -errno with *cause. */
int log_open_last(struct target *t, const char *path, unsigned long long max,
		  struct log_src *src, char **cause);
void log_close(struct log_src *src);

/* What the decoder learnt about a file. */
struct log_info {
	enum log_encoding enc;    /* of the file's start */
	bool bom;
	unsigned changes;         /* times the encoding changed where a line starts */
	enum log_encoding last;   /* of the last region */
	unsigned long long lines; /* lines seen (a last line without an end counts) */
	unsigned long long bytes; /* bytes read */
};

/* Called for each line, or piece of a long line: text (valid UTF-8, no
 * line end, NULs dropped) of len bytes and its 1-based line number. The
 * piece owns its first own bytes: the rest (at least LOG_OVERLAP bytes)
 * starts the next piece of the same line, so that a code cut in two is
 * seen whole there; own == len for the last piece of a line. Returns
 * false to stop reading. */
typedef bool (*log_line_fn)(void *arg, const char *text, size_t len, unsigned long long line,
			    size_t own);

/* Decodes src line by line. Returns 0 (also when fn stopped it), -ECANCELED
 * with *cause when src's progress function stopped it, or -errno with
 * *cause (caller frees) when reading failed; info (may be NULL) is filled
 * either way. Memory: a few fixed buffers. */
int log_read_lines(struct log_src *src, log_line_fn fn, void *arg, struct log_info *info,
		   char **cause);

/* One distinct code of a log. */
struct log_hit {
	struct code code;
	bool known;                         /* a section names it */
	struct node *nodes[LOG_NODES_MAX];  /* borrowed: the sections to open */
	size_t nnodes;                      /* how many name it (may exceed LOG_NODES_MAX) */
	unsigned long long line, last_line; /* first and last line naming it */
	unsigned long long count;           /* lines naming it */
	char *text;   /* owned: the first line naming it (control characters kept), or a
		       * window of it LOG_TEXT_MAX bytes long around the code */
	bool cut_before, cut_after; /* text is a window of a longer line */
};

/* What one log holds. */
struct log_scan {
	char *path;              /* owned: the log as named */
	struct log_info info;
	struct log_hit *hits;    /* owned, in the order first seen */
	size_t nhits;
	size_t cap;
	unsigned long long more; /* lines naming codes beyond LOG_HITS_MAX distinct ones */
	char *error;             /* owned: why it could not be read, or NULL */
	/* A bounded scan (log_scan_last): the byte it began at (its line 1,
	 * the line that byte falls in, is not scanned: it may be cut; the
	 * line numbers count from there), the log's size (0 when not known)
	 * and whether bytes after the part read were left. */
	unsigned long long from, size;
	bool cut_end;
};

/* Scans path on t (NULL: local) with the code table m into out (zeroed by
 * the caller). Returns 0, or -errno with out->error set (the hits found
 * before a read error are kept). Caller frees with log_scan_free. */
int log_scan(const struct codemap *m, struct target *t, const char *path, struct log_scan *out);
/* The same, telling fn (may be NULL) how far it got after each chunk;
 * when fn returns false the scan stops and returns -ECANCELED (out->error
 * says so; the hits found so far are kept). */
int log_scan_progress(const struct codemap *m, struct target *t, const char *path,
		      struct log_scan *out, log_progress_fn fn, void *arg);
/* log_scan_progress reading at most max bytes of the log, its last max
 * where it can (log_open_last): out->from, out->size and out->cut_end say
 * what was read. */
int log_scan_last(const struct codemap *m, struct target *t, const char *path,
		  unsigned long long max, struct log_scan *out, log_progress_fn fn, void *arg);
/* Scans an already opened source; path is only recorded. */
int log_scan_src(const struct codemap *m, struct log_src *src, const char *path,
		 struct log_scan *out);
void log_scan_free(struct log_scan *s);
/* Known hits (a section names the code) and unknown ones. */
size_t log_scan_count(const struct log_scan *s, bool known);

/* The lines around line (radius before and after) of path on t, decoded
 * like the scan; each line cut to LOG_TEXT_MAX bytes. *first gets the
 * number of the first line returned. Returns 0 or -errno with *cause. */
int log_context(struct target *t, const char *path, unsigned long long line, unsigned radius,
		struct strvec *out, unsigned long long *first, char **cause);

/* The installer logs a target keeps in their known places: on Linux
 * /var/log/ua_install.log and the *.log files of the install folder
 * (INSTALLATION_DIR of /usr/local/.vx_version, else /usr/local/ASR) and of
 * its subfolders three levels down; on a Windows volume ProgramData/ASRSetupLogs/ and its
 * UploadedLogs/, and on a running Windows machine (os Windows) the same
 * under its %ProgramData% (the folder target_journal_dir names the
 * journal's "asr-doctor/journal" in) and under each drive its SFTP shows
 * at the top ("/C:/ProgramData/..."; names matched case-insensitively). Appends the paths found (as target paths)
 * to out; returns how many. */
size_t log_known_paths(struct target *t, struct strvec *out);


#endif
