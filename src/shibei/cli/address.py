"""`shibei address parse|match`: one JSON object per address on stdout.

Addresses come as arguments, or one per line on stdin when none are given.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

address_app = typer.Typer(help="地址解析与标准地址匹配", no_args_is_help=True, add_completion=False)


def _inputs(texts: list[str] | None) -> Iterator[str]:
    if texts:
        yield from texts
        return
    for line in sys.stdin:
        line = line.rstrip("\n")
        if line.strip():
            yield line


def _emit(obj: dict[str, object], as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    else:
        elements = obj.get("elements", {})
        assert isinstance(elements, dict)
        parts = " ".join(f"{k}={v}" for k, v in elements.items())
        extra = f"  → {obj['level']} {obj['code']} ({obj['reason']})" if "level" in obj else ""
        sys.stdout.write(f"{obj['text']}\t{parts}{extra}\n")


@address_app.command("parse")
def parse(
    texts: Annotated[list[str] | None, typer.Argument(help="addresses (default: stdin)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="one JSON object per line")] = False,
    infer: Annotated[bool, typer.Option(help="fill missing upper levels in `inferred`")] = False,
) -> None:
    """Parse addresses into labelled elements."""
    from shibei.standardize.address import parse_address

    for text in _inputs(texts):
        _emit(parse_address(text, infer=infer).to_json(), as_json)


@address_app.command("match")
def match(
    texts: Annotated[list[str] | None, typer.Argument(help="addresses (default: stdin)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="one JSON object per line")] = False,
    street: Annotated[str | None, typer.Option(help="9-digit street code of the source")] = None,
    gazetteer: Annotated[
        Path | None, typer.Option(help="gazetteer directory (default DATA_DIR/gazetteer)")
    ] = None,
) -> None:
    """Match addresses to standard addresses of the district's gazetteer."""
    from shibei.config import Settings
    from shibei.gazetteer import read_gazetteer
    from shibei.standardize.address_match import AddressMatcher

    directory = gazetteer or Settings().gazetteer_dir
    if not directory.exists():
        sys.stderr.write(f"没有找到标准地址库 {directory}；请先运行 shibei generate\n")
        raise typer.Exit(2)
    matcher = AddressMatcher(read_gazetteer(directory))
    for text in _inputs(texts):
        _emit(matcher.match(text, street_hint=street).to_json(), as_json)
