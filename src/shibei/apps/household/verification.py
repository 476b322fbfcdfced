"""One-network verification (一网核验): what the government already holds about an
applicant, read from the foundation, so the applicant does not submit it again.

Each check reads one library: identity and hukou from 人口库, the residence house from
房屋楼宇库, employment from 法人库 (an employee relation to an organization in business)
and social security from the 社保 feed's rows behind that relation. Details carry no
identifier (names of organizations and addresses only).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from shibei.apps.household.catalogue import Check, Material, Matter
from shibei.foundation.reader import FoundationReader, PersonView

DISTRICT = "370203"
SOCIAL_SECURITY_SOURCE = "social_security"
IN_BUSINESS = "存续"


@dataclass(frozen=True, slots=True)
class CheckResult:
    check: Check
    passed: bool
    detail: str  # Chinese, no personal identifier

    @property
    def label(self) -> str:
        return self.check.label


@dataclass(frozen=True, slots=True)
class Verification:
    """The checks of one application and the materials still to submit."""

    results: tuple[CheckResult, ...]
    proven: tuple[Material, ...]  # held by the government and confirmed: not asked for
    to_submit: tuple[Material, ...]

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.results)

    def result(self, check: Check) -> CheckResult | None:
        return next((r for r in self.results if r.check is check), None)


def verify_person(
    reader: FoundationReader,
    person_id: str | None,
    checks: Iterable[Check],
    *,
    id_number: str | None = None,
    name: str | None = None,
) -> list[CheckResult]:
    """Run `checks` for the person; an unknown person fails every check.

    `id_number`/`name`, when given (what the applicant typed), must match the 人口库."""
    person = reader.person(person_id) if person_id else None
    results = []
    for check in dict.fromkeys(checks):
        if person is None:
            results.append(CheckResult(check, False, "人口库中未找到申请人"))
            continue
        results.append(_run(reader, person, check, id_number, name))
    return results


def verify_application(
    reader: FoundationReader,
    matter: Matter,
    person_id: str | None,
    *,
    id_number: str | None = None,
    name: str | None = None,
) -> Verification:
    """The matter's checks, and which of its materials they prove."""
    results = verify_person(reader, person_id, matter.verify, id_number=id_number, name=name)
    passed = {r.check for r in results if r.passed}
    proven = tuple(m for m in matter.materials if m.held is not None and m.held in passed)
    to_submit = tuple(m for m in matter.materials if m not in proven)
    return Verification(tuple(results), proven, to_submit)


def _run(
    reader: FoundationReader,
    person: PersonView,
    check: Check,
    id_number: str | None,
    name: str | None,
) -> CheckResult:
    if check is Check.IDENTITY:
        if not person.id_number:
            return CheckResult(check, False, "人口库中无有效身份号码")
        if id_number and id_number.strip().upper() != person.id_number.upper():
            return CheckResult(check, False, "填写的身份号码与人口库不一致")
        if name and name.strip() != person.name:
            return CheckResult(check, False, "填写的姓名与人口库不一致")
        return CheckResult(check, True, "身份信息与人口库一致")
    if check is Check.HUKOU:
        hukou = person.hukou_house_code
        if hukou and hukou.startswith(DISTRICT) and not person.is_migrant:
            return CheckResult(check, True, "本区户籍人口")
        return CheckResult(check, False, "人口库中无本区户籍登记")
    if check is Check.RESIDENCE:
        house = reader.house(person.house_code) if person.house_code else None
        if house is None:
            return CheckResult(check, False, "房屋楼宇库中未找到居住房屋")
        return CheckResult(check, True, f"居住房屋：{house.address}")
    employers = [
        r
        for r in reader.relations(person.person_id)
        if r.kind == "employee" and r.left_id == person.person_id
    ]
    if check is Check.EMPLOYMENT:
        for relation in employers:
            org = reader.organization(relation.right_id)
            if org is not None and org.status == IN_BUSINESS:
                return CheckResult(check, True, f"就业单位：{org.name}（{org.status}）")
        return CheckResult(check, False, "法人库中无在业单位的就业记录")
    # social security: an employee relation backed by a row of the 社保 feed
    for relation in employers:
        if any(p.source == SOCIAL_SECURITY_SOURCE for p in relation.provenance):
            return CheckResult(check, True, "社保库有参保缴费记录")
    return CheckResult(check, False, "社保库中无参保缴费记录")
