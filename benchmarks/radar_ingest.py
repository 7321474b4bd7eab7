"""Radar ingest throughput: RadarNmeaDecoder and AsterixDecoder against their bare libraries, same process.

Run: ``.venv/bin/python -m benchmarks.radar_ingest [--runs R]``.

Corpora (``../shared/data/real``, MANIFEST.md §3; each skipped with a note when absent):

* ``RadarLogs.txt`` (56,579 lines of a ship's NMEA bus, 1,466 TTM). **seawatch**:
  ``RadarNmeaDecoder.feed`` on every line (checksum of every sentence, own-ship state, time on
  the RMC/ZDA date, geodesic re-referencing, range checks, TLL cross-reference). **reference**:
  ``pynmeagps.NMEAReader.parse`` of the same lines with checksum validation, errors ignored:
  what "just parse it with pynmeagps" costs. Seawatch parses only the ~40 % of sentences it
  uses, so the ratio can be below 1.
* ``cat_034_048.pcap`` (100 datagrams). **seawatch**: ``AsterixDecoder.feed`` per datagram.
  **reference**: ``asterix.parse(data, verbose=False)`` per datagram. Needs the asterix extra.

Printed: per corpus the median lines (datagrams) per second of each and the cost ratio
seawatch / reference, over ``R`` alternating runs.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from pynmeagps import VALCKSUM, NMEAReader

from fusion.schemas import RadarSite
from ingest.radar_asterix import AsterixDecoder, AsterixUnavailableError, load_asterix
from ingest.radar_nmea import RadarNmeaDecoder
from ingest.sources import PcapSource

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "real"
RADAR_LOG = REAL / "ShahrulAfiqRafi-NMEA-data-stream" / "RadarLogs.txt"
PCAP = REAL / "CroatiaControlLtd-asterix" / "install" / "sample_data" / "cat_034_048.pcap"


def _site(lat: float, lon: float, max_range_m: float) -> RadarSite:
    return RadarSite(
        id="BENCH",
        lat=lat,
        lon=lon,
        height_m=0.0,
        range_sigma_m=25.0,
        bearing_sigma_deg=0.3,
        max_range_m=max_range_m,
        scan_period_s=2.5,
    )


def _median_s(run: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _nmea(runs: int) -> tuple[float, float, int]:
    lines = RADAR_LOG.read_text(encoding="ascii", errors="replace").splitlines()
    site = _site(58 + 12.7405 / 60, 11 + 32.8508 / 60, 5000.0)

    def seawatch() -> None:
        decoder = RadarNmeaDecoder(site, "bench")
        for number, line in enumerate(lines, start=1):
            decoder.feed(line, number)

    def reference() -> None:
        for line in lines:
            with contextlib.suppress(Exception):  # the reference ignores what it cannot parse
                NMEAReader.parse(line, validate=VALCKSUM)

    ours, theirs = [], []
    for _ in range(runs):  # alternate so machine drift hits both alike
        ours.append(_median_s(seawatch, 1))
        theirs.append(_median_s(reference, 1))
    return statistics.median(ours), statistics.median(theirs), len(lines)


def _asterix(runs: int) -> tuple[float, float, int]:
    asterix = load_asterix()
    datagrams = list(PcapSource(PCAP).datagrams())
    site = _site(45.8, 16.0, 500_000.0)

    def seawatch() -> None:
        decoder = AsterixDecoder(site, "bench")
        for d in datagrams:
            decoder.feed(d.data, d.number, d.receipt_time)

    def reference() -> None:
        for d in datagrams:
            asterix.parse(d.data, verbose=False)

    repeat = 20  # 100 datagrams are too few to time alone

    ours = [_median_s(lambda: [seawatch() for _ in range(repeat)], 1) for _ in range(runs)]
    theirs = [_median_s(lambda: [reference() for _ in range(repeat)], 1) for _ in range(runs)]
    return statistics.median(ours), statistics.median(theirs), len(datagrams) * repeat


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    corpora: list[tuple[str, Callable[[int], tuple[float, float, int]], Path]] = [
        ("RadarLogs.txt (NMEA TTM/TLL)", _nmea, RADAR_LOG),
        ("cat_034_048.pcap (ASTERIX)", _asterix, PCAP),
    ]
    for name, bench, path in corpora:
        if not path.is_file():
            print(f"{name}: skipped, {path} not present", file=sys.stderr)
            continue
        try:
            ours_s, theirs_s, n = bench(args.runs)
        except AsterixUnavailableError as err:
            print(f"{name}: skipped, {err}", file=sys.stderr)
            continue
        print(
            f"{name}: seawatch {n / ours_s:,.0f} items/s, reference {n / theirs_s:,.0f} items/s, "
            f"cost ratio {ours_s / theirs_s:.2f} (median of {args.runs})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
