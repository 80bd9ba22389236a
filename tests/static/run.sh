#!/bin/sh
# run.sh: runs the portable binary (make static) inside a minimal chroot of
# an older Debian made with debootstrap: the commands, JSON output, name
# resolution through the old system's files, and the wizard in a terminal
# (tmux outside the chroot), with the old system's terminal descriptions,
# with an unknown TERM, and with none at all. Prints PASS/FAIL lines and a
# closing "N passed, N failed". Needs root (debootstrap, chroot, unshare).
#
# Usage: tests/static/run.sh [BINARY]        (default ./asr-doctor-static)
# ASR_STATIC_SUITES   suites to try, oldest first (default "buster bullseye":
#                     the first that debootstrap can make, or that is cached)
# ASR_STATIC_MIRROR   the Debian mirror (default http://deb.debian.org/debian)
# The chroot is cached under build/chroot/<suite> and made once.
set -u
bin=${1:-./asr-doctor-static}
cache=build/chroot
suites=${ASR_STATIC_SUITES:-buster bullseye}
mirror=${ASR_STATIC_MIRROR:-http://deb.debian.org/debian}
npass=0
nfail=0
pass() { echo "PASS: $*"; npass=$((npass + 1)); }
fail() { echo "FAIL: $*"; nfail=$((nfail + 1)); }
finish() {
	echo "static-test: $npass passed, $nfail failed"
	[ "$nfail" -eq 0 ]
	exit $?
}

if [ "$(id -u)" != 0 ]; then
	fail "debootstrap and chroot need root (run as root)"
	finish
fi
if [ ! -x "$bin" ]; then
	fail "no binary at $bin (make static)"
	finish
fi
for tool in debootstrap tmux unshare; do
	if ! command -v $tool >/dev/null 2>&1; then
		fail "$tool is missing (apt-get install debootstrap tmux util-linux)"
		finish
	fi
done

# Whether anything is mounted at or under a path (never rm -rf those).
mounted_under() {
	p=$(cd "$1" 2>/dev/null && pwd -P) || return 1
	awk -v p="$p" '$2 == p || index($2, p "/") == 1 { found = 1 } END { exit !found }' \
		/proc/self/mounts
}

# 1. The chroot: the first suite that is cached or that debootstrap makes.
mkdir -p "$cache"
dir=""
suite=""
for s in $suites; do
	if [ -x "$cache/$s/bin/sh" ]; then
		dir=$cache/$s
		suite=$s
		echo "static-test: using the cached chroot $dir"
		break
	fi
	if mounted_under "$cache/$s.tmp"; then
		fail "something is still mounted under $cache/$s.tmp; unmount it first"
		finish
	fi
	rm -rf "$cache/$s.tmp"
	echo "static-test: debootstrap --variant=minbase $s $cache/$s $mirror"
	if debootstrap --variant=minbase "$s" "$cache/$s.tmp" "$mirror" >"$cache/$s.log" 2>&1; then
		mv "$cache/$s.tmp" "$cache/$s"
		dir=$cache/$s
		suite=$s
		break
	fi
	echo "static-test: debootstrap $s failed: $(grep '^E:' "$cache/$s.log" | tail -n 1)"
	mounted_under "$cache/$s.tmp" || rm -rf "$cache/$s.tmp"
done
if [ -z "$dir" ]; then
	fail "debootstrap could make none of: $suites (logs in $cache/)"
	finish
fi
dir=$(cd "$dir" && pwd -P)
glibc=$(chroot "$dir" /usr/bin/ldd --version 2>/dev/null | head -n 1 | sed 's/.* //')
tinfo=$(chroot "$dir" dpkg-query -W -f='${Version}' libtinfo6 2>/dev/null)
echo "static-test: Debian $suite ($(cat "$dir/etc/debian_version")), glibc $glibc," \
	"ncurses $tinfo; host glibc $(ldd --version | head -n 1 | sed 's/.* //')"
cp "$bin" "$dir/asr-doctor-static"
chmod 0755 "$dir/asr-doctor-static"
echo "static-test: $(file -b "$bin" | cut -d, -f1-4); $(stat -c %s "$bin") bytes"

work=$(mktemp -d "${TMPDIR:-/tmp}/asr-static-test.XXXXXX")
cleanup() {
	for s in "$work"/tmux.*; do
		[ -S "$s" ] && tmux -S "$s" kill-server >/dev/null 2>&1
	done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# Runs the binary in the chroot with a clean environment.
in_chroot() {
	timeout 120 env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
		TERM=dumb chroot "$dir" /asr-doctor-static "$@"
}

# Whether a file holds one JSON document (checked on this machine).
valid_json() {
	if command -v python3 >/dev/null 2>&1; then
		python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$1" 2>/dev/null
	elif command -v jq >/dev/null 2>&1; then
		jq empty "$1" >/dev/null 2>&1
	else
		head -c 1 "$1" | grep -q '{' && tail -c 2 "$1" | grep -q '}'
	fi
}

# 2. The commands.
out=$(in_chroot --version 2>&1)
case $out in
"asr-doctor "*) pass "--version: $out" ;;
*) fail "--version printed: $out" ;;
esac

