"""Open a ``Bus`` from a URL: the one place that knows which transports exist.

``memory``
    The embedded ``MemoryBroker`` shared by every client of this process (one broker per
    process, so the stages of one ``seawatch`` command see each other's topics).
``kafka://HOST:PORT[,HOST:PORT...][?OPTION=VALUE&...]``
    A ``KafkaBus`` on that cluster. Connection options for real deployments (TLS, SASL)
    come from the query string or from ``SEAWATCH_KAFKA_<OPTION>`` environment variables
    (the query wins), so a password need not appear on a command line:

    ======================  ==================================================
    ``security_protocol``   ``PLAINTEXT`` (default), ``SSL``, ``SASL_PLAINTEXT``, ``SASL_SSL``
    ``sasl_mechanism``      ``PLAIN``, ``SCRAM-SHA-256``, ``SCRAM-SHA-512``
    ``sasl_username``       SASL user (or ``kafka://USER@HOST:PORT``)
    ``sasl_password``       SASL password (prefer the environment variable)
    ``ssl_cafile``          CA bundle (PEM) that signed the brokers' certificates
    ``ssl_certfile``        client certificate (PEM), for mutual TLS
    ``ssl_keyfile``         client private key (PEM)
    ``ssl_password``        password of the client key
    ``ssl_check_hostname``  ``true`` (default) or ``false``
    ``client_id``           name shown in broker logs and quotas
    ======================  ==================================================

kafka-python is imported only when a Kafka URL is opened, so ``make demo`` and the unit
tests never touch it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from fusion.bus import Bus, MemoryBroker, MemoryBus

ENV_PREFIX = "SEAWATCH_KAFKA_"
_OPTIONS: dict[str, str] = {  # our option name -> kafka-python client setting
    "security_protocol": "security_protocol",
    "sasl_mechanism": "sasl_mechanism",
    "sasl_username": "sasl_plain_username",
    "sasl_password": "sasl_plain_password",
    "ssl_cafile": "ssl_cafile",
    "ssl_certfile": "ssl_certfile",
    "ssl_keyfile": "ssl_keyfile",
    "ssl_password": "ssl_password",
    "ssl_check_hostname": "ssl_check_hostname",
    "client_id": "client_id",
}
_PROTOCOLS = {"PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"}
_MECHANISMS = {"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"}

_memory_broker: MemoryBroker | None = None


class BusUrlError(ValueError):
    """A ``--bus`` value that names no transport we can open; the message shows the forms."""


def memory_broker() -> MemoryBroker:
    """The process-wide embedded broker behind every ``memory`` bus."""
    global _memory_broker
    if _memory_broker is None:
        _memory_broker = MemoryBroker()
    return _memory_broker


def open_bus(url: str, group_id: str) -> Bus:
    """A client of the bus named by ``url`` consuming as ``group_id`` (see the module doc)."""
    if url == "memory":
        return MemoryBus(memory_broker(), group_id)
    servers, settings = parse_kafka_url(url, os.environ)
    from fusion.bus_kafka import KafkaBus  # kafka-python only when asked for

    return KafkaBus(servers, group_id, client_settings=settings)


def parse_kafka_url(url: str, environ: Mapping[str, str]) -> tuple[list[str], dict[str, Any]]:
    """Bootstrap servers and kafka-python client settings from a ``kafka://`` URL and the environment."""
    parts = urlsplit(url)
    if parts.scheme != "kafka" or not parts.netloc:
        raise BusUrlError(
            f"--bus {url!r}: expected 'memory' or kafka://HOST:PORT[,HOST:PORT][?security_protocol=SASL_SSL&...]"
        )
    userinfo, _, hosts = parts.netloc.rpartition("@")
    servers = [host.strip() for host in hosts.split(",") if host.strip()]
    for server in servers:
        host, _, port = server.rpartition(":")
        if not host or not port.isdigit():
            raise BusUrlError(f"--bus {url!r}: {server!r} is not HOST:PORT")
    options = {
        name: environ[ENV_PREFIX + name.upper()] for name in _OPTIONS if ENV_PREFIX + name.upper() in environ
    }
    if userinfo:
        user, _, password = userinfo.partition(":")
        options["sasl_username"] = unquote(user)
        if password:
            options["sasl_password"] = unquote(password)
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        if name not in _OPTIONS:
            raise BusUrlError(f"--bus: unknown option {name!r}; known: {', '.join(sorted(_OPTIONS))}")
        options[name] = value
    return servers, _client_settings(url, options)


def _client_settings(url: str, options: dict[str, str]) -> dict[str, Any]:
    protocol = options.get("security_protocol", "PLAINTEXT").upper()
    if protocol not in _PROTOCOLS:
        raise BusUrlError(f"--bus {url!r}: security_protocol must be one of {', '.join(sorted(_PROTOCOLS))}")
    mechanism = options.get("sasl_mechanism")
    if protocol.startswith("SASL"):
        if mechanism is None or mechanism.upper() not in _MECHANISMS:
            raise BusUrlError(
                f"--bus {url!r}: {protocol} needs sasl_mechanism, one of {', '.join(sorted(_MECHANISMS))}"
            )
        if "sasl_username" not in options or "sasl_password" not in options:
            raise BusUrlError(
                f"--bus {url!r}: {protocol} needs a user and password "
                f"(sasl_username, and {ENV_PREFIX}SASL_PASSWORD in the environment)"
            )
    settings: dict[str, Any] = {}
    for name, value in options.items():
        if name == "ssl_check_hostname":
            settings["ssl_check_hostname"] = value.lower() not in ("0", "false", "no")
        elif name == "security_protocol":
            settings[name] = protocol
        elif name == "sasl_mechanism":
            settings[name] = value.upper()
        else:
            settings[_OPTIONS[name]] = value
    return settings
