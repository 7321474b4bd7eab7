"""The agencies file: the demo file loads, and every mistake is named with its entry and fix."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fusion.agencies.config import CORE_FIELDS, AgenciesFileError, AgencyType, load_agencies
from fusion.rules.zones import Zones
from fusion.schemas import AlertKind
from tests.unit.agencies.conftest import AGENCIES


def test_demo_file_configures_the_five_agencies_of_the_issue(agencies) -> None:
    assert agencies.ids == ("customs", "anf", "coastguard", "pmsa", "partner")
    assert agencies.default_responsible == "pmsa"
    customs = agencies.agency("customs")
    assert set(customs.jurisdiction) == {"kind:port", "kind:anchorage"}
    partner = agencies.agency("partner")
    assert partner.type is AgencyType.PARTNER and partner.responsible_for == frozenset()
    assert partner.jurisdiction == ("area:SHARED-AREA",)
    assert "message" not in partner.sharing.fields and "evidence" not in partner.sharing.fields
    assert {"mmsi", "track_id", "lat", "lon"} <= set(partner.sharing.fields)  # vessel identity and where
    assert agencies.agency("coastguard").responsible_for == frozenset(AlertKind)  # "*"
    assert agencies.agency("pmsa").sharing.is_full  # domestic: every field by default


def test_informed_of_excludes_kinds_already_responsible_for(agencies) -> None:
    for agency in agencies.agencies:
        assert not agency.responsible_for & agency.informed_of


def _write(tmp_path: Path, text: str) -> Path:
    shutil.copy(AGENCIES.parent / "belts_karachi.geojson", tmp_path / "belts_karachi.geojson")
    path = tmp_path / "agencies.toml"
    path.write_text(text)
    return path


HEAD = 'belts = "belts_karachi.geojson"\ndefault_responsible = "cg"\n'
CG = '[agencies.cg]\nname = "Coast guard"\njurisdiction = ["belt:territorial_sea"]\nresponsible_for = ["*"]\n'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            HEAD + CG.replace("belt:territorial_sea", "belt:territorial"),
            r"\[agencies.cg\].*'belt:territorial'.*fix",
        ),
        (
            HEAD + CG.replace("belt:territorial_sea", "zone:NOPE"),
            r"\[agencies.cg\].*'zone:NOPE' names nothing",
        ),
        (HEAD + CG.replace('["*"]', '["dark"]'), r"\[agencies.cg\].*unknown alert kind 'dark'.*dark_vessel"),
        (HEAD + CG.replace("[agencies.cg]", "[agencies.CG]"), r"\[agencies.CG\].*lower-case.*rename"),
        (HEAD + CG + "colour = 1\n", r"\[agencies.cg\].*unknown key\(s\) colour"),
        (HEAD + CG.replace('name = "Coast guard"\n', ""), r"\[agencies.cg\].*name"),
        (HEAD + CG.replace('responsible_for = ["*"]\n', ""), r"\[agencies.cg\].*would receive nothing"),
        (HEAD.replace('"cg"', '"nobody"') + CG, r"default_responsible = 'nobody'.*fix: set it to one of cg"),
        (HEAD.replace("belts_karachi", "missing"), r"missing.geojson.*not found.*make_belts"),
        (HEAD, r"no \[agencies.<id>\] tables"),
        (
            HEAD + CG + '[agencies.x]\nname = "X"\ntype = "foreign"\njurisdiction = ["belt:eez"]\n',
            r"'foreign'",
        ),
        (
            HEAD + CG.replace("[agencies.cg]", "[agencies.acks]"),
            r"topic 'alerts.acks' is already another topic",
        ),
        (
            HEAD + CG + '[agencies.p]\nname = "P"\ntype = "partner"\njurisdiction = ["belt:eez"]\n'
            'informed_of = ["*"]\n',
            r"\[agencies.p.sharing\] missing: a partner needs an explicit policy",
        ),
        (
            HEAD + CG + '[agencies.p]\nname = "P"\ntype = "partner"\njurisdiction = ["belt:eez"]\n'
            'responsible_for = ["*"]\n[agencies.p.sharing]\nfields = ["*"]\n',
            r"\[agencies.p\]: a partner cannot be responsible",
        ),
        (
            HEAD + CG + '[agencies.cg.sharing]\nfields = ["alert_id", "kind", "state", "lat"]\n',
            r"\[agencies.cg.sharing\]: fields must include time",
        ),
        (
            HEAD + CG + '[agencies.cg.sharing]\nfields = ["*", "vessel_name"]\n',
            r"unknown field\(s\) vessel_name",
        ),
        (
            HEAD
            + CG
            + f"[agencies.cg.sharing]\nfields = {list(CORE_FIELDS)!r}\nevidence_keys = []\n".replace(
                "'", '"'
            ),
            r"evidence_keys given but evidence is not among fields",
        ),
        (
            HEAD
            + CG
            + '[[areas]]\nid = "A"\npolygon = [[66.0, 24.0], [67.0, 25.0], [67.0, 24.0], [66.0, 25.0]]\n',
            r"\[\[areas\]\] 'A': polygon must be .* simple",
        ),
        ("belts = [", r"not valid TOML"),
    ],
)
def test_mistakes_name_the_entry_and_the_fix(tmp_path: Path, zones: Zones, text: str, expected: str) -> None:
    with pytest.raises(AgenciesFileError, match=expected) as caught:
        load_agencies(_write(tmp_path, text), zones)
    assert str(tmp_path / "agencies.toml") in str(caught.value)


def test_a_minimal_file_loads(tmp_path: Path, zones: Zones) -> None:
    config = load_agencies(_write(tmp_path, HEAD + CG), zones)
    assert config.ids == ("cg",)


def test_check_command_lists_agencies_or_names_the_problem(tmp_path: Path, capsys) -> None:
    from fusion.agencies.__main__ import main

    assert main(["check", str(AGENCIES)]) == 0
    assert "partner (partner)" in capsys.readouterr().out
    assert main(["check", str(_write(tmp_path, HEAD))]) == 2
    assert "no [agencies.<id>] tables" in capsys.readouterr().out


def test_members_must_belong_to_a_known_agency(agencies) -> None:
    agencies.check_members({"amina": "customs", "bilal": None}, "users.toml")
    with pytest.raises(
        AgenciesFileError, match=r"users.toml: zara's agency 'navy' is not in .*fix: use one of customs"
    ):
        agencies.check_members({"zara": "navy"}, "users.toml")


@pytest.mark.parametrize("template", ["alerts.shared", "alerts.{agency}.{area}", "alerts.{"])
def test_a_topic_template_without_one_topic_per_agency_is_refused(monkeypatch, zones, template) -> None:
    monkeypatch.setattr("fusion.topics.AGENCY_ALERTS", template)
    with pytest.raises(AgenciesFileError, match=r"SEAWATCH_TOPIC_AGENCY_ALERTS=.*include \{agency\}"):
        load_agencies(AGENCIES, zones)
