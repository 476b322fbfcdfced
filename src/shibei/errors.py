"""Errors the platform raises on purpose. Messages are Chinese; they never carry an
unmasked personal identifier."""

from __future__ import annotations


class ShibeiError(Exception):
    """Base of every deliberate error."""


class ConfigError(ShibeiError):
    """Configuration that cannot be used (missing file, bad boundary GeoJSON, bad YAML)."""