in_chroot explain 95320 >"$work/explain" 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -q 'ErrorID: 95320' "$work/explain" &&
	grep -q 'GRUB' "$work/explain"; then
	pass "explain 95320 ($(wc -l <"$work/explain") lines)"
else
	fail "explain 95320 (exit $rc): $(head -n 3 "$work/explain")"
fi

in_chroot tree >"$work/tree" 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -q '95320' "$work/tree" && [ "$(wc -l <"$work/tree")" -gt 10 ]; then
	pass "tree ($(wc -l <"$work/tree") lines)"
else
	fail "tree (exit $rc): $(head -n 3 "$work/tree")"
fi

in_chroot --demo check --json >"$work/demo.json" 2>"$work/demo.err"
rc=$?
if { [ $rc -eq 0 ] || [ $rc -eq 1 ]; } && valid_json "$work/demo.json" &&
	grep -q '"results"' "$work/demo.json"; then
	pass "--demo check --json (exit $rc, valid JSON, $(grep -c '"check":' "$work/demo.json") results)"
else
	fail "--demo check --json (exit $rc): $(head -c 300 "$work/demo.json") $(cat "$work/demo.err")"
fi
# The demo sandbox is kept on purpose by the binary; not in the cache.
rm -rf "$dir"/tmp/asr-doctor-demo-*

# The live checks on the old system itself, with its /proc, in a private
# mount namespace so nothing stays mounted.
timeout 180 unshare -m sh -c 'mount -t proc proc "$1/proc" && exec env -i \
	PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 TERM=dumb \
	chroot "$1" /asr-doctor-static --timeout 2 check --json' sh "$dir" \
	>"$work/live.json" 2>"$work/live.err"
rc=$?
if { [ $rc -eq 0 ] || [ $rc -eq 1 ]; } && valid_json "$work/live.json"; then
	os=$(grep -o "Debian[^\"]*" "$work/live.json" | head -n 1)
	pass "check --json on the $suite system itself (exit $rc, valid JSON${os:+, sees \"$os\"})"
else
	fail "check --json on the $suite system itself (exit $rc): $(head -c 300 "$work/live.err")"
fi

# Name resolution by static glibc through the old system's nsswitch.conf
# ("hosts: files dns") and /etc/hosts (debootstrap writes none: ours).
printf '127.0.0.1\tlocalhost\n127.0.0.1\tasr-static-peer\n::1\tlocalhost ip6-localhost\n' \
	>"$dir/etc/hosts"
in_chroot --server asr-static-peer --timeout 1 check net.server --json >"$work/net.json" 2>&1
rc=$?
if valid_json "$work/net.json" && grep -q 'asr-static-peer resolves to 127.0.0.1' "$work/net.json"; then
	pass "getaddrinfo via $suite's /etc/nsswitch.conf (hosts: $(sed -n 's/^hosts:[[:space:]]*//p' \
		"$dir/etc/nsswitch.conf")): asr-static-peer resolves to 127.0.0.1"
else
	fail "getaddrinfo in the chroot (exit $rc): $(grep -o '"text":[^}]*' "$work/net.json" | head -n 2)"
fi

# An nsswitch.conf naming a module that is not built into static glibc,
# ahead of files (bind-mounted in a private namespace): loading the old
# system's libnss_hesiod would pull its libc.so.6 into the process and
# abort; the binary keeps to files and dns instead (cli/static/nss.c).
printf 'passwd: files\ngroup: files\nhosts: hesiod files dns\n' >"$work/nsswitch.conf"
timeout 60 unshare -m sh -c 'mount --bind "$2" "$1/etc/nsswitch.conf" && exec env -i \
	PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 TERM=dumb chroot "$1" \
	/asr-doctor-static --server asr-static-peer --timeout 1 check net.server --json' \
	sh "$dir" "$work/nsswitch.conf" >"$work/nss.json" 2>&1
