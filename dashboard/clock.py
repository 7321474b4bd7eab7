"""The replay clock: which picture time a page shows, as a pure function of its controls.

The clock lives in the browser (a ``dcc.Store``), so every open page has its own picture
time; ``dashboard.callbacks`` wires these functions to the buttons, slider and timer.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping

from dashboard import ids
from dashboard.live import TRAIL_REFRESH_S


def utc(time: float | None, fmt: str = "%Y-%m-%d %H:%M:%S UTC") -> str:
    """Event time (unix s) as UTC text: the watch's common time, whatever the browser's zone."""
    if time is None:
        return "waiting for data"
    return dt.datetime.fromtimestamp(time, tz=dt.UTC).strftime(fmt)


BUTTONS = (ids.STEP_BACK, ids.STEP_FORWARD, ids.PLAY, ids.PAUSE, ids.LIVE)
"""Replay buttons, in the order presses are applied when several arrive in one call."""


def next_clock(
    clock: dict,
    *,
    tick: bool,
    presses: Mapping[str, int | None],
    seek: dict | None,
    live_time: float | None,
    speed: float,
    interval_s: float,
    step_s: float,
    earliest: float | None = None,
) -> dict:
    """The page's picture time after a tick, button presses or a seek.

    ``presses`` are the buttons' click counters and ``seek`` the latest slider seek
    (``{"time", "seq"}``); the clock remembers which presses and seek it has applied, so a
    press is applied exactly once even if a response of an earlier tick, computed before
    the press, overwrites the clock in the browser: the next tick applies it again.
    Live follows the newest data. A seek, step, play or pause switches to replay; playing
    advances ``speed * interval_s`` per tick and stops at the newest data. The picture
    drawn is ``picture_at(time)`` whatever route led to ``time``. ``earliest`` is the start
    of the history's retention window: a replay never shows a time before it (a paused
    replay the window has passed moves on to its start).
    """
    seen = dict(clock.get("seen") or {})
    seek_seq = int(clock.get("seek_seq") or 0)
    mode, time, playing = clock.get("mode", "live"), clock.get("time"), bool(clock.get("playing"))
    if live_time is None:
        return {**clock, "time": None}
    time = live_time if time is None else time
    if seek and int(seek.get("seq", 0)) > seek_seq:
        mode, time, seek_seq = "replay", float(seek["time"]), int(seek["seq"])
    for button in BUTTONS:
        count = presses.get(button) or 0
        if count <= seen.get(button, 0):
            continue
        seen[button] = count
        if button == ids.LIVE:
            mode, playing = "live", False
            continue
        mode = "replay"
        if button == ids.STEP_BACK:
            time, playing = time - step_s, False
        elif button == ids.STEP_FORWARD:
            time, playing = time + step_s, False
        else:
            playing = button == ids.PLAY
    if mode == "live":
        time = live_time
    elif tick and playing:
        time += speed * interval_s
    time = min(time, live_time)
    if earliest is not None:
        time = max(time, min(earliest, live_time))
    if time >= live_time:
        playing = False
    return {"mode": mode, "time": time, "playing": playing, "seen": seen, "seek_seq": seek_seq}


def seek_from_slider(value: float | None, clock: dict, previous: dict | None) -> dict | None:
    """A new seek when the analyst moved the slider, None when the clock itself moved it."""
    time = (clock or {}).get("time")
    if value is None or time is None or round(time) == round(value):
        return None
    return {"time": float(value), "seq": int((previous or {}).get("seq", 0)) + 1}


def slider_marks(start: float, end: float, every_s: float = 300.0) -> dict[int, str]:
    """Clock-time labels every ``every_s`` of event time along the replay slider."""
    first = math.ceil(start / every_s) * every_s
    return {int(t): utc(t, "%H:%M") for t in range(int(first), int(end) + 1, int(every_s))}


def mode_label(clock: dict) -> str:
    if clock.get("mode") == "live":
        return "LIVE"
    return f"REPLAY {'playing' if clock.get('playing') else 'paused'}"


def trail_bucket(time: float | None) -> int | None:
    """Which trail refresh period picture time falls in; trails are resent when it changes
    (every ``TRAIL_REFRESH_S`` live, and at once on any seek or step)."""
    return None if time is None else math.floor(time / TRAIL_REFRESH_S)
