"""A Stone Soup multi-target tracker behind the same interface as ``tracking.tracker.Tracker``.

The reference of issue 4: a tracker assembled from Stone Soup components the way its own
demos assemble them (``docs/demos/AIS_Solent_Tracker.py`` for AIS with MMSI gating, the
radar tutorials for ``CartesianToBearingRange`` with an extended Kalman update, the tree
data associators for scale), fed the very measurements ``tracking`` gets (see
``benchmarks.track_driver``) and writing the same ``TrackState`` records, so that
``seawatch evaluate`` scores both identically. Every choice is explained in
docs/benchmarks.md; the numbers shared with our tracker (measurement noises, gates,
velocity prior) are read from ``TrackerConfig`` so they cannot drift apart.

Stone Soup works in ``datetime``; times cross over as naive UTC datetimes.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.spatial import cKDTree
from stonesoup.base import Property
from stonesoup.dataassociator.neighbour import GNNWith2DAssignment
from stonesoup.dataassociator.probability import JPDAwithLBP
from stonesoup.dataassociator.tree import DetectionKDTreeMixIn
from stonesoup.deleter.base import Deleter
from stonesoup.deleter.time import UpdateTimeDeleter
from stonesoup.functions import gm_reduce_single
from stonesoup.gater.filtered import FilteredDetectionsGater
from stonesoup.hypothesiser.distance import DistanceHypothesiser
from stonesoup.hypothesiser.probability import PDAHypothesiser
from stonesoup.initiator.simple import MultiMeasurementInitiator, SimpleMeasurementInitiator
from stonesoup.measures import Mahalanobis
from stonesoup.models.measurement.linear import LinearGaussian
from stonesoup.models.measurement.nonlinear import CartesianToBearingRange
from stonesoup.models.transition.linear import CombinedLinearGaussianTransitionModel, ConstantVelocity
from stonesoup.predictor.kalman import KalmanPredictor
from stonesoup.types.angle import Bearing
from stonesoup.types.array import StateVector, StateVectors
from stonesoup.types.detection import Detection
from stonesoup.types.multihypothesis import MultipleHypothesis
from stonesoup.types.state import GaussianState
from stonesoup.types.track import Track
from stonesoup.types.update import GaussianStateUpdate, Update
from stonesoup.updater.kalman import ExtendedKalmanUpdater

from fusion.schemas import AisReport, RadarPlot, Sensors, TrackState, TrackStatus
from tracking.config import TrackerConfig
from tracking.frames import LocalFrame, course_from_velocity, velocity_from_course
from tracking.models import ais_report_covariance

MMSI = "mmsi"
"""Detection and track metadata key carrying the AIS identity (the Solent demo's 'MMSI')."""


@dataclass(frozen=True, slots=True, kw_only=True)
class StoneSoupConfig:
    """Settings of the reference tracker; docs/benchmarks.md gives the reason for each."""

    association: str = "gnn"
    """``gnn`` (``GNNWith2DAssignment`` behind a detection k-d tree) or ``jpda`` (JPDA whose
    marginal association probabilities come from loopy belief propagation, behind the same tree)."""

    process_noise_q_m2ps3: float = 0.6
    """White-acceleration density of both ``ConstantVelocity`` axes. One CV model has one
    level; a sweep on the bundled scenario (docs/benchmarks.md) gave Stone Soup its best GOSPA
    at 0.6 with today's AIS noise (2 m plus 1 s of speed along the course): lower, and AIS
    reports fail their own track's gate and start second tracks; higher, and radar noise
    leaks into every track."""

    tentative_hold_s: float = 10.0
    """A holding (tentative) track dies after this long without a plot: four 2.5 s scans,
    the same budget as our tentative tracks."""

    radar_track_hold_s: float = 45.0
    """A confirmed track without an MMSI dies after this long without a plot
    (``TrackerConfig.radar_scan_hold_s``)."""

    ais_track_hold_s: float = 600.0
    """A track carrying an MMSI dies after this long without any update: the Solent demo's
    10 minutes, which covers an anchored ship's 3-minute reporting interval."""

    coast_report_s: float = 30.0
    """A held track without updates publishes its prediction this often, as ours does, so
    the evaluator (which holds a line for 60 s) keeps seeing it."""

    jpda_detection_probability: float = 0.9
    jpda_clutter_density_per_m_rad: float = 1e-6
    """Clutter density in the radar's measurement space (plots per metre of range per
    radian of bearing), for the JPDA hypothesiser only."""

    tracker: TrackerConfig = field(default_factory=TrackerConfig)
    """Shared numbers: gates, velocity prior, confirmation hits, AIS noises."""


class PlaneKDTreeMixIn(DetectionKDTreeMixIn):
    """Stone Soup's detection k-d tree, built in the area plane instead of measurement space.

    ``DetectionKDTreeMixIn`` indexes the detections' state vectors, for a radar (bearing
    rad, range m): there a distance is in effect a range difference, so a radius that keeps
    every gated plot also hands each track every plot at a similar range on any bearing
    (~20 per track per scan at 1,000 vessels, each costing a Mahalanobis distance). Here
    each detection is placed in the plane by its own model's ``inverse_function`` and each
    track's prediction is looked up within ``max_distance`` metres of it (our tracker's
    Euclidean pre-gate), so the hypothesiser sees the same gated plots for far fewer.
    """

    def generate_hypotheses(
        self, tracks: set[Track], detections: set[Detection], timestamp: dt.datetime, **kwargs: Any
    ) -> dict[Track, MultipleHypothesis]:
        nearby: dict[Track, set[Detection]] = {track: set() for track in tracks}
        if tracks and detections:
            listed = list(detections)
            points = np.array(
                [
                    np.asarray(d.measurement_model.inverse_function(d), dtype=float).ravel()[::2]
                    for d in listed
                ]
            )
            tree = cKDTree(points)
            for track in tracks:
                prediction = self.predictor.predict(track, timestamp, **kwargs)
                position = np.asarray(prediction.state_vector, dtype=float).ravel()[::2]
                nearby[track].update(listed[i] for i in tree.query_ball_point(position, r=self.max_distance))
        return {
            track: self.hypothesiser.hypothesise(track, nearby[track], timestamp, **kwargs)
            for track in tracks
        }


class PlaneKDTreeGNN2D(PlaneKDTreeMixIn, GNNWith2DAssignment):
    """Stone Soup's ``DetectionKDTreeGNN2D`` with the tree in the area plane."""


class KDTreeJPDAwithLBP(PlaneKDTreeMixIn, JPDAwithLBP):
    """Stone Soup's ``JPDAwithLBP`` offered only the detections its k-d tree finds near each track.

    Stone Soup's own ``KDTreeJPDA`` pairs the tree with the exhaustive ``JPDA``, which
    enumerates the product of every track's hypotheses: exponential in the number of
    tracks, it never finished a minute of 60 vessels. ``JPDAwithLBP`` (Williams and Lau
    2014) computes the same marginal association probabilities approximately in
    polynomial time, but its ``associate`` asks the hypothesiser about every detection
    for every track; going through ``generate_hypotheses`` lets the tree's mix-in prune
    them first, exactly as it does for ``KDTreeJPDA``.
    """

    def associate(
        self, tracks: set[Track], detections: set[Detection], timestamp: dt.datetime, **kwargs: Any
    ) -> dict[Track, MultipleHypothesis]:
        hypotheses = self.generate_hypotheses(tracks, detections, timestamp, **kwargs)
        if not hypotheses or not detections:
            return hypotheses
        return self._compute_multi_hypotheses(tracks, detections, hypotheses, timestamp)


class _IdentityAwareDeleter(Deleter):
    """``UpdateTimeDeleter`` with two horizons: tracks carrying an MMSI are held longer.

    Stone Soup's deleters apply one horizon to every track; AIS-only vessels report every
    few minutes when anchored while a radar-only track is stale after a few scans, so one
    horizon either kills anchored ships or keeps clutter tracks for minutes. The last
    update is found from the end of the track, so the check costs O(1), not the O(history)
    of ``UpdateTimeDeleter``'s time slice.
    """

    radar_hold: dt.timedelta = Property(doc="Horizon of a track without an MMSI")
    ais_hold: dt.timedelta = Property(doc="Horizon of a track carrying an MMSI")

    def check_for_deletion(self, track: Track, timestamp: dt.datetime | None = None, **kwargs) -> bool:
        now = timestamp or track.timestamp
        hold = self.ais_hold if track.metadata.get(MMSI) is not None else self.radar_hold
        for state in reversed(track.states):
            if isinstance(state, Update) and state.hypothesis:
                return now - state.timestamp > hold
        return True


@dataclass(slots=True)
class _Meta:
    """What our record format carries beyond the Stone Soup track."""

    track_id: str
    last_radar_time: float | None = None
    last_ais_time: float | None = None
    radar_ids: set[str] = field(default_factory=set)
    last_written_s: float = -math.inf


def _utc(time_s: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(time_s, dt.UTC).replace(tzinfo=None)


def _unix(time: dt.datetime) -> float:
    return time.replace(tzinfo=dt.UTC).timestamp()


class StoneSoupTracker:
    """Stone Soup components driven per radar scan and per batch of AIS reports.

    The loop body is ``stonesoup.tracker.simple.MultiTargetTracker.__next__`` (associate,
    update, delete, initiate) with two differences, both in Stone Soup's favour for speed
    and memory: a track that misses a batch is not given the prediction as a state
    (deletion is by update time, so nothing reads it), and AIS reports are associated in
    batches of up to one second of event time.
    """

    def __init__(self, frame: LocalFrame, sensors: Sensors, config: StoneSoupConfig | None = None) -> None:
        self.frame = frame
        self.sensors = sensors
        self.config = cfg = config or StoneSoupConfig()
        shared = cfg.tracker
        q = cfg.process_noise_q_m2ps3
        self._predictor = KalmanPredictor(
            CombinedLinearGaussianTransitionModel([ConstantVelocity(q), ConstantVelocity(q)])
        )
        self._updater = ExtendedKalmanUpdater(measurement_model=None)
        self._radar_models: dict[str, CartesianToBearingRange] = {}
        self._sites: dict[str, tuple[float, float]] = {}
        for radar in sensors.radars:
            east, north = frame.to_enu(radar.lat, radar.lon)
            self._sites[radar.id] = (float(east), float(north))
            self._radar_models[radar.id] = CartesianToBearingRange(
                ndim_state=4,
                mapping=(0, 2),
                noise_covar=np.diag([math.radians(radar.bearing_sigma_deg) ** 2, radar.range_sigma_m**2]),
                translation_offset=StateVector([float(east), float(north)]),
            )

        radar_gate = math.sqrt(shared.gate_chi2)
        self._radar_associator = self._radar_data_associator(radar_gate)
        self._ais_associator = GNNWith2DAssignment(
            FilteredDetectionsGater(
                DistanceHypothesiser(
                    self._predictor,
                    self._updater,
                    Mahalanobis(),
                    missed_distance=math.sqrt(shared.ais_bind_gate_chi2),
                ),
                metadata_filter=MMSI,
            )
        )
        prior = GaussianState(
            StateVector([0.0, 0.0, 0.0, 0.0]), np.diag([0.0, shared.init_speed_sigma_mps**2] * 2)
        )
        self._radar_initiator = MultiMeasurementInitiator(
            prior_state=prior,
            deleter=UpdateTimeDeleter(dt.timedelta(seconds=cfg.tentative_hold_s)),
            data_associator=PlaneKDTreeGNN2D(
                hypothesiser=DistanceHypothesiser(
                    self._predictor, self._updater, Mahalanobis(), missed_distance=radar_gate
                ),
                predictor=self._predictor,
                updater=self._updater,
                max_distance=shared.pregate_radius_m,
            ),
            updater=self._updater,
            min_points=shared.confirm_hits,
        )
        self._ais_initiator = SimpleMeasurementInitiator(prior_state=prior)
        self._deleter = _IdentityAwareDeleter(
            dt.timedelta(seconds=cfg.radar_track_hold_s), dt.timedelta(seconds=cfg.ais_track_hold_s)
        )
        self.tracks: set[Track] = set()
        self._meta: dict[Track, _Meta] = {}
        self._numbers = itertools.count(1)
        self._ais_batch: list[AisReport] = []

    def _radar_data_associator(self, gate: float) -> PlaneKDTreeGNN2D | KDTreeJPDAwithLBP:
        """GNN or JPDA, both behind the detection k-d tree (in the plane, our pre-gate radius)."""
        cfg = self.config
        shared = cfg.tracker
        if cfg.association == "gnn":
            return PlaneKDTreeGNN2D(
                hypothesiser=DistanceHypothesiser(
                    self._predictor, self._updater, Mahalanobis(), missed_distance=gate
                ),
                predictor=self._predictor,
                updater=self._updater,
                max_distance=shared.pregate_radius_m,
            )
        if cfg.association == "jpda":
            return KDTreeJPDAwithLBP(
                hypothesiser=PDAHypothesiser(
                    self._predictor,
                    self._updater,
                    clutter_spatial_density=cfg.jpda_clutter_density_per_m_rad,
                    prob_detect=cfg.jpda_detection_probability,
                    prob_gate=0.999,
                ),
                predictor=self._predictor,
                updater=self._updater,
                max_distance=shared.pregate_radius_m,
            )
        raise ValueError(f"association must be 'gnn' or 'jpda', got {cfg.association!r}")

    @property
    def track_count(self) -> int:
        return len(self.tracks)

    # ------------------------------------------------------------------ radar

    def update_radar_scan(self, plots: list[RadarPlot]) -> list[TrackState]:
        """Associate one scan of one radar, update, then let the initiator have the rest."""
        states = self._flush_ais()
        sensor_id = plots[0].sensor_id
        site = self.sensors.radar(sensor_id)
        if site is None:
            raise ValueError(f"unknown radar {sensor_id!r}")
        east, north = self.frame.polar_to_enu(
            site.lat, site.lon, np.array([p.range_m for p in plots]), np.array([p.bearing_deg for p in plots])
        )
        site_east, site_north = self._sites[sensor_id]
        # Plane polar coordinates from the site's place in the area plane, maths angle convention
        # (anticlockwise from east), which is what CartesianToBearingRange measures.
        phi = np.arctan2(north - site_north, east - site_east)
        rho = np.hypot(east - site_east, north - site_north)
        model = self._radar_models[sensor_id]
        detections = {
            Detection(StateVector([Bearing(a), r]), timestamp=_utc(p.time), measurement_model=model)
            for a, r, p in zip(phi.tolist(), rho.tolist(), plots, strict=True)
        }
        scan_time = _utc(max(p.time for p in plots))
        candidates = self._candidates(np.column_stack([east, north]), scan_time)
        updated, used = self._associate(self._radar_associator, candidates, detections, scan_time)
        updated += self._adopt(self._radar_initiator.initiate(detections - used, scan_time))
        for track in updated:
            meta = self._meta[track]
            meta.last_radar_time = _unix(track.timestamp)
            meta.radar_ids.add(sensor_id)
        return states + self._states(updated)

    # -------------------------------------------------------------------- AIS

    def update_ais(self, report: AisReport) -> list[TrackState]:
        """Queue a report; a batch is associated at the next scan or tick, or when an MMSI repeats."""
        states = self._flush_ais() if any(r.mmsi == report.mmsi for r in self._ais_batch) else []
        self._ais_batch.append(report)
        return states

    def update_ais_batch(self, reports: list[AisReport]) -> list[TrackState]:
        """``update_ais`` of each report: Stone Soup's own batching is by scan and tick."""
        return [state for report in reports for state in self.update_ais(report)]

    def _flush_ais(self) -> list[TrackState]:
        """Associate the queued AIS reports (GNN, MMSI-gated); the rest start tracks at once."""
        if not self._ais_batch:
            return []
        reports, self._ais_batch = self._ais_batch, []
        detections = {self._ais_detection(r) for r in reports}
        batch_time = _utc(max(r.time for r in reports))
        points = np.array([self.frame.to_enu(r.lat, r.lon) for r in reports], dtype=float)
        candidates = self._candidates(points, batch_time, {r.mmsi for r in reports})
        updated, used = self._associate(self._ais_associator, candidates, detections, batch_time)
        updated += self._adopt(self._ais_initiator.initiate(detections - used, batch_time))
        for track in updated:
            self._meta[track].last_ais_time = _unix(track.timestamp)
        return self._states(updated)

    def _ais_detection(self, report: AisReport) -> Detection:
        """Position (and velocity from SOG/COG when sent) with our tracker's noises.

        The noise is ours (``tracking.models.ais_report_covariance``), over [east, north,
        ve, vn]: the measurement model maps those from the state [east, ve, north, vn].
        """
        east, north = self.frame.to_enu(report.lat, report.lon)
        R = ais_report_covariance(report.sog_kn, report.cog_deg, self.config.tracker)
        if R.shape[0] == 2:
            z, mapping = [float(east), float(north)], (0, 2)
        else:
            ve, vn = velocity_from_course(report.sog_kn, report.cog_deg)
            z, mapping = [float(east), float(north), float(ve), float(vn)], (0, 2, 1, 3)
        return Detection(
            StateVector(z),
            timestamp=_utc(report.time),
            measurement_model=LinearGaussian(ndim_state=4, mapping=mapping, noise_covar=R),
            metadata={MMSI: report.mmsi},
        )

    # ----------------------------------------------------------------- common

    def _candidates(
        self, points_m: np.ndarray, time: dt.datetime, mmsis: set[int] | None = None
    ) -> set[Track]:
        """The tracks that can take part in associating detections at ``points_m`` (N, 2).

        Stone Soup offers every detection to every track; a track with no detection within
        the pre-gate radius of its (constant-velocity) position at ``time``, or carrying an
        MMSI that is not in the batch, only yields a missed-detection hypothesis, which
        changes nothing here (no prediction is stored). Leaving those tracks out gives the
        same tracks faster, so Stone Soup is timed at its best.
        """
        tracks = list(self.tracks)
        if not tracks:
            return set()
        now_s = _unix(time)
        x = np.array([np.asarray(t.state_vector, dtype=float).ravel() for t in tracks])
        age_s = now_s - np.array([_unix(t.timestamp) for t in tracks])
        position = np.column_stack([x[:, 0] + x[:, 1] * age_s, x[:, 2] + x[:, 3] * age_s])
        distance_m, _ = cKDTree(points_m).query(
            position, distance_upper_bound=self.config.tracker.pregate_radius_m
        )
        near = np.isfinite(distance_m).tolist()
        keep = set()
        for track, is_near in zip(tracks, near, strict=True):
            mmsi = track.metadata.get(MMSI)
            if (mmsi is not None and mmsis is not None and mmsi in mmsis) or (
                is_near and (mmsi is None or mmsis is None)
            ):
                keep.add(track)
        return keep

    def _associate(
        self, associator: Any, tracks: set[Track], detections: set[Detection], time: dt.datetime
    ) -> tuple[list[Track], set[Detection]]:
        """MultiTargetTracker's association and update step: (updated tracks, used detections).

        A JPDA association is turned into one Gaussian per track by ``gm_reduce_single``
        over the hypotheses' posteriors weighted by their probabilities, as in Stone Soup's
        JPDA tutorial; the track is only updated when some detection is in its gate.
        """
        if not tracks or not detections:
            return [], set()
        updated: list[Track] = []
        used: set[Detection] = set()
        for track, hypothesis in associator.associate(tracks, detections, time).items():
            if isinstance(hypothesis, MultipleHypothesis):
                gated = [h for h in hypothesis if h]
                if not gated:
                    continue
                posteriors = [self._updater.update(h) if h else h.prediction for h in hypothesis]
                mean, covar = gm_reduce_single(
                    StateVectors([s.state_vector for s in posteriors]),
                    np.stack([s.covar for s in posteriors], axis=2),
                    np.asarray([float(h.probability) for h in hypothesis]),
                )
                stamp = max(h.measurement.timestamp for h in gated)
                track.append(GaussianStateUpdate(mean, covar, hypothesis, stamp))
                used.update(h.measurement for h in gated)
                updated.append(track)
            elif hypothesis:
                track.append(self._updater.update(hypothesis))
                used.add(hypothesis.measurement)
                updated.append(track)
        return updated, used

    def _adopt(self, born: set[Track]) -> list[Track]:
        """Number new tracks deterministically (sets have no order) and start their bookkeeping."""
        ordered = sorted(born, key=lambda t: (t.timestamp, *np.asarray(t.state_vector, float).ravel()))
        for track in ordered:
            self._meta[track] = _Meta(track_id=f"S{next(self._numbers):06d}")
        self.tracks |= born
        return ordered

    # ----------------------------------------------------------------- expiry

    def expire(self, now: float) -> list[TrackState]:
        """Flush AIS, delete tracks past their horizon, publish coasting predictions."""
        states = self._flush_ais()
        when = _utc(now)
        doomed = self._deleter.delete_tracks(self.tracks, timestamp=when)
        self.tracks -= doomed
        coasting = [
            t for t in self.tracks if now - self._meta[t].last_written_s >= self.config.coast_report_s
        ]
        states += self._states(coasting, at_time=now, status=TrackStatus.COASTING)
        lost = sorted(doomed, key=lambda t: self._meta[t].track_id)
        states += self._states(lost, at_time=now, status=TrackStatus.LOST)
        for track in lost:
            del self._meta[track]
        return states

    # ----------------------------------------------------------------- output

    def _states(
        self,
        tracks: list[Track],
        *,
        at_time: float | None = None,
        status: TrackStatus = TrackStatus.CONFIRMED,
    ) -> list[TrackState]:
        """Our records for ``tracks``: their last state, or predicted to ``at_time`` (coasting, lost)."""
        out = []
        for track in tracks:
            meta = self._meta[track]
            state = (
                track.state
                if at_time is None
                else self._predictor.predict(track.state, timestamp=_utc(at_time))
            )
            time_s = _unix(state.timestamp) if at_time is None else at_time
            x = np.asarray(state.state_vector, dtype=float).ravel()
            lat, lon = self.frame.to_geodetic(x[0], x[2])
            sog_kn, cog_deg = course_from_velocity(x[1], x[3])
            meta.last_written_s = time_s
            out.append(
                TrackState(
                    time=round(time_s, 3),
                    track_id=meta.track_id,
                    status=status,
                    lat=round(float(lat), 7),
                    lon=round(float(lon), 7),
                    east_m=round(float(x[0]), 2),
                    north_m=round(float(x[2]), 2),
                    ve_mps=round(float(x[1]), 3),
                    vn_mps=round(float(x[3]), 3),
                    sog_kn=round(float(sog_kn), 2),
                    cog_deg=round(float(cog_deg), 1),
                    cov=tuple(round(float(v), 3) for v in np.asarray(state.covar, dtype=float).ravel()),
                    mmsi=track.metadata.get(MMSI),
                    last_ais_time=meta.last_ais_time,
                    last_radar_time=meta.last_radar_time,
                    radar_ids=tuple(sorted(meta.radar_ids)),
                )
            )
        return out
