"""The forecast-adequacy part of the study as functions of the ``forecast`` params and paths.

The prepared daily prices are aggregated (``forecast.aggregation``, a pandas resample rule,
and ``forecast.statistic``: by default the monthly mean close, ``resample("MS").mean()``);
every model is fitted on the head of that series and scored on its last
``forecast.holdout`` periods, forecast L = 1..holdout steps ahead from the end of the head.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from synthvol.errors import ConfigError, DataError
from synthvol.forecast.accuracy import absolute_errors, accuracy_table, relative_errors
from synthvol.forecast.adaptive import ADAPTIVE_METHODS, AdaptiveFit, fit_adaptive
from synthvol.forecast.adequacy import adequacy_table
from synthvol.forecast.curves import GrowthCurveFit, growth_curve, kstar_table
from synthvol.io import write_csv
from synthvol.progress import Progress, get_logger

Fit = GrowthCurveFit | AdaptiveFit
MIN_HEAD = 24


def aggregate_prices(prices: pd.DataFrame, rule: str, statistic: str) -> pd.Series:
    """The price series resampled by ``rule`` with ``statistic`` (mean, last, first, median)."""
    if not {"date", "price"} <= set(prices.columns):
        raise DataError(f"prices: need columns date and price (got {list(prices.columns)})")
    series = prices.set_index(pd.DatetimeIndex(prices["date"]))["price"].astype(float)
    try:
        resampled = series.resample(rule)
    except ValueError as exc:
        raise ConfigError(f"forecast.aggregation: invalid resample rule '{rule}'") from exc
    return getattr(resampled, statistic)().dropna().rename("value")


def fit_model(name: str, y: np.ndarray) -> Fit:
    """Fit the growth curve or adaptive method called ``name``."""
    if name in ADAPTIVE_METHODS:
        return fit_adaptive(name, y)
    return growth_curve(name).fit(y)


def _family(fit: Fit) -> str:
    return "adaptive" if fit.autoregressive else "growth curve"


def _fits_frame(fits: Mapping[str, Fit]) -> pd.DataFrame:
    rows = []
    for name, fit in fits.items():
        scale = "log" if getattr(getattr(fit, "curve", None), "log_scale", False) else "level"
        for param, value in fit.params.items():
            rows.append({"model": name, "family": _family(fit), "scale": scale, "n": fit.n,
                         "k": fit.n_params, "residual_std": fit.residual_std,
                         "param": param, "value": value})
    return pd.DataFrame(rows)


def run_models(prices_path: str, params: Mapping[str, Any], outputs: Mapping[str, str]) -> None:
    """Fit every model, forecast the held-out tail, judge adequacy; write the CSV tables.

    ``outputs``: ``series``, ``fits``, ``fitted``, ``forecasts``, ``adequacy``.
    """
    logger = get_logger("forecast")
    series = aggregate_prices(pd.read_parquet(prices_path), params["aggregation"],
                              params["statistic"])
    holdout = int(params["holdout"])
    if series.size - holdout < MIN_HEAD:
        raise ConfigError(f"forecast.holdout: {holdout} leaves {series.size - holdout} "
                          f"periods to fit on; need at least {MIN_HEAD}")
    head, tail = series.iloc[:-holdout], series.iloc[-holdout:]
    logger.info("series: %d periods (%s), fit on %d, hold out %d", series.size,
                params["aggregation"], head.size, holdout)
    confidence = float(params["confidence"])
    fits: dict[str, Fit] = {}
    fitted, forecasts, adequacy = [], [], []
    progress = Progress("models", len(params["models"]), every=1, logger=logger)
    for step, name in enumerate(params["models"], start=1):
        fit = fit_model(name, head.to_numpy())
        fits[name] = fit
        fitted.append(pd.DataFrame({"model": name, "date": head.index, "actual": head.values,
                                    "fitted": fit.fitted, "residual": fit.residuals}))
        frame = fit.forecast(holdout, confidence).to_frame()
        frame.insert(0, "date", tail.index)
        frame.insert(0, "model", name)
        frame["actual"] = tail.values
        frame["inside"] = (frame["actual"] >= frame["lower"]) & (frame["actual"] <= frame["upper"])
        frame["abs_error"] = absolute_errors(frame["actual"], frame["forecast"])
        frame["rel_error_pct"] = relative_errors(frame["actual"], frame["forecast"])
        forecasts.append(frame)
        table = adequacy_table(fit.residuals, fit.design, fit.autoregressive,
                               float(params["randomness_level"]), float(params["alpha"]),
                               int(params["ljung_box_lags"]))
        table.insert(0, "model", name)
        adequacy.append(table)
        progress.update(step, residual_std=fit.residual_std)
    part = np.where(series.index.isin(tail.index), "tail", "head")
    write_csv(pd.DataFrame({"date": series.index, "value": series.values, "part": part}),
              outputs["series"])
    write_csv(_fits_frame(fits), outputs["fits"])
    write_csv(pd.concat(fitted, ignore_index=True), outputs["fitted"])
    write_csv(pd.concat(forecasts, ignore_index=True), outputs["forecasts"])
    write_csv(pd.concat(adequacy, ignore_index=True), outputs["adequacy"])


def adequacy_summary(adequacy: pd.DataFrame) -> pd.DataFrame:
    """Per model: the textbook's three properties (turning points, RS, DW or Ljung–Box)."""
    primary = adequacy[adequacy["test"].str.match(r"turning points|RS |Durbin|Ljung")]
    wide = primary.pivot(index="model", columns="property", values="decision")
    wide = wide.reindex(index=primary["model"].unique(),
                        columns=["randomness", "normality", "independence"])
    wide.columns.name = None
    wide.index.name = "model"
    wide["adequate"] = wide.apply(lambda r: int(sum(v.startswith("accept") for v in r)), axis=1)
    return wide.reset_index()


def write_accuracy(forecasts_path: str, fits_path: str, adequacy_path: str,
                   output: str) -> pd.DataFrame:
    """Accuracy per model on the held-out tail, ranked by MAPE, with adequacy counts."""
    forecasts = pd.read_csv(forecasts_path)
    fits = pd.read_csv(fits_path)
    n_params = fits.groupby("model")["k"].first().astype(int).to_dict()
    table = accuracy_table(forecasts, n_params)
    table = table.merge(adequacy_summary(pd.read_csv(adequacy_path))[["model", "adequate"]],
                        on="model", how="left")
    table = table.sort_values(["mape", "adequate"], ascending=[True, False],
                              ignore_index=True)
    table.insert(1, "rank", np.arange(1, len(table) + 1))
    write_csv(table, output)
    return table


def write_kstar(kstar: Mapping[str, Any], output: str) -> pd.DataFrame:
    """The K* = t_α K table for the trends, n and L range and confidence in ``kstar``."""
    if int(kstar["n_min"]) > int(kstar["n_max"]):
        raise ConfigError(f"forecast.kstar: n_min={kstar['n_min']} exceeds "
                          f"n_max={kstar['n_max']}")
    n_values = range(int(kstar["n_min"]), int(kstar["n_max"]) + 1)
    horizons = range(1, int(kstar["horizon_max"]) + 1)
    table = pd.concat([kstar_table(trend, n_values, horizons, float(kstar["confidence"]),
                                   kstar.get("t_decimals")) for trend in kstar["trends"]],
                      ignore_index=True)
    write_csv(table, output)
    return table
