"""Leak-free cross-fitting splits of windows cut from paths: time blocks with an embargo.

A window is identified by its *series key* (which path of which series it was cut from) and
the index of its first value in that path. Stride-1 windows of one path overlap, so a random
split puts nearly every test window beside a training window that shares all but one of its
values (the leak of the published TimeGAN protocol). Here:

* **folds** (:func:`block_folds`): the windows of each key, in time order, are cut into
  ``n_folds`` contiguous time segments, each segment going to a different fold (a random
  rotation per key); a key with one window (an independent sample) lands in a random fold;
* **embargo** (:func:`embargoed_train`): a training window is dropped when a test window of
  the same key starts fewer than ``embargo`` values away; with ``embargo >= L`` no training
  window shares a value with a test window of the same model;
* **bootstrap groups** (:func:`time_groups`): windows of a key grouped by time blocks of
  ``block`` starts, the units a block bootstrap resamples.
"""

from __future__ import annotations

import numpy as np

from synthvol.errors import DataError
from synthvol.seeds import rng


def _check(keys: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    keys, starts = np.asarray(keys, dtype=np.int64), np.asarray(starts, dtype=np.int64)
    if keys.shape != starts.shape or keys.ndim != 1:
        raise DataError(f"series keys {keys.shape} and window starts {starts.shape} must be "
                        "one value per window")
    if len(starts) and starts.min() < 0:
        raise DataError("window starts must be >= 0")
    return keys, starts


def block_folds(keys: np.ndarray, starts: np.ndarray, n_folds: int, seed: int,
                *stream: object) -> np.ndarray:
    """Fold (0..n_folds−1) of each window: contiguous time segments per key, rotated at random."""
    keys, starts = _check(keys, starts)
    if n_folds < 2:
        raise DataError(f"cross-fitting needs at least 2 folds, got {n_folds}")
    order = np.lexsort((starts, keys))
    sorted_keys = keys[order]
    first = np.r_[0, np.flatnonzero(np.diff(sorted_keys)) + 1]
    sizes = np.diff(np.r_[first, len(keys)])
    rank = np.arange(len(keys)) - np.repeat(first, sizes)
    segment = rank * n_folds // np.repeat(sizes, sizes)
    rotation = rng(seed, "folds", *stream).integers(0, n_folds, len(first))
    folds = np.empty(len(keys), dtype=np.int64)
    folds[order] = (segment + np.repeat(rotation, sizes)) % n_folds
    return folds


def embargoed_train(keys: np.ndarray, starts: np.ndarray, test: np.ndarray,
                    embargo: int) -> np.ndarray:
    """Training mask: windows outside ``test`` whose start is at least ``embargo`` values from
    the start of every test window of the same key."""
    keys, starts = _check(keys, starts)
    test = np.asarray(test, dtype=bool)
    span = int(starts.max(initial=0)) + 2 * embargo + 1
    codes = keys * span + starts          # keys far enough apart never meet
    test_codes = np.sort(codes[test])
    train = ~test
    if not len(test_codes):
        return train
    pos = np.searchsorted(test_codes, codes)
    after = test_codes[np.minimum(pos, len(test_codes) - 1)]
    before = test_codes[np.maximum(pos - 1, 0)]
    nearest = np.minimum(np.abs(after - codes), np.abs(codes - before))
    return train & (nearest >= embargo)


def fold_masks(keys: np.ndarray, starts: np.ndarray, n_folds: int, embargo: int, seed: int,
               *stream: object) -> list[tuple[np.ndarray, np.ndarray]]:
    """(train, test) masks of each fold: block folds, training windows embargoed."""
    folds = block_folds(keys, starts, n_folds, seed, *stream)
    return [(embargoed_train(keys, starts, folds == k, embargo), folds == k)
            for k in range(n_folds)]


def time_groups(keys: np.ndarray, starts: np.ndarray, block: int) -> np.ndarray:
    """Group id 0..G−1 of each window: same key and same block of ``block`` starts."""
    keys, starts = _check(keys, starts)
    if block < 1:
        raise DataError(f"bootstrap block must be at least 1 start, got {block}")
    _, groups = np.unique(np.stack([keys, starts // block]), axis=1, return_inverse=True)
    return groups.ravel()
