"""Speed class: slow unless the speed is significantly above the threshold."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from fusion.rules.config import (
    DEFAULT_CONFIG,
    RulesConfig,
    RulesConfigError,
    load_rules_config,
    speed_sigma_kn,
)
from fusion.rules.zones import ZoneKind
from tracking.frames import KNOT_MPS


def test_speed_sigma_is_the_velocity_covariance_along_the_course(world):
    cov = [0.0] * 16
    cov[5], cov[15] = 0.04, 1.0  # (m/s)^2: ve sigma 0.2 m/s, vn sigma 1 m/s
    cov[7] = cov[13] = 0.1  # ve-vn covariance: counts only for an oblique course
    east = dataclasses.replace(world.state(0.0, "T1", 0.0, 0.0, cog_deg=90.0), cov=tuple(cov))
    north = dataclasses.replace(world.state(0.0, "T1", 0.0, 0.0, cog_deg=0.0), cov=tuple(cov))
    north_east = dataclasses.replace(world.state(0.0, "T1", 0.0, 0.0, cog_deg=45.0), cov=tuple(cov))
    assert speed_sigma_kn(east) == pytest.approx(0.2 / KNOT_MPS)
    assert speed_sigma_kn(north) == pytest.approx(1.0 / KNOT_MPS)
    assert speed_sigma_kn(north_east) == pytest.approx((0.5 * (0.04 + 1.0) + 0.1) ** 0.5 / KNOT_MPS)
    assert speed_sigma_kn(world.state(0.0, "T1", 0.0, 0.0, sog_kn=0.0, speed_sigma_kn=2.0)) == 0.0


@pytest.mark.parametrize(
    ("sog_kn", "sigma_kn", "slow"),
    [(2.9, 0.0, True), (3.0, 0.0, False), (6.0, 2.8, True), (8.7, 2.8, False), (3.5, 0.2, False)],
)
def test_slow_unless_significantly_above_threshold(world, sog_kn, sigma_kn, slow):
    state = world.state(0.0, "T1", 0.0, 0.0, sog_kn=sog_kn, speed_sigma_kn=sigma_kn)
    assert DEFAULT_CONFIG.is_slow(state) is slow


REPO_ROOT = Path(__file__).resolve().parents[3]


def test_the_documented_rules_file_states_every_default():
    assert load_rules_config(REPO_ROOT / "config" / "rules.toml") == DEFAULT_CONFIG
    documented = (REPO_ROOT / "config" / "rules.toml").read_text()
    missing = [
        f.name for f in dataclasses.fields(RulesConfig) if f.name != "watch_list" and f.name not in documented
    ]
    assert missing == []


def test_a_rules_file_overrides_only_what_it_says(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text(
        '[dark_vessel]\ndark_moving_s = 60\n[loitering]\nloiter_kinds = ["anchorage"]\n'
        '[watch_list]\nmmsi = [463000042]\nnames = ["sea ghost"]\n'
    )
    config = load_rules_config(path)
    assert config.dark_moving_s == 60.0 and isinstance(config.dark_moving_s, float)
    assert config.loiter_kinds == frozenset({ZoneKind.ANCHORAGE})
    assert config.watch_list.mmsi == frozenset({463000042}) and config.watch_list.names == frozenset(
        {"SEA GHOST"}
    )
    assert config.dark_slow_s == DEFAULT_CONFIG.dark_slow_s


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[speed]\nslow_speed_k = 3\n", "unknown setting; did you mean 'slow_speed_kn'"),
        ('[speed]\nslow_speed_kn = "fast"\n', "slow_speed_kn = 'fast': expected a float"),
        ('[loitering]\nloiter_kinds = ["harbour"]\n', "a list of zone kinds"),
        ("[rendezvous]\nrendezvous_part_m = 100\n", "rendezvous_part_m must be at least"),
        ("[watch_list]\nmmsi = ['x']\n", "[watch_list] mmsi must be a list of ints"),
        ("speed = 3\n", "'speed' must be a [table]"),
        ("[speed\n", "cannot read rules as TOML"),
    ],
)
def test_a_bad_rules_file_is_a_clear_error(tmp_path, text, message):
    path = tmp_path / "rules.toml"
    path.write_text(text)
    with pytest.raises(RulesConfigError, match=re.escape(message)) as error:
        load_rules_config(path)
    assert str(path) in str(error.value)
