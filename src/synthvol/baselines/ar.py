"""AR(p) baseline: statsmodels ``AutoReg`` fit, interval forecasts and simulated paths."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from statsmodels.tsa.ar_model import AutoReg, ar_select_order

from synthvol.baselines.forecasts import forecast_frame
from synthvol.declare import param


@dataclass(frozen=True)
class ARSettings:
    """The AR baseline's settings (the study's: ``baselines.ar`` in params.yaml)."""

    order: int = param("AutoReg lags p", ge=1, le=100)
    select_by_aic: bool = param("choose the order by AIC up to max_order instead")
    max_order: int = param("largest order the AIC search tries", ge=1, le=100)
    trend: Literal["n", "c"] = param("n: no constant; c: a constant c")


@dataclass(frozen=True)
class ARBaseline:
    """A fitted AR(p): ``r_t = c + Σ_i a_i r_{t-i} + σ e_t`` with Gaussian ``e_t``."""

    order: int
    const: float
    coefs: np.ndarray          # a_1..a_p
    sigma: float               # innovation standard deviation
    aic: float
    bic: float
    nobs: int
    history: np.ndarray        # the last p observations, oldest first

    def summary(self) -> dict[str, object]:
        """JSON-ready fit summary."""
        return {"model": f"AR({self.order})", "order": self.order, "const": self.const,
                "coefs": self.coefs.tolist(), "sigma": self.sigma, "aic": self.aic,
                "bic": self.bic, "nobs": self.nobs,
                "stationary": bool(np.all(np.abs(self.roots()) > 1.0))}

    def roots(self) -> np.ndarray:
        """Roots of the AR polynomial ``1 − a_1 z − … − a_p z^p``."""
        return np.roots(np.r_[-self.coefs[::-1], 1.0])

    def psi_weights(self, horizon: int) -> np.ndarray:
        """MA(∞) weights ψ_0..ψ_{horizon−1} (ψ_0 = 1) for forecast variances."""
        psi = np.zeros(horizon)
        psi[0] = 1.0
        for j in range(1, horizon):
            k = min(j, self.order)
            psi[j] = np.dot(self.coefs[:k], psi[j - 1::-1][:k])
        return psi

    def forecast(self, horizon: int, level: float) -> pd.DataFrame:
        """Point forecasts and Gaussian intervals of the next ``horizon`` returns and their sums."""
        path = list(self.history)
        means = []
        for _ in range(horizon):
            lagged = np.array(path[-self.order:][::-1])
            means.append(self.const + float(np.dot(self.coefs, lagged)))
            path.append(means[-1])
        psi = self.psi_weights(horizon)
        se = self.sigma * np.sqrt(np.cumsum(psi ** 2))
        # The shock at step j moves the cumulative return by Σ_{i<=h-j} ψ_i.
        cum_se = self.sigma * np.sqrt(np.cumsum(np.cumsum(psi) ** 2))
        mean = np.asarray(means)
        return forecast_frame(mean, se, np.cumsum(mean), cum_se, level)

    def simulate(self, n_paths: int, length: int, rng: np.random.Generator) -> np.ndarray:
        """``(n_paths, length)`` returns continuing from the end of the fitted sample."""
        p = self.order
        paths = np.empty((n_paths, p + length))
        paths[:, :p] = self.history
        shocks = rng.standard_normal((n_paths, length)) * self.sigma
        for t in range(length):
            paths[:, p + t] = self.const + paths[:, t:p + t] @ self.coefs[::-1] + shocks[:, t]
        return paths[:, p:]


def fit_ar(returns: np.ndarray, settings: ARSettings) -> ARBaseline:
    """Fit AR(``order``) by conditional least squares, or choose the order by AIC."""
    y = np.asarray(returns, dtype=np.float64)
    order, trend = settings.order, settings.trend
    if settings.select_by_aic:
        selected = ar_select_order(y, maxlag=settings.max_order, ic="aic", trend=trend)
        order = max(selected.ar_lags) if selected.ar_lags else 1
    result = AutoReg(y, lags=order, trend=trend).fit()
    params = np.asarray(result.params)
    const = float(params[0]) if trend == "c" else 0.0
    coefs = params[1:] if trend == "c" else params
    return ARBaseline(order=int(order), const=const, coefs=np.asarray(coefs, dtype=np.float64),
                      sigma=float(np.sqrt(result.sigma2)), aic=float(result.aic),
                      bic=float(result.bic), nobs=int(result.nobs), history=y[-order:].copy())
