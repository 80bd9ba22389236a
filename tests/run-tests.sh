#!/bin/sh
# run-tests.sh: runs the cmocka test binaries, TEST_JOBS of them at a time
# (default 4: most suites wait on sshd, tmux or a child far more than they
# compute), then shows each suite's output whole and in the order given, and
# fails when a binary fails or runs no test at all.
# Usage: run-tests.sh BINARY...    (TEST_JOBS=1 runs them one by one)
jobs=${TEST_JOBS:-4}
case $jobs in
'' | *[!0-9]* | 0)
	echo "run-tests: TEST_JOBS must be a positive number, not '$jobs'" >&2
	exit 2
	;;
esac
work=$(mktemp -d "${TMPDIR:-/tmp}/asr-run-tests-XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

# One suite: its output, exit status and seconds in files named by its index.
i=0
for t in "$@"; do
	i=$((i + 1))
	printf '%s\0%s\0' "$i" "$t"
done | xargs -0 -n 2 -P "$jobs" sh -c '
	start=$(date +%s)
	"$2" >"$0/$1.out" 2>&1
	echo $? >"$0/$1.rc"
	echo $(($(date +%s) - start)) >"$0/$1.sec"
' "$work"

status=0
total=0
i=0
for t in "$@"; do
	i=$((i + 1))
	out=$(cat "$work/$i.out" 2>/dev/null)
	rc=$(cat "$work/$i.rc" 2>/dev/null || echo 127)
	printf '%s\n' "$out"
	echo "run-tests: $t: $(cat "$work/$i.sec" 2>/dev/null || echo '?') s"
	ran=$(printf '%s\n' "$out" | sed -n 's/^\[==========\] \([0-9][0-9]*\) test(s) run\./\1/p' | tail -n 1)
	if [ "$rc" -ne 0 ]; then
		echo "run-tests: FAILED: $t (exit $rc)" >&2
		status=1
	elif [ -z "$ran" ] || [ "$ran" -eq 0 ]; then
		echo "run-tests: FAILED: $t ran no test" >&2
		status=1
	else
		total=$((total + ran))
	fi
done
echo "run-tests: $# suites, $total tests, $( [ $status -eq 0 ] && echo all passed || echo FAILURES)"
exit $status
