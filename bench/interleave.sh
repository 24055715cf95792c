# Sourced by bench/run.sh and bench/oci.sh.
# hyperfine_round ROUND JSON NAME COMMAND [NAME COMMAND ...]: one round of hyperfine over the
# (name, command) pairs, started at the pair ROUND rotates to, so that over the rounds each
# command takes every place; the times go to JSON. Uses $runs.
hyperfine_round() {
  hr_round=$1
  hr_json=$2
  shift 2
  hr_shift=$((hr_round % ($# / 2)))
  while [ "$hr_shift" -gt 0 ]; do
    set -- "$@" "$1" "$2"
    shift 2
    hr_shift=$((hr_shift - 1))
  done
  # Then -n before each name.
  hr_i=0
  for hr_word in "$@"; do
    if [ $((hr_i % 2)) -eq 0 ]; then set -- "$@" -n "$hr_word"; else set -- "$@" "$hr_word"; fi
    hr_i=$((hr_i + 1))
  done
  shift "$hr_i"
  hyperfine -N --warmup 3 --runs "$runs" --export-json "$hr_json" "$@" >/dev/null
}
