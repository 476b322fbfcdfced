"""22+1 routing and one-network verification over the in-memory foundation reader."""

from __future__ import annotations

from datetime import date

import pytest

from shibei.apps.household.catalogue import Check, load_catalogue
from shibei.apps.household.routing import HandOverRefused, Router
from shibei.apps.household.verification import verify_application, verify_person
from shibei.foundation.memory import InMemoryFoundationReader
from shibei.foundation.reader import HouseView, OrganizationView, PersonView, Provenance, Relation
from shibei.gazetteer import Gazetteer, build_gazetteer


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return build_gazetteer(0.001, 1)


def _two_houses(g: Gazetteer) -> tuple[str, str]:
    first = g.houses[0].code
    other = next(h.code for h in g.houses if g.station_of(h.code[:12]) != g.station_of(first[:12]))
    return first, other


def _person(pid: str, home: str | None, hukou: str | None, migrant: bool) -> PersonView:
    return PersonView(
        pid, "王芳", "11010519491231002X", date(1990, 1, 1), "女", (), home, hukou, migrant,
        None, home[:15] if home else None,
    )  # fmt: skip


def test_routes_by_hukou_or_residence_as_the_matter_says(gazetteer: Gazetteer) -> None:
    router = Router.from_gazetteer(gazetteer)
    home, hukou = _two_houses(gazetteer)
    person = _person("P1", home, hukou, False)
    catalogue = load_catalogue()
    by_hukou = router.route(catalogue.matter("HZ0407"), person)  # 临时身份证明
    by_home = router.route(catalogue.matter("HZ0504"), person)  # 居住证申领
    assert by_hukou.unit.code == gazetteer.station_of(hukou[:12]).code
    assert by_home.unit.code == gazetteer.station_of(home[:12]).code
    assert by_hukou.unit != by_home.unit
    assert by_home.house_code == home


def test_a_target_house_wins_for_residence_matters(gazetteer: Gazetteer) -> None:
    router = Router.from_gazetteer(gazetteer)
    home, target = _two_houses(gazetteer)
    routing = router.route(
        load_catalogue().matter("HZ0204"), _person("P1", home, home, False), target
    )
    assert routing.unit.code == gazetteer.station_of(target[:12]).code


def test_district_matters_and_unknown_applicants_go_to_the_brigade(gazetteer: Gazetteer) -> None:
    router = Router.from_gazetteer(gazetteer)
    home, _ = _two_houses(gazetteer)
    catalogue = load_catalogue()
    assert router.route(catalogue.matter("HZ0308"), _person("P1", home, home, False)).unit.brigade
    unknown = router.route(catalogue.matter("HZ0504"), None)
    assert unknown.unit.code == "370203P90"
    assert "人口大队" in unknown.why


def test_there_are_22_stations_plus_one_brigade(gazetteer: Gazetteer) -> None:
    units = Router.from_gazetteer(gazetteer).stations
    assert len(units) == 23
    assert [u.brigade for u in units].count(True) == 1
    assert units[-1].brigade


def test_hand_over_only_to_another_unit_of_the_district(gazetteer: Gazetteer) -> None:
    router = Router.from_gazetteer(gazetteer)
    assert router.check_hand_over("370203P01", "370203P02").code == "370203P02"
    with pytest.raises(HandOverRefused, match="本单位"):
        router.check_hand_over("370203P01", "370203P01")
    with pytest.raises(HandOverRefused, match="不是本区户政单位"):
        router.check_hand_over("370203P01", "370203P77")


def _reader(
    home: str, *, employed: bool, insured: bool, status: str = "存续"
) -> InMemoryFoundationReader:
    person = _person("P1", home, None, True)
    house = HouseView(
        home,
        "市北区示例路1号1号楼1单元101室",
        "住宅",
        60.0,
        "出租",
        None,
        None,
        ("P1",),
        home[:15],
        36.0,
        120.3,
    )
    org = OrganizationView(
        "O1", "91370203MA3C000011", "青岛示例科技有限公司", status, None, None, None, None, None, 1
    )
    relations = []
    if employed:
        source = "social_security" if insured else "housing_provident_fund"
        relations.append(Relation("employee", "P1", "O1", (Provenance(source, "b", 1),)))
    return InMemoryFoundationReader([person], [house], [org], relations)  # fmt: skip


def test_residence_permit_verification_proves_held_materials(gazetteer: Gazetteer) -> None:
    home = gazetteer.houses[0].code
    reader = _reader(home, employed=True, insured=True)
    matter = load_catalogue().matter("HZ0504")
    result = verify_application(reader, matter, "P1", id_number="11010519491231002x", name="王芳")
    assert result.passed
    assert {m.name for m in result.proven} == {
        "居民身份证",
        "居住登记满半年证明",
        "就业证明",
        "社会保险缴纳证明",
    }
    assert [m.name for m in result.to_submit] == ["住所证明（租赁合同或产权证）", "近期免冠照片"]
    employment = result.result(Check.EMPLOYMENT)
    assert employment is not None and "青岛示例科技有限公司" in employment.detail


def test_failed_checks_leave_the_material_to_submit(gazetteer: Gazetteer) -> None:
    home = gazetteer.houses[0].code
    reader = _reader(home, employed=True, insured=False, status="注销")
    matter = load_catalogue().matter("HZ0206")
    result = verify_application(reader, matter, "P1")
    outcome = {r.check: r.passed for r in result.results}
    assert outcome == {
        Check.IDENTITY: True,
        Check.RESIDENCE: True,
        Check.EMPLOYMENT: False,  # the employer is deregistered
        Check.SOCIAL_SECURITY: False,  # only a provident-fund row
    }
    assert "劳动合同" in {m.name for m in result.to_submit}
    assert not result.passed


def test_identity_mismatch_and_unknown_person_fail(gazetteer: Gazetteer) -> None:
    reader = _reader(gazetteer.houses[0].code, employed=False, insured=False)
    [wrong_id] = verify_person(reader, "P1", [Check.IDENTITY], id_number="370203199001011234")
    assert not wrong_id.passed and wrong_id.detail == "填写的身份号码与人口库不一致"
    [hukou] = verify_person(reader, "P1", [Check.HUKOU])
    assert not hukou.passed  # a migrant
    assert all(not r.passed for r in verify_person(reader, "P404", list(Check)))
