/* ptybench.c: the benchmark harness. It runs a program in a pseudo-terminal
 * of a given size and TERM, waits for the first screen, sends keys and
 * counts the bytes the program writes for each one; a libvterm emulation of
 * the same terminal gives the floor (the bytes needed to redraw only the
 * cells that changed). It also times plain commands. Each measurement is
 * printed as one line of key=value pairs (medians over the runs) for
 * bench/run.sh to turn into a table or JSON. Never part of `make check`. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <vterm.h>

#define MAX_STEPS 32
#define MAX_PRESSES 64
#define MAX_RUNS 200
#define MAX_ENV 16

/* One key press: a named key the emulated terminal encodes (so cursor
 * keys follow the application-cursor mode the program asked for), or a
 * character. */
struct press {
	bool is_key;
	int code; /* VTermKey, or a Unicode code point */
};

/* A named measurement: one or more key presses whose bytes are summed. */
struct step {
	const char *name;
	struct press presses[MAX_PRESSES];
	int npresses;
};

struct opts {
	int cols, rows;
	const char *term;
	const char *lang;
	int settle_ms;
	int runs, warmup;
	int timeout_ms;
	const char *label;
	const char *dump;
	struct step steps[MAX_STEPS];
	int nsteps;
	struct step quit;
	const char *env_extra[MAX_ENV];
	int nenv;
	bool time_mode;
	char **argv;
};

/* What one key step cost. */
struct measure {
	double ms;      /* from each key to its last byte, summed */
	long bytes;     /* bytes the program wrote */
	long floor;     /* bytes to redraw only the changed cells */
	long floor_runs; /* the same with one positioning for every run */
	long written;   /* cells the program wrote (changed or not) */
	long changed;   /* cells whose content or attributes changed */
};

struct run_result {
	struct measure first;
	struct measure step[MAX_STEPS];
	long rss_kb;
	long self_kb;   /* the program's own peak (VmHWM), children left out */
	int exit_status;
};

/* The live state of one run. */
struct pty_run {
	const struct opts *o;
	int fd;
	pid_t pid;
	bool eof;
	VTerm *vt;
	VTermScreen *scr;
	bool utf8;
	unsigned char *damaged; /* rows*cols, cells written since reset */
	FILE *dump;
};

static const char floor_definition[] =
	"floor_runs = for each maximal run of changed cells on a row (content, width, "
	"attributes or colours differ in a libvterm emulation of the same terminal), "
	"the bytes of those characters (UTF-8 length; 1 byte a cell outside UTF-8; "
	"an empty cell is a space) plus 6 bytes for one cursor positioning; "
	"floor = the same, but a gap of unchanged cells between two runs on a row "
	"costs the fewer of 6 bytes and its characters' bytes (writing it again), "
	"and the changed cells in a row's blank tail cost one erase to the end of "
	"the line (3 bytes) instead of their spaces, and a run that starts at the "
	"cursor needs no positioning, so floor <= floor_runs; "
	"attribute changes are free and scrolling is not considered, so a program "
	"that scrolls can go below it";

/* Milliseconds on the monotonic clock. */
static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* The program being measured, ended if the harness gives up. */
static pid_t live_child;

/* Prints a message, ends the measured program and exits with status 2. */
static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;
	if (live_child > 0)
		kill(live_child, SIGKILL);
	va_start(ap, fmt);
	fputs("ptybench: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

/* Parses a whole decimal number in [lo, hi] or dies naming the option. */
static int parse_int(const char *s, int lo, int hi, const char *what)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		die("%s takes a number from %d to %d, not '%s'", what, lo, hi, s);
	return (int)v;
}

/* The keys a step can name after '@'. */
static const struct {
	const char *name;
	int key;
} key_names[] = {
	{ "down", VTERM_KEY_DOWN },   { "up", VTERM_KEY_UP },
	{ "left", VTERM_KEY_LEFT },   { "right", VTERM_KEY_RIGHT },
	{ "pgdn", VTERM_KEY_PAGEDOWN }, { "pgup", VTERM_KEY_PAGEUP },
	{ "home", VTERM_KEY_HOME },   { "end", VTERM_KEY_END },
	{ "enter", VTERM_KEY_ENTER }, { "bs", VTERM_KEY_BACKSPACE },
	{ "esc", VTERM_KEY_ESCAPE },  { "tab", VTERM_KEY_TAB },
};

