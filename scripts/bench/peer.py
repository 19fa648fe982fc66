#!/usr/bin/env python3
"""The peer for scripts/bench.sh: the script teams write today.

Reads a claims CSV with the csv module and checks every diagnosis cell
with the PyPI package simple-icd-10-cm: is it an ICD-10-CM code at all,
and is it billable (a leaf of the tabular list)? Nothing else: no dates,
no code set per service date, no sequencing or claim-level checks.

Usage: peer.py CLAIMS.csv OUT.txt
Writes one line per finding to OUT.txt and a summary to stderr.
"""

import csv
import sys

import simple_icd_10_cm as cm


def diagnosis_columns(header):
    """Indexes of the diagnosis columns: dx1.., diagnosis_code_1.., dx_code."""
    out = []
    for i, name in enumerate(header):
        n = name.strip().lower()
        if n.startswith("dx") and (n[2:].isdigit() or n == "dx_code"):
            out.append(i)
        elif n.startswith("diagnosis_code_") and n[15:].isdigit():
            out.append(i)
    return out


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    rows = cells = invalid = header_codes = 0
    with open(sys.argv[1], newline="", encoding="utf-8") as f, open(sys.argv[2], "w") as out:
        reader = csv.reader(f)
        header = next(reader)
        columns = diagnosis_columns(header)
        for line, row in enumerate(reader, start=2):
            rows += 1
            for i in columns:
                if i >= len(row):
                    continue
                code = row[i].strip()
                if not code:
                    continue
                cells += 1
                if not cm.is_valid_item(code):
                    invalid += 1
                    out.write(f"{line}:{i + 1}: invalid code {code}\n")
                elif not cm.is_leaf(code):
                    header_codes += 1
                    out.write(f"{line}:{i + 1}: not billable {code}\n")
    print(f"peer: {rows} rows, {cells} codes, {invalid} invalid, {header_codes} not billable", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
