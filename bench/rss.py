#!/usr/bin/env python3
"""Median peak RSS over N runs of each command, measured by the maxrss helper.

usage: rss.py MAXRSS N OUT.json NAME 'COMMAND' [NAME 'COMMAND' ...]"""
import json
import statistics
import subprocess
import sys

helper, n, out, pairs = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
results = {}
for name, command in zip(pairs[::2], pairs[1::2]):
    samples = [int(subprocess.run([helper, *command.split()], check=True, capture_output=True,
                                  text=True).stdout) for _ in range(n)]
    results[name] = {"median_kib": statistics.median(samples), "samples": samples}
    print(f"{name:10} {results[name]['median_kib']:.0f} KiB")
with open(out, "w") as f:
    json.dump(results, f)
