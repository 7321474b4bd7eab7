"""The batched filter against filterpy's per-track functions, and its statistical consistency."""

import numpy as np
import pytest
from filterpy.kalman import predict as fp_predict
from filterpy.kalman import update as fp_update
from scipy.stats import chi2

from tracking.filters import (
    cv_process_noise,
    damped_velocity_terms,
    innovation,
    log_det,
    mahalanobis_sq,
    predict,
    predicted_measurement,
    update,
)
from tracking.models import H_POSITION, H_POSITION_VELOCITY, polar_covariance_enu

H_ALONG_AXIS = np.array([[0.6, 0, 0.8, 0], [0, 0, 0, 1.0]])
"""No sensor's: an H whose rows are not single state components, for the general matrix path."""
H_EAST_TWICE = np.array([[1.0, 0, 0, 0], [1.0, 0, 0, 0]])
"""No sensor's either: two readings of one component, which picking rows cannot represent."""


def damped_velocity_transition(dt_s: np.ndarray, decay_per_s: np.ndarray) -> np.ndarray:
    """F(dt) as the matrix filterpy takes, from ``damped_velocity_terms``: the oracles' form."""
    travel, keep = damped_velocity_terms(dt_s, decay_per_s)
    F = np.zeros((*travel.shape, 4, 4))
    F[..., 0, 0] = F[..., 2, 2] = 1.0
    F[..., 0, 1] = F[..., 2, 3] = travel
    F[..., 1, 1] = F[..., 3, 3] = keep
    return F


def cv_transition(dt_s: np.ndarray) -> np.ndarray:
    """The constant-velocity model: the damped transition with no decay."""
    return damped_velocity_transition(dt_s, np.zeros(np.size(dt_s)))


def _random_spd(rng: np.random.Generator, n: int, dim: int, scale: float) -> np.ndarray:
    A = rng.normal(size=(n, dim, dim)) * scale
    return A @ A.transpose(0, 2, 1) + np.eye(dim) * scale


