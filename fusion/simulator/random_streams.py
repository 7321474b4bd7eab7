"""Named, independent random streams derived from one scenario seed.

Every consumer of randomness (one vessel's motion, one radar's noise, the AIS link, ...)
draws from its own generator keyed by a stable name, so adding a vessel kind or drawing one
more number in one module does not reshuffle every other stream. Names are hashed with
CRC-32, which, unlike ``hash()``, does not change between interpreter runs.
"""

from __future__ import annotations

import zlib

import numpy as np


def stream(seed: int, *names: str | int) -> np.random.Generator:
    """Generator for the stream ``names`` of scenario ``seed``.

    Parameters
    ----------
    seed
        The scenario seed (the ``--seed`` of ``seawatch simulate``).
    names
        Path of the stream, e.g. ``("motion", "V007")``; equal paths give equal streams.
    """
    key = tuple(zlib.crc32(str(name).encode()) for name in names)
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=key))
