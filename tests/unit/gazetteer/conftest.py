from __future__ import annotations

import pytest

from shibei.gazetteer import Gazetteer, build_gazetteer

SCALE = 0.002
SEED = 7


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    """One small district shared by the tests that only read it."""
    return build_gazetteer(SCALE, SEED)
