#!/bin/sh
# run.sh: the performance benchmark behind `make bench` (never a test). It
# runs the real binary in a pseudo-terminal through bench/ptybench (80x24 for
# TERM xterm-256color, vt100 and linux), `dialog --menu` with the same
# sections under the same harness and keys, times the plain commands
# (hyperfine when present, else the harness), scans a generated 1 GB
# UTF-16LE installer log beside iconv | grep -c, and prints one table; with
# --json FILE it also writes the same numbers as JSON. Then, unless REMOTE=0,
# bench/remote.sh times logins through a delaying relay (its own table).
set -eu

usage() {
	cat <<'EOF'
Usage: bench/run.sh [--json FILE] [--runs N] [--settle MS] [--bin FILE]
Measures asr-doctor (default ./asr-doctor) and prints a table of medians.
  --json FILE   also write the numbers as JSON to FILE
  --runs N      measured runs of each terminal session (default 5)
  --settle MS   output is complete after MS quiet (default 150)
  --bin FILE    the asr-doctor binary to measure (default ./asr-doctor)
Environment: PTYBENCH (the harness; built with make when unset), GENLOG (the
log generator, likewise), LOG_MB (size of the generated installer log, 1024),
HYPERFINE (empty: time commands with the harness instead of hyperfine),
REMOTE (0 leaves out the remote timings of bench/remote.sh: sshd on loopback
behind bench/relay at 0 and 100 ms; RELAY names the relay binary).
EOF
}

cd "$(dirname "$0")/.."
JSON=""
RUNS=5
SETTLE=150
BIN=./asr-doctor
COLS=80
ROWS=24
while [ $# -gt 0 ]; do
	case "$1" in
	--json) JSON=${2:?--json needs a file}; shift 2 ;;
	--runs) RUNS=${2:?--runs needs a number}; shift 2 ;;
	--settle) SETTLE=${2:?--settle needs milliseconds}; shift 2 ;;
	--bin) BIN=${2:?--bin needs a file}; shift 2 ;;
	-h | --help) usage; exit 0 ;;
	*) echo "run.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
	esac
done

[ -n "$JSON" ] && mkdir -p "$(dirname "$JSON")"
if [ -z "${PTYBENCH:-}" ]; then
	make --no-print-directory all build/release/bench/ptybench
	PTYBENCH=build/release/bench/ptybench
fi
if [ -z "${GENLOG:-}" ]; then
	make --no-print-directory build/release/bench/genlog
	GENLOG=build/release/bench/genlog
fi
for f in "$BIN" "$PTYBENCH" "$GENLOG"; do
	[ -x "$f" ] || { echo "run.sh: $f is missing; run make bench" >&2; exit 2; }
done
command -v dialog >/dev/null 2>&1 || { echo "run.sh: dialog is missing; run make bench" >&2; exit 2; }

# Demo sandboxes and scratch files live here and go when the run ends.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/asr-bench-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
mkdir "$tmp/sandbox"
rec="$tmp/records"
: >"$rec"

say() { printf '%s\n' "$*" >&2; }

# The wizard's sections, for dialog: tag = position, item = the title as
# `tree` indents it (anchors and ErrorID lists dropped).
"$BIN" tree | sed 's/  #[^ ]*.*$//' >"$tmp/titles"
NITEMS=$(wc -l <"$tmp/titles" | tr -d ' ')
set --
i=0
while IFS= read -r title; do
	i=$((i + 1))
	set -- "$@" "$i" "$title"
done <"$tmp/titles"

# Page down: the PgDn key where the terminal has one (terminfo knp), else
# the wizard's own Space; dialog has no other page key.
has_pgdn() {
	if command -v infocmp >/dev/null 2>&1; then
		infocmp -1 "$1" 2>/dev/null | grep -q '^[[:space:]]*knp='
	else
		return 0
	fi
}

