"""Cut an alert down to what one recipient may see, before it leaves for that recipient.

Withheld fields are absent from the value, never nulled or blanked: a partner's consumer
cannot tell a withheld watch-list reason from one that never existed. The value is the
alert's own JSON (``fusion.schemas.to_dict``) restricted to the policy's fields, so a
domestic agency with the full policy gets byte-identical values to the ``alerts`` topic.
"""

from __future__ import annotations

from typing import Any

import orjson

from fusion.agencies.config import SharingPolicy
from fusion.schemas import Alert, to_dict, to_json


def shared_dict(alert: Alert, policy: SharingPolicy) -> dict[str, Any]:
    """The JSON dict of ``alert`` with only the fields (and evidence keys) ``policy`` allows."""
    full = to_dict(alert)
    out = {"schema_version": full["schema_version"]}
    out.update((name, full[name]) for name in policy.fields)
    if policy.evidence_keys is not None and "evidence" in out:
        out["evidence"] = {key: value for key, value in alert.evidence.items() if key in policy.evidence_keys}
    return out


def shared_json(alert: Alert, policy: SharingPolicy) -> bytes:
    """Compact JSON of :func:`shared_dict`; the alert's own bytes when the policy is full."""
    return to_json(alert) if policy.is_full else orjson.dumps(shared_dict(alert, policy))
