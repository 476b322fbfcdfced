"""Hand-built organization histories for the risk tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from shibei.apps.risk import Change, Mention, OrgHistory

DAY = date(2025, 7, 31)
HOUSE = "3702030050010010001010101"  # a house code: street 370203005, grid …005001001


def plain(org_id: str = "O1", **changes: object) -> OrgHistory:
    """An ordinary trading company: no signal fires on DAY."""
    base = OrgHistory(
        org_id=org_id,
        name=f"青岛{org_id}商贸有限公司",
        uscc=f"9137020300000000{org_id[-2:]:>02}",
        kind="有限责任公司",
        industry="批发和零售业",
        scope="日用百货销售",
        capital_10k=100.0,
        established_on=date(2015, 3, 1),
        house_code=HOUSE[:-4] + f"{int(org_id[1:]) % 10000:04d}",
        legal_rep_id=f"P{org_id}",
        insured=(date(2016, 1, 1),) * 5,
        reports=((2023, date(2024, 4, 1)), (2024, date(2025, 4, 1))),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def scheme(org_id: str = "O9") -> OrgHistory:
    """A company showing most of the signals on DAY."""
    return plain(
        org_id,
        name="青岛鑫华财富管理有限公司",
        scope="财富管理咨询、投资咨询",
        capital_10k=10000.0,
        changes=(
            Change(date(2024, 9, 1), "名称", "青岛鑫华商贸有限公司", "青岛鑫华财富管理有限公司"),
            Change(date(2024, 12, 1), "住所", "旧址", "新址"),
            Change(date(2025, 4, 1), "法定代表人", "甲", "乙"),
        ),
        insured=(date(2016, 1, 1),) * 2 + (date(2025, 6, 1),) * 8,
        arrears=(date(2025, 6, 15),) * 6,
        reports=((2023, date(2024, 4, 1)),),
        complaints=(
            Mention(date(2025, 6, 1), "disputes", "T1", "合同纠纷"),
            Mention(date(2025, 7, 1), "disputes", "T2", "合同纠纷"),
        ),
        police_reports=(Mention(date(2025, 7, 10), "incidents_110", "J1", "经济纠纷"),),
    )
