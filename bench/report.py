#!/usr/bin/env python3
"""Turns one bench/run.sh run into RESULTS.md: medians, ratios and the targets."""
import json
import os
import platform
import statistics
import subprocess
import sys

out, sandbox, bwrap = sys.argv[1:4]


def medians(name):
    with open(os.path.join(out, name)) as f:
        return {r["command"]: r["median"] for r in json.load(f)["results"]}


def version(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True).stdout.strip().splitlines()[0]
    except (OSError, IndexError):
        return "?"


def pooled_medians(prefix):
    """Medians over every run of every round of one measurement."""
    times = {}
    for name in sorted(os.listdir(out)):
        if name.startswith(prefix) and name.endswith(".json"):
            with open(os.path.join(out, name)) as f:
                for r in json.load(f)["results"]:
                    times.setdefault(r["command"], []).extend(r["times"])
    return {k: statistics.median(v) for k, v in times.items()}, {k: len(v) for k, v in times.items()}


start, start_runs = pooled_medians("startup-")
binds = {n: medians(f"binds-{n}.json") for n in (10, 100, 1000, 3000)}
with open(os.path.join(out, "rss.json")) as f:
    rss = {k: v["median_kib"] for k, v in json.load(f).items()}

cpu = "?"
with open("/proc/cpuinfo") as f:
    for line in f:
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break

ms = lambda s: f"{s * 1000:.2f} ms"
checks = [
    ("start-up vs bwrap", start["sandbox"] / start["bwrap"], 0.75),
    ("start-up vs unshare", start["sandbox"] / start["unshare"], 1.15),
    ("1000 ro-binds vs bwrap", binds[1000]["sandbox"] / binds[1000]["bwrap"], 0.08),
    ("3000 vs 1000 ro-binds (ours)", binds[3000]["sandbox"] / binds[1000]["sandbox"], 3.5),
    ("peak RSS vs bwrap", rss["sandbox"] / rss["bwrap"], 1.2),
]
if "sandbox-no-profile" in start:
    # In milliseconds, not a ratio: what the `default` syscall profile adds to a start.
    checks.append(("`default` syscall profile vs none, ms", (start["sandbox"] - start["sandbox-no-profile"]) * 1000, 0.05))
if "sandbox-no-landlock" in start:
    checks.append(("Landlock layer vs --no-landlock, ms", (start["sandbox"] - start["sandbox-no-landlock"]) * 1000, 0.05))
if "sandbox-dynamic" in start:
    checks.append(("start-up, static PIE vs dynamic (ours)", start["sandbox"] / start["sandbox-dynamic"], 1.0))

print("# Benchmark results\n")
print("Produced by `bench/run.sh` in one run; medians of hyperfine runs (`-N`, no shell).\n")
print(f"- machine: {cpu}, {os.cpu_count()} cores, kernel {platform.release()}")
print(f"- sandbox: {version([sandbox, '--version'])}; bwrap: {version([bwrap, '--version'])}; "
      f"{version(['unshare', '--version'])}")
print()
print("## Start-up: /usr read-only with its links, /proc, /dev, all namespaces, `/bin/true`\n")
print(f"Medians of {start_runs['sandbox']} runs each, taken in rounds in which the tools take turns. "
      "`sandbox-dynamic` is the same source linked dynamically (`-Dstatic=false`), built by the run; "
      "`sandbox-no-profile` runs without a syscall profile (`--seccomp-profile none`), `sandbox-no-landlock` "
      "without the Landlock layer, `sandbox-json-300` "
      "with a JSON profile of 300 rules compiled by libseccomp at start (`sandbox` loads `default`, "
      "compiled when it was built); `sandbox-network-host` keeps the caller's network (`--network host`) and "
      "`sandbox-network-pasta` gives the sandbox's own one outbound access through pasta (`--network pasta`), "
      "against `sandbox`'s `--network none`.\n")
print("| tool | median | vs sandbox |")
print("|---|---|---|")
for k in ("sandbox", "sandbox-no-profile", "sandbox-no-landlock", "sandbox-json-300", "sandbox-network-host",
          "sandbox-network-pasta", "sandbox-dynamic", "bwrap", "unshare"):
    if k not in start:
        continue
    print(f"| {k} | {ms(start[k])} | {start[k] / start['sandbox']:.2f}x |")
print("\n## N read-only binds\n")
print("| N | sandbox | bwrap | sandbox / bwrap |")
print("|---|---|---|---|")
for n, m in binds.items():
    if "bwrap" in m:
        print(f"| {n} | {ms(m['sandbox'])} | {ms(m['bwrap'])} | {m['sandbox'] / m['bwrap']:.3f} |")
    else:
        print(f"| {n} | {ms(m['sandbox'])} | refused: more than 9000 arguments | |")
print("\n## Peak RSS (largest process of the run, median of 20)\n")
print("| tool | KiB |")
print("|---|---|")
for k, v in rss.items():
    print(f"| {k} | {v:.0f} |")
print("\n## Targets\n")
print("| target | measured | limit | met |")
print("|---|---|---|---|")
for name, value, limit in checks:
    unit = "" if name.endswith("ms") else "x"
    print(f"| {name} | {value:.3f}{unit} | {limit}{unit} | {'yes' if value <= limit else '**no**'} |")
