"""Candidate generation for near matching: MinHash signatures cut into LSH bands, stored as rows and looked up by key.

Each claim's masked text (claims.masking) is reduced to its set of words (a
trailing "s" dropped, so "agreement" / "agreements" are one word). For
BANDS x ROWS seeded hash functions, the smallest hash over the words is a
MinHash: two texts agree on one with probability equal to the Jaccard
similarity of their word sets. Each band of ROWS MinHashes is hashed into one
64-bit key and stored as a ClaimBand row (key, claim). Two claims become
candidates when they share at least one key, with probability
1 - (1 - J**ROWS) ** BANDS:

    Jaccard of the word sets   0.2      0.5     0.7     0.8     0.9
    candidate                  0.03     0.73    0.996   1.0     1.0

A near match (rapidfuzz ratio >= matching.THRESHOLD on the masked texts)
keeps almost every word: over the labelled pairs (claims.match_pairs) and
762 random word edits of the seed's sentences that stay at or above the
threshold, the lowest word Jaccard is 0.70, the 1st percentile 0.75.
Unrelated sentences written from the same vocabulary share 2-5 % of their
words and are almost never candidates (about 35 per claim against a million
of them), so the cost of a lookup follows the number of near texts, not the
size of the table. rapidfuzz then decides, as before.

Pure Python (hashlib's blake2b, seeded per position): the same keys on every
database and machine, so SQLite and PostgreSQL find the same candidates.
"""

from __future__ import annotations

import re
import sys
from array import array
from functools import lru_cache
from hashlib import blake2b

BANDS = 20
ROWS = 4
_HASHES = BANDS * ROWS
_WORD = re.compile(r"[\w‹›']+")


def words(masked: str) -> frozenset[str]:
    """The words of a masked text, a trailing "s" dropped from words longer than three letters."""
    return frozenset(w[:-1] if len(w) > 3 and w.endswith("s") else w for w in _WORD.findall(masked))


@lru_cache(maxsize=200_000)
def _hashes(word: str) -> array:
    """BANDS x ROWS independent 32-bit hashes of one word (one blake2b call: its 320-byte digest is cut up)."""
    values = array("I")
    digest = b"".join(
        blake2b(word.encode("utf-8"), digest_size=64, person=b"claimband%d" % part).digest() for part in range(5)
    )
    values.frombytes(digest[: 4 * _HASHES])
    if sys.byteorder == "big":  # pragma: no cover - the same values on every machine
        values.byteswap()
    return values


@lru_cache(maxsize=4096)
def band_keys(masked: str) -> tuple[int, ...]:
    """The BANDS keys (signed 64-bit) of a masked text; none for a text without words (cached: matching a
    page asks for each text's keys twice, to look them up and to store them)."""
    found = words(masked)
    if not found:
        return ()
    minima = array("I", map(min, zip(*(_hashes(w) for w in found))))
    if sys.byteorder == "big":  # pragma: no cover
        minima.byteswap()
    raw = minima.tobytes()
    width = 4 * ROWS
    return tuple(
        int.from_bytes(
            blake2b(raw[band * width : (band + 1) * width], digest_size=8, person=b"band%d" % band).digest(),
            "little",
            signed=True,
        )
        for band in range(BANDS)
    )
