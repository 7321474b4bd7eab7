"""``parse_radar_line`` reads most lines with orjson and falls back to the careful json reader
for the rest; the two must give the same record for every line, good or bad.

Checked on every line of the bundled replay, on lines where JSON readers are known to differ
(NaN, integers beyond 64 bits, surrogate escapes, duplicate keys), and on good lines mutated
byte by byte, so that a shape the fast path lets through but the careful reader would refuse
(or reads differently) fails here. Records are compared by ``repr``: ``==`` would take an
``extra`` of ``{"scan": 1}`` for ``{"scan": 1.0}``.
"""

from __future__ import annotations

import random

import pytest

from fusion.schemas import Sensors
from ingest.radar_jsonl import _fast_plot, _parse_carefully, parse_radar_line
from ingest.sensors import load_sensors
from tests.conftest import REPO_ROOT
from tests.unit.ingest.test_radar_jsonl import GOOD as PLAIN
from tests.unit.ingest.test_radar_jsonl import SENSORS

KARACHI = REPO_ROOT / "replay_data" / "karachi"
GOOD = PLAIN + ', "scan": 7}'


def _agree(text: str, sensors: Sensors = SENSORS) -> bool:
    return repr(parse_radar_line(text, 5, "radar.jsonl", sensors)) == repr(
        _parse_carefully(text, 5, "radar.jsonl", sensors)
    )


def test_fast_path_agrees_on_every_line_of_the_bundled_replay() -> None:
    sensors = load_sensors(KARACHI / "sensors.json")
    lines = (KARACHI / "radar.jsonl").read_text().splitlines(keepends=True)
    assert len(lines) > 10_000
    assert all(_fast_plot(line, 1, sensors) is not None for line in lines)  # the path under test
    assert [n for n, line in enumerate(lines, start=1) if not _agree(line, sensors)] == []


@pytest.mark.parametrize(
    "text",
    [
        GOOD.replace("213.41", "NaN"),
        GOOD.replace("12503.2", "Infinity"),
        GOOD.replace("213.41", "1e400"),
        GOOD.replace("7}", "123456789012345678901234567890}"),
        GOOD.replace("7}", "-9223372036854775809}"),
        GOOD.replace("7}", "18446744073709551616}"),
        GOOD.replace("7}", "18446744073709551615}"),
        GOOD.replace("7}", "1e19}"),
        GOOD.replace("7}", "-0.0}"),
        GOOD.replace("7}", '"\\ud800"}'),
        GOOD.replace("7}", "[1, 2]}"),
        GOOD.replace("7}", '{"a": 1}}'),
        GOOD.replace("7}", "true}"),
        GOOD.replace("7}", "null}"),
        GOOD.replace("1768456800.84", "1768456800"),
        GOOD.replace("1768456800.84", "99999999999999999999999"),
        GOOD.replace("12503.2", "true"),
        GOOD.replace("12503.2", "42000"),
        GOOD.replace("12503.2", "42000.000001"),
        GOOD.replace("213.41", "-1e-20"),
        GOOD.replace('"MANORA"', '"MAN\\u004fRA"'),
        GOOD.replace('"MANORA"', "null"),
        GOOD.replace('"scan"', '"time"'),
        GOOD + "\r\n",
        "\ufeff" + GOOD,
        GOOD + " x",
        "[" + GOOD + "]",
        "",
    ],
)
def test_fast_path_agrees_where_json_readers_differ(text: str) -> None:
    assert _agree(text)


@pytest.mark.parametrize("seed", range(4))
def test_fast_path_agrees_on_mutated_lines(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(3_000):
        line = list(GOOD)
        alphabet = rng.choice(['{}[]":,.-+eE0123456789 \\uNaIfinytrl\tx', "0123456789.-eE"])
        for _ in range(rng.randint(1, 3)):
            line[rng.randrange(len(line))] = rng.choice(alphabet)
        mutated = "".join(line)
        assert _agree(mutated), mutated
