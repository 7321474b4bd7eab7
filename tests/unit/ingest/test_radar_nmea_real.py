"""A real Navico Broadband 4G (MARPA) NMEA log through RadarNmeaDecoder (../shared, MANIFEST.md §3).

``RadarLogs.txt``: 56,579 lines of a moored boat's NMEA bus, 1,466 ``$RATTM`` + 1,466 ``$RATLL``
for 4 targets (01: 544, 02: 682, 03: 157, 04: 83 reports; status T 1,376 / Q 73 / L 17),
2015-07-27 13:46:01-14:26:33 UTC, last line truncated. Every line must be decoded, counted as a
sentence we do not use, or rejected with a reason; and each target's position from TTM (range and
bearing from own ship) must agree with the radar's own TLL latitude/longitude.
"""

from __future__ import annotations

import collections
import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from fusion.schemas import RadarPlot, RadarSite, Reject, RejectReason
from ingest.radar_nmea import NM_M, RadarNmeaDecoder
from tracking.frames import KNOT_MPS, range_bearing

LOG = (
    Path(__file__).resolve().parents[3].parent
    / "shared/data/real/ShahrulAfiqRafi-NMEA-data-stream/RadarLogs.txt"
)
# Own ship's first RMC fix: the radar site of this log (the boat is moored).
SITE = RadarSite(
    id="NAVICO-4G",
    lat=58 + 12.7405 / 60,
    lon=11 + 32.8508 / 60,
    height_m=3.0,
    range_sigma_m=10.0,
    bearing_sigma_deg=1.0,
    max_range_m=5000.0,
    scan_period_s=2.5,
)
# Line 33,744's TLL (target 02 at 14:02:14) repeats target 01's TLL position of 14:02:13
# (5812.6381 N 01130.3629 E) to the digit, while its TTM points 59 m away: the radar wrote the
# wrong target's position into that one TLL. It is the only TTM/TLL pair outside the bound.
GLITCH_LINE = 33_744
# The log skips 13 minutes after line 39,700 (GNSS at 14:05:13, then a TTM at 14:18:31): that
# first TTM has no own-ship fix younger than 10 s, so it is taken as measured from the site.
AFTER_GAP_LINE = 39_770


@pytest.fixture(scope="module")
def decoded() -> tuple[RadarNmeaDecoder, list[RadarPlot], list[Reject], int]:
    if not LOG.is_file():
        pytest.skip(f"../shared/data/real not present: {LOG}")
    decoder = RadarNmeaDecoder(SITE, LOG.name)
    plots: list[RadarPlot] = []
    rejects: list[Reject] = []
    with LOG.open(encoding="ascii", errors="replace", newline="") as lines:
        n_lines = 0
        for n_lines, line in enumerate(lines, start=1):
            for record in decoder.feed(line, n_lines):
                (plots if isinstance(record, RadarPlot) else rejects).append(record)
    return decoder, plots, rejects, n_lines


def test_every_line_is_decoded_counted_or_rejected(decoded):
    decoder, _, rejects, n_lines = decoded
    assert n_lines == 56_579
    assert sum(decoder.counts.values()) == n_lines  # one outcome per line, nothing unaccounted
    assert (
        decoder.counts["decoded:RMC"]
        == decoder.counts["decoded:GGA"]
        == decoder.counts["decoded:ZDA"]
        == 1627
    )
    assert decoder.counts["decoded:HDG"] + decoder.counts["untimed:HDG"] == 16_236
    assert decoder.counts["untimed:HDG"] == 3  # the three headings before the first RMC
    (reject,) = rejects
    assert reject.reason == RejectReason.MALFORMED_SENTENCE and reject.line_no == n_lines
    assert reject.raw.startswith("$GPGLL") and "truncated" in reject.detail


def test_target_counts_match_the_manifest(decoded):
    decoder, plots, _, _ = decoded
    assert decoder.counts["decoded:TLL"] == 1466
    assert decoder.counts["plot:TTM"] + decoder.counts["target_lost"] == 1466
    assert decoder.counts["target_lost"] == 17
    statuses = collections.Counter(p.extra["status"] for p in plots)
    assert statuses == {"T": 1376, "Q": 73}
    per_target = collections.Counter(p.extra["target"] for p in plots)
    manifest = {1: 544, 2: 682, 3: 157, 4: 83}  # reports per target, lost ones included
    assert set(per_target) == set(manifest)
    assert all(0 <= manifest[t] - per_target[t] <= 17 for t in manifest)


def test_times_come_from_the_sentences_on_the_rmc_date(decoded):
    _, plots, _, _ = decoded
    first = dt.datetime(2015, 7, 27, 13, 46, 1, tzinfo=dt.UTC).timestamp()
    last = dt.datetime(2015, 7, 27, 14, 26, 33, tzinfo=dt.UTC).timestamp()
    times = np.array([p.time for p in plots])
    assert times.min() == first and times.max() <= last
    assert np.all(np.diff(times) >= 0)  # the radar reports in time order


def test_ttm_positions_agree_with_tll_within_the_log_resolution(decoded):
    """TTM range is given to 0.01 NM and bearing to 0.1 deg, so rounding alone moves a position by up
    to 0.005 NM (9.3 m) plus range x 0.05 deg; own ship's RMC fix adds ~1 m. The radar writes TTM and
    TLL from its track at one update, but a target moves between updates (2 s here) and acquiring
    (Q) targets report 0 kn before their speed is known, hence 2 s at max(sog, 5 kn)."""
    _, plots, _, _ = decoded
    pairs = [p for p in plots if "tll_lat" in p.extra]
    assert len(pairs) == len(plots)  # every TTM plot has the TLL of the same target and second
    lat = np.array([p.extra["lat"] for p in pairs])
    lon = np.array([p.extra["lon"] for p in pairs])
    distance_m, _ = range_bearing(
        lat, lon, [p.extra["tll_lat"] for p in pairs], [p.extra["tll_lon"] for p in pairs]
    )
    range_m = np.array([p.range_m for p in pairs])
    sog_kn = np.array([p.extra["sog_kn"] for p in pairs])
    bound_m = 0.005 * NM_M + range_m * np.radians(0.05) + 1.0 + 2.0 * np.maximum(sog_kn, 5.0) * KNOT_MPS
    outside = [p.plot_id for p, d, b in zip(pairs, distance_m, bound_m, strict=True) if d > b]
    assert outside == [GLITCH_LINE]
    assert np.median(distance_m) < 6.0
    assert np.percentile(distance_m, 99) < 20.0


def test_own_ship_is_moored_so_plots_stay_relative_to_the_site(decoded):
    _, plots, _, _ = decoded
    assert [p.plot_id for p in plots if "own_lat" not in p.extra] == [AFTER_GAP_LINE]
    fixed = [p for p in plots if "own_lat" in p.extra]
    own_offset_m, _ = range_bearing(
        SITE.lat, SITE.lon, [p.extra["own_lat"] for p in fixed], [p.extra["own_lon"] for p in fixed]
    )
    assert own_offset_m.max() < 10.0  # GNSS wander of a moored boat
    ranges_nm = np.array([p.range_m for p in plots]) / NM_M
    assert ranges_nm.min() > 0.02 and ranges_nm.max() < 1.37  # manifest: 0.03-1.36 NM from own ship
    assert max(p.extra["sog_kn"] for p in plots) == 31.5  # manifest: target speeds up to 31.5 kn