/* Parses "NAME=TOKENS" (or TOKENS alone when name is given): tokens are
 * separated by spaces; @down, @up, @pgdn, @enter, @bs, @esc, @sp (space)...
 * are keys, anything else is typed one character per press. */
static void parse_step(struct step *st, const char *spec, const char *name)
{
	char *copy = strdup(spec);
	if (!copy)
		die("out of memory");
	char *toks = copy;
	if (!name) {
		char *eq = strchr(copy, '=');
		if (!eq || eq == copy)
			die("a step is NAME=KEYS, not '%s'", spec);
		*eq = '\0';
		name = copy;
		toks = eq + 1;
	}
	st->name = name;
	st->npresses = 0;
	for (char *save = NULL, *t = strtok_r(toks, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		if (t[0] == '@' && t[1]) {
			struct press p = { .is_key = true, .code = -1 };
			if (strcmp(t + 1, "sp") == 0) {
				p.is_key = false;
				p.code = ' ';
			}
			for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++)
				if (strcmp(t + 1, key_names[i].name) == 0)
					p.code = key_names[i].key;
			if (p.code < 0)
				die("unknown key '%s' in '%s'", t, spec);
			if (st->npresses == MAX_PRESSES)
				die("too many presses in '%s'", spec);
			st->presses[st->npresses++] = p;
			continue;
		}
		for (const unsigned char *c = (const unsigned char *)t; *c; c++) {
			if (*c >= 0x80)
				die("typed text must be ASCII in '%s'", spec);
			if (st->npresses == MAX_PRESSES)
				die("too many presses in '%s'", spec);
			st->presses[st->npresses++] = (struct press){ .is_key = false, .code = *c };
		}
	}
	if (st->npresses == 0)
		die("step '%s' has no keys", spec);
	/* A name parsed here stays in copy for the life of the program. */
	if (name != copy)
		free(copy);
}

/* Writes all of buf to fd, retrying on interruption. */
static void write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, buf, len);
		if (w < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return; /* the program has gone; reading will tell */
		}
		buf += w;
		len -= (size_t)w;
	}
}

/* The emulator's answers (key encodings, replies to queries) go to the
 * program, as a real terminal's would. */
static void on_output(const char *s, size_t len, void *user)
{
	struct pty_run *r = user;
	write_all(r->fd, s, len);
}

/* Marks the cells the program wrote, changed or not. */
static int on_damage(VTermRect rect, void *user)
{
	struct pty_run *r = user;
	int cols = r->o->cols;
	for (int y = rect.start_row; y < rect.end_row; y++)
		for (int x = rect.start_col; x < rect.end_col; x++)
			if (y >= 0 && y < r->o->rows && x >= 0 && x < cols)
				r->damaged[y * cols + x] = 1;
	return 1;
}

static const VTermScreenCallbacks screen_cbs = {
	.damage = on_damage,
};

/* Writes bytes to the dump with control characters made visible. */
static void dump_bytes(FILE *f, const unsigned char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = b[i];
		if (c == 0x1b)
			fputs("\n\\e", f);
		else if (c == '\r')
			fputs("\\r", f);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
}

/* Reads the program's output into the emulator until it has been quiet for
 * the settle window. With wait_first, the window starts at the first byte
 * (waiting up to the timeout for it); otherwise at start. Returns the bytes
 * read and stores the time of the last one (start when none came). */
static long read_until_quiet(struct pty_run *r, double start, bool wait_first, double *last_out)
{
	const struct opts *o = r->o;
	unsigned char buf[65536];
	long got = 0;
	double last = start;
	while (!r->eof) {
		double now = now_ms();
		double deadline = (got == 0 && wait_first) ? start + o->timeout_ms : last + o->settle_ms;
		if (got > 0 && now - start > (double)o->timeout_ms + o->settle_ms)
			die("%s: output did not settle within %d ms", o->label, o->timeout_ms);
		if (now >= deadline) {
			if (got == 0 && wait_first)
				die("%s: no output within %d ms", o->label, o->timeout_ms);
			break;
		}
		struct pollfd p = { .fd = r->fd, .events = POLLIN };
		int rc = poll(&p, 1, (int)(deadline - now) + 1);
		if (rc < 0) {
			if (errno == EINTR)
				continue;
			die("poll: %s", strerror(errno));
		}
		if (rc == 0)
			continue;
		ssize_t n = read(r->fd, buf, sizeof buf);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0) {
			r->eof = true; /* EIO: the program closed the terminal */
			break;
		}
		last = now_ms();
		got += n;
		vterm_input_write(r->vt, (const char *)buf, (size_t)n);
		if (r->dump)
			dump_bytes(r->dump, buf, (size_t)n);
	}
	vterm_screen_flush_damage(r->scr);
	*last_out = last;
	return got;
}

