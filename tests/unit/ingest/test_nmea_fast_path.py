"""``parse_vdm`` reads most sentences with one regular expression and falls back to the
field-by-field reader for the rest; the two must agree on every sentence, good or bad.

Checked on every AIS sentence of the real recordings (../shared/data/real) and on sentences
mutated byte by byte, so that a shape the fast path lets through but the careful reader would
refuse (or reads differently) fails here.
"""

from __future__ import annotations

import random

import pytest

from ingest.nmea import NmeaError, VdmSentence, _parse_vdm_fields, is_vdm, parse_vdm
from tests.unit.ingest.real_sentences import real_vdm_sentences

GOOD = b"!AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069D,0*24"


def _outcome(read: object, sentence: bytes) -> VdmSentence | tuple[str, str]:
    try:
        return read(sentence)  # type: ignore[operator]
    except NmeaError as err:
        return ("error", err.reason.value)


def test_fast_path_agrees_on_every_real_sentence() -> None:
    sentences = [sentence for _, sentence in real_vdm_sentences()]
    assert len(sentences) > 10_000
    differing = [s for s in sentences if _outcome(parse_vdm, s) != _outcome(_parse_vdm_fields, s)]
    assert differing == []


@pytest.mark.parametrize("seed", range(4))
def test_fast_path_agrees_on_mutated_sentences(seed: int) -> None:
    rng = random.Random(seed)
    alphabet = b"!,*0123456789ABCDEFabcdef`w-VDMO \r"
    for _ in range(3_000):
        sentence = bytearray(GOOD + rng.choice([b"", b",r003669946,1325394060", b",junk"]))
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(sentence))
            sentence[at] = rng.choice(alphabet)
        mutated = bytes(sentence)
        if is_vdm(mutated):
            assert _outcome(parse_vdm, mutated) == _outcome(_parse_vdm_fields, mutated), mutated
