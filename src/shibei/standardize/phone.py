"""Phone numbers: mobile numbers and landlines (Qingdao's area code 0532 by default).

>>> normalize_phone("+86 138-1234-5678").value
'13812345678'
>>> normalize_phone("8388 1234").value  # a bare 8-digit number is a Qingdao landline
'0532-83881234'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from shibei.standardize.text import normalize_text

LOCAL_AREA_CODE = "0532"
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
# 010, 02x: 3-digit area codes; others 4 digits; local numbers 7-8 digits, not from 0/1
_AREA3 = re.compile(r"(01[0]|02[0-9])([2-9][0-9]{7})")
_AREA4 = re.compile(r"(0[3-9][0-9]{2})([2-9][0-9]{6,7})")
_LOCAL = re.compile(r"[2-9][0-9]{7}")
_EXTENSION = re.compile(r"(?:转|分机|EXT\.?|X)([0-9]{1,6})$")
_SERVICE = re.compile(r"(?:1[0-9]{2}|95[0-9]{3,4}|96[0-9]{3,4}|400[0-9]{7}|800[0-9]{7})")


@dataclass(frozen=True, slots=True)
class PhoneNumber:
    """A normalized phone number.

    kind: ``mobile`` (11 digits), ``landline`` (``0532-83881234``), ``service`` (110,
    95598, 400…), or ``invalid``. `assumed_area` is True when a bare local number was
    given the 0532 area code.
    """

    raw: str
    value: str
    kind: str
    extension: str | None = None
    assumed_area: bool = False

    @property
    def valid(self) -> bool:
        return self.kind != "invalid"


def normalize_phone(raw: str, *, area_code: str = LOCAL_AREA_CODE) -> PhoneNumber:
    """Normalize one phone number; never raises on a str."""
    text = normalize_text(str(raw)).upper()
    extension = None
    m = _EXTENSION.search(text.replace(" ", ""))
    if m:
        extension = m.group(1)
        text = text.replace(" ", "")[: m.start()]
    digits = "".join(c for c in text if c.isdigit())
    written = digits
    if text.lstrip().startswith("+") or digits.startswith("0086"):
        digits = digits[4:] if digits.startswith("0086") else digits
        if digits.startswith("86"):
            digits = digits[2:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if len(digits) == 12 and digits.startswith("01") and _MOBILE.fullmatch(digits[1:]):
        digits = digits[1:]  # a mobile dialled with a trunk 0
    if _MOBILE.fullmatch(digits):
        return PhoneNumber(str(raw), digits, "mobile", extension)
    if digits.startswith(("400", "800")) and _SERVICE.fullmatch(digits):
        return PhoneNumber(str(raw), digits, "service", extension)  # 400-800-8888: no area
    if not digits.startswith("0") and len(digits) >= 9:
        digits = "0" + digits  # area code written without its trunk 0 (532…)
    for pattern in (_AREA3, _AREA4):
        m = pattern.fullmatch(digits)
        if m:
            return PhoneNumber(str(raw), f"{m.group(1)}-{m.group(2)}", "landline", extension)
    digits = digits.lstrip("0") if len(digits) == 9 and digits.startswith("0") else digits
    if _LOCAL.fullmatch(digits):
        return PhoneNumber(str(raw), f"{area_code}-{digits}", "landline", extension, True)
    if _SERVICE.fullmatch(digits):
        return PhoneNumber(str(raw), digits, "service", extension)
    return PhoneNumber(str(raw), written, "invalid", extension)
