"""Governance applications on the data foundation, each a subpackage (household,
mass_cases, risk, …): model, handlers and ports, no engine (DESIGN.md)."""
