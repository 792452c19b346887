"""The benchmarks every forecast must beat: the naive forecast and the random walk with drift
(Hyndman & Athanasopoulos, *Forecasting: Principles and Practice*, 3rd ed., §5.2 and §5.5;
R's ``naive()`` and ``rwf(drift = TRUE)``).

naive:  ŷ_{n+h} = y_n,            e_t = y_t − y_{t−1},        v_h = h
drift:  ŷ_{n+h} = y_n + h b,      b = (y_n − y_1)/(n − 1),     e_t = y_t − y_{t−1} − b,
        v_h = h (1 + h/(n − 1))   (the slope's own uncertainty added)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synthvol.errors import DataError
from synthvol.forecast.onestep import OneStepFit

MIN_LENGTH = 3


def _series(name: str, y: np.ndarray) -> np.ndarray:
    y = np.asarray(y, dtype=float)
    if y.ndim != 1 or y.size < MIN_LENGTH or not np.all(np.isfinite(y)):
        raise DataError(f"{name}: need at least {MIN_LENGTH} finite values (got {y.size})")
    return y


@dataclass(frozen=True)
class RandomWalkFit(OneStepFit):
    """A random walk, with drift ``drift`` (0 for the naive forecast)."""

    drift: float

    def point_forecast(self, horizon: int) -> np.ndarray:
        return self.y[-1] + self.drift * np.arange(1, horizon + 1)

    def variance_factors(self, horizon: int) -> np.ndarray:
        h = np.arange(1, horizon + 1, dtype=float)
        return h * (1.0 + h / (self.n - 1)) if self.n_params else h


def fit_naive(y: np.ndarray) -> RandomWalkFit:
    """The naive forecast: tomorrow as today."""
    y = _series("naive", y)
    errors = np.concatenate([[np.nan], np.diff(y)])
    return RandomWalkFit("naive", y, errors, {}, 0, "closed form", 0.0)


def fit_drift(y: np.ndarray) -> RandomWalkFit:
    """The random walk with drift: the naive forecast plus the mean step."""
    y = _series("drift", y)
    drift = float((y[-1] - y[0]) / (y.size - 1))
    errors = np.concatenate([[np.nan], np.diff(y) - drift])
    return RandomWalkFit("drift", y, errors, {"drift": drift}, 1, "closed form", drift)
