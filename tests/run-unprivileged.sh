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
cp "$build/sandbox" "$build/tests/integration-tests" "$build/tests/tty-probe" "$build/tests/old-kernel" "$build/tests/escape-probe" \
  "$build/tests/syscall-probe" "$build/tests/netlab" "$build/tests/docker-default.json" "$stage/"
cp -a "$build/tests/rootfs" "$stage/rootfs"
# The examples, the shipped profiles, and what building the tree in the build example needs.
src=$(cd "$(dirname "$0")/.." && pwd)
mkdir "$stage/source"
cp -a "$src/meson.build" "$src/meson_options.txt" "$src/LICENSE" "$src/README.md" "$src/sandbox" "$src/man" \
  "$src/completions" "$src/profiles" "$src/examples" "$stage/source/"
# The README's recipes make a root folder with this script.
mkdir "$stage/source/tests"
cp -a "$src/tests/make-rootfs.sh" "$stage/source/tests/"
chmod -R a+rX "$stage"
# A set-user-ID program owned by root, for the test that such a program gains nothing inside;
# only root can make one, so it is made here when this runs as root.
suid=""
if [ "$(id -u)" = 0 ]; then
  mkdir -m 755 "$stage/suid"
  install -m 4755 -o root "$build/tests/escape-probe" "$stage/suid/escape-probe"
  suid="$stage/suid/escape-probe"
fi

cd "$stage"
if [ "$(id -u)" = 0 ]; then
  as_user="runuser -u $user --"
else
  as_user="sudo -u $user --"
fi
# GTEST_OUTPUT, when set, names a folder for the XML report; the user writes it in the stage.
report=""
case "${GTEST_OUTPUT:-}" in
  xml:*/) report=${GTEST_OUTPUT#xml:}; mkdir -m 777 "$stage/report" ;;
esac
# Both variables make a refused user namespace, or any skipped test, a failure.
status=0
$as_user env SANDBOX_BIN="$stage/sandbox" SANDBOX_ROOTFS="$stage/rootfs" SANDBOX_TTY_PROBE="$stage/tty-probe" \
  SANDBOX_OLD_KERNEL="$stage/old-kernel" SANDBOX_ESCAPE_PROBE="$stage/escape-probe" \
  SANDBOX_SYSCALL_PROBE="$stage/syscall-probe" SANDBOX_DOCKER_PROFILE="$stage/docker-default.json" \
  SANDBOX_NETLAB="$stage/netlab" SANDBOX_SOURCE="$stage/source" \
  ${suid:+SANDBOX_SUID_PROBE=$suid} \
  SANDBOX_REQUIRE_USERNS=1 SANDBOX_NO_SKIP=1 ${report:+GTEST_OUTPUT=xml:$stage/report/} \
  ${ASAN_OPTIONS:+ASAN_OPTIONS=$ASAN_OPTIONS} ${UBSAN_OPTIONS:+UBSAN_OPTIONS=$UBSAN_OPTIONS} \
  "$stage/integration-tests" "$@" || status=$?
if [ -n "$report" ]; then
  mkdir -p "$report"
  cp "$stage"/report/*.xml "$report/"
fi
exit $status
