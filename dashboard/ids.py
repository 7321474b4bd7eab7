"""Every component id of the page in one place, shared by the layout, callbacks and tests."""

from __future__ import annotations

MAP = "map"
REFRESH = "refresh"
CLOCK = "clock"
SELECTED = "selected-track"
VIEW_BOX = "view-box"

USER = "user-badge"
BANNER = "stall-banner"
STATUS = "status-bar"
PICTURE_TIME = "picture-time"

VESSEL = "vessel-record"

ALERTS = "alert-list"
ALERT_SORT = "alert-sort"
ALERT_ITEM = "alert-item"
"""Pattern-matching type: ``{"type": ALERT_ITEM, "index": alert_id}``; click centres the map."""
ACK_BUTTON = "ack-button"
"""Pattern-matching type: ``{"type": ACK_BUTTON, "index": alert_id}``."""
ACK_NOTICE = "ack-notice"

TRACK_TABLE = "track-table"
TRACK_ROW = "track-row"
"""Pattern-matching type: ``{"type": TRACK_ROW, "index": track_id}``; click selects."""
TRACK_SEARCH = "track-search"
TRACK_FILTERS = "track-filters"

LIVE = "live-button"
PLAY = "play-button"
PAUSE = "pause-button"
STEP_BACK = "step-back"
STEP_FORWARD = "step-forward"
SPEED = "replay-speed"
SLIDER = "replay-slider"
MODE = "replay-mode"

EXPORT_WINDOW = "export-window"
EXPORT_GEOJSON = "export-geojson"
EXPORT_CSV = "export-csv"
DOWNLOAD_GEOJSON = "download-geojson"
DOWNLOAD_TRACKS_CSV = "download-tracks-csv"
DOWNLOAD_ALERTS_CSV = "download-alerts-csv"
