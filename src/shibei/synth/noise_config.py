"""The versioned noise configuration (noise.yaml), validated by pydantic."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field

from shibei.errors import ConfigError

FieldGroup = Literal["name", "id_number", "phone", "address", "row"]
ROW_NOISE_KINDS = frozenset({"duplicate_row", "missing_field", "stale_record"})


class FeedNoise(BaseModel):
    """Rates per field group for one feed: kind → probability."""

    model_config = ConfigDict(extra="forbid")

    name: dict[str, float] = Field(default_factory=dict)
    id_number: dict[str, float] = Field(default_factory=dict)
    phone: dict[str, float] = Field(default_factory=dict)
    address: dict[str, float] = Field(default_factory=dict)
    row: dict[str, float] = Field(default_factory=dict)

    def rates(self, group: FieldGroup) -> dict[str, float]:
        rates: dict[str, float] = getattr(self, group)
        return rates


class NoiseConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int
    feeds: dict[str, FeedNoise]

    def feed(self, name: str) -> FeedNoise:
        return self.feeds.get(name, FeedNoise())


def load_noise_config(path: Path | None = None) -> NoiseConfig:
    """The project's noise.yaml, or another file of the same shape."""
    from shibei.synth.noise import NOISE_KINDS

    try:
        if path is None:
            text = resources.files("shibei.synth").joinpath("noise.yaml").read_text("utf-8")
        else:
            text = path.read_text("utf-8")
        config = NoiseConfig.model_validate(yaml.safe_load(text))
    except (OSError, yaml.YAMLError, ValueError) as exc:
        raise ConfigError(f"噪声配置无法读取：{exc}") from exc
    known = NOISE_KINDS | ROW_NOISE_KINDS
    for feed, noise in config.feeds.items():
        for group in get_args(FieldGroup):
            for kind, rate in noise.rates(group).items():
                if kind not in known:
                    raise ConfigError(f"噪声配置 {feed}.{group} 中有未知的噪声类型 {kind}")
                if not 0.0 <= rate <= 1.0:
                    raise ConfigError(f"噪声配置 {feed}.{group}.{kind} 的比例 {rate} 不在 0–1 之间")
    return config
