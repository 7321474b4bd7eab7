"""Hand CISE messages to a partner: a directory or an HTTP endpoint, with retry and back-off.

A sink either delivers a message, raises :class:`RetryableDeliveryError` (the partner is
away, overloaded, the disk is full: try again later) or :class:`RejectedDeliveryError` (the
partner refused this message for good: retrying cannot help, keep it for an operator).
:func:`deliver_with_retry` retries the first kind with exponential back-off until it
succeeds or the service is asked to stop; the caller commits its input offsets only after
delivery, so nothing accepted is lost and a redelivery carries the same ``MessageID``.

The wall clock is used here only to wait between attempts, never in what a message says.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time as wall_clock
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from fusion.cise.messages import CiseMessage

log = logging.getLogger(__name__)


class RetryableDeliveryError(Exception):
    """The message could not be delivered now; the same message may succeed later."""


class RejectedDeliveryError(Exception):
    """The partner refused the message; sending it again would be refused again."""


class DeliveryStopped(Exception):
    """The service was asked to stop while a message was still undelivered."""


class Sink(Protocol):
    """Where CISE messages go. ``deliver`` is idempotent per ``message_id``."""

    def deliver(self, message: CiseMessage) -> None: ...

    def describe(self) -> str: ...


class DirectorySink:
    """Writes ``<MessageID>.xml`` files into one folder, atomically (temp file, fsync, rename).

    A redelivered message replaces its own file, so a partner's pick-up job never sees a
    half-written file or a duplicate.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    def describe(self) -> str:
        return str(self.directory)

    def deliver(self, message: CiseMessage) -> None:
        target = self.directory / f"{message.message_id}.xml"
        try:
            write_atomically(target, message.xml)
        except OSError as error:
            raise RetryableDeliveryError(f"cannot write {target}: {error}") from error


def write_atomically(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` so that a reader sees either nothing or all of it."""
    handle, temp = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


RETRYABLE_STATUS = frozenset({408, 425, 429})
"""4xx answers that mean "not now" rather than "never": timeout, too early, too many requests."""


class HttpSink:
    """POSTs each message (``application/xml``) to a CISE node's or adaptor's REST endpoint.

    2xx is delivered; 5xx, 408/425/429, timeouts and connection failures are retried; any
    other answer is a rejection. The ``X-CISE-Message-ID`` header repeats the MessageID so a
    receiver can de-duplicate without parsing the body.
    """

    def __init__(self, url: str, *, timeout_s: float = 10.0) -> None:
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"--url {url!r}: expected an http:// or https:// endpoint")
        self.url = url
        self.timeout_s = timeout_s

    def describe(self) -> str:
        return self.url

    def deliver(self, message: CiseMessage) -> None:
        request = urllib.request.Request(
            self.url,
            data=message.xml,
            method="POST",
            headers={
                "Content-Type": "application/xml; charset=utf-8",
                "X-CISE-Message-ID": message.message_id,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                response.read()
        except urllib.error.HTTPError as error:
            detail = f"{self.url} answered HTTP {error.code} {error.reason}"
            if error.code >= 500 or error.code in RETRYABLE_STATUS:
                raise RetryableDeliveryError(detail) from error
            raise RejectedDeliveryError(detail) from error
        except (urllib.error.URLError, OSError) as error:  # refused, reset, DNS, timeout
            raise RetryableDeliveryError(f"{self.url}: {error}") from error


@dataclass(frozen=True, slots=True)
class Backoff:
    """Waits between attempts: ``initial_s``, doubling up to ``max_s`` (wall seconds)."""

    initial_s: float = 0.5
    max_s: float = 30.0
    factor: float = 2.0

    def delays(self) -> Iterator[float]:
        delay = self.initial_s
        while True:
            yield delay
            delay = min(self.max_s, delay * self.factor)


def deliver_with_retry(
    sink: Sink,
    message: CiseMessage,
    backoff: Backoff,
    *,
    should_stop: Callable[[], bool] = lambda: False,
    sleep: Callable[[float], None] = wall_clock.sleep,
    on_retry: Callable[[RetryableDeliveryError], None] | None = None,
) -> None:
    """Deliver ``message``, retrying retryable failures until it succeeds.

    Raises
    ------
    RejectedDeliveryError
        The partner refused it (not retried).
    DeliveryStopped
        ``should_stop()`` turned true while waiting to retry: the message is still undelivered.
    """
    delays = backoff.delays()
    while True:
        try:
            sink.deliver(message)
            return
        except RetryableDeliveryError as error:
            if on_retry is not None:
                on_retry(error)
            delay = next(delays)
            log.warning(
                "CISE message %s not delivered (%s); retrying in %.1f s", message.message_id, error, delay
            )
            _wait(delay, should_stop, sleep)


def _wait(delay_s: float, should_stop: Callable[[], bool], sleep: Callable[[float], None]) -> None:
    """Sleep ``delay_s`` in short steps, so a stop request is honoured within 0.2 s."""
    remaining = delay_s
    while remaining > 0:
        if should_stop():
            raise DeliveryStopped
        step = min(0.2, remaining)
        sleep(step)
        remaining -= step
    if should_stop():
        raise DeliveryStopped


class RejectedStore:
    """Keeps messages a partner refused: ``<MessageID>.xml`` plus ``<MessageID>.reason.txt``.

    An operator fixes the cause and re-sends them; the service goes on with the next message
    instead of stalling the whole share on one refusal.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def keep(self, message: CiseMessage, reason: str) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        target = self.directory / f"{message.message_id}.xml"
        write_atomically(target, message.xml)
        write_atomically(self.directory / f"{message.message_id}.reason.txt", (reason + "\n").encode())
        return target
