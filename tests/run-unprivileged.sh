#!/bin/sh
# Runs the integration tests as an unprivileged user. The build tree may sit where that user
# cannot enter, so the binary, the test binary and the rootfs are staged in a world-readable
# temporary folder first.
# usage: run-unprivileged.sh BUILD_DIR USER [gtest arguments...]
set -eu
build=${1:?usage: run-unprivileged.sh BUILD_DIR USER}
user=${2:?usage: run-unprivileged.sh BUILD_DIR USER}
shift 2

stage=$(mktemp -d /tmp/sandbox-stage.XXXXXX)
trap 'rm -rf "$stage"' EXIT INT TERM
chmod 755 "$stage"
cp "$build/sandbox" "$build/tests/integration-tests" "$stage/"
cp -a "$build/tests/rootfs" "$stage/rootfs"
chmod -R a+rX "$stage"

cd "$stage"
if [ "$(id -u)" = 0 ]; then
  as_user="runuser -u $user --"
else
  as_user="sudo -u $user --"
fi
# Both variables make a refused user namespace, or any skipped test, a failure.
$as_user env SANDBOX_BIN="$stage/sandbox" SANDBOX_ROOTFS="$stage/rootfs" \
  SANDBOX_REQUIRE_USERNS=1 SANDBOX_NO_SKIP=1 "$stage/integration-tests" "$@"
