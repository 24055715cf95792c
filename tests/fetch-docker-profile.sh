#!/bin/sh
# Puts Docker's own default seccomp profile (profiles/seccomp/default.json of moby, as Debian
# ships it in golang-github-docker-docker-dev) at OUT, for the test that such a profile loads
# and denies what it denies. Only the package file is downloaded, from Debian's archive, and
# the one JSON file taken out of it; nothing is installed.
# usage: fetch-docker-profile.sh OUT
set -eu
out=${1:?usage: fetch-docker-profile.sh OUT}
[ -s "$out" ] && exit 0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
chmod 755 "$work"
member=./usr/share/gocode/src/github.com/docker/docker/profiles/seccomp/default.json
(cd "$work" && apt-get download -q golang-github-docker-docker-dev >/dev/null 2>&1) ||
  { echo "fetch-docker-profile.sh: apt-get download golang-github-docker-docker-dev failed" >&2; exit 1; }
dpkg-deb --fsys-tarfile "$work"/golang-github-docker-docker-dev_*.deb | tar -x -C "$work" "$member"
install -m 644 "$work/$member" "$out"
