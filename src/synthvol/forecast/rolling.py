"""Forecasts from one origin and rolling-origin evaluation (Tashman 2000; R's ``tsCV``).

Rolling origin: for each origin o in the last ``origins`` periods of the series, every
model is refitted to y_1..y_o and forecasts y_{o+1}..y_{o+h}, h = min(horizon, n − o).
Accuracy is then pooled over origins, by horizon and overall; MASE scales each error by
the naive in-sample MAE of that origin's training data. The exponential-smoothing fits are
warm-started from the previous origin's estimate (their grid search still runs).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from synthvol.forecast.accuracy import (
    absolute_errors,
    accuracy_table,
    level_label,
    naive_scale,
    relative_errors,
)
from synthvol.forecast.models import fit_model
from synthvol.progress import Progress, get_logger


def forecast_frame(fit: Any, actual: pd.Series, confidence: float, levels: Sequence[float],
                   scale: float) -> pd.DataFrame:
    """Point and interval forecasts of ``actual`` (its index: the dates) with their errors.

    ``lower``/``upper`` are at ``confidence``; ``lower_<c>``/``upper_<c>`` at each level c.
    """
    horizon = len(actual)
    frame = fit.forecast(horizon, confidence).to_frame()
    frame.insert(0, "date", actual.index)
    frame["actual"] = actual.to_numpy()
    frame["inside"] = (frame["actual"] >= frame["lower"]) & (frame["actual"] <= frame["upper"])
    frame["abs_error"] = absolute_errors(frame["actual"], frame["forecast"])
    frame["rel_error_pct"] = relative_errors(frame["actual"], frame["forecast"])
    frame["scale"] = scale
    for level in levels:
        bounds = fit.forecast(horizon, level)
        frame[f"lower_{level_label(level)}"] = bounds.lower
        frame[f"upper_{level_label(level)}"] = bounds.upper
    return frame


def rolling_forecasts(series: pd.Series, models: Sequence[str], params: Mapping[str, Any],
                      origins: int, horizon: int, confidence: float,
                      levels: Sequence[float]) -> tuple[pd.DataFrame, dict[str, int]]:
    """Forecasts of every model from each of the last ``origins`` origins; and each
    model's parameter count (from the fit at the last origin)."""
    logger = get_logger("forecast")
    n = series.size
    frames, n_params = [], {}
    progress = Progress("rolling origins", origins, every=max(1, origins // 10), logger=logger)
    previous: dict[str, Any] = {}
    for step, origin in enumerate(range(n - origins, n), start=1):
        train = series.iloc[:origin]
        actual = series.iloc[origin:origin + horizon]
        scale = naive_scale(train.to_numpy())
        for name in models:
            fit = fit_model(name, train.to_numpy(), params, previous.get(name))
            previous[name] = fit
            n_params[name] = fit.n_params
            frame = forecast_frame(fit, actual, confidence, levels, scale)
            frame.insert(0, "origin", train.index[-1])
            frame.insert(0, "model", name)
            frames.append(frame)
        progress.update(step)
    return pd.concat(frames, ignore_index=True), n_params


def _standard_error(values: pd.Series, by: str | list[str]) -> pd.Series:
    """sd / sqrt(count) of ``values`` per group (NaN for a group of one)."""
    grouped = values.groupby(level=by, sort=False)
    return grouped.std(ddof=1) / np.sqrt(grouped.count())


def rolling_accuracy(forecasts: pd.DataFrame, n_params: Mapping[str, int],
                     levels: Sequence[float]) -> pd.DataFrame:
    """Accuracy by model and horizon L, and over all horizons (``horizon`` = 'all')."""
    by_horizon = accuracy_table(forecasts, n_params, levels, by=("model", "L"))
    overall = accuracy_table(forecasts, n_params, levels, by=("model",))
    scaled = forecasts.assign(scaled=forecasts["abs_error"].abs() / forecasts["scale"])
    # standard error of MASE: over origins for the pooled value (one mean per origin), over
    # the single forecast of each origin for one horizon
    per_origin = scaled.groupby(["model", "origin"], sort=False)["scaled"].mean()
    overall["mase_se"] = overall["model"].map(_standard_error(per_origin, "model"))
    per_horizon = _standard_error(scaled.set_index(["model", "L"])["scaled"], ["model", "L"])
    by_horizon = by_horizon.merge(per_horizon.rename("mase_se").reset_index(),
                                  on=["model", "L"], how="left")
    by_horizon.insert(1, "horizon", by_horizon.pop("L").astype(str))
    overall.insert(1, "horizon", "all")
    keep = ["model", "horizon", "m", "mae", "mape", "mase", "mase_se", "mean_error", "s",
            *[f"coverage_{level_label(c)}" for c in levels]]
    table = pd.concat([overall, by_horizon], ignore_index=True)[keep]
    order = {name: i for i, name in enumerate(dict.fromkeys(forecasts["model"]))}
    table["_order"] = table["model"].map(order)
    table["_h"] = pd.to_numeric(table["horizon"], errors="coerce").fillna(0)
    return table.sort_values(["_order", "_h"], ignore_index=True).drop(columns=["_order", "_h"])
