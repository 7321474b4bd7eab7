"""The crossing benchmark's scoring: which track holds which boat, and the outcome names.

No timing is asserted; the trials it runs are the tracker's own (one each, a few seconds).
"""

from __future__ import annotations

import numpy as np

from benchmarks.crossing import GEOMETRIES, METHODS, _nearest, report, run


def test_each_boat_gets_its_nearest_track_within_reach_and_no_track_twice():
    held = {"T1": np.array([0.0, 0.0]), "T2": np.array([100.0, 0.0]), "T3": np.array([5000.0, 0.0])}
    truth = np.array([[10.0, 0.0], [20.0, 0.0]])  # both nearest T1: the closer boat has it
    assert _nearest(held, truth) == ["T1", "T2"]
    assert _nearest(held, np.array([[2000.0, 0.0], [0.0, 0.0]])) == [None, "T1"]  # 500 m at most
    assert _nearest({}, truth) == [None, None]


def test_one_trial_per_geometry_scores_both_boats_under_every_method():
    tallies = run(1, seed=3)
    for geometry in GEOMETRIES:
        for method in METHODS:
            tally = tallies[geometry][method]
            assert tally.kept + tally.swapped + tally.lost == 2
            assert np.isfinite(tally.rms_m[0]) and tally.rms_m[0] < 300.0
    text = "\n".join(report(tallies, 1, 3))
    assert all(f"{geometry:12s} {method:12s}" in text for geometry in GEOMETRIES for method in METHODS)
