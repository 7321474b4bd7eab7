"""In a real browser: an officer's login and acknowledgement and an analyst's export land in the
audit log, the export's entry carries the SHA-256 of the very file the browser downloaded,
and the log verifies."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from fusion.audit import Action
from fusion.audit_store import FileAuditStore
from fusion.audit_verify import verify_file


def test_audit001_actions_in_the_browser_are_recorded_and_the_chain_verifies(pages, server):
    officer = pages.open("officer")
    officer.wait_for_selector("#alert-list button:has-text('Acknowledge')")
    item = officer.locator(".alert", has=officer.locator("button:has-text('Acknowledge')")).first
    item_id = item.get_attribute("id")
    alert_id = json.loads(item_id)["index"]
    item.locator("button:has-text('Acknowledge')").click()
    officer.wait_for_selector(f"[id='{item_id}'] >> text=acknowledged by Test Officer")

    analyst = pages.open("analyst")
    analyst.wait_for_selector(".alert")
    with analyst.expect_download() as download:
        analyst.click("#export-geojson")
    downloaded = Path(download.value.path()).read_bytes()

    entries = FileAuditStore(server.audit_path).entries()
    logins = {e.actor for e in entries if e.action == Action.LOGIN}
    assert {"officer", "analyst"} <= logins
    (ack,) = [e for e in entries if e.action == Action.ACKNOWLEDGE and e.subject == alert_id]
    assert ack.actor == "officer" and ack.details["remote_addr"] == "127.0.0.1"
    export = [e for e in entries if e.action == Action.EXPORT and e.actor == "analyst"][-1]
    assert export.details["format"] == "geojson"
    assert export.details["files"] == {
        download.value.suggested_filename: hashlib.sha256(downloaded).hexdigest()
    }
    assert verify_file(server.audit_path).ok
