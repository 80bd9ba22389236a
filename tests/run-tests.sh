#!/bin/sh
# run-tests.sh: runs each cmocka test binary, shows its output, and fails
# when a binary fails or runs no test at all.
status=0
total=0
for t in "$@"; do
	out=$("$t" 2>&1)
	rc=$?
	printf '%s\n' "$out"
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
