"""GNN association invariants: order independence, gating, one-to-one."""

import numpy as np

from tracking.association import associate


def _scene(rng: np.random.Generator, n_tracks: int, n_plots: int):
    x = np.zeros((n_tracks, 4))
    x[:, [0, 2]] = rng.uniform(-5000, 5000, size=(n_tracks, 2))
    P = np.tile(np.diag([50.0**2, 4.0, 50.0**2, 4.0]), (n_tracks, 1, 1))
    z = np.vstack(
        [
            x[: n_plots // 2, [0, 2]] + rng.normal(size=(n_plots // 2, 2)) * 30,
            rng.uniform(-5000, 5000, size=(n_plots - n_plots // 2, 2)),
        ]
    )
    R = np.tile(np.diag([30.0**2, 30.0**2]), (n_plots, 1, 1))
    return x, P, z, R


def _pairs(result) -> set[tuple[int, int]]:
    return set(zip(result.track_index.tolist(), result.plot_index.tolist(), strict=True))


def test_shuffling_plots_changes_no_pairs():
    rng = np.random.default_rng(11)
    x, P, z, R = _scene(rng, 40, 60)
    base = _pairs(associate(x, P, z, R, 13.8, 2000.0))
    order = rng.permutation(len(z))
    shuffled = associate(x, P, z[order], R[order], 13.8, 2000.0)
    assert {(t, int(order[j])) for t, j in _pairs(shuffled)} == base
    assert len(base) >= 15


def test_nothing_assigned_outside_the_gate_and_one_to_one():
    rng = np.random.default_rng(12)
    x, P, z, R = _scene(rng, 30, 50)
    result = associate(x, P, z, R, 13.8, 2000.0)
    assert np.all(result.distance_sq < 13.8)
    assert len(set(result.track_index.tolist())) == len(result.track_index)
    assert len(set(result.plot_index.tolist())) == len(result.plot_index)
    assert result.plot_in_any_gate[result.plot_index].all()


def test_two_close_tracks_share_plots_optimally_not_greedily():
    """Greedy nearest-first would give track 0 the plot between them and leave track 1 nothing."""
    x = np.array([[0.0, 0, 0, 0], [60.0, 0, 0, 0]])
    P = np.tile(np.diag([40.0**2, 1, 40.0**2, 1]), (2, 1, 1))
    z = np.array([[35.0, 0.0], [-40.0, 0.0]])
    R = np.tile(np.eye(2) * 100.0, (2, 1, 1))
    assert _pairs(associate(x, P, z, R, 13.8, 2000.0)) == {(0, 1), (1, 0)}
