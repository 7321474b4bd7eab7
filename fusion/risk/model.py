"""The vessel risk formula and its configuration (``config/risk.toml``; docs/risk.md).

risk = impact^a x probability^b x detectability^c, the fisheries-control form, each term 0..1:

* **probability** that the vessel is doing wrong, from its indicators (AIS gap in coverage,
  dark, rendezvous, spoofing ...) combined by noisy-OR, ``1 - prod(1 - w_i s_i)``: each
  indicator alone can explain wrongdoing with probability ``w_i``; several together raise it,
  never past 1, and adding an indicator never lowers it;
* **impact**, what is at stake: the largest impact any indicator implies (a watch-list hit,
  a restricted zone), at least the baseline;
* **detectability** (read as concealment: how hard the vessel is to catch by routine means),
  the largest any indicator implies (a vessel without AIS is hidden from every AIS-only
  agency), at least the baseline.

Each indicator's strength ``s_i`` decays with a half-life, so last week's rendezvous counts
less than tonight's. "Why this vessel": the score is split over the indicators in proportion
to ``-log(1 - w_i s_i)``, the additive form of the noisy-OR, so the shares sum to the score.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fusion.schemas import RiskFactor

DEFAULT_CONFIG_PATH = Path(__file__).resolve().parents[2] / "config" / "risk.toml"


class RiskConfigError(ValueError):
    """A risk configuration that cannot be used; the message names the key and the fix."""


@dataclass(frozen=True, slots=True)
class Indicator:
    """How telling one kind of evidence is, and what it implies."""

    weight: float
    impact: float | None = None
    detectability: float | None = None
    risk_type: str | None = None


@dataclass(frozen=True, slots=True)
class RiskConfig:
    impact_exponent: float = 0.5
    probability_exponent: float = 1.0
    detectability_exponent: float = 0.5
    baseline_impact: float = 0.5
    baseline_detectability: float = 0.5
    half_life_s: float = 24 * 3600.0
    indicators: Mapping[str, Indicator] = field(default_factory=dict)
    flags_of_concern: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Observation:
    """One indicator seen on a vessel: when, and the evidence to show the officer."""

    name: str
    time: float
    evidence: str
    alert_id: str | None = None


@dataclass(frozen=True, slots=True)
class Score:
    score: float
    impact: float
    probability: float
    detectability: float
    risk_type: str | None
    factors: tuple[RiskFactor, ...]


def score(observations: Mapping[str, Observation], time: float, config: RiskConfig) -> Score:
    """The risk of a vessel with these observations (its latest one per indicator) at ``time``."""
    impact, detectability = config.baseline_impact, config.baseline_detectability
    terms: list[tuple[float, Observation, Indicator]] = []
    for name in sorted(observations):
        observation, indicator = observations[name], config.indicators[name]
        age_s = max(0.0, time - observation.time)
        strength = 0.5 ** (age_s / config.half_life_s)
        p = min(indicator.weight * strength, 0.999_999)
        if p <= 0.0:
            continue
        terms.append((-math.log1p(-p), observation, indicator))
        impact = max(impact, indicator.impact or 0.0)
        detectability = max(detectability, indicator.detectability or 0.0)
    log_miss = sum(term for term, _, _ in terms)
    probability = 1.0 - math.exp(-log_miss)
    total = (
        impact**config.impact_exponent
        * probability**config.probability_exponent
        * detectability**config.detectability_exponent
    )
    ranked = sorted(terms, key=lambda t: (-t[0], t[1].name))
    factors = tuple(
        RiskFactor(name=obs.name, contribution=round(total * term / log_miss, 6), evidence=obs.evidence)
        for term, obs, _ in ranked
    )
    risk_type = next((indicator.risk_type for _, _, indicator in ranked if indicator.risk_type), None)
    return Score(round(total, 6), impact, round(probability, 6), detectability, risk_type, factors)


def load_risk_config(path: Path = DEFAULT_CONFIG_PATH) -> RiskConfig:
    """Read ``config/risk.toml``; every key is optional, unknown keys are errors naming the fix."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise RiskConfigError(f"{path}: cannot read the risk configuration: {err}") from None
    _only(document, {"exponents", "baseline", "decay", "indicators", "identity"}, f"{path}")
    exponents = _table(document, "exponents", path)
    baseline = _table(document, "baseline", path)
    decay = _table(document, "decay", path)
    identity = _table(document, "identity", path)
    _only(exponents, {"impact", "probability", "detectability"}, f"{path} [exponents]")
    _only(baseline, {"impact", "detectability"}, f"{path} [baseline]")
    _only(decay, {"half_life_h"}, f"{path} [decay]")
    _only(identity, {"flags_of_concern"}, f"{path} [identity]")
    indicators = {
        name: _indicator(values, f"{path} [indicators.{name}]")
        for name, values in _table(document, "indicators", path).items()
    }
    defaults = RiskConfig()
    return RiskConfig(
        impact_exponent=_unit(exponents, "impact", defaults.impact_exponent, f"{path} [exponents]", 10.0),
        probability_exponent=_unit(
            exponents, "probability", defaults.probability_exponent, f"{path} [exponents]", 10.0
        ),
        detectability_exponent=_unit(
            exponents, "detectability", defaults.detectability_exponent, f"{path} [exponents]", 10.0
        ),
        baseline_impact=_unit(baseline, "impact", defaults.baseline_impact, f"{path} [baseline]"),
        baseline_detectability=_unit(
            baseline, "detectability", defaults.baseline_detectability, f"{path} [baseline]"
        ),
        half_life_s=3600.0
        * _unit(decay, "half_life_h", defaults.half_life_s / 3600.0, f"{path} [decay]", 1e6),
        indicators=indicators,
        flags_of_concern=frozenset(str(flag).upper() for flag in identity.get("flags_of_concern", [])),
    )


def _table(document: Mapping[str, Any], name: str, path: Path) -> dict[str, Any]:
    value = document.get(name, {})
    if not isinstance(value, dict):
        raise RiskConfigError(f"{path}: [{name}] must be a table")
    return value


def _only(table: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise RiskConfigError(f"{where}: unknown key(s) {unknown}; allowed: {sorted(allowed)}")


def _unit(table: Mapping[str, Any], key: str, default: float, where: str, upper: float = 1.0) -> float:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 <= value <= upper:
        raise RiskConfigError(f"{where}: {key} = {value!r} must be a number from 0 to {upper:g}")
    return float(value)


def _indicator(values: Any, where: str) -> Indicator:
    if not isinstance(values, dict):
        raise RiskConfigError(f"{where} must be a table with at least 'weight'")
    _only(values, {"weight", "impact", "detectability", "risk_type"}, where)
    if "weight" not in values:
        raise RiskConfigError(f"{where}: 'weight' (0..1, how telling the indicator is alone) is missing")
    risk_type = values.get("risk_type")
    if risk_type is not None and not isinstance(risk_type, str):
        raise RiskConfigError(f"{where}: risk_type must be a string such as 'smuggling'")
    return Indicator(
        weight=_unit(values, "weight", 0.0, where),
        impact=_unit(values, "impact", 0.0, where) if "impact" in values else None,
        detectability=_unit(values, "detectability", 0.0, where) if "detectability" in values else None,
        risk_type=risk_type,
    )
