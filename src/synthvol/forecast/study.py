"""The forecast-adequacy part of the study as functions of the ``forecast`` params and paths.

The prepared daily prices are aggregated (``forecast.aggregation``, a pandas resample rule,
and ``forecast.statistic``: by default the monthly mean close, ``resample("MS").mean()``);
every model (:data:`synthvol.registry.FORECAST_MODELS`) is fitted on the head of that series
and scored on its last ``forecast.holdout`` periods, forecast L = 1..holdout steps ahead
from the end of the head; and refitted at each of the last ``forecast.rolling_origins``
periods for the rolling-origin evaluation (:mod:`synthvol.forecast.rolling`). The ranking
puts models whose residuals pass the adequacy checks first, each group by rolling MASE.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from synthvol.errors import ConfigError, DataError
from synthvol.forecast.accuracy import accuracy_table, level_label, naive_scale
from synthvol.forecast.adequacy import RS_CRITERION, SKEWNESS_KURTOSIS, adequacy_table
from synthvol.forecast.curves import kstar_table
from synthvol.forecast.models import family, fit_model
from synthvol.forecast.rolling import forecast_frame, rolling_accuracy, rolling_forecasts
from synthvol.io import write_csv
from synthvol.progress import Progress, get_logger

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


def coverage_levels(params: Mapping[str, Any]) -> list[float]:
    """``forecast.coverage_levels``, which must include the tables' ``forecast.confidence``."""
    levels = [float(c) for c in params["coverage_levels"]]
    if not any(np.isclose(c, float(params["confidence"])) for c in levels):
        raise ConfigError(f"forecast.coverage_levels: {levels} must include "
                          f"forecast.confidence = {params['confidence']}")
    return levels


def _fits_frame(fits: Mapping[str, Any]) -> pd.DataFrame:
    """One row per fitted parameter (a model without parameters gets one row of NaN)."""
    rows = []
    for name, fit in fits.items():
        scale = "log" if getattr(getattr(fit, "curve", None), "log_scale", False) else "level"
        common = {"model": name, "family": family(name), "scale": scale, "n": fit.n,
                  "k": fit.n_params, "residual_std": fit.residual_std, "loglik": fit.loglik,
                  "convergence": fit.convergence}
        for param, value in (fit.params.items() or [("none", np.nan)]):
            rows.append({**common, "param": param, "value": value})
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
    confidence, levels = float(params["confidence"]), coverage_levels(params)
    scale = naive_scale(head.to_numpy())
    fits: dict[str, Any] = {}
    fitted, forecasts, adequacy = [], [], []
    progress = Progress("models", len(params["models"]), every=1, logger=logger)
    for step, name in enumerate(params["models"], start=1):
        fit = fit_model(name, head.to_numpy(), params)
        fits[name] = fit
        fitted.append(pd.DataFrame({"model": name, "date": head.index, "actual": head.values,
                                    "fitted": fit.fitted, "residual": fit.residuals}))
        frame = forecast_frame(fit, tail, confidence, levels, scale)
        frame.insert(0, "model", name)
        forecasts.append(frame)
        residuals = fit.residuals[np.isfinite(fit.residuals)]
        table = adequacy_table(residuals, fit.design, fit.autoregressive,
                               randomness_level=float(params["randomness_level"]),
                               alpha=float(params["alpha"]),
                               ljung_box_lags=int(params["ljung_box_lags"]))
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


ADEQUACY_CHECKS = {             # summary column: the adequacy-table tests it reads
    "randomness": r"^turning points",
    "normality (skewness-kurtosis)": f"^{SKEWNESS_KURTOSIS}$",
    "normality (R/S)": f"^{RS_CRITERION}$",
    "independence": r"^(Durbin|Ljung)",
}


