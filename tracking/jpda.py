"""Joint probabilistic data association (JPDA) for the plots GNN can only guess at.

GNN (``association``) commits each track to one plot. Where two vessels cross or lie
alongside each other, the plots of a scan fit either track nearly as well, and a wrong
hard choice pulls both tracks onto the wrong vessels at once: after the crossing the
identities are swapped, or one track is left with nothing and dies. JPDA weighs every
feasible joint assignment of the cluster's plots to its tracks (each plot to at most one
track, each track at most one plot, the rest clutter or missed) by its likelihood, and
updates each track with all the plots it may own, each by the probability that it does
(Fortmann, Bar-Shalom and Scheffe 1983; Bar-Shalom, Willett and Tian, *Tracking and Data
Fusion*, 2011, §6.2). The update's covariance grows by the spread of those plots, so an
uncertain track keeps a gate wide enough to pick its vessel up again.

JPDA is not used everywhere: with one plot per vessel and vessels far apart, its joint
events collapse to GNN's own choice at a higher cost, and it draws two tracks on vessels
a few tens of metres apart towards each other (coalescence). So a cluster is handed to
JPDA only when it is ambiguous: at least two tracks compete for two or more plots and GNN's
own joint assignment is less probable than ``max_event_probability``. (Two tracks and one
plot is a question of which vessel was missed, not of identity; given to JPDA it kept a
radar duplicate of an AIS ship alive on the 1,000-vessel benchmark.) Clusters too large to
enumerate (rare in a coastal scan; limited by ``max_events``) stay with GNN, and so do
vessels moving alike (the tracker's rule: ``Tracker._ambiguous``). Measured on crossing
and alongside dark boats in benchmarks/crossing.py.

Pure numeric code on arrays: the tracker chooses which tracks and plots take part.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class Cluster:
    """Tracks that compete for plots, the plots, and the association probabilities."""

    tracks: np.ndarray
    """(T,) indices of the tracks (as given to ``clusters``)."""
    plots: np.ndarray
    """(K,) indices of the plots."""
    beta: np.ndarray
    """(T, K + 1): column 0 is the probability that none of the plots is the track's
    (missed detection), column 1 + k that plot k is; each row sums to 1."""


def clusters(
    gated_track: np.ndarray,
    gated_plot: np.ndarray,
    likelihood_per_m2: np.ndarray,
    gnn_pairs: tuple[np.ndarray, np.ndarray],
    p_detect: float,
    clutter_per_m2: float,
    max_event_probability: float,
    max_events: int,
    left_to_gnn: Callable[[list[int]], bool],
) -> list[Cluster]:
    """The ambiguous clusters among gated (track, plot) pairs, with their JPDA probabilities.

    ``likelihood_per_m2`` is each gated pair's N(z; H x, S); ``gnn_pairs`` the (tracks,
    plots) GNN chose. A cluster whose GNN joint assignment already holds
    ``max_event_probability`` of the total is left to GNN, and so is one whose tracks
    ``left_to_gnn`` refuses, asked first as it is far cheaper than the enumeration (on the
    200-vessel benchmark nearly every contested cluster is of vessels moving alike).
    """
    if gated_track.size == 0 or np.bincount(gated_plot).max() < 2:
        return []  # no plot in two gates: nothing to weigh (most scans of a quiet sea)
    gnn_plot = dict(zip(*(a.tolist() for a in gnn_pairs), strict=True))
    tracks, track_of = np.unique(gated_track, return_inverse=True)
    plots, plot_of = np.unique(gated_plot, return_inverse=True)
    n_tracks = tracks.size
    label = _components(n_tracks + plots.size, track_of, n_tracks + plot_of)
    track_label, plot_label = label[:n_tracks], label[n_tracks:]
    shared = np.bincount(plot_of, minlength=plots.size) >= 2  # plots in two or more gates
    contested = np.zeros(label.size, dtype=bool)
    contested[plot_label[shared]] = True  # components with a plot in two or more gates
    rows_of, cols_of = _members(track_label, contested), _members(plot_label, contested)
    track_list = tracks.tolist()
    found: list[Cluster] = []
    for component in sorted(cols_of):
        if len(cols_of[component]) < 2 or left_to_gnn([track_list[r] for r in rows_of[component]]):
            continue  # tracks sharing one plot: which is painted is no question of identity
        rows, cols = np.array(rows_of[component]), np.array(cols_of[component])
        pairs = track_label[track_of] == component
        table = np.zeros((rows.size, cols.size))
        table[np.searchsorted(rows, track_of[pairs]), np.searchsorted(cols, plot_of[pairs])] = (
            likelihood_per_m2[pairs]
        )
        column = {plot: 1 + k for k, plot in enumerate(plots[cols].tolist())}
        gnn_event = [column.get(gnn_plot.get(track, -1), 0) for track in tracks[rows].tolist()]
        result = marginals(table, p_detect, clutter_per_m2, max_events, gnn_event)
        if result is not None and result[1] < max_event_probability:
            found.append(Cluster(tracks[rows], plots[cols], result[0]))
    return found


def _members(label: np.ndarray, wanted: np.ndarray) -> dict[int, list[int]]:
    """The positions holding each ``wanted`` label (a mask over labels), in order: one pass
    for all of a scan's contested components, where a mask per component cost ten times as
    much (most scans hold a few dozen of them, vessels close together, nearly all left to
    GNN)."""
    members: dict[int, list[int]] = {}
    positions = np.flatnonzero(wanted[label])
    for position, value in zip(positions.tolist(), label[positions].tolist(), strict=True):
        members.setdefault(value, []).append(position)
    return members


def _components(n_nodes: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Connected components of the graph with edges (a[i], b[i]): each node's label is the
    smallest node of its component, so the components sort as scipy's connected_components
    numbers them (in order of their first node).

    Each node takes the smallest label across its edges, then its label's label, until
    nothing changes: a few passes over a scan's gated pairs, a tenth of the cost of building
    a sparse graph for scipy every scan. A label is always a node of the same component, and
    the smallest node keeps its own, so at the fixed point every node holds that one.
    """
    label = np.arange(n_nodes)
    while True:
        low = np.minimum(label[a], label[b])
        new = label.copy()
        np.minimum.at(new, a, low)
        np.minimum.at(new, b, low)
        new = new[new]
        if np.array_equal(new, label):
            return label
        label = new


