/* test_input.c: what reaches the wizard from the line: bytes that form no
 * character (line noise on a serial console, a cut UTF-8 sequence) are
 * dropped and the keys after them still work, in the tree and in a
 * prompt, in a UTF-8 locale and in the C locale. */
#include "support/testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/util/util.h"
#include "support/term.h"

/* Sends one noise sequence then j, and waits for the selection to move. */
static void noise_then_down(struct term *t, const char *hex, int expect_row)
{
	term_bytes(t, hex);
	term_keys(t, "j");
	char want[16];
	snprintf(want, sizeof want, "%d/40", expect_row);
	if (!term_wait(t, want, TERM_WAIT))
		print_error("the key after the bytes %s was lost\n", hex);
	char *last = term_line(t, 23);
	assert_true(str_starts(last, want));
	free(last);
}

static void test_invalid_bytes_dropped_in_tree(void **state)
{
	(void)state;
	struct term t = { 0 };
	term_open(&t, 80, 24, TERM_ENV_UTF8, "--lang en --no-auto-check", "1/40");
	noise_then_down(&t, "ff", 2);       /* never valid in UTF-8 */
	noise_then_down(&t, "9b", 3);       /* a lone continuation byte (C1 CSI) */
	noise_then_down(&t, "c3", 4);       /* a lead byte, nothing follows */
	noise_then_down(&t, "e4 b8", 5);    /* a three-byte character cut short */
	noise_then_down(&t, "c3 6a", 7);    /* a lead byte, then a j: both j move */
	noise_then_down(&t, "f0 9f 98", 8); /* a four-byte character cut short */
	/* Other keys still do what they say. */
	term_bytes(&t, "ff fe");
	term_keys(&t, "?");
	assert_true(term_wait(&t, "move down", TERM_WAIT));
	term_keys(&t, "BSpace");
	assert_true(term_wait(&t, "8/40", TERM_WAIT));
	term_bytes(&t, "c3");
	term_keys(&t, "q");
	assert_true(term_wait(&t, "EXIT=0", TERM_WAIT));
	term_stop(&t);
}

static void test_invalid_bytes_dropped_in_prompt(void **state)
{
	(void)state;
	struct term t = { 0 };
	term_open(&t, 80, 24, TERM_ENV_UTF8, "--lang en --no-auto-check", "1/40");
	term_keys(&t, "/");
	assert_true(term_wait(&t, "/", TERM_WAIT));
	/* Noise, then a valid character (中) and plain letters. */
	term_bytes(&t, "ff 9b e4 b8");
	term_bytes(&t, "e4 b8 ad");
	term_type(&t, "net");
	assert_true(term_wait(&t, "/\xe4\xb8\xadnet", TERM_WAIT));
	term_keys(&t, "C-u");
	term_type(&t, "netlogon");
	term_bytes(&t, "c3");
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "match \"netlogon\"", TERM_WAIT));
	term_stop(&t);
}

static void test_invalid_bytes_non_utf8_locale(void **state)
{
	(void)state;
	struct term t = { 0 };
	term_open(&t, 80, 24, "TERM=vt100 LANG=C LC_ALL=C", "--lang en --no-auto-check", "1/40");
	noise_then_down(&t, "ff", 2);
	noise_then_down(&t, "c3 a9", 3);
	term_keys(&t, "q");
	assert_true(term_wait(&t, "EXIT=0", TERM_WAIT));
	term_stop(&t);
}

int main(void)
{
	term_suite_begin(NULL);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_invalid_bytes_dropped_in_tree),
		cmocka_unit_test(test_invalid_bytes_dropped_in_prompt),
		cmocka_unit_test(test_invalid_bytes_non_utf8_locale),
	};
	return cmocka_run_group_tests_name("input", tests, NULL, NULL);
}
