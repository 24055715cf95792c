#!/bin/sh
# The OCI runtime personality beside runc and crun, in one run: `run` (create, start, wait,
# delete) of /bin/true in a busybox bundle, and `podman run --rm` end to end with each runtime.
# Appends a section for the user it runs as to bench/OCI-RESULTS.md. See bench/README.md.
# usage: bench/oci.sh [BUILD_DIR]   (needs hyperfine, runc, crun, podman, busybox-static, python3)
set -eu
# crun 1.8 refuses every container on a host whose unified hierarchy lists a controller (a v1
# hybrid such as this one's): as root, the whole comparison runs in a mount namespace of its own
# with /sys/fs/cgroup/unified unmounted, where crun runs, and the others are measured there too.
if [ "$(id -u)" = 0 ] && [ -z "${BENCH_OCI_NS:-}" ]; then
  exec unshare -m --propagation private env BENCH_OCI_NS=1 sh "$0" "$@"
fi
if [ -n "${BENCH_OCI_NS:-}" ]; then umount /sys/fs/cgroup/unified 2>/dev/null || true; fi
here=$(cd "$(dirname "$0")" && pwd)
. "$here/interleave.sh"
build=$(cd "${1:-$here/../build}" && pwd)
runs=${BENCH_RUNS:-40}
rounds=${BENCH_ROUNDS:-4}
out=$(mktemp -d /tmp/sandbox-oci-bench.XXXXXX)
trap 'rm -rf "$out"' EXIT
ln -s "$build/sandbox" "$out/sandbox-oci"
runtime="$out/sandbox-oci"

# The bundle: busybox's root, and the config `spec` writes (rootless where not root), running
# /bin/true without a terminal.
"$here/../tests/make-rootfs.sh" "$out/bundle/rootfs" >/dev/null
rootless=
[ "$(id -u)" = 0 ] || rootless=--rootless
(cd "$out/bundle" && "$runtime" spec $rootless)
python3 - "$out/bundle/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["args"] = ["/bin/true"]
c["process"]["terminal"] = False
json.dump(c, open(sys.argv[1], "w"))
PY

measure() {
  # Each runtime is tried once first: one that cannot run the bundle here is left out, and why
  # is said in the results.
  set --
  for rt in sandbox-oci runc crun; do
    bin=$rt
    [ "$rt" = sandbox-oci ] && bin=$runtime
    if "$bin" --root "$out/try-$rt" run --bundle "$out/bundle" b >/dev/null 2>"$out/try-$rt.err"; then
      set -- "$@" "$rt" "$bin --root $out/state-$rt run --bundle $out/bundle b"
    else
      echo "$rt fails here: $(grep -v '^$' "$out/try-$rt.err" | tail -1)" | tee -a "$out/run-failures"
    fi
  done
  round=0
  while [ "$round" -lt "$rounds" ]; do
    hyperfine_round "$round" "$out/run-$round.json" "$@"
    round=$((round + 1))
  done
}

echo "== run (create, start, wait, delete) of /bin/true"
measure

echo "== podman run --rm, end to end"
storage="$out/podman"
mkdir -p "$storage/home" "$storage/run"
chmod 700 "$storage/run"
# Without a delegated cgroup v2 a pids limit cannot be had (root's podman asks for one), and a
# root without CAP_SYS_RESOURCE (in a container) cannot raise RLIMIT_NOFILE or NPROC to podman's defaults:
# neither is asked for, so that every runtime runs the same container.
printf '[containers]\npids_limit = 0\ndefault_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]\n' > "$storage/containers.conf"
podman_with() {
  r=$1
  shift
  env HOME="$storage/home" XDG_RUNTIME_DIR="$storage/run" CONTAINERS_CONF="$storage/containers.conf" podman --root "$storage/root" --runroot "$storage/run" \
    --storage-driver vfs --cgroup-manager cgroupfs --events-backend none --runtime "$r" "$@"
}
tar -C "$out/bundle/rootfs" -c . | podman_with runc import - localhost/busybox:bench >/dev/null
set --
for rt in "$runtime" runc crun; do
  name=$(basename "$rt")
  if podman_with "$rt" run --rm --network none localhost/busybox:bench /bin/true 2>"$out/podman-$name.err"; then
    set -- "$@" -n "podman+$name" "env HOME=$storage/home XDG_RUNTIME_DIR=$storage/run CONTAINERS_CONF=$storage/containers.conf podman --root $storage/root --runroot $storage/run --storage-driver vfs --cgroup-manager cgroupfs --events-backend none --runtime $rt run --rm --network none localhost/busybox:bench /bin/true"
  else
    echo "podman with $name fails here: $(tail -1 "$out/podman-$name.err")" | tee -a "$out/podman-failures"
  fi
done
[ $# -gt 0 ] && hyperfine -N --warmup 2 --runs "${BENCH_PODMAN_RUNS:-15}" --export-json "$out/podman.json" "$@" >/dev/null
podman_with runc rmi -a -f >/dev/null 2>&1 || true
# Rootless podman leaves a pause process holding its user namespace.
[ -f "$storage/run/libpod/tmp/pause.pid" ] && kill "$(cat "$storage/run/libpod/tmp/pause.pid")" 2>/dev/null || true

python3 - "$out" "$(id -un)" "$(git -C "$here/.." rev-parse --short HEAD 2>/dev/null || echo unknown)" >>"$here/OCI-RESULTS.md" <<'PY'
import glob, json, os, statistics, sys
out, user, commit = sys.argv[1:4]


def failures(name):
    """What could not be measured, and why, as the script wrote it down."""
    f = os.path.join(out, name)
    if os.path.exists(f):
        print()
        for line in open(f):
            print("- " + line.strip())


times = {}
for f in sorted(glob.glob(os.path.join(out, "run-*.json"))):
    for r in json.load(open(f))["results"]:
        times.setdefault(r["command"], []).extend(r["times"])
print(f"\n## As {user}, on {commit}\n")
print("`run` of /bin/true in a busybox bundle (median of every run of every round, ms):\n")
print("| runtime | median | sandbox-oci / this |")
print("|---|---|---|")
ours = statistics.median(times["sandbox-oci"]) * 1000
for name in ("sandbox-oci", "runc", "crun"):
    if name not in times:
        continue
    m = statistics.median(times[name]) * 1000
    print(f"| {name} | {m:.2f} | {ours / m:.2f}x |")
failures("run-failures")
p = os.path.join(out, "podman.json")
if os.path.exists(p):
    print("\n`podman run --rm --network none IMAGE /bin/true` (median, ms):\n")
    print("| runtime | median |")
    print("|---|---|")
    for r in json.load(open(p))["results"]:
        print(f"| {r['command']} | {statistics.median(r['times']) * 1000:.1f} |")
failures("podman-failures")
PY
echo "== appended to $here/OCI-RESULTS.md"
tail -20 "$here/OCI-RESULTS.md"
