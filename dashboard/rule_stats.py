"""The false-alarm rate of every rule, as officers judged its alerts.

A small table per alert kind: alerts raised, confirmed, rejected, the false-alarm rate
(rejected / judged) and the rejection reasons. From the vessel history database when the
dashboard is given one (all time, as ``seawatch rules stats`` prints it), else from the
alerts and verdicts this dashboard has read from the bus up to picture time.
"""

from __future__ import annotations

from dash import dcc, html, no_update

from dashboard import ids
from dashboard.history import Picture
from dashboard.operator_log import digest, rule_stats
from dashboard.picture import PictureFeed
from fusion.history.store import HistoryStore, RuleStats


def stats_view(stats: list[RuleStats], source: str) -> list:
    """The table, one row per rule, the worst false-alarm rate first."""
    if not stats:
        return [html.Div("no alerts yet", style={"color": "#7f8c8d"})]
    ordered = sorted(stats, key=lambda s: (-(s.false_alarm_rate or 0.0), s.kind))
    header = html.Tr(
        [html.Th(h) for h in ("rule", "raised", "confirmed", "rejected", "false alarms", "reasons")]
    )
    rows = [
        html.Tr(
            [
                html.Td(s.kind.replace("_", " ")),
                html.Td(s.raised),
                html.Td(s.confirmed),
                html.Td(s.rejected),
                html.Td("-" if s.false_alarm_rate is None else f"{s.false_alarm_rate:.0%}"),
                html.Td(
                    ", ".join(f"{r.replace('_', ' ')} {n}" for r, n in sorted(s.rejections_by_reason.items()))
                ),
            ],
            id={"type": "rule-stats-row", "index": s.kind},
            className="rule-stats-row",
        )
        for s in ordered
    ]
    return [
        html.Table([header, *rows], style={"width": "100%", "fontSize": "13px"}),
        html.Div(f"from {source}", style={"color": "#7f8c8d", "fontSize": "12px"}),
    ]


def stats_panel(style: dict) -> html.Div:
    return html.Div(
        [
            html.B("False alarms per rule"),
            html.Div(id=ids.RULE_STATS),
            dcc.Store(id=ids.RULE_STATS_SIGNATURE),
        ],
        style=style,
    )


def stats_update(feed: PictureFeed, store: HistoryStore | None, picture: Picture, shown: str | None) -> tuple:
    """The table's new contents (``no_update`` when its figures did not change) and their digest."""
    if store is not None:
        stats, source = store.rule_stats(), "the vessel history database (all time)"
    elif picture.time is None:
        stats, source = [], ""
    else:
        validations = feed.operator.validations_at(picture.time)
        stats = rule_stats(picture.alerts, validations)
        source = "the alerts and verdicts read up to picture time"
    key = digest(stats)
    return (no_update if key == shown else stats_view(stats, source)), key
