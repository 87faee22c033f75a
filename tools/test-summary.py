#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Sum the doctest case counts of a meson test log into one "N passed, N failed" line.
import re
import sys

passed = failed = skipped = 0
pattern = re.compile(r'\[doctest\] test cases:\s*(\d+) \|\s*(\d+) passed \|\s*(\d+) failed \|\s*(\d+) skipped')
for line in open(sys.argv[1], errors='replace'):
    m = pattern.search(line)
    if m:
        passed += int(m.group(2))
        failed += int(m.group(3))
        skipped += int(m.group(4))
print(f'{passed} passed, {failed} failed, {skipped} skipped')
