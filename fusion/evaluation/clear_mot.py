"""Truth-to-track matching that keeps last instant's pairs: the CLEAR MOT rule for ID switches.

GOSPA's assignment is the best one at each instant on its own. Where two vessels are closer
together than the tracks' errors (two ships in company a few metres apart, a boat alongside
a trawler while radar's cross-range sigma is 140 m), the best pairing flips from one instant
to the next although both tracks stay on the pair and carry their own identities: counting
those flips as ID switches measures the evaluator's tie-breaking, not the tracker. CLEAR MOT
(Bernardin and Stiefelhagen, "Evaluating multiple object tracking performance: the CLEAR
MOT metrics", EURASIP JIVP 2008, §2.1.1; Stone Soup's ``ClearMotAssociator`` does the same)
therefore keeps a vessel's track of the previous instant while it is still within the match
distance, and assigns only the rest by Hungarian. A track that really takes over another
vessel is counted once it is further than that from its old one, or gone.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment


def persistent_pairs(
    truth_step: np.ndarray,
    truth_vessel: np.ndarray,
    truth_xy_m: np.ndarray,
    track_step: np.ndarray,
    track_code: np.ndarray,
    track_xy_m: np.ndarray,
    match_m: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(instant, vessel, track) pairs over instants, each instant's pairs kept from the last where valid.

    Inputs are sorted by instant: the truth set (instant, vessel, position) and the
    estimated set (instant, track code, position). Pairs are at most ``match_m`` apart.
    """
    steps = np.union1d(truth_step, track_step)
    truth_bounds = np.searchsorted(truth_step, np.append(steps, np.inf))
    track_bounds = np.searchsorted(track_step, np.append(steps, np.inf))
    previous: dict[int, int] = {}
    out_step: list[int] = []
    out_vessel: list[int] = []
    out_track: list[int] = []
    for k, step in enumerate(steps.tolist()):
        vessels = truth_vessel[truth_bounds[k] : truth_bounds[k + 1]]
        tracks = track_code[track_bounds[k] : track_bounds[k + 1]]
        if not vessels.size or not tracks.size:
            previous = {}
            continue
        distance_m = np.hypot(
            *(truth_xy_m[truth_bounds[k] : truth_bounds[k + 1], None, :]
              - track_xy_m[None, track_bounds[k] : track_bounds[k + 1], :]).transpose(2, 0, 1)
        )  # fmt: skip
        column_of = {track: j for j, track in enumerate(tracks.tolist())}
        kept_rows: list[int] = []
        kept_cols: list[int] = []
        for i, vessel in enumerate(vessels.tolist()):
            j = column_of.get(previous.get(vessel, -1))
            if j is not None and distance_m[i, j] < match_m:
                kept_rows.append(i)
                kept_cols.append(j)
        free_rows = np.setdiff1d(np.arange(vessels.size), kept_rows)
        free_cols = np.setdiff1d(np.arange(tracks.size), kept_cols)
        rows, cols = np.array(kept_rows, dtype=np.intp), np.array(kept_cols, dtype=np.intp)
        if free_rows.size and free_cols.size:
            free = distance_m[np.ix_(free_rows, free_cols)]
            r, c = linear_sum_assignment(np.minimum(free, match_m))
            within = free[r, c] < match_m
            rows = np.concatenate([rows, free_rows[r[within]]])
            cols = np.concatenate([cols, free_cols[c[within]]])
        previous = dict(zip(vessels[rows].tolist(), tracks[cols].tolist(), strict=True))
        out_step.extend([step] * rows.size)
        out_vessel.extend(vessels[rows].tolist())
        out_track.extend(tracks[cols].tolist())
    return (np.array(out_step, dtype=np.intp), np.array(out_vessel, dtype=np.intp),
            np.array(out_track, dtype=np.intp))  # fmt: skip
