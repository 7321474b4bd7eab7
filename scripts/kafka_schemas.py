"""Write docs/schemas/<topic>.schema.json: the JSON Schema of every topic's values.

Generated from the record dataclasses (``fusion.schemas``, acknowledgements included), so
the published contract cannot drift from what the services write; the Kafka tests run
``--check`` and validate real produced values against these files.

    .venv/bin/python scripts/kafka_schemas.py          # rewrite docs/schemas/
    .venv/bin/python scripts/kafka_schemas.py --check  # exit 1 if a file is stale
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import types
import typing
from enum import StrEnum
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from fusion import schemas, topics  # noqa: E402
from fusion.agencies.config import CORE_FIELDS  # noqa: E402

OUT_DIR = REPO_ROOT / "docs" / "schemas"
BASE_URL = "https://seawatch.example/schemas/"

TOPIC_RECORDS: dict[str, type] = dict(topics.RECORD_TYPES)

_PRIMITIVES = {float: {"type": "number"}, int: {"type": "integer"}, str: {"type": "string"}}


def _schema_of(hint: Any) -> dict[str, Any]:
    origin = typing.get_origin(hint)
    if hint in _PRIMITIVES:
        return dict(_PRIMITIVES[hint])
    if isinstance(hint, type) and issubclass(hint, StrEnum):
        return {"type": "string", "enum": [member.value for member in hint]}
    if origin in (typing.Union, types.UnionType):
        options = [_schema_of(arg) for arg in typing.get_args(hint) if arg is not type(None)]
        nullable = type(None) in typing.get_args(hint)
        if all(set(o) == {"type"} for o in options):
            kinds = [o["type"] for o in options] + (["null"] if nullable else [])
            return {"type": kinds[0] if len(kinds) == 1 else kinds}
        return {"anyOf": options + ([{"type": "null"}] if nullable else [])}
    if dataclasses.is_dataclass(hint):
        return _object_schema(hint)
    if origin is tuple:
        return {"type": "array", "items": _schema_of(typing.get_args(hint)[0])}
    if origin is dict:
        value = typing.get_args(hint)[1]
        return (
            {"type": "object"}
            if value is Any
            else {"type": "object", "additionalProperties": _schema_of(value)}
        )
    raise TypeError(f"no JSON Schema mapping for {hint!r}")


def _object_schema(cls: type) -> dict[str, Any]:
    """A record nested in another (a risk factor in an assessment): its fields, all known."""
    hints = typing.get_type_hints(cls)
    fields = dataclasses.fields(cls)
    return {
        "type": "object",
        "properties": {f.name: _schema_of(hints[f.name]) for f in fields},
        "required": [f.name for f in fields if f.default is dataclasses.MISSING],
        "additionalProperties": False,
    }


def record_schema(topic: str, cls: type) -> dict[str, Any]:
    """Draft 2020-12 schema of ``cls``'s JSON form (``fusion.schemas.to_dict`` plus ``schema_version``)."""
    hints = typing.get_type_hints(cls)
    properties: dict[str, Any] = {
        "schema_version": {
            "const": schemas.schema_version(cls),
            "description": "layout version of this value",
        }
    }
    required = ["schema_version"]
    for f in dataclasses.fields(cls):
        properties[f.name] = _schema_of(hints[f.name])
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            required.append(f.name)
    doc = (cls.__doc__ or "").strip().splitlines()[0]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{BASE_URL}{topic}.schema.json",
        "title": f"{cls.__name__} (topic {topic})",
        "description": f"{doc} Units are in the field names; time is event time, unix seconds UTC.",
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def agency_alert_schema() -> dict[str, Any]:
    """Values of ``alerts.<agency>``: an alert cut to the recipient's sharing policy.

    The same properties as ``alerts``, but only the fields every recipient gets are required:
    a withheld field is absent (docs/agencies.md).
    """
    schema = record_schema("alerts.agency", schemas.Alert)
    schema["title"] = "Alert as routed to one agency (topics alerts.<agency>)"
    schema["description"] = (
        "An alert routed to this agency, cut to its sharing policy (config/agencies.toml): withheld "
        "fields are absent. Units are in the field names; time is event time, unix seconds UTC."
    )
    schema["required"] = ["schema_version", *CORE_FIELDS]
    return schema


def rendered() -> dict[Path, str]:
    out = {
        OUT_DIR / f"{topic}.schema.json": json.dumps(record_schema(topic, cls), indent=2) + "\n"
        for topic, cls in TOPIC_RECORDS.items()
    }
    out[OUT_DIR / "alerts.agency.schema.json"] = json.dumps(agency_alert_schema(), indent=2) + "\n"
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if docs/schemas/ is not up to date")
    args = parser.parse_args()
    stale = [path for path, text in rendered().items() if not path.is_file() or path.read_text() != text]
    if args.check:
        for path in stale:
            print(
                f"{path.relative_to(REPO_ROOT)} is stale: run python scripts/kafka_schemas.py",
                file=sys.stderr,
            )
        return 1 if stale else 0
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for path, text in rendered().items():
        path.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
