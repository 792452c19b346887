"""The time-block hold-out: deterministic from the seed, no window across a block boundary."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthvol.config import study_defaults
from synthvol.data.prepare import (
    BlockHoldout,
    holdout_mask,
    prepare_series,
    series_options,
    side_window_starts,
)
from synthvol.errors import ConfigError, DataError

#: params.yaml's window stride, period and feature range.
SERIES = series_options(study_defaults("data"))


def _prices(n: int = 1200) -> pd.DataFrame:
    rng = np.random.default_rng(5)
    return pd.DataFrame({"date": pd.bdate_range("2012-01-02", periods=n),
                         "price": 80 * np.exp(np.cumsum(rng.normal(0, 0.015, n)))})


def test_mask_is_whole_blocks_drawn_from_the_seed() -> None:
    holdout = BlockHoldout(block_length=50, share=0.3)
    mask = holdout_mask(1000, holdout, seed=11)
    blocks = mask.reshape(20, 50)
    assert (blocks.all(axis=1) | ~blocks.any(axis=1)).all()
    assert blocks.all(axis=1).sum() == 6
    np.testing.assert_array_equal(mask, holdout_mask(1000, holdout, seed=11))
    assert not np.array_equal(mask, holdout_mask(1000, holdout, seed=12))


def test_windows_never_straddle_a_boundary() -> None:
    held = np.zeros(300, dtype=bool)
    held[100:160] = True
    held[290:] = True
    train, heldout = side_window_starts(held, 20, stride=1)
    for starts, side in ((train, False), (heldout, True)):
        for s in starts:
            assert (held[s:s + 20] == side).all()
    # every window wholly on one side is kept: 0..80 and 160..270 train, 100..140 held out
    assert len(train) == 81 + 111 and len(heldout) == 41
    assert set(range(81, 100)).isdisjoint(train) and set(range(81, 100)).isdisjoint(heldout)


def test_prepared_windows_come_from_their_own_blocks() -> None:
    prepared = prepare_series(_prices(), 0.2, 30, holdout=BlockHoldout(100, 0.25), seed=3,
                              **SERIES)
    returns = prepared.train["return"].to_numpy()
    held = prepared.heldout
    raw = prepared.scaler.inverse_transform(prepared.windows)
    raw_held = prepared.scaler.inverse_transform(prepared.heldout_windows)
    index = {d: i for i, d in enumerate(prepared.train["date"])}
    for windows, starts, side in ((raw, prepared.window_start, False),
                                  (raw_held, prepared.heldout_start, True)):
        assert len(windows) == len(starts) > 0
        for row, date in zip(windows, starts):
            i = index[date]
            np.testing.assert_allclose(row, returns[i:i + 30], atol=1e-14)
            assert (held[i:i + 30] == side).all()
    # the scaler sees the training blocks only
    assert prepared.scaler.data_max == returns[~held].max()


def test_no_holdout_keeps_every_window() -> None:
    prepared = prepare_series(_prices(300), 0.2, 20, holdout=None, seed=None, **SERIES)
    assert prepared.windows.shape[0] == len(prepared.train) - 19
    assert prepared.heldout_windows.shape == (0, 20)


def test_bad_holdout_parameters_are_named() -> None:
    with pytest.raises(DataError, match="block_length"):
        prepare_series(_prices(), 0.2, 60, holdout=BlockHoldout(40, 0.2), seed=1, **SERIES)
    with pytest.raises(ConfigError, match="needs the study's seed"):
        prepare_series(_prices(), 0.2, 20, holdout=BlockHoldout(100, 0.2), seed=None, **SERIES)
    with pytest.raises(DataError, match="share"):
        BlockHoldout(100, 1.0)
    with pytest.raises(DataError, match="at least 2"):
        holdout_mask(90, BlockHoldout(100, 0.2), seed=1)
