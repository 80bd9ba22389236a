/* test_completion.c: the bash completion the binary prints, loaded into a
 * real bash and driven through COMP_WORDS/COMP_CWORD as bash itself does:
 * commands and options exactly those of --help, check and fix names,
 * ErrorIDs and anchors, languages, folders and report files. */
#include "support/testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/util/util.h"

static const char *scratch;
static char *script;

/* The candidates bash offers for the words (the last one is being
 * completed), sorted, one per line. */
static char *complete_words(const char *words)
{
	char *out;
	int rc = tu_sh(&out,
		       "cd '%s' && bash --norc --noprofile -c '. \"$1\"; shift; COMP_WORDS=(\"$@\"); "
		       "COMP_CWORD=$(($# - 1)); _asr_doctor; "
		       "printf \"%%s\\n\" \"${COMPREPLY[@]}\" | LC_ALL=C sed /^$/d | LC_ALL=C sort' sh '%s' %s",
		       scratch, script, words);
	assert_int_equal(rc, 0);
	return out;
}

/* Words of --help: the commands (first word of the lines under
 * "Commands:") or every long option, one per line, sorted. */
static char *help_words(bool commands)
{
	char *out;
	const char *cmd = commands ? "sed -n '/^Commands:/,/^$/p' | sed -n 's/^  \\([a-z][a-z]*\\).*/\\1/p'"
				   : "grep -o -E -- '--[a-z][a-z-]*' ";
	assert_int_equal(tu_sh(&out, "%s --help | %s | LC_ALL=C sort -u", tu_binary(), cmd), 0);
	return out;
}

static void test_script_loads(void **state)
{
	(void)state;
	char *out;
	assert_int_equal(tu_sh(&out, "bash --norc --noprofile -c '. \"$1\"; complete -p asr-doctor' sh '%s'", script),
			 0);
	assert_string_equal(out, "complete -F _asr_doctor asr-doctor\n");
	free(out);
	/* zsh gets the same function through bashcompinit. */
	assert_int_equal(tu_sh(&out, "%s completion zsh", tu_binary()), 0);
	assert_true(str_starts(out, "#compdef asr-doctor\n"));
	assert_non_null(strstr(out, "autoload -U +X bashcompinit && bashcompinit\n"));
	assert_non_null(strstr(out, "complete -F _asr_doctor asr-doctor\n"));
	free(out);
	assert_int_equal(tu_sh(&out, "%s completion fish 2>&1", tu_binary()), 2);
	assert_non_null(strstr(out, "completion takes one shell: bash or zsh"));
	free(out);
}

static void test_commands_and_options_match_help(void **state)
{
	(void)state;
	char *want = help_words(true), *got = complete_words("asr-doctor ''");
	assert_string_equal(got, want);
	assert_non_null(strstr(got, "fleet\n"));
	free(want);
	free(got);
	want = help_words(false);
	got = complete_words("asr-doctor --");
	assert_string_equal(got, want);
	free(want);
	free(got);
	got = complete_words("asr-doctor -");
	assert_non_null(strstr(got, "-o\n"));
	assert_non_null(strstr(got, "-y\n"));
	free(got);
}

static void test_operands(void **state)
{
	(void)state;
	char *got = complete_words("asr-doctor check sshd.");
	assert_string_equal(got, "sshd.kbd_interactive\nsshd.password\nsshd.root_login\nsshd.service\nsshd.sftp\n");
	free(got);
	got = complete_words("asr-doctor --lang en --root / check 9510");
	assert_string_equal(got, "95103\n95105\n95106\n95107\n95108\n");
	free(got);
	got = complete_words("asr-doctor fix gr");
	assert_string_equal(got, "grub.use_uuid\n");
	free(got);
	got = complete_words("asr-doctor explain 9532");
	assert_string_equal(got, "95320\n");
	free(got);
	/* Anchors, straight from the article. */
	char *anchor;
	assert_int_equal(tu_sh(&anchor, "%s --lang en tree | grep -o -E '#[a-z0-9-]*95320[a-z0-9-]*' | head -n 1 | cut -c2-",
			       tu_binary()),
			 0);
	assert_true(strlen(anchor) > 6);
	char *prefix = xstrndup(anchor, 12);
	char *words = xasprintf("asr-doctor explain %s", prefix);
	got = complete_words(words);
	assert_non_null(strstr(got, anchor));
	free(got);
	free(words);
	free(prefix);
	free(anchor);
	/* Fix names are for fix only. */
	got = complete_words("asr-doctor check grub.u");
	assert_string_equal(got, "");
	free(got);
	got = complete_words("asr-doctor report ''");
	assert_string_equal(got, "");
	free(got);
}