for term in xterm-256color vt100 linux; do
	case "$term" in
	xterm*) lang=C.UTF-8 ;;
	*) lang=C ;; # as a serial or text console would have
	esac
	if has_pgdn "$term"; then wiz_pg=@pgdn; dlg_pg="-k pgdn=@pgdn"; else wiz_pg=@sp; dlg_pg=""; fi
	say "bench: asr-doctor wizard, TERM=$term LANG=$lang ${COLS}x$ROWS, $RUNS runs"
	"$PTYBENCH" -c "$COLS" -r "$ROWS" -t "$term" -l "$lang" -s "$SETTLE" -n "$RUNS" \
		-e "TMPDIR=$tmp/sandbox" -L asr-doctor -d "$tmp/dump-wizard-$term.txt" \
		-k down=@down -k up=@up -k "pgdn=$wiz_pg" -k open=@enter -k back=@bs \
		-k "search=/ lvm @enter" -q q \
		-- "$BIN" --demo --no-auto-check >>"$rec"
	say "bench: dialog --menu ($NITEMS items), TERM=$term LANG=$lang, $RUNS runs"
	# shellcheck disable=SC2086 # dlg_pg is empty or two words
	"$PTYBENCH" -c "$COLS" -r "$ROWS" -t "$term" -l "$lang" -s "$SETTLE" -n "$RUNS" \
		-L dialog -d "$tmp/dump-dialog-$term.txt" \
		-k down=@down -k up=@up $dlg_pg -q @enter \
		-- dialog --menu "Choose a section" 0 0 0 "$@" >>"$rec"
	# Keep the byte dumps of the last run beside the JSON, for reading.
	if [ -n "$JSON" ]; then
		cp "$tmp/dump-wizard-$term.txt" "$JSON.wizard-$term.txt"
		cp "$tmp/dump-dialog-$term.txt" "$JSON.dialog-$term.txt"
	fi
done

# Plain commands: hyperfine's median when it is installed, the harness's
# otherwise; the harness also gives the peak memory.
export TMPDIR="$tmp/sandbox"
# (HYPERFINE= in the environment forces the harness.)
HYPERFINE=${HYPERFINE-$(command -v hyperfine || true)}
time_cmd() { # label runs command...
	label=$1 runs=$2
	shift 2
	say "bench: $label: $*"
	hf=""
	hruns=$runs
	if [ -n "$HYPERFINE" ]; then
		if ! "$HYPERFINE" -N -i --style none --warmup 3 --runs "$runs" \
			--export-json "$tmp/hf.json" -- "$*" >"$tmp/hf.out" 2>&1; then
			cat "$tmp/hf.out" >&2
			exit 1
		fi
		hf=$(sed -n 's/^[[:space:]]*"median":[[:space:]]*\([0-9.eE+-]*\).*/\1/p' "$tmp/hf.json" | head -n 1)
		hf=$(awk -v s="$hf" 'BEGIN { printf "%.3f", s * 1000 }')
		# The harness only for the memory of slow commands.
		[ "$runs" -le 10 ] && hruns=1
	fi
	line=$("$PTYBENCH" -m -T 600000 -w 1 -n "$hruns" -L "$label" -- "$@")
	if [ -n "$hf" ]; then
		echo "$line tool=hyperfine hf_runs=$runs hf_median_ms=$hf" >>"$rec"
	else
		echo "$line tool=ptybench" >>"$rec"
	fi
}
time_cmd baseline 50 /bin/true
time_cmd explain 50 "$BIN" explain 95320
time_cmd tree 50 "$BIN" tree
time_cmd demo-check 10 "$BIN" --demo check --json
time_cmd local-check 5 "$BIN" check

