"""Multi-sensor track management: radar scans and AIS reports into one set of tracks.

The tracker owns the track table (arrays, one row per track) and applies three kinds of
step, each driven only by the times in the data:

- ``update_radar_scan``: predict, gate and assign a radar scan (GNN), update assigned
  tracks at each plot's own time; where GNN's choice is a guess (tracks crossing or
  alongside, competing for the same plots) update those tracks by JPDA instead
  (``tracking/jpda.py``); count misses, start tentative tracks from plots no
  track claims (two-point initiation with a velocity gate), confirm by a sequential
  likelihood-ratio test on the track's plots against clutter (or after M hits). An
  identified track radar has lost while its AIS is silent takes over the state of the
  radar-only track that was born beside it since it was last heard, if only one was
  (its vessel outran it); the radar-only duplicate is deleted. A radar-only track
  unpainted since such a track was born beside it takes it over likewise when it is
  confirmed (a dark boat keeps its track id).
- ``update_ais``: fuse an AIS report into the track carrying its MMSI, or bind it to the
  best unidentified track in gate (a radar track gains an identity), or start a track.
- ``expire``: mark tracks coasting when an expected update is overdue, re-publish silent
  ones predicted, and delete the ones silent for too long; "expected" follows each
  vessel's own AIS reporting schedule (ITU-R M.1371) or the radar scan period.

Each track is an IMM of a stationary, a quiet and a manoeuvring model (tracking/imm.py):
arrays hold one state per model, ``(N, M, 4)``, and what leaves the tracker is their
moment-matched combination.

A track keeps its MMSI for life: an identity is never moved from one track to another, so
two vessels passing close cannot swap names (a take-over moves a radar track's state into
the identified track, never the MMSI out of it). Output leaves as ``TrackState`` records.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from fusion.schemas import (
    AisReport,
    RadarPlot,
    RadarSite,
    Sensors,
    TrackState,
    TrackStatus,
    positional_constructor,
)
from tracking.ais_fixes import AisFixes
from tracking.ais_schedule import expected_interval_s
from tracking.association import Assignment, associate
from tracking.config import TrackerConfig
from tracking.filters import damped_velocity_terms, innovation, mahalanobis_sq, predicted_measurement
from tracking.frames import LocalFrame, course_from_velocity, range_bearing
from tracking.imm import combine, predict_each_model, predict_models, stationary_probabilities, update_models
from tracking.jpda import Cluster, clusters, pda_update
from tracking.models import H_POSITION, polar_covariance_enu
from tracking.registration import RadarRegistration


@dataclass(slots=True)
class _TrackMeta:
    """Per-track bookkeeping that is not part of the filter state."""

    track_id: str
    status: TrackStatus
    born_time: float
    mmsi: int | None = None
    hits: int = 0
    misses: int = 0
    score: float = 0.0
    """Log-likelihood ratio, vessel against clutter, of a tentative track's plots (see
    ``TrackerConfig.confirm_score``); 0 at birth, where one plot says nothing either way."""
    born_beside: bool = False
    """Born of a plot in the gate of a track that took another plot (see ``_ready_to_confirm``)."""
    born_near: frozenset[str] = frozenset()
    """Held tracks within ``TrackerConfig.successor_gate_chi2`` of a radar-born track's
    first plot: the vessels it may be, should radar lose one of them (``_successors``,
    ``_predecessors``)."""
    last_ais_time: float | None = None
    ais_interval_s: float | None = None
    last_radar_time: float | None = None
    last_ais_payload: str = ""
    radar_ids: tuple[str, ...] = ()
    """The radars that have painted the track, sorted: kept as ``TrackState.radar_ids`` wants
    them, since every state published carries them and a track gains a radar rarely."""


@dataclass(frozen=True, slots=True)
class _AisInRun:
    """A report waiting in a run of ``update_ais_batch``: its track row and NMEA payload."""

    report: AisReport
    track_row: int
    payload: str


@dataclass(frozen=True, slots=True)
class _ScanAssociation:
    """One scan's (track, plot) pairs with their innovation log-likelihoods, per plot
    whether it is claimed (may not start a track) or beside a track that took another, and
    every track's predicted state and covariance at the scan time (before the update)."""

    pairs: np.ndarray
    log_likelihood: np.ndarray
    claimed: np.ndarray
    beside: np.ndarray
    x_pred: np.ndarray
    P_pred: np.ndarray
    ambiguous: list[Cluster]
    """Clusters of tracks updated by JPDA rather than by the pairs."""


@dataclass(frozen=True, slots=True)
class _RadarGeometry:
    east_m: float
    north_m: float
    max_range_m: float
    scan_period_s: float


