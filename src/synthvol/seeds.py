"""Reproducible random streams derived from the one study seed in params.yaml.

Every random draw in the study comes from :func:`rng` (numpy) or :func:`derive_seed`
(an integer for torch, numba or scipy), keyed by the global seed and a stable tuple of
names, so each rule gets its own independent, reproducible stream.
"""

from __future__ import annotations

import zlib

import numpy as np


def _key_to_int(key: object) -> int:
    if isinstance(key, (int, np.integer)):
        return int(key)
    return zlib.crc32(str(key).encode("utf-8"))


def seed_sequence(seed: int, *keys: object) -> np.random.SeedSequence:
    """A SeedSequence for the global ``seed`` and a stable tuple of stream names."""
    return np.random.SeedSequence([int(seed), *(_key_to_int(k) for k in keys)])


def rng(seed: int, *keys: object) -> np.random.Generator:
    """A numpy Generator for the stream ``keys`` of the global ``seed``."""
    return np.random.default_rng(seed_sequence(seed, *keys))


def derive_seed(seed: int, *keys: object) -> int:
    """A 31-bit integer seed for libraries that take one (torch, numba)."""
    return int(seed_sequence(seed, *keys).generate_state(1, dtype=np.uint32)[0] >> 1)