def adequacy_summary(adequacy: pd.DataFrame) -> pd.DataFrame:
    """Per model: the decision of each adequacy check, how many accept, and ``passes``.

    A model passes when its residuals are random (turning points), independent
    (Durbin–Watson, or Ljung–Box for recursive models), normal by the R/S criterion and
    not rejected by the skewness-kurtosis rule (whose middle zone defers to a stronger test).
    """
    models = list(dict.fromkeys(adequacy["model"]))
    wide = pd.DataFrame({"model": models})
    for column, pattern in ADEQUACY_CHECKS.items():
        rows = adequacy[adequacy["test"].str.match(pattern)]
        wide[column] = wide["model"].map(rows.set_index("model")["decision"])
    decisions = wide[list(ADEQUACY_CHECKS)]
    wide["adequate"] = decisions.apply(lambda c: c.str.startswith("accept")).sum(axis=1)
    wide["passes"] = (decisions[["randomness", "normality (R/S)", "independence"]]
                      .apply(lambda c: c.str.startswith("accept")).all(axis=1)
                      & ~decisions["normality (skewness-kurtosis)"].str.startswith("reject"))
    return wide


def write_accuracy(forecasts_path: str, fits_path: str, adequacy_path: str,
                   rolling_path: str, levels: list[float], output: str) -> pd.DataFrame:
    """Single-origin accuracy per model beside its rolling-origin MASE and adequacy, ranked.

    Rank: models whose residuals pass the adequacy checks first, each group by
    rolling-origin MASE (then single-origin MASE).
    """
    forecasts = pd.read_csv(forecasts_path)
    fits = pd.read_csv(fits_path)
    n_params = fits.groupby("model")["k"].first().astype(int).to_dict()
    table = accuracy_table(forecasts, n_params, levels)
    rolling = pd.read_csv(rolling_path, dtype={"horizon": str})
    overall = rolling[rolling["horizon"] == "all"].set_index("model")
    table["rolling_mase"] = table["model"].map(overall["mase"])
    table["rolling_mape"] = table["model"].map(overall["mape"])
    for level in levels:
        column = f"coverage_{level_label(level)}"
        table[f"rolling_{column}"] = table["model"].map(overall[column])
    summary = adequacy_summary(pd.read_csv(adequacy_path))[["model", "adequate", "passes"]]
    table = table.merge(summary, on="model", how="left")
    table = table.sort_values(["passes", "rolling_mase", "mase"], ascending=[False, True, True],
                              ignore_index=True)
    table.insert(1, "rank", np.arange(1, len(table) + 1))
    write_csv(table, output)
    return table


def run_rolling(series_path: str, params: Mapping[str, Any], outputs: Mapping[str, str]) -> None:
    """Rolling-origin forecasts of every model over the last ``rolling_origins`` periods.

    ``outputs``: ``forecasts`` (one row per model, origin and horizon) and ``accuracy``.
    """
    frame = pd.read_csv(series_path, parse_dates=["date"])
    series = frame.set_index("date")["value"]
    origins, horizon = int(params["rolling_origins"]), int(params["holdout"])
    if series.size - origins < MIN_HEAD:
        raise ConfigError(f"forecast.rolling_origins: {origins} leaves "
                          f"{series.size - origins} periods before the first origin; need at "
                          f"least {MIN_HEAD}")
    levels = coverage_levels(params)
    forecasts, n_params = rolling_forecasts(series, params["models"], params, origins, horizon,
                                            float(params["confidence"]), levels)
    write_csv(forecasts, outputs["forecasts"])
    write_csv(rolling_accuracy(forecasts, n_params, levels), outputs["accuracy"])


def write_kstar(kstar: Mapping[str, Any], output: str) -> pd.DataFrame:
    """The K* = t_α K table for the trends, n and L range and confidence in ``kstar``."""
    if int(kstar["n_min"]) > int(kstar["n_max"]):
        raise ConfigError(f"forecast.kstar: n_min={kstar['n_min']} exceeds "
                          f"n_max={kstar['n_max']}")
    n_values = range(int(kstar["n_min"]), int(kstar["n_max"]) + 1)
    horizons = range(1, int(kstar["horizon_max"]) + 1)
    table = pd.concat([kstar_table(trend, n_values, horizons, float(kstar["confidence"]),
                                   kstar["t_decimals"]) for trend in kstar["trends"]],
                      ignore_index=True)
    write_csv(table, output)
    return table
