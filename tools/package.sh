#!/bin/sh
# package.sh: builds the .deb or the .rpm of the portable binary. Stages
# the files once (binary, man page, completion made by the binary itself,
# copyright, changelog, the Ansible role as documentation) under
# OUT/stage, then packs them with dpkg-deb or rpmbuild into OUT.
# Usage: tools/package.sh deb|rpm BINARY VERSION OUT
set -e
kind=${1:?usage: package.sh deb|rpm BINARY VERSION OUT}
bin=${2:?binary}
version=${3:?version}
out=${4:?output folder}
maintainer=${MAINTAINER:-asr-doctor maintainers <asr-doctor@example.org>}

top=$(grep -m 1 -o '^asr-doctor ([^)]*)' packaging/debian/changelog | sed 's/.*(\(.*\))/\1/')
if [ "$top" != "$version" ]; then
	echo "package: packaging/debian/changelog starts with $top, the Makefile says $version" >&2
	exit 1
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)
stage=$out/stage
rm -rf "$stage"
doc=$stage/usr/share/doc/asr-doctor
install -d "$stage/usr/bin" "$stage/usr/share/man/man1" "$doc" \
	"$stage/usr/share/bash-completion/completions" "$stage/usr/share/zsh/vendor-completions" \
	"$stage/usr/share/lintian/overrides"
install -m 0755 "$bin" "$stage/usr/bin/asr-doctor"
strip --remove-section=.comment "$stage/usr/bin/asr-doctor"
gzip -9n < man/asr-doctor.1 > "$stage/usr/share/man/man1/asr-doctor.1.gz"
"$bin" completion bash > "$stage/usr/share/bash-completion/completions/asr-doctor"
"$bin" completion zsh > "$stage/usr/share/zsh/vendor-completions/_asr-doctor"
install -m 0644 packaging/debian/copyright "$doc/copyright"
gzip -9n < packaging/debian/changelog > "$doc/changelog.gz"
gzip -9n < README.md > "$doc/README.md.gz"
cp -R ansible "$doc/ansible"
install -m 0644 packaging/debian/lintian-overrides "$stage/usr/share/lintian/overrides/asr-doctor"
find "$stage" -type d -exec chmod 0755 {} +
find "$stage" -type f ! -path '*/usr/bin/*' -exec chmod 0644 {} +

case $kind in
deb)
	arch=$(dpkg --print-architecture)
	size=$(du -k -s "$stage" | cut -f1)
	mkdir -p "$stage/DEBIAN"
	sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" \
		-e "s/@MAINTAINER@/$maintainer/" packaging/debian/control.in > "$stage/DEBIAN/control"
	(cd "$stage" && find usr -type f -print0 | LC_ALL=C sort -z | xargs -0 md5sum) > "$stage/DEBIAN/md5sums"
	chmod 0644 "$stage/DEBIAN/control" "$stage/DEBIAN/md5sums"
	deb=$out/asr-doctor_${version}_$arch.deb
	dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
	rm -rf "$stage/DEBIAN"
	echo "  DEB     $deb"
	;;
rpm)
	rm -rf "$out/rpmbuild"
	rpmbuild -bb --quiet --define "_topdir $out/rpmbuild" --define "stage $stage" \
		--define "pkg_version $version" --define "_rpmdir $out" \
		--define "_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm" \
		packaging/rpm/asr-doctor.spec
	echo "  RPM     $(ls "$out"/asr-doctor-"$version"-1.*.rpm)"
	;;
*)
	echo "package: deb or rpm, not $kind" >&2
	exit 2
	;;
esac
