"""Leak-free splits: no test window shares a value with a training window of the same model,
and a random split of overlapping windows leaks where the block split does not."""

from __future__ import annotations

import numpy as np
import pytest

from synthvol.errors import DataError
from synthvol.evaluation.splits import block_folds, embargoed_train, fold_masks, time_groups
from synthvol.evaluation.twosample import (
    Windows,
    auc_with_bootstrap,
    out_of_fold_scores,
)

LENGTH = 20


def covered(keys: np.ndarray, starts: np.ndarray, mask: np.ndarray) -> set[tuple[int, int]]:
    """(key, value index) of every value inside the windows selected by ``mask``."""
    return {(int(k), int(s) + j) for k, s in zip(keys[mask], starts[mask]) for j in range(LENGTH)}


def test_block_split_shares_no_value_between_train_and_test():
    # Two classes cut from one series (real_train against held-out: one time axis, key 0),
    # windows from two long synthetic paths (keys 1, 2) and independent windows (keys 3..).
    held = np.r_[np.arange(100, 200), np.arange(500, 560)]
    train = np.setdiff1d(np.arange(0, 700), np.arange(100 - LENGTH + 1, 200 + LENGTH))
    long_paths = Windows.cut(np.zeros((2, 300)), LENGTH)
    keys = np.r_[np.zeros(len(held) + len(train), int), 1 + long_paths.path,
                 3 + np.arange(50)]
    starts = np.r_[held, train, long_paths.start, np.zeros(50, int)]
    masks = fold_masks(keys, starts, 4, LENGTH, seed=1)
    seen_test = np.zeros(len(keys), bool)
    for train_mask, test_mask in masks:
        assert test_mask.any() and train_mask.any()
        assert not covered(keys, starts, train_mask) & covered(keys, starts, test_mask)
        seen_test |= test_mask
    assert seen_test.all()                     # every window is tested once


def test_embargo_drops_exactly_the_overlapping_neighbours():
    keys, starts = np.zeros(30, int), np.arange(30)
    test = (starts >= 10) & (starts < 15)
    train = embargoed_train(keys, starts, test, embargo=4)
    assert np.flatnonzero(train).tolist() == [*range(0, 7), *range(18, 30)]
    # another key at the same times is untouched
    keys2 = np.r_[keys, np.ones(30, int)]
    train2 = embargoed_train(keys2, np.r_[starts, starts], np.r_[test, np.zeros(30, bool)], 4)
    assert train2[30:].all()


def test_block_folds_are_contiguous_time_segments():
    keys, starts = np.zeros(100, int), np.arange(100)
    folds = block_folds(keys, starts, 4, seed=3)
    assert sorted(np.unique(folds)) == [0, 1, 2, 3]
    assert np.count_nonzero(np.diff(folds)) == 3          # four runs of consecutive starts


def test_time_groups_and_bad_input():
    groups = time_groups(np.array([0, 0, 0, 1]), np.array([0, 59, 60, 0]), 60)
    assert groups[0] == groups[1] != groups[2] and groups[3] not in groups[:3]
    with pytest.raises(DataError, match="one value per window"):
        block_folds(np.zeros(3), np.zeros(2), 2, seed=0)
    with pytest.raises(DataError, match="at least 2 folds"):
        block_folds(np.zeros(3), np.zeros(3), 1, seed=0)


def test_random_split_of_overlapping_windows_leaks_block_split_does_not():
    # Both classes: windows cut from a series of the same process, iid noise with one
    # distinctive block (a burst of volatility at a random place). Identical distributions:
    # a random split lets the classifier recognise each test window's overlapping
    # neighbours (and its class's one burst) from training; the block split must not win
    # (it can fall below 0.5: the one burst seen in training belongs to the other class).
    draws = np.random.default_rng(11)

    def series() -> np.ndarray:
        x = draws.standard_normal(700)
        at = draws.integers(0, 500)
        x[at:at + 200] *= 3.0
        return x

    ref, cand = Windows.cut(series()[None], LENGTH), Windows.cut(series()[None], LENGTH)
    values = np.concatenate([ref.values, cand.values])
    labels = np.r_[np.zeros(len(ref.values)), np.ones(len(cand.values))]
    keys = np.r_[ref.path, cand.path + 1]
    starts = np.r_[ref.start, cand.start]
    groups = time_groups(keys * 2 + labels.astype(int), starts, LENGTH)

    def auc(folds: list[tuple[np.ndarray, np.ndarray]]) -> float:
        scores = out_of_fold_scores(values, labels, folds, 504, tails=True, seed=5)
        fold_of = np.zeros(len(labels), int)
        for k, (_, test) in enumerate(folds):
            fold_of[test] = k
        return float(np.max(auc_with_bootstrap(scores, labels, fold_of, groups, 2, 0)[0]))

    random_fold = draws.integers(0, 4, len(labels))
    leaky = auc([(random_fold != k, random_fold == k) for k in range(4)])
    fair = auc(fold_masks(keys, starts, 4, LENGTH, seed=5))
    assert leaky > 0.75
    assert fair < 0.6