def marginals(
    likelihood_per_m2: np.ndarray,
    p_detect: float,
    clutter_per_m2: float,
    max_events: int,
    event: list[int] | None = None,
) -> tuple[np.ndarray, float] | None:
    """Association probabilities of a cluster by enumerating its feasible joint events.

    ``likelihood_per_m2`` is (T, K), zero where plot k is outside track t's gate. An event
    gives each track one of its gated plots or none, no plot to two tracks; its weight is
    the product over tracks of P_D N(z; H x, S) / λ for a plot and 1 - P_D for none (the
    plots no track takes are clutter, density λ). Returns β (T, K + 1) as ``Cluster.beta``
    and the probability of ``event`` (per track 0 for none or 1 + k), or None when the
    cluster has more than ``max_events`` events.
    """
    n_tracks, n_plots = likelihood_per_m2.shape
    options: list[list[int]] = [[0] for _ in range(n_tracks)]
    for track, plot in zip(*(a.tolist() for a in np.nonzero(likelihood_per_m2)), strict=True):
        options[track].append(1 + plot)  # row by row, plots in order
    if math.prod(map(len, options)) > max_events:
        return None
    weights = np.empty((n_tracks, n_plots + 1))
    weights[:, 0] = 1.0 - p_detect
    weights[:, 1:] = p_detect * likelihood_per_m2 / clutter_per_m2
    weight = weights.tolist()  # the same doubles, as floats: the recursion multiplies thousands
    events: list[tuple[tuple[int, ...], float]] = []
    chosen = [0] * n_tracks

    def extend(track: int, used: frozenset[int], product: float) -> None:
        if track == n_tracks:
            events.append((tuple(chosen), product))
            return
        for option in options[track]:
            if option and option in used:
                continue
            chosen[track] = option
            extend(track + 1, used | {option} if option else used, product * weight[track][option])

    extend(0, frozenset(), 1.0)
    total = sum(w for _, w in events)
    event_probability = sum(w for e, w in events if e == tuple(event or ())) / total
    beta = np.zeros((n_tracks, n_plots + 1))
    # every event's weight added to its (track, option) cells in event order, as a loop of
    # fancy += would (np.add.at accumulates in the order given), in one call: a cluster of
    # four tracks has hundreds of events
    chosen_options = np.array([e for e, _ in events])
    np.add.at(
        beta,
        (np.tile(np.arange(n_tracks), len(events)), chosen_options.ravel()),
        np.repeat([w for _, w in events], n_tracks),
    )
    return beta / beta[0].sum(), event_probability


