#!/bin/sh
# remote.sh: the remote part of `make bench` (bench/run.sh calls it; it runs
# alone too). It starts OpenSSH's sshd on a free port of 127.0.0.1 with a
# temporary configuration, keys and folders (as the tests do; stopped by its
# pid at the end), and one bench/relay per delay in front of it (0 and 100
# ms of round trip by default; this kernel has no netem). Through each relay
# it times, cold every run (no connection sharing between runs):
#   ssh -o ControlMaster=no HOST true        the floor: one login
#   ansible -m setup                         Debian's ansible-core, its own
#                                            connection sharing within a run
#   asr-doctor --target HOST check / probe   when this asr-doctor has them (its
#                                            own HOME for known_hosts; the
#                                            probe's login options in
#                                            ASR_PROBE_ARGS)
#   asr-doctor --target HOST check           against a Windows machine: the
#                                            same sshd, a key whose
#                                            authorized_keys entry runs the
#                                            tests' stand-in for the Windows
#                                            commands (WIN_STANDIN; built by
#                                            make tests; skipped without it),
#                                            which answers at once: what is
#                                            timed is the link, not Windows
# and reports the median time, the ratio to `ssh true` and to Ansible, and
# the round trips (the times the server started answering, per run, counted
# by the relay) and bytes. A measurement, never a test: nothing is asserted.
set -eu

usage() {
	cat <<'EOF'
Usage: bench/remote.sh [--json FILE] [--runs N] [--delays "MS MS..."] [--bin FILE]
  --json FILE     also write the numbers as JSON to FILE
  --runs N        timed runs of each command per delay (default 5)
  --delays LIST   round-trip delays in ms the relay adds (default "0 100")
  --bin FILE      the asr-doctor binary (default ./asr-doctor)
Environment: RELAY (the relay; built with make when unset), SSHD (/usr/sbin/sshd).
EOF
}

cd "$(dirname "$0")/.."
JSON=""
RUNS=5
DELAYS="0 100"
BIN=./asr-doctor
while [ $# -gt 0 ]; do
	case "$1" in
	--json) JSON=${2:?--json needs a file}; shift 2 ;;
	--runs) RUNS=${2:?--runs needs a number}; shift 2 ;;
	--delays) DELAYS=${2:?--delays needs a list}; shift 2 ;;
	--bin) BIN=${2:?--bin needs a file}; shift 2 ;;
	-h | --help) usage; exit 0 ;;
	*) echo "remote.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
	esac
done
SSHD=${SSHD:-/usr/sbin/sshd}
if [ -z "${RELAY:-}" ]; then
	make --no-print-directory build/release/bench/relay
	RELAY=build/release/bench/relay
fi
say() { printf '%s\n' "$*" >&2; }
for p in "$SSHD" "$RELAY"; do
	[ -x "$p" ] || { say "remote.sh: $p is missing (make bench installs openssh-server)"; exit 2; }
done
for p in ssh ssh-keygen ansible python3; do
	command -v "$p" >/dev/null 2>&1 || { say "remote.sh: $p is missing; run make bench"; exit 2; }
