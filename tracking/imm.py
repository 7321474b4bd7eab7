"""Interacting Multiple Model (IMM) steps for stacks of tracks, all models sharing one state.

Vessels spend most of their time holding course and speed, and now and then turn or change
speed hard (a fishing boat shooting its net, a smuggler's boat evading). One process noise
cannot serve both: small, and the track is left behind in a turn; large, and radar noise
leaks into the velocity of every steady ship. The IMM runs a quiet and a manoeuvring
constant-velocity model side by side, with a stationary one whose velocity relaxes to zero
for vessels at anchor or adrift, and weighs them by how well each explains the data
(Blom and Bar-Shalom 1988; Bar-Shalom, Li, Kirubarajan 2001, §11.6.6). Because all models
share the state [east, ve, north, vn], mixing needs no state augmentation, and the whole
step stays batched: arrays are (N tracks, M models, ...).

Mode switching follows a continuous-time Markov chain, so the transition matrix depends on
the time between updates: with leave rates λ_j, Π_jj(dt) = exp(-λ_j dt), and the rest of the
row shared among the other modes.
"""

from __future__ import annotations

import numpy as np

from tracking.filters import cv_process_noise, damped_velocity_terms, predict, update


def transition_matrices(dt_s: np.ndarray, leave_rate_per_s: np.ndarray) -> np.ndarray:
    """Mode transition matrices Π(dt), shape (N, M, M); row j is "from mode j"."""
    m = leave_rate_per_s.size
    stay = np.exp(-np.abs(dt_s)[:, None] * leave_rate_per_s[None, :])  # (N, M)
    Pi = np.empty((stay.shape[0], m, m))
    Pi[...] = ((1.0 - stay) / max(m - 1, 1))[:, :, None]
    Pi.reshape(-1, m * m)[:, :: m + 1] = stay  # a view: the diagonal is every (M+1)th element
    return Pi


def stationary_probabilities(leave_rate_per_s: np.ndarray) -> np.ndarray:
    """Long-run share of time in each mode, (M,): π_j ∝ 1/λ_j.

    With every mode left at rate λ_j to the others in equal parts, the flow out of mode j,
    π_j λ_j, is the same for all modes in balance; so the time share is proportional to
    the mean stay 1/λ_j (with ten minutes stationary, ten quiet and twenty seconds
    manoeuvring: 49 %, 49 % and 1.6 %).
    """
    stay_s = 1.0 / np.asarray(leave_rate_per_s, dtype=float)
    return stay_s / stay_s.sum()


def mix(
    x: np.ndarray, P: np.ndarray, mu: np.ndarray, Pi: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """IMM interaction: mixed initial conditions per model and predicted mode probabilities.

    c_j = Σ_i Π_ij μ_i ;  μ_i|j = Π_ij μ_i / c_j ;  x0_j = Σ_i μ_i|j x_i ;
    P0_j = Σ_i μ_i|j (P_i + (x_i - x0_j)(x_i - x0_j)').
    """
    n, m, d = x.shape
    c = (mu[:, None, :] @ Pi)[:, 0, :]  # (N, M)
    weights = (Pi * mu[:, :, None] / np.maximum(c[:, None, :], 1e-300)).transpose(0, 2, 1)  # (N, j, i)
    x0 = weights @ x
    spread = (x[:, None, :, :] - x0[:, :, None, :]).reshape(n * m, m, d)  # (N j, i, d)
    weighted = spread * weights.reshape(n * m, m, 1)
    P0 = (weights @ P.reshape(n, m, d * d)).reshape(n, m, d, d) + (
        weighted.transpose(0, 2, 1) @ spread
    ).reshape(n, m, d, d)
    return x0, P0, c


def combine(x: np.ndarray, P: np.ndarray, mu: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Moment-matched single Gaussian of the model mixture: what leaves the tracker."""
    n, m, d = x.shape
    x_c = (mu[:, None, :] @ x)[:, 0, :]
    spread = x - x_c[:, None, :]
    P_c = (mu[:, None, :] @ P.reshape(n, m, d * d)).reshape(n, d, d) + (
        (spread * mu[:, :, None]).transpose(0, 2, 1) @ spread
    )
    return x_c, P_c


def predict_models(
    x: np.ndarray,
    P: np.ndarray,
    mu: np.ndarray,
    dt_s: np.ndarray,
    q_m2ps3: np.ndarray,
    leave_rate_per_s: np.ndarray,
    velocity_decay_per_s: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mix, then predict every model by ``dt_s``: model-conditioned priors and mode probabilities."""
    n, m = mu.shape
    x0, P0, c = mix(x, P, mu, transition_matrices(dt_s, leave_rate_per_s))
    x_pred, P_pred = predict_each_model(
        x0.reshape(n * m, 4), P0.reshape(n * m, 4, 4), dt_s, q_m2ps3, velocity_decay_per_s
    )
    return x_pred.reshape(n, m, 4), P_pred.reshape(n, m, 4, 4), c


def predict_each_model(
    x: np.ndarray, P: np.ndarray, dt_s: np.ndarray, q_m2ps3: np.ndarray, velocity_decay_per_s: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Predict (N·M, 4) states laid out track-major, each by its own model's dynamics, all
    the models of track k by ``dt_s[k]`` (N seconds).

    F's terms and Q are built as (N, M) stacks by broadcasting the N times against the M
    models' constants: the numbers of building them from the times repeated M times and the
    rates tiled N times, in fewer and smaller numpy calls on the tracker's hottest path.

    The noise of a damped model is the constant-velocity one at its own (small) density,
    not the exact Ornstein-Uhlenbeck noise, which is smaller (by ~20 % over a 2.5 s scan at
    0.1/s, far more over a 3-minute AIS gap): the error is on the safe side, a little more
    uncertainty than the model strictly implies, and the same formula serves every model.
    """
    n, m = dt_s.size, q_m2ps3.size
    travel, keep = damped_velocity_terms(dt_s[:, None], velocity_decay_per_s)
    Q = (cv_process_noise(dt_s, 1.0)[:, None] * q_m2ps3[:, None, None]).reshape(n * m, 4, 4)
    return predict(x, P, travel, keep, Q)


def update_models(
    x_pred: np.ndarray, P_pred: np.ndarray, c: np.ndarray, z: np.ndarray, R: np.ndarray, H: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Kalman update of every model and the posterior mode probabilities μ_j ∝ Λ_j c_j."""
    n, m = c.shape
    dim = z.shape[1]
    x_new, P_new, nis, log_det_S = update(
        x_pred.reshape(n * m, 4),
        P_pred.reshape(n * m, 4, 4),
        np.repeat(z, m, axis=0),
        np.repeat(R, m, axis=0),
        H,
    )
    log_likelihood = -0.5 * (nis + log_det_S + dim * np.log(2 * np.pi))
    log_post = log_likelihood.reshape(n, m) + np.log(np.maximum(c, 1e-300))
    log_post -= log_post.max(axis=1, keepdims=True)
    mu = np.exp(log_post)
    mu /= mu.sum(axis=1, keepdims=True)
    return x_new.reshape(n, m, 4), P_new.reshape(n, m, 4, 4), mu