/* Copies every cell of the emulated screen. */
static void snapshot(const struct pty_run *r, VTermScreenCell *cells)
{
	for (int y = 0; y < r->o->rows; y++)
		for (int x = 0; x < r->o->cols; x++)
			vterm_screen_get_cell(r->scr, (VTermPos){ .row = y, .col = x },
					      &cells[y * r->o->cols + x]);
}

/* Whether two cells look the same. */
static bool cell_same(const VTermScreenCell *a, const VTermScreenCell *b)
{
	for (int i = 0; i < VTERM_MAX_CHARS_PER_CELL; i++) {
		if (a->chars[i] != b->chars[i])
			return false;
		if (!a->chars[i])
			break;
	}
	const VTermScreenCellAttrs *p = &a->attrs, *q = &b->attrs;
	return a->width == b->width && p->bold == q->bold && p->underline == q->underline &&
	       p->italic == q->italic && p->blink == q->blink && p->reverse == q->reverse &&
	       p->strike == q->strike && p->font == q->font &&
	       vterm_color_is_equal(&a->fg, &b->fg) && vterm_color_is_equal(&a->bg, &b->bg);
}

/* Bytes a terminal needs to show one cell's character. */
static long cell_cost(const VTermScreenCell *c, bool utf8)
{
	if (c->chars[0] == (uint32_t)-1)
		return 0; /* the right half of a wide character */
	if (c->chars[0] == 0)
		return 1; /* a space */
	long n = 0;
	for (int i = 0; i < VTERM_MAX_CHARS_PER_CELL && c->chars[i]; i++) {
		uint32_t cp = c->chars[i];
		n += !utf8 ? 1 : cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
	}
	return n;
}

/* Whether a cell is blank as an erase (EL) leaves it. */
static bool cell_blank(const VTermScreenCell *c)
{
	return (c->chars[0] == 0 || (c->chars[0] == ' ' && c->chars[1] == 0)) && !c->attrs.reverse &&
	       !c->attrs.underline && VTERM_COLOR_IS_DEFAULT_BG(&c->bg);
}

/* The floor between two screens (see floor_definition). The cheapest way
 * to write every changed cell of a row: each gap of unchanged cells between
 * two runs is jumped over (6 bytes) or written again, whichever is fewer
 * bytes, and changed cells in the row's blank tail are cleared with one
 * erase to the end of the line (3 bytes); a run that starts where the
 * cursor already is needs no positioning. Also gives the literal cost, one
 * positioning per maximal run and every character written (runs_out), and
 * counts the changed cells. */
static long screen_floor(const struct opts *o, const VTermScreenCell *before,
			 const VTermScreenCell *after, VTermPos cursor, bool utf8, long *runs_out,
			 long *changed)
{
	long total = 0, runs = 0;
	*changed = 0;
	for (int y = 0; y < o->rows; y++) {
		const VTermScreenCell *a = &before[y * o->cols], *b = &after[y * o->cols];
		int tail = o->cols; /* the new row is blank from here on */
		while (tail > 0 && cell_blank(&b[tail - 1]))
			tail--;
		bool seen = false;  /* a changed cell earlier on this row */
		bool erased = false;
		long gap = 0;       /* bytes of the unchanged cells since the last one */
		bool in_run = false;
		for (int x = 0; x < o->cols; x++) {
			long c = cell_cost(&b[x], utf8);
			if (cell_same(&a[x], &b[x])) {
				in_run = false;
				gap += c;
				continue;
			}
			(*changed)++;
			if (!in_run)
				runs += 6;
			runs += c;
			if (x >= tail) {
				/* One erase clears this and every later cell. */
				if (!erased && y == cursor.row && x == cursor.col)
					total += 3;
				else if (!erased)
					total += (!seen ? 6 : gap < 6 ? gap : 6) + 3;
				erased = true;
				in_run = true;
				continue;
			}
			if (!in_run && !(y == cursor.row && x == cursor.col))
				total += !seen ? 6 : gap < 6 ? gap : 6;
			in_run = seen = true;
			gap = 0;
			total += c;
		}
	}
	*runs_out = runs;
	return total;
}