rc=$?
if valid_json "$work/nss.json" && grep -q 'asr-static-peer resolves to 127.0.0.1' "$work/nss.json"; then
	pass "getaddrinfo with \"hosts: hesiod files dns\" (a module static glibc would load from $suite): resolves, no abort"
else
	fail "getaddrinfo with \"hosts: hesiod files dns\" (exit $rc): $(head -c 300 "$work/nss.json")"
fi

# 3. The wizard in a real terminal: tmux runs outside, the binary inside.
ncase=0
# Waits (10 s at most) until the screen shows text.
wait_screen() {
	i=0
	while [ $i -lt 100 ]; do
		tmux -S "$sock" capture-pane -p -t t 2>/dev/null | grep -qF -- "$1" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
# A wrapper that hides the old system's terminal descriptions (private
# mount namespace): nothing but the built-in ones are left.
cat >"$work/hide.sh" <<EOF
#!/bin/sh
for d in "$dir/etc/terminfo" "$dir/lib/terminfo" "$dir/usr/share/terminfo"; do
	[ -d "\$d" ] || continue
	mount -t tmpfs -o ro,size=16k none "\$d" || exit 97
done
exec "\$@"
EOF
chmod 0755 "$work/hide.sh"

# wizard NAME TERM LANG-OPTION EXPECTED-TEXT [WRAPPER]
wizard() {
	name=$1 term=$2 lang=$3 expect=$4 wrap=${5:-}
	[ -n "${sock:-}" ] && tmux -S "$sock" kill-server >/dev/null 2>&1
	ncase=$((ncase + 1))
	sock=$work/tmux.$ncase
	tmux -u -f /dev/null -S "$sock" new-session -d -s t -x 80 -y 24 \
		"$wrap env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
		TERM=$term chroot '$dir' /asr-doctor-static --no-auto-check --lang $lang; \
		echo EXIT=\$?; sleep 60"
	if ! wait_screen "$expect"; then
		fail "wizard, $name: the screen never showed \"$expect\"; it shows:"
		tmux -S "$sock" capture-pane -p -t t 2>/dev/null | sed 's/^/    | /'
		return
	fi
	tmux -S "$sock" send-keys -t t j
	if ! wait_screen "2/"; then
		fail "wizard, $name: the selection did not move"
		return
	fi
	tmux -S "$sock" send-keys -t t q
	if ! wait_screen "EXIT=0"; then
		fail "wizard, $name: did not exit 0 on q"
		tmux -S "$sock" capture-pane -p -t t 2>/dev/null | tail -n 3 | sed 's/^/    | /'
		return
	fi
	left=$(ls -d "$dir"/tmp/asr-doctor-terminfo.* 2>/dev/null)
	if [ -n "$left" ]; then
		fail "wizard, $name: left $left behind"
		return
	fi
	pass "wizard, $name: draws, moves, quits with 0"
}

title_en="Troubleshoot Mobility Service push installation"
title_zh="排查移动服务推送安装问题"
for t in tmux-256color xterm-256color vt220; do
	wizard "TERM=$t from $suite's terminfo" $t en "$title_en"
done
wizard "Chinese, TERM=tmux-256color ($suite's C.UTF-8 locale)" tmux-256color zh-CN "$title_zh"
wizard "TERM=xterm-kitty (unknown to $suite, drawn as the built-in vt100)" xterm-kitty en \
	"$title_en"
if unshare -m "$work/hide.sh" true 2>/dev/null; then
	# The old system's own tput must not find vt220 there, or this proves nothing.
	if unshare -m "$work/hide.sh" chroot "$dir" /usr/bin/env -i /usr/bin/tput -T vt220 longname \
		>/dev/null 2>&1; then
		fail "the namespace does not hide $suite's terminfo"
	else
		wizard "TERM=vt220, $suite's terminfo hidden (built-in vt220)" vt220 en \
			"$title_en" "unshare -m $work/hide.sh"
		wizard "TERM=linux, $suite's terminfo hidden (built-in linux)" linux en \
			"$title_en" "unshare -m $work/hide.sh"
	fi
else
	fail "no private mount namespace here (unshare -m): the built-in vt220 is untested"
fi

finish
