"""GOSPA against its definition: brute force over every partial assignment on small sets."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from fusion.evaluation.gospa import GOSPA_ALPHA, gospa


def brute_force_gospa(truth: np.ndarray, estimate: np.ndarray, c_m: float, p: float) -> float:
    """The paper's alpha = 2 form, minimised over every partial assignment (no clipping trick)."""
    n, m = len(truth), len(estimate)
    best = np.inf
    for size in range(min(n, m) + 1):
        for truths in itertools.combinations(range(n), size):
            for estimates in itertools.permutations(range(m), size):
                cost = sum(
                    np.linalg.norm(truth[i] - estimate[j]) ** p
                    for i, j in zip(truths, estimates, strict=True)
                )
                best = min(best, cost + c_m**p / GOSPA_ALPHA * (n + m - 2 * size))
    return best ** (1.0 / p)


@pytest.mark.parametrize(("c_m", "p"), [(500.0, 2.0), (300.0, 1.0), (500.0, 3.0)])
def test_matches_brute_force_on_random_small_sets(c_m: float, p: float) -> None:
    rng = np.random.default_rng(7)
    for _ in range(150):
        truth = rng.uniform(0, 1500, size=(rng.integers(0, 5), 2))
        estimate = rng.uniform(0, 1500, size=(rng.integers(0, 5), 2))
        result = gospa(truth, estimate, c_m, p)
        assert result.total_m == pytest.approx(brute_force_gospa(truth, estimate, c_m, p), rel=1e-9, abs=1e-9)
        terms_p = result.localisation_m**p + result.missed_m**p + result.false_m**p
        assert terms_p == pytest.approx(result.total_m**p, rel=1e-9, abs=1e-6)
        assert result.missed_count == len(truth) - len(result.truth_index)
        assert result.false_count == len(estimate) - len(result.estimate_index)
        assigned_m = np.linalg.norm(truth[result.truth_index] - estimate[result.estimate_index], axis=1)
        assert np.all(assigned_m < c_m)


def test_identical_sets_score_zero() -> None:
    points = np.array([[0.0, 0.0], [100.0, 50.0], [-300.0, 2000.0]])
    result = gospa(points, points[::-1])
    assert result.total_m == 0.0
    assert result.missed_count == result.false_count == 0


@pytest.mark.parametrize("n", [1, 2, 5])
def test_all_missed_and_all_false_cost_c_over_root_two_per_element(n: int) -> None:
    points = np.zeros((n, 2))
    expected_m = 500.0 / 2**0.5 * np.sqrt(n)
    missed = gospa(points, np.empty((0, 2)))
    false = gospa(np.empty((0, 2)), points)
    assert missed.total_m == pytest.approx(expected_m)
    assert missed.missed_m == pytest.approx(expected_m)
    assert false.total_m == pytest.approx(expected_m)
    assert false.false_m == pytest.approx(expected_m)


def test_pair_beyond_cutoff_is_a_miss_and_a_false_alarm_not_an_assignment() -> None:
    result = gospa(np.array([[0.0, 0.0]]), np.array([[800.0, 0.0]]))
    assert len(result.truth_index) == 0
    assert (result.missed_count, result.false_count) == (1, 1)
    assert result.total_m == pytest.approx(500.0)


def test_empty_sets_score_zero() -> None:
    assert gospa(np.empty((0, 2)), np.empty((0, 2))).total_m == 0.0
