"""Returns, the chronological split, the scaler's exact inverse and the windows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthvol.config import study_defaults
from synthvol.data.prepare import MinMaxScaler, prepare_series, series_options, sliding_windows
from synthvol.errors import DataError

#: params.yaml's window stride, period and feature range.
SERIES = series_options(study_defaults("data"))


def _prices(n: int = 300) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    return pd.DataFrame({"date": pd.bdate_range("2015-01-01", periods=n),
                         "price": 50 * np.exp(np.cumsum(rng.normal(0, 0.02, n)))})


def test_split_is_chronological_and_windows_stay_in_train() -> None:
    prepared = prepare_series(_prices(), test_fraction=0.2, window_length=20, holdout=None,
                              seed=None, **SERIES)
    assert len(prepared.train) + len(prepared.test) == 299
    assert len(prepared.test) == round(299 * 0.2)
    assert prepared.train["date"].max() < prepared.test["date"].min()
    assert prepared.windows.shape == (len(prepared.train) - 20 + 1, 20)
    last = prepared.scaler.inverse_transform(prepared.windows[-1])
    np.testing.assert_allclose(last, prepared.train["return"].to_numpy()[-20:], atol=1e-15)


def test_log_returns_match_prices() -> None:
    prices = _prices()
    prepared = prepare_series(prices, 0.2, 20, holdout=None, seed=None, **SERIES)
    expected = np.log(prices["price"].to_numpy()[1:] / prices["price"].to_numpy()[:-1])
    np.testing.assert_allclose(prepared.returns["return"], expected, rtol=0, atol=1e-14)


def test_scaler_round_trip_is_exact() -> None:
    x = np.random.default_rng(0).normal(0, 0.01, 1000)
    scaler = MinMaxScaler.fit(x)
    restored = MinMaxScaler.from_dict(scaler.to_dict())
    scaled = restored.transform(x)
    assert scaled.min() == pytest.approx(-1.0) and scaled.max() == pytest.approx(1.0)
    np.testing.assert_allclose(restored.inverse_transform(scaled), x, rtol=1e-12, atol=1e-16)


def test_stride_and_too_short() -> None:
    windows = sliding_windows(np.arange(10.0), 4, stride=3)
    np.testing.assert_array_equal(windows[:, 0], [0, 3, 6])
    with pytest.raises(DataError, match="the study needs at least"):
        prepare_series(_prices(40), 0.2, 60, holdout=None, seed=None, **SERIES)


def test_constant_series_cannot_be_scaled() -> None:
    with pytest.raises(DataError, match="constant series"):
        MinMaxScaler.fit(np.ones(10))
