"""Tracker settings, with the reason for each default."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class TrackerConfig:
    process_noise_q_m2ps3: tuple[float, ...] = (0.001, 0.005, 1.0)
    """White-acceleration density of each IMM model (see tracking/imm.py). Stationary, 0.001
    m²/s³ with its velocity relaxing to zero (``velocity_decay_per_s``): a ship at anchor
    swinging on its chain, a trawler drifting. Quiet, 0.005 m²/s³: a ship holding its course,
    which keeps radar noise (±100 m cross-range at 20 km) out of the velocity, so a drifting
    boat does not appear to make 5 kn. Manoeuvring, 1.0 m²/s³: about 0.6 m/s² over a 2.5 s
    scan, a 23 kn boat turning at 3°/s."""

    velocity_decay_per_s: tuple[float, ...] = (0.1, 0.0, 0.0)
    """Rate at which each model's velocity relaxes to zero (0: constant velocity). 0.1/s for
    the stationary model: whatever speed radar noise lends a stopped vessel decays with a
    ten-second time constant, so between two AIS reports three minutes apart its track stays where it
    is instead of wandering off on noise. Measured (docs/benchmarks.md, stationary model):
    on replay_data/karachi GOSPA 104.5 -> 91.0 m and ID switches 12 -> 4 against the quiet
    and manoeuvring models alone; 0.05/s did less (95.2 m, 5)."""

    mode_leave_rate_per_s: tuple[float, ...] = (1 / 600, 1 / 600, 1 / 20)
    """Rate of leaving each mode: a vessel stops or gets under way, or starts a manoeuvre,
    about every ten minutes, and a manoeuvre lasts about twenty seconds. Rarer onsets keep
    the manoeuvring model's weight low on a steady ship (1.6 % in the long run; with the two
    moving models alone, on replay_data/karachi GOSPA 152 m and 12 ID switches, against 164 m
    and 28 with one onset every two minutes), and a 6°/s turn at 23 kn is still followed.
    A new track starts in the moving models' long-run shares (``Tracker._mu_at_birth``): its
    unknown velocity is already in its covariance, and the stationary model would hold it
    at zero.

    (Equal probabilities at birth, as before, cost 1 m of AIS-vessel accuracy on the
    benchmark's first 2 minutes: half the weight on the manoeuvring model lets the noisy
    first plots pull a young track about.)"""

    gate_chi2: float = 13.8
    """Mahalanobis gate for radar plots: χ²(2 dof) at 99.9 %, so a true plot falls outside
    it about once in a thousand scans."""

    pregate_radius_m: float = 2000.0
    """Euclidean pre-gate for the k-d tree: a coasting 30 kn boat moves ~460 m in 30 s, so
    no plot a Mahalanobis gate could accept lies further than this."""

    init_speed_sigma_mps: float = 8.0
    """Velocity uncertainty of a track born from one plot: ±2σ covers 0-31 kn, the speed
    range of everything from anchored ships to smugglers' fast boats."""

    max_speed_mps: float = 25.0
    """Velocity gate of two-point initiation (~49 kn): a tentative track faster than this is
    clutter paired with clutter, not a vessel."""

    confirm_hits: int = 3
    """Radar updates that confirm a tentative track whatever its score (below): a third plot
    in line is confirmation enough even at long range, where each plot says little."""

    detection_probability: float = 0.5
    """P_D of the track score: between a ship near the radar (0.98) and a small boat at the
    edge of coverage (0.3). Lower than most vessels' own, so a missed scan costs a
    tentative track little (ln 0.5 each) and a faint boat is not dropped before it is
    confirmed."""

    clutter_density_per_km2: float = 2e-3
    """False plots per km² per scan: a coastal radar's CFAR passes a few per scan over its
    sea area (~5 in the half of a 40 km disc that is sea). The score of each plot is its
    likelihood against this density, so plots far more concentrated than clutter (a vessel
    in line) raise it quickly."""

    confirm_score: float = 5.5
    """Log-likelihood ratio (vessel against clutter) that confirms a tentative track with at
    least two plots: ln(1/α) for α = 1/250, the chance that a track born of clutter passes
    (Wald's sequential test as Blackman and Popoli use it for track confirmation, *Design
    and Analysis of Modern Tracking Systems*, 1999, §6.2). Two plots of a vessel in
    successive scans reach it; two with missed scans between, when the unknown velocity has
    spread the prediction, or two that fit poorly, need a third. On the 200-vessel
    benchmark scenario (first 5 min) α = 1/250 confirmed no more clutter than 1/1000 and
    halved the slowest confirmation; 1/100 let clutter through."""

    delete_score: float = -2.3
    """A tentative track whose score falls this low is deleted: ln(β) for β = 0.1, the chance
    of dropping a real vessel. From a neutral start, four missed scans in a row."""

    tentative_cost_penalty: float = 6.0
    """Added to a tentative track's association cost (a log-likelihood ratio of ~e³): a
    confirmed track keeps its plot when a newborn track wants it as well."""

    jpda_max_event_probability: float = 0.6
    """A cluster of held tracks competing for plots goes to JPDA when GNN's joint choice
    has less than this probability among all the feasible ones (``tracking/jpda.py``);
    0 leaves every scan to GNN. benchmarks/crossing.py (300 encounters per geometry):
    with 0.6 boats kept their tracks more often than with 0.9 (74.8 % against 68.7 % of
    all boats, GNN alone 72.2 %), as JPDA then takes only the scans GNN truly guesses."""

    jpda_detection_probability: float = 0.9
    """P_D of a held track in JPDA's event weights: a vessel radar already tracks is
    painted on most scans (a faint boat less, but then its plots are few and far between
    and seldom contested)."""

    jpda_min_velocity_difference_mps: float = 5.0
    """Tracks whose steady-model velocities differ by less than this (~10 kn) move alike:
    their cluster stays with GNN (``Tracker._ambiguous``: JPDA would draw them together).
    The estimates of two boats alongside at 30 km differ by several m/s in the noise, so
    lower values let JPDA at them: boats alongside kept their tracks 53 % of the time
    with no limit, 73 % at 2.5, 76 % at 3.5, 81 % at 5 (GNN 83 %), while crossings at 25°
    kept 86, 83, 78 and 72 % (GNN 69 %) (benchmarks/crossing.py, seed 6)."""

    jpda_max_events: int = 5000
    """Largest cluster enumerated (joint events, counted as the product of each track's
    options); a larger one stays with GNN. A crossing of three vessels with a clutter plot
    has some dozens."""

    confirmed_max_misses: int = 16
    """Consecutive scans in coverage a confirmed track may miss before deletion, unless its
    AIS is still current. Even a small boat seen with probability 0.85 is missed 16 times
    running once in 10¹³ scans; a ship that has berthed out of view or sunk is gone."""

    successor_gate_chi2: float = 55.2
    """A radar-born track whose first plot lies within this Mahalanobis distance² of a held
    track (4 × ``gate_chi2``: twice the gate's radius) may be that track's vessel, should
    radar lose the identified track while its AIS is silent (``Tracker._successors``) or the
    radar-only one (``Tracker._predecessors``). A plot starts a track only outside every
    gate, so a vessel that outran its track is born just beyond it; twice as far is another
    vessel."""

    custody_min_misses: int = 2
    """Scans running a radar-only track must have missed before a new track born beside it
    may take it over (``Tracker._predecessors``). A boat that outran its track has missed two
    when the new track is confirmed on its second plot (the scan it left the gate and the
    next), so two keeps every such take-over on the benchmark windows (three lost one on
    the 1,000-vessel window: ID switches 3 -> 4); asking for any misses at all keeps a
    boat radar painted last scan from being taken over by a newcomer."""

    radar_scan_hold_s: float = 45.0
    """A track updated by radar within this time is held by radar: it coasts after three
    missed scans, and a radar-only track is deleted after this much silence (in coverage,
    ``confirmed_max_misses`` scans usually come first: 42.5 s at 2.5 s scans). A small dark
    boat near the edge of coverage is painted on 30-40 % of scans; 30 s (12 scans) unseen
    happened often enough to cost it its track (200-vessel benchmark window: GOSPA 299 ->
    278 m, dark-vessel coverage 95.3 -> 96.2 %, the one ID switch gone, with 45 s)."""

    ais_missed_reports_to_coast: float = 3.0
    """An AIS-only track coasts once this many of its expected reports are overdue."""

    ais_missed_reports_to_drop: float = 6.0
    """An AIS-identified track is dropped once this many expected reports have not come
    (and radar has not seen it either); reception thins out towards the edge of VHF range."""

    ais_min_idle_s: float = 240.0
    """Lower bound on that idle time: near the edge of VHF range most reports are lost
    (gaps of 2-3 min from a class A sending every 10 s are normal there), and a vessel
    holding its course is predicted to within ~100 m over four minutes."""

    ais_max_idle_s: float = 600.0
    """Upper bound: an anchored ship (3 min reports) is dropped after ten minutes."""

    ais_track_id_memory_s: float = 1800.0
    """A vessel whose track was dropped (AIS silent past the idle time above, radar not
    holding it) and whose MMSI is heard again within this time gets its old track id back:
    its MMSI says it is the same vessel, so the watch officer, the open alerts and the
    agencies the track was shared with keep one number for it across a reception gap at
    the edge of VHF range. (200-vessel benchmark: both such gaps, 250 and 280 s, had
    counted as ID switches.) A position that conflicts with the live track of its MMSI is
    another transmitter and never takes an old id."""

    coast_report_s: float = 30.0
    """A held track that hears nothing publishes its predicted state this often (event
    time), so a subscriber sees where it should be rather than a position frozen minutes ago."""

    ais_position_sigma_m: float = 2.0
    """GNSS jitter of an AIS position, the same in every direction. Measured on the Solent
    recording (docs/import.md): from one report to the next a moored ship's fix moves
    ~0.2 m and a moving ship's ~0.6 m across its course; the simulator draws 3.5 m. 2 m
    lies between: the filter follows real fixes (at the 15 m this was, a GNSS error and the
    fix's latency in one isotropic figure, it trailed every report and predicted held-out
    reports 2x worse than dead reckoning from the last one), and the simulated scenarios
    score as before or better (at 1.5 m and below the 200-vessel one lost a little)."""

    ais_time_sigma_s: float = 1.0
    """How far a report's receive time may be from its fix's time (RMS): it misplaces the
    fix by this times the speed, along the course and not across it
    (``tracking.models.ais_report_covariance``). On the Solent recording a moving ship's
    fix lies 0.55 s (robust σ) of its speed ahead of or behind where its neighbours put
    it, with tails to an RMS of 0.8-1.0 s; the simulator stamps a report with its whole
    second (0.58 s RMS). With 0.5 s the bundled scenario raised its last zone exit too late."""

    registration_max_ais_age_s: float = 5.0
    """A radar plot is a calibration sample for its radar's bias (tracking/registration.py)
    when its track's AIS fix is at most this old: extrapolating a fix 5 s with AIS velocity
    errs by ~1.5 m, far below radar noise."""

    uncalibrated_range_sigma_m: float = 100.0
    uncalibrated_bearing_sigma_deg: float = 0.5
    """Bias uncertainty added to a radar's plots until registration has calibrated it: a
    radar's alignment is only known to about this before it is checked against AIS, and
    saying so keeps its first plots in the gates of the vessels they belong to instead of
    starting duplicate tracks beside them."""

    registration_min_samples: int = 50
    """Calibration pairs a radar needs before its bias is corrected: the median of 50
    samples with 25 m range noise is good to ~4 m."""

    registration_pair_radius_m: float = 600.0
    """A fresh AIS fix and a raw radar plot form a calibration pair when the plot is the only
    one this close: wide enough for a 0.5° misalignment at 40 km (350 m) plus noise, and
    the uniqueness rule keeps vessels in company from pairing with each other's plots."""

    ais_speed_sigma_mps: float = 0.3
    ais_course_sigma_deg: float = 3.0

    ais_velocity_floor_sigma_mps: float = 0.1
    """Isotropic velocity noise added to every AIS velocity: at rest the course says nothing,
    and without a floor the (speed, course) covariance is singular there, which let the
    track covariance collapse and crash a 200-vessel run."""

    duplicate_ais_window_s: float = 10.0
    """The same AIS message heard by two stations arrives twice, up to a few seconds apart;
    fusing it twice would count one fix as two. Within this window an identical payload
    from the same MMSI is counted as a duplicate and not fused."""

    ais_bind_gate_chi2: float = 18.5
    """Gate for binding an AIS report to an unidentified track: χ²(4 dof) at 99.9 % on
    position and velocity, so a vessel passing close on another course is not bound."""

    ais_bind_radius_m: float = 1500.0
    """Only unidentified tracks within this distance of an AIS report are considered."""

    ais_identity_gate_m: float = 1000.0
    """An AIS report further than this (and outside the statistical gate) from the track
    already carrying its MMSI is not fused into it: either the identity is spoofed or two
    vessels share an MMSI. It starts a track of its own instead, so both stay visible."""
