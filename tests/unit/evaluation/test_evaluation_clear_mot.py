"""CLEAR MOT matching: a vessel keeps its track while the track stays within the match distance."""

from __future__ import annotations

import numpy as np

from fusion.evaluation.clear_mot import persistent_pairs
from fusion.evaluation.gospa import gospa
from fusion.evaluation.track_scoring import count_id_switches

VESSELS_XY_M = np.array([[0.0, 0.0], [6.0, 0.0]])  # two ships in company, 6 m apart


def _pairs(track_x_m_per_step: list[list[float]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    steps = len(track_x_m_per_step)
    truth_step = np.repeat(np.arange(steps), 2)
    truth_vessel = np.tile([0, 1], steps)
    truth_xy = np.tile(VESSELS_XY_M, (steps, 1))
    track_step = np.repeat(np.arange(steps), [len(x) for x in track_x_m_per_step])
    track_code = np.concatenate([np.arange(len(x)) for x in track_x_m_per_step])
    track_xy = np.column_stack([np.concatenate(track_x_m_per_step), np.zeros(track_step.size)])
    return persistent_pairs(truth_step, truth_vessel, truth_xy, track_step, track_code, track_xy, 500.0)


def test_two_tracks_wandering_over_a_close_pair_keep_their_vessels():
    """Track 0 on vessel 0 and track 1 on vessel 1, then both 4 m off towards the other:
    the best pairing of that instant alone swaps them, CLEAR MOT does not."""
    wander = [[0.0, 6.0], [4.0, 2.0], [0.0, 6.0], [4.0, 2.0]]
    step, vessel, track = _pairs(wander)
    assert count_id_switches(vessel, track, step) == 0
    per_instant = [gospa(VESSELS_XY_M, np.column_stack([x, [0.0, 0.0]])) for x in wander]
    flips = [tuple(r.estimate_index[np.argsort(r.truth_index)]) for r in per_instant]
    assert flips == [(0, 1), (1, 0), (0, 1), (1, 0)]


def test_a_vessel_whose_track_is_gone_is_taken_by_another_track_and_that_counts():
    step, vessel, track = _pairs([[0.0], [600.0, 1.0]])  # track 0 leaves for 600 m, track 1 takes over
    assert list(zip(step.tolist(), vessel.tolist(), track.tolist(), strict=True)) == [(0, 0, 0), (1, 0, 1)]
    assert count_id_switches(vessel, track, step) == 1


def test_an_instant_without_tracks_forgets_the_pairs():
    step, vessel, track = _pairs([[0.0, 6.0], [], [6.0, 0.0]])
    assert count_id_switches(vessel, track, step) == 2
