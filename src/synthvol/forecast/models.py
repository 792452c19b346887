"""The fit function of every forecasting model; the names are those of
:data:`synthvol.registry.FORECAST_MODELS`, whose entries point here.

A fit function takes the model name, the series, the ``forecast`` params and the same
model's fit at the previous rolling origin (a warm start, or None) and returns a fitted
model with ``params``, ``n_params``, ``fitted``, ``residuals``, ``residual_std``,
``convergence``, ``loglik``, ``autoregressive``, ``design`` and ``forecast(horizon,
confidence)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from synthvol import registry
from synthvol.declare import build
from synthvol.forecast.adaptive import fit_ets
from synthvol.forecast.benchmarks import fit_drift, fit_naive
from synthvol.forecast.brown import BrownSettings, fit_brown
from synthvol.forecast.curves import growth_curve

FitFunction = Callable[[str, np.ndarray, Mapping[str, Any], Any], Any]


def growth_curve_fit(name: str, y: np.ndarray, params: Mapping[str, Any], previous: Any):
    """A growth curve by least squares (chapter 4)."""
    return growth_curve(name).fit(y)


def benchmark_fit(name: str, y: np.ndarray, params: Mapping[str, Any], previous: Any):
    """The naive forecast or the random walk with drift (R's ``naive`` / ``rwf``)."""
    return {"naive": fit_naive, "drift": fit_drift}[name](y)


def exponential_smoothing_fit(name: str, y: np.ndarray, params: Mapping[str, Any],
                              previous: Any):
    """SES, Holt or the damped trend at its maximum likelihood (warm-started when rolling)."""
    return fit_ets(name, y, previous)


def brown_fit(name: str, y: np.ndarray, params: Mapping[str, Any], previous: Any):
    """Brown's adaptive polynomial model of order 1 or 2 (chapter 5)."""
    return fit_brown(name, y, build(BrownSettings, params["brown"], "forecast.brown"))


#: The family of each fit function, as the report names it.
FAMILIES: dict[str, str] = {
    "growth_curve_fit": "growth curve",
    "benchmark_fit": "benchmark",
    "exponential_smoothing_fit": "exponential smoothing",
    "brown_fit": "Brown polynomial",
}
BENCHMARK = "naive"


def family(name: str) -> str:
    """The model's family: growth curve, benchmark, exponential smoothing, Brown polynomial."""
    return FAMILIES[registry.entry("forecast_models", name).target.split(":")[1]]


def fit_model(name: str, y: np.ndarray, params: Mapping[str, Any], previous: Any = None):
    """Fit the model called ``name`` (a :data:`synthvol.registry.FORECAST_MODELS` entry) to
    ``y`` (``previous``: the same model's fit at the previous rolling origin, a warm start)."""
    fit: FitFunction = registry.entry("forecast_models", name).load()
    return fit(name, np.asarray(y, dtype=float), params, previous)
