"""Clustering reports around suspects: name variants and shared accounts propose merges
with their reasons; decoys propose nothing; officers' decisions shape the clusters."""

from __future__ import annotations

import pytest

from shibei.apps.mass_cases import (
    IntakeConflict,
    IntakeDenied,
    KeyKind,
    platform_key,
    suspect_name_key,
)

from .world import ACCOUNT, ACCOUNT_DECOY, USCC1, form, intake, official, report


@pytest.mark.parametrize(
    "variant",
    [
        "青岛鑫盛投资管理有限公司",
        "鑫盛投资",
        "鑫盛投资管理公司",
        "青岛市鑫盛投资管理有限责任公司",
        "鑫盛投資管理有限公司",  # traditional characters
        "  青岛 鑫盛投资管理（市北）有限公司 ",
        "山东鑫盛投资咨询服务有限公司",
    ],
)
def test_name_variants_share_one_key(variant: str) -> None:
    assert suspect_name_key(variant) == "鑫盛投资"


@pytest.mark.parametrize(
    "decoy", ["青岛鑫盛餐饮管理有限公司", "鑫盛", "鑫盛财富", "青岛盛鑫投资管理有限公司"]
)
def test_distinct_names_keep_distinct_keys(decoy: str) -> None:
    assert suspect_name_key(decoy) != "鑫盛投资"


@pytest.mark.parametrize("channel", ["微信", "支付宝", "银行转账", "云闪付App", "现金", "qq"])
def test_generic_payment_channels_are_no_platform(channel: str) -> None:
    assert platform_key(channel) is None


def test_platform_names_forgive_app_suffix_and_case() -> None:
    assert platform_key("鑫盛财富APP") == platform_key("鑫盛财富") == "鑫盛财富"


def test_first_report_starts_its_own_cluster_without_proposals() -> None:
    case = intake()
    first = report(case, "v1", form("v1", organization="青岛鑫盛投资管理有限公司"))
    assert first.proposals == []
    assert first.report.cluster_id == first.report.report_id
    assert first.report.org_id == "O0000000001"
    assert first.report.org_link == "名称一致（规范化为「鑫盛投资」）"


def test_name_variant_proposes_merge_with_name_and_org_reasons() -> None:
    case = intake()
    first = report(case, "v1", form("v1", organization="青岛鑫盛投资管理有限公司"))
    second = report(case, "v4", form("v4", organization="鑫盛投資"))
    [proposal] = second.proposals
    assert proposal.target_report_id == first.report.report_id
    kinds = {r.kind for r in proposal.reasons}
    assert kinds == {KeyKind.ORG_NAME.value, KeyKind.ORG_ID.value}
    labels = {r.label for r in proposal.reasons}
    assert "单位名称相同（规范化后） 鑫盛投资" in labels
    assert "同一法人库单位 青岛鑫盛投资管理有限公司" in labels
    assert all(r.report_ids == [first.report.report_id] for r in proposal.reasons)


def test_credit_code_links_to_the_registry_even_with_a_wrong_name() -> None:
    case = intake()
    first = report(case, "v1", form("v1", organization="鑫盛", uscc=USCC1))
    assert first.report.org_id == "O0000000001"
    assert first.report.org_link == "统一社会信用代码一致"
    second = report(case, "v2", form("v2", organization="青岛鑫盛投资管理有限公司"))
    [proposal] = second.proposals
    assert {r.kind for r in proposal.reasons} == {"org_id"}


def test_shared_payee_account_proposes_merge_without_any_name() -> None:
    case = intake()
    first = report(case, "v1", form("v1", organization="青岛鑫盛投资管理有限公司", account=ACCOUNT))
    second = report(case, "v5", form("v5", account=ACCOUNT))
    [proposal] = second.proposals
    assert proposal.target_report_id == first.report.report_id
    [reason] = proposal.reasons
    assert reason.kind == "account"
    assert reason.label == "同一收款账号 6222***********4567"  # the resident view is masked


def test_shared_suspect_phone_and_platform_propose_merges() -> None:
    case = intake()
    report(
        case, "v1", form("v1", phones="139-9999-9999", platform="鑫盛财富App", method="platform")
    )
    second = report(case, "v2", form("v2", phones="13999999999"))
    third = report(case, "v3", form("v3", platform="鑫盛财富", method="platform"))
    assert [r.kind for r in second.proposals[0].reasons] == ["phone"]
    assert [r.kind for r in third.proposals[0].reasons] == ["platform"]


