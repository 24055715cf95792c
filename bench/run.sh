#!/bin/sh
# Start-up, many binds and peak memory of sandbox, side by side with Debian's bwrap and
# unshare(1), in one run. Writes bench/RESULTS.md. See bench/README.md.
# usage: bench/run.sh [BUILD_DIR]   (default: build; needs hyperfine, bubblewrap, python3)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/interleave.sh"
build=$(cd "${1:-$here/../build}" && pwd)
sandbox="$build/sandbox"
bwrap=$(command -v bwrap)
unshare=$(command -v unshare)
runs=${BENCH_RUNS:-40}
out=$(mktemp -d /tmp/sandbox-bench.XXXXXX)
trap 'rm -rf "$out"' EXIT

# The desktop-ish set: /usr read-only with its links, /proc, /dev, every namespace.
usr_view="--ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib --symlink usr/lib64 /lib64 --proc /proc --dev /dev"

# The same source linked dynamically (-Dstatic=false), built here with the build's own
# options, shows what linking statically saves at every start. BENCH_DYNAMIC=0 leaves it out.
dynamic=
if [ "${BENCH_DYNAMIC:-1}" != 0 ]; then
  echo "== building the dynamically linked variant"
  buildtype=$(meson introspect --buildoptions "$build" |
    python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "buildtype"))')
  meson setup -Dstatic=false -Dman=disabled --buildtype="$buildtype" "$out/dynamic" "$here/.." >/dev/null
  ninja -C "$out/dynamic" sandbox >/dev/null
  dynamic="$out/dynamic/sandbox"
fi

# Syscall profiles: `default` is compiled when the tool is built; against it, no profile at all,
# and a JSON profile of 300 rules, which libseccomp compiles at every start.
python3 - "$out/profile-300.json" <<'PY'
import json, sys
names = ["mkdir", "rmdir", "link", "unlink", "rename", "chmod", "chown", "truncate", "mknod", "symlink"]
rules = [{"names": [names[i % len(names)]], "action": "SCMP_ACT_ERRNO", "errnoRet": 1 + i % 100,
          "args": [{"index": 1, "value": 1000 + i, "op": "SCMP_CMP_EQ"}]} for i in range(300)]
json.dump({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": rules}, open(sys.argv[1], "w"))
PY

# The machine drifts within a run, and each tool leaves work behind for the kernel (a network
# namespace is dismantled after its last process is gone): so the commands take turns, in
# rounds, each round starting with a different one, and the medians are taken over all rounds.
echo "== start-up"
rounds=${BENCH_ROUNDS:-8}
round=0
while [ "$round" -lt "$rounds" ]; do
  set -- sandbox "$sandbox $usr_view /bin/true" \
    bwrap "$bwrap --unshare-all $usr_view /bin/true" \
    unshare "$unshare -Urmpinuf --mount-proc /bin/true"
  [ -n "$dynamic" ] && set -- "$@" sandbox-dynamic "$dynamic $usr_view /bin/true"
  set -- "$@" sandbox-no-profile "$sandbox --seccomp-profile none $usr_view /bin/true" \
    sandbox-no-landlock "$sandbox --no-landlock $usr_view /bin/true" \
    sandbox-json-300 "$sandbox --seccomp-profile $out/profile-300.json $usr_view /bin/true" \
    sandbox-network-host "$sandbox --network host $usr_view /bin/true" \
    sandbox-network-pasta "$sandbox --network pasta $usr_view /bin/true"
  hyperfine_round "$round" "$out/startup-$round.json" "$@"
  round=$((round + 1))
done

# N read-only binds of one source onto N destinations, on a tmpfs root with /usr for /bin/true.
binds() {
  i=0
  while [ "$i" -lt "$1" ]; do
    printf -- '--ro-bind /usr/share /b/%d ' "$i"
    i=$((i + 1))
  done
}
for n in 10 100 1000 3000; do
  echo "== $n binds"
  list=$(binds "$n")
  # 3000 binds of bwrap take seconds each: fewer runs for the large sizes.
  r=$runs
  [ "$n" -ge 1000 ] && r=10
  base="--ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib --symlink usr/lib64 /lib64"
  # bwrap 0.8 refuses more than 9000 arguments in all, so it cannot take 3000 binds.
  if [ "$n" -le 1000 ]; then
    hyperfine -N --warmup 2 --runs "$r" --export-json "$out/binds-$n.json" \
      -n sandbox "$sandbox $base $list /bin/true" \
      -n bwrap "$bwrap --unshare-all $base $list /bin/true"
  else
    hyperfine -N --warmup 2 --runs "$r" --export-json "$out/binds-$n.json" \
      -n sandbox "$sandbox $base $list /bin/true"
  fi
done

echo "== peak RSS"
cc -O2 -o "$out/maxrss" "$here/maxrss.c"
set -- sandbox "$sandbox $usr_view /bin/true" \
  bwrap "$bwrap --unshare-all $usr_view /bin/true" \
  unshare "$unshare -Urmpinuf --mount-proc /bin/true"
[ -n "$dynamic" ] && set -- "$@" sandbox-dynamic "$dynamic $usr_view /bin/true"
python3 "$here/rss.py" "$out/maxrss" 20 "$out/rss.json" "$@"

python3 "$here/report.py" "$out" "$sandbox" "$bwrap" > "$here/RESULTS.md"
echo "== wrote $here/RESULTS.md"
cat "$here/RESULTS.md"
