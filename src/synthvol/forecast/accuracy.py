"""Accuracy of forecasts on a held-out tail (Dubrova §4.3).

Errors follow the textbook's sign: Δ_t = ŷ_t − y_t (positive = over-forecast) and
δ_t = Δ_t / y_t · 100%.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from synthvol.errors import DataError


def absolute_errors(actual: np.ndarray, forecast: np.ndarray) -> np.ndarray:
    """Δ_t = ŷ_t − y_t  (4.14)."""
    return np.asarray(forecast, dtype=float) - np.asarray(actual, dtype=float)


def relative_errors(actual: np.ndarray, forecast: np.ndarray) -> np.ndarray:
    """δ_t = (ŷ_t − y_t) / y_t · 100%  (4.15)."""
    return absolute_errors(actual, forecast) / np.asarray(actual, dtype=float) * 100.0


@dataclass(frozen=True)
class Accuracy:
    """The textbook's accuracy measures over m scored forecasts of a k-parameter model."""

    m: int
    k: int
    mean_error: float
    mae: float                  # (1/m) Σ |Δ_t|            (4.16)
    mape: float                 # (1/m) Σ |δ_t|, percent   (4.16)
    s2: float                   # Σ Δ_t² / m               (4.17)
    s: float
    s2_dof: float               # Σ Δ_t² / (m − k); NaN when m ≤ k
    s_dof: float
    hits: int                   # p: actual values inside the interval forecasts
    misses: int                 # q
    mu: float                   # µ = p / (p + q)          (4.18)

    def to_dict(self) -> dict[str, float]:
        return asdict(self)


def accuracy(actual: np.ndarray, forecast: np.ndarray, lower: np.ndarray, upper: np.ndarray,
             n_params: int) -> Accuracy:
    """All measures for one model's forecasts of ``actual`` with their interval bounds."""
    y = np.asarray(actual, dtype=float)
    arrays = [np.asarray(a, dtype=float) for a in (forecast, lower, upper)]
    if y.size == 0 or any(a.shape != y.shape for a in arrays):
        raise DataError(f"accuracy: actual values ({y.shape}) and forecasts "
                        f"({[a.shape for a in arrays]}) must be non-empty and match")
    point, lo, hi = arrays
    delta = absolute_errors(y, point)
    sse = float(np.sum(delta**2))
    m = y.size
    s2_dof = sse / (m - n_params) if m > n_params else np.nan
    hits = int(np.sum((y >= lo) & (y <= hi)))
    return Accuracy(m=m, k=n_params, mean_error=float(delta.mean()),
                    mae=float(np.abs(delta).mean()),
                    mape=float(np.abs(relative_errors(y, point)).mean()),
                    s2=sse / m, s=float(np.sqrt(sse / m)), s2_dof=s2_dof,
                    s_dof=float(np.sqrt(s2_dof)), hits=hits, misses=m - hits, mu=hits / m)


def accuracy_table(forecasts: pd.DataFrame, n_params: dict[str, int]) -> pd.DataFrame:
    """Accuracy per model from a long table (model, actual, forecast, lower, upper)."""
    rows = []
    for model, group in forecasts.groupby("model", sort=False):
        result = accuracy(group["actual"], group["forecast"], group["lower"], group["upper"],
                          n_params[model])
        rows.append({"model": model, **result.to_dict()})
    return pd.DataFrame(rows)
