"""Person and organization names: a clean form to show and a key to compare.

>>> normalize_person_name(" 張 三 先生")
'张三'
>>> person_name_key("张三") == person_name_key("章三")
True
>>> organization_name_key("青岛海信电器股份有限公司") == organization_name_key("海信电器")
True
"""

from __future__ import annotations

import re
from functools import lru_cache

from shibei.standardize.text import normalize_text

_TITLES = (
    "先生", "女士", "小姐", "同志", "老师", "师傅", "阿姨", "大爷", "大妈", "老人", "户主",
    "本人", "夫人", "太太",
)  # fmt: skip
_BRACKETS = re.compile(r"[(\[][^)\]]*[)\]]")
_MIDDLE_DOTS = str.maketrans({"•": "·", "・": "·", ".": "·", "‧": "·", "∙": "·", "●": "·"})
_CJK = re.compile(r"[\u3400-\u9fff]")

_LEGAL_FORMS = (
    "股份有限公司", "有限责任公司", "有限公司", "集团公司", "股份公司", "分公司", "总公司",
    "公司", "有限合伙", "普通合伙", "合伙企业", "个人独资企业", "个体工商户", "集团", "工作室",
    "经营部", "门市部", "商行", "店",
)  # fmt: skip
_FORM_STEMS = frozenset({"有限", "股份", "有限责任", "股份有限", "集团"})
_REGIONS = (
    "青岛市市北区", "青岛市北区", "青岛市四方区", "山东省", "青岛市", "市北区", "四方区", "山东",
    "青岛", "中国", "中华",
)  # fmt: skip


def normalize_person_name(raw: str) -> str:
    """A person's name as it should be shown: simplified, no spaces, titles and bracketed
    notes removed; a Chinese name loses inner spaces, a Latin one keeps single spaces."""
    text = normalize_text(str(raw)).translate(_MIDDLE_DOTS)
    text = _BRACKETS.sub("", text).strip()
    changed = True
    while changed:
        changed = False
        for title in _TITLES:
            if text.endswith(title) and len(text) > len(title) + 1:
                text = text[: -len(title)].rstrip()
                changed = True
    if _CJK.search(text):
        return "".join(text.split())
    return " ".join(text.split()).upper()


def person_name_key(raw: str) -> str:
    """A phonetic key: pinyin without tones, syllables joined (张三 and 章三 share it)."""
    name = normalize_person_name(raw)
    if not _CJK.search(name):
        return "".join(c for c in name.lower() if c.isalnum())
    return "".join(_pinyin(name))


@lru_cache(maxsize=65536)
def _pinyin(name: str) -> tuple[str, ...]:
    from pypinyin import Style, lazy_pinyin

    return tuple(lazy_pinyin(name, style=Style.NORMAL, errors="ignore"))


def normalize_organization_name(raw: str) -> str:
    """The full name to keep: normalized text, brackets made half-width, no spaces."""
    return "".join(normalize_text(str(raw)).split())


def organization_name_key(raw: str) -> str:
    """A comparison key: the full name without region affixes (青岛, 市北区, 山东省, also in
    brackets) and legal-form suffixes (有限公司, 股份有限公司…). Falls back to the full
    name when stripping would leave fewer than two characters."""
    full = normalize_organization_name(raw)
    key = _BRACKETS.sub("", full)
    changed = True
    while changed:
        changed = False
        for region in _REGIONS:
            if key.startswith(region) and len(key) > len(region) + 1:
                key = key[len(region) :]
                changed = True
        for form in _LEGAL_FORMS:
            stem = key[: -len(form)]
            if key.endswith(form) and len(stem) >= 2 and stem not in _FORM_STEMS:
                key = key[: -len(form)]
                changed = True
    return key if len(key) >= 2 else full
