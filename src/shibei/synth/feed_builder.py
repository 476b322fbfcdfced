"""Assembling one departmental feed: rows in the department's own columns, noise at the
configured rates, and a ground-truth record for every row."""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from shibei.gazetteer.model import StandardAddress
from shibei.synth.address_forms import address_kind_applies, render_address
from shibei.synth.noise import apply_noise
from shibei.synth.noise_config import FeedNoise, FieldGroup

Level = Literal["city", "district", "street"]
Format = Literal["csv", "xlsx", "jsonl", "parquet"]


@dataclass(frozen=True, slots=True)
class FeedSpec:
    """What a generated feed is: who delivers it, how, and where its addresses are."""

    name: str
    title: str  # Chinese name of the feed
    department: str
    level: Level
    format: Format
    encoding: str | None  # csv only: gbk | utf-8
    columns: tuple[str, ...]
    address_columns: tuple[str, ...] = ()  # joined in order, they give the row's address
    street_column: str | None = None  # street-level feeds name the street (a matching hint)

    @property
    def file_name(self) -> str:
        return f"{self.name}.{self.format}"


@dataclass(slots=True)
class TruthRow:
    """What one feed row really refers to. Written apart; the pipeline never reads it."""

    row: int  # 1-based data row in the delivered file
    person_id: str | None = None
    other_person_ids: list[str] = field(default_factory=list)
    org_id: str | None = None
    house_code: str | None = None  # the house the row's address text denotes
    event_id: str | None = None
    noise: dict[str, list[str]] = field(default_factory=dict)  # column → noise kinds
    duplicate_of: int | None = None

    def as_record(self, feed: str) -> dict[str, Any]:
        return {
            "feed": feed,
            "row": self.row,
            "person_id": self.person_id,
            "other_person_ids": self.other_person_ids,
            "org_id": self.org_id,
            "house_code": self.house_code,
            "event_id": self.event_id,
            "noise": json.dumps(self.noise, ensure_ascii=False, sort_keys=True),
            "duplicate_of": self.duplicate_of,
        }


@dataclass(slots=True)
class Feed:
    spec: FeedSpec
    rows: list[dict[str, Any]]
    truth: list[TruthRow]


class FeedBuilder:
    """Adds rows with noise; `finish()` appends re-sent duplicates and numbers the rows."""

    def __init__(
        self,
        spec: FeedSpec,
        noise: FeedNoise,
        rng: random.Random,
        address_of: Callable[[str], StandardAddress],
    ) -> None:
        self.spec = spec
        self._rng = rng
        self._address_of = address_of
        self._rates = {g: list(noise.rates(g).items()) for g in _GROUPS}
        self._row_rates = dict(noise.rates("row"))
        self._rows: list[dict[str, Any]] = []
        self._truth: list[TruthRow] = []

    def add(
        self,
        values: dict[str, Any],
        truth: TruthRow,
        *,
        noisy: Mapping[str, FieldGroup] | None = None,
        address: tuple[str, str] | None = None,
        stale_house: str | None = None,
        blankable: tuple[str, ...] = (),
    ) -> None:
        """Add one row.

        `noisy` names the columns that get field noise and their group; `address` is
        (column, house code) — the column receives the house's address in one of its
        written forms; `stale_house` is where the row's subject lived before a move (a
        stale record shows it); `blankable` are columns `missing_field` may empty.
        """
        rng = self._rng
        row_noise = self._row_rates
        if address is not None:
            column, house = address
            rate = row_noise.get("stale_record", 0.0)
            if stale_house is not None and rate and rng.random() < rate:
                house = stale_house
                truth.noise.setdefault(column, []).append("stale_record")
            truth.house_code = house
            values[column] = self._render(house, truth, column)
        for column, group in (noisy or {}).items():
            value = values.get(column)
            if isinstance(value, str) and value:
                values[column] = self._noise(group, value, truth, column)
        rate = row_noise.get("missing_field", 0.0)
        if blankable and rate and rng.random() < rate:
            column = blankable[rng.randrange(len(blankable))]
            if values.get(column):
                values[column] = ""
                truth.noise.setdefault(column, []).append("missing_field")
                if address is not None and column == address[0]:
                    truth.house_code = None
        self._rows.append(values)
        self._truth.append(truth)

    def _noise(self, group: FieldGroup, value: str, truth: TruthRow, column: str) -> str:
        rng = self._rng
        for kind, rate in self._rates[group]:
            if rng.random() < rate:
                changed = apply_noise(kind, value, rng)
                if changed is not None and changed != value:
                    value = changed
                    truth.noise.setdefault(column, []).append(kind)
        return value

    def _render(self, house: str, truth: TruthRow, column: str) -> str:
        rng = self._rng
        address = self._address_of(house)
        kinds = [
            kind
            for kind, rate in self._rates["address"]
            if rng.random() < rate and address_kind_applies(address, kind)
        ]
        if kinds:
            truth.noise.setdefault(column, []).extend(kinds)
        return render_address(address, kinds, rng)

    def finish(self) -> Feed:
        """Append the rows a department re-sent (exact duplicates) and number all rows."""
        rng = self._rng
        rate = self._row_rates.get("duplicate_row", 0.0)
        rows, truth = self._rows, self._truth
        for i, t in enumerate(truth):
            t.row = i + 1
        if rate:
            for i in range(len(rows)):
                if rng.random() < rate:
                    original = truth[i]
                    copy = TruthRow(
                        row=len(rows) + 1,
                        person_id=original.person_id,
                        other_person_ids=list(original.other_person_ids),
                        org_id=original.org_id,
                        house_code=original.house_code,
                        event_id=original.event_id,
                        noise={**original.noise, "*": ["duplicate_row"]},
                        duplicate_of=original.row,
                    )
                    rows.append(dict(rows[i]))
                    truth.append(copy)
        return Feed(self.spec, rows, truth)


_GROUPS: tuple[FieldGroup, ...] = ("name", "id_number", "phone", "address")
