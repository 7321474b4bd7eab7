"""``seawatch evaluate``: score a replay's tracks (and alerts) against a scenario's truth.

The result is one flat-ish dict, JSON-ready and deterministic (floats rounded to 3
decimals, keys sorted), so two evaluations of the same replay diff cleanly and a CI job
can compare numbers across commits. Definitions: ``track_scoring`` and ``alert_scoring``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fusion.evaluation.alert_scoring import score_alerts
from fusion.evaluation.detections import detections
from fusion.evaluation.loaders import (
    load_events,
    load_raised_alerts,
    load_sensor_layout,
    load_tracks,
    load_truth,
)
from fusion.evaluation.risk_scoring import load_risk, score_risk
from fusion.evaluation.scene import Coverage, TruthScene
from fusion.evaluation.track_scoring import score_tracks

_DECIMALS = 3


def evaluate(
    scenario_dir: Path, tracks_path: Path, alerts_path: Path | None = None, risk_path: Path | None = None
) -> dict[str, Any]:
    """Score ``tracks_path`` (and ``alerts_path``) against the truth in ``scenario_dir``.

    Parameters
    ----------
    scenario_dir
        Folder with sensors.json and truth.jsonl (and events.jsonl when alerts are scored).
    tracks_path
        tracks.jsonl written by ``seawatch replay``.
    alerts_path
        alerts.jsonl written by ``seawatch replay``; without it no alert keys are returned.
    risk_path
        risk.jsonl written by ``seawatch replay``; without it no ``risk`` key is returned.

    Raises
    ------
    EvaluationInputError
        A file is missing or a line is malformed; the message names the file and line.
    """
    sensors, frame = load_sensor_layout(scenario_dir / "sensors.json")
    coverage = Coverage.from_sensors(sensors, frame)
    truth_table = load_truth(scenario_dir / "truth.jsonl")
    truth = TruthScene.build(truth_table, frame, coverage)
    tracks = load_tracks(tracks_path)
    measured = detections(scenario_dir, sensors, frame, truth)
    result = score_tracks(truth, tracks, frame, coverage, measured)
    if alerts_path is None and risk_path is None:
        return _json_ready(result)
    events = load_events(scenario_dir / "events.jsonl", frozenset(truth.vessel_ids))
    if alerts_path is not None:
        result |= score_alerts(events, load_raised_alerts(alerts_path), truth, frame)
    if risk_path is not None:
        result |= score_risk(events, load_risk(risk_path), tracks, truth, frame)
    return _json_ready(result)


def _json_ready(value: Any) -> Any:
    """Round floats and sort keys, recursively, for stable output."""
    if isinstance(value, dict):
        return {key: _json_ready(value[key]) for key in sorted(value)}
    if isinstance(value, float):
        return round(value, _DECIMALS)
    return value


def summary_lines(result: dict[str, Any]) -> list[str]:
    """A few human-readable lines for a terminal, from the dict ``evaluate`` returns."""
    lines = [
        f"truth vessels: {result['truth_vessels']} observable of {result['truth_vessels_total']}; "
        f"tracks held: {result['tracks_held']}",
        f"GOSPA (c={_fmt(result['gospa_c_m'])} m, p={_fmt(result['gospa_p'])}, every "
        f"{_fmt(result['gospa_step_s'])} s, {result['gospa_steps']} steps): "
        f"mean {_fmt(result['gospa_mean_m'])} m; "
        f"mean terms: localisation {_fmt(result['gospa_localisation_mean_m'])} m, missed "
        f"{_fmt(result['gospa_missed_mean_m'])} m, false {_fmt(result['gospa_false_mean_m'])} m "
        f"(vessels from their first measurement; over every observable vessel: mean "
        f"{_fmt(result['gospa_observable_mean_m'])} m, "
        f"missed {_fmt(result['gospa_observable_missed_mean_m'])} m)",
        f"assigned position RMS: {_fmt(result['position_rms_m'])} m; per step: "
        f"{_fmt(result['missed_vessels_mean'])} vessels missed, "
        f"{_fmt(result['false_tracks_mean'])} false tracks; ID switches: {result['id_switches']} "
        f"(GOSPA pairs: {result['id_switches_gospa']})",
        f"time to confirm: median {_fmt(result['confirm_time_median_s'])} s, "
        f"p95 {_fmt(result['confirm_time_p95_s'])} s, max {_fmt(result['confirm_scans_max'])} scans, "
        f"{result['confirm_within_target']} of {result['confirm_scans_counted']} within 3, "
        f"{result['confirm_possible_within_target']} of the {result['confirm_possible']} measured twice "
        f"within 3 (slowest: {_slowest(result['confirm_slowest'])}); "
        f"never confirmed: {result['unconfirmed_vessels']}; never measured: {result['undetected_vessels']}",
        f"dark-vessel coverage: {_percent(result['dark_vessel_coverage'])} "
        f"of {result['dark_vessel_steps']} vessel-steps in radar coverage",
    ]
    if "alerts" in result:
        lines.append(
            f"{'alert kind':<13}{'expected':>9}{'raised':>8}{'matched':>8}{'precision':>10}"
            f"{'recall':>8}{'all':>8}{'delay med s':>12}{'delay p95 s':>12}"
        )
        for kind, score in [*result["alerts"].items(), ("overall", result["alerts_overall"])]:
            lines.append(
                f"{kind:<13}{score['expected']:>9}{score['raised']:>8}{score['matched']:>8}"
                f"{_percent(score['precision']):>10}{_percent(score['recall']):>8}"
                f"{_percent(score['recall_all']):>8}{_fmt(score['delay_median_s']):>12}{_fmt(score['delay_p95_s']):>12}"
            )
        late = [
            f"{kind} {event['truth_id']} at {event['run_s']:,.0f} s"
            for kind, score in result["alerts"].items()
            for event in score["ended_before_due_events"]
        ]
        if late:
            lines.append(
                "ended before due (the data ended before the rule could have alerted; left out of "
                f"expected for recall, counted as misses in 'all'): {', '.join(late)}"
            )
        if result["alerts_unscored"]:
            counts = ", ".join(f"{kind} {count}" for kind, count in result["alerts_unscored"].items())
            lines.append(f"unscored alerts (no ground truth): {counts}")
    if "risk" in result:
        risk = result["risk"]
        top = ", ".join(
            f"{v['truth_id']} {_fmt(v['peak_score'])}{'' if v['suspicious'] else ' (not suspicious)'}"
            for v in risk["top_n"]
        )
        lines.append(
            f"risk: precision at N={risk['suspicious']} suspicious vessels: "
            f"{_percent(risk['precision_at_n'])}; top N: {top or 'none'}"
        )
    return lines


def _slowest(confirmations: list[dict[str, Any]]) -> str:
    """``V172 9.3 scans after 4 measurements (the second after 5.0), ...``"""
    return (
        ", ".join(
            f"{c['truth_id']} {c['scans']:.1f} scans after {_fmt(c['measurements'])} measurements"
            f" (the second after {_fmt(c['second_scans'])})"
            for c in confirmations
        )
        or "none"
    )


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:g}"


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"
