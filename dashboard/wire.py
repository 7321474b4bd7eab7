"""Dash components in the JSON form Dash sends them in, for the panels redrawn every second.

Dash encodes a callback's response with plotly's encoder, which tries orjson first and, when
the response holds a component object, walks every value in Python instead (asking each
component for ``to_plotly_json``). For the track table (hundreds of cells a second) that
walk, and building the component objects, was most of the panels' refresh. ``element``
writes a cell straight in its wire form (``{"type", "namespace", "props"}``, what
``Component.to_plotly_json`` gives), and ``wire`` converts the few other components once,
so the whole response is plain data orjson encodes in one call.
"""

from __future__ import annotations

from typing import Any

from dash.development.base_component import Component

HTML = "dash_html_components"


def element(tag: str, children: Any = None, **props: Any) -> dict:
    """An ``html.<tag>`` component as its wire dict (``html.Td("x")`` is ``element("Td", "x")``)."""
    return {"type": tag, "namespace": HTML, "props": {"children": children, **props}}


def wire(value: Any) -> Any:
    """``value`` with every component inside replaced by its wire dict (lists and dicts walked)."""
    if isinstance(value, Component):
        plain = value.to_plotly_json()
        plain["props"] = {key: wire(v) for key, v in plain["props"].items()}
        return plain
    if isinstance(value, list | tuple):
        return [wire(v) for v in value]
    if isinstance(value, dict):
        return {key: wire(v) for key, v in value.items()}
    return value
