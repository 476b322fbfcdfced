"""Source specs: what one departmental feed is and how its rows become clean rows and
mentions. One versioned YAML file per feed (`specs/*.yaml`), validated here by pydantic;
a new real feed needs only a new spec.

>>> spec = load_spec(SPEC_DIR / "disputes.yaml")                      # doctest: +SKIP
>>> spec.format, spec.fields["parties"].type
('jsonl', 'records')
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from shibei.errors import ConfigError

SPEC_DIR = Path(__file__).parent / "specs"
"""The specs of the reference district's 16 feeds (and any real feed added next to them)."""

SPEC_FORMAT_VERSION = 1


class SpecError(ConfigError):
    """A source spec that cannot be used; the message (Chinese) names the field."""


class FieldType(StrEnum):
    string = "string"  # kept as written (trimmed)
    integer = "integer"
    decimal = "decimal"
    date = "date"  # 20240305, 2024-03-05, 2024/3/5, 2024年3月5日, datetime strings
    datetime = "datetime"
    sex = "sex"  # 男/女 → M/F
    person_name = "person_name"  # + <field>_std, <field>_key
    org_name = "org_name"  # + <field>_key
    id_number = "id_number"  # + <field>_std, <field>_problem
    uscc = "uscc"  # + <field>_std, <field>_problem
    phone = "phone"  # + <field>_std
    address = "address"  # + house_code, <field>_code, <field>_level, <field>_confidence
    records = "records"  # a nested list of objects (JSON Lines), with its own fields


class OnInvalid(StrEnum):
    """What an invalid identifier (id_number, uscc) does to its row."""

    keep = "keep"  # row stays clean; <field>_std NULL, <field>_problem says why
    quarantine_garbage = "quarantine_garbage"  # quarantine only values not shaped like one
    quarantine = "quarantine"  # quarantine every value that neither validates nor upgrades


class When(BaseModel):
    """The field holds a value only on rows where `field` is one of `in` (e.g. 证件号码 is a
    person's ID number only where 证件种类 is 居民身份证)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    field: str
    in_: list[str] = Field(alias="in", min_length=1)


class FieldSpec(BaseModel):
    """One canonical field: where it comes from and what it must be."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    column: str | None = None
    columns: list[str] | None = None  # several source columns joined (小区名称 + 房号)
    separator: str = ""
    type: FieldType = FieldType.string
    required: bool = False
    label: str | None = None  # Chinese name for messages; default: the column
    formats: list[str] | None = None  # strptime formats tried first for dates
    on_invalid: OnInvalid = OnInvalid.quarantine_garbage
    allowed: list[str] | None = None  # values outside the list quarantine the row
    when: When | None = None
    street_hint: str | None = None  # address: field holding the street (name or code)
    fields: dict[str, FieldSpec] | None = None  # records: the nested object's fields

    @model_validator(mode="after")
    def _check(self) -> FieldSpec:
        if (self.column is None) == (self.columns is None):
            raise ValueError("需要 column 或 columns 之一（且只能有一个）")
        if self.type is FieldType.records:
            if not self.fields:
                raise ValueError("records 类型需要 fields")
            if any(f.type is FieldType.records for f in self.fields.values()):
                raise ValueError("records 不能嵌套 records")
        elif self.fields is not None:
            raise ValueError("只有 records 类型可以有 fields")
        return self

    @property
    def source_columns(self) -> list[str]:
        return list(self.columns) if self.columns is not None else [str(self.column)]

    def display(self, name: str) -> str:
        return self.label or self.column or "+".join(self.columns or []) or name


_REF = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$")


class PersonMentionSpec(BaseModel):
    """A person a clean row names. Values are canonical field names; inside `each` (a
    records field) `parties.name` names a field of each nested object."""

    model_config = ConfigDict(extra="forbid")
    role: str
    each: str | None = None
    name: str | None = None
    id_number: str | None = None
    phone: str | None = None
    address: str | None = None
    uscc: str | None = None  # the organization the mention is tied to (employer)
    birth_date: str | None = None  # else read from a valid id_number
    sex: str | None = None  # else read from a valid id_number
    observed_on: str | None = None  # default: the spec's observed_on
    require_any: list[str] | None = None  # default: name, id_number


class OrganizationMentionSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: str
    each: str | None = None
    name: str | None = None
    uscc: str | None = None
    legal_rep_name: str | None = None
    address: str | None = None
    observed_on: str | None = None
    require_any: list[str] | None = None  # default: name, uscc


class Mentions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    persons: list[PersonMentionSpec] = []
    organizations: list[OrganizationMentionSpec] = []


class Rules(BaseModel):
    model_config = ConfigDict(extra="forbid")
    require_any: list[list[str]] = []  # each group: at least one field not empty


