"""Named users with roles, argon2-hashed passwords from a TOML file, and a session guard.

Every request to the Dash server (pages, layout, callbacks, component bundles) needs a
logged-in session, except the login form itself. A request without one gets a redirect
to the login page if it is a page, and ``401`` otherwise, so a script cannot read the
picture or acknowledge an alert by calling callbacks directly.

Users file (TOML; see ``config/users.example.toml``)::

    [users.amina]
    name = "Amina Qureshi"          # shown on acknowledgements
    role = "watch_officer"          # or "analyst" (read-only)
    agency = "customs"              # optional: an agency id of config/agencies.toml
    password_hash = "$argon2id$..." # python -m dashboard.auth hash-password

argon2-cffi (the Password Hashing Competition winner, maintained by the argon2 authors'
community) rather than a hand-rolled salted hash.
"""

from __future__ import annotations

import argparse
import getpass
import html
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlparse

import flask
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from dashboard.audit_trail import record_action
from fusion.audit import Action, AuditLog

SESSION_USER = "seawatch_user"
LOGIN_PATH = "/login"
LOGOUT_PATH = "/logout"
AGENCY_ID = re.compile(r"[a-z][a-z0-9_-]{0,31}")
"""The form of agency ids (``fusion.agencies.config.AGENCY_ID``, which the dashboard may not import)."""


class Role(StrEnum):
    WATCH_OFFICER = "watch_officer"
    """Watches the live picture and acknowledges alerts."""
    ANALYST = "analyst"
    """Reads and replays; may not acknowledge."""


@dataclass(frozen=True, slots=True)
class User:
    username: str
    name: str
    role: Role
    password_hash: str
    agency: str | None = None
    """The agency the user works for: their alerts are shown by default (docs/agencies.md)."""

    @property
    def may_acknowledge(self) -> bool:
        return self.role is Role.WATCH_OFFICER


class UsersFileError(ValueError):
    """The users file cannot be used; the message names the file, the user and the fix."""


def load_users(path: Path) -> dict[str, User]:
    """Read and check a users file; every problem names the file and how to fix it."""
    try:
        data = tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise UsersFileError(f"{path}: users file not found; copy config/users.example.toml") from None
    except tomllib.TOMLDecodeError as err:
        raise UsersFileError(f"{path}: not valid TOML ({err})") from None
    users = data.get("users")
    if not isinstance(users, dict) or not users:
        raise UsersFileError(f"{path}: no [users.<login>] tables; see config/users.example.toml")
    out = {}
    for username, entry in users.items():
        where = f"{path}: [users.{username}]"
        if not isinstance(entry, dict):
            raise UsersFileError(f"{where} must be a table with name, role and password_hash")
        missing = [k for k in ("name", "role", "password_hash") if not isinstance(entry.get(k), str)]
        if missing:
            raise UsersFileError(f"{where}: missing or not a string: {', '.join(missing)}")
        try:
            role = Role(entry["role"])
        except ValueError:
            roles = ", ".join(r.value for r in Role)
            raise UsersFileError(f"{where}: role {entry['role']!r} unknown; use one of {roles}") from None
        if not entry["password_hash"].startswith("$argon2"):
            raise UsersFileError(
                f"{where}: password_hash is not an argon2 hash; make one with "
                "`python -m dashboard.auth hash-password` (never store a plain password)"
            )
        agency = entry.get("agency")
        if agency is not None and not (isinstance(agency, str) and AGENCY_ID.fullmatch(agency)):
            raise UsersFileError(
                f"{where}: agency {agency!r} is not an agency id; use the id of its [agencies.<id>] table "
                'in config/agencies.toml (lower case, e.g. "customs"), or leave agency out'
            )
        out[username] = User(username, entry["name"], role, entry["password_hash"], agency)
    return out


def hash_password(password: str) -> str:
    return PasswordHasher().hash(password)


def check_password(users: Mapping[str, User], username: str, password: str) -> User | None:
    """The user if ``password`` is theirs, else None (unknown user and wrong password alike)."""
    user = users.get(username)
    if user is None:
        return None
    try:
        PasswordHasher().verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    return user


def current_user(users: Mapping[str, User]) -> User | None:
    """The session's user, or None; a user removed from the file loses access at once."""
    if not flask.has_request_context():
        return None
    username = flask.session.get(SESSION_USER)
    return users.get(username) if isinstance(username, str) else None


