#!/bin/sh
# terminfo-collect.sh: copies the build machine's compiled terminal
# descriptions for the names given into OUT/<name> (files, not links), so
# tools/embed can carry them in the binary as a fallback for machines that
# lack them. Prints the names it found, one a line; a name this machine
# does not have is left out (with a note on stderr).
# Usage: tools/terminfo-collect.sh OUT NAME...
set -e
out=${1:?usage: terminfo-collect.sh OUT NAME...}
shift
rm -rf "$out"
mkdir -p "$out"
for name in "$@"; do
	first=$(printf '%s' "$name" | cut -c1)
	hex=$(printf '%s' "$first" | od -An -tx1 | tr -d ' \n')
	found=""
	for db in /etc/terminfo /lib/terminfo /usr/share/terminfo; do
		for f in "$db/$first/$name" "$db/$hex/$name"; do
			if [ -z "$found" ] && [ -f "$f" ]; then
				found=$f
			fi
		done
	done
	if [ -n "$found" ]; then
		cp -L "$found" "$out/$name"
		echo "$name"
	else
		echo "terminfo-collect: no description for $name on this machine" >&2
	fi
done
