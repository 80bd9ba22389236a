#!/bin/sh
# valgrind.sh: memory errors and leaks (definite and indirect) under
# valgrind, in two parts:
#  - each suite binary named on the command line: the test process and the
#    children it forks (not the programs they exec: the asr-doctor a CLI
#    suite runs, sshd, sh);
#  - asr-doctor itself (ASR_DOCTOR), run without a terminal: --demo check,
#    report (text and JSON), fix --dry-run, tree, explain, log (none there,
#    then the test fixtures' logs), history,
#    --demo windows check, and on a --root sandbox (a copy of a test
#    fixture) check, report, fix --dry-run, fix --yes, history, undo --yes;
#    fleet over the JSON reports.
# The wizard is not covered: it runs in a terminal (tests/tui, in tmux).
# Prints a line per run and the totals; exits 1 when any run reported an
# error (or a suite failed), 0 otherwise. Logs stay in VALGRIND_LOGS (a
# temporary folder by default, removed when everything is clean).
#
# Usage: ASR_DOCTOR=build/release/asr-doctor tools/valgrind.sh [SUITE]...
set -u
bin=${ASR_DOCTOR:-build/release/asr-doctor}
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
if ! command -v valgrind >/dev/null 2>&1; then
	echo "valgrind.sh: valgrind is not installed" >&2
	exit 2
fi
export ASR_DOCTOR="$bin"
logs=${VALGRIND_LOGS:-$(mktemp -d "${TMPDIR:-/tmp}/asr-valgrind.XXXXXX")}
mkdir -p "$logs"
work=$(mktemp -d "${TMPDIR:-/tmp}/asr-valgrind-work.XXXXXX")
runs=0
bad=0
errors=0

# Sums the error counts of the logs that start with $1.
count_errors() {
	n=0
	for f in "$logs/$1".*.log; do
		[ -f "$f" ] || continue
		e=$(sed -n 's/.*ERROR SUMMARY: \([0-9][0-9]*\) errors.*/\1/p' "$f" | tail -n 1)
		n=$((n + ${e:-0}))
	done
	echo "$n"
}

# vg NAME EXPECT CMD...: runs CMD under valgrind (output to NAME.out);
# EXPECT is the exit statuses the command may have ("any" for any but 9).
vg() {
	name=$1 expect=$2
	shift 2
	runs=$((runs + 1))
	valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect \
	  --error-exitcode=9 --log-file="$logs/$name.%p.log" "$@" \
	  >"$logs/$name.out" 2>&1 </dev/null
	rc=$?
	n=$(count_errors "$name")
	verdict=ok
	if [ "$n" -ne 0 ] || [ "$rc" -eq 9 ]; then
		verdict="$n error(s)"
	elif [ "$expect" != any ] && ! echo " $expect " | grep -q " $rc "; then
		verdict="exit $rc (expected $expect)"
	fi
	if [ "$verdict" != ok ]; then
		bad=$((bad + 1))
		errors=$((errors + n))
	fi
	printf '  %-40s exit %-3s %s\n' "$name" "$rc" "$verdict"
}

echo "valgrind: suites"
for s in "$@"; do
	name=suite-$(basename "$s")
	vg "$name" 0 "$s"
done

echo "valgrind: asr-doctor $bin"
# A scratch TMPDIR: --demo's sandboxes go there and must be gone after.
export TMPDIR="$work/tmp"
mkdir -p "$TMPDIR"
vg demo-check "0 1" "$bin" --lang en --demo check
vg demo-check-json "0 1" "$bin" --lang en --demo check --json
vg demo-report "0 1" "$bin" --lang en --demo report
vg demo-report-json "0 1" "$bin" --lang en --demo report --json -o "$work/demo.json"
vg demo-report-zh "0 1" "$bin" --lang zh-CN --demo report
vg demo-fix-dry-run "0 1" "$bin" --lang en --demo fix 95108 --dry-run
vg demo-fix-all-dry-run "0 1" "$bin" --lang en --demo fix 95320 --dry-run
vg demo-tree 0 "$bin" --lang en --demo tree
vg demo-explain 0 "$bin" --lang en --demo explain 95320
vg demo-explain-code 0 "$bin" --lang en explain "exit code 511"
vg demo-log 2 "$bin" --lang en --demo log
vg logs "0 1" "$bin" --lang en log tests/fixtures/logs/*.log
vg demo-history "0 1" "$bin" --lang en --demo history
vg demo-windows-check "0 1" "$bin" --lang en --demo windows check
vg demo-windows-report "0 1" "$bin" --lang en --demo windows report

root="$work/root"
cp -a tests/fixtures/sshd/debian-cloud "$root"
vg root-check "0 1" "$bin" --lang en --root "$root" check
vg root-report "0 1" "$bin" --lang en --root "$root" report -o "$work/report.txt"
vg root-report-json "0 1" "$bin" --lang en --root "$root" report --json -o "$work/root.json"
vg root-fix-dry-run "0 1" "$bin" --lang en --root "$root" fix sshd.enable_password --dry-run
vg root-fix-yes "0 1" "$bin" --lang en --root "$root" fix sshd.enable_password --yes
vg root-history 0 "$bin" --lang en --root "$root" history
vg root-undo "0 1" "$bin" --lang en --root "$root" undo --yes
vg fleet "0 1" "$bin" --lang en fleet "$work/demo.json" "$work/root.json" "$work/report.txt"

left=$(ls -A "$TMPDIR")
if [ -n "$left" ]; then
	echo "  left in TMPDIR: $left"
	bad=$((bad + 1))
fi
rm -rf "$work"
echo "valgrind: $runs runs, $bad with problems, $errors error(s) in all; logs: $logs"
if [ "$bad" -ne 0 ]; then
	exit 1
fi
[ -n "${VALGRIND_LOGS:-}" ] || rm -rf "$logs"
exit 0
