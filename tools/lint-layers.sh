#!/bin/sh
# lint-layers.sh: the dependency direction of the source tree, checked on
# every `make check`. Front ends (cli/, tui/) -> engine/ -> engine/change/
# -> engine/target/ -> engine/util/: a file may include its own folder and
# the folders below it, never one above. Also: engine/ never includes
# curses, tui/ never calls the system, and nothing outside engine/target/
# names a target kind, makes a target of a named kind (but where the
# engineer names it), compares kind names or reads a target's root folder
# or remote address (a new target is added in engine/target/ alone).
# Exceptions still being removed are listed in tools/lint-layers.allow as
# "file: what"; a listed exception that no longer occurs fails too, so the
# list only shrinks.
cd "$(dirname "$0")/.." || exit 2
allow=tools/lint-layers.allow
found=$(mktemp) || exit 2
trap 'rm -f "$found"' EXIT
fail=0

say() { # file, what
	if grep -qxF "$1: $2" "$allow" 2>/dev/null; then
		echo "$1: $2" >>"$found"
	else
		echo "lint: $1: $2" >&2
		fail=1
	fi
}

# The layer of a source file: util 0, target 1, change 2, engine 3, front 4.
layer() {
	case $1 in
	engine/util/*) echo 0 ;;
	engine/target/*) echo 1 ;;
	engine/change/*) echo 2 ;;
	engine/*) echo 3 ;;
	*) echo 4 ;;
	esac
}

sources() { find engine cli tui -name '*.[ch]' -o -name '*.def' | LC_ALL=C sort; }

for f in $(sources); do
	mine=$(layer "$f")
	for inc in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f"); do
		case $inc in
		engine/*) ;;
		cli/* | tui/*)
			[ "$mine" -lt 4 ] && say "$f" "includes $inc"
			continue ;;
		*) continue ;;
		esac
		[ "$(layer "$inc")" -gt "$mine" ] && say "$f" "includes $inc"
	done
done

if grep -n -i -E '#[[:space:]]*include[[:space:]]*[<"](n?curses|term)' $(find engine -name '*.[ch]'); then
	echo "lint: engine/ must not include curses" >&2
	fail=1
fi
if grep -n -E '\b(fopen|open|opendir|popen|system|execv?p?|fork|statvfs|readlink)[[:space:]]*\(' tui/*.c; then
	echo "lint: tui/ must not touch the system directly" >&2
	fail=1
fi

for f in $(sources | grep -v '^engine/target/'); do
	if grep -q -E '\bTARGET_(LOCAL|ROOT|SSH)\b' "$f"; then say "$f" "names a target kind"; fi
	if grep -q -E '(\bt|->t|\btg|\btarget)->(kind|root|remote|def)\b' "$f"; then
		say "$f" "reads the target's kind, root or remote"
	fi
done

# Outside engine/target/, a target of a named kind is made only where the
# engineer names it: the front ends' option parsing (cli/setup.c: --root or
# this machine; cli/login.c: --target) and the probe of an SSH login
# (engine/probe.c, which is that login), plus this machine's own journal
# folder (engine/change/journal.c: target_local_new). Everywhere else a
# target is made again from its description (target_open_described,
# target_described_new), and no kind's name is compared: the target does
# it (target_is_kind, target_same).
makes_targets() {
	case $1 in
	cli/setup.c | cli/login.c | engine/probe.c) return 0 ;;
	esac
	return 1
}
code() { grep -v '^[[:space:]]*/\?\*' "$1"; }
for f in $(sources | grep -v '^engine/target/'); do
	if ! makes_targets "$f"; then
		if code "$f" | grep -q -E '\btarget_(root|ssh)_new\b'; then
			say "$f" "makes a target of a named kind"
		elif [ "$f" != engine/change/journal.c ] && code "$f" | grep -q -E '\btarget_local_new\b'; then
			say "$f" "makes a target of a named kind"
		fi
	fi
	if code "$f" | grep -q -E 'kind[^;]*"(local|root|ssh)"|"(local|root|ssh)"[^;]*kind'; then
		say "$f" "names a target kind"
	fi
	if code "$f" | grep -q -E 'strcmp\([^;]*(target_kind_name|target_kind\b)'; then
		say "$f" "compares kind names"
	fi
done

# engine/change/ changes every kind of target alike: it makes none but this
# machine (the place of a journal kept here) and compares no kind's name.
for f in $(find engine/change -name '*.[ch]' | LC_ALL=C sort); do
	if grep -v '^[[:space:]]*/\?\*' "$f" | grep -q -E '\btarget_(root|ssh)_new\b|\btarget_kind_(local|root|ssh)\b|"(local|root|ssh)"'; then
		say "$f" "names a target kind"
	fi
done

if [ -f "$allow" ]; then
	grep -v '^#' "$allow" | grep -v '^$' | while IFS= read -r line; do
		grep -qxF "$line" "$found" || { echo "lint: $allow lists '$line', which no longer occurs: remove it" >&2; exit 1; }
	done || fail=1
fi
exit $fail
