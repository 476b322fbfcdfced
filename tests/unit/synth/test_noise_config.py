"""The versioned noise configuration."""

from __future__ import annotations

from pathlib import Path

import pytest

from shibei.errors import ConfigError
from shibei.synth.feed_specs import SPECS
from shibei.synth.noise_config import load_noise_config


def test_project_noise_config_loads_and_covers_the_person_feeds() -> None:
    config = load_noise_config()
    assert config.version >= 1
    assert set(config.feeds) <= set(SPECS)
    assert config.feed("migrant_registration").rates("name")["name_homophone"] > 0


def test_unknown_noise_kind_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "noise.yaml"
    path.write_text("version: 1\nfeeds:\n  x:\n    name: {name_mangled: 0.1}\n", "utf-8")
    with pytest.raises(ConfigError, match="name_mangled"):
        load_noise_config(path)


def test_rate_outside_zero_to_one_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "noise.yaml"
    path.write_text("version: 1\nfeeds:\n  x:\n    name: {name_space: 1.5}\n", "utf-8")
    with pytest.raises(ConfigError, match=r"1\.5"):
        load_noise_config(path)
