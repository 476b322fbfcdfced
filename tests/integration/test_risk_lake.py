"""The risk module's lake adapter on a generated, built district: the planted schemes'
facts arrive through the pipeline, and the schemes outrank the district on the
evaluation day."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from shibei.apps.risk import OrgHistory, score_all
from shibei.bootstrap import build
from shibei.config import Settings
from shibei.store.risk_signals import DuckDBRiskInputs
from shibei.synth.generate import generate_district
from shibei.synth.risk_schemes import read_risk_truth

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def district(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[OrgHistory], dict]:  # type: ignore[type-arg]
    data = tmp_path_factory.mktemp("risk-district")
    generate_district(data, scale=0.005, seed=5)
    build(Settings(data_dir=data))
    return DuckDBRiskInputs(data / "lake").histories(), read_risk_truth(data)


def test_refuses_a_lake_without_foundation(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="shibei build"):
        DuckDBRiskInputs(tmp_path)


def test_every_planted_scheme_arrives_with_its_facts(district) -> None:  # type: ignore[no-untyped-def]
    orgs, truth = district
    by_uscc = {o.uscc: o for o in orgs}
    for s in truth["schemes"]:
        org = by_uscc[s["uscc"]]
        collapse = date.fromisoformat(s["collapse_on"])
        assert {c.item for c in org.changes} >= {"名称", "住所", "法定代表人"}
        assert org.capital_10k is not None and org.capital_10k >= 5000
        assert org.arrears and min(org.arrears) < collapse
        assert sum(1 for d in org.insured if d > collapse.replace(year=collapse.year - 1)) >= 5
        assert org.police_reports
        assert org.house_code is not None and org.legal_rep_id is not None
    # disputes name the company by name only: most, not necessarily all, are linked
    planted = [by_uscc[s["uscc"]] for s in truth["schemes"] if s["planted_disputes"]]
    assert planted
    assert sum(1 for org in planted if org.complaints) >= len(planted) * 3 // 4


def test_schemes_lead_the_ranking_on_the_evaluation_day(district) -> None:  # type: ignore[no-untyped-def]
    orgs, truth = district
    schemes = {o.org_id for o in orgs if o.uscc in {s["uscc"] for s in truth["schemes"]}}
    ranked = [s.org_id for s in score_all(orgs, date.fromisoformat(truth["evaluation_day"]))]
    top = ranked[: 2 * len(schemes)]
    assert len(schemes & set(top)) >= len(schemes) * 3 // 4
