#!/bin/sh
# deps.sh: installs the Debian packages named on the command line that are
# missing (and says what it runs); elsewhere, prints the names to install.
set -e
missing=""
if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
	echo "deps: not a Debian-like system; install the equivalents of:" >&2
	echo "  $*" >&2
	exit 0
fi
for p in "$@"; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=""
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
		echo "deps: missing packages:$missing; run as root: apt-get install$missing" >&2
		exit 1
	fi
fi
echo "deps: installing:$missing"
# Installing openssh-server must not start (or restart) the system's sshd:
# a policy-rc.d that refuses service starts during the install.
policy=/usr/sbin/policy-rc.d
made_policy=""
if [ ! -e "$policy" ]; then
	echo "deps: $SUDO sh -c 'printf \"#!/bin/sh\\nexit 101\\n\" > $policy'"
	$SUDO sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod 0755 $policy"
	made_policy=1
fi
cleanup() { [ -n "$made_policy" ] && $SUDO rm -f "$policy"; }
trap cleanup EXIT
if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' 2>/dev/null | head -n 1)" ]; then
	echo "deps: $SUDO apt-get update"
	$SUDO apt-get update -qq
fi
echo "deps: $SUDO apt-get install -y --no-install-recommends$missing"
if ! $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing; then
	echo "deps: retrying after apt-get update"
	$SUDO apt-get update -qq
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
fi
