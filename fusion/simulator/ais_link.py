"""From transmissions to the lines of ais.nmea: reception, NMEA encoding, tag blocks, disorder.

Each receiver hears a message with probability ``RECEPTION_NEAR`` out to
``RECEPTION_FULL_FRACTION`` of its range, tapering linearly to zero at the range (VHF
reception fades near the radio horizon). A message heard by two receivers is written twice,
each copy with its own ``s:`` station. Every NMEA line carries an NMEA 4.10 tag block
``\\s:<station>,c:<unix s>*hh\\``; multi-fragment messages get a sequential message id
(0-9) per station, as a receiver's own numbering would.

The recorder's network is imperfect: about ``LATE_FRACTION`` of receptions arrive 1-8 s
late (their ``c:`` stays the true receive time) and about ``CORRUPT_FRACTION`` of lines are
damaged in one of the :class:`Corruption` ways (each way at least once). The file is in
arrival order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from pyais import encode_dict

from fusion.simulator.ais_transmitter import Transmission
from fusion.simulator.layout import FRAME, SENSORS
from fusion.simulator.motion import Trajectories
from fusion.simulator.random_streams import stream
from tracking.frames import geodesic_distance_m

RECEPTION_NEAR = 0.98
RECEPTION_FULL_FRACTION = 0.7
LATE_FRACTION = 0.02
LATE_DELAY_S = (1.0, 8.0)
CORRUPT_FRACTION = 0.005
_GARBAGE_TEXT = (
    "RX OVERRUN",
    "ERROR: serial framing",
    "-- receiver restarted --",
    "NO DATA",
)
_GARBAGE_ALPHABET = np.array(
    list("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 ,.:;#$%&()-+=?@")
)


class Corruption(StrEnum):
    BAD_CHECKSUM = "bad_checksum"
    TRUNCATED = "truncated"
    GARBAGE = "garbage"
    BAD_TAG_CHECKSUM = "bad_tag_checksum"


@dataclass(slots=True)
class LinkResult:
    """The lines of ais.nmea in arrival order, and what was done to them."""

    lines: list[str]
    receptions: int = 0
    late_lines: int = 0
    corrupt: dict[Corruption, int] = field(default_factory=lambda: dict.fromkeys(Corruption, 0))


def nmea_checksum(text: str) -> int:
    """XOR of the characters of ``text`` (what lies between ``!``/``\\`` and ``*``)."""
    value = 0
    for char in text.encode("ascii"):
        value ^= char
    return value


def tag_block(station: str, receive_time: int) -> str:
    """``\\s:<station>,c:<unix s>*hh\\`` with its checksum."""
    body = f"s:{station},c:{receive_time}"
    return f"\\{body}*{nmea_checksum(body):02X}\\"


def reception_probability(range_m: np.ndarray, max_range_m: float) -> np.ndarray:
    """Chance that a receiver ``range_m`` away hears a message."""
    full_m = RECEPTION_FULL_FRACTION * max_range_m
    taper = np.clip((max_range_m - range_m) / (max_range_m - full_m), 0.0, 1.0)
    return RECEPTION_NEAR * taper


def _corrupt(line: str, kind: Corruption, rng: np.random.Generator) -> str:
    tag_end = line.index("\\", 1) + 1
    if kind is Corruption.BAD_CHECKSUM:
        good = int(line[-2:], 16)
        return f"{line[:-2]}{good ^ int(rng.integers(1, 256)):02X}"
    if kind is Corruption.BAD_TAG_CHECKSUM:
        star = line.index("*")
        good = int(line[star + 1 : star + 3], 16)
        return f"{line[: star + 1]}{good ^ int(rng.integers(1, 256)):02X}{line[star + 3 :]}"
    if kind is Corruption.TRUNCATED:
        return line[: int(rng.integers(tag_end + 10, len(line) - 4))]
    if rng.random() < 0.5:
        return str(rng.choice(_GARBAGE_TEXT))
    return "".join(rng.choice(_GARBAGE_ALPHABET, int(rng.integers(10, 70))))


def link(sent: Sequence[Transmission], traj: Trajectories, seed: int, start_time: float) -> LinkResult:
    """Receive, encode, tag, delay and damage ``sent``; return the lines of ais.nmea."""
    if not sent:
        return LinkResult(lines=[])
    rng = stream(seed, "ais", "link")
    times_s = np.array([t.time_s for t in sent])
    east_m, north_m = traj.at(times_s, np.array([t.vessel for t in sent]))
    lat, lon = FRAME.to_geodetic(east_m, north_m)
    heard = []
    for station_index, receiver in enumerate(SENSORS.ais_receivers):
        range_m = geodesic_distance_m(receiver.lat, receiver.lon, lat, lon)
        hits = np.flatnonzero(rng.random(len(sent)) < reception_probability(range_m, receiver.range_m))
        heard.extend((float(times_s[i]), station_index, int(i)) for i in hits)
    heard.sort()

    result = LinkResult(lines=[], receptions=len(heard))
    next_seq_id = [0] * len(SENSORS.ais_receivers)
    single_fragment: dict[int, list[str]] = {}
    arrivals: list[tuple[float, int, str]] = []
    for time_s, station_index, i in heard:
        tx = sent[i]
        sentences = single_fragment.get(i)
        if sentences is None and tx.fields["msg_type"] == 5:  # 424 bits: always two fragments
            seq_id = next_seq_id[station_index]
            next_seq_id[station_index] = (seq_id + 1) % 10
            sentences = encode_dict(
                tx.fields, talker_id="AI", sentence_type="VDM", radio_channel=tx.channel, seq_id=seq_id
            )
        elif sentences is None:
            sentences = encode_dict(tx.fields, talker_id="AI", sentence_type="VDM", radio_channel=tx.channel)
            single_fragment[i] = sentences
        arrival_s = time_s
        if rng.random() < LATE_FRACTION:
            arrival_s += float(rng.uniform(*LATE_DELAY_S))
            result.late_lines += len(sentences)
        tag = tag_block(SENSORS.ais_receivers[station_index].id, int(start_time + time_s))
        arrivals.extend((arrival_s, len(arrivals), tag + sentence) for sentence in sentences)

    arrivals.sort()
    result.lines = [line for _, _, line in arrivals]
    # At least one line of each kind of damage, so even a short scenario exercises every reject path.
    n_corrupt = min(len(arrivals), max(len(Corruption), round(CORRUPT_FRACTION * len(arrivals))))
    kinds = list(Corruption)
    for n, index in enumerate(rng.choice(len(arrivals), n_corrupt, replace=False)):
        kind = kinds[n % len(kinds)]
        result.corrupt[kind] += 1
        result.lines[index] = _corrupt(result.lines[index], kind, rng)
    return result
