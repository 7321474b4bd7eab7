"""``share cise`` to a partner's HTTP endpoint (a local server): retry, rejection, valid bodies."""

from __future__ import annotations

import socket

import pytest
from lxml import etree

from fusion import topics
from fusion.bus import MemoryBroker, MemoryBus
from fusion.cise.delivery import Backoff, HttpSink, RejectedStore, RetryableDeliveryError
from fusion.cise.messages import CiseMessage, Envelope
from fusion.services.share_cise import ShareCiseService, ShareSettings
from tests.integration.cise.receiver import CiseReceiver
from tests.unit.cise.test_share_service import _publish_picture

ENVELOPE = Envelope(sender_id="pk.seawatch-node01", recipient_id="om.partner-node01")


def _service(broker: MemoryBroker, url: str, tmp_path) -> ShareCiseService:
    return ShareCiseService(
        MemoryBus(broker, "share"),
        MemoryBus(broker, "share-identities"),
        HttpSink(url, timeout_s=5.0),
        ShareSettings(envelope=ENVELOPE, alert_topic=topics.ALERTS),
        rejected=RejectedStore(tmp_path / "rejected"),
        backoff=Backoff(initial_s=0.05, max_s=0.2),
    )


def test_messages_reach_the_endpoint_through_server_errors(tmp_path, cise_validator):
    broker = MemoryBroker()
    alerts = _publish_picture(MemoryBus(broker, "producer"), alerts=3)
    with CiseReceiver(script=(503, 502, 429, 200, 500)) as receiver:
        service = _service(broker, receiver.url, tmp_path)
        service.run(exit_when_idle_s=0.0)
    assert len(receiver.delivered) == len(alerts)
    assert receiver.attempts == len(alerts) + 4
    assert service.counts["retries"] == 4
    for message_id, body in receiver.delivered:
        assert cise_validator.errors(body) == []
        assert etree.fromstring(body).findtext("MessageID") == message_id
    assert len({message_id for message_id, _ in receiver.delivered}) == len(alerts)


def test_a_refusal_is_kept_and_sharing_goes_on(tmp_path):
    broker = MemoryBroker()
    alerts = _publish_picture(MemoryBus(broker, "producer"), alerts=2)
    with CiseReceiver(script=(400,)) as receiver:
        service = _service(broker, receiver.url, tmp_path)
        service.run(exit_when_idle_s=0.0)
    assert len(receiver.delivered) == len(alerts) - 1
    assert service.counts["rejected:Anomaly"] == 1
    [reason] = (tmp_path / "rejected").glob("*.reason.txt")
    assert "HTTP 400" in reason.read_text()


def test_nobody_listening_is_retryable():
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens on it
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = HttpSink(f"http://127.0.0.1:{port}/", timeout_s=2.0)
    with pytest.raises(RetryableDeliveryError, match=f"127.0.0.1:{port}"):
        sink.deliver(CiseMessage("m1", b"<x/>", "Anomaly"))
