"""Every AIS sentence of the real recordings (../shared/data/real), for the differential tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.nmea import NmeaError, is_vdm, split_tag_block

REAL = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "real"


def real_vdm_sentences() -> list[tuple[Path, bytes]]:
    """(file, sentence) of every ``!xxVDM``/``!xxVDO`` line, tag block removed; skips without the data."""
    if not REAL.is_dir():
        pytest.skip(f"real recordings absent: {REAL} (the shared/ folder beside the repository)")
    out = []
    for path in sorted(REAL.rglob("*")):
        if not path.is_file() or path.stat().st_size > 5_000_000 or path.suffix in (".gz", ".json", ".chk"):
            continue
        for raw in path.read_bytes().splitlines():
            try:
                _, sentence = split_tag_block(raw.strip())
            except NmeaError:
                continue
            if is_vdm(sentence):
                out.append((path, sentence))
    return out
