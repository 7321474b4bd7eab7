"""A recording's manifest: what each file held when it was written, to prove a replay's input.

``seawatch record`` and ``seawatch simulate`` write ``manifest.json`` beside the files: per
file its SHA-256, size in bytes and line count, plus the record counts and the seawatch
version that wrote it. ``seawatch replay`` checks the folder against it before reading
anything and refuses a folder whose inputs differ (``--allow-unverified`` overrides).

The manifest's own SHA-256 is the recording's fingerprint: an analyst quotes it in an
incident report, and anyone holding the folder can show that a replay read exactly those
bytes. Someone who can rewrite files can rewrite the manifest too, so the fingerprint is
worth what the place it was noted is worth (the audit log, a report): docs/audit.md.

The manifest is deterministic (sorted keys, no wall-clock time), so a deterministic
scenario gets a byte-identical manifest.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

MANIFEST_NAME = "manifest.json"
FORMAT = "seawatch-recording-manifest/1"
REPLAY_INPUTS = ("ais.nmea", "radar.jsonl", "sensors.json", "zones.geojson")
"""Files a replay reads: each present one must be listed, or the folder is refused."""
_CHUNK = 1 << 20


class ManifestError(ValueError):
    """A manifest that cannot be read at all; the message names the file and the fix."""


def tool_version() -> str:
    try:
        return metadata.version("seawatch")
    except metadata.PackageNotFoundError:
        return "unknown"


def describe_file(path: Path) -> dict[str, int | str]:
    """SHA-256, size and line count of one file, read once in 1 MiB chunks."""
    sha = hashlib.sha256()
    size = lines = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            sha.update(chunk)
            size += len(chunk)
            lines += chunk.count(b"\n")
    return {"sha256": sha.hexdigest(), "size_bytes": size, "lines": lines}


def write_manifest(
    folder: Path, files: Iterable[str], *, made_by: str, counts: Mapping[str, int | float] | None = None
) -> Path:
    """Describe ``files`` (names inside ``folder``) in ``folder/manifest.json``; returns its path."""
    manifest = {
        "format": FORMAT,
        "made_by": made_by,
        "tool": {"name": "seawatch", "version": tool_version()},
        "files": {name: describe_file(folder / name) for name in sorted(set(files))},
        "counts": dict(sorted((counts or {}).items())),
    }
    path = folder / MANIFEST_NAME
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def fingerprint(folder: Path) -> str:
    """SHA-256 of the manifest file: the one value that names the whole recording."""
    return str(describe_file(folder / MANIFEST_NAME)["sha256"])


@dataclass
class ManifestCheck:
    """What a folder holds against its manifest. ``present`` False: no manifest at all."""

    folder: Path
    present: bool
    fingerprint: str | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def verified(self) -> bool:
        return self.present and not self.problems


def check_folder(folder: Path) -> ManifestCheck:
    """Compare every listed file, and every replay input present, with the manifest."""
    path = folder / MANIFEST_NAME
    if not path.is_file():
        return ManifestCheck(folder, present=False)
    check = ManifestCheck(folder, present=True, fingerprint=fingerprint(folder))
    try:
        listed: dict[str, dict] = _load(path)["files"]
    except ManifestError as error:
        check.problems.append(str(error))
        return check
    for name, expected in sorted(listed.items()):
        target = folder / name
        if Path(name).name != name:
            check.problems.append(f"{name}: not a file of this folder")
            continue
        if not target.is_file():
            check.problems.append(f"{name}: missing (the manifest lists it)")
            continue
        actual = describe_file(target)
        if actual != {k: expected.get(k) for k in actual}:
            check.problems.append(f"{name}: {_difference(expected, actual)}")
    for name in REPLAY_INPUTS:
        if name not in listed and (folder / name).is_file():
            check.problems.append(f"{name}: not in the manifest (added after recording)")
    return check


def _difference(expected: Mapping, actual: Mapping) -> str:
    changed = [
        f"{k} {expected.get(k)} -> {actual[k]}"
        for k in ("size_bytes", "lines")
        if expected.get(k) != actual[k]
    ]
    return "content differs from the recording" + (f" ({', '.join(changed)})" if changed else "")


def _load(path: Path) -> dict:
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ManifestError(f"{path}: not a readable manifest ({error})") from None
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if (
        not isinstance(files, dict)
        or manifest.get("format") != FORMAT
        or not all(isinstance(v, dict) for v in files.values())
    ):
        raise ManifestError(
            f"{path}: not a {FORMAT} manifest (format, files); rewrite it with seawatch record"
        )
    return manifest


def replay_verdict(check: ManifestCheck) -> tuple[bool, str]:
    """(refuse?, one line for the analyst) about replaying a checked folder."""
    if not check.present:
        return False, (
            f"{check.folder}: no {MANIFEST_NAME}: this replay cannot be proved to read what was "
            "recorded (recordings from `seawatch record` and `seawatch simulate` have one)"
        )
    if check.problems:
        return True, (
            f"{check.folder}: the recording does not match its {MANIFEST_NAME} "
            f"({'; '.join(check.problems)}): it was changed after it was recorded. Replay the "
            "original, or give --allow-unverified to replay this copy anyway (its report says unverified)"
        )
    return False, f"{check.folder}: verified against {MANIFEST_NAME}, recording sha256 {check.fingerprint}"


def report(check: ManifestCheck) -> dict[str, object]:
    """The ``recording`` part of a replay's JSON report."""
    return {
        "verified": check.verified,
        "manifest": check.present,
        "sha256": check.fingerprint,
        "problems": check.problems,
    }
