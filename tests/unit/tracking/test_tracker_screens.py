"""Shortcuts the tracker takes for speed must never change a decision.

``Tracker._may_reach`` screens tracks out before the IMM prediction an AIS report's binding
needs; it may keep a track that turns out far, never drop one that is near. The screen,
and every batched step, relies on a track's prediction not depending on which other tracks
share its batch, so that is pinned here too, bit for bit. ``_within`` replaces a k-d tree
where a scan's points are few, and must find the same points.
"""

import numpy as np
import pytest
from scipy.spatial import cKDTree

from tests.unit.tracking.test_tracker import FRAME, SENSORS
from tracking.imm import combine, predict_models
from tracking.tracker import Tracker, _within


def _random_tracker(rng: np.random.Generator, count: int) -> Tracker:
    """Tracks over 40 km; in every other one the two models are apart by up to a few hundred
    metres and m/s."""
    tracker = Tracker(FRAME, SENSORS)
    x = np.column_stack([
        rng.uniform(-20e3, 20e3, count), rng.normal(0, 8, count),
        rng.uniform(-20e3, 20e3, count), rng.normal(0, 8, count),
    ])  # fmt: skip
    A = rng.normal(size=(count, 4, 4)) * 30
    tracker._append_tracks(x, A @ A.transpose(0, 2, 1), rng.uniform(0, 60, count).tolist())
    tracker._x[::2, 1] += rng.normal(size=(len(range(0, count, 2)), 4)) * [300, 5, 300, 5]  # odd: one state
    tracker._mu = rng.dirichlet(np.ones(tracker._q_models.size), size=count)
    return tracker


@pytest.mark.parametrize("seed", range(5))
def test_the_screen_keeps_every_track_whose_prediction_is_in_reach(seed: int) -> None:
    rng = np.random.default_rng(seed)
    tracker = _random_tracker(rng, 300)
    rows = np.arange(tracker.track_count)
    kept_total = 0
    for trial in range(80):
        time, point, radius_m = rng.uniform(60, 400), rng.uniform(-20e3, 20e3, 2), rng.uniform(100, 4000)
        x_pred, _ = tracker._predicted(rows, time)
        if trial % 2:  # a point just inside one track's reach: the screen's edge
            angle, row = rng.uniform(0, 2 * np.pi), rng.integers(rows.size)
            point = x_pred[row, [0, 2]] + radius_m * rng.uniform(0.99, 0.9999) * np.array(
                [np.cos(angle), np.sin(angle)]
            )
        near = np.hypot(x_pred[:, 0] - point[0], x_pred[:, 2] - point[1]) < radius_m
        kept = tracker._may_reach(rows, time, point, radius_m)
        assert not (near & ~kept).any()
        kept_total += int(kept.sum())
    assert kept_total < 0.25 * 80 * rows.size  # it does screen


def test_a_tracks_prediction_does_not_depend_on_its_batch() -> None:
    rng = np.random.default_rng(9)
    tracker = _random_tracker(rng, 64)
    q, leave, decay = tracker._q_models, tracker._leave_rates, tracker._decays
    dt = rng.uniform(0, 120, 64)
    whole = predict_models(tracker._x, tracker._P, tracker._mu, dt, q, leave, decay)
    whole_combined = combine(*whole)
    for rows in (np.array([5]), np.array([0, 63]), np.arange(3, 40, 3), np.arange(17)):
        x, P, mu = tracker._x[rows], tracker._P[rows], tracker._mu[rows]
        part = predict_models(x, P, mu, dt[rows], q, leave, decay)
        for got, expected in zip(part, whole, strict=True):
            np.testing.assert_array_equal(got, expected[rows])
        for got, expected in zip(combine(*part), whole_combined, strict=True):
            np.testing.assert_array_equal(got, expected[rows])


@pytest.mark.parametrize("seed", range(6))
def test_the_distance_matrix_finds_what_a_kd_tree_finds(seed: int) -> None:
    """``_within`` stands in for cKDTree.query_ball_point in calibration and successor
    search: the same points for every query, on grids (exact ties at the radius) and at random."""
    rng = np.random.default_rng(seed)
    count = [1, 5, 40, 300, 17, 120][seed]
    if seed % 2:
        b = rng.integers(-20, 20, size=(count, 2)) * 250.0  # ties: many points exactly 500 m apart
        a = rng.integers(-20, 20, size=(30, 2)) * 250.0
        radius_m = 500.0
    else:
        b = rng.uniform(-30e3, 30e3, size=(count, 2))
        a = np.concatenate(
            [rng.uniform(-30e3, 30e3, size=(30, 2)), b[:5] + rng.normal(0, 300, (min(5, count), 2))]
        )
        radius_m = float(rng.uniform(100, 5000))
    expected = cKDTree(b).query_ball_point(a, r=radius_m)
    found = _within(a, b, radius_m)
    assert [np.flatnonzero(row).tolist() for row in found] == [list(hit) for hit in expected]
