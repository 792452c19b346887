"""The prepare-data step as one function of the ``data`` parameters and output paths."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from synthvol.data.loaders import CsvSpec, load_price_series
from synthvol.data.prepare import (
    BlockHoldout,
    PreparedData,
    min_rows_needed,
    prepare_series,
    series_options,
    windows_frame,
)
from synthvol.io import write_json, write_parquet
from synthvol.progress import get_logger


def heldout_periods(prepared: PreparedData) -> list[list[str]]:
    """``[first date, last date]`` of each run of held-out training returns."""
    held = prepared.heldout.astype(np.int8)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], held, [0]])))
    dates = prepared.train["date"]
    return [[dates.iloc[a].date().isoformat(), dates.iloc[b - 1].date().isoformat()]
            for a, b in zip(edges[::2], edges[1::2])]


def write_prepared(data: Mapping[str, Any], seed: int,
                   outputs: Mapping[str, str]) -> dict[str, Any]:
    """Load ``data.source``, prepare it, and write every output; return the summary.

    ``outputs`` maps ``prices``, ``returns``, ``train``, ``test``, ``windows`` (training-block
    windows, what the generators learn from), ``heldout_windows``, ``scaler`` and
    ``summary`` to paths.
    """
    logger = get_logger("data")
    spec = CsvSpec(data["date_column"], data["price_column"], data["date_format"])
    min_rows = min_rows_needed(int(data["window_length"]), float(data["test_fraction"]))
    prices = load_price_series(str(data["source"]), spec, min_rows=min_rows)
    logger.info("loaded %d prices from %s", len(prices), data["source"])
    prepared = prepare_series(
        prices, float(data["test_fraction"]), int(data["window_length"]), **series_options(data),
        holdout=BlockHoldout(int(data["holdout"]["block_length"]),
                             float(data["holdout"]["share"])), seed=int(seed))
    r = prepared.returns["return"].to_numpy()
    summary = {
        "source": data["source"],
        "n_prices": len(prepared.prices),
        "first_date": prepared.prices["date"].iloc[0].date().isoformat(),
        "last_date": prepared.prices["date"].iloc[-1].date().isoformat(),
        "n_train": len(prepared.train),
        "n_test": len(prepared.test),
        "test_start": prepared.test["date"].iloc[0].date().isoformat(),
        "n_windows": int(prepared.windows.shape[0]),
        "window_length": int(prepared.windows.shape[1]),
        "n_heldout_returns": int(prepared.heldout.sum()),
        "n_heldout_windows": int(prepared.heldout_windows.shape[0]),
        "heldout_periods": heldout_periods(prepared),
        "last_train_price": float(prepared.train["price"].iloc[-1]),
        "return_mean": float(np.mean(r)),
        "return_std": float(np.std(r, ddof=1)),
    }
    write_parquet(prepared.prices, outputs["prices"])
    write_parquet(prepared.returns, outputs["returns"])
    write_parquet(prepared.train, outputs["train"])
    write_parquet(prepared.test, outputs["test"])
    write_parquet(windows_frame(prepared.windows, prepared.window_start), outputs["windows"])
    write_parquet(windows_frame(prepared.heldout_windows, prepared.heldout_start),
                  outputs["heldout_windows"])
    write_json(prepared.scaler.to_dict(), outputs["scaler"])
    write_json(summary, outputs["summary"])
    logger.info("train %d, test %d returns; %d training and %d held-out windows of %d "
                "(held-out blocks %s)", summary["n_train"], summary["n_test"],
                summary["n_windows"], summary["n_heldout_windows"], summary["window_length"],
                summary["heldout_periods"])
    return summary