# Installer logs: a generated UTF-16LE log of LOG_MB megabytes (1024 by
# default; bench/genlog.c), read by asr-doctor log and by iconv piped into
# grep -c on the same file in the same run: time and peak memory of each.
# The counts of lines naming 0x8004E00F must agree.
LOG_MB=${LOG_MB:-1024}
say "bench: generating a $LOG_MB MB UTF-16LE installer log"
want=$("$GENLOG" "$tmp/big.log" "$LOG_MB")
printf 'iconv -f UTF-16LE "%s" | grep -c -F 0x8004E00F\n' "$tmp/big.log" >"$tmp/iconv-grep.sh"
got_grep=$(sh "$tmp/iconv-grep.sh")
got_log=$("$BIN" log --json "$tmp/big.log" | sed -n '/"code":[[:space:]]*"0x8004E00F"/,/"count"/s/.*"count":[[:space:]]*\([0-9]*\).*/\1/p')
echo "logcount label=log-counts generated=$want grep=$got_grep asr_doctor=${got_log:-0}" >>"$rec"
time_cmd log-1g 3 "$BIN" log "$tmp/big.log"
time_cmd iconv-grep 3 sh "$tmp/iconv-grep.sh"
rm -f "$tmp/big.log"

# The wizard on this machine with every check running: its own peak
# memory (VmHWM; the commands the checks run are left out), for the normal
# binary and, when it was built, the portable one.
mem_run() { # label binary
	say "bench: $1: $2 (every check)"
	line=$("$PTYBENCH" -n 3 -w 1 -s 1500 -L "$1" -e "XDG_STATE_HOME=$tmp/state" -k down=@down -- "$2")
	self=$(printf '%s\n' "$line" | sed -n 's/.* self_kb=\([0-9]*\).*/\1/p')
	echo "mem label=$1 bin=$2 self_kb=${self:-0}" >>"$rec"
}
mem_run wizard-local "$BIN"
[ -x ./asr-doctor-static ] && mem_run wizard-local-static ./asr-doctor-static

size=$(stat -c %s "$BIN")
stripped=""
if command -v strip >/dev/null 2>&1 && strip -o "$tmp/stripped" "$BIN" 2>/dev/null; then
	stripped=$(stat -c %s "$tmp/stripped")
fi
echo "size label=binary bytes=$size stripped=${stripped:-0}" >>"$rec"

FLOOR=$("$PTYBENCH" -h | sed -n 's/^The floor: //p')

# One formatter for the table and the JSON.
awk -v json="$JSON" -v floor="$FLOOR" -v bin="$BIN" -v nitems="$NITEMS" -v logmb="$LOG_MB" \
    -v cols="$COLS" -v rows="$ROWS" -v runs="$RUNS" -v settle="$SETTLE" '