def test_related_organization_proposes_merge_and_says_why() -> None:
    case = intake()
    first = report(case, "v1", form("v1", organization="青岛鑫盛投资管理有限公司"))
    sister = report(case, "v4", form("v4", organization="青岛恒达商贸有限公司"))
    [proposal] = sister.proposals
    assert proposal.target_report_id == first.report.report_id
    [reason] = proposal.reasons
    assert reason.kind == "related_org"
    assert reason.label == "关联单位 青岛鑫盛投资管理有限公司（同一法定代表人）"


@pytest.mark.parametrize(
    "decoy",
    [
        {"organization": "青岛鑫盛餐饮管理有限公司"},  # similar name, other company
        {"account": ACCOUNT_DECOY},  # one digit apart
        {"platform": "支付宝", "method": "platform"},  # everyone uses it
        {"phones": "13800000011"},  # the first victim's own phone, not a suspect's
    ],
)
def test_decoys_propose_no_merge(decoy: dict[str, str]) -> None:
    case = intake()
    report(
        case,
        "v1",
        form("v1", organization="青岛鑫盛投资管理有限公司", account=ACCOUNT, platform="支付宝"),
    )
    other = report(case, "v5", form("v5", **decoy))
    assert other.proposals == []


def test_confirmed_merges_form_one_cluster_and_rejected_stay_apart() -> None:
    case = intake()
    first = report(case, "v1", form("v1", organization="青岛鑫盛投资管理有限公司", account=ACCOUNT))
    second = report(case, "v2", form("v2", account=ACCOUNT))
    third = report(case, "v3", form("v3", organization="鑫盛投资"))
    police = official("police1")
    case.service.decide(police, second.proposals[0].proposal_id, True, "账号一致")
    case.service.decide(police, third.proposals[0].proposal_id, False, "另案")
    clusters = {c.cluster_id: c for c in case.service.clusters(official("admin"))}
    main = clusters[first.report.report_id]
    assert main.reports == 2 and main.victims == 2
    assert main.total == "100,000.00"
    assert third.report.report_id in clusters
    assert clusters[third.report.report_id].reports == 1
    with pytest.raises(IntakeConflict):
        case.service.decide(police, second.proposals[0].proposal_id, False)


def test_a_report_bridging_two_clusters_joins_them_once_both_are_confirmed() -> None:
    case = intake()
    a = report(case, "v1", form("v1", organization="青岛鑫盛投资管理有限公司"))
    b = report(case, "v2", form("v2", account=ACCOUNT))
    bridge = report(case, "v3", form("v3", organization="鑫盛投资", account=ACCOUNT))
    targets = {p.target_report_id for p in bridge.proposals}
    assert targets == {a.report.report_id, b.report.report_id}
    for p in bridge.proposals:
        case.service.decide(official("admin"), p.proposal_id, True)
    [cluster] = case.service.clusters(official("admin"))
    assert cluster.cluster_id == a.report.report_id
    assert cluster.reports == 3
    # the later cluster's id still finds the merged cluster
    assert case.service.cluster(official("admin"), b.report.report_id).summary.reports == 3


def test_street_staff_may_not_decide_merges() -> None:
    case = intake()
    report(case, "v1", form("v1", organization="青岛鑫盛投资管理有限公司"))
    second = report(case, "v2", form("v2", organization="鑫盛投资"))
    with pytest.raises(IntakeDenied):
        case.service.decide(official("street1"), second.proposals[0].proposal_id, True)
    audit = case.audit.records[-1]
    assert (audit.action, audit.result) == ("masscase.review", "denied")


def test_reports_waiting_for_review_are_proposed_once_per_cluster() -> None:
    case = intake()
    first = report(case, "v1", form("v1", organization="青岛鑫盛投资管理有限公司", account=ACCOUNT))
    report(case, "v2", form("v2", account=ACCOUNT))  # pending proposal into the first
    third = report(case, "v3", form("v3", account=ACCOUNT))
    [proposal] = third.proposals  # one cluster under review, not one per report
    assert proposal.target_report_id == first.report.report_id
    [reason] = proposal.reasons
    assert len(reason.report_ids) == 2  # both reports carrying the account are listed


def test_related_organization_hint_is_dropped_when_a_strong_link_exists() -> None:
    case = intake()
    report(case, "v1", form("v1", organization="青岛鑫盛投资管理有限公司"))
    sister = report(case, "v4", form("v4", organization="青岛恒达商贸有限公司"))
    assert [r.kind for r in sister.proposals[0].reasons] == ["related_org"]
    case.service.decide(official("admin"), sister.proposals[0].proposal_id, False, "另案")
    second_sister = report(case, "v5", form("v5", organization="恒达商贸"))
    [proposal] = second_sister.proposals
    assert proposal.target_report_id == sister.report.report_id
    assert "related_org" not in [r.kind for r in proposal.reasons]
