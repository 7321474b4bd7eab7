"""Which importer reads a file: from its first bytes and lines, never from its name alone."""

from __future__ import annotations

import gzip
import itertools
from pathlib import Path

from ingest.importers.csv_ais import LAYOUTS, header_layout

#: ``--format`` values: an AIS NMEA log, an ARPA radar NMEA log, a CSV archive (layout from its
#: header, or forced), an ASTERIX capture (pcap) or raw block file.
FORMATS = ("nmea", "radar-nmea", "csv", *LAYOUTS, "asterix")
_PCAP = (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
#: ASTERIX categories a radar file starts with (CAT001/002/010/034/048/062/065/240).
_ASTERIX_CATEGORIES = {1, 2, 10, 21, 34, 48, 62, 65, 240}
_SNIFF_LINES = 5000
_ASTERIX_SNIFF_BYTES = 65_536


class FormatError(ValueError):
    """A file no importer recognises; the message says which ``--format`` to name."""


def detect_formats(path: Path) -> tuple[str, ...]:
    """The importers for ``path``: usually one; an NMEA bus with both AIS and ARPA gives two."""
    if not path.is_file():
        raise FormatError(f"{path}: not a file")
    with path.open("rb") as handle:
        head = handle.read(_ASTERIX_SNIFF_BYTES)
    if head[:4] in _PCAP or _asterix_blocks(head, path.stat().st_size):
        return ("asterix",)
    lines = _first_lines(path)
    text = "\n".join(lines)
    kinds: list[str] = []
    if "VDM," in text or "VDO," in text:
        kinds.append("nmea")
    if any(line.lstrip("\\").split("\\")[-1][3:7] in ("TTM,", "TLL,") for line in lines):
        kinds.append("radar-nmea")
    if kinds:
        return tuple(kinds)
    first = next((line for line in lines if line.strip()), "")
    if "," in first and header_layout(first.lstrip("\ufeff").split(",")) is not None:
        return ("csv",)
    raise FormatError(
        f"{path}: not recognised as an AIS NMEA log, an ARPA radar log, a known CSV layout or ASTERIX; "
        f"name it with --format ({', '.join(FORMATS)}); a CSV with other columns needs --columns"
    )


def _asterix_blocks(head: bytes, size: int) -> bool:
    """Whether the file starts with back-to-back ASTERIX data blocks (CAT, 2-byte LEN, ...).

    The blocks must chain exactly: each a known category with a length of at least 3, ending at
    the end of the file or running past the bytes read. Text never does that (``0`` is CAT048's
    first byte, so a first-byte test alone would take any line starting with ``0``).
    """
    position = 0
    while position + 3 <= len(head):
        length = int.from_bytes(head[position + 1 : position + 3], "big")
        if head[position] not in _ASTERIX_CATEGORIES or length < 3:
            return False
        position += length
    return position == size or (position > len(head) and len(head) == _ASTERIX_SNIFF_BYTES)


def _first_lines(path: Path) -> list[str]:
    with path.open("rb") as probe:
        gzipped = probe.read(2) == b"\x1f\x8b"
    opener = gzip.open if gzipped else open
    with opener(path, "rt", encoding="utf-8", errors="replace") as handle:
        return [line.rstrip("\r\n") for line in itertools.islice(handle, _SNIFF_LINES)]