/* Counts the written cells and clears the marks; with a dump, lists the
 * rows written and changed. */
static long take_damage(struct pty_run *r, const VTermScreenCell *before,
			const VTermScreenCell *after)
{
	const struct opts *o = r->o;
	long n = 0;
	for (int y = 0; y < o->rows; y++) {
		int w = 0, c = 0;
		for (int x = 0; x < o->cols; x++) {
			int i = y * o->cols + x;
			w += r->damaged[i];
			c += !cell_same(&before[i], &after[i]);
		}
		n += w;
		if (r->dump && (w || c))
			fprintf(r->dump, "\n   row %2d: %3d cells written, %3d changed", y, w, c);
	}
	memset(r->damaged, 0, (size_t)o->rows * (size_t)o->cols);
	return n;
}

/* Sends one key press through the emulated keyboard. */
static void send_press(struct pty_run *r, const struct press *p)
{
	if (p->is_key)
		vterm_keyboard_key(r->vt, (VTermKey)p->code, VTERM_MOD_NONE);
	else
		vterm_keyboard_unichar(r->vt, (uint32_t)p->code, VTERM_MOD_NONE);
}

/* Builds the child's clean environment. */
static char **child_env(const struct opts *o)
{
	static char *env[MAX_ENV + 4];
	static char term[256], lang[128];
	int n = 0;
	snprintf(term, sizeof term, "TERM=%s", o->term);
	snprintf(lang, sizeof lang, "LANG=%s", o->lang);
	env[n++] = term;
	env[n++] = lang;
	env[n++] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	for (int i = 0; i < o->nenv; i++)
		env[n++] = (char *)o->env_extra[i];
	env[n] = NULL;
	return env;
}

/* Waits for the child, killing it when it outlives the timeout; stores its
 * peak resident memory and exit status. */
