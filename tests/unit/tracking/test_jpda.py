"""JPDA: association probabilities by enumeration, the PDA update, and which clusters it takes."""

import numpy as np
import pytest

from tracking.filters import update
from tracking.imm import update_models
from tracking.jpda import clusters, marginals, pda_update
from tracking.models import H_POSITION

P_DETECT, CLUTTER_PER_M2 = 0.9, 2e-9


def test_one_track_one_plot_is_the_single_target_pda_weight():
    """β_1 = P_D g / λ / ((1 - P_D) + P_D g / λ), the textbook PDA with one plot in gate."""
    g = 1e-7
    beta, gnn_probability = marginals(np.array([[g]]), P_DETECT, CLUTTER_PER_M2, 100, [1])
    ratio = P_DETECT * g / CLUTTER_PER_M2
    assert beta[0, 1] == pytest.approx(ratio / (1 - P_DETECT + ratio))
    assert beta[0, 0] == pytest.approx(1 - beta[0, 1])
    assert gnn_probability == pytest.approx(beta[0, 1])


def test_two_tracks_two_plots_by_hand():
    """Seven feasible events; each row of β sums to one; a plot is never given twice."""
    g = np.array([[4e-6, 1e-6], [2e-6, 3e-6]])
    beta, gnn_probability = marginals(g, P_DETECT, CLUTTER_PER_M2, 100, [1, 2])
    w = P_DETECT * g / CLUTTER_PER_M2
    miss = 1 - P_DETECT
    events = {
        (0, 0): miss * miss, (1, 0): w[0, 0] * miss, (2, 0): w[0, 1] * miss, (0, 1): miss * w[1, 0],
        (0, 2): miss * w[1, 1], (1, 2): w[0, 0] * w[1, 1], (2, 1): w[0, 1] * w[1, 0],
    }  # fmt: skip
    total = sum(events.values())
    assert beta[0, 1] == pytest.approx((events[(1, 0)] + events[(1, 2)]) / total)
    assert beta[1, 2] == pytest.approx((events[(0, 2)] + events[(1, 2)]) / total)
    assert np.allclose(beta.sum(axis=1), 1.0)
    assert gnn_probability == pytest.approx(events[(1, 2)] / total)


def test_a_cluster_beyond_the_event_budget_is_left_alone():
    assert marginals(np.full((6, 6), 1e-6), P_DETECT, CLUTTER_PER_M2, 1000) is None


def _prior(n_tracks: int, models: int = 2):
    x = np.zeros((n_tracks, models, 4))
    x[:, :, 1] = 5.0
    P = np.tile(np.diag([900.0, 4.0, 900.0, 4.0]), (n_tracks, models, 1, 1))
    P[:, 1] *= 3.0  # the second model less sure
    c = np.tile([0.7, 0.3], (n_tracks, 1))
    return x, P, c


def test_a_sure_plot_is_the_imm_kalman_update():
    x, P, c = _prior(1)
    z, R = np.array([[40.0, -25.0]]), np.array([np.diag([400.0, 900.0])])
    x_new, P_new, mu = pda_update(x, P, c, z, R, np.array([[0.0, 1.0]]), H_POSITION)
    x_ref, P_ref, mu_ref = update_models(x, P, c, z, R, H_POSITION)
    assert np.allclose(x_new, x_ref) and np.allclose(P_new, P_ref) and np.allclose(mu, mu_ref)


def test_a_sure_miss_changes_nothing():
    x, P, c = _prior(1)
    z, R = np.array([[40.0, -25.0]]), np.array([np.diag([400.0, 900.0])])
    x_new, P_new, mu = pda_update(x, P, c, z, R, np.array([[1.0, 0.0]]), H_POSITION)
    assert np.allclose(x_new, x) and np.allclose(P_new, P) and np.allclose(mu, c)


def test_two_likely_plots_move_the_track_between_them_and_widen_it():
    """The spread of the candidate plots is added: the track is less sure than after either
    plot alone, so its gate stays wide enough to find its vessel again."""
    x, P, c = _prior(1)
    z, R = np.array([[60.0, 0.0], [-60.0, 0.0]]), np.tile(np.diag([400.0, 400.0]), (2, 1, 1))
    x_new, P_new, _ = pda_update(x, P, c, z, R, np.array([[0.0, 0.5, 0.5]]), H_POSITION)
    one, P_one, _, _ = update(x[0], P[0], z[:1].repeat(2, axis=0), R, H_POSITION)
    assert np.allclose(x_new[0, :, 0], 0.0, atol=1e-9)
    assert np.all(P_new[0, :, 0, 0] > P_one[:, 0, 0] + 100.0)
    assert one[0, 0] > 20.0


def _gated(likelihood: np.ndarray):
    track, plot = np.nonzero(likelihood)
    return track, plot, likelihood[track, plot]


def test_only_ambiguous_clusters_go_to_jpda():
    far_apart = np.array([[5e-6, 0.0], [0.0, 5e-6]])  # each track its own plot
    crossing = np.array([[5e-6, 4e-6], [4e-6, 5e-6]])  # either way round nearly as likely
    one_plot = np.array([[5e-6], [4e-6]])  # two tracks, one plot: GNN gives it, the other missed
    gnn = (np.array([0, 1]), np.array([0, 1]))
    args = (P_DETECT, CLUTTER_PER_M2, 0.9, 1000, lambda tracks: False)
    assert clusters(*_gated(far_apart), gnn, *args) == []
    assert clusters(*_gated(one_plot), (np.array([0]), np.array([0])), *args) == []
    found = clusters(*_gated(crossing), gnn, *args)
    assert len(found) == 1
    assert found[0].tracks.tolist() == [0, 1] and found[0].plots.tolist() == [0, 1]
    assert 0.55 < found[0].beta[0, 1] < 0.65  # 25 : 16, both painted
    assert (
        clusters(*_gated(crossing), gnn, P_DETECT, CLUTTER_PER_M2, 0.5, 1000, lambda tracks: False) == []
    )  # GNN's 61 % suffices


def test_a_cluster_the_tracker_leaves_to_gnn_is_not_enumerated():
    crossing = np.array([[5e-6, 4e-6], [4e-6, 5e-6]])
    asked = []

    def alike(tracks: list[int]) -> bool:
        asked.append(tracks)
        return True

    gnn = (np.array([0, 1]), np.array([0, 1]))
    assert clusters(*_gated(crossing), gnn, P_DETECT, CLUTTER_PER_M2, 0.9, 1000, alike) == []
    assert asked == [[0, 1]]
