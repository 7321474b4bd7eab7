"""Vessel risk: a score per vessel, with its reasons, from the alerts it raised (docs/risk.md)."""
