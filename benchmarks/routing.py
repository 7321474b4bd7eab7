"""Routing cost per alert with the demo agencies file (belts, zones, a shared area, five agencies).

Run: ``.venv/bin/python -m benchmarks.routing [--alerts N] [--runs R]``.

``N`` alerts of every kind, from a fixed seed, at positions spread over the belts file's
extent (65.5-68.2 E, 23.5-25.8 N: land, all three belts, the zones and the shared area), a
tenth of them about a zone. Each run routes them all (``AlertRouter.route``) and builds every
recipient's value (``deliveries``: one JSON value per agency, cut to its policy), the whole
per-alert work of the routing stage. Printed: per run the CPU time of this thread
(``time.thread_time``) per alert, the median over runs, and as reference the cost of
serialising the same alerts once (``fusion.schemas.to_json``, which the fusion stage pays for
the ``alerts`` topic anyway) measured in the same process, and their ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np

from fusion.agencies.routing import AlertRouter, load_router
from fusion.cli import DEFAULT_AGENCIES, DEFAULT_ZONES
from fusion.schemas import Alert, AlertKind, AlertState, Severity, to_json

EXTENT = (65.5, 23.5, 68.2, 25.8)
ZONE_IDS = ("KHI-PORT", "KHI-CHANNEL", "KHI-ANCH", "NAVAL-EX", "MONZE-MPA", "QASIM-APP")


def make_alerts(count: int, seed: int = 9) -> list[Alert]:
    rng = np.random.default_rng(seed)
    west, south, east, north = EXTENT
    kinds = list(AlertKind)
    return [
        Alert(
            alert_id=f"{i:016x}",
            time=1_768_464_000.0 + i,
            kind=kinds[i % len(kinds)],
            state=AlertState.RAISED,
            severity=Severity.HIGH,
            track_id=f"T{i:06d}",
            mmsi=463_000_000 + i,
            zone_id=ZONE_IDS[i % len(ZONE_IDS)] if i % 10 == 0 else None,
            lat=float(rng.uniform(south, north)),
            lon=float(rng.uniform(west, east)),
            message=f"benchmark alert {i}",
            evidence={"sog_kn": 4.0, "matched": "imo"},
        )
        for i in range(count)
    ]


def route_all(router: AlertRouter, alerts: list[Alert]) -> int:
    values = 0
    for alert in alerts:
        values += len(router.deliveries(router.route(alert)))
    return values


def serialise_all(alerts: list[Alert]) -> int:
    return sum(len(to_json(alert)) for alert in alerts)


def per_alert_us(work, alerts: list[Alert]) -> float:
    start = time.thread_time()
    work(alerts)
    return (time.thread_time() - start) / len(alerts) * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alerts", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    router = load_router(DEFAULT_AGENCIES, DEFAULT_ZONES)
    alerts = make_alerts(args.alerts)
    values = route_all(router, alerts)  # warm-up, and the delivery count
    routed, reference = [], []
    for run in range(args.runs):
        routed.append(per_alert_us(lambda a: route_all(router, a), alerts))
        reference.append(per_alert_us(serialise_all, alerts))
        print(f"run {run + 1}: routing {routed[-1]:.1f} us/alert, to_json {reference[-1]:.2f} us/alert")
    median, median_ref = statistics.median(routed), statistics.median(reference)
    print(
        f"{args.alerts} alerts, {values / args.alerts:.2f} deliveries per alert; median of {args.runs} runs: "
        f"routing {median:.1f} us/alert (route + all values), to_json {median_ref:.2f} us/alert, "
        f"ratio {median / median_ref:.1f}x; load average {os.getloadavg()[0]:.1f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
