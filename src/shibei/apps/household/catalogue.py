"""The matter catalogue (事项目录) of the 22+1 household-registration units, read from
`matters.yaml` and validated; dynamic forms in the Open311 service-definition style
(attribute datatypes string | number | datetime | text | singlevaluelist |
multivaluelist) and their validation with Chinese messages.

>>> catalogue = load_catalogue()
>>> catalogue.matter("HZ0504").name
'居住证申领'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from shibei.errors import ConfigError, ShibeiError
from shibei.standardize.id_number import check_id_number

MATTERS_FILE = Path(__file__).with_name("matters.yaml")
Datatype = Literal["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Route(StrEnum):
    """Which unit a matter goes to ("22+1")."""

    HUKOU = "hukou"  # the station of the applicant's hukou house
    RESIDENCE = "residence"  # the station of the house the applicant lives in (or moves to)
    BRIGADE = "brigade"  # the district population brigade (人口大队)


class Check(StrEnum):
    """The one-network checks (一网核验) against the foundation."""

    IDENTITY = "identity"  # 人口库: the person and the ID number
    HUKOU = "hukou"  # 人口库: hukou registered in the district
    RESIDENCE = "residence"  # 房屋楼宇库: the house the person lives in
    EMPLOYMENT = "employment"  # 法人库: employed by an organization in business
    SOCIAL_SECURITY = "social_security"  # 社保: contributions recorded

    @property
    def label(self) -> str:
        return CHECK_LABELS[self]


CHECK_LABELS: dict[Check, str] = {
    Check.IDENTITY: "身份核验（人口库）",
    Check.HUKOU: "户籍核验（人口库）",
    Check.RESIDENCE: "住所核验（房屋楼宇库）",
    Check.EMPLOYMENT: "就业核验（法人库）",
    Check.SOCIAL_SECURITY: "社保核验（社保库）",
}


class FieldValue(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    key: str
    name: str


class FormField(BaseModel):
    """One attribute of a service definition (Open311 GeoReport v2)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    code: str = ""
    datatype: Datatype
    required: bool = False
    description: str
    values: tuple[FieldValue, ...] = ()
    max_length: int | None = None
    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _lists_have_values(self) -> FormField:
        if self.datatype.endswith("valuelist") and not self.values:
            raise ValueError(f"{self.description}：列表型字段缺少可选值")
        return self

    def open311(self, order: int) -> dict[str, Any]:
        """The attribute as GeoReport v2 `services/{code}.json` lists it."""
        return {
            "variable": True,
            "code": self.code,
            "datatype": self.datatype,
            "required": self.required,
            "datatype_description": _DATATYPE_HINTS[self.datatype],
            "order": order,
            "description": self.description,
            "values": [{"key": v.key, "name": v.name} for v in self.values],
        }


_DATATYPE_HINTS = {
    "string": "文本",
    "text": "多行文本",
    "number": "数字",
    "datetime": "日期，格式 YYYY-MM-DD",
    "singlevaluelist": "单选",
    "multivaluelist": "多选",
}


class Material(BaseModel):
    """A required document. `held`: the check whose success proves it from government
    data (一网核验), so the applicant does not submit it; `upload`: online applicants
    upload a scan."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str
    held: Check | None = None
    upload: bool = False


class Matter(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    code: str = Field(pattern=r"^HZ\d{4}$")
    name: str
    category: str
    route: Route
    online: bool  # 网上办 (微警务)
    nearby: bool  # 就近办: any station takes the application
    immediate: bool  # 即时办结 at the window
    time_limit_days: int = Field(ge=0, le=60)  # legal time limit, working days
    basis: str
    fields: tuple[FormField, ...]
    materials: tuple[Material, ...]
    verify: tuple[Check, ...]

    @model_validator(mode="after")
    def _consistent(self) -> Matter:
        if self.immediate != (self.time_limit_days == 0):
            raise ValueError(f"{self.code}：即时办结事项的时限为 0，其余须大于 0")
        return self

    @property
    def uploads(self) -> tuple[Material, ...]:
        return tuple(m for m in self.materials if m.upload)

    def field(self, code: str) -> FormField | None:
        return next((f for f in self.fields if f.code == code), None)


class Catalogue:
    """The matters by code, in catalogue order."""

    def __init__(self, matters: list[Matter]) -> None:
        self.matters: tuple[Matter, ...] = tuple(matters)
        self._by_code = {m.code: m for m in matters}
        if len(self._by_code) != len(matters):
            raise ConfigError("事项目录中有重复的事项编码")

    def matter(self, code: str) -> Matter:
        """The matter; raises UnknownMatter (Chinese message) for an unknown code."""
        found = self._by_code.get(code)
        if found is None:
            raise UnknownMatter(f"事项编码不存在：{code[:20]}")
        return found

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __len__(self) -> int:
        return len(self.matters)

    def categories(self) -> dict[str, list[Matter]]:
        grouped: dict[str, list[Matter]] = {}
        for m in self.matters:
            grouped.setdefault(m.category, []).append(m)
        return grouped


class UnknownMatter(ShibeiError):
    pass


class FormInvalid(ShibeiError):
    """Form values that do not fit the matter's fields; `errors` maps field → message."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("；".join(errors.values()))


