"""Every forecasting model of the part, by name: the one place that maps a name in
``forecast.models`` to its family and fit function.

A fit function takes the series, the ``forecast`` params and the same model's fit at the
previous rolling origin (a warm start, or None) and returns a fitted model with ``params``,
``n_params``, ``fitted``, ``residuals``, ``residual_std``, ``convergence``, ``loglik``,
``autoregressive``, ``design`` and ``forecast(horizon, confidence)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from synthvol.errors import ConfigError
from synthvol.forecast.adaptive import fit_ets
from synthvol.forecast.benchmarks import fit_drift, fit_naive
from synthvol.forecast.brown import fit_brown
from synthvol.forecast.curves import GROWTH_CURVES, growth_curve

FitFunction = Callable[[np.ndarray, Mapping[str, Any], Any], Any]


def _curve(name: str) -> FitFunction:
    return lambda y, params, previous: growth_curve(name).fit(y)


def _ets(name: str) -> FitFunction:
    return lambda y, params, previous: fit_ets(name, y, previous)


def _brown(name: str) -> FitFunction:
    def fit(y, params, previous):
        brown = params.get("brown", {})
        return fit_brown(name, y, brown.get("alpha"), int(brown.get("initial_periods", 12)))
    return fit


MODELS: dict[str, tuple[str, FitFunction]] = {
    **{name: ("growth curve", _curve(name)) for name in GROWTH_CURVES},
    "naive": ("benchmark", lambda y, params, previous: fit_naive(y)),
    "drift": ("benchmark", lambda y, params, previous: fit_drift(y)),
    "ses": ("exponential smoothing", _ets("ses")),
    "holt": ("exponential smoothing", _ets("holt")),
    "damped": ("exponential smoothing", _ets("damped")),
    "brown_linear": ("Brown polynomial", _brown("brown_linear")),
    "brown_quadratic": ("Brown polynomial", _brown("brown_quadratic")),
}
BENCHMARK = "naive"


def family(name: str) -> str:
    """The model's family: growth curve, benchmark, exponential smoothing, Brown polynomial."""
    return _entry(name)[0]


def fit_model(name: str, y: np.ndarray, params: Mapping[str, Any], previous: Any = None):
    """Fit the model called ``name`` to ``y`` (``previous``: warm start, where used)."""
    return _entry(name)[1](np.asarray(y, dtype=float), params, previous)


def _entry(name: str) -> tuple[str, FitFunction]:
    try:
        return MODELS[name]
    except KeyError:
        raise ConfigError(f"forecast.models: unknown model '{name}' "
                          f"(choose from {', '.join(MODELS)})") from None
