"""`shibei bench readers`: how fast ingest's readers turn each feed file into raw rows.

Every feed of a generated district is read with `ingest.readers.read_file`, as ingest
(and the Spark driver) does before standardizing: `rows_per_second` over all feeds,
`<format>_rows_per_second` per file format, `seconds`. The baseline in the same run is
openpyxl's read-only mode on the same XLSX files (the reader before calamine):
`openpyxl_xlsx_rows_per_second` and `xlsx_speedup_vs_openpyxl`.
"""

from __future__ import annotations

import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from shibei.config import Settings
from shibei.ingest.readers import read_file, text_value
from shibei.ingest.spec import load_specs
from shibei.progress import Progress
from shibei.synth.generate import generate_district


def run(scale: float, progress: Progress) -> dict[str, Any]:
    specs = load_specs()
    rows: dict[str, int] = defaultdict(int)
    seconds: dict[str, float] = defaultdict(float)
    with tempfile.TemporaryDirectory(prefix="shibei-bench-readers-") as tmp:
        generate_district(Path(tmp), scale=scale, seed=Settings().seed, progress=progress)
        feeds = Path(tmp) / "feeds"
        step = progress.step("逐个读取部门数据文件", total=len(specs))
        xlsx: list[Path] = []
        for spec in specs.values():
            for path in sorted(feeds.glob(spec.file)):
                started = time.perf_counter()
                rows[spec.format] += sum(len(chunk) for chunk in read_file(path, spec))
                seconds[spec.format] += time.perf_counter() - started
                if spec.format == "xlsx":
                    xlsx.append(path)
            step.advance()
        progress.step("基线：openpyxl 只读模式读取同样的 XLSX 文件")
        started = time.perf_counter()
        baseline_rows = sum(_openpyxl_rows(path) for path in xlsx)
        baseline_seconds = time.perf_counter() - started
    total_rows, total_seconds = sum(rows.values()), sum(seconds.values())
    figures: dict[str, Any] = {
        "scale": scale,
        "feed_rows": total_rows,
        "seconds": round(total_seconds, 2),
        "rows_per_second": round(total_rows / total_seconds),
    }
    for fmt in sorted(rows):
        figures[f"{fmt}_rows"] = rows[fmt]
        figures[f"{fmt}_rows_per_second"] = round(rows[fmt] / seconds[fmt])
    if baseline_rows:
        figures["openpyxl_xlsx_rows_per_second"] = round(baseline_rows / baseline_seconds)
        figures["xlsx_speedup_vs_openpyxl"] = round(baseline_seconds / seconds["xlsx"], 1)
    return figures


def _openpyxl_rows(path: Path) -> int:
    """Rows of the first sheet with a value, each cell through `text_value` as the reader
    does (the work ingest's old XLSX reader did)."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        rows = wb.worksheets[0].iter_rows(values_only=True)
        next(rows, None)
        return sum(1 for cells in rows if any(text_value(v) is not None for v in cells))
    finally:
        wb.close()
