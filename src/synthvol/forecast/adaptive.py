"""Adaptive forecasts (Dubrova ch. 5): Brown's simple exponential smoothing and Holt's
linear method, as the additive-error ETS models ANN and AAN of statsmodels, which give
their prediction intervals in closed form.

Their one-step errors are recursive functions of lagged values of the series, so the
Durbin–Watson test does not apply to them (``autoregressive = True``): independence is
checked by Ljung–Box instead.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from statsmodels.tsa.exponential_smoothing.ets import ETSModel

from synthvol.errors import ConfigError, DataError
from synthvol.forecast.curves import IntervalForecast

ADAPTIVE_METHODS = {"ses": None, "holt": "add"}


@dataclass(frozen=True)
class AdaptiveFit:
    """A fitted exponential-smoothing model with its in-sample one-step errors."""

    name: str
    result: Any                 # statsmodels ETSResults
    y: np.ndarray

    autoregressive = True
    design = None

    @property
    def n(self) -> int:
        return self.y.size

    @property
    def n_params(self) -> int:
        return len(self.result.params)

    @property
    def params(self) -> dict[str, float]:
        return dict(zip(self.result.param_names, map(float, np.asarray(self.result.params))))

    @property
    def fitted(self) -> np.ndarray:
        return np.asarray(self.result.fittedvalues, dtype=float)

    @property
    def residuals(self) -> np.ndarray:
        return np.asarray(self.result.resid, dtype=float)

    @property
    def residual_std(self) -> float:
        return float(np.sqrt(np.sum(self.residuals**2) / (self.n - self.n_params)))

    def forecast(self, horizon: int, confidence: float) -> IntervalForecast:
        """Point forecasts and the ETS prediction intervals for L = 1..horizon."""
        frame = self.result.get_prediction(start=self.n, end=self.n + horizon - 1) \
            .summary_frame(alpha=1.0 - confidence)
        return IntervalForecast(np.arange(1, horizon + 1), frame["mean"].to_numpy(),
                                frame["pi_lower"].to_numpy(), frame["pi_upper"].to_numpy(),
                                factor=np.full(horizon, np.nan), confidence=confidence)


def fit_adaptive(name: str, y: np.ndarray) -> AdaptiveFit:
    """Fit ``ses`` (ETS ANN, Brown) or ``holt`` (ETS AAN) by maximum likelihood."""
    if name not in ADAPTIVE_METHODS:
        raise ConfigError(f"forecast.models: unknown adaptive method '{name}' "
                          f"(choose from {', '.join(ADAPTIVE_METHODS)})")
    y = np.asarray(y, dtype=float)
    if y.size < 10 or not np.all(np.isfinite(y)):
        raise DataError(f"{name}: need at least 10 finite values (got {y.size})")
    model = ETSModel(pd.Series(y), error="add", trend=ADAPTIVE_METHODS[name])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # optimiser convergence chatter; the fit is checked below
        result = model.fit(disp=False)
    if not np.all(np.isfinite(np.asarray(result.params))):
        raise DataError(f"{name}: the exponential-smoothing fit did not converge")
    return AdaptiveFit(name, result, y)
