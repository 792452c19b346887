"""The one sample format every baseline and generator writes.

A sample file is a parquet table with one row per (sample path, time step):

========  =======  ==============================================================
column    dtype    meaning
========  =======  ==============================================================
sample    int32    index of the synthetic path, 0..N-1
t         int32    step, 1..T (step t is the return from t-1 to t)
return    float64  log return in the units of the real series (not scaled)
price     float64  price rebuilt as ``start_price * exp(cumsum(return))``
========  =======  ==============================================================

``start_price`` is the last real price before the synthetic period: the last price of the
training split. :func:`samples_frame` builds the table; :func:`read_samples` returns the
returns as an ``(N, T)`` array and validates the layout.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from synthvol.errors import DataError

SAMPLE_COLUMNS = ("sample", "t", "return", "price")


def samples_frame(returns: np.ndarray, start_price: float) -> pd.DataFrame:
    """Long-format sample table from an ``(N, T)`` array of log returns."""
    returns = np.atleast_2d(np.asarray(returns, dtype=np.float64))
    if not np.all(np.isfinite(returns)):
        raise ValueError("synthetic returns contain NaN or infinite values")
    if not start_price > 0:
        raise ValueError(f"start_price must be positive, got {start_price}")
    n_paths, n_steps = returns.shape
    prices = start_price * np.exp(np.cumsum(returns, axis=1))
    return pd.DataFrame({
        "sample": np.repeat(np.arange(n_paths, dtype=np.int32), n_steps),
        "t": np.tile(np.arange(1, n_steps + 1, dtype=np.int32), n_paths),
        "return": returns.ravel(),
        "price": prices.ravel(),
    })


def samples_array(frame: pd.DataFrame, column: str = "return") -> np.ndarray:
    """The ``(N, T)`` array of ``column`` from a sample table."""
    missing = [c for c in SAMPLE_COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(f"sample table lacks column(s) {', '.join(missing)}")
    frame = frame.sort_values(["sample", "t"])
    n_paths = frame["sample"].nunique()
    return frame[column].to_numpy(dtype=np.float64).reshape(n_paths, -1)


def read_samples(path: str | os.PathLike[str], column: str = "return") -> np.ndarray:
    """Read a sample parquet file as an ``(N, T)`` array of ``column``."""
    try:
        return samples_array(pd.read_parquet(path), column)
    except DataError as exc:
        raise DataError(f"{path}: {exc}") from exc