static void reap(pid_t pid, int timeout_ms, long *rss_kb, int *status_out)
{
	struct rusage ru;
	int st = 0;
	double end = now_ms() + timeout_ms;
	for (;;) {
		pid_t w = wait4(pid, &st, WNOHANG, &ru);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			die("wait4: %s", strerror(errno));
		if (now_ms() > end) {
			kill(pid, SIGKILL);
			if (wait4(pid, &st, 0, &ru) < 0)
				die("wait4: %s", strerror(errno));
			fprintf(stderr, "ptybench: the program did not exit; killed it\n");
			break;
		}
		usleep(1000);
	}
	*rss_kb = ru.ru_maxrss;
	*status_out = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* The program's own peak resident memory so far (VmHWM), without the
 * commands it ran (wait4's ru_maxrss counts those too); 0 if unknown. */
static long self_hwm(pid_t pid)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
	FILE *f = fopen(path, "r");
	long kb = 0;
	if (!f)
		return 0;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* One run in a pseudo-terminal: first screen, each step, then quit. */
static void pty_once(const struct opts *o, struct run_result *res, FILE *dump)
{
	struct winsize ws = { .ws_row = (unsigned short)o->rows, .ws_col = (unsigned short)o->cols };
	char **env = child_env(o);
	struct pty_run r = { .o = o, .dump = dump };
	double t0 = now_ms();
	r.pid = forkpty(&r.fd, NULL, NULL, &ws);
	if (r.pid < 0)
		die("forkpty: %s", strerror(errno));
	live_child = r.pid;
	if (r.pid == 0) {
		execvpe(o->argv[0], o->argv, env);
		fprintf(stderr, "ptybench: cannot run %s: %s\n", o->argv[0], strerror(errno));
		_exit(127);
	}
	/* Everything large is allocated after the fork, so the child's peak
	 * memory is the program's own. */
	size_t ncells = (size_t)o->rows * (size_t)o->cols;
	VTermScreenCell *before = calloc(ncells, sizeof *before);
	VTermScreenCell *after = calloc(ncells, sizeof *after);
	r.damaged = calloc(ncells, 1);
	r.vt = vterm_new(o->rows, o->cols);
	if (!before || !after || !r.damaged || !r.vt)
		die("out of memory");
	r.utf8 = strstr(o->lang, "UTF-8") || strstr(o->lang, "utf8");
	vterm_set_utf8(r.vt, r.utf8);
	vterm_output_set_callback(r.vt, on_output, &r);
	r.scr = vterm_obtain_screen(r.vt);
	vterm_screen_set_callbacks(r.scr, &screen_cbs, &r);
	vterm_screen_enable_altscreen(r.scr, 1);
	vterm_screen_reset(r.scr, 1);
	snapshot(&r, before);
	VTermState *state = vterm_obtain_state(r.vt);
	VTermPos cursor;
	vterm_state_get_cursorpos(state, &cursor);

	double last;
	if (dump)
		fprintf(dump, "\n== first screen ==\n");
	res->first.bytes = read_until_quiet(&r, t0, true, &last);
	res->first.ms = last - t0;
	snapshot(&r, after);
	res->first.floor = screen_floor(o, before, after, cursor, r.utf8, &res->first.floor_runs,
					&res->first.changed);
	res->first.written = take_damage(&r, before, after);

	for (int s = 0; s < o->nsteps; s++) {
		const struct step *st = &o->steps[s];
		struct measure *m = &res->step[s];
		memset(m, 0, sizeof *m);
		for (int p = 0; p < st->npresses; p++) {
			memcpy(before, after, ncells * sizeof *before);
			if (dump)
				fprintf(dump, "\n== %s, press %d ==\n", st->name, p + 1);
			if (r.eof)
				die("%s: the program ended before step '%s'", o->label, st->name);
			vterm_state_get_cursorpos(state, &cursor);
			double ks = now_ms();
			send_press(&r, &st->presses[p]);
			m->bytes += read_until_quiet(&r, ks, false, &last);
			m->ms += last - ks;
			snapshot(&r, after);
			long changed, runs;
			m->floor += screen_floor(o, before, after, cursor, r.utf8, &runs, &changed);
			m->floor_runs += runs;
			m->changed += changed;
			m->written += take_damage(&r, before, after);
		}
	}
	res->self_kb = self_hwm(r.pid);
	for (int p = 0; p < o->quit.npresses && !r.eof; p++) {
		double ks = now_ms();
		send_press(&r, &o->quit.presses[p]);
		read_until_quiet(&r, ks, false, &last);
	}
	/* Drain until the program closes the terminal. */
	r.dump = NULL;
	double end = now_ms() + o->timeout_ms;
	while (!r.eof && now_ms() < end)
		read_until_quiet(&r, now_ms(), false, &last);
	reap(r.pid, o->timeout_ms, &res->rss_kb, &res->exit_status);
	live_child = 0;
	close(r.fd);
	vterm_free(r.vt);
	free(before);
	free(after);
	free(r.damaged);
}

/* Orders doubles for qsort. */
static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The median of n values (sorted in place). */
static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

/* Prints one field's median over the runs; `pick` reads it from a run. */
static void print_median(const char *key, const struct run_result *rs, int n,
			 double (*pick)(const struct run_result *, int), int idx, bool integer)
{
	double v[MAX_RUNS];
	for (int i = 0; i < n; i++)
		v[i] = pick(&rs[i], idx);
	double m = median(v, n);
	if (integer)
		printf(" %s=%.0f", key, m);
	else
		printf(" %s=%.2f", key, m);
}

/* The measurement idx of a run: -1 is the first screen, else a step. */
static const struct measure *measure_of(const struct run_result *r, int idx)
{
	return idx < 0 ? &r->first : &r->step[idx];
}

/* Readers of one field of a measurement, for print_median. */
static double pick_ms(const struct run_result *r, int i)
{
	return measure_of(r, i)->ms;
}

static double pick_bytes(const struct run_result *r, int i)
{
	return (double)measure_of(r, i)->bytes;
}

static double pick_floor(const struct run_result *r, int i)
{
	return (double)measure_of(r, i)->floor;
}

static double pick_floor_runs(const struct run_result *r, int i)
{
	return (double)measure_of(r, i)->floor_runs;
}

static double pick_written(const struct run_result *r, int i)
{
	return (double)measure_of(r, i)->written;
}

static double pick_changed(const struct run_result *r, int i)
{
	return (double)measure_of(r, i)->changed;
}

/* Prints the medians of one measurement under a name. */
static void print_measure(const char *name, const struct run_result *rs, int n, int idx)
{
	char key[96];
	snprintf(key, sizeof key, "%s", name);
	print_median(key, rs, n, pick_bytes, idx, true);
	snprintf(key, sizeof key, "%s_floor", name);
	print_median(key, rs, n, pick_floor, idx, true);
	snprintf(key, sizeof key, "%s_floor_runs", name);
	print_median(key, rs, n, pick_floor_runs, idx, true);
	snprintf(key, sizeof key, "%s_ms", name);
	print_median(key, rs, n, pick_ms, idx, false);
	snprintf(key, sizeof key, "%s_written", name);
	print_median(key, rs, n, pick_written, idx, true);
	snprintf(key, sizeof key, "%s_changed", name);
	print_median(key, rs, n, pick_changed, idx, true);
}

/* The pseudo-terminal benchmark: warm-up runs, measured runs, one line. */
static int pty_bench(const struct opts *o)
{
	static struct run_result rs[MAX_RUNS];
	struct run_result scratch;
	FILE *dump = NULL;
	if (o->dump) {
		dump = fopen(o->dump, "w");
		if (!dump)
			die("%s: %s", o->dump, strerror(errno));
		fprintf(dump, "%s: %s TERM=%s LANG=%s %dx%d\n%s\n", o->label, o->argv[0], o->term,
			o->lang, o->cols, o->rows, floor_definition);
	}
	for (int i = 0; i < o->warmup; i++)
		pty_once(o, &scratch, NULL);
	long rss = 0, self = 0;
	int status = 0;
	for (int i = 0; i < o->runs; i++) {
		pty_once(o, &rs[i], i == 0 ? dump : NULL);
		if (rs[i].rss_kb > rss)
			rss = rs[i].rss_kb;
		if (rs[i].self_kb > self)
			self = rs[i].self_kb;
		status = rs[i].exit_status;
	}
	if (dump) {
		fputc('\n', dump);
		fclose(dump);
	}
	printf("pty label=%s term=%s lang=%s cols=%d rows=%d runs=%d settle_ms=%d", o->label, o->term,
	       o->lang, o->cols, o->rows, o->runs, o->settle_ms);
	printf(" steps=first");
	for (int s = 0; s < o->nsteps; s++)
		printf(",%s", o->steps[s].name);
	print_measure("first", rs, o->runs, -1);
	for (int s = 0; s < o->nsteps; s++)
		print_measure(o->steps[s].name, rs, o->runs, s);
	printf(" rss_kb=%ld self_kb=%ld exit=%d\n", rss, self, status);
	fflush(stdout);
	return 0;
}

/* Times a plain command (output to /dev/null, environment inherited). */
static int time_bench(const struct opts *o)
{
	double ms[MAX_RUNS];
	long rss = 0;
	int status = 0;
	for (int i = 0; i < o->warmup + o->runs; i++) {
		double t0 = now_ms();
		pid_t pid = fork();
		if (pid < 0)
			die("fork: %s", strerror(errno));
		live_child = pid;
		if (pid == 0) {
			int null = open("/dev/null", O_RDWR);
			if (null >= 0) {
				dup2(null, 0);
				dup2(null, 1);
				dup2(null, 2);
			}
			execvp(o->argv[0], o->argv);
			_exit(127);
		}
		long kb;
		reap(pid, o->timeout_ms, &kb, &status);
		live_child = 0;
		double t = now_ms() - t0;
		if (status == 127)
			die("%s: cannot run %s", o->label, o->argv[0]);
		if (i < o->warmup)
			continue;
		ms[i - o->warmup] = t;
		if (kb > rss)
			rss = kb;
	}
	double lo = ms[0], hi = ms[0];
	for (int i = 1; i < o->runs; i++) {
		lo = ms[i] < lo ? ms[i] : lo;
		hi = ms[i] > hi ? ms[i] : hi;
	}
	printf("time label=%s runs=%d median_ms=%.3f min_ms=%.3f max_ms=%.3f rss_kb=%ld exit=%d\n",
	       o->label, o->runs, median(ms, o->runs), lo, hi, rss, status);
	fflush(stdout);
	return 0;
}

/* Prints the help. */
static void usage(void)
{
	fputs("Usage: ptybench [OPTION]... -- COMMAND [ARG]...\n"
	      "Runs COMMAND in a pseudo-terminal and prints, as key=value pairs (medians),\n"
	      "the time to the first complete screen, the bytes written for it and for\n"
	      "each step of keys, the floor for each, and the peak resident memory.\n"
	      "\n"
	      "  -c COLS, -r ROWS  terminal size (80x24)\n"
	      "  -t TERM           TERM for the program (xterm-256color)\n"
	      "  -l LANG           LANG for the program (C.UTF-8)\n"
	      "  -e NAME=VALUE     another variable for the program's environment\n"
	      "  -s MS             settle window: output is complete after MS quiet (150)\n"
	      "  -n RUNS           measured runs (5); -w RUNS warm-up runs (1)\n"
	      "  -T MS             give up waiting after MS (10000)\n"
	      "  -k NAME=KEYS      a step: space-separated @down @up @pgdn @pgup @home @end\n"
	      "                    @enter @bs @esc @tab @sp @left @right, or text typed one\n"
	      "                    character a press (repeatable, in order)\n"
	      "  -q KEYS           keys that end the program (q)\n"
	      "  -L LABEL          label of the output line\n"
	      "  -d FILE           write the first measured run's bytes, per step, to FILE\n"
	      "  -m                time mode: run COMMAND with output to /dev/null and print\n"
	      "                    the median wall time and peak memory\n",
	      stdout);
	printf("\nThe floor: %s.\n", floor_definition);
}

/* Parses the options and runs one benchmark. */
int main(int argc, char **argv)
{
	static struct opts o = {
		.cols = 80, .rows = 24, .term = "xterm-256color", .lang = "C.UTF-8",
		.settle_ms = 150, .runs = 5, .warmup = 1, .timeout_ms = 10000,
		.label = "program",
	};
	bool quit_set = false;
	int c;
	while ((c = getopt(argc, argv, "+c:r:t:l:e:s:n:w:T:k:q:L:d:mh")) != -1) {
		switch (c) {
		case 'c':
			o.cols = parse_int(optarg, 20, 1000, "-c");
			break;
		case 'r':
			o.rows = parse_int(optarg, 5, 1000, "-r");
			break;
		case 't':
			o.term = optarg;
			break;
		case 'l':
			o.lang = optarg;
			break;
		case 'e':
			if (o.nenv == MAX_ENV || !strchr(optarg, '='))
				die("-e takes NAME=VALUE (at most %d)", MAX_ENV);
			o.env_extra[o.nenv++] = optarg;
			break;
		case 's':
			o.settle_ms = parse_int(optarg, 10, 10000, "-s");
			break;
		case 'n':
			o.runs = parse_int(optarg, 1, MAX_RUNS, "-n");
			break;
		case 'w':
			o.warmup = parse_int(optarg, 0, 100, "-w");
			break;
		case 'T':
			o.timeout_ms = parse_int(optarg, 100, 600000, "-T");
			break;
		case 'k':
			if (o.nsteps == MAX_STEPS)
				die("at most %d steps", MAX_STEPS);
			parse_step(&o.steps[o.nsteps++], optarg, NULL);
			break;
		case 'q':
			parse_step(&o.quit, optarg, "quit");
			quit_set = true;
			break;
		case 'L':
			o.label = optarg;
			break;
		case 'd':
			o.dump = optarg;
			break;
		case 'm':
			o.time_mode = true;
			break;
		case 'h':
			usage();
			return 0;
		default:
			fputs("Try 'ptybench -h'.\n", stderr);
			return 2;
		}
	}
	if (optind >= argc)
		die("no command given (ptybench -h for help)");
	o.argv = argv + optind;
	if (!quit_set)
		parse_step(&o.quit, "q", "quit");
	signal(SIGPIPE, SIG_IGN);
	return o.time_mode ? time_bench(&o) : pty_bench(&o);
}
