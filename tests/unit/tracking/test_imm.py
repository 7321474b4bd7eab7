"""IMM steps: identical models reduce to one Kalman filter; probabilities follow the data."""

import numpy as np

from tracking.filters import cv_process_noise, predict, update
from tracking.imm import (
    combine,
    predict_models,
    stationary_probabilities,
    transition_matrices,
    update_models,
)
from tracking.models import H_POSITION


def test_transition_matrices_are_stochastic_and_follow_dt():
    Pi = transition_matrices(np.array([0.0, 10.0, 1e6]), np.array([0.01, 0.1]))
    np.testing.assert_allclose(Pi.sum(axis=2), 1.0)
    np.testing.assert_allclose(Pi[0], np.eye(2))
    np.testing.assert_allclose(Pi[1, 0, 0], np.exp(-0.1))
    np.testing.assert_allclose(Pi[2], [[0, 1], [1, 0]], atol=1e-12)


def test_transition_matrices_hold_exactly_the_chain_entries():
    """Built through a flat view of the diagonal: stay on it, the rest of each row shared."""
    dt, rates = np.array([0.5, 3.0, 40.0]), np.array([0.01, 0.1, 0.3])
    Pi = transition_matrices(dt, rates)
    for k, t in enumerate(dt):
        stay = np.exp(-np.abs(t) * rates)
        expected = [[stay[j] if i == j else (1.0 - stay[j]) / 2 for i in range(3)] for j in range(3)]
        np.testing.assert_array_equal(Pi[k], expected)


def test_identical_models_reduce_to_the_plain_kalman_filter():
    rng = np.random.default_rng(2)
    n = 6
    x = rng.normal(size=(n, 4)) * 50
    A = rng.normal(size=(n, 4, 4))
    P = A @ A.transpose(0, 2, 1) + np.eye(4) * 10
    dt = rng.uniform(1, 5, size=n)
    z = rng.normal(size=(n, 2)) * 50
    R = np.tile(np.eye(2) * 400.0, (n, 1, 1))
    mu = np.tile([0.3, 0.7], (n, 1))

    x_m, P_m, c = predict_models(
        np.repeat(x[:, None], 2, axis=1), np.repeat(P[:, None], 2, axis=1), mu, dt,
        np.array([0.05, 0.05]), np.array([0.01, 0.05]), np.zeros(2),
    )  # fmt: skip
    x_u, P_u, mu_u = update_models(x_m, P_m, c, z, R, H_POSITION)
    x_c, P_c = combine(x_u, P_u, mu_u)

    x_k, P_k = predict(x, P, dt, np.ones(n), cv_process_noise(dt, 0.05))  # constant velocity
    x_k, P_k, _, _ = update(x_k, P_k, z, R, H_POSITION)
    np.testing.assert_allclose(x_c, x_k, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(P_c, P_k, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(mu_u, c)  # equal likelihoods leave the predicted mode weights


def _mode_weights_after(accel_north_mps2: float) -> np.ndarray:
    """Manoeuvring-model weight after eight scans of a boat at 10 m/s east, accelerating north."""
    x = np.zeros((1, 2, 4))
    x[..., 1] = 10.0
    P = np.tile(np.diag([15.0**2, 0.5, 15.0**2, 0.5]), (1, 2, 1, 1))
    mu = np.array([[0.97, 0.03]])
    R = np.eye(2)[None] * 15.0**2
    for k in range(1, 9):
        t = 2.5 * k
        x, P, c = predict_models(
            x, P, mu, np.array([2.5]), np.array([0.005, 1.0]), np.array([1 / 600, 1 / 20]), np.zeros(2)
        )
        z = np.array([[10.0 * t, 0.5 * accel_north_mps2 * t**2]])
        x, P, mu = update_models(x, P, c, z, R, H_POSITION)
    return mu[0]


def test_a_turn_shifts_weight_to_the_manoeuvring_model_and_a_steady_course_does_not():
    assert _mode_weights_after(1.0)[1] > 0.5
    assert _mode_weights_after(0.0)[1] < 0.05


def test_stationary_probabilities_are_the_long_run_mode_shares():
    """πᵀ G = 0 for the chain's generator G (leave j at λ_j, to the others equally), and the
    scan-to-scan matrices Π(dt) keep π to within their discretisation."""
    leave = np.array([1 / 600, 1 / 20, 1 / 60])
    pi = stationary_probabilities(leave)
    generator = (leave / 2)[:, None] * (1 - np.eye(3)) - np.diag(leave)
    np.testing.assert_allclose(pi @ generator, 0.0, atol=1e-15)
    np.testing.assert_allclose(pi, np.array([600, 20, 60]) / 680)  # shares of the mean stays
    Pi = transition_matrices(np.array([0.5, 2.5]), leave)
    np.testing.assert_allclose(np.einsum("nij,i->nj", Pi, pi), np.tile(pi, (2, 1)), rtol=1e-2)
