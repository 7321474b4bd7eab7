"""The risk formula: noisy-OR probability, components, decay, explanation, configuration errors."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from fusion.risk.model import (
    DEFAULT_CONFIG_PATH,
    Indicator,
    Observation,
    RiskConfig,
    RiskConfigError,
    load_risk_config,
    score,
)

CONFIG = RiskConfig(
    indicators={
        "ais_gap": Indicator(weight=0.7, detectability=1.0, risk_type="smuggling"),
        "rendezvous": Indicator(weight=0.5),
        "watch": Indicator(weight=0.8, impact=1.0, risk_type="drug_trafficking"),
    },
    half_life_s=3600.0,
)
T = 1_768_464_000.0


def _obs(*names: str, time: float = T) -> dict[str, Observation]:
    return {name: Observation(name, time, f"saw {name}") for name in names}


def test_a_vessel_without_indicators_has_no_risk() -> None:
    assert score({}, T, CONFIG).score == 0.0


def test_probability_is_the_noisy_or_of_the_indicators() -> None:
    result = score(_obs("ais_gap", "rendezvous"), T, CONFIG)
    assert result.probability == pytest.approx(1 - (1 - 0.7) * (1 - 0.5))
    expected = 0.5**0.5 * result.probability * 1.0**0.5  # baseline impact, gap's concealment
    assert result.score == pytest.approx(expected, abs=1e-6)
    assert result.risk_type == "smuggling"  # the strongest indicator's type


def test_adding_an_indicator_never_lowers_the_score() -> None:
    assert score(_obs("ais_gap", "rendezvous"), T, CONFIG).score > score(_obs("ais_gap"), T, CONFIG).score


def test_impact_and_detectability_are_the_largest_implied() -> None:
    result = score(_obs("watch", "rendezvous"), T, CONFIG)
    assert (result.impact, result.detectability) == (1.0, 0.5)


def test_factors_split_the_score_and_are_largest_first() -> None:
    result = score(_obs("ais_gap", "rendezvous"), T, CONFIG)
    assert [f.name for f in result.factors] == ["ais_gap", "rendezvous"]
    assert sum(f.contribution for f in result.factors) == pytest.approx(result.score, abs=1e-5)
    share = math.log(1 - 0.7) / (math.log(1 - 0.7) + math.log(1 - 0.5))
    assert result.factors[0].contribution == pytest.approx(result.score * share, abs=1e-5)
    assert result.factors[0].evidence == "saw ais_gap"


def test_indicators_fade_with_the_half_life() -> None:
    fresh = score(_obs("rendezvous"), T, CONFIG).probability
    hour_old = score(_obs("rendezvous", time=T - 3600.0), T, CONFIG).probability
    assert hour_old == pytest.approx(fresh / 2)


def test_the_shipped_configuration_loads() -> None:
    config = load_risk_config(DEFAULT_CONFIG_PATH)
    assert {"ais_gap", "dark_vessel", "rendezvous", "vessel_of_interest"} <= set(config.indicators)
    assert config.half_life_s == 24 * 3600.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[exponents]\nimpact = -1\n", "impact = -1 must be a number from 0 to 10"),
        ("[indicators.x]\nimpact = 0.5\n", "'weight' (0..1, how telling the indicator is alone) is missing"),
        ("[baseline]\nimpakt = 0.5\n", "unknown key(s) ['impakt']"),
        ("[indicators.x]\nweight = 2\n", "weight = 2 must be a number from 0 to 1"),
        ("nonsense", "cannot read the risk configuration"),
    ],
)
def test_bad_configuration_names_the_key_and_the_fix(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "risk.toml"
    path.write_text(text)
    with pytest.raises(RiskConfigError, match=str(path).replace("\\", "\\\\")) as err:
        load_risk_config(path)
    assert message in str(err.value)
