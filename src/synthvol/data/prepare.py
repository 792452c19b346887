"""From a clean price series to the study's inputs: log returns, a chronological
train/test split, a time-block hold-out inside the training split, min-max scaling fitted
on the training blocks, and sliding windows.

The split is by date, never a random split of overlapping windows (the seed notebook's
leak): windows are cut from the training returns only. The block hold-out
(:func:`holdout_mask`) cuts the training split into blocks of ``block_length`` returns and
holds a share of them out, chosen from the seed; a window is kept only when it lies wholly
in training blocks (the generators' training windows) or wholly in held-out blocks (the
held-out real windows that memorisation checks compare against), never across the two.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from synthvol.errors import ConfigError, DataError
from synthvol.seeds import rng


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
    windows: np.ndarray       # (n_windows, window_length) scaled training-block returns
    window_start: pd.Series   # date of each window's first return
    scaler: MinMaxScaler
    heldout_windows: np.ndarray   # (n_heldout, window_length) scaled held-out-block returns
    heldout_start: pd.Series
    heldout: np.ndarray       # bool per training return: in a held-out block


@dataclass(frozen=True)
class BlockHoldout:
    """Cut a series into blocks of ``block_length`` rows and hold out ``share`` of them."""

    block_length: int
    share: float

    def __post_init__(self) -> None:
        if self.block_length < 2:
            raise DataError(f"data.holdout.block_length must be at least 2, "
                            f"got {self.block_length}")
        if not 0 < self.share < 1:
            raise DataError(f"data.holdout.share must be in (0, 1), got {self.share}")


def holdout_mask(n_rows: int, holdout: BlockHoldout, seed: int, *keys: object) -> np.ndarray:
    """Bool per row: True in a held-out block.

    ``ceil(n_rows / block_length)`` consecutive blocks (the last may be shorter);
    ``round(share · n_blocks)`` of them, at least one and never all, drawn without
    replacement from the stream ``rng(seed, "holdout", *keys)``.
    """
    n_blocks = -(-n_rows // holdout.block_length)
    if n_blocks < 2:
        raise DataError(f"{n_rows} rows make {n_blocks} block of "
                        f"data.holdout.block_length={holdout.block_length}; the hold-out "
                        "needs at least 2")
    n_held = min(n_blocks - 1, max(1, round(holdout.share * n_blocks)))
    held_blocks = rng(seed, "holdout", *keys).choice(n_blocks, n_held, replace=False)
    block_of_row = np.arange(n_rows) // holdout.block_length
    return np.isin(block_of_row, held_blocks)


def side_window_starts(held: np.ndarray, length: int, stride: int = 1
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Start rows of the windows of ``length`` wholly outside and wholly inside held-out rows.

    Candidate starts are ``0, stride, 2·stride, …``; a window that straddles a boundary
    between a training and a held-out block belongs to neither side and is dropped.
    """
    held = np.asarray(held, dtype=bool)
    if len(held) < length:
        raise DataError(f"{len(held)} rows hold no window of {length}")
    in_held = np.lib.stride_tricks.sliding_window_view(held, length)[::stride]
    starts = np.arange(0, len(held) - length + 1, stride)
    return starts[~in_held.any(axis=1)], starts[in_held.all(axis=1)]


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


def series_options(data: Mapping[str, Any]) -> dict[str, Any]:
    """The keywords of :func:`prepare_series` that params.yaml's ``data`` section sets
    besides the split, the window length and the hold-out."""
    return {"window_stride": int(data["window_stride"]), "start": data["start"],
            "end": data["end"], "feature_range": tuple(data["feature_range"])}


def prepare_series(prices: pd.DataFrame, test_fraction: float, window_length: int, *,
                   window_stride: int, start: str | None, end: str | None,
                   feature_range: tuple[float, float], holdout: BlockHoldout | None,
                   seed: int | None) -> PreparedData:
    """Returns, chronological split, block hold-out in the training split, scaler fitted on
    the training blocks, training-block and held-out-block windows.

    ``start``/``end`` None keep the whole series. ``holdout=None`` holds nothing out: every
    window is a training window and the held-out array is empty; a hold-out draws its blocks
    from ``seed``.
    """
    if holdout is not None and seed is None:
        raise ConfigError("prepare_series: a block hold-out needs the study's seed")
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
    if holdout is not None and holdout.block_length < window_length:
        raise DataError(f"data.holdout.block_length={holdout.block_length} is shorter than "
                        f"data.window_length={window_length}: no held-out window fits a block")
    returns = log_returns(prices)
    n_test = int(round(len(returns) * test_fraction))
    train = returns.iloc[: len(returns) - n_test].reset_index(drop=True)
    test = returns.iloc[len(returns) - n_test:].reset_index(drop=True)
    values = train["return"].to_numpy()
    held = (np.zeros(len(values), dtype=bool) if holdout is None
            else holdout_mask(len(values), holdout, seed, "data"))
    scaler = MinMaxScaler.fit(values[~held], *feature_range)
    train_starts, held_starts = side_window_starts(held, window_length, window_stride)
    if not len(train_starts) or (holdout is not None and not len(held_starts)):
        raise DataError(f"the block hold-out leaves {len(train_starts)} training and "
                        f"{len(held_starts)} held-out windows of {window_length}: change "
                        "data.holdout.block_length or data.holdout.share")
    all_windows = scaler.transform(sliding_windows(values, window_length))
    dates = train["date"]
    return PreparedData(prices, returns, train, test, all_windows[train_starts],
                        dates.iloc[train_starts].reset_index(drop=True), scaler,
                        all_windows[held_starts],
                        dates.iloc[held_starts].reset_index(drop=True), held)


def windows_frame(windows: np.ndarray, starts: pd.Series) -> pd.DataFrame:
    """Wide table: ``start`` date, then one column ``x00``… per step."""
    width = len(str(windows.shape[1] - 1))
    cols = {f"x{i:0{width}d}": windows[:, i] for i in range(windows.shape[1])}
    return pd.DataFrame({"start": starts.to_numpy(), **cols})


def load_windows(path: str | os.PathLike[str]) -> np.ndarray:
    """The ``(n_windows, window_length)`` array of a windows file (training or held-out)."""
    frame = pd.read_parquet(path)
    return frame.drop(columns=["start"]).to_numpy(dtype=np.float64)


def read_split(path: str | os.PathLike[str]) -> pd.DataFrame:
    """A ``train``/``test``/``returns`` parquet file (date, price, return)."""
    return pd.read_parquet(path)