static void test_option_arguments(void **state)
{
	(void)state;
	char *got = complete_words("asr-doctor --lang ''");
	assert_string_equal(got, "en\nzh-CN\n");
	free(got);
	got = complete_words("asr-doctor --root ''");
	assert_string_equal(got, "mnt\nreports\n");
	free(got);
	got = complete_words("asr-doctor --journal m");
	assert_string_equal(got, "mnt\n");
	free(got);
	/* With --target, DIR is a folder of that machine: this machine's
	 * folders are not offered, wherever --target stands; --journal and
	 * the rest keep theirs. */
	const char *const remote[] = { "asr-doctor --target root@web01 --root ''",
				       "asr-doctor --target root@web01 --root m",
				       "asr-doctor --target=root@web01 --root ''",
				       "asr-doctor --root '' --target root@web01",
				       "asr-doctor -i key --target web01 --sudo --root /" };
	for (size_t i = 0; i < ARRAY_LEN(remote); i++) {
		got = complete_words(remote[i]);
		if (strcmp(got, "") != 0)
			fail_msg("%s offers:\n%s", remote[i], got);
		free(got);
	}
	got = complete_words("asr-doctor --target root@web01 --root mnt --journal m");
	assert_string_equal(got, "mnt\n");
	free(got);
	got = complete_words("asr-doctor --target root@web01 --root /mnt ex");
	assert_string_equal(got, "explain\n");
	free(got);
	got = complete_words("asr-doctor fleet reports/");
	assert_string_equal(got, "reports/old\nreports/web01.json\nreports/web02.json\n");
	free(got);
	got = complete_words("asr-doctor --replay reports/web01.json reports/w");
	assert_string_equal(got, "reports/web01.json\nreports/web02.json\n");
	free(got);
	got = complete_words("asr-doctor -o r");
	assert_string_equal(got, "reports\n");
	free(got);
	/* Numbers: nothing to offer. */
	got = complete_words("asr-doctor --timeout ''");
	assert_string_equal(got, "");
	free(got);
	/* An option's argument is not the command. */
	got = complete_words("asr-doctor --root mnt ex");
	assert_string_equal(got, "explain\n");
	free(got);
}

int main(void)
{
	scratch = tu_scratch("completion");
	script = xasprintf("%s/asr-doctor.bash", scratch);
	if (tu_sh(NULL, "%s completion bash > '%s'", tu_binary(), script) != 0) {
		fprintf(stderr, "asr-doctor completion bash failed\n");
		return tu_scratch_done(1);
	}
	char *p = xasprintf("%s/mnt", scratch);
	mkdir(p, 0755);
	free(p);
	p = xasprintf("%s/reports/old/x", scratch);
	tu_write_file(p, "");
	free(p);
	p = xasprintf("%s/reports/web01.json", scratch);
	tu_write_file(p, "{}");
	free(p);
	p = xasprintf("%s/reports/web02.json", scratch);
	tu_write_file(p, "{}");
	free(p);
	p = xasprintf("%s/reports/notes.txt", scratch);
	tu_write_file(p, "");
	free(p);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_script_loads),
		cmocka_unit_test(test_commands_and_options_match_help),
		cmocka_unit_test(test_operands),
		cmocka_unit_test(test_option_arguments),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	free(script);
	return tu_scratch_done(rc);
}