class Tracker:
    """Tracks in one local tangent plane. Pure: no I/O, no clock, deterministic."""

    def __init__(
        self,
        frame: LocalFrame,
        sensors: Sensors,
        config: TrackerConfig | None = None,
        *,
        track_id_prefix: str = "",
    ) -> None:
        """``track_id_prefix`` keeps track ids unique where several trackers publish on one
        topic (one per tracking area: ``"north:"`` gives ``north:T000001``)."""
        self.frame = frame
        self.track_id_prefix = track_id_prefix
        self.sensors = sensors
        self.config = config or TrackerConfig()
        self._q_models = np.asarray(self.config.process_noise_q_m2ps3, dtype=float)
        self._leave_rates = np.asarray(self.config.mode_leave_rate_per_s, dtype=float)
        self._manoeuvre_model = int(np.argmax(self._q_models))
        """The model with the most process noise: a second chance for a lonely track's gate."""
        self._decays = np.asarray(self.config.velocity_decay_per_s, dtype=float)
        self._quiet_model = int(np.argmin(np.where(self._decays == 0.0, self._q_models, np.inf)))
        """The steady constant-velocity model: its velocity is the smoothest estimate of a
        vessel's course and speed, which JPDA's coalescence test compares (``_ambiguous``)."""
        moving = np.where(self._decays == 0.0, stationary_probabilities(self._leave_rates), 0.0)
        self._mu_at_birth = moving / moving.sum()
        """A new track's velocity is unknown, not zero: it starts among the moving models, in
        their long-run shares, and earns a damped model's weight by staying put."""
        models = self._q_models.size
        self._x = np.empty((0, models, 4))
        self._P = np.empty((0, models, 4, 4))
        self._mu = np.empty((0, models))
        self._t = np.empty(0)
        """Each track's time: its newest measurement's (unix s)."""
        self._reported = np.empty(0)
        """When each track's state was last published (unix s; 0 before the first)."""
        self._recheck_at = np.empty(0)
        """Event time from which ``expire`` must look at each track again (-inf: at once). With
        hundreds of tracks, looking at every one every second was most of an AIS-only feed's cost."""
        self._ais_fix = np.empty((0, 5))
        """Each track's last AIS report with velocity, in the area plane: (time, east_m,
        north_m, ve_mps, vn_mps); NaN where it has none. An array, as radar registration
        looks through all of them every scan."""
        self._meta: list[_TrackMeta] = []
        self._by_mmsi: dict[int, int] = {}
        self._next_number = 1
        self._retired_ids: dict[int, tuple[str, float]] = {}
        """MMSI -> (track id, event time) of identified tracks dropped within the last
        ``ais_track_id_memory_s``, in the order dropped: the id a returning vessel takes back."""
        self._radars: dict[str, _RadarGeometry] = {}
        for radar in sensors.radars:
            east, north = frame.to_enu(radar.lat, radar.lon)
            self._radars[radar.id] = _RadarGeometry(
                float(east), float(north), radar.max_range_m, radar.scan_period_s
            )
        self._slowest_scan_s = max((r.scan_period_s for r in sensors.radars), default=10.0)
        cfg = self.config
        self._least_silence_s = min(
            3 * self._slowest_scan_s, cfg.radar_scan_hold_s, cfg.ais_min_idle_s, cfg.ais_max_idle_s
        )
        """The shortest silence after which ``_update_expectation`` lets a track coast or
        be dropped, whatever its state: its least coasting and dropping times."""
        self.identity_conflicts = 0
        self.duplicate_ais = 0
        self.hand_overs = 0
        self.jpda_clusters = 0
        """Clusters of tracks updated by JPDA (``_fuse_ambiguous``): how often GNN had to guess."""
        """Tracks radar lost whose vessel a radar-born track had taken (``_successors``,
        ``_predecessors``)."""
        self.registration = RadarRegistration(min_samples=self.config.registration_min_samples)
        p_detect = self.config.detection_probability
        self._hit_score_offset = np.log(p_detect) - np.log(self.config.clutter_density_per_km2 * 1e-6)
        """Score of a plot beyond its innovation log-likelihood: ln P_D - ln(clutter per m²)."""
        self._miss_score = float(np.log1p(-p_detect))

    @property
    def track_count(self) -> int:
        return len(self._meta)

    # ------------------------------------------------------------------ radar

    def update_radar_scan(self, plots: list[RadarPlot]) -> list[TrackState]:
        """Associate and fuse one scan (or one time-window of a scan) of a single radar."""
        if not plots:
            return []
        sensor_id = plots[0].sensor_id
        site = self.sensors.radar(sensor_id)
        if site is None or any(p.sensor_id != sensor_id for p in plots):
            raise ValueError(f"a scan holds plots of one known radar, got {sensor_id!r}")
        radar = self._radars[sensor_id]
        raw_range_m = np.array([p.range_m for p in plots])
        raw_bearing_deg = np.array([p.bearing_deg for p in plots])
        plot_time = np.array([p.time for p in plots])
        placed_raw = self._calibrate(site, raw_range_m, raw_bearing_deg, plot_time)
        bias = self.registration.bias(sensor_id)
        range_m = raw_range_m - bias.range_m
        bearing_deg = np.mod(raw_bearing_deg - bias.bearing_deg, 360.0)
        # a zero bias (a radar not yet calibrated, or aligned) leaves the plots as they were
        unchanged = np.array_equal(range_m, raw_range_m) and np.array_equal(bearing_deg, raw_bearing_deg)
        if placed_raw is not None and unchanged:
            east, north = placed_raw
        else:
            east, north = self.frame.polar_to_enu(site.lat, site.lon, range_m, bearing_deg)
        z = np.column_stack([east, north])
        range_sigma_m, bearing_sigma_deg = site.range_sigma_m, site.bearing_sigma_deg
        if not bias.calibrated:
            range_sigma_m = float(np.hypot(range_sigma_m, self.config.uncalibrated_range_sigma_m))
            bearing_sigma_deg = float(np.hypot(bearing_sigma_deg, self.config.uncalibrated_bearing_sigma_deg))
        R = polar_covariance_enu(range_m, bearing_deg, range_sigma_m, bearing_sigma_deg)

        scan_time = float(plot_time.mean())
        found = self._associate_scan(z, R, scan_time)
        tracks, plots_used = found.pairs[:, 0], found.pairs[:, 1]
        in_time_order = np.argsort(plot_time[plots_used], kind="stable")
        tracks, plots_used = tracks[in_time_order], plots_used[in_time_order]
        times_used = plot_time[plots_used]
        self._fuse(tracks, z[plots_used], R[plots_used], times_used, H_POSITION)
        score_gain = found.log_likelihood[in_time_order] + self._hit_score_offset
        updated, soft_hits = self._fuse_ambiguous(found.ambiguous, z, R, plot_time, sensor_id)
        confirmed_now: list[int] = []
        for i, time, gain in zip(tracks.tolist(), times_used.tolist(), score_gain.tolist(), strict=True):
            meta = self._meta[i]
            meta.hits += 1
            meta.misses = 0
            meta.score += gain
            meta.last_radar_time = time
            if sensor_id not in meta.radar_ids:
                meta.radar_ids = _radar_ids(meta.radar_ids, (sensor_id,))
            ready = self._ready_to_confirm(meta)
            if ready:
                confirmed_now.append(i)
            if meta.status is TrackStatus.COASTING or ready:
                meta.status = TrackStatus.CONFIRMED
            updated.append(i)

        deleted, radar_lost = self._count_misses(
            set(tracks.tolist()) | soft_hits, found.x_pred, radar, scan_time
        )
        deleted |= self._velocity_gate(updated)
        successors = self._successors(radar_lost, deleted)
        busy = deleted | set(successors) | set(successors.values())  # one take-over per track and scan
        for lost, successor in (successors | self._predecessors(confirmed_now, busy)).items():
            self._hand_over(successor, lost)
            deleted.add(successor)
            updated.append(lost)
        free = np.flatnonzero(~found.claimed)
        near = self._held_near(z[free], R[free], found.x_pred, found.P_pred)
        births = self._start_radar_tracks(
            z[free], R[free], plot_time[free].tolist(), sensor_id, found.beside[free].tolist(), near
        )
        states = self._states([i for i in dict.fromkeys(updated) if i not in deleted] + births)
        gone = sorted(deleted)
        # a track this scan did not update is as the association predicted it at scan_time
        # (predictions do not depend on their batch): its lost state needs no new prediction
        untouched = set(updated).isdisjoint(gone)
        predicted = (found.x_pred[gone], found.P_pred[gone]) if untouched else None
        states += self._remove(gone, scan_time, predicted=predicted)
        return states

    def _associate_scan(self, z: np.ndarray, R: np.ndarray, scan_time: float) -> _ScanAssociation:
        """Pairs of one scan's plots with tracks, in two passes, and which plots are free.

        First every track with its current process noise (GNN, newborn tracks penalised).
        Held tracks whose GNN pairs were a guess (``_ambiguous``) are taken out of the pairs
        for JPDA. Then the confirmed tracks left without a plot are taken as if manoeuvring,
        and offered the plots nobody took: a fast boat that turned hard between two scans
        lands outside its quiet gate but inside this one, and keeps its track (and its
        identity) instead of being replaced by a new one. Their manoeuvring model's prior is
        the first pass's, not predicted again: a track's prediction does not depend on its
        batch (tests/unit/tracking/test_tracker_screens.py), so it is the same numbers for free. A claimed
        plot (``association.claimed_plots``) may not start a new track; a free plot in the gate
        of a track that took another is *beside* it; a plot of an ambiguous cluster is
        claimed if it is more likely one of the cluster's vessels than not.
        """
        cfg = self.config
        everyone = np.arange(self.track_count)
        x_models, P_models, c = self._prior(everyone, scan_time)
        x_pred, P_pred = combine(x_models, P_models, c)
        tentative = np.array([m.status is TrackStatus.TENTATIVE for m in self._meta], dtype=bool)
        first = associate(
            x_pred, P_pred, z, R, cfg.gate_chi2, cfg.pregate_radius_m,
            track_cost_offset=np.where(tentative, cfg.tentative_cost_penalty, 0.0),
        )  # fmt: skip
        claimed = first.plot_claimed.copy()
        ambiguous = self._ambiguous(first, tentative)
        soft = np.concatenate([c.tracks for c in ambiguous] + [np.empty(0, dtype=int)])
        hard = ~np.isin(first.track_index, soft)
        pairs = [np.column_stack([first.track_index[hard], first.plot_index[hard]])]
        log_likelihood = [first.log_likelihood[hard]]
        for cluster in ambiguous:
            claimed[cluster.plots] = cluster.beta[:, 1:].sum(axis=0) >= 0.5

        lonely_mask = ~tentative
        lonely_mask[first.track_index] = False
        lonely_mask[soft] = False
        lonely = np.flatnonzero(lonely_mask)  # confirmed or coasting, without a plot or a cluster
        free = np.flatnonzero(~claimed)
        if lonely.size and free.size:
            x_man, P_man = x_models[lonely, self._manoeuvre_model], P_models[lonely, self._manoeuvre_model]
            second = associate(x_man, P_man, z[free], R[free], cfg.gate_chi2, cfg.pregate_radius_m)
            rescued = lonely[second.track_index]
            pairs.append(np.column_stack([rescued, free[second.plot_index]]))
            log_likelihood.append(second.log_likelihood)
            claimed[free[second.plot_claimed]] = True
        return _ScanAssociation(
            pairs=np.concatenate(pairs).astype(int),
            log_likelihood=np.concatenate(log_likelihood),
            claimed=claimed,
            beside=first.plot_in_any_gate & ~claimed,
            x_pred=x_pred,
            P_pred=P_pred,
            ambiguous=ambiguous,
        )

    def _ambiguous(self, first: Assignment, tentative: np.ndarray) -> list[Cluster]:
        """Clusters of held tracks competing for plots where GNN's joint choice is a guess
        (``jpda.clusters``), unless two of their vessels move alike.

        Tentative tracks keep their GNN plots, which stay out of the clusters: a newborn
        track says too little to weigh plots by. Vessels on the same course and speed side
        by side (a rendezvous under way, a transfer) are JPDA's known failure: fed the same
        plots every scan, their tracks coalesce and part at random (benchmarks/crossing.py:
        alongside, 53 % of identities kept against GNN's 83 %); crossing vessels are its
        strength (60°: 96 % against 84 %). So a cluster goes to JPDA only if every two of
        its tracks differ in velocity by ``jpda_min_velocity_difference_mps``.
        """
        cfg = self.config
        taken_by_tentative = first.plot_index[tentative[first.track_index]]
        eligible = ~tentative[first.gated_track] & ~np.isin(first.gated_plot, taken_by_tentative)
        return clusters(
            first.gated_track[eligible],
            first.gated_plot[eligible],
            np.exp(first.gated_log_likelihood[eligible]),
            (first.track_index, first.plot_index),
            cfg.jpda_detection_probability,
            cfg.clutter_density_per_km2 * 1e-6,
            cfg.jpda_max_event_probability,
            cfg.jpda_max_events,
            self._moving_alike(),
        )

    def _moving_alike(self) -> Callable[[list[int]], bool]:
        """A test of tracks (rows) for ``_ambiguous``: do two of them differ in steady-model
        velocity by less than ``jpda_min_velocity_difference_mps``? Asked of a few dozen
        small clusters a scan, so on Python floats taken from the table once."""
        velocity = self._x[:, self._quiet_model][:, [1, 3]].tolist()
        limit_mps = self.config.jpda_min_velocity_difference_mps

        def move_alike(tracks: list[int]) -> bool:
            return any(
                math.hypot(velocity[a][0] - velocity[b][0], velocity[a][1] - velocity[b][1]) < limit_mps
                for a, b in itertools.combinations(tracks, 2)
            )

        return move_alike

    def _fuse_ambiguous(
        self, ambiguous: list[Cluster], z: np.ndarray, R: np.ndarray, plot_time: np.ndarray, sensor_id: str
    ) -> tuple[list[int], set[int]]:
        """JPDA update of each cluster's tracks with its plots, at the plots' mean time (they
        lie close together, so were painted within moments); the tracks updated, and those
        likelier painted than not, which count as hits."""
        updated: list[int] = []
        hits: set[int] = set()
        self.jpda_clusters += len(ambiguous)
        for cluster in ambiguous:
            time = float(plot_time[cluster.plots].mean())
            x_new, P_new, mu = pda_update(
                *self._prior(cluster.tracks, time),
                z[cluster.plots],
                R[cluster.plots],
                cluster.beta,
                H_POSITION,
            )
            self._store(cluster.tracks, x_new, P_new, mu, np.full(cluster.tracks.size, time))
            for i, miss in zip(cluster.tracks.tolist(), cluster.beta[:, 0].tolist(), strict=True):
                updated.append(i)
                if miss < 0.5:
                    meta = self._meta[i]
                    meta.hits += 1
                    meta.misses = 0
                    meta.last_radar_time = time
                    meta.radar_ids = _radar_ids(meta.radar_ids, (sensor_id,))
                    meta.status = TrackStatus.CONFIRMED
                    hits.add(i)
        return updated, hits

    def _calibrate(
        self, site: RadarSite, range_m: np.ndarray, bearing_deg: np.ndarray, plot_time: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """Feed the registration with (raw plot, fresh AIS fix) pairs of this scan; the raw
        plots' (east, north) if it placed them (None when no fix was fresh).

        Pairs are made independently of association, which a large bias would spoil: each
        track with an AIS fix at most ``registration_max_ais_age_s`` old (extrapolated to
        the scan) is paired with the only raw plot within ``registration_pair_radius_m``;
        a fix with none or several plots near it gives no sample.
        """
        cfg = self.config
        scan_time = float(plot_time.mean())
        fixes = self._ais_fix[np.abs(scan_time - self._ais_fix[:, 0]) <= cfg.registration_max_ais_age_s]
        if fixes.size == 0:
            return None
        placed = plot_east, plot_north = self.frame.polar_to_enu(site.lat, site.lon, range_m, bearing_deg)
        dt = scan_time - fixes[:, 0]
        fix_east, fix_north = fixes[:, 1] + fixes[:, 3] * dt, fixes[:, 2] + fixes[:, 4] * dt
        near = _within(
            np.column_stack([fix_east, fix_north]),
            np.column_stack([plot_east, plot_north]),
            cfg.registration_pair_radius_m,
        )
        f = np.flatnonzero(near.sum(axis=1) == 1)
        if f.size == 0:
            return placed
        j = near[f].argmax(axis=1)
        dt_plot = plot_time[j] - fixes[f, 0]
        lat, lon = self.frame.to_geodetic(
            fixes[f, 1] + fixes[f, 3] * dt_plot, fixes[f, 2] + fixes[f, 4] * dt_plot
        )
        expected_range_m, expected_bearing_deg = range_bearing(site.lat, site.lon, lat, lon)
        self.registration.add(site.id, range_m[j] - expected_range_m, bearing_deg[j] - expected_bearing_deg)
        return placed

    def _ready_to_confirm(self, meta: _TrackMeta) -> bool:
        """A sequential test on the track score, or enough hits (see config).

        A track born beside another (``_associate_scan``) needs the hits: next to a vessel,
        its plot may be that vessel's own far off in the noise, and two such in a row
        would otherwise start a shadow of it.
        """
        cfg = self.config
        return meta.status is TrackStatus.TENTATIVE and (
            meta.hits >= cfg.confirm_hits
            or (not meta.born_beside and meta.hits >= 2 and meta.score >= cfg.confirm_score)
        )

    def _count_misses(
        self, assigned: set[int], x_pred: np.ndarray, radar: _RadarGeometry, scan_time: float
    ) -> tuple[set[int], list[int]]:
        """Count scans that should have seen a track and did not.

        Returns the tracks to delete and the identified ones radar once held and has lost,
        but AIS still vouches for. A tentative track dies after a few misses; a confirmed one after many,
        and only when AIS does not vouch for it either.
        """
        cfg = self.config
        in_coverage = np.hypot(x_pred[:, 0] - radar.east_m, x_pred[:, 2] - radar.north_m) <= radar.max_range_m
        doomed: set[int] = set()
        radar_lost: list[int] = []
        for i in np.flatnonzero(in_coverage).tolist():
            meta = self._meta[i]
            if i in assigned:
                continue
            meta.misses += 1
            if meta.status is TrackStatus.TENTATIVE:
                meta.score += self._miss_score
                if meta.score <= cfg.delete_score:
                    doomed.add(i)
            elif meta.misses > cfg.confirmed_max_misses:
                if not self._ais_current(meta, scan_time):
                    doomed.add(i)
                elif meta.mmsi is not None and meta.last_radar_time is not None:
                    radar_lost.append(i)  # radar held it once: a boat radar never saw is not "lost"
        return doomed, radar_lost

    def _held_near(
        self, z: np.ndarray, R: np.ndarray, x_pred: np.ndarray, P_pred: np.ndarray
    ) -> list[frozenset[str]]:
        """Per plot of ``z`` (covariance ``R``), the confirmed or coasting tracks (predicted
        ``x_pred``, ``P_pred``) it lies within ``successor_gate_chi2`` of. Every (plot, track)
        pair within the pre-gate is tested in one stacked step, not plot by plot."""
        near: list[frozenset[str]] = [frozenset()] * z.shape[0]
        if z.shape[0] == 0:
            return near
        held = [i for i, m in enumerate(self._meta) if m.status is not TrackStatus.TENTATIVE]
        rows = np.array(held, dtype=int)
        if rows.size == 0:
            return near
        plot, k = np.nonzero(_within(z, x_pred[rows][:, [0, 2]], self.config.pregate_radius_m))
        tracks = rows[k]  # by plot, then track: each plot's tracks in table order
        Hx, HPH = predicted_measurement(x_pred[tracks], P_pred[tracks], H_POSITION)
        close = mahalanobis_sq(z[plot] - Hx, HPH + R[plot]) <= self.config.successor_gate_chi2
        ids: dict[int, list[str]] = {j: [] for j in plot.tolist()}
        for j, i in zip(plot[close].tolist(), tracks[close].tolist(), strict=True):
            ids[j].append(self._meta[i].track_id)
        for j, track_ids in ids.items():
            near[j] = frozenset(track_ids)
        return near

    def _successors(self, radar_lost: list[int], deleted: set[int]) -> dict[int, int]:
        """For identified tracks radar has lost, the radar track that took over each one's
        vessel, where one can tell: ``{lost: successor}``.

        Radar no longer sees anything where a ``lost`` track is predicted; only its AIS
        schedule keeps it (a class B boat at rest reports every 3 min). If exactly one
        confirmed radar-only track was born near it after its last AIS report, that track is
        its vessel: a boat that sped off faster than its track could follow (its plots left
        the gate and started a new track, and the old one was left behind, fed by its
        neighbours' stray plots). A vessel whose AIS has spoken since the radar track
        appeared is not taken over (it said where it is; a false position stays a spoofing
        case), nor is one radar still sees (a dark boat leaving a ship's side takes nothing
        from the ship).
        """
        if not radar_lost:
            return {}
        born_near: dict[str, list[int]] = {}
        for i, m in enumerate(self._meta):
            if m.mmsi is None and m.status is not TrackStatus.TENTATIVE and i not in deleted:
                for track_id in m.born_near:
                    born_near.setdefault(track_id, []).append(i)
        chosen: dict[int, int] = {}
        for lost in radar_lost:
            meta = self._meta[lost]
            heard = meta.last_ais_time if meta.last_ais_time is not None else -np.inf
            candidates = [
                i
                for i in born_near.get(meta.track_id, [])
                if self._meta[i].born_time > heard and i not in chosen.values()
            ]
            if len(candidates) == 1:
                chosen[lost] = candidates[0]
        return chosen

    def _predecessors(self, confirmed_now: list[int], busy: set[int]) -> dict[int, int]:
        """For radar-only tracks confirmed this scan, the radar-only track each continues:
        ``{predecessor: new}`` (``busy``: tracks deleted or in another take-over this scan).

        A fast dark boat whose track was slow to learn its speed leaves the track's gate; its
        plots then start a new track just beyond it, and the old one coasts on, empty, until
        it is dropped: custody of the boat, and the history and alerts on its track, would
        pass to a new id. So when a new radar-only track is confirmed, a radar-only track that
        was held when it was born, lay within ``successor_gate_chi2`` of its first plot, has
        had no plot since and has missed ``custody_min_misses`` scans running is the same boat,
        if it is the only such track; it takes the new track's state and keeps its own id. Two
        such tracks, or one radar still paints, and nothing is merged.
        """
        if not confirmed_now:
            return {}
        min_misses = self.config.custody_min_misses
        by_id = {m.track_id: i for i, m in enumerate(self._meta) if m.mmsi is None and i not in busy}
        chosen: dict[int, int] = {}
        for new in confirmed_now:
            meta = self._meta[new]
            if meta.mmsi is not None or new in busy:
                continue
            candidates = [
                old
                for track_id in meta.born_near
                if (old := by_id.get(track_id)) is not None
                and old not in chosen
                and self._meta[old].misses >= min_misses
                and (self._meta[old].last_radar_time or -np.inf) < meta.born_time
            ]
            if len(candidates) == 1:
                chosen[candidates[0]] = new
        return chosen

    def _hand_over(self, successor: int, lost: int) -> None:
        """Move the radar track ``successor``'s state into the track ``lost``.

        The older track keeps its id and its MMSI, if any (an identity never moves between
        tracks); the successor, now a duplicate, is deleted by the caller.
        """
        new, old = self._meta[successor], self._meta[lost]
        time = max(self._t[lost], self._t[successor])  # a track's time never runs backwards
        x, P, mu = self._prior(np.array([successor]), time)
        self._x[lost], self._P[lost], self._mu[lost], self._t[lost] = x[0], P[0], mu[0], time
        self._recheck_at[lost] = -np.inf
        old.status = TrackStatus.CONFIRMED
        old.misses = new.misses
        old.hits += new.hits
        old.last_radar_time = new.last_radar_time
        old.radar_ids = _radar_ids(old.radar_ids, new.radar_ids)
        self.hand_overs += 1

    def _ais_current(self, meta: _TrackMeta, now: float) -> bool:
        """Has the track's AIS reported within the time its schedule makes normal?"""
        if meta.last_ais_time is None or meta.ais_interval_s is None:
            return False
        return now - meta.last_ais_time <= self.config.ais_missed_reports_to_coast * meta.ais_interval_s

    def _velocity_gate(self, updated: list[int]) -> set[int]:
        """Tentative radar tracks implying an impossible speed are clutter pairs (only the
        tentative ones' states are combined: most tracks a scan updates are not)."""
        tentative = [i for i in updated if self._meta[i].status is TrackStatus.TENTATIVE]
        if not tentative:
            return set()
        x, _ = combine(self._x[tentative], self._P[tentative], self._mu[tentative])
        speed = np.hypot(x[:, 1], x[:, 3])
        return {i for i, s in zip(tentative, speed.tolist(), strict=True) if s > self.config.max_speed_mps}

    # -------------------------------------------------------------------- AIS

    def update_ais(self, report: AisReport) -> list[TrackState]:
        """Fuse one AIS position report (see the module docstring for the three cases)."""
        return self.update_ais_batch([report])

    def update_ais_batch(self, reports: Sequence[AisReport]) -> list[TrackState]:
        """Fuse AIS position reports in order: the same tracks as one ``update_ais`` call each.

        On a busy feed nearly every report updates a track already carrying its MMSI, and
        such updates of different tracks do not touch each other, so a run of them is one
        stacked IMM step: its fixed cost (some hundred numpy calls) is paid once per run, not
        once per report. A report whose MMSI is new (it may bind to a radar track or start
        one) or already in the run ends the run and is taken alone, so every decision that
        depends on order sees what it would one report at a time.
        """
        states: list[TrackState] = []
        run: dict[int, _AisInRun] = {}  # by MMSI
        for report in reports:
            payload = _payload(report.raw)
            # a report of an MMSI already in the run compares with that one: it would be the
            # track's last message by now; a new MMSI ends the run (a run never makes one known)
            earlier = run.get(report.mmsi)
            if earlier is not None and self._same_message(
                earlier.report.time, earlier.payload, report.time, payload
            ):
                self.duplicate_ais += 1
                continue
            if earlier is not None or report.mmsi not in self._by_mmsi:
                states += self._update_identified(list(run.values()))
                run = {}
            index = self._by_mmsi.get(report.mmsi)  # after the run: a conflict there moves the MMSI
            if index is None:
                states += self._update_unidentified(report, payload)
                continue
            meta = self._meta[index]
            if self._same_message(meta.last_ais_time, meta.last_ais_payload, report.time, payload):
                self.duplicate_ais += 1
                continue
            run[report.mmsi] = _AisInRun(report, index, payload)
        return states + self._update_identified(list(run.values()))

    def _update_identified(self, run: list[_AisInRun]) -> list[TrackState]:
        """Reports of MMSIs each carried by a different track: one stacked step.

        A position the track cannot have reached (``_identity_consistent``) is not fused into
        it: it starts a track of its own, which takes over the MMSI (the identity rule flags
        the MMSI at two places), so a false position never drags the true vessel's track.
        """
        if not run:
            return []
        fixes = AisFixes.of([one.report for one in run], self.frame, self.config)
        rows = np.array([one.track_row for one in run])
        prior = self._prior(rows, fixes.time)
        consistent = self._identity_consistent(prior, fixes.position_m)
        for with_velocity in (True, False):
            chosen = np.flatnonzero(consistent & (fixes.has_velocity == with_velocity))
            if chosen.size:
                z, R, H = fixes.measurements(chosen, with_velocity)
                chosen_prior = (prior[0][chosen], prior[1][chosen], prior[2][chosen])
                self._fuse(rows[chosen], z, R, fixes.time[chosen], H, chosen_prior)
        updated = rows.tolist()
        for k, one in enumerate(run):
            if consistent[k]:
                self._meta[one.track_row].hits += 1
            else:
                self.identity_conflicts += 1
                updated[k] = self._start_ais_track(fixes, k)
        self._note_ais(updated, [(one.report, one.payload) for one in run], fixes)
        return self._states(updated)

    def _update_unidentified(self, report: AisReport, payload: str) -> list[TrackState]:
        """A report of an MMSI no track carries: bind it to the best unidentified track in
        gate (a radar track gains its identity) or start a track."""
        fixes = AisFixes.of([report], self.frame, self.config)
        z, R, H = fixes.measurements(np.array([0]), bool(fixes.has_velocity[0]))
        index = self._best_unidentified(z[0], R[0], H, report.time)
        if index is None:
            index = self._start_ais_track(fixes, 0, self._returning_id(report.mmsi, report.time))
        else:
            self._fuse(np.array([index]), z, R, fixes.time, H)
            self._meta[index].hits += 1
        self._note_ais([index], [(report, payload)], fixes)
        return self._states([index])

    def _returning_id(self, mmsi: int, time: float) -> str | None:
        """The id of this MMSI's track if it was dropped within ``ais_track_id_memory_s``
        of ``time`` (see the config), taken out of the memory; else None."""
        retired = self._retired_ids.pop(mmsi, None)
        if retired is None or time - retired[1] > self.config.ais_track_id_memory_s:
            return None
        return retired[0]

    def _start_ais_track(self, fixes: AisFixes, k: int, track_id: str | None = None) -> int:
        """A new confirmed-to-be track at AIS fix ``k``, velocity prior from its SOG/COG if
        any; a fresh id unless ``track_id`` (a returning vessel's) is given."""
        init_var = self.config.init_speed_sigma_mps**2
        P0 = np.diag([0.0, init_var, 0.0, init_var])
        P0[np.ix_([0, 2], [0, 2])] = fixes.position_cov[k]
        ve, vn = 0.0, 0.0
        if fixes.has_velocity[k]:
            P0[np.ix_([1, 3], [1, 3])] = fixes.velocity_cov[k]
            ve, vn = fixes.velocity_mps[k]
        east, north = fixes.position_m[k]
        return self._append_tracks(
            np.array([[east, ve, north, vn]]), P0[None], [float(fixes.time[k])], track_ids=[track_id]
        )[0]

    def _note_ais(self, rows: list[int], reports: list[tuple[AisReport, str]], fixes: AisFixes) -> None:
        """The track at ``rows[k]`` now carries the MMSI of report k of ``fixes`` (with its NMEA
        payload, in ``reports``) and knows its reporting schedule. Distinct rows: their AIS
        fixes are stored in one assignment, not a row at a time."""
        for index, (report, payload) in zip(rows, reports, strict=True):
            meta = self._meta[index]
            meta.mmsi = report.mmsi
            meta.status = TrackStatus.CONFIRMED
            meta.last_ais_time = report.time
            meta.last_ais_payload = payload
            meta.ais_interval_s = expected_interval_s(report.msg_type, report.sog_kn, report.nav_status)
            self._by_mmsi[report.mmsi] = index
        fix = np.column_stack([fixes.time, fixes.position_m, fixes.velocity_mps])
        fix[~fixes.has_velocity] = np.nan
        self._ais_fix[rows] = fix

    def _same_message(self, last_time: float | None, last_payload: str, time: float, payload: str) -> bool:
        """Is a report the track's last message heard again by another station (identical
        payload, close in time)?"""
        return (
            last_time is not None
            and bool(payload)
            and payload == last_payload
            and abs(time - last_time) <= self.config.duplicate_ais_window_s
        )

    def _identity_consistent(
        self, prior: tuple[np.ndarray, np.ndarray, np.ndarray], position_m: np.ndarray
    ) -> np.ndarray:
        """Per track, is an AIS position plausible for the track already carrying that MMSI
        (its ``prior``)?"""
        x_pred, P_pred = combine(*prior)
        R = np.diag([self.config.ais_position_sigma_m**2] * 2)[None]
        y, S = innovation(x_pred, P_pred, position_m, R, H_POSITION)
        return (mahalanobis_sq(y, S) < self.config.gate_chi2 * 4) | (
            np.hypot(y[:, 0], y[:, 1]) < self.config.ais_identity_gate_m
        )

    def _best_unidentified(self, z: np.ndarray, R: np.ndarray, H: np.ndarray, time: float) -> int | None:
        """The unidentified track most likely to be this AIS transmitter, if any is in gate."""
        candidates = np.array([i for i, m in enumerate(self._meta) if m.mmsi is None], dtype=int)
        candidates = candidates[self._may_reach(candidates, time, z[:2], self.config.ais_bind_radius_m)]
        if candidates.size == 0:
            return None
        x_pred, P_pred = self._predicted(candidates, time)
        near = np.hypot(x_pred[:, 0] - z[0], x_pred[:, 2] - z[1]) < self.config.ais_bind_radius_m
        if not near.any():
            return None
        candidates, x_pred, P_pred = candidates[near], x_pred[near], P_pred[near]
        y, S = innovation(x_pred, P_pred, np.broadcast_to(z, (candidates.size, z.size)), R[None], H)
        d2 = mahalanobis_sq(y, S)
        gate = self.config.ais_bind_gate_chi2 if z.size == 4 else self.config.gate_chi2
        cost = np.where(d2 < gate, d2 + np.log(np.linalg.det(S)), np.inf)
        best = int(np.argmin(cost))
        return int(candidates[best]) if np.isfinite(cost[best]) else None

    def _may_reach(self, rows: np.ndarray, time: float, point: np.ndarray, radius_m: float) -> np.ndarray:
        """Per track of ``rows``, may its predicted position at ``time`` lie within ``radius_m``
        of ``point`` (east, north)? False only where it surely does not: a cheap screen that
        spares the IMM prediction of tracks far away, which an AIS report mostly is from all
        but one or two of the unidentified tracks.

        The IMM prediction (``_predicted``) is linear in the models' states with non-negative
        weights summing to one: its position is a convex combination of the points p_ik, each
        model state i moved on its own velocity by each model's travel over dt (dt for
        constant velocity, less for a damped model). So it lies within ``spread`` (the largest
        distance between two p_ik) of every p_ik: at least min |p_ik - point| - spread from
        ``point``. A metre is added for rounding (positions are tens of km).
        """
        x = self._x[rows]
        dt = time - self._t[rows]
        travel = damped_velocity_terms(dt[:, None], np.unique(self._decays))[0][:, None, :]
        points = len(rows), x.shape[1] * travel.shape[2]
        east = (x[:, :, 0, None] + x[:, :, 1, None] * travel).reshape(points)  # (N, M K)
        north = (x[:, :, 2, None] + x[:, :, 3, None] * travel).reshape(points)
        spread = np.hypot(east.max(axis=1) - east.min(axis=1), north.max(axis=1) - north.min(axis=1))
        closest = np.hypot(east - point[0], north - point[1]).min(axis=1)
        return closest - spread < radius_m + 1.0

    # ----------------------------------------------------------------- expiry

    def expire(self, now: float) -> list[TrackState]:
        """Coast overdue tracks, re-report silent ones, delete lost ones, at event time ``now``.

        A held track not updated for ``coast_report_s`` is published again, predicted to
        ``now``: a vessel between two AIS reports 30 s or more apart (class B, or reports
        lost at the edge of VHF range) is still there, and a subscriber that keeps a
        track only while it hears of it (the evaluation holds a line 60 s) must not lose it.
        """
        coasting: list[int] = []
        doomed: list[int] = []
        quiet: list[int] = []
        recheck_at: list[float] = []
        coast_report_s, radar_scan_hold_s = self.config.coast_report_s, self.config.radar_scan_hold_s
        confirmed, tentative = TrackStatus.CONFIRMED, TrackStatus.TENTATIVE
        rows = np.flatnonzero(self._recheck_at <= now)
        # a hundred tracks a second on 200 vessels: locals and running minima, not lists
        for i, time_s, reported_s in zip(
            rows.tolist(), self._t[rows].tolist(), self._reported[rows].tolist(), strict=True
        ):
            meta = self._meta[i]
            status = meta.status
            expected_s, max_idle_s = self._update_expectation(meta, now)
            if now - time_s > max_idle_s:
                doomed.append(i)
            elif status is confirmed and now - time_s > expected_s:
                meta.status = TrackStatus.COASTING
                coasting.append(i)
            elif status is not tentative and now - reported_s >= coast_report_s:
                coasting.append(i)
            else:  # nothing can change before the first of these, unless the track is updated
                due = time_s + max_idle_s
                if status is confirmed:
                    due = min(due, time_s + expected_s)
                if status is not tentative:
                    due = min(due, reported_s + coast_report_s)
                if meta.last_radar_time is not None and meta.last_radar_time + radar_scan_hold_s > now:
                    due = min(due, meta.last_radar_time + radar_scan_hold_s)
                quiet.append(i)
                recheck_at.append(due)
        self._recheck_at[quiet] = recheck_at
        self._forget_retired(now)
        return self._remove(doomed, now, published=coasting)

    def _quiet_until(self, rows: np.ndarray) -> np.ndarray:
        """Event time before which ``expire`` cannot coast, re-report or drop these tracks,
        updated or reported just now: no track is dropped or coasts after less silence
        than ``_least_silence_s``, nor is re-reported before ``coast_report_s``. A track radar
        updates every scan is then not looked at by ``expire`` at all (on 200 vessels it
        looked at a hundred tracks a second, each just updated)."""
        coast_report_s = self.config.coast_report_s
        return np.minimum(self._t[rows] + self._least_silence_s, self._reported[rows] + coast_report_s)

    def _update_expectation(self, meta: _TrackMeta, now: float) -> tuple[float, float]:
        """(silence after which the track coasts, silence after which it is dropped), in s.

        A track radar holds is expected every scan; otherwise an identified vessel is
        expected on its own AIS schedule; an unidentified track lives only by radar.
        """
        cfg = self.config
        radar_held = meta.last_radar_time is not None and now - meta.last_radar_time < cfg.radar_scan_hold_s
        radar_coast_s = 3 * self._slowest_scan_s
        if meta.status is TrackStatus.TENTATIVE:
            return radar_coast_s, 4 * self._slowest_scan_s
        if meta.ais_interval_s is None:
            return radar_coast_s, cfg.radar_scan_hold_s
        ais_coast_s = cfg.ais_missed_reports_to_coast * meta.ais_interval_s
        ais_drop_s = min(
            max(cfg.ais_missed_reports_to_drop * meta.ais_interval_s, cfg.ais_min_idle_s), cfg.ais_max_idle_s
        )
        return (radar_coast_s if radar_held else max(ais_coast_s, radar_coast_s)), ais_drop_s

    # ----------------------------------------------------------- table upkeep

    def _prior(
        self, indices: np.ndarray, times: float | np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Model-conditioned priors and predicted mode probabilities of the tracks at ``times``."""
        return predict_models(
            self._x[indices], self._P[indices], self._mu[indices], times - self._t[indices],
            self._q_models, self._leave_rates, self._decays,
        )  # fmt: skip

    def _predicted(self, indices: np.ndarray, time: float) -> tuple[np.ndarray, np.ndarray]:
        """Prior of the given tracks at ``time``: the IMM mixture."""
        return combine(*self._prior(indices, time))

    def _fuse(
        self,
        indices: np.ndarray,
        z: np.ndarray,
        R: np.ndarray,
        times: np.ndarray,
        H: np.ndarray,
        prior: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    ) -> None:
        """IMM step of the given tracks with one measurement each, in place (``prior``: their
        ``_prior`` at ``times`` when already computed).

        A measurement older than its track (a late AIS line inside one radar scan) is fused
        at its own time and the result predicted forward again, so a track's time never
        runs backwards (an approximate out-of-sequence update: the process noise of the
        interval is counted twice, which errs on the safe side).
        """
        if indices.size == 0:
            return
        x_new, P_new, mu = update_models(*(prior or self._prior(indices, times)), z, R, H)
        self._store(indices, x_new, P_new, mu, times)

    def _store(
        self, indices: np.ndarray, x_new: np.ndarray, P_new: np.ndarray, mu: np.ndarray, times: np.ndarray
    ) -> None:
        """Write updated tracks back; one updated at a time before its own (late) is predicted
        forward to it (see ``_fuse``)."""
        dt = times - self._t[indices]
        late = dt < 0
        if late.any():
            n_late, models = int(late.sum()), self._q_models.size
            x_fwd, P_fwd = predict_each_model(
                x_new[late].reshape(-1, 4), P_new[late].reshape(-1, 4, 4), -dt[late],
                self._q_models, self._decays,
            )  # fmt: skip
            x_new[late], P_new[late] = x_fwd.reshape(n_late, models, 4), P_fwd.reshape(n_late, models, 4, 4)
        self._x[indices], self._P[indices], self._mu[indices] = x_new, P_new, mu
        self._t[indices] = np.maximum(times, self._t[indices])
        self._recheck_at[indices] = self._quiet_until(indices)

    def _start_radar_tracks(
        self,
        z: np.ndarray,
        R: np.ndarray,
        times: list[float],
        radar_id: str,
        beside: list[bool],
        near: list[frozenset[str]],
    ) -> list[int]:
        """Tentative tracks at plots ``z`` (covariance ``R``), at rest with a wide velocity
        prior; ``beside`` and ``near`` per plot, as ``_TrackMeta``'s ``born_beside`` and
        ``born_near``. All of a scan's in one append of the table."""
        x = np.zeros((len(times), 4))
        x[:, 0], x[:, 2] = z[:, 0], z[:, 1]
        P = np.zeros((len(times), 4, 4))
        P[:, 0::2, 0::2] = R
        P[:, 1, 1] = P[:, 3, 3] = self.config.init_speed_sigma_mps**2
        rows = self._append_tracks(x, P, times, beside=beside, near=near)
        for row, time in zip(rows, times, strict=True):
            self._meta[row].last_radar_time = time
            self._meta[row].radar_ids = (radar_id,)
        return rows

    def _append_tracks(
        self,
        x: np.ndarray,
        P: np.ndarray,
        times: list[float],
        *,
        beside: list[bool] | None = None,
        near: list[frozenset[str]] | None = None,
        track_ids: list[str | None] | None = None,
    ) -> list[int]:
        """Append tentative tracks, state ``x`` (K, 4) and covariance ``P`` (K, 4, 4) in every
        model, born at ``times``; their rows. Each takes its entry of ``track_ids`` or, where
        that is None, the next number: numbers are never given twice, only a returning
        vessel's own id comes back (``_returning_id``)."""
        count, models = len(times), self._q_models.size
        if count == 0:
            return []
        self._x = np.concatenate([self._x, np.repeat(x[:, None], models, axis=1)])
        self._P = np.concatenate([self._P, np.repeat(P[:, None], models, axis=1)])
        self._mu = np.concatenate([self._mu, np.tile(self._mu_at_birth, (count, 1))])
        self._t = np.append(self._t, times)
        self._reported = np.append(self._reported, np.zeros(count))
        self._recheck_at = np.append(self._recheck_at, np.full(count, -np.inf))
        self._ais_fix = np.concatenate([self._ais_fix, np.full((count, 5), np.nan)])
        first = len(self._meta)
        for k, time in enumerate(times):
            track_id = track_ids[k] if track_ids else None
            if track_id is None:
                track_id = f"{self.track_id_prefix}T{self._next_number:06d}"
                self._next_number += 1
            self._meta.append(
                _TrackMeta(
                    track_id=track_id,
                    status=TrackStatus.TENTATIVE,
                    born_time=time,
                    hits=1,
                    born_beside=bool(beside and beside[k]),
                    born_near=near[k] if near else frozenset(),
                )
            )
        return list(range(first, first + count))

    def _remove(
        self,
        indices: list[int],
        now: float,
        published: Sequence[int] = (),
        predicted: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> list[TrackState]:
        """Delete tracks, returning their final ``lost`` states. An identified track's id is
        remembered for its MMSI (``_returning_id``), for ``ais_track_id_memory_s``.

        The states of the rows ``published``, which stay, come first, predicted to ``now``
        in the same step as the lost ones: ``expire`` reports coasting and lost tracks at
        once, and one prediction of both costs about half of two. ``predicted``: the rows'
        states at ``now`` where the caller has them (``_states``).
        """
        if not indices:
            return self._states(list(published), at_time=now, predicted=predicted)
        for i in indices:
            meta = self._meta[i]
            meta.status = TrackStatus.LOST
            if meta.mmsi is not None:
                self._retired_ids.pop(meta.mmsi, None)  # re-inserted last: the dict stays in time order
                self._retired_ids[meta.mmsi] = (meta.track_id, now)
        states = self._states([*published, *indices], at_time=now, predicted=predicted)
        keep = np.ones(len(self._meta), dtype=bool)
        keep[indices] = False
        self._x, self._P, self._mu, self._t = self._x[keep], self._P[keep], self._mu[keep], self._t[keep]
        self._reported, self._recheck_at = self._reported[keep], self._recheck_at[keep]
        self._ais_fix = self._ais_fix[keep]
        for i in sorted(indices, reverse=True):  # distinct rows, from the end: the others keep their places
            del self._meta[i]
        self._by_mmsi = {m.mmsi: i for i, m in enumerate(self._meta) if m.mmsi is not None}
        return states

    def _forget_retired(self, now: float) -> None:
        """Drop remembered ids older than ``ais_track_id_memory_s``: the memory holds the
        vessels of the last half hour or so, not of the whole run."""
        horizon = now - self.config.ais_track_id_memory_s
        while self._retired_ids:
            mmsi, (_, dropped) = next(iter(self._retired_ids.items()))
            if dropped >= horizon:
                return
            del self._retired_ids[mmsi]

    def _states(
        self,
        indices: list[int],
        at_time: float | None = None,
        predicted: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> list[TrackState]:
        """Records for the given rows, predicted to ``at_time`` when given (coasting, lost);
        ``predicted``: that prediction, (x, P) of the rows, when the caller already has it."""
        if not indices:
            return []
        idx = np.array(indices)
        if at_time is None:
            x, P = combine(self._x[idx], self._P[idx], self._mu[idx])
            times = self._t[idx]
        else:
            x, P = predicted or self._predicted(idx, at_time)
            times = np.full(idx.size, at_time)
        lat, lon = self.frame.to_geodetic(x[:, 0], x[:, 2])
        sog_kn, cog_deg = course_from_velocity(x[:, 1], x[:, 3])
        # Rounded once, as arrays: centimetres and millimetres per second are far below any
        # sensor's accuracy, and fixed precision keeps the output files small and stable.
        # One scaled rint for all columns is np.round's own algorithm, in two calls, not ten.
        scalars = np.column_stack([times, lat, lon, x[:, 0], x[:, 2], x[:, 1], x[:, 3], sog_kn, cog_deg])
        rounded = np.rint(scalars * _SCALAR_SCALE) / _SCALAR_SCALE
        self._reported[idx] = rounded[:, 0]
        self._recheck_at[idx] = self._quiet_until(idx)
        columns = zip(
            *rounded.T.tolist(),
            (np.rint(P.reshape(-1, 16) * 1e3) / 1e3).tolist(),
            strict=True,
        )
        out = []
        for i, (t, la, lo, e, n, ve, vn, sog, cog, cov) in zip(indices, columns, strict=True):
            meta = self._meta[i]
            out.append(
                _track_state(
                    t, meta.track_id, meta.status, la, lo, e, n, ve, vn, sog, cog, tuple(cov),
                    meta.mmsi, meta.last_ais_time, meta.last_radar_time, meta.radar_ids,
                )
            )  # fmt: skip
        return out


_track_state = positional_constructor(
    TrackState, "time", "track_id", "status", "lat", "lon", "east_m", "north_m", "ve_mps", "vn_mps",
    "sog_kn", "cog_deg", "cov", "mmsi", "last_ais_time", "last_radar_time", "radar_ids",
)  # fmt: skip
"""Every output state is built here, thousands a second: positionally, as ingest builds reports."""

_SCALAR_SCALE = 10.0 ** np.array([3, 7, 7, 2, 2, 3, 3, 2, 1])
"""Decimal places kept of a state's time, lat, lon, east, north, ve, vn, sog, cog."""


def _radar_ids(ids: tuple[str, ...], more: tuple[str, ...]) -> tuple[str, ...]:
    """``_TrackMeta.radar_ids`` with the radars ``more`` added: sorted, each once."""
    return tuple(sorted({*ids, *more}))


def _within(a: np.ndarray, b: np.ndarray, radius_m: float) -> np.ndarray:
    """(len(a), len(b)) booleans: is point ``b[k]`` within ``radius_m`` of point ``a[i]``?

    Points are (east, north) rows. The test is cKDTree.query_ball_point's on each point,
    squared distance (dx² + dy², in that order) against radius², so the same points are
    found; for the few dozen to few hundred points of one scan the full matrix costs a
    tenth of building and querying a tree.
    """
    dx = a[:, None, 0] - b[None, :, 0]
    dy = a[:, None, 1] - b[None, :, 1]
    return dx**2 + dy**2 <= radius_m * radius_m


def _payload(raw: str) -> str:
    """The armoured AIS payload(s) of a report's NMEA line(s): what two stations share.

    The NMEA 4.10 tag block (``\\s:station,c:time*hh\\``) is cut off first: its own commas
    would shift the fields and make the radio channel look like the payload, so every report
    on the same channel within the window would pass for a duplicate.
    """
    sentences = (line.rsplit("\\", 1)[-1] for line in raw.splitlines())
    return "|".join(fields[5] for sentence in sentences if len(fields := sentence.split(",")) > 6)