class SourceSpec(BaseModel):
    """One feed: its file, format, owner, fields, rules and mentions."""

    model_config = ConfigDict(extra="forbid")
    spec_format: Literal[1] = 1
    spec_version: int = Field(ge=1)  # bump when a change alters clean rows
    source: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    department: str
    level: Literal["city", "district", "street"]
    file: str  # glob in the feeds directory, e.g. police_household_registry.csv
    format: Literal["csv", "xlsx", "jsonl", "parquet", "sql"]
    encoding: str = "utf-8"
    sheet: str | None = None  # xlsx: the sheet (default the first)
    table: str | None = None  # sql: the table
    observed_on: str | None = None  # the date field saying when the row's facts held
    fields: dict[str, FieldSpec]
    rules: Rules = Rules()
    mentions: Mentions = Mentions()

    @field_validator("fields")
    @classmethod
    def _field_names(cls, fields: dict[str, FieldSpec]) -> dict[str, FieldSpec]:
        for name in fields:
            if not re.match(r"^[a-z][a-z0-9_]*$", name):
                raise ValueError(f"字段名 {name} 须为小写英文、数字或下划线")
        return fields

    @model_validator(mode="after")
    def _references(self) -> SourceSpec:
        fields = self.fields
        if self.format == "sql" and not self.table:
            raise ValueError("format 为 sql 时需要 table")

        def need(ref: str | None, where: str, types: set[FieldType] | None = None) -> None:
            if ref is None:
                return
            if not _REF.match(ref):
                raise ValueError(f"{where} 引用的字段 {ref} 写法不对")
            head, _, sub = ref.partition(".")
            f = fields.get(head)
            if f is None:
                raise ValueError(f"{where} 引用了不存在的字段 {head}")
            if sub:
                if f.fields is None or sub not in f.fields:
                    raise ValueError(f"{where} 引用了不存在的字段 {ref}")
                f = f.fields[sub]
            if types is not None and f.type not in types:
                allowed = "/".join(sorted(t.value for t in types))
                raise ValueError(
                    f"{where} 引用的字段 {ref} 类型应为 {allowed}，而不是 {f.type.value}"
                )

        dates = {FieldType.date, FieldType.datetime}
        need(self.observed_on, "observed_on", dates)
        for name, f in fields.items():
            if f.when is not None:
                need(f.when.field, f"字段 {name} 的 when")
            if f.street_hint is not None:
                if f.type is not FieldType.address:
                    raise ValueError(f"字段 {name}: 只有 address 类型可以有 street_hint")
                need(f.street_hint, f"字段 {name} 的 street_hint")
        for group in self.rules.require_any:
            for ref in group:
                need(ref, "rules.require_any")
        for m in self.mentions.persons:
            where = f"人员提及 {m.role}"
            if m.each is not None:
                need(m.each, where + " 的 each", {FieldType.records})
            need(m.name, where + " 的 name", {FieldType.person_name})
            need(m.id_number, where + " 的 id_number", {FieldType.id_number})
            need(m.phone, where + " 的 phone", {FieldType.phone})
            need(m.address, where + " 的 address", {FieldType.address})
            need(m.uscc, where + " 的 uscc", {FieldType.uscc})
            need(m.birth_date, where + " 的 birth_date", dates)
            need(m.sex, where + " 的 sex", {FieldType.sex})
            need(m.observed_on, where + " 的 observed_on", dates)
            for ref in m.require_any or []:
                need(ref, where + " 的 require_any")
        for o in self.mentions.organizations:
            where = f"单位提及 {o.role}"
            if o.each is not None:
                need(o.each, where + " 的 each", {FieldType.records})
            need(o.name, where + " 的 name", {FieldType.org_name})
            need(o.uscc, where + " 的 uscc", {FieldType.uscc})
            need(o.legal_rep_name, where + " 的 legal_rep_name", {FieldType.person_name})
            need(o.address, where + " 的 address", {FieldType.address})
            need(o.observed_on, where + " 的 observed_on", dates)
            for ref in o.require_any or []:
                need(ref, where + " 的 require_any")
        return self

    def file_columns(self) -> list[str]:
        """Source columns the spec reads, in spec order (no duplicates)."""
        out: list[str] = []
        for f in self.fields.values():
            for c in f.source_columns:
                if c not in out:
                    out.append(c)
        return out


def _message(error: ValidationError, origin: str) -> str:
    lines = []
    for e in error.errors():
        where = ".".join(str(p) for p in e["loc"]) or "（顶层）"
        text = str(e["msg"]).removeprefix("Value error, ")
        if e["type"] == "missing":
            text = "缺少必填项"
        elif e["type"] == "extra_forbidden":
            text = "不认识的配置项"
        elif e["type"] in ("enum", "literal_error"):
            text = f"取值不在允许范围内（{e.get('ctx', {}).get('expected', '')}）"
        lines.append(f"字段 {where}: {text}")
    return f"数据源配置 {origin} 无效：\n  " + "\n  ".join(lines)


def parse_spec(data: Any, origin: str = "<spec>") -> SourceSpec:
    """Validate a spec's data; SpecError (Chinese, naming each bad field) if invalid."""
    try:
        return SourceSpec.model_validate(data)
    except ValidationError as error:
        raise SpecError(_message(error, origin)) from None


def load_spec(path: Path) -> SourceSpec:
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise SpecError(f"无法读取数据源配置 {path}: {error}") from error
    return parse_spec(data, str(path.name))


def load_specs(directory: Path = SPEC_DIR) -> dict[str, SourceSpec]:
    """Every `*.yaml` spec in a directory, by source name."""
    specs: dict[str, SourceSpec] = {}
    for path in sorted(directory.glob("*.yaml")):
        spec = load_spec(path)
        if spec.source in specs:
            raise SpecError(f"数据源 {spec.source} 在 {directory} 中配置了两次")
        specs[spec.source] = spec
    return specs


def iter_fields(spec: SourceSpec) -> Iterator[tuple[str, FieldSpec]]:
    """Top-level fields, then each records field's subfields as `records.sub`."""
    for name, f in spec.fields.items():
        yield name, f
        for sub, g in (f.fields or {}).items():
            yield f"{name}.{sub}", g
