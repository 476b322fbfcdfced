"""The generated reference district: facts, checksums, truth coverage, noise rates,
determinism. Generated once per session at small scales."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from shibei.gazetteer import read_gazetteer
from shibei.standardize.id_number import is_valid_id_number_checksum
from shibei.standardize.uscc import is_valid_uscc_checksum
from shibei.synth.feed_files import read_feed
from shibei.synth.generate import generate_district
from shibei.synth.manifest import read_manifest, spec_from_manifest
from shibei.synth.noise_config import load_noise_config
from shibei.synth.truth import iter_address_cases, read_feed_truth

SCALE = 0.004
SEED = 7


@pytest.fixture(scope="session")
def district(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    data_dir = tmp_path_factory.mktemp("district")
    manifest = generate_district(data_dir, scale=SCALE, seed=SEED)
    return data_dir, manifest


def _rows(data_dir: Path, manifest: dict[str, Any], feed: str) -> list[dict[str, Any]]:
    spec = spec_from_manifest(manifest, feed)
    return list(read_feed(data_dir / "feeds" / spec.file_name, spec))


def test_structure_and_rosters_are_the_real_districts_at_any_scale(district: Any) -> None:
    _, manifest = district
    counts = manifest["counts"]
    assert counts["streets"] == 22
    assert counts["communities"] == 137
    assert counts["grids"] == 940
    assert counts["grid_workers"] == 2458
    assert counts["community_police"] == 137
    assert counts["old_open_compounds"] == 275
    assert manifest["feeds"]["grid_workers"]["rows"] == 2458
    assert manifest["feeds"]["community_police"]["rows"] == 137


def test_population_scales_with_the_district(district: Any) -> None:
    _, manifest = district
    persons = manifest["counts"]["persons"]
    assert abs(persons - round(1_096_879 * SCALE)) <= 10  # the last household overshoots
    assert 0.15 < manifest["counts"]["migrant_persons"] / persons < 0.35
    assert manifest["counts"]["vacant_houses"] > 0


def test_feeds_mix_formats_encodings_and_levels(district: Any) -> None:
    _, manifest = district
    feeds = manifest["feeds"].values()
    assert len(manifest["feeds"]) >= 12
    assert {f["format"] for f in feeds} == {"csv", "xlsx", "jsonl", "parquet"}
    assert {f["encoding"] for f in feeds if f["format"] == "csv"} == {"gbk", "utf-8"}
    assert {f["level"] for f in feeds} == {"city", "district", "street"}


def test_gbk_feeds_are_really_gbk(district: Any) -> None:
    data_dir, _manifest = district
    raw = (data_dir / "feeds" / "police_household_registry.csv").read_bytes()
    raw.decode("gbk")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")


def test_every_feed_row_has_exactly_one_truth_row(district: Any) -> None:
    data_dir, manifest = district
    for name, entry in manifest["feeds"].items():
        truth = read_feed_truth(data_dir, name)
        assert [t["row"] for t in truth] == list(range(1, entry["rows"] + 1)), name
        assert len(_rows(data_dir, manifest, name)) == entry["rows"], name


def test_true_identifiers_pass_their_checksums(district: Any) -> None:
    data_dir, _ = district
    persons = pq.read_table(data_dir / "truth" / "persons.parquet").to_pylist()
    orgs = pq.read_table(data_dir / "truth" / "organizations.parquet").to_pylist()
    assert all(is_valid_id_number_checksum(p["id_number"]) for p in persons)
    assert len({p["id_number"] for p in persons}) == len(persons)
    assert all(is_valid_uscc_checksum(o["uscc"]) for o in orgs)
    assert len({o["uscc"] for o in orgs}) == len(orgs)


_ID_CORRUPTIONS = {
    "id_bad_checksum",
    "id_transposed",
    "id_legacy15",
    "id_lowercase_x",
    "fullwidth",
    "stray_space",
    "missing_field",
    "encoding_loss",
}


@pytest.mark.parametrize(
    ("feed", "column", "validator"),
    [
        ("police_household_registry", "公民身份号码", is_valid_id_number_checksum),
        ("migrant_registration", "身份证号", is_valid_id_number_checksum),
        ("social_security", "公民身份号码", is_valid_id_number_checksum),
        ("grid_surveys", "证件号码", is_valid_id_number_checksum),
        ("social_security", "统一社会信用代码", is_valid_uscc_checksum),
        ("company_registry", "统一社会信用代码", is_valid_uscc_checksum),
    ],
)
def test_identifiers_in_feeds_are_valid_unless_deliberately_corrupted(
    district: Any, feed: str, column: str, validator: Any
) -> None:
    data_dir, manifest = district
    rows = _rows(data_dir, manifest, feed)
    truth = read_feed_truth(data_dir, feed)
    corrupted = 0
    for row, t in zip(rows, truth, strict=True):
        kinds = set(json.loads(t["noise"]).get(column, ()))
        if kinds & _ID_CORRUPTIONS:
            corrupted += 1
            continue
        assert validator(str(row[column])), (feed, t["row"])
    assert corrupted < len(rows)


def test_every_address_case_points_at_a_real_house(district: Any) -> None:
    data_dir, _ = district
    gazetteer = read_gazetteer(data_dir / "gazetteer")
    cases = list(iter_address_cases(data_dir))
    assert len(cases) > 1000
    known = {h.code for h in gazetteer.houses}
    assert all(c.house_code in known for c in cases if c.house_code is not None)
    assert {c.feed for c in cases if c.street_hint} == {"migrant_registration", "grid_surveys"}
    assert sum(c.identifies_house for c in cases) > 0.9 * len(cases)


# Kinds that can apply to every value of their field, so their observed share must match
# the configured rate (others depend on the value: a 2005 birth has no 15-digit number).
_ALWAYS_APPLICABLE = {"duplicate_row", "addr_missing_levels", "addr_dash_notation", "addr_space"}


def test_noise_rates_land_within_tolerance_of_the_configuration(district: Any) -> None:
    data_dir, manifest = district
    config = load_noise_config()
    checked = 0
    for name in manifest["feeds"]:
        truth = read_feed_truth(data_dir, name)
        originals = [t for t in truth if t["duplicate_of"] is None]
        spec = spec_from_manifest(manifest, name)
        observed: Counter[str] = Counter()
        addressed = 0
        for t in originals:
            noise = json.loads(t["noise"])
            address_kinds = {k for c in spec.address_columns for k in noise.get(c, ())}
            if t["house_code"] is not None or address_kinds:
                addressed += 1
            observed.update(address_kinds)
        observed["duplicate_row"] = len(truth) - len(originals)
        feed_noise = config.feed(name)
        for kind, rate in {**feed_noise.address, **feed_noise.row}.items():
            if kind not in _ALWAYS_APPLICABLE:
                continue
            base = len(originals) if kind == "duplicate_row" else addressed
            if base * rate < 30:  # too few expected events to judge at this scale
                continue
            expected = base * rate
            sigma = (base * rate * (1 - rate)) ** 0.5
            assert abs(observed[kind] - expected) <= 4 * sigma + 2, (name, kind)
            checked += 1
    assert checked >= 5


def test_generation_is_deterministic_per_seed(district: Any, tmp_path: Path) -> None:
    _, manifest = district
    again = generate_district(tmp_path / "again", scale=SCALE, seed=SEED)
    other = generate_district(tmp_path / "other", scale=SCALE, seed=SEED + 1)
    hashes = {n: f["content_sha256"] for n, f in manifest["feeds"].items()}
    assert {n: f["content_sha256"] for n, f in again["feeds"].items()} == hashes
    other_hashes = {n: f["content_sha256"] for n, f in other["feeds"].items()}
    assert other_hashes["police_household_registry"] != hashes["police_household_registry"]


def test_manifest_round_trips_and_names_the_noise_version(district: Any) -> None:
    data_dir, manifest = district
    assert read_manifest(data_dir / "feeds") == manifest
    assert manifest["noise_version"] == load_noise_config().version
