"""``positional_constructor`` builds the same frozen records as their ``__init__``, from all
fields or from the leading ones (the rest at their defaults), and refuses a field list that
does not match the class."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from fusion.schemas import AisReport, positional_constructor
from tests.unit.fusion.test_schemas_json import RECORDS


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: type(r).__name__)
def test_every_field_given_builds_the_same_record(record: object) -> None:
    fields = dataclasses.fields(record)  # type: ignore[arg-type]
    build = positional_constructor(type(record), *(f.name for f in fields))
    built = build(*(getattr(record, f.name) for f in fields))
    assert type(built) is type(record) and built == record
    assert pickle.loads(pickle.dumps(built)) == record
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.time = 0.0  # type: ignore[attr-defined]


def test_fields_left_out_take_their_defaults() -> None:
    report = next(r for r in RECORDS if isinstance(r, AisReport))
    defaulted = [f for f in dataclasses.fields(AisReport) if f.default is not dataclasses.MISSING]
    leading = [f.name for f in dataclasses.fields(AisReport)][: -len(defaulted)]
    build = positional_constructor(AisReport, *leading)
    expected = dataclasses.replace(report, **{f.name: f.default for f in defaulted})
    assert build(*(getattr(report, name) for name in leading)) == expected
    with pytest.raises(TypeError):
        build(*(getattr(report, name) for name in leading[:-1]))


@pytest.mark.parametrize("names", [("mmsi", "time"), ("time",)], ids=["out-of-order", "required-left-out"])
def test_a_field_list_that_does_not_lead_the_class_is_refused(names: tuple[str, ...]) -> None:
    with pytest.raises(TypeError, match="leading fields"):
        positional_constructor(AisReport, *names)