def pda_update(
    x: np.ndarray,
    P: np.ndarray,
    c: np.ndarray,
    z: np.ndarray,
    R: np.ndarray,
    beta: np.ndarray,
    H: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Probabilistic data association update of a cluster's tracks in each of their IMM models.

    ``x`` (T, M, d), ``P`` (T, M, d, d): the tracks' model-conditioned priors, ``c`` (T, M)
    their predicted mode probabilities; ``z`` (K, 2) and ``R`` (K, 2, 2): the cluster's
    plots; ``beta`` (T, K + 1) as ``Cluster.beta``. The plots' noises differ little (they
    lie close together), so per track their probability-weighted mean R stands for all, as
    PDA's single innovation covariance requires.

    x' = x + K ν with ν = Σ β_k ν_k;  P' = β_0 P + (1 - β_0) P_c + K (Σ β_k ν_k ν_k' - ν ν') K'
    (Bar-Shalom, Willett and Tian 2011, §3.4). The mode probabilities weigh each model by
    how well it explains each plot against the mixture, as far as the plot is the track's:
    μ_m ∝ c_m (β_0 + Σ β_k N_mk / Σ_n c_n N_nk), which for one sure plot is the IMM's own
    μ_m ∝ c_m N_m and for a sure miss leaves c unchanged. Returns x', P', μ'.
    """
    missed, detected = beta[:, 0], beta[:, 1:]
    weight_sum = detected.sum(axis=1)
    R_mean = np.einsum("tk,kij->tij", detected, R) / np.maximum(weight_sum, 1e-300)[:, None, None]
    R_mean[weight_sum <= 0] = R.mean(axis=0)  # a sure miss: any R serves, the gain is unused
    HP = H @ P  # (T, M, 2, d)
    S = HP @ H.T + R_mean[:, None]  # (T, M, 2, 2)
    S_inv = np.linalg.inv(S)
    gain = np.swapaxes(HP, -1, -2) @ S_inv  # (T, M, d, 2) = P H' S⁻¹
    nu = z[None, None] - (x @ H.T)[:, :, None, :]  # (T, M, K, 2)
    nu_mean = np.einsum("tk,tmki->tmi", detected, nu)
    x_new = x + (gain @ nu_mean[..., None])[..., 0]
    I_KH = np.eye(x.shape[-1]) - gain @ H
    P_detected = I_KH @ P @ np.swapaxes(I_KH, -1, -2) + gain @ R_mean[:, None] @ np.swapaxes(gain, -1, -2)
    spread = np.einsum("tk,tmki,tmkj->tmij", detected, nu, nu) - nu_mean[..., :, None] * nu_mean[..., None, :]
    P_new = (
        missed[:, None, None, None] * P
        + weight_sum[:, None, None, None] * P_detected
        + gain @ spread @ np.swapaxes(gain, -1, -2)
    )
    P_new = 0.5 * (P_new + np.swapaxes(P_new, -1, -2))
    d2 = np.einsum("tmki,tmij,tmkj->tmk", nu, S_inv, nu)
    density = np.exp(-0.5 * d2) / (2 * np.pi * np.sqrt(np.linalg.det(S)))[..., None]  # (T, M, K)
    mixture = np.maximum(np.einsum("tm,tmk->tk", c, density), 1e-300)
    mu = c * (missed[:, None] + np.einsum("tmk,tk->tm", density, detected / mixture))
    return x_new, P_new, mu / mu.sum(axis=1, keepdims=True)
