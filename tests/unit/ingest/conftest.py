from __future__ import annotations

import pytest

from shibei.gazetteer import Gazetteer, build_gazetteer
from shibei.ingest.standardizer import Standardizer


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return build_gazetteer(0.002, 7)


@pytest.fixture()
def standardizer(gazetteer: Gazetteer) -> Standardizer:
    return Standardizer(gazetteer)
