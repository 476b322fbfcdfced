"""Each risk signal fires on what was known on the scoring day, with its evidence."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from shibei.apps.risk import Change, Mention
from shibei.apps.risk.signals import (
    NONE,
    Neighbours,
    capital_vs_insured,
    frequent_changes,
    fund_arrears,
    hiring_spike,
    keyword,
    missing_reports,
    neighbours,
    related_deregistered,
    shared_address,
    shared_rep,
)

from .factories import DAY, plain, scheme

ALONE = Neighbours((), ())


def test_plain_company_fires_no_signal() -> None:
    org = plain()
    near = neighbours([org], DAY)[org.org_id]
    for rule in (keyword, shared_address, shared_rep, frequent_changes, capital_vs_insured):
        assert rule(org, DAY, near) == NONE
    for rule in (fund_arrears, missing_reports, related_deregistered, hiring_spike):
        assert rule(org, DAY, near) == NONE


def test_keyword_in_name_counts_fully_with_the_word_as_evidence() -> None:
    found = keyword(scheme(), DAY, ALONE)
    assert found.strength == 1.0
    assert "财富" in found.facts[0]


def test_keyword_only_in_scope_counts_six_tenths() -> None:
    org = plain(scope="养老服务、家政服务")
    assert keyword(org, DAY, ALONE).strength == pytest.approx(0.6)


def test_keyword_uses_the_name_before_a_later_rename() -> None:
    org = scheme()  # renamed to 财富管理 on 2024-09-01
    before = keyword(org, date(2024, 8, 31), ALONE)
    assert before == NONE  # old name innocent, and today's scope is not known then


def test_shared_address_needs_three_companies_in_business() -> None:
    a, b = plain("O1", house_code="H" * 25), plain("O2", house_code="H" * 25)
    c = plain("O3", house_code="H" * 25)
    two = neighbours([a, b], DAY)
    assert shared_address(a, DAY, two["O1"]) == NONE
    three = neighbours([a, b, c], DAY)
    found = shared_address(a, DAY, three["O1"])
    assert found.strength == pytest.approx(1 / 3)
    assert "3 家" in found.facts[0]


def test_a_deregistered_neighbour_is_not_counted_at_the_address() -> None:
    gone = Change(date(2025, 1, 1), "状态", "存续", "注销")
    a, b = plain("O1", house_code="H" * 25), plain("O2", house_code="H" * 25)
    c = plain("O3", house_code="H" * 25, changes=(gone,))
    near = neighbours([a, b, c], DAY)
    assert shared_address(a, DAY, near["O1"]) == NONE
    assert related_deregistered(a, DAY, near["O1"]).strength == pytest.approx(0.5)


def test_shared_representative_half_for_two_full_for_three() -> None:
    orgs = [plain(f"O{i}", legal_rep_id="P1") for i in range(1, 4)]
    assert shared_rep(orgs[0], DAY, neighbours(orgs[:2], DAY)["O1"]).strength == 0.5
    assert shared_rep(orgs[0], DAY, neighbours(orgs, DAY)["O1"]).strength == 1.0


def test_frequent_changes_counts_the_last_twelve_months_only() -> None:
    org = scheme()
    assert frequent_changes(org, DAY, ALONE).strength == 1.0  # three changes
    assert frequent_changes(org, date(2025, 10, 1), ALONE).strength == 0.5  # two left
    assert frequent_changes(org, date(2026, 3, 1), ALONE) == NONE  # one left


def test_capital_far_above_insured_staff() -> None:
    org = plain(capital_10k=5000.0, insured=(date(2016, 1, 1),) * 10)
    found = capital_vs_insured(org, DAY, ALONE)
    assert found.strength == 1.0  # 500 万元 per insured employee
    assert "10 人" in found.facts[0]
    assert capital_vs_insured(replace(org, capital_10k=500.0), DAY, ALONE) == NONE


def test_fund_arrears_needs_a_share_of_the_staff() -> None:
    few = plain(insured=(date(2016, 1, 1),) * 100, arrears=(date(2025, 6, 1),) * 3)
    assert fund_arrears(few, DAY, ALONE) == NONE
    assert fund_arrears(scheme(), DAY, ALONE).strength == 1.0  # 6 of 10
    assert fund_arrears(scheme(), date(2025, 6, 1), ALONE) == NONE  # not yet known


def test_missing_report_counts_only_after_the_june_deadline() -> None:
    org = scheme()  # 2024 report missing
    assert missing_reports(org, date(2025, 6, 30), ALONE) == NONE
    found = missing_reports(org, date(2025, 7, 1), ALONE)
    assert found.strength == 0.5
    assert "2024 年度" in found.facts[0]
    assert missing_reports(replace(org, kind="个体工商户"), DAY, ALONE) == NONE


def test_hiring_spike_new_insured_in_three_months() -> None:
    found = hiring_spike(scheme(), DAY, ALONE)
    assert found.strength == pytest.approx(0.8)
    assert "8 人" in found.facts[0]
    young = replace(scheme(), established_on=date(2025, 1, 1))
    assert hiring_spike(young, DAY, ALONE) == NONE


def test_mentions_count_in_a_half_year_window() -> None:
    from shibei.apps.risk.signals import SIGNAL_BY_KEY

    rule = SIGNAL_BY_KEY["complaints"].rule
    org = plain(
        complaints=(
            Mention(date(2024, 1, 5), "disputes", "T0", "旧纠纷"),
            Mention(date(2025, 5, 5), "disputes", "T1", "合同纠纷"),
        )
    )
    found = rule(org, DAY, ALONE)
    assert found.strength == pytest.approx(1 / 3)
    assert any("T1" in f for f in found.facts)
    assert not any("T0" in f for f in found.facts)
