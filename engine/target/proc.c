/* proc.c: runs a program without a shell, with a timeout, capturing its
 * output; the one place that forks. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine/target/target.h"

#define OUTPUT_MAX (8u * 1024 * 1024)

extern char **environ;

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Finds a program on PATH and in the sbin folders (sshd lives there and
 * is not on an ordinary user's PATH). Caller frees. */
static char *find_program(const char *name)
{
	if (strchr(name, '/'))
		return xstrdup(name);
	const char *path = getenv("PATH");
	char *all = xasprintf("%s:/usr/local/sbin:/usr/sbin:/sbin:/usr/bin:/bin", path ? path : "");
	char *save = NULL, *found = NULL;
	for (char *dir = strtok_r(all, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
		if (!*dir)
			continue;
		char *cand = xasprintf("%s/%s", dir, name);
		struct stat st;
		if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0)
			found = cand;
		else
			free(cand);
	}
	free(all);
	return found;
}

/* The child's environment: ours with a C locale, so output is parsable. */
static char **child_env(void)
{
	size_t n = 0;
	while (environ && environ[n])
		n++;
	char **env = xcalloc(n + 3, sizeof *env);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (!str_starts(environ[i], "LC_") && !str_starts(environ[i], "LANG=") &&
		    !str_starts(environ[i], "LANGUAGE="))
			env[k++] = environ[i];
	env[k++] = "LC_ALL=C";
	env[k] = NULL;
	return env;
}

int proc_run(const char *const argv[], int timeout_ms, const char *stdin_data, struct cmd_result *out)
{
	memset(out, 0, sizeof *out);
	out->status = -1;
	char *prog = find_program(argv[0]);
	if (!prog)
		return -ENOENT;
	int po[2], pe[2], pi[2];
	if (pipe2(po, O_CLOEXEC) < 0) {
		free(prog);
		return -errno;
	}
	if (pipe2(pe, O_CLOEXEC) < 0) {
		int e = errno;
		close(po[0]), close(po[1]), free(prog);
		return -e;
	}
	if (pipe2(pi, O_CLOEXEC) < 0) {
		int e = errno;
		close(po[0]), close(po[1]), close(pe[0]), close(pe[1]), free(prog);
		return -e;
	}
	char **env = child_env();
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(po[0]), close(po[1]), close(pe[0]), close(pe[1]), close(pi[0]), close(pi[1]);
		free(prog);
		free(env);
		return -e;
	}
	if (pid == 0) {
		/* Only async-signal-safe calls from here to exec. */
		setpgid(0, 0);
		dup2(pi[0], 0);
		dup2(po[1], 1);
		dup2(pe[1], 2);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execve(prog, (char *const *)argv, env);
		_exit(127);
	}
	free(prog);
	free(env);
	close(po[1]);
	close(pe[1]);
	close(pi[0]);
	if (stdin_data) {
		/* Small inputs only (a config on stdin); a full pipe would block. */
		size_t len = strlen(stdin_data), off = 0;
		while (off < len) {
			ssize_t w = write(pi[1], stdin_data + off, len - off);
			if (w <= 0)
				break;
			off += (size_t)w;
		}
	}
	close(pi[1]);

	struct sbuf ob = { 0 }, eb = { 0 };
	struct pollfd fds[2] = { { .fd = po[0], .events = POLLIN }, { .fd = pe[0], .events = POLLIN } };
	long long deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 10000);
	int open_fds = 2;
	while (open_fds > 0) {
		long long left = deadline - now_ms();
		if (left <= 0) {
			out->timed_out = true;
			break;
		}
		int r = poll(fds, 2, (int)(left > 1000 ? 1000 : left));
		if (r < 0 && errno != EINTR)
			break;
		for (int i = 0; i < 2; i++) {
			if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			char buf[4096];
			ssize_t n = read(fds[i].fd, buf, sizeof buf);
			if (n > 0) {
				struct sbuf *b = i == 0 ? &ob : &eb;
				if (b->len < OUTPUT_MAX)
					sb_addn(b, buf, (size_t)n);
			} else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
				close(fds[i].fd);
				fds[i].fd = -1;
				open_fds--;
			}
		}
	}
	if (out->timed_out)
		kill(-pid, SIGKILL);
	for (int i = 0; i < 2; i++)
		if (fds[i].fd >= 0)
			close(fds[i].fd);
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	out->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	out->out_len = ob.len;
	out->out = sb_steal(&ob);
	out->err = sb_steal(&eb);
	return 0;
}
