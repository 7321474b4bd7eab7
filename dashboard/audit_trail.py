"""The dashboard's side of the audit log: who did what, from where, or why it was refused.

Every operator action of the page goes through ``record_action`` *before* it takes effect:
if the entry cannot be stored, the action is refused with a message, because an action
nobody can account for later must not happen (docs/audit.md). Later features (validate,
reject, snooze, note) call it the same way with their ``fusion.audit.Action``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import flask

from fusion.audit import Action, AuditLog, AuditLogError

log = logging.getLogger(__name__)

REFUSED = (
    "Not done: the audit log cannot be written, so this action would go unrecorded. "
    "Tell the duty engineer."
)


def record_action(
    audit: AuditLog,
    action: Action,
    actor: str | None,
    *,
    agency: str | None = None,
    subject: str | None = None,
    picture_time: float | None = None,
    details: Mapping[str, Any] | None = None,
) -> str | None:
    """Append ``action`` by login ``actor``; None once stored, else the refusal to show the person.

    The request's remote address is added to ``details`` when there is a request, so an
    entry says which workstation the action came from.
    """
    extra = dict(details or {})
    if flask.has_request_context():
        extra.setdefault("remote_addr", flask.request.remote_addr)
    try:
        audit.record(
            action,
            actor=actor,
            agency=agency,
            subject=subject,
            picture_time=picture_time,
            details=extra,
        )
    except AuditLogError as error:
        log.error("audit: %s by %s refused: %s", action, actor or "-", error)
        return REFUSED
    return None
