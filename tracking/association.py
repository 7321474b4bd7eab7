"""Global nearest neighbour association of one radar scan to the live tracks.

Why GNN: a coastal radar scan holds at most one plot per vessel, vessels are usually far
apart compared with the gate, and a hard one-to-one assignment keeps identities crisp for
the AIS binding that rides on the track. Where vessels meet (rendezvous, crossings) the
assignment minimises the summed negative log-likelihood over the whole scan rather than
taking each track's nearest plot greedily, which is what keeps two close tracks from
grabbing the same plot. Where even that choice is a guess, the tracker hands the cluster
to JPDA (``jpda``), which needs every gated pair, so they are returned too.

Cost of pairing track i with plot j: d²_ij + ln|S_ij|, the negative log-likelihood of the
Gaussian innovation up to a constant, so a diffuse tentative track does not win a plot
merely because its large covariance makes every plot look close in Mahalanobis terms.

Only pairs inside a Euclidean pre-gate found with k-d trees (of the tracks and of the
plots, searched together) are costed, then gated on Mahalanobis distance (χ² with 2
degrees of freedom), so the cost is never all-pairs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.spatial import cKDTree

from tracking.filters import log_det, mahalanobis_sq, predicted_measurement
from tracking.models import H_POSITION

_UNGATED_COST = 1e9


@dataclass(frozen=True, slots=True)
class Assignment:
    """Result of associating a scan: matched pairs and which plots fell inside any gate."""

    track_index: np.ndarray  # (K,) indices into the tracks given
    plot_index: np.ndarray  # (K,) indices into the plots given
    distance_sq: np.ndarray  # (K,) Mahalanobis d² of each pair
    log_likelihood: np.ndarray  # (K,) ln N(y; 0, S) of each pair's innovation, ln(1/m²)
    plot_in_any_gate: np.ndarray  # (M,) bool
    plot_claimed: np.ndarray  # (M,) bool: may not start a track (see ``claimed_plots``)
    gated_track: np.ndarray  # (G,) every pair inside the gate: its track,
    gated_plot: np.ndarray  # (G,) its plot,
    gated_log_likelihood: np.ndarray  # (G,) and ln N(y; 0, S), for JPDA where GNN is a guess


def associate(
    x_pred: np.ndarray,
    P_pred: np.ndarray,
    z: np.ndarray,
    R: np.ndarray,
    gate_chi2: float,
    pregate_radius_m: float,
    track_cost_offset: np.ndarray | None = None,
) -> Assignment:
    """Assign plots ``z`` (M, 2) [east, north] to predicted tracks ``x_pred`` (N, 4), one-to-one.

    ``track_cost_offset`` (N,) is added to every pairing of a track: a negative log prior
    that lets established tracks win plots over newborn ones.
    """
    n_tracks, n_plots = x_pred.shape[0], z.shape[0]
    if n_tracks == 0 or n_plots == 0:
        return _unassigned(n_plots)

    # one dual-tree search gives every close pair as arrays, where a ball query per track
    # gave a list per track to flatten in Python (a third of the first pass of a scan)
    close = cKDTree(x_pred[:, [0, 2]]).sparse_distance_matrix(
        cKDTree(z), pregate_radius_m, output_type="ndarray"
    )
    if close.size == 0:
        return _unassigned(n_plots)
    by_track = np.lexsort((close["j"], close["i"]))  # track by track, plots in order
    ti, mj = close["i"][by_track].astype(np.intp), close["j"][by_track].astype(np.intp)

    Hx, HPH = predicted_measurement(x_pred, P_pred, H_POSITION)
    y, S = z[mj] - Hx[ti], HPH[ti] + R[mj]  # the innovation of each pair
    d2 = mahalanobis_sq(y, S)
    gated = d2 < gate_chi2
    ti, mj, d2, S = ti[gated], mj[gated], d2[gated], S[gated]
    plot_in_any_gate = np.zeros(n_plots, dtype=bool)
    plot_in_any_gate[mj] = True
    if ti.size == 0:
        return _unassigned(n_plots)

    rows, row_of = _distinct(ti, n_tracks)
    cols, col_of = _distinct(mj, n_plots)
    neg_log_likelihood = d2 + log_det(S)  # -2 ln N(y; 0, S) - 2 ln 2π
    cost = np.full((rows.size, cols.size), _UNGATED_COST)
    cost[row_of, col_of] = neg_log_likelihood
    if track_cost_offset is not None:
        cost[row_of, col_of] += track_cost_offset[ti]
    r, c = linear_sum_assignment(cost)
    kept = cost[r, c] < _UNGATED_COST
    r, c = r[kept], c[kept]
    pair = np.full((rows.size, cols.size), -1, dtype=np.intp)
    pair[row_of, col_of] = np.arange(ti.size)
    chosen = pair[r, c]
    gated_log_likelihood = -0.5 * neg_log_likelihood - np.log(2 * np.pi)
    claimed = claimed_plots(ti, mj, rows[r], cols[c], n_tracks, n_plots)
    return Assignment(
        rows[r], cols[c], d2[chosen], gated_log_likelihood[chosen], plot_in_any_gate, claimed,
        ti, mj, gated_log_likelihood,
    )  # fmt: skip


def claimed_plots(
    gated_track: np.ndarray,
    gated_plot: np.ndarray,
    track_index: np.ndarray,
    plot_index: np.ndarray,
    n_tracks: int,
    n_plots: int,
) -> np.ndarray:
    """Plots that may not start a new track: (M,) bool, of ``n_plots`` plots and ``n_tracks`` tracks.

    A plot is claimed when it was assigned, or when it lies in the gate of a track that got
    no plot (it may be that track's own, displaced). A plot in the gate of a track that took
    another plot is another object: a dark boat alongside a ship (a rendezvous) is
    painted as a second plot next to the ship's, and must get a track of its own.
    """
    claimed = np.zeros(n_plots, dtype=bool)
    claimed[plot_index] = True
    took_a_plot = np.zeros(n_tracks, dtype=bool)
    took_a_plot[track_index] = True
    claimed[gated_plot[~took_a_plot[gated_track]]] = True
    return claimed


def _distinct(index: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(index, return_inverse=True)`` of indices into ``size`` items, by a mask of
    the items rather than a sort: the distinct values in order, and each entry's place among
    them. Every scan asks it twice of a few hundred pairs, where a sort's overhead is most of
    the cost."""
    present = np.zeros(size, dtype=bool)
    present[index] = True
    return np.flatnonzero(present), (np.cumsum(present) - 1)[index]


def _unassigned(n_plots: int) -> Assignment:
    """No pairs: no track had a plot in its gate."""
    empty = np.empty(0, dtype=int)
    no_plot = np.zeros(n_plots, dtype=bool)
    none = np.empty(0)
    return Assignment(empty, empty, none, none, no_plot, no_plot.copy(), empty, empty, none)