def parse_catalogue(raw: Mapping[str, Any]) -> Catalogue:
    """Validate the YAML structure; the field library is expanded into each matter."""
    try:
        library = {
            key: FormField.model_validate({**value, "code": key})
            for key, value in raw["fields"].items()
        }
        matters = []
        for entry in raw["matters"]:
            entry = dict(entry)
            names = entry.pop("fields")
            missing = [n for n in names if n not in library]
            if missing:
                raise ConfigError(f"{entry.get('code')}：字段库中没有 {', '.join(missing)}")
            entry["fields"] = [library[n] for n in names]
            matters.append(Matter.model_validate(entry))
    except (KeyError, TypeError, ValidationError) as exc:
        raise ConfigError(f"事项目录格式错误：{exc}") from exc
    return Catalogue(matters)


@cache
def load_catalogue(path: Path = MATTERS_FILE) -> Catalogue:
    """The catalogue of `matters.yaml` (cached)."""
    with path.open(encoding="utf-8") as fh:
        return parse_catalogue(yaml.safe_load(fh))


def validate_form(
    matter: Matter,
    values: Mapping[str, str | list[str]],
    held: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The cleaned values of one application form, or FormInvalid with a Chinese message
    per field. Unknown keys are ignored; numbers become int/float, dates `date`. `held`:
    values the government already holds for the applicant (name, ID number from 人口库);
    they replace what was typed and are not checked again.

    >>> validate_form(load_catalogue().matter("HZ0407"), {"applicant_name": "张三"})
    Traceback (most recent call last):
    ...
    shibei.apps.household.catalogue.FormInvalid: 请填写公民身份号码；请填写联系电话；请填写用途
    """
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    held = held or {}
    for f in matter.fields:
        if held.get(f.code):
            clean[f.code] = held[f.code]
            continue
        raw = values.get(f.code)
        items = [raw] if isinstance(raw, str) else list(raw or [])
        items = [i.strip() for i in items if i and i.strip()]
        if not items:
            if f.required:
                errors[f.code] = f"请填写{f.description}"
            continue
        try:
            clean[f.code] = _value(f, items)
        except ValueError as exc:
            errors[f.code] = f"{f.description}：{exc}"
    if errors:
        raise FormInvalid(errors)
    return clean


def _value(f: FormField, items: list[str]) -> Any:
    for item in items:
        if _CONTROL.search(item):
            raise ValueError("含有非法字符")
        if f.max_length is not None and len(item) > f.max_length:
            raise ValueError(f"不能超过 {f.max_length} 个字")
    keys = {v.key for v in f.values}
    if f.datatype == "multivaluelist":
        bad = [i for i in items if i not in keys]
        if bad:
            raise ValueError("选项不在可选范围内")
        return items
    item = items[0]
    if f.datatype == "singlevaluelist":
        if item not in keys:
            raise ValueError("选项不在可选范围内")
        return item
    if f.datatype == "number":
        try:
            number = float(item)
        except ValueError:
            raise ValueError("须为数字") from None
        if (f.min is not None and number < f.min) or (f.max is not None and number > f.max):
            raise ValueError(f"须在 {f.min:g} 到 {f.max:g} 之间")
        return int(number) if number.is_integer() else number
    if f.datatype == "datetime":
        try:
            return date.fromisoformat(item[:10])
        except ValueError:
            raise ValueError("日期格式应为 YYYY-MM-DD") from None
    if f.code in ("id_number", "deceased_id_number") and not check_id_number(item).valid:
        raise ValueError("号码格式或校验位不正确")
    return item
