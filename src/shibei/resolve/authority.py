"""Which source to believe: authority by source, then freshness.

Used by the deterministic stage (which name an ID number's cluster is anchored on) and by
survivorship (which value becomes the golden one).
"""

from __future__ import annotations

SOURCE_AUTHORITY: tuple[str, ...] = (
    "police_household_registry",
    "property_registry",
    "social_security",
    "housing_provident_fund",
    "migrant_registration",
    "grid_surveys",
)
"""Most authoritative first; any other source ranks after these (`person_sql.rank_sql`)."""

RESIDENCE_AUTHORITY: tuple[str, ...] = (
    "grid_surveys",
    "migrant_registration",
    "property_registry",
    "access_control",
    "social_security",
    "housing_provident_fund",
)
"""For where a person lives (`house_code`): the grid worker saw the person at home and
migrant registration records the current residence; the police registry's address is the
hukou address (`hukou_house_code`) and is not used for it, since 8% of hukou households
live elsewhere; the city systems carry stale contact addresses."""

SOURCE_LABELS: dict[str, str] = {
    "police_household_registry": "公安户籍",
    "property_registry": "不动产登记",
    "social_security": "社保",
    "housing_provident_fund": "公积金",
    "migrant_registration": "流动人口登记",
    "grid_surveys": "网格员采集",
    "access_control": "门禁",
}
