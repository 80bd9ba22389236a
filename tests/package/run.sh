#!/bin/sh
# run.sh: tests the packages made by `make deb` and `make rpm`: lintian on
# the .deb (its only overrides are explained in packaging/debian/lintian-
# overrides), the .deb installed into and removed from a test root with
# dpkg --root, the .rpm inspected with rpm -qip and installed into and
# removed from a test root with rpm --root; each installed binary answers
# --version, its man page renders with man -l and its bash completion
# loads. Nothing outside the temporary test roots is installed.
# Usage: tests/package/run.sh DEB RPM VERSION
set -u
deb=${1:?usage: run.sh DEB RPM VERSION}
rpm=${2:?rpm}
version=${3:?version}
pass=0
fail=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/asr-package-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

ok() { pass=$((pass + 1)); echo "  ok      $1"; }
bad() { fail=$((fail + 1)); echo "  FAILED  $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/          /'; }
check() { # check NAME COMMAND...: passes when the command succeeds
	name=$1
	shift
	if out=$("$@" 2>&1); then ok "$name"; else bad "$name" "$out"; fi
}

# What an installed tree must offer: the binary, the man page, completion.
installed_works() { # installed_works LABEL ROOT
	label=$1
	root=$2
	out=$("$root/usr/bin/asr-doctor" --version 2>&1)
	[ "$out" = "asr-doctor $version" ] && ok "$label: --version says $version" || bad "$label: --version" "$out"
	out=$(MANWIDTH=80 man -l "$root/usr/share/man/man1/asr-doctor.1.gz" 2>&1 | col -b)
	case $out in
	*"asr-doctor - troubleshoot Azure Site Recovery"*"fleet REPORT"*) ok "$label: man -l renders the man page" ;;
	*) bad "$label: man -l" "$(printf '%s\n' "$out" | head -n 5)" ;;
	esac
	out=$(bash --norc --noprofile -c '. "$1"; complete -p asr-doctor' sh \
		"$root/usr/share/bash-completion/completions/asr-doctor" 2>&1)
	[ "$out" = "complete -F _asr_doctor asr-doctor" ] && ok "$label: bash completion loads" ||
		bad "$label: bash completion" "$out"
	[ -f "$root/usr/share/doc/asr-doctor/ansible/roles/asr_doctor_preflight/tasks/main.yml" ] &&
		ok "$label: the Ansible role is in /usr/share/doc/asr-doctor/ansible" ||
		bad "$label: the Ansible role is missing"
}

echo "package tests: $deb $rpm"

# lintian: no error or warning (the overrides file explains each tag it
# overrides); every tag, overridden ones too, is shown for the log.
check "lintian: no errors or warnings" lintian --fail-on error,warning "$deb"
lintian --display-level '>=pedantic' --show-overrides "$deb" 2>&1 | grep -v '^running with root' |
	sed 's/^/          lintian: /'

info=$(dpkg-deb --info "$deb")
case $info in
*"Package: asr-doctor"*"Version: $version"*) ok "dpkg-deb --info: name and version" ;;
*) bad "dpkg-deb --info" "$info" ;;
esac
case $info in
*Depends:*) bad "the .deb declares no dependencies" "$info" ;;
*) ok "the .deb declares no dependencies" ;;
esac

# dpkg --root: a database of its own in the test root.
droot=$tmp/deb-root
mkdir -p "$droot/var/lib/dpkg/updates" "$droot/var/lib/dpkg/info"
: > "$droot/var/lib/dpkg/status"
check "dpkg --root install" dpkg --root="$droot" --force-not-root -i "$deb"
st=$(dpkg --root="$droot" -s asr-doctor 2>&1 | sed -n 's/^Status: //p')
[ "$st" = "install ok installed" ] && ok "dpkg --root: installed" || bad "dpkg --root status" "$st"
installed_works "deb" "$droot"
check "dpkg --root remove" dpkg --root="$droot" --force-not-root --purge asr-doctor
left=$(find "$droot/usr" -type f 2>/dev/null)
[ -z "$left" ] && ok "dpkg --root: removal leaves no file" || bad "files left after removal" "$left"

# rpm: metadata, then an install into a test root.
qi=$(rpm -qip "$rpm" 2>&1)
case $qi in
*"Name        : asr-doctor"*"Version     : $version"*"Release     : 1"*) ok "rpm -qip: name, version, release" ;;
*) bad "rpm -qip" "$qi" ;;
esac
req=$(rpm -qp --requires "$rpm" 2>&1 | grep -v '^rpmlib(')
[ -z "$req" ] && ok "the .rpm requires nothing but rpm itself" || bad "the .rpm has requirements" "$req"
files=$(rpm -qlp "$rpm" 2>&1)
case $files in
*/usr/bin/asr-doctor*/usr/share/bash-completion/completions/asr-doctor*) ok "rpm -qlp: binary and completion" ;;
*) bad "rpm -qlp" "$files" ;;
esac
rroot=$tmp/rpm-root
mkdir -p "$rroot"
check "rpm --root --initdb" rpm --root="$rroot" --initdb
check "rpm --root install" rpm --root="$rroot" -i --nosignature "$rpm"
check "rpm --root: installed" rpm --root="$rroot" -q asr-doctor
installed_works "rpm" "$rroot"
check "rpm --root remove" rpm --root="$rroot" -e asr-doctor
left=$(find "$rroot/usr" -type f 2>/dev/null)
[ -z "$left" ] && ok "rpm --root: removal leaves no file" || bad "files left after removal" "$left"

echo "packages: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
