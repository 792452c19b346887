"""Accuracy of forecasts on a held-out tail (Dubrova §4.3) and the mean absolute scaled
error (Hyndman & Koehler 2006).

Errors follow the textbook's sign: Δ_t = ŷ_t − y_t (positive = over-forecast) and
δ_t = Δ_t / y_t · 100%. MASE = mean |Δ_t| / Q with Q = (1/(n − 1)) Σ_{t=2}^{n} |y_t − y_{t−1}|,
the in-sample MAE of the naive forecast on the data the model was fitted to: below 1 the
model beats the naive one-step forecast in-sample, and it compares across series scales.
Coverage at level c: the share of actual values inside the c interval forecasts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from synthvol.errors import DataError


def naive_scale(training: np.ndarray) -> float:
    """Q = mean |y_t − y_{t−1}| over the training series (the MASE denominator)."""
    y = np.asarray(training, dtype=float)
    if y.size < 2:
        raise DataError(f"MASE: need at least 2 training values (got {y.size})")
    scale = float(np.mean(np.abs(np.diff(y))))
    if not scale > 0:
        raise DataError("MASE: the training series is constant, so the naive MAE is 0")
    return scale


def level_label(level: float) -> str:
    """'80' for a 0.8 interval: the suffix of the lower_/upper_/coverage_ columns."""
    return f"{level * 100:g}"


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
    mase: float                 # (1/m) Σ |Δ_t| / Q        (Hyndman & Koehler 2006)
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
             n_params: int, scale: np.ndarray | float) -> Accuracy:
    """All measures for one model's forecasts of ``actual`` with their interval bounds.

    ``scale``: Q of each forecast's training data (one value, or one per forecast when
    the forecasts come from several origins).
    """
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
                    mase=float(np.mean(np.abs(delta) / np.asarray(scale, dtype=float))),
                    s2=sse / m, s=float(np.sqrt(sse / m)), s2_dof=s2_dof,
                    s_dof=float(np.sqrt(s2_dof)), hits=hits, misses=m - hits, mu=hits / m)


def coverage(actual: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> float:
    """Share of actual values inside [lower, upper]."""
    y = np.asarray(actual, dtype=float)
    return float(np.mean((y >= np.asarray(lower)) & (y <= np.asarray(upper))))


def accuracy_table(forecasts: pd.DataFrame, n_params: Mapping[str, int],
                   levels: Sequence[float], by: Sequence[str] = ("model",)) -> pd.DataFrame:
    """Accuracy per group of a long table (model, actual, forecast, lower, upper, scale,
    lower_<c>, upper_<c> for each coverage level c), with coverage_<c> columns."""
    rows = []
    for key, group in forecasts.groupby(list(by), sort=False):
        key = dict(zip(by, key if isinstance(key, tuple) else (key,)))
        result = accuracy(group["actual"], group["forecast"], group["lower"], group["upper"],
                          n_params[key["model"]], group["scale"])
        covered = {f"coverage_{level_label(c)}":
                   coverage(group["actual"], group[f"lower_{level_label(c)}"],
                            group[f"upper_{level_label(c)}"]) for c in levels}
        rows.append({**key, **result.to_dict(), **covered})
    return pd.DataFrame(rows)
