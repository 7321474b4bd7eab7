"""Scoring a replay against a simulated scenario's ground truth (``seawatch evaluate``).

``evaluate`` reads the scenario folder and the replay outputs and returns one flat,
JSON-ready dict; ``summary_lines`` renders it for a terminal. The metric definitions live
in the module docstrings: ``gospa`` (the set distance), ``track_scoring`` (what counts as
the truth and estimated sets, ID switches, time to confirm, dark-vessel coverage) and
``alert_scoring`` (which events expect which alerts and how alerts are matched to them).
"""

from fusion.evaluation.evaluate import evaluate, summary_lines
from fusion.evaluation.loaders import EvaluationInputError

__all__ = ["EvaluationInputError", "evaluate", "summary_lines"]
