#!/bin/sh
# deps.sh: installs the Debian packages named on the command line that are
# missing (and says what it runs); elsewhere, prints the names to install.
#
# Seams for its own test (tests/tools/test_deps.c), each defaulting to the
# real thing: DEPS_APT_GET, DEPS_DPKG_QUERY, DEPS_ID, DEPS_SUDO (commands),
# DEPS_POLICY_RC_D (the policy-rc.d path) and DEPS_APT_LISTS (apt's lists).
set -e
apt_get=${DEPS_APT_GET:-apt-get}
dpkg_query=${DEPS_DPKG_QUERY:-dpkg-query}
id_cmd=${DEPS_ID:-id}
sudo_cmd=${DEPS_SUDO:-sudo}
policy=${DEPS_POLICY_RC_D:-/usr/sbin/policy-rc.d}
apt_lists=${DEPS_APT_LISTS:-/var/lib/apt/lists}

missing=""
if ! command -v "$dpkg_query" >/dev/null 2>&1 || ! command -v "$apt_get" >/dev/null 2>&1; then
	echo "deps: not a Debian-like system; install the equivalents of:" >&2
	echo "  $*" >&2
	exit 0
fi
for p in "$@"; do
	st=$("$dpkg_query" -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=""
if [ "$("$id_cmd" -u)" != 0 ]; then
	if command -v "$sudo_cmd" >/dev/null 2>&1; then SUDO=$sudo_cmd; else
		echo "deps: missing packages:$missing; run as root: apt-get install$missing" >&2
		exit 1
	fi
fi
echo "deps: installing:$missing"
# Installing openssh-server must not start (or restart) the system's sshd:
# a policy-rc.d that refuses service starts during the install. One that is
# already there (container images ship one) is left exactly as it is.
made_policy=""
if [ ! -e "$policy" ] && [ ! -L "$policy" ]; then
	echo "deps: $SUDO sh -c 'printf \"#!/bin/sh\\nexit 101\\n\" > $policy'"
	$SUDO sh -c "printf '#!/bin/sh\nexit 101\n' > '$policy' && chmod 0755 '$policy'"
	made_policy=1
fi
# The clean-up keeps the script's own exit status: a trap's last command
# must not decide it.
cleanup() {
	rc=$?
	if [ -n "$made_policy" ]; then
		$SUDO rm -f "$policy" || rc=1
	fi
	exit "$rc"
}
trap cleanup EXIT
if [ -z "$(find "$apt_lists" -maxdepth 1 -name '*Packages*' 2>/dev/null | head -n 1)" ]; then
	echo "deps: $SUDO apt-get update"
	$SUDO "$apt_get" update -qq
fi
echo "deps: $SUDO apt-get install -y --no-install-recommends$missing"
if ! $SUDO env DEBIAN_FRONTEND=noninteractive "$apt_get" install -y -qq --no-install-recommends $missing; then
	echo "deps: retrying after apt-get update"
	$SUDO "$apt_get" update -qq
	$SUDO env DEBIAN_FRONTEND=noninteractive "$apt_get" install -y -qq --no-install-recommends $missing
fi