function jstr(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return "\"" s "\"" }
function mb(kb) { return sprintf("%.1f MB", kb / 1024) }
# bytes/floor for one step of record r, with ! when over the wizard target.
function cell(r, s,   b, lim) {
	if (!((r, s) in V)) return "-"
	b = V[r, s]
	lim = (s in TARGET) ? TARGET[s] : ""
	return b ((prog[r] == "asr-doctor" && lim != "" && b + 0 > lim + 0) ? "!" : "") "/" V[r, s "_floor"]
}
{
	kind = $1
	r = NR
	for (i = 2; i <= NF; i++) {
		eq = index($i, "=")
		k = substr($i, 1, eq - 1)
		V[r, k] = substr($i, eq + 1)
	}
	if (kind == "pty") { prog[r] = V[r, "label"]; npty++; pty[npty] = r }
	if (kind == "time") { ntime++; tim[ntime] = r }
	if (kind == "size") sizer = r
	if (kind == "mem") { nmem++; mem[nmem] = r }
	if (kind == "logcount") logc = r
}
END {
	TARGET["first"] = 3000; TARGET["down"] = 96; TARGET["up"] = 96; TARGET["pgdn"] = 800
	CMD["baseline"] = "/bin/true (start-up cost of any program here)"
	CMD["explain"] = "asr-doctor explain 95320 >/dev/null"
	CMD["tree"] = "asr-doctor tree >/dev/null"
	CMD["demo-check"] = "asr-doctor --demo check --json >/dev/null"
	CMD["local-check"] = "asr-doctor check (this machine)"
	GOAL["explain"] = "< 5 ms"; GOAL["tree"] = "< 5 ms"
	CMD["log-1g"] = "asr-doctor log BIG.log (" logmb " MB, UTF-16LE)"
	CMD["iconv-grep"] = "iconv -f UTF-16LE BIG.log | grep -c (same)"
	GOAL["log-1g"] = "<= iconv|grep, < 8 MB"

	printf "asr-doctor benchmark: %sx%s, median of %s runs (after 1 warm-up), settle %s ms\n", cols, rows, runs, settle
	printf "Bytes written to the terminal / floor; ! marks a value over its target.\n\n"
	printf "%-10s %-14s %-7s %8s %10s %8s %8s %10s %10s %10s %8s %8s\n", \
	       "program", "TERM", "LANG", "1st ms", "first", "down", "up", "pgdn", "open", "back", "search", "peak"
	for (j = 1; j <= npty; j++) {
		r = pty[j]
		printf "%-10s %-14s %-7s %8.1f %10s %8s %8s %10s %10s %10s %8s %8s\n", prog[r], V[r, "term"], V[r, "lang"], \
		       V[r, "first_ms"], cell(r, "first"), cell(r, "down"), cell(r, "up"), cell(r, "pgdn"), \
		       cell(r, "open"), cell(r, "back"), cell(r, "search"), mb(V[r, "rss_kb"]) (V[r, "rss_kb"] > 4096 && prog[r] == "asr-doctor" ? "!" : "")
	}
	printf "%-10s %-14s %-7s %8s %10s %8s %8s %10s %10s %10s %8s %8s\n", "target", "(asr-doctor)", "", "", \
	       "<=3000", "<=96", "<=96", "<=800", "", "", "", "<=4.0 MB"
	printf "\nkeys: down/up = cursor keys; pgdn = PgDn (Space for the wizard where the terminal has no\n"
	printf "PgDn key: vt100; dialog has none there); open = Enter; back = Backspace; search = / l v m\n"
	printf "Enter (5 presses, summed). dialog --menu shows the same %s sections. 1st ms = time from\n", nitems
	printf "the start of the program to the last byte of its first screen (minus nothing).\n"
	printf "\n%-45s %10s  %-22s %9s  %s\n", "command", "median", "measured by", "peak", "target"
	for (j = 1; j <= ntime; j++) {
		r = tim[j]; l = V[r, "label"]
		if (V[r, "tool"] == "hyperfine") { t = V[r, "hf_median_ms"]; by = "hyperfine, " V[r, "hf_runs"] " runs" }
		else { t = V[r, "median_ms"]; by = "ptybench, " V[r, "runs"] " runs" }
		over = (l in GOAL && l != "log-1g" && t + 0 >= 5) ? "!" : ""
		if (l == "log-1g") logt = t
		if (l == "iconv-grep" && logt != "" && logt + 0 > t + 0) over = "!"
		printf "%-45s %7.2f ms%s %-22s %9s  %s\n", CMD[l], t, over == "" ? " " : over, by, mb(V[r, "rss_kb"]), (l in GOAL ? GOAL[l] : "")
	}
	if (logc) printf "%-45s %10s  generated %s, grep -c %s, asr-doctor %s\n", "lines naming 0x8004E00F in BIG.log", "", \
		V[logc, "generated"], V[logc, "grep"], V[logc, "asr_doctor"]
	printf "%-45s %10s  (stripped: %s)\n", "binary size (" bin ")", V[sizer, "bytes"], V[sizer, "stripped"]
	for (j = 1; j <= nmem; j++) {
		r = mem[j]
		printf "%-45s %10s  %-22s %9s  %s\n", "wizard on this machine, every check: " V[r, "bin"], "", \
		       "own peak (VmHWM)", mb(V[r, "self_kb"]) (V[r, "self_kb"] > 4096 ? "!" : ""), "<= 4.0 MB"
	}
	printf "\npeak = ru_maxrss from wait4(): the largest of the program and the commands it ran and\n"
	printf "waited for (asr-doctor check runs sshd -T). The wizard runs with --demo, so its first\n"
	printf "screen includes extracting the demo sandbox. Times move with the load of the machine.\n"

	if (json == "") exit 0
	o = "{\n"
	o = o "  \"cols\": " cols ", \"rows\": " rows ", \"runs\": " runs ", \"settle_ms\": " settle ",\n"
	o = o "  \"floor_definition\": " jstr(floor) ",\n"
	o = o "  \"targets\": {\"asr-doctor\": {\"first_bytes\": 3000, \"cursor_move_bytes\": 96, \"page_move_bytes\": 800, \"explain_ms\": 5, \"tree_ms\": 5, \"peak_rss_kb\": 4096}},\n"
	o = o "  \"terminal\": ["
	for (j = 1; j <= npty; j++) {
		r = pty[j]
		o = o (j > 1 ? "," : "") "\n    {\"program\": " jstr(prog[r]) ", \"term\": " jstr(V[r, "term"]) ", \"lang\": " jstr(V[r, "lang"])
		o = o ", \"first_screen_ms\": " V[r, "first_ms"] ", \"peak_rss_kb\": " V[r, "rss_kb"] ", \"exit\": " V[r, "exit"] ", \"steps\": {"
		n = split(V[r, "steps"], st, ",")
		for (k = 1; k <= n; k++) {
			s = st[k]
			o = o (k > 1 ? ", " : "") jstr(s) ": {\"bytes\": " V[r, s] ", \"floor\": " V[r, s "_floor"] \
			    ", \"floor_runs\": " V[r, s "_floor_runs"] ", \"ms\": " V[r, s "_ms"] \
			    ", \"cells_written\": " V[r, s "_written"] ", \"cells_changed\": " V[r, s "_changed"] "}"
		}
		o = o "}}"
	}
	o = o "\n  ],\n  \"commands\": ["
	for (j = 1; j <= ntime; j++) {
		r = tim[j]; l = V[r, "label"]
		t = V[r, "tool"] == "hyperfine" ? V[r, "hf_median_ms"] : V[r, "median_ms"]
		o = o (j > 1 ? "," : "") "\n    {\"name\": " jstr(l) ", \"command\": " jstr(CMD[l]) ", \"median_ms\": " t \
		    ", \"tool\": " jstr(V[r, "tool"]) ", \"harness_median_ms\": " V[r, "median_ms"] \
		    ", \"peak_rss_kb\": " V[r, "rss_kb"] ", \"exit\": " V[r, "exit"] "}"
	}
	o = o "\n  ],\n  \"wizard_memory\": ["
	for (j = 1; j <= nmem; j++) {
		r = mem[j]
		o = o (j > 1 ? "," : "") "\n    {\"binary\": " jstr(V[r, "bin"]) ", \"own_peak_rss_kb\": " V[r, "self_kb"] "}"
	}
	o = o "\n  ],\n  \"log_counts\": {\"generated\": " (logc ? V[logc, "generated"] : 0) ", \"grep\": " (logc ? V[logc, "grep"] : 0) ", \"asr_doctor\": " (logc ? V[logc, "asr_doctor"] : 0) ", \"megabytes\": " logmb "}"
	o = o ",\n  \"binary\": {\"path\": " jstr(bin) ", \"bytes\": " V[sizer, "bytes"] ", \"stripped_bytes\": " V[sizer, "stripped"] "}\n}\n"
	printf "%s", o > json
	close(json)
}' "$rec" >"$tmp/table"
# The table, then the floor's definition folded to the width of the table.
cat "$tmp/table"
printf '\nThe floor: %s\n' "$FLOOR" | fold -s -w 100
[ -z "$JSON" ] || printf '\nJSON written to %s (byte dumps of each session beside it)\n' "$JSON"

# The remote part (bench/remote.sh): a real sshd on loopback behind the
# delaying relay; REMOTE=0 leaves it out.
if [ "${REMOTE:-1}" != 0 ]; then
	set -- --bin "$BIN"
	[ -z "$JSON" ] || set -- "$@" --json "$JSON.remote.json"
	bench/remote.sh "$@"
fi
