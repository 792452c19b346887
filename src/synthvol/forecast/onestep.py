"""Common ground of the recursive forecasters (benchmarks, ETS, Brown's models).

Each is described by its one-step errors e_t = y_t − ŷ_{t|t−1}, its point forecasts and
the h-step error variance σ² v_h, where v_h is a property of the model (v_h = Σ_{j<h} ψ_j²
for a linear model with ψ-weights ψ_j). Interval forecasts are ŷ_{n+h} ± z σ̂ √v_h with
σ̂² = Σe_t² / (m − k) over the m defined errors and k estimated parameters, as R's
forecast package does for ETS and the random walks.

Their errors are recursive functions of lagged values of the series, so the Durbin–Watson
test does not apply to them (``autoregressive = True``): independence is checked by
Ljung–Box instead.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np
from scipy import stats

from synthvol.forecast.curves import IntervalForecast


@dataclass(frozen=True)
class OneStepFit(ABC):
    """A fitted recursive forecaster: one-step errors, parameters, convergence status."""

    name: str
    y: np.ndarray
    errors: np.ndarray          # e_t, NaN where the method defines none (t = 1 of a walk)
    params: dict[str, float]
    n_params: int
    convergence: str

    autoregressive = True
    design = None

    @property
    def n(self) -> int:
        return self.y.size

    @property
    def residuals(self) -> np.ndarray:
        return self.errors

    @property
    def fitted(self) -> np.ndarray:
        return self.y - self.errors

    @property
    def defined_errors(self) -> np.ndarray:
        return self.errors[np.isfinite(self.errors)]

    @property
    def residual_std(self) -> float:
        """σ̂ = sqrt(Σe_t² / (m − k))."""
        e = self.defined_errors
        return float(np.sqrt(np.sum(e**2) / (e.size - self.n_params)))

    @property
    def loglik(self) -> float:
        """Gaussian log-likelihood of the one-step errors at σ² = Σe_t²/m (its maximum)."""
        e = self.defined_errors
        return float(-0.5 * e.size * (np.log(2.0 * np.pi * np.mean(e**2)) + 1.0))

    @abstractmethod
    def point_forecast(self, horizon: int) -> np.ndarray:
        """ŷ_{n+h} for h = 1..horizon."""

    @abstractmethod
    def variance_factors(self, horizon: int) -> np.ndarray:
        """v_h with Var(y_{n+h} − ŷ_{n+h}) = σ² v_h, h = 1..horizon."""

    def forecast(self, horizon: int, confidence: float) -> IntervalForecast:
        """Point forecasts and normal prediction intervals for L = 1..horizon."""
        point = self.point_forecast(horizon)
        half = (stats.norm.ppf(0.5 + confidence / 2.0) * self.residual_std
                * np.sqrt(self.variance_factors(horizon)))
        return IntervalForecast(np.arange(1, horizon + 1), point, point - half, point + half,
                                factor=np.full(horizon, np.nan), confidence=confidence)


def variance_from_psi(psi: np.ndarray) -> np.ndarray:
    """v_h = Σ_{j=0}^{h−1} ψ_j² for ψ-weights ψ_0 = 1, ψ_1, …"""
    return np.cumsum(np.asarray(psi, dtype=float) ** 2)
