"""A real PostgreSQL server for the PostgreSQL leg of the vessel history.

``make test`` starts one with ``scripts/postgres start`` and exports its URL as
``SEAWATCH_POSTGRES_URL``. Outside ``make test`` these tests skip, saying how to run them;
under CI (``CI=true``) or ``SEAWATCH_REQUIRE_POSTGRES=1`` a missing server fails them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

URL_ENV = "SEAWATCH_POSTGRES_URL"


def _required() -> bool:
    return (
        os.environ.get("CI", "").lower() in ("1", "true")
        or os.environ.get("SEAWATCH_REQUIRE_POSTGRES") == "1"
    )


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A new, empty database on the test server, dropped afterwards."""
    import psycopg

    server = os.environ.get(URL_ENV)
    if not server:
        problem = f"{URL_ENV} is not set: run `make test`, or `export {URL_ENV}=$(scripts/postgres start)`"
        if _required():
            pytest.fail(f"PostgreSQL is required here (CI / SEAWATCH_REQUIRE_POSTGRES=1): {problem}")
        pytest.skip(problem)
    name = f"history_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    base = server.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
