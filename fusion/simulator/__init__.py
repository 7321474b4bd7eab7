"""Deterministic scenario simulator: AIS + coastal radar off Karachi, with ground truth."""

from fusion.simulator.generate import simulate

__all__ = ["simulate"]