done
[ -d /run/sshd ] || { say "remote.sh: /run/sshd is missing (sshd needs it); REMOTE=0 skips this part"; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/asr-bench-remote-XXXXXX")
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	for p in $pids; do wait "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The server: its own host key, a user key for the current user, key
# logins only, sftp-server where Debian puts it (internal-sftp otherwise).
# SetEnv SHLVL=1: bash, the login shell, then skips ~/.bashrc for the
# commands sshd starts (it reads it when SHLVL says it is not nested): a
# slow .bashrc of this machine's account (pyenv init takes seconds) would
# be timed in every command, ssh true's included, instead of the link.
ssh-keygen -q -t ed25519 -N '' -f "$tmp/host_key"
ssh-keygen -q -t ed25519 -N '' -f "$tmp/user_key"
cp "$tmp/user_key.pub" "$tmp/authorized_keys"
sftp=/usr/lib/openssh/sftp-server
[ -x "$sftp" ] || sftp=internal-sftp
# A Windows machine's stand-in behind a key of its own (its SFTP too:
# the forced command gets the subsystem's request and serves it).
WIN_STANDIN=${WIN_STANDIN:-build/release/tests/support/win-standin}
has_windows=no
if [ -x "$WIN_STANDIN" ]; then
	has_windows=yes
	ssh-keygen -q -t ed25519 -N '' -f "$tmp/win_key"
	mkdir -p "$tmp/winstate"
	printf 'command="%s --state %s" %s\n' "$(realpath "$WIN_STANDIN")" "$tmp/winstate" \
		"$(cat "$tmp/win_key.pub")" >>"$tmp/authorized_keys"
fi
SSHD_PORT=$(free_port)
cat >"$tmp/sshd_config" <<EOF
Port $SSHD_PORT
ListenAddress 127.0.0.1
HostKey $tmp/host_key
AuthorizedKeysFile $tmp/authorized_keys
PidFile $tmp/sshd.pid
UsePAM no
StrictModes no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
Subsystem sftp $sftp
SetEnv SHLVL=1
EOF
"$SSHD" -D -e -f "$tmp/sshd_config" 2>"$tmp/sshd.log" &
pids="$pids $!"
i=0
until ssh-keyscan -p "$SSHD_PORT" 127.0.0.1 >"$tmp/keyscan" 2>/dev/null && [ -s "$tmp/keyscan" ]; do
	i=$((i + 1))
	[ $i -lt 100 ] || { say "remote.sh: sshd did not start:"; cat "$tmp/sshd.log" >&2; exit 1; }
	sleep 0.1
done
USER_NAME=$(id -un)

# One relay per delay.
for d in $DELAYS; do
	"$RELAY" -d "$d" -p "$tmp/relay-$d.port" -s "$tmp/relay-$d.stats" 0 127.0.0.1 "$SSHD_PORT" &
	pids="$pids $!"
	i=0
	until [ -s "$tmp/relay-$d.port" ]; do
		i=$((i + 1))
		[ $i -lt 100 ] || { say "remote.sh: the relay did not start"; exit 1; }
		sleep 0.05
	done
done

stat_of() { # delay key
	sed -n "s/.* $2=\([0-9]*\).*/\1/p" "$tmp/relay-$1.stats"
}
# Waits until every connection through the relay has ended (an ssh
# master left by Ansible ends within its ControlPersist).
relay_idle() {
	i=0
	while [ "$(stat_of "$1" open)" != 0 ] && [ $i -lt 200 ]; do
		i=$((i + 1))
		sleep 0.05
	done
}

now_ns() { date +%s%N; }
rec="$tmp/records"
: >"$rec"
SSH_OPTS="-o ControlMaster=no -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR -i $tmp/user_key"

# measure LABEL DELAY COMMAND...: RUNS cold runs, the median wall time and
# the relay's counts per run.
measure() {
	label=$1 d=$2
	shift 2
	say "bench: $label at $d ms: $*"
	relay_idle "$d"
	c0=$(stat_of "$d" conns) u0=$(stat_of "$d" up) w0=$(stat_of "$d" down)
	t0=$(stat_of "$d" turns) r0=$(stat_of "$d" rt)
	: >"$tmp/times"
	fails=0
	run=0
	while [ $run -lt "$RUNS" ]; do
		run=$((run + 1))
		rm -rf "$tmp/cp" && mkdir -p "$tmp/cp"
		s=$(now_ns)
		# Exit 1 is a finding (a check failed), not a failed run.
		st=0
		"$@" >"$tmp/out" 2>&1 || st=$?
		if [ "$st" -gt 1 ]; then
			fails=$((fails + 1))
			[ $fails -gt 1 ] || { say "bench: $label failed ($st):"; tail -n 5 "$tmp/out" >&2; }
		fi
		e=$(now_ns)
		echo $(((e - s) / 1000)) >>"$tmp/times"
		relay_idle "$d"
	done
	med=$(sort -n "$tmp/times" | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.1f", m / 1000 }')
	echo "remote label=$label delay=$d runs=$RUNS fails=$fails median_ms=$med" \
	     "conns=$((($(stat_of "$d" conns) - c0) / RUNS))" \
	     "up=$((($(stat_of "$d" up) - u0) / RUNS)) down=$((($(stat_of "$d" down) - w0) / RUNS))" \
	     "turns=$((($(stat_of "$d" turns) - t0) / RUNS)) rt=$((($(stat_of "$d" rt) - r0) / RUNS))" >>"$rec"
}

# Ansible: its folders in the scratch folder, a fresh control path each
# run (it shares one connection within a run, never across runs).
export ANSIBLE_HOME="$tmp/ansible-home" ANSIBLE_LOCAL_TEMP="$tmp/ansible-local" \
       ANSIBLE_REMOTE_TEMP="$tmp/ansible-remote" ANSIBLE_SSH_CONTROL_PATH_DIR="$tmp/cp" \
       ANSIBLE_NOCOLOR=1 ANSIBLE_HOST_KEY_CHECKING=False ANSIBLE_SSH_ARGS="-o ControlMaster=auto -o ControlPersist=2s"
has_target=no
if "$BIN" --help 2>&1 | grep -q -- '--target'; then has_target=yes; fi
for d in $DELAYS; do
	port=$(cat "$tmp/relay-$d.port")
	printf 'bench ansible_host=127.0.0.1 ansible_port=%s ansible_user=%s ansible_ssh_private_key_file=%s ansible_python_interpreter=/usr/bin/python3 ansible_ssh_common_args="-o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no"\n' \
		"$port" "$USER_NAME" "$tmp/user_key" >"$tmp/inventory-$d"
	# shellcheck disable=SC2086 # SSH_OPTS are words
	measure ssh-true "$d" ssh $SSH_OPTS -p "$port" "$USER_NAME@127.0.0.1" true
	measure ansible-setup "$d" ansible -i "$tmp/inventory-$d" bench -m setup
	if [ "$has_target" = yes ]; then
		# Its own HOME: known_hosts and keys are the run's, not this machine's.
		mkdir -p "$tmp/home/.ssh"
		measure asr-check "$d" env HOME="$tmp/home" "$BIN" --target "$USER_NAME@127.0.0.1:$port" \
			-i "$tmp/user_key" --accept-new-host-key check
		if [ "$has_windows" = yes ]; then
			measure asr-check-windows "$d" env HOME="$tmp/home" "$BIN" \
				--target "$USER_NAME@127.0.0.1:$port" -i "$tmp/win_key" \
				--accept-new-host-key check
		fi
		if "$BIN" --help 2>&1 | grep -q 'probe'; then
			# shellcheck disable=SC2086 # the words the caller chose
			measure asr-probe "$d" env HOME="$tmp/home" "$BIN" probe "$USER_NAME@127.0.0.1:$port" \
				${ASR_PROBE_ARGS:-}
		fi
	fi
done

awk -v json="$JSON" -v has_target="$has_target" '
function jstr(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return "\"" s "\"" }
{
	for (i = 2; i <= NF; i++) { eq = index($i, "="); V[NR, substr($i, 1, eq - 1)] = substr($i, eq + 1) }
	l = V[NR, "label"]; d = V[NR, "delay"]
	R[l, d] = NR
	if (!(d in seen)) { seen[d] = 1; nd++; delays[nd] = d }
	if (!(l in lseen)) { lseen[l] = 1; nl++; labels[nl] = l }
}
END {
	CMD["ssh-true"] = "ssh -o ControlMaster=no HOST true"
	CMD["ansible-setup"] = "ansible HOST -m setup"
	CMD["asr-check"] = "asr-doctor --target HOST check"
	CMD["asr-check-windows"] = "... check (Windows stand-in)"
	CMD["asr-probe"] = "asr-doctor probe HOST"
	printf "\nRemote: sshd on 127.0.0.1 through bench/relay (round-trip delay added), median of cold runs\n"
	printf "%-34s %6s %10s %8s %9s %6s %6s %10s %10s %5s\n", "command", "delay", "median", "x ssh", "x ansible", \
	       "rt", "turns", "up", "down", "conns"
	o = "{\n  \"remote\": ["
	first = 1
	for (j = 1; j <= nd; j++) {
		d = delays[j]
		base = ((("ssh-true", d) in R) ? V[R["ssh-true", d], "median_ms"] : 0)
		ans = ((("ansible-setup", d) in R) ? V[R["ansible-setup", d], "median_ms"] : 0)
		for (k = 1; k <= nl; k++) {
			l = labels[k]
			if (!((l, d) in R)) continue
			r = R[l, d]; m = V[r, "median_ms"]
			xs = base > 0 ? sprintf("%.2f", m / base) : "-"
			xa = ans > 0 ? sprintf("%.2f", m / ans) : "-"
			printf "%-34s %3s ms %7.1f ms %8s %9s %6s %6s %10s %10s %5s%s\n", CMD[l], d, m, xs, xa, \
			       V[r, "rt"], V[r, "turns"], V[r, "up"], V[r, "down"], V[r, "conns"], \
			       (V[r, "fails"] > 0 ? "  (" V[r, "fails"] " runs failed)" : "")
			o = o (first ? "" : ",") "\n    {\"name\": " jstr(l) ", \"command\": " jstr(CMD[l]) ", \"delay_ms\": " d \
			    ", \"median_ms\": " m ", \"ratio_ssh_true\": " (base > 0 ? xs : "null") \
			    ", \"ratio_ansible\": " (ans > 0 ? xa : "null") ", \"round_trips\": " V[r, "rt"] \
			    ", \"turns\": " V[r, "turns"] ", \"bytes_up\": " V[r, "up"] ", \"bytes_down\": " V[r, "down"] \
			    ", \"connections\": " V[r, "conns"] ", \"runs\": " V[r, "runs"] ", \"failed_runs\": " V[r, "fails"] "}"
			first = 0
		}
	}
	printf "rt = the times the server started answering (waits a client sits through), turns = changes of\n"
	printf "direction, up/down = bytes, conns = TCP connections; all per run. Target: asr-doctor check\n"
	printf "<= 2x ssh true at 100 ms.%s\n", (has_target == "yes" ? "" : " (This asr-doctor has no --target yet.)")
	o = o "\n  ]\n}\n"
	if (json != "") { printf "%s", o > json; close(json) }
}' "$rec"
