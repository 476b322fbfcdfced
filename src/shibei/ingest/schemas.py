"""Arrow schemas of what ingestion writes to the lake (docs/pipeline.md): the ledger,
clean rows (per spec), quarantined rows, person and organization mentions."""

from __future__ import annotations

import pyarrow as pa

from shibei.ingest.spec import FieldSpec, FieldType, SourceSpec

LINEAGE = [
    pa.field("source", pa.string(), nullable=False),
    pa.field("batch", pa.string(), nullable=False),
    pa.field("row", pa.int64(), nullable=False),
]

LEDGER_SCHEMA = pa.schema(
    [
        pa.field("source", pa.string(), nullable=False),
        pa.field("batch", pa.string(), nullable=False),
        pa.field("file", pa.string(), nullable=False),
        pa.field("loaded_at", pa.timestamp("s"), nullable=False),
        pa.field("rows_in", pa.int64(), nullable=False),
        pa.field("rows_clean", pa.int64(), nullable=False),
        pa.field("rows_quarantined", pa.int64(), nullable=False),
        pa.field("spec_version", pa.int64(), nullable=False),
    ]
)

QUARANTINE_SCHEMA = pa.schema(
    [
        *LINEAGE,
        pa.field("row_hash", pa.string()),
        pa.field("reason_code", pa.string(), nullable=False),
        pa.field("reason", pa.string(), nullable=False),
        pa.field("field", pa.string()),
        pa.field("value", pa.string()),
        pa.field("raw", pa.string()),
    ]
)

PERSON_MENTION_SCHEMA = pa.schema(
    [
        pa.field("mention_id", pa.string(), nullable=False),
        *LINEAGE,
        pa.field("role", pa.string(), nullable=False),
        pa.field("name", pa.string()),
        pa.field("name_std", pa.string()),
        pa.field("name_key", pa.string()),
        pa.field("id_number_raw", pa.string()),
        pa.field("id_number_std", pa.string()),
        pa.field("birth_date", pa.date32()),
        pa.field("sex", pa.string()),
        pa.field("phone_std", pa.string()),
        pa.field("house_code", pa.string()),
        pa.field("address_code", pa.string()),
        pa.field("address_level", pa.string()),
        pa.field("uscc_std", pa.string()),
        pa.field("observed_on", pa.date32()),
    ]
)

ORGANIZATION_MENTION_SCHEMA = pa.schema(
    [
        pa.field("mention_id", pa.string(), nullable=False),
        *LINEAGE,
        pa.field("role", pa.string(), nullable=False),
        pa.field("name", pa.string()),
        pa.field("org_name_key", pa.string()),
        pa.field("uscc_raw", pa.string()),
        pa.field("uscc_std", pa.string()),
        pa.field("legal_rep_name_key", pa.string()),
        pa.field("house_code", pa.string()),
        pa.field("address_code", pa.string()),
        pa.field("address_level", pa.string()),
        pa.field("observed_on", pa.date32()),
    ]
)

_VALUE_TYPES: dict[FieldType, pa.DataType] = {
    FieldType.integer: pa.int64(),
    FieldType.decimal: pa.float64(),
    FieldType.date: pa.date32(),
    FieldType.datetime: pa.timestamp("s"),
}


def address_columns(name: str) -> tuple[str, str, str, str]:
    """House code, code, level and confidence columns of an address field: `address` →
    house_code, address_code, address_level, address_confidence; `new_address` →
    new_address_house_code, new_address_code, …"""
    house = "house_code" if name == "address" else f"{name}_house_code"
    return house, f"{name}_code", f"{name}_level", f"{name}_confidence"


def field_columns(name: str, f: FieldSpec) -> list[pa.Field]:
    """The field's own column, then its standardized columns."""
    base = name.rpartition(".")[2]
    if f.type is FieldType.records:
        return [pa.field(base, record_type(f))]
    out = [pa.field(base, _VALUE_TYPES.get(f.type, pa.string()))]
    s = pa.string()
    if f.type in (FieldType.id_number, FieldType.uscc):
        out += [pa.field(f"{base}_std", s), pa.field(f"{base}_problem", s)]
    elif f.type is FieldType.person_name:
        out += [pa.field(f"{base}_std", s), pa.field(f"{base}_key", s)]
    elif f.type is FieldType.org_name:
        out += [pa.field(f"{base}_key", s)]
    elif f.type is FieldType.phone:
        out += [pa.field(f"{base}_std", s)]
    elif f.type is FieldType.address:
        house, code, level, confidence = address_columns(base)
        out += [pa.field(house, s), pa.field(code, s), pa.field(level, s),
                pa.field(confidence, pa.float64())]  # fmt: skip
    return out


def record_type(f: FieldSpec) -> pa.DataType:
    """list<struct<…>> of a records field: each nested field and its standardized columns."""
    members = [c for sub, g in (f.fields or {}).items() for c in field_columns(sub, g)]
    return pa.list_(pa.struct(members))


def clean_schema(spec: SourceSpec) -> pa.Schema:
    """source, batch, row, row_hash, then each field with its standardized columns."""
    columns = [*LINEAGE, pa.field("row_hash", pa.string(), nullable=False)]
    for name, f in spec.fields.items():
        columns += field_columns(name, f)
    return pa.schema(columns)
