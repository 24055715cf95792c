#!/usr/bin/env python3
"""Peak resident set of a command and everything it waits for, median over N runs.

usage: maxrss.py N OUT.json NAME 'COMMAND' [NAME 'COMMAND' ...]
Each run happens in a fresh interpreter, whose RUSAGE_CHILDREN then covers exactly that
command's process tree (a parent's waited-for children fold into it)."""
import json
import statistics
import subprocess
import sys

PROBE = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
         "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")

n, out, pairs = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
results = {}
for name, command in zip(pairs[::2], pairs[1::2]):
    samples = [int(subprocess.run([sys.executable, "-c", PROBE, *command.split()],
                                  check=True, capture_output=True, text=True).stdout)
               for _ in range(n)]
    results[name] = {"median_kib": statistics.median(samples), "samples": samples}
    print(f"{name:10} {results[name]['median_kib']:.0f} KiB")
with open(out, "w") as f:
    json.dump(results, f)
