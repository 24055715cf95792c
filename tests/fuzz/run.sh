#!/bin/sh
# Builds the libFuzzer harnesses (clang 19, with AddressSanitizer and UndefinedBehaviorSanitizer)
# and runs each for SECONDS (default 600), starting from the committed corpus. New inputs go to
# a scratch folder, never into the corpus; a crash leaves its input as ./crash-* and fails the
# run.
# usage: tests/fuzz/run.sh [SECONDS [HARNESS...]]   (harnesses: parse args profile seccomp-json)
set -eu
cd "$(dirname "$0")/../.."
seconds=${1:-600}
[ $# -gt 0 ] && shift
harnesses=${*:-parse args profile seccomp-json}
build=build-fuzz
if [ ! -f "$build/build.ninja" ]; then
  CXX=clang++-19 CC=clang-19 meson setup "$build" -Dfuzz=true -Dtests=false -Dman=disabled \
    -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
fi
meson compile -C "$build" >/dev/null
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
failed=0
for h in $harnesses; do
  scratch=$(mktemp -d /tmp/sandbox-fuzz-$h.XXXXXX)
  log=$scratch.log
  echo "== fuzzing $h for $seconds s"
  if ! "$build/tests/fuzz/$h-fuzz" -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 \
      "$scratch" "tests/fuzz/corpus/$h" >"$log" 2>&1; then
    failed=1
    cat "$log"
  fi
  grep -E 'DONE|^stat::(number_of_executed_units|peak_rss_mb)' "$log" || true
  rm -rf "$scratch" "$log"
done
exit $failed
