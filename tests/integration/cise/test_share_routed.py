"""``share cise`` on a routed replay of the bundled Karachi scenario: the real routing stage
cuts alerts to each agency's policy, the real risk stage scores vessels, and every message
the service builds for the foreign partner and for the coast guard is schema-valid, with no
field the partner's policy withholds."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from lxml import etree

from fusion import topics
from fusion.agencies.routing import load_router
from fusion.bus import MemoryBroker, MemoryBus
from fusion.cise.delivery import DirectorySink, RejectedStore
from fusion.cise.messages import Envelope
from fusion.replay import run_replay
from fusion.services.share_cise import ShareCiseService, ShareSettings
from ingest.scenario import open_scenario
from tests.conftest import REPO_ROOT
from tests.integration.browser.conftest import first_minutes

pytestmark = pytest.mark.slow

ZONES = REPO_ROOT / "zones.geojson"
MINUTES = 13  # the partner's dark vessels (2 min) and rendezvous (12 min) inside the shared area


@pytest.fixture(scope="module")
def routed(tmp_path_factory) -> MemoryBroker:
    folder = first_minutes(REPO_ROOT / "replay_data" / "karachi", tmp_path_factory.mktemp("karachi"), MINUTES)
    broker = MemoryBroker()
    out = tmp_path_factory.mktemp("replay")
    run_replay(
        open_scenario(folder, ZONES),
        tracks_out=out / "tracks.jsonl",
        alerts_out=out / "alerts.jsonl",
        broker=broker,
        router=load_router(REPO_ROOT / "config" / "agencies.toml", ZONES),
        risk_out=out / "risk.jsonl",
    )
    return broker


def _share(broker: MemoryBroker, agency: str, out: Path, *, share_risk: bool = False) -> list[Path]:
    service = ShareCiseService(
        MemoryBus(broker, f"share-{agency}"),
        MemoryBus(broker, f"identities-{agency}"),
        DirectorySink(out),
        ShareSettings(
            envelope=Envelope(sender_id="pk.seawatch-node01", recipient_id=agency),
            alert_topic=topics.agency_alerts(agency),
            share_risk=share_risk,
        ),
        rejected=RejectedStore(out.parent / "rejected"),
    )
    service.run(exit_when_idle_s=0.0)
    return sorted(out.glob("*.xml"))


def test_the_partner_gets_valid_anomalies_without_a_withheld_field(routed, tmp_path, cise_validator):
    shared = [orjson.loads(e.value) for e in routed.read(topics.agency_alerts("partner"))]
    assert {a["kind"] for a in shared} >= {"dark_vessel", "rendezvous"}
    full = {
        (a["alert_id"], a["state"], a["time"]): a
        for a in map(orjson.loads, (e.value for e in routed.read(topics.ALERTS)))
    }
    files = _share(routed, "partner", tmp_path / "out")
    assert len(files) == len(shared)
    for path in files:
        xml = path.read_bytes()
        assert cise_validator.errors(xml) == []
    texts = b"".join(path.read_bytes() for path in files).decode()
    for value in shared:
        alert = full[(value["alert_id"], value["state"], value["time"])]
        sent = orjson.dumps(value).decode()
        withheld = [alert["message"], f"responsible_agency={alert['responsible_agency']}"]
        withheld += [f"zone={alert['zone_id']}"] if alert["zone_id"] else []
        withheld += [f"{key}=" for key in alert["evidence"]]
        withheld += [str(v) for v in alert["evidence"].values() if str(v) not in sent]  # not shared otherwise
        for secret in withheld:
            assert secret not in texts, f"{secret!r} reached the partner"
    # the policy shares the MMSI, so the rendezvous vessel is named
    mmsis = [
        etree.parse(p).getroot().findtext("Payload/Anomaly/InvolvedObjectRel/Object/MMSI") for p in files
    ]
    assert any(mmsis)


def test_a_domestic_agency_gets_alerts_and_risk(routed, tmp_path, cise_validator):
    alerts = routed.read(topics.agency_alerts("coastguard"))
    assessments = routed.read(topics.RISK)
    assert assessments, "the risk stage scored no vessel"
    files = _share(routed, "coastguard", tmp_path / "out", share_risk=True)
    assert len(files) == len(alerts) + len(assessments)
    kinds = []
    for path in files:
        xml = path.read_bytes()
        assert cise_validator.errors(xml) == []
        kinds.append(etree.fromstring(xml).findtext("Sender/ServiceType"))
    assert kinds.count("RiskService") == len(assessments)