_LOGIN_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>seawatch: log in</title><link rel="icon" href="data:,">
<style>
body {{ font-family: sans-serif; background: #17324d; color: #222; }}
form {{ width: 320px; margin: 12vh auto; background: #fff; padding: 24px 28px; border-radius: 6px; }}
h1 {{ font-size: 20px; margin: 0 0 16px; }} label {{ display: block; margin: 10px 0 4px; }}
input {{ width: 100%; box-sizing: border-box; padding: 6px; font-size: 15px; }}
button {{ margin-top: 16px; padding: 8px 20px; font-size: 15px; }} .error {{ color: #c0392b; }}
</style></head><body>
<form method="post" action="{action}">
<h1>seawatch: common maritime picture</h1>
{error}
<label for="username">User</label><input id="username" name="username" autocomplete="username" autofocus>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password">
<input type="hidden" name="next" value="{next}">
<button id="login-button" type="submit">Log in</button>
</form></body></html>
"""


def _safe_next(target: str | None, prefix: str) -> str:
    """Only a path on this server: never redirect a logged-in officer to another site."""
    if not target:
        return prefix
    parsed = urlparse(target)
    return target if not parsed.scheme and not parsed.netloc and target.startswith("/") else prefix


def install_login(
    server: flask.Flask,
    users: Mapping[str, User],
    *,
    secret_key: bytes,
    audit: AuditLog,
    prefix: str = "/",
) -> None:
    """Add the login/logout routes and the guard in front of every other request.

    Logins, refused logins and logouts go to ``audit``; a login whose entry cannot be
    stored is refused (``dashboard.audit_trail``).
    """
    server.secret_key = secret_key
    server.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax")
    login_url = prefix.rstrip("/") + LOGIN_PATH

    def login_page(error: str = "") -> flask.Response:
        body = _LOGIN_PAGE.format(
            action=html.escape(login_url),
            error=f'<p class="error" id="login-error">{html.escape(error)}</p>' if error else "",
            next=html.escape(_safe_next(flask.request.values.get("next"), prefix)),
        )
        return flask.Response(body, mimetype="text/html")

    def login() -> flask.Response:
        if flask.request.method == "GET":
            return login_page()
        attempted = flask.request.form.get("username", "")
        user = check_password(users, attempted, flask.request.form.get("password", ""))
        if user is None:
            record_action(audit, Action.LOGIN_FAILED, None, details={"username": attempted[:64]})
            return login_page("Unknown user or wrong password.")  # a form page, not an HTTP auth challenge
        refused = record_action(audit, Action.LOGIN, user.username, details={"role": str(user.role)})
        if refused:
            return login_page(refused)
        flask.session.clear()
        flask.session[SESSION_USER] = user.username
        return flask.redirect(_safe_next(flask.request.form.get("next"), prefix))

    def logout() -> flask.Response:
        user = current_user(users)
        if user is not None:  # logging out is never refused: it only takes rights away
            record_action(audit, Action.LOGOUT, user.username)
        flask.session.clear()
        return flask.redirect(login_url)

    def guard() -> flask.Response | None:
        if flask.request.path == login_url or current_user(users) is not None:
            return None
        if flask.request.method == "GET" and flask.request.path in (prefix, prefix.rstrip("/") or "/"):
            return flask.redirect(f"{login_url}?next={flask.request.path}")
        return flask.Response('{"error": "login required"}', status=401, mimetype="application/json")

    server.add_url_rule(login_url, "seawatch_login", login, methods=["GET", "POST"])
    server.add_url_rule(prefix.rstrip("/") + LOGOUT_PATH, "seawatch_logout", logout)
    server.before_request(guard)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard.auth", description="dashboard users")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("hash-password", help="print an argon2 hash for a users file (reads the password)")
    check = commands.add_parser("check", help="check a users file")
    check.add_argument("path", type=Path)
    args = parser.parse_args()
    if args.command == "hash-password":
        print(hash_password(getpass.getpass("password: ")))
        return 0
    try:
        users = load_users(args.path)
    except UsersFileError as err:
        print(err)
        return 2
    for user in users.values():
        print(f"{user.username}: {user.name} ({user.role}{', ' + user.agency if user.agency else ''})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
