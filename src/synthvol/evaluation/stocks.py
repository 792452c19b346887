"""The "Stocks" benchmark of the time-series generation literature (TimeGAN's protocol).

Data: daily Google prices, six columns (``data/benchmarks/timegan-stocks``). Protocol, as in
TimeGAN's ``data_loading.py`` and the papers that reuse it: min-max scale each column to
[0, 1] over the whole series (``(x − min) / (max − min + 1e−7)``), cut the
``n − 24`` windows of 24 steps with stride 1 (the reference loop stops one window short of
the end), shuffle them, train each generator on all windows, sample as many windows, then
score 5 runs of the discriminative and predictive scores (:mod:`.scores`, with the reference
code's network: one GRU layer of ``6 // 2 = 3`` units, sigmoid head). The reference code
also reverses the rows before windowing; windows are shuffled, so that is left out.

The row ``real data`` is the predictive score of real windows on themselves, the floor the
literature quotes (0.036).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import torch

from synthvol.config import deep_merge
from synthvol.errors import ConfigError, DataError
from synthvol.evaluation.scores import (
    ScoreSettings,
    discriminative_score,
    predictive_score,
    repeat_score,
)
from synthvol.generators.base import Generator, make_generator
from synthvol.io import write_csv
from synthvol.progress import get_logger
from synthvol.seeds import derive_seed, rng

STOCK_COLUMNS = ("Open", "High", "Low", "Close", "Adj_Close", "Volume")
REAL_ROW = "real data"
RESULT_COLUMNS = ("generator", "discriminative_mean", "discriminative_std", "predictive_mean",
                  "predictive_std", "train_seconds", "sample_seconds")

logger = get_logger("evaluation.stocks")

GeneratorFactory = Callable[..., Generator]


def load_stocks(path: str | os.PathLike[str]) -> np.ndarray:
    """The ``(n_days, 6)`` price/volume array of ``stock_data.csv``, validated."""
    frame = pd.read_csv(path)
    missing = [c for c in STOCK_COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(f"{path}: lacks column(s) {', '.join(missing)}")
    data = frame[list(STOCK_COLUMNS)].to_numpy(dtype=np.float64)
    bad = np.flatnonzero(~np.isfinite(data).all(axis=1))
    if bad.size:
        raise DataError(f"{path}: row {bad[0] + 2} has a missing or non-numeric value")
    return data


def stocks_windows(data: np.ndarray, length: int, seed: int) -> np.ndarray:
    """Min-max scaled (per column), shuffled stride-1 windows ``(n − length, length, d)``."""
    data = np.asarray(data, dtype=np.float64)
    if len(data) <= length:
        raise DataError(f"{len(data)} rows hold no window of {length} steps")
    lo, hi = data.min(axis=0), data.max(axis=0)
    scaled = (data - lo) / (hi - lo + 1e-7)
    view = np.lib.stride_tricks.sliding_window_view(scaled, length, axis=0)[: len(data) - length]
    windows = np.ascontiguousarray(view.transpose(0, 2, 1))
    return windows[rng(seed, "stocks", "shuffle").permutation(len(windows))]


def generator_hyper(name: str, models: Mapping[str, Any],
                    overrides: Mapping[str, Any]) -> dict[str, Any]:
    """``generators.models[name]`` with ``evaluation.stocks.models[name]`` merged over it."""
    if name not in models:
        raise ConfigError(f"generators.models has no entry for the benchmarked generator '{name}'")
    return deep_merge(models[name], overrides.get(name, {}))


def score_row(name: str, real: np.ndarray, synthetic: np.ndarray, settings: ScoreSettings,
              seed: int) -> dict[str, float]:
    """Both scores of ``synthetic`` against ``real`` over ``settings.n_runs`` runs."""
    disc = repeat_score(lambda s: discriminative_score(real, synthetic, settings, s),
                        settings.n_runs, seed, "stocks", name, "discriminative")
    pred = repeat_score(lambda s: predictive_score(real, synthetic, settings, s),
                        settings.n_runs, seed, "stocks", name, "predictive")
    logger.info("%s: discriminative %.4f ± %.4f, predictive %.4f ± %.4f", name, disc.mean,
                disc.std, pred.mean, pred.std)
    return {"discriminative_mean": disc.mean, "discriminative_std": disc.std,
            "predictive_mean": pred.mean, "predictive_std": pred.std}


def run_stocks_benchmark(windows: np.ndarray, generators: Sequence[str],
                         models: Mapping[str, Any], overrides: Mapping[str, Any], device: str,
                         settings: ScoreSettings, seed: int,
                         factory: GeneratorFactory = make_generator) -> pd.DataFrame:
    """Train, time, sample and score each generator on the benchmark windows.

    ``factory(name, seed=..., device=..., **hyper)`` builds a generator (the registry's
    :func:`~synthvol.generators.base.make_generator` in the workflow).
    """
    rows = []
    for name in generators:
        hyper = generator_hyper(name, models, overrides)
        generator = factory(name, seed=derive_seed(seed, "stocks", name, "generator"),
                            device=device, **hyper)
        logger.info("%s: training on %d windows %s", name, len(windows), windows.shape[1:])
        report = generator.fit(windows)
        start = time.perf_counter()
        synthetic = generator.sample(len(windows))
        sample_seconds = time.perf_counter() - start
        logger.info("%s: trained in %.1fs, sampled in %.1fs", name, report.seconds,
                    sample_seconds)
        rows.append({"generator": name,
                     **score_row(name, windows, synthetic, settings, seed),
                     "train_seconds": report.seconds, "sample_seconds": sample_seconds})
    pred = repeat_score(lambda s: predictive_score(windows, windows, settings, s),
                        settings.n_runs, seed, "stocks", REAL_ROW, "predictive")
    rows.append({"generator": REAL_ROW, "discriminative_mean": np.nan,
                 "discriminative_std": np.nan, "predictive_mean": pred.mean,
                 "predictive_std": pred.std, "train_seconds": np.nan,
                 "sample_seconds": np.nan})
    logger.info("real data: predictive %.4f ± %.4f", pred.mean, pred.std)
    return pd.DataFrame(rows, columns=list(RESULT_COLUMNS))


def write_stocks_benchmark(data_path: str | os.PathLike[str], stocks: Mapping[str, Any],
                           generators: Mapping[str, Any], seed: int,
                           output: str | os.PathLike[str], threads: int = 1) -> pd.DataFrame:
    """The benchmark from the params sections ``evaluation.stocks`` and ``generators``."""
    torch.set_num_threads(max(1, int(threads)))
    names = stocks.get("generators") or generators.get("enabled", [])
    if not names:
        raise ConfigError("evaluation.stocks.generators and generators.enabled are both empty")
    windows = stocks_windows(load_stocks(data_path), int(stocks["window_length"]), seed)
    table = run_stocks_benchmark(windows, names, generators.get("models", {}),
                                 stocks.get("models", {}), generators.get("device", "cpu"),
                                 ScoreSettings.from_mapping(dict(stocks["scores"])), seed)
    write_csv(table, output)
    return table
