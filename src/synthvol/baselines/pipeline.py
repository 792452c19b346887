"""The baseline rules as functions: fit on the training returns, forecast, simulate, write.

Every baseline writes ``fit.json`` (the fit summary, ``fit_seconds`` and
``sample_seconds``), ``forecast.parquet`` (:mod:`synthvol.baselines.forecasts`) and
``samples.parquet`` (:mod:`synthvol.samples`: paths continuing from the last training price,
of the test-split length unless ``baselines.path_length`` says otherwise). GARCH also writes
its conditional volatility over the whole returns series.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from synthvol import registry
from synthvol.declare import build
from synthvol.io import read_json, write_json, write_parquet
from synthvol.progress import get_logger
from synthvol.samples import samples_frame
from synthvol.seeds import rng


def _fit(name: str, returns: np.ndarray, spec: Mapping[str, Any]):
    """The registry's fit function of baseline ``name`` with its settings, built from its
    params.yaml section."""
    item = registry.entry("baselines", name)
    return item.load()(returns, build(item.declaration(), spec, f"baselines.{name}"))

def run_baseline(name: str, baselines: Mapping[str, Any], seed: int, train_path: str,
                 test_path: str, returns_path: str, summary_path: str,
                 outputs: Mapping[str, str]) -> dict[str, Any]:
    """Fit baseline ``name`` with ``baselines[name]`` and write its outputs."""
    logger = get_logger(f"baselines.{name}")
    train = pd.read_parquet(train_path)
    n_test = len(pd.read_parquet(test_path))
    returns = train["return"].to_numpy()
    start = time.perf_counter()
    model = _fit(name, returns, baselines[name])
    fit_seconds = time.perf_counter() - start
    logger.info("fitted %s in %.2fs: %s", name, fit_seconds, model.summary())
    forecast = model.forecast(int(baselines["horizon"]), float(baselines["interval_level"]))
    length = int(baselines["path_length"] or n_test)
    start = time.perf_counter()
    paths = model.simulate(int(baselines["n_paths"]), length, rng(seed, "baselines", name))
    sample_seconds = time.perf_counter() - start
    start_price = float(read_json(summary_path)["last_train_price"])
    write_parquet(forecast, outputs["forecast"])
    write_parquet(samples_frame(paths, start_price), outputs["samples"])
    if "conditional_volatility" in outputs:
        full = pd.read_parquet(returns_path)
        vol = model.conditional_volatility(full["return"].to_numpy())
        write_parquet(pd.DataFrame({"date": full["date"], "volatility": vol}),
                      outputs["conditional_volatility"])
    fit = {**model.summary(), "fit_seconds": fit_seconds, "sample_seconds": sample_seconds,
           "n_paths": int(baselines["n_paths"]), "path_length": length,
           "start_price": start_price, "interval_level": float(baselines["interval_level"])}
    write_json(fit, outputs["fit"])
    logger.info("simulated %d paths of %d steps in %.2fs", paths.shape[0], length,
                sample_seconds)
    return fit
