/* term.c: a private tmux server per test, driven through its command line. */
#include "support/term.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/util/util.h"
#include "support/testutil.h"

/* The servers started and not stopped yet, by process id: a failing test
 * leaves its function early, so what it started is stopped when the suite
 * exits, even after its scratch folder (and the socket in it) is gone. */
static pid_t live[32];

static void stop_leftovers(void)
{
	for (size_t i = 0; i < sizeof live / sizeof live[0]; i++)
		if (live[i] > 0) {
			/* The server hangs up its panes' shells and programs. */
			kill(live[i], SIGTERM);
			live[i] = 0;
		}
}

static void remember(pid_t pid, bool add)
{
	static bool registered;
	if (!registered) {
		atexit(stop_leftovers);
		registered = true;
	}
	for (size_t i = 0; i < sizeof live / sizeof live[0]; i++) {
		if (add && live[i] <= 0) {
			live[i] = pid;
			return;
		}
		if (!add && live[i] == pid) {
			live[i] = 0;
			return;
		}
	}
}

/* The tmux server's process id, or 0. */
static pid_t server_pid(const char *sock)
{
	char *out = NULL;
	pid_t pid = 0;
	if (tu_sh(&out, "tmux -S '%s' display-message -p -t t '#{pid}' 2>/dev/null", sock) == 0 && out)
		pid = (pid_t)atol(out);
	free(out);
	return pid;
}

void term_start(struct term *t, int cols, int rows, const char *env, const char *args)
{
	t->dir = tu_mkdtemp("term");
	t->sock = xasprintf("%s/tmux.sock", t->dir);
	char *cwd = getcwd(NULL, 0);
	/* A shell around the program shows how it ended and keeps the pane. */
	int rc = tu_sh(NULL,
		       "cd '%s' && tmux -u -f /dev/null -S '%s' new-session -d -s t -x %d -y %d "
		       "\"env XDG_STATE_HOME='%s' %s %s %s; echo EXIT=\\$?; sleep 600\" >/dev/null 2>&1",
		       cwd, t->sock, cols, rows, t->dir, env, tu_binary(), args);
	free(cwd);
	if (rc != 0) {
		print_error("tmux could not start (exit %d)\n", rc);
		fail();
	}
	t->server = server_pid(t->sock);
	assert_true(t->server > 0);
	remember(t->server, true);
}

const char *term_suite_begin(const char *tag)
{
	if (!tu_have("tmux")) {
		print_error("tmux is needed for the terminal tests (make deps-test installs it)\n");
		exit(1);
	}
	return tag ? tu_scratch(tag) : NULL;
}

void term_open(struct term *t, int cols, int rows, const char *env, const char *args, const char *ready)
{
	term_start(t, cols, rows, env, args);
	assert_true(term_wait(t, ready, TERM_WAIT));
}

char *term_screen_joined(struct term *t)
{
	char *out = NULL;
	tu_sh(&out, "tmux -S '%s' capture-pane -p -J -t t 2>/dev/null", t->sock);
	return out;
}

char *term_screen(struct term *t)
{
	char *out = NULL;
	tu_sh(&out, "tmux -S '%s' capture-pane -p -t t 2>/dev/null", t->sock);
	return out;
}

char *term_screen_attrs(struct term *t)
{
	char *out = NULL;
	tu_sh(&out, "tmux -S '%s' capture-pane -p -e -t t 2>/dev/null", t->sock);
	return out;
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool wait_for(struct term *t, const char *text, int ms, bool present)
{
	long long end = now_ms() + ms;
	char *s = NULL;
	for (;;) {
		free(s);
		s = term_screen(t);
		bool has = s && strstr(s, text) != NULL;
		if (has == present) {
			free(s);
			return true;
		}
		if (now_ms() > end)
			break;
		usleep(30 * 1000);
	}
	print_error("waited %d ms for the screen to %s \"%s\"; it shows:\n%s\n", ms,
		    present ? "show" : "drop", text, s ? s : "(nothing)");
	free(s);
	return false;
}

bool term_wait(struct term *t, const char *text, int ms)
{
	return wait_for(t, text, ms, true);
}

bool term_wait_gone(struct term *t, const char *text, int ms)
{
	return wait_for(t, text, ms, false);
}

void term_keys(struct term *t, const char *keys)
{
	tu_sh(NULL, "tmux -S '%s' send-keys -t t %s", t->sock, keys);
}

void term_type(struct term *t, const char *text)
{
	tu_sh(NULL, "tmux -S '%s' send-keys -t t -l '%s'", t->sock, text);
}

void term_paste(struct term *t, const char *text)
{
	char *file = xasprintf("%s/paste", t->dir);
	tu_write_file(file, text);
	tu_sh(NULL, "tmux -S '%s' load-buffer -b p '%s' && tmux -S '%s' paste-buffer -d -b p -t t",
	      t->sock, file, t->sock);
	free(file);
}

void term_bytes(struct term *t, const char *hex)
{
	tu_sh(NULL, "tmux -S '%s' send-keys -t t -H %s", t->sock, hex);
}

void term_resize(struct term *t, int cols, int rows)
{
	tu_sh(NULL, "tmux -S '%s' resize-window -t t -x %d -y %d", t->sock, cols, rows);
}

char *term_line(struct term *t, int y)
{
	char *s = term_screen(t);
	const char *p = s;
	for (int i = 0; i < y && p; i++) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	char *line = xstrdup("");
	if (p) {
		const char *e = strchr(p, '\n');
		free(line);
		line = xstrndup(p, e ? (size_t)(e - p) : strlen(p));
	}
	free(s);
	return line;
}

void term_signal(struct term *t, const char *sig)
{
	/* The pane runs a shell; the program is its child. */
	tu_sh(NULL, "pkill -%s -P \"$(tmux -S '%s' list-panes -t t -F '#{pane_pid}')\" -x asr-doctor",
	      sig, t->sock);
}

bool term_wait_program_gone(struct term *t, int ms)
{
	return tu_sh(NULL, "p=$(tmux -S '%s' list-panes -t t -F '#{pane_pid}'); n=$((%d / 50 + 1)); "
			   "for i in $(seq $n); do pgrep -P \"$p\" -x asr-doctor >/dev/null || exit 0; sleep 0.05; done; exit 1",
		     t->sock, ms) == 0;
}

void term_stop(struct term *t)
{
	if (t->sock) {
		/* The pane's processes: the shell and the program it runs. */
		char *pids = NULL;
		tu_sh(&pids, "p=$(tmux -S '%s' list-panes -t t -F '#{pane_pid}' 2>/dev/null); "
			     "[ -n \"$p\" ] && echo $p $(pgrep -P $p)", t->sock);
		tu_sh(NULL, "tmux -S '%s' kill-server >/dev/null 2>&1", t->sock);
		remember(t->server, false);
		/* They end on the hang-up; wait for them (bounded), so nothing
		 * writes into the folder while it is removed. */
		if (pids && *pids)
			tu_sh(NULL, "for i in $(seq 100); do a=0; for p in %s; do kill -0 $p 2>/dev/null && a=1; done; "
				    "[ $a = 0 ] && exit 0; sleep 0.05; done",
			      str_trim(pids));
		free(pids);
	}
	tu_rmtree(t->dir);
	free(t->dir);
	free(t->sock);
	t->dir = t->sock = NULL;
	t->server = 0;
}
