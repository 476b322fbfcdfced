"""Synthetic residents: households living in houses, hukou residents and migrants,
owners and tenants, moves within the district, phones.

Deterministic for a given `random.Random`. Nothing here is a real person.
"""

from __future__ import annotations

import random
from bisect import bisect
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate

from shibei.gazetteer.model import House
from shibei.synth.names import NameGenerator, split_name
from shibei.synth.regions import RegionSampler, make_id_number, valid_in

REFERENCE_DATE = date(2025, 12, 31)
"""Ages are computed on this day, the end of the event history."""

MIGRANT_HOUSEHOLD_SHARE = 0.22
"""Share of households that are migrants (流动人口), renting in the district."""
MOVED_HOUSEHOLD_SHARE = 0.06
"""Share of households that moved within the district during 2024–2025."""
SPLIT_HUKOU_SHARE = 0.08
"""Share of hukou households registered at another house (人户分离)."""
SECOND_PHONE_SHARE = 0.10
"""Share of adults with a second mobile number."""

# Household types: (weight for hukou households, weight for migrant households).
_HOUSEHOLD_TYPES = {
    "single": (0.18, 0.40),
    "couple": (0.30, 0.20),
    "nuclear": (0.34, 0.28),
    "three_generations": (0.14, 0.02),
    "shared": (0.04, 0.10),
}

_ETHNICITIES = ("汉族", "回族", "满族", "朝鲜族", "蒙古族")
_ETHNICITY_WEIGHTS = (0.985, 0.006, 0.005, 0.003, 0.001)
_EDUCATION = ("小学", "初中", "高中", "中专", "大专", "本科", "研究生")
_EDUCATION_WEIGHTS = (0.08, 0.22, 0.18, 0.08, 0.18, 0.22, 0.04)


@dataclass(slots=True)
class Person:
    """A resident (实有人口)."""

    id: str
    name: str
    sex: str  # 男 | 女
    birth: date
    id_number: str
    ethnicity: str
    education: str
    phones: list[str]  # first is the one most feeds carry; may be empty (children)
    household_id: str
    relation: str  # 与户主关系
    house_code: str  # where the person lives now
    hukou: bool  # True: registered hukou resident; False: migrant (流动人口)
    hukou_house_code: str | None  # hukou registration address inside the district
    origin_region: str  # 6-digit region of the ID number
    previous_house_code: str | None = None  # before a move within the district
    moved_on: date | None = None
    employer_id: str | None = None

    @property
    def age(self) -> int:
        return age_on(self.birth, REFERENCE_DATE)


@dataclass(slots=True)
class Household:
    """户: people living together in one house."""

    id: str
    house_code: str
    hukou: bool
    tenure: str  # 自有 | 租住
    owner_id: str | None  # the owning person (None: owned by an organization or unknown)
    member_ids: list[str] = field(default_factory=list)
    previous_house_code: str | None = None
    moved_on: date | None = None


@dataclass(slots=True)
class Population:
    persons: list[Person]
    households: list[Household]
    vacant_house_codes: list[str]

    def by_id(self) -> dict[str, Person]:
        return {p.id: p for p in self.persons}


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


class _Sampler:
    """Weighted choice with precomputed cumulative weights (faster than random.choices)."""

    def __init__(self, rng: random.Random, items: tuple[str, ...], weights: tuple[float, ...]):
        self._rng = rng
        self._items = items
        self._cum = list(accumulate(weights))

    def __call__(self) -> str:
        return self._items[bisect(self._cum, self._rng.random() * self._cum[-1])]


