"""From a clean price series to the study's inputs: log returns, a chronological
train/test split, min-max scaling fitted on the training returns, and sliding windows.

The split is by date, never a random split of overlapping windows (the seed notebook's
leak): windows are cut from the training returns only.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from synthvol.errors import DataError


@dataclass(frozen=True)
class MinMaxScaler:
    """Affine map of ``[data_min, data_max]`` onto ``[feature_min, feature_max]``.

    Stored as four numbers in JSON, so :meth:`inverse_transform` is exact up to rounding.
    """

    data_min: float
    data_max: float
    feature_min: float = -1.0
    feature_max: float = 1.0

    @classmethod
    def fit(cls, values: np.ndarray, feature_min: float = -1.0,
            feature_max: float = 1.0) -> MinMaxScaler:
        """Fit on ``values`` (all of them, NaN ignored)."""
        lo, hi = float(np.nanmin(values)), float(np.nanmax(values))
        if not hi > lo:
            raise DataError("cannot scale a constant series (max equals min)")
        return cls(lo, hi, float(feature_min), float(feature_max))

    @property
    def scale(self) -> float:
        """Slope of the forward map."""
        return (self.feature_max - self.feature_min) / (self.data_max - self.data_min)

    def transform(self, values: np.ndarray) -> np.ndarray:
        """Map data units to the feature range."""
        return (np.asarray(values, dtype=np.float64) - self.data_min) * self.scale \
            + self.feature_min

    def inverse_transform(self, values: np.ndarray) -> np.ndarray:
        """Map the feature range back to data units."""
        return (np.asarray(values, dtype=np.float64) - self.feature_min) / self.scale \
            + self.data_min

    def to_dict(self) -> dict[str, float | str]:
        """JSON-ready parameters."""
        return {"kind": "minmax", **asdict(self)}

    @classmethod
    def from_dict(cls, data: dict[str, float | str]) -> MinMaxScaler:
        """Inverse of :meth:`to_dict`."""
        return cls(float(data["data_min"]), float(data["data_max"]),
                   float(data["feature_min"]), float(data["feature_max"]))


@dataclass(frozen=True)
class PreparedData:
    """Everything the preparation rule writes."""

    prices: pd.DataFrame      # date, price
    returns: pd.DataFrame     # date, price, return (first date dropped)
    train: pd.DataFrame       # date, price, return
    test: pd.DataFrame        # date, price, return
    windows: np.ndarray       # (n_windows, window_length) scaled training returns
    window_start: pd.Series   # date of each window's first return
    scaler: MinMaxScaler


def log_returns(prices: pd.DataFrame) -> pd.DataFrame:
    """Daily log returns ``log p_t − log p_{t−1}`` with the date and price of day t."""
    price = prices["price"].to_numpy(dtype=np.float64)
    return pd.DataFrame({"date": prices["date"].to_numpy()[1:], "price": price[1:],
                         "return": np.diff(np.log(price))})


def sliding_windows(values: np.ndarray, length: int, stride: int = 1) -> np.ndarray:
    """All windows ``values[i:i+length]`` for ``i = 0, stride, 2*stride, …`` (a copy)."""
    values = np.asarray(values, dtype=np.float64)
    if len(values) < length:
        raise DataError(f"{len(values)} training returns, fewer than one window of {length}")
    view = np.lib.stride_tricks.sliding_window_view(values, length)[::stride]
    return np.ascontiguousarray(view)


def min_rows_needed(window_length: int, test_fraction: float) -> int:
    """Fewest prices for which the split leaves one window and a test set of ≥ 2 returns."""
    n = window_length + 3
    while True:
        n_returns = n - 1
        n_test = int(round(n_returns * test_fraction))
        if n_test >= 2 and n_returns - n_test >= window_length:
            return n
        n += 1


def prepare_series(prices: pd.DataFrame, test_fraction: float, window_length: int,
                   window_stride: int = 1, start: str | None = None,
                   end: str | None = None, feature_range: tuple[float, float] = (-1.0, 1.0)
                   ) -> PreparedData:
    """Returns, chronological split, scaler fitted on training returns, training windows."""
    if start is not None:
        prices = prices[prices["date"] >= pd.Timestamp(start)]
    if end is not None:
        prices = prices[prices["date"] <= pd.Timestamp(end)]
    prices = prices.reset_index(drop=True)
    need = min_rows_needed(window_length, test_fraction)
    if len(prices) < need:
        raise DataError(f"{len(prices)} prices in the selected period, the study needs at least "
                        f"{need} (data.window_length={window_length}, "
                        f"data.test_fraction={test_fraction})")
    returns = log_returns(prices)
    n_test = int(round(len(returns) * test_fraction))
    train = returns.iloc[: len(returns) - n_test].reset_index(drop=True)
    test = returns.iloc[len(returns) - n_test:].reset_index(drop=True)
    scaler = MinMaxScaler.fit(train["return"].to_numpy(), *feature_range)
    windows = scaler.transform(sliding_windows(train["return"].to_numpy(), window_length,
                                               window_stride))
    starts = train["date"].iloc[::window_stride].iloc[: len(windows)].reset_index(drop=True)
    return PreparedData(prices, returns, train, test, windows, starts, scaler)


def windows_frame(windows: np.ndarray, starts: pd.Series) -> pd.DataFrame:
    """Wide table: ``start`` date, then one column ``x00``… per step."""
    width = len(str(windows.shape[1] - 1))
    cols = {f"x{i:0{width}d}": windows[:, i] for i in range(windows.shape[1])}
    return pd.DataFrame({"start": starts.to_numpy(), **cols})


def load_windows(path: str | os.PathLike[str]) -> np.ndarray:
    """The ``(n_windows, window_length)`` array of scaled training returns."""
    frame = pd.read_parquet(path)
    return frame.drop(columns=["start"]).to_numpy(dtype=np.float64)


def read_split(path: str | os.PathLike[str]) -> pd.DataFrame:
    """A ``train``/``test``/``returns`` parquet file (date, price, return)."""
    return pd.read_parquet(path)
