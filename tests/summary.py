#!/usr/bin/env python3
"""Adds up GoogleTest XML reports into one closing line: N passed, N failed, N skipped."""
import sys
import xml.etree.ElementTree as ET

passed = failed = skipped = 0
for path in sys.argv[1:]:
    for case in ET.parse(path).getroot().iter("testcase"):
        if case.find("failure") is not None:
            failed += 1
        elif case.get("result") == "skipped" or case.find("skipped") is not None:
            skipped += 1
        else:
            passed += 1
if passed + failed + skipped == 0:
    print("no test ran", file=sys.stderr)
    sys.exit(1)
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed or skipped else 0)
