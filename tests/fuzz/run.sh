#!/bin/sh
# run.sh: runs libFuzzer binaries built by `make fuzz`, each for a number of
# seconds on a working copy of its seed corpus, and prints per target the
# executions and the coverage gained; fails when any target crashed, leaked,
# hung or broke a contract (the reproducer is saved under DIR/artifacts/).
# Usage: run.sh DIR SECONDS NAME...   (DIR holds fuzz_NAME binaries)
# FUZZ_ARGS adds libFuzzer options (e.g. "-jobs=2" or "-dict=...").
# A finding goes into tests/fuzz/corpus/NAME/ as crash-*, leak-*, ub-* or
# hang-* (minimised: fuzz_NAME -minimize_crash=1 -runs=10000 FILE), so
# `make check` replays it from then on.
set -u
dir=$1
secs=$2
shift 2
status=0
summary=""
for name in "$@"; do
	bin=$dir/fuzz_$name
	seeds=tests/fuzz/corpus/$name
	work=$dir/corpus/$name
	art=$dir/artifacts/$name
	tmp=$(pwd)/$dir/tmp/$name
	log=$dir/logs/$name.log
	mkdir -p "$work" "$art" "$tmp" "$dir/logs"
	echo "  FUZZ    $name for ${secs}s (log: $log)"
	# The working corpus comes first: libFuzzer adds what it finds there,
	# never to the seeds under tests/.
	TMPDIR=$tmp "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-max_len=65536 -print_final_stats=1 -artifact_prefix="$art/" \
		${FUZZ_ARGS:-} "$work" "$seeds" > "$log" 2>&1
	rc=$?
	rm -rf "$tmp"
	runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -n 1)
	[ -n "$runs" ] || runs=$(sed -n 's/^#\([0-9]*\).*/\1/p' "$log" | tail -n 1)
	cov0=$(sed -n 's/^#[0-9]*[[:space:]]*INITED cov: \([0-9]*\).*/\1/p' "$log" | head -n 1)
	cov1=$(sed -n 's/^#[0-9]*[[:space:]]*[A-Z]*[[:space:]]*cov: \([0-9]*\).*/\1/p' "$log" | tail -n 1)
	ft1=$(sed -n 's/^#[0-9]*[[:space:]]*[A-Z]*[[:space:]]*cov: [0-9]* ft: \([0-9]*\).*/\1/p' "$log" | tail -n 1)
	corp=$(sed -n 's/.* corp: \([0-9]*\/[0-9]*[a-zA-Z]*\).*/\1/p' "$log" | tail -n 1)
	eps=$(sed -n 's/^stat::average_exec_per_sec:[[:space:]]*\([0-9]*\)/\1/p' "$log" | tail -n 1)
	new=""
	if [ -n "${cov0:-}" ] && [ -n "${cov1:-}" ]; then
		new=$((cov1 - cov0))
	fi
	line=$(printf '%-12s %10s runs %7s/s  cov %6s (+%s)  ft %6s  corpus %s' "$name" \
		"${runs:-?}" "${eps:-?}" "${cov1:-?}" "${new:-?}" "${ft1:-?}" "${corp:-?}")
	if [ "$rc" -ne 0 ]; then
		status=1
		line="$line  FAILED (exit $rc)"
		echo "fuzz: $name FAILED (exit $rc); the end of $log:" >&2
		tail -n 40 "$log" >&2
		for a in "$art"/*; do
			[ -e "$a" ] && echo "fuzz: reproducer: $a (replay: $bin $a)" >&2
		done
	fi
	echo "  RESULT  $line"
	summary="$summary$line
"
done
echo "fuzz: summary (runs, executions per second, edges covered at the end and gained, features, corpus)"
printf '%s' "$summary"
[ $status -eq 0 ] && echo "fuzz: no crash in $# targets" || echo "fuzz: FAILURES" >&2
exit $status
