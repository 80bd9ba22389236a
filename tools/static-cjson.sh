#!/bin/sh
# static-cjson.sh: Debian ships cJSON only as a shared library, so the
# portable build compiles it from Debian's own source package. Fetches that
# package (the version installed here when the mirror still has it) with a
# private apt state under DIR, unpacks it with its Debian patches into
# DIR/src, and prints nothing else on success.
# Usage: tools/static-cjson.sh DIR
set -e
dir=${1:?usage: static-cjson.sh DIR}
mkdir -p "$dir/apt/lists/partial" "$dir/apt/cache/archives/partial" "$dir/apt/parts"
dir=$(cd "$dir" && pwd)

if [ -f "$dir/src/cJSON.c" ]; then
	exit 0
fi
for tool in apt-get dpkg-source; do
	if ! command -v $tool >/dev/null 2>&1; then
		echo "static-cjson: $tool is missing (apt-get install dpkg-dev)" >&2
		exit 1
	fi
done

# The source lines mirror the binary ones apt already uses for Debian.
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
opt=""
[ -r "$keyring" ] && opt="[signed-by=$keyring] "
apt-get indextargets --format '$(REPO_URI) $(RELEASE) $(COMPONENT)' \
	'Identifier: Packages' 'Origin: Debian' 2>/dev/null | sort -u |
	while read -r uri rel comp; do
		echo "deb-src $opt$uri $rel $comp"
	done > "$dir/apt/sources.list"
if [ ! -s "$dir/apt/sources.list" ]; then
	echo "static-cjson: apt lists no Debian repository (run apt-get update first)" >&2
	exit 1
fi

apt_private() {
	apt-get -q -o Dir::Etc::SourceList="$dir/apt/sources.list" \
		-o Dir::Etc::SourceParts="$dir/apt/parts" \
		-o Dir::State::Lists="$dir/apt/lists" \
		-o Dir::Cache="$dir/apt/cache" \
		-o APT::Sandbox::User=root "$@"
}
echo "  FETCH   cjson source package (Debian)"
apt_private update >"$dir/apt/update.log" 2>&1 || {
	cat "$dir/apt/update.log" >&2
	exit 1
}

# The version whose headers the rest of the build compiles against.
want=$(dpkg-query -W -f='${source:Version}' libcjson-dev 2>/dev/null || true)
rm -rf "$dir/dl" && mkdir -p "$dir/dl"
cd "$dir/dl"
if [ -z "$want" ] || ! apt_private source --download-only "cjson=$want" >"$dir/apt/source.log" 2>&1; then
	echo "static-cjson: cjson $want is not on the mirror; taking its current source" >&2
	apt_private source --download-only cjson >"$dir/apt/source.log" 2>&1 || {
		cat "$dir/apt/source.log" >&2
		exit 1
	}
fi
dsc=$(ls ./*.dsc | head -n 1)
rm -rf "$dir/src.tmp"
dpkg-source --no-check -x "$dsc" "$dir/src.tmp" >"$dir/apt/unpack.log" 2>&1 || {
	cat "$dir/apt/unpack.log" >&2
	exit 1
}
rm -rf "$dir/src"
mv "$dir/src.tmp" "$dir/src"
echo "  UNPACK  $(basename "$dsc" .dsc)"