class PopulationBuilder:
    """Builds households into houses until the resident target is reached."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._names = NameGenerator(rng)
        self._regions = RegionSampler(rng)
        self._ethnicity = _Sampler(rng, _ETHNICITIES, _ETHNICITY_WEIGHTS)
        self._education = _Sampler(rng, _EDUCATION, _EDUCATION_WEIGHTS)
        self._id_numbers: set[str] = set()
        self._phones: set[str] = set()
        self._persons: list[Person] = []

    def build(self, houses: list[House], residents: int) -> Population:
        rng = self._rng
        homes = [h for h in houses if h.use == "住宅"]
        rng.shuffle(homes)
        households: list[Household] = []
        used = 0
        while len(self._persons) < residents and used < len(homes):
            household = self._household(f"H{len(households) + 1:08d}", homes[used].code)
            households.append(household)
            used += 1
        vacant = [h.code for h in homes[used:]]
        self._move_some(households, vacant)
        self._split_hukou(households, homes)
        self._assign_owners(households)
        return Population(self._persons, households, vacant)

    # -- households -------------------------------------------------------------------

    def _household(self, household_id: str, house_code: str) -> Household:
        rng = self._rng
        hukou = rng.random() >= MIGRANT_HOUSEHOLD_SHARE
        column = 0 if hukou else 1
        kinds = tuple(_HOUSEHOLD_TYPES)
        kind = rng.choices(kinds, weights=[w[column] for w in _HOUSEHOLD_TYPES.values()])[0]
        tenure = (
            ("自有" if rng.random() < 0.86 else "租住")
            if hukou
            else ("租住" if rng.random() < 0.88 else "自有")
        )
        household = Household(household_id, house_code, hukou, tenure, owner_id=None)
        region = self._regions.hukou_region() if hukou else self._regions.migrant_region()
        head_age = self._head_age(kind, hukou)
        head_sex = "男" if rng.random() < 0.58 else "女"
        head = self._person(household, "户主", head_sex, head_age, region)
        surname_of_children = split_name(head.name)[0] if head_sex == "男" else None
        if kind in ("couple", "nuclear", "three_generations"):
            spouse_age = max(20, head_age + rng.randint(-5, 4))
            self._person(household, "配偶", "女" if head_sex == "男" else "男", spouse_age, region)
            if surname_of_children is None:
                surname_of_children = split_name(self._persons[-1].name)[0]
        if kind in ("nuclear", "three_generations"):
            for _ in range(1 if rng.random() < 0.62 else 2):
                child_age = head_age - rng.randint(24, 36)
                if child_age < 0:
                    continue
                sex = "男" if rng.random() < 0.51 else "女"
                child = self._person(household, "子女", sex, child_age, region)
                if surname_of_children and rng.random() < 0.85:
                    child.name = surname_of_children + split_name(child.name)[1]
        if kind == "three_generations":
            elder_age = min(100, head_age + rng.randint(24, 32))
            self._person(household, "父母", "女" if rng.random() < 0.6 else "男", elder_age, region)
        if kind == "shared":
            for _ in range(rng.randint(1, 3)):
                other_region = self._regions.migrant_region() if not hukou else region
                self._person(
                    household,
                    "其他",
                    "男" if rng.random() < 0.5 else "女",
                    rng.randint(19, 45),
                    other_region,
                )
        return household

    def _head_age(self, kind: str, hukou: bool) -> int:
        rng = self._rng
        if not hukou:
            return rng.randint(19, 55) if kind != "nuclear" else rng.randint(28, 50)
        if kind == "single":
            # Old district: many elderly living alone, some young singles.
            return rng.randint(65, 92) if rng.random() < 0.45 else rng.randint(20, 64)
        if kind == "couple":
            return rng.randint(55, 88) if rng.random() < 0.6 else rng.randint(24, 54)
        if kind == "nuclear":
            return rng.randint(28, 62)
        if kind == "three_generations":
            return rng.randint(30, 55)
        return rng.randint(20, 60)

    def _person(
        self, household: Household, relation: str, sex: str, age: int, region: str
    ) -> Person:
        rng = self._rng
        birth = REFERENCE_DATE - timedelta(days=age * 365 + rng.randint(0, 364))
        if not household.hukou and relation in ("户主", "其他") and rng.random() < 0.3:
            region = self._regions.migrant_region()
        # Children of migrants are often born in Qingdao.
        if relation == "子女" and not household.hukou and rng.random() < 0.4:
            region = self._regions.hukou_region(birth.year)
        if not valid_in(region, birth.year):  # e.g. 四方区 (370205) ceased in 2012
            region = (
                self._regions.hukou_region(birth.year)
                if household.hukou
                else self._regions.migrant_region(birth.year)
            )
        id_number = make_id_number(region, birth, sex, rng)
        while id_number in self._id_numbers:
            id_number = make_id_number(region, birth, sex, rng)
        self._id_numbers.add(id_number)
        person = Person(
            id=f"P{len(self._persons) + 1:08d}",
            name=self._names.person_name(sex, birth.year),
            sex=sex,
            birth=birth,
            id_number=id_number,
            ethnicity=self._ethnicity(),
            education=self._education() if age >= 22 else ("小学" if age >= 7 else "学龄前"),
            phones=self._phones_for(age),
            household_id=household.id,
            relation=relation,
            house_code=household.house_code,
            hukou=household.hukou,
            hukou_house_code=household.house_code if household.hukou else None,
            origin_region=region,
        )
        household.member_ids.append(person.id)
        self._persons.append(person)
        return person

    def _phones_for(self, age: int) -> list[str]:
        rng = self._rng
        if age < 12:
            return []
        if age >= 75 and rng.random() < 0.4:
            return [self._unique_phone(landline=True)]
        phones = [self._unique_phone(landline=False)]
        if age >= 18 and rng.random() < SECOND_PHONE_SHARE:
            phones.append(self._unique_phone(landline=False))
        return phones

    def _unique_phone(self, landline: bool) -> str:
        rng = self._rng
        while True:
            if landline:
                phone = f"0532{rng.choice('68')}{rng.randint(0, 9_999_999):07d}"
            else:
                prefix = rng.choice(_MOBILE_PREFIXES)
                phone = f"{prefix}{rng.randint(0, 99_999_999):08d}"
            if phone not in self._phones:
                self._phones.add(phone)
                return phone

    # -- after all households exist -----------------------------------------------------

    def _move_some(self, households: list[Household], vacant: list[str]) -> None:
        """Some households moved within the district; the house they left stands vacant."""
        rng = self._rng
        members = self._members(households)
        for household in households:
            if not vacant or rng.random() >= MOVED_HOUSEHOLD_SHARE:
                continue
            old = vacant[rng.randrange(len(vacant))]
            moved_on = date(2024, 1, 1) + timedelta(days=rng.randint(0, 700))
            household.previous_house_code, household.moved_on = old, moved_on
            for person in members[household.id]:
                person.previous_house_code, person.moved_on = old, moved_on
                if person.hukou and rng.random() < 0.5:
                    # Half of the movers have not moved their hukou yet.
                    person.hukou_house_code = old

    def _split_hukou(self, households: list[Household], homes: list[House]) -> None:
        """Some hukou residents are registered at a house they do not live in."""
        rng = self._rng
        members = self._members(households)
        for household in households:
            if not household.hukou or rng.random() >= SPLIT_HUKOU_SHARE:
                continue
            registered = homes[rng.randrange(len(homes))].code
            for person in members[household.id]:
                person.hukou_house_code = registered

    def _assign_owners(self, households: list[Household]) -> None:
        """Owners: the head for owner-occupiers; another adult resident for tenants."""
        rng = self._rng
        adults = [p for p in self._persons if p.hukou and p.age >= 30]
        for household in households:
            if household.tenure == "自有":
                household.owner_id = household.member_ids[0]
            elif adults and rng.random() < 0.95:
                household.owner_id = adults[rng.randrange(len(adults))].id

    def _members(self, households: list[Household]) -> dict[str, list[Person]]:
        by_id = {p.id: p for p in self._persons}
        return {h.id: [by_id[i] for i in h.member_ids] for h in households}


_MOBILE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "176",
    "177",
    "178",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "191",
    "198",
    "199",
)