@pytest.mark.parametrize("H", [H_POSITION, H_POSITION_VELOCITY, H_ALONG_AXIS, H_EAST_TWICE])
def test_batched_steps_equal_filterpy_per_track(H):
    rng = np.random.default_rng(1)
    n = 25
    x = rng.normal(size=(n, 4)) * 100
    P = _random_spd(rng, n, 4, 10.0)
    dt = rng.uniform(-1.0, 12.0, size=n)
    F, Q = cv_transition(dt), cv_process_noise(dt, 0.05)
    z = rng.normal(size=(n, H.shape[0])) * 100
    R = _random_spd(rng, n, H.shape[0], 5.0)

    x_pred, P_pred = predict(x, P, dt, np.ones(n), Q)  # constant velocity: travel dt, keep all
    x_new, P_new, _, _ = update(x_pred, P_pred, z, R, H)
    for i in range(n):
        xi, Pi = fp_predict(x[i], P[i], F[i], Q[i])
        np.testing.assert_allclose(x_pred[i], xi, rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(P_pred[i], Pi, rtol=1e-9, atol=1e-9)
        xu, Pu = fp_update(xi, Pi, z[i], R[i], H)
        np.testing.assert_allclose(x_new[i], xu, rtol=1e-8, atol=1e-8)
        np.testing.assert_allclose(P_new[i], Pu, rtol=1e-8, atol=1e-8)


def test_process_noise_is_continuous_white_acceleration():
    """Q for dt=2 s, q=1: [[8/3, 2], [2, 2]] per axis (dt³/3, dt²/2, dt)."""
    Q = cv_process_noise(np.array([2.0]), 1.0)[0]
    np.testing.assert_allclose(Q[:2, :2], [[8 / 3, 2.0], [2.0, 2.0]])
    np.testing.assert_allclose(Q[2:, 2:], Q[:2, :2])
    assert not Q[:2, 2:].any()


def test_transition_and_noise_matrices_hold_exactly_the_textbook_entries():
    """Built through flat views for speed: every entry must be where, and what, the model says."""
    dt = np.random.default_rng(4).uniform(-3.0, 30.0, size=40)
    F, Q = cv_transition(dt), cv_process_noise(dt, 0.37)
    a = np.abs(dt)
    cube, square = a**3 / 3.0, a**2 / 2.0  # numpy's powers (Python's float ** rounds differently)
    for k, t in enumerate(dt.tolist()):
        np.testing.assert_array_equal(F[k], [[1, t, 0, 0], [0, 1, 0, 0], [0, 0, 1, t], [0, 0, 0, 1]])
        block = np.array([[cube[k], square[k]], [square[k], a[k]]])
        np.testing.assert_array_equal(Q[k], np.kron(np.eye(2), block) * 0.37)


def test_polar_covariance_rotates_with_bearing():
    """Due north of the site, range error is along north and bearing error along east."""
    R = polar_covariance_enu(np.array([10_000.0]), np.array([0.0]), 25.0, 0.3)[0]
    np.testing.assert_allclose(R[1, 1], 25.0**2)
    np.testing.assert_allclose(R[0, 0], (10_000.0 * np.radians(0.3)) ** 2)
    np.testing.assert_allclose(R[0, 1], 0.0, atol=1e-9)
    R_east = polar_covariance_enu(np.array([10_000.0]), np.array([90.0]), 25.0, 0.3)[0]
    np.testing.assert_allclose(R_east[0, 0], 25.0**2)


def _monte_carlo_nees(q_true: float, q_filter: float, runs: int = 200, steps: int = 100) -> np.ndarray:
    """Average NEES per step over seeded runs of the filter on truth drawn from the model."""
    rng = np.random.default_rng(42)
    dt = np.full(runs, 2.5)
    F, Q_true, Q_filter = cv_transition(dt), cv_process_noise(dt, q_true), cv_process_noise(dt, q_filter)
    R = np.tile(np.diag([30.0**2, 30.0**2]), (runs, 1, 1))
    P = np.tile(np.diag([100.0**2, 5.0**2, 100.0**2, 5.0**2]), (runs, 1, 1))
    truth = np.tile([0.0, 5.0, 0.0, 3.0], (runs, 1))
    x = truth + np.einsum("nij,nj->ni", np.linalg.cholesky(P), rng.normal(size=(runs, 4)))
    L_Q, L_R = np.linalg.cholesky(Q_true), np.linalg.cholesky(R)
    nees = np.empty(steps)
    for k in range(steps):
        truth = np.einsum("nij,nj->ni", F, truth) + np.einsum("nij,nj->ni", L_Q, rng.normal(size=(runs, 4)))
        z = truth @ H_POSITION.T + np.einsum("nij,nj->ni", L_R, rng.normal(size=(runs, 2)))
        x, P = predict(x, P, dt, np.ones(runs), Q_filter)
        x, P, _, _ = update(x, P, z, R, H_POSITION)
        nees[k] = mahalanobis_sq(x - truth, P).mean()
    return nees


def test_filter_is_consistent_nees_within_chi2_band():
    """Average NEES inside the two-sided 95 % χ² band (4 dof × runs) on ≥ 90 % of steps."""
    runs = 200
    low, high = chi2.ppf([0.025, 0.975], df=4 * runs) / runs
    nees = _monte_carlo_nees(q_true=0.05, q_filter=0.05, runs=runs)
    assert np.mean((nees > low) & (nees < high)) >= 0.9


def test_mistuned_filter_fails_the_same_check():
    """Process noise 100x too small makes the filter overconfident: the check must catch it."""
    runs = 200
    low, high = chi2.ppf([0.025, 0.975], df=4 * runs) / runs
    nees = _monte_carlo_nees(q_true=0.05, q_filter=0.0005, runs=runs)
    assert np.mean((nees > low) & (nees < high)) < 0.5


def test_joseph_form_keeps_ill_conditioned_covariance_positive_definite():
    P = np.diag([1e8, 1e-6, 1e8, 1e-6])[None]
    x = np.zeros((1, 4))
    R = np.diag([1e-4, 1e-4])[None]
    for _ in range(50):
        x, P, _, _ = update(x, P, np.zeros((1, 2)), R, H_POSITION)
    np.testing.assert_allclose(P, P.transpose(0, 2, 1))
    assert np.all(np.linalg.eigvalsh(P[0]) > 0)


def test_a_damped_velocity_model_without_decay_is_constant_velocity_and_runs_backwards_exactly():
    dt = np.array([2.5, 0.0, 180.0])
    expected = np.tile(np.eye(4), (3, 1, 1))
    expected[:, 0, 1] = expected[:, 2, 3] = dt
    np.testing.assert_array_equal(cv_transition(dt), expected)
    rate = np.full(3, 0.1)
    forward, backward = damped_velocity_transition(dt, rate), damped_velocity_transition(-dt, rate)
    np.testing.assert_allclose(backward @ forward, np.tile(np.eye(4), (3, 1, 1)), atol=1e-9)


def test_a_damped_velocity_relaxes_to_zero_after_travelling_v_over_rate():
    F = damped_velocity_transition(np.array([10.0, 1e4]), np.array([0.1, 0.1]))
    x = np.array([0.0, 5.0, 0.0, -2.0])
    moved = F @ x
    np.testing.assert_allclose(moved[0, 1], 5.0 * np.exp(-1.0))
    np.testing.assert_allclose(moved[0, 0], 50.0 * (1 - np.exp(-1.0)))
    np.testing.assert_allclose(moved[1], [50.0, 0.0, -20.0, 0.0], atol=1e-9)


def test_a_damped_prediction_equals_the_matrix_products_with_its_transition():
    rng = np.random.default_rng(3)
    dt, rate = rng.uniform(-1.0, 200.0, 30), rng.choice([0.0, 0.02, 0.1], 30)
    x, P, Q = rng.normal(size=(30, 4)) * 1e3, _random_spd(rng, 30, 4, 50.0), cv_process_noise(dt, 0.3)
    F = damped_velocity_transition(dt, rate)
    x_pred, P_pred = predict(x, P, *damped_velocity_terms(dt, rate), Q)
    np.testing.assert_allclose(x_pred, (F @ x[..., None])[..., 0], rtol=1e-12)
    np.testing.assert_allclose(P_pred, F @ P @ F.transpose(0, 2, 1) + Q, rtol=1e-12, atol=1e-9)


def test_a_damped_transition_broadcasts_times_against_rates_to_the_bit():
    """The IMM builds (N, M) matrices from N times and M rates: each the one-by-one matrix."""
    rng = np.random.default_rng(5)
    dt, rates = rng.uniform(-2.0, 200.0, 7), np.array([0.1, 0.0, 0.0, 0.02])
    dt[0] = 0.0
    stacked = damped_velocity_transition(dt[:, None], rates)
    assert stacked.shape == (7, 4, 4, 4)
    for k, t in enumerate(dt):
        for j, r in enumerate(rates):
            np.testing.assert_array_equal(
                stacked[k, j], damped_velocity_transition(np.array([t]), np.array([r]))[0]
            )


@pytest.mark.parametrize("H", [H_POSITION, H_POSITION_VELOCITY, H_ALONG_AXIS])
def test_a_predicted_measurement_paired_with_plots_is_the_innovation_to_the_bit(H):
    """Association computes H x and H P H' once per track and pairs them with each plot."""
    rng = np.random.default_rng(6)
    x, P = rng.normal(size=(9, 4)) * 5e3, _random_spd(rng, 9, 4, 40.0)
    track = rng.integers(0, 9, 30)
    z, R = rng.normal(size=(30, H.shape[0])) * 5e3, _random_spd(rng, 30, H.shape[0], 300.0)
    y, S = innovation(x[track], P[track], z, R, H)
    Hx, HPH = predicted_measurement(x, P, H)
    np.testing.assert_array_equal(z - Hx[track], y)
    np.testing.assert_array_equal(HPH[track] + R, S)


@pytest.mark.parametrize("dim", [2, 4])
def test_mahalanobis_distance_and_log_determinant_equal_numpys_linear_algebra(dim):
    """2 x 2 covariances take a closed form; it must agree with the general solve."""
    rng = np.random.default_rng(8)
    S = _random_spd(rng, 40, dim, 1e3) + np.diag(np.linspace(1.0, 1e5, dim))
    y = rng.normal(size=(40, dim)) * 300
    expected = np.einsum("ni,ni->n", y, np.linalg.solve(S, y[..., None])[..., 0])
    np.testing.assert_allclose(mahalanobis_sq(y, S), expected, rtol=1e-10)
    np.testing.assert_allclose(log_det(S), np.linalg.slogdet(S)[1], rtol=1e-12)
