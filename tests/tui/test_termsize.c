/* test_termsize.c: measuring a terminal that reports no size (a serial
 * console), through a real pseudo-terminal whose far end answers like a
 * terminal would. */
#include "support/testutil.h"

#include <pty.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tui/termsize.h"

/* The terminal's side: reads the request and answers with a report. */
static void answer(int master, const char *reply)
{
	char buf[64];
	size_t got = 0;
	while (got < sizeof buf - 1) {
		ssize_t n = read(master, buf + got, 1);
		if (n <= 0)
			break;
		got++;
		buf[got] = '\0';
		if (strstr(buf, "\033[6n"))
			break;
	}
	if (reply && write(master, reply, strlen(reply)) < 0)
		_exit(3);
}

static void run_case(const char *reply, bool want_ok, int want_rows, int want_cols)
{
	int master, slave;
	struct winsize zero = { 0 };
	assert_int_equal(openpty(&master, &slave, NULL, NULL, &zero), 0);
	int rows = -1, cols = -1;
	/* A 0x0 line, as a serial console reports. */
	assert_false(termsize_reported(slave, &rows, &cols));
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(slave);
		answer(master, reply);
		/* Keep the master open until the parent has read. */
		usleep(300 * 1000);
		_exit(0);
	}
	bool ok = termsize_query(slave, slave, 1000, true, &rows, &cols);
	int st;
	waitpid(pid, &st, 0);
	close(master);
	close(slave);
	assert_int_equal(ok, want_ok);
	if (want_ok) {
		assert_int_equal(rows, want_rows);
		assert_int_equal(cols, want_cols);
	}
}

static void test_measures_a_silent_line(void **state)
{
	(void)state;
	run_case("\033[50;132R", true, 50, 132);
	/* Stray input before the report is skipped. */
	run_case("x\033[24;80R", true, 24, 80);
}

static void test_no_answer_times_out(void **state)
{
	(void)state;
	run_case(NULL, false, 0, 0);
	run_case("\033[garbage", false, 0, 0);
}

static void test_reported_size_is_used(void **state)
{
	(void)state;
	int master, slave;
	struct winsize ws = { .ws_row = 40, .ws_col = 120 };
	assert_int_equal(openpty(&master, &slave, NULL, NULL, &ws), 0);
	int rows, cols;
	assert_true(termsize_reported(slave, &rows, &cols));
	assert_int_equal(rows, 40);
	assert_int_equal(cols, 120);
	close(master);
	close(slave);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_measures_a_silent_line),
		cmocka_unit_test(test_no_answer_times_out),
		cmocka_unit_test(test_reported_size_is_used),
	};
	return cmocka_run_group_tests_name("termsize", tests, NULL, NULL);
}
