"""Statistics of return series that a synthetic source should share with the real one.

Every function takes log returns (never prices) as an ``(n_paths, length)`` array — one row
per sample path or window — and returns plain numbers or arrays:

* :func:`return_moments` — mean, std, skewness and excess kurtosis of the pooled returns;
* :func:`mean_acf`, :func:`mean_pacf` — ACF / PACF pooled over paths (of returns, or of
  absolute returns with ``absolute=True``): statsmodels' estimators for one path;
* :func:`stylized_facts` — heavy tails (excess kurtosis, Hill tail index), volatility
  clustering (ACF of ``|r|``), the leverage effect (``corr(r_t, |r_{t+k}|)``) and
  aggregational Gaussianity (excess kurtosis of ``m``-step returns).

Paths of different lengths are compared by first cutting them into windows of one common
length (:func:`as_windows`): the ACF estimator shrinks lag k by ``(L − k) / L`` on windows of
L steps, and only windows of equal length share that shrinkage.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
from statsmodels.tsa.stattools import levinson_durbin

from synthvol.errors import DataError


def as_paths(returns: np.ndarray) -> np.ndarray:
    """Returns as a float ``(n_paths, length)`` array (a 1-D series is one path)."""
    arr = np.asarray(returns, dtype=np.float64)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.size == 0:
        raise DataError(f"returns must be a series or an (n_paths, length) array, got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise DataError("returns contain NaN or infinite values")
    return arr


def as_windows(returns: np.ndarray, length: int, stride: int | None = None) -> np.ndarray:
    """Cut every path into windows of ``length`` steps, ``stride`` apart (default: disjoint).

    A path shorter than ``length`` is an error; the tail that does not fill a window is
    dropped.
    """
    paths = as_paths(returns)
    if paths.shape[1] < length:
        raise DataError(f"paths of {paths.shape[1]} steps are shorter than one window of {length}")
    stride = length if stride is None else int(stride)
    view = np.lib.stride_tricks.sliding_window_view(paths, length, axis=1)[:, ::stride]
    return np.ascontiguousarray(view.reshape(-1, length))


@dataclass(frozen=True)
class Moments:
    """Moments of pooled returns (std with ``ddof=1``; skewness and kurtosis not bias-corrected,
    as ``scipy.stats.skew`` / ``kurtosis`` with their defaults)."""

    n: int
    mean: float
    std: float
    skewness: float
    excess_kurtosis: float
    min: float
    max: float

    def to_dict(self) -> dict[str, float]:
        """Plain values for a table row."""
        return asdict(self)


def return_moments(returns: np.ndarray) -> Moments:
    """Moments of all returns of all paths pooled together."""
    r = as_paths(returns).ravel()
    centred = r - r.mean()
    m2 = np.mean(centred ** 2)
    if not m2 > 0:
        raise DataError("returns are constant: skewness and kurtosis are undefined")
    return Moments(
        n=int(r.size), mean=float(r.mean()), std=float(np.std(r, ddof=1)),
        skewness=float(np.mean(centred ** 3) / m2 ** 1.5),
        excess_kurtosis=float(np.mean(centred ** 4) / m2 ** 2 - 3.0),
        min=float(r.min()), max=float(r.max()))


def _check_lags(nlags: int, length: int) -> None:
    if not 1 <= nlags < length:
        raise DataError(f"ACF lags must be in 1..{length - 1} for paths of {length} steps, "
                        f"got {nlags}")


def panel_autocovariance(returns: np.ndarray, nlags: int, absolute: bool = False) -> np.ndarray:
    """Autocovariances at lags 0..nlags pooled over paths (of ``|r|`` when ``absolute``).

    One mean for all paths; at lag k the products of every pair ``(t, t+k)`` within a path
    are summed over paths and divided by the total number of values (statsmodels'
    ``acovf`` with ``adjusted=False``, which it equals for one path; positive definite).
    """
    paths = as_paths(returns)
    _check_lags(nlags, paths.shape[1])
    if absolute:
        paths = np.abs(paths)
    centred = paths - paths.mean()
    return np.array([np.sum(centred[:, : paths.shape[1] - k] * centred[:, k:])
                     for k in range(nlags + 1)]) / centred.size


def mean_acf(returns: np.ndarray, nlags: int, absolute: bool = False) -> np.ndarray:
    """ACF at lags 0..nlags averaged over paths: pooled autocovariances over the pooled
    variance (statsmodels' ``acf`` for one path).

    Pooling, rather than averaging each path's own ACF, keeps the differences in level
    between paths: on 60-step windows a per-window ACF demeans away the volatility level and
    hides most of the volatility clustering.
    """
    acov = panel_autocovariance(returns, nlags, absolute)
    if not acov[0] > 0:
        raise DataError("returns are constant: autocorrelations are undefined")
    return acov / acov[0]


def mean_pacf(returns: np.ndarray, nlags: int) -> np.ndarray:
    """PACF at lags 0..nlags from the pooled autocovariances by the Levinson–Durbin recursion
    (statsmodels; for one path, ``pacf(method="ywm")``)."""
    acov = panel_autocovariance(returns, nlags)
    if not acov[0] > 0:
        raise DataError("returns are constant: autocorrelations are undefined")
    return np.asarray(levinson_durbin(acov, nlags=nlags, isacov=True)[2], dtype=np.float64)


def hill_tail_index(returns: np.ndarray, tail_fraction: float) -> float:
    """Hill estimator of the tail index α of ``|r|`` from its ``k = ⌈tail_fraction·n⌉``
    largest values: ``1 / mean(log(X_(i) / X_(k+1)))``, i = 1..k (smaller α = heavier tail)."""
    x = np.sort(np.abs(as_paths(returns).ravel()))[::-1]
    k = math.ceil(tail_fraction * x.size)
    if not 1 <= k < x.size or not x[k] > 0:
        raise DataError(f"Hill estimator needs 1 <= k < n and a positive threshold "
                        f"(k={k}, n={x.size})")
    return float(1.0 / np.mean(np.log(x[:k] / x[k])))


def leverage(returns: np.ndarray, lag: int) -> float:
    """``corr(r_t, |r_{t+lag}|)`` over all pairs within the paths (negative for equities)."""
    paths = as_paths(returns)
    if not 1 <= lag < paths.shape[1]:
        raise DataError(f"leverage lag must be in 1..{paths.shape[1] - 1}, got {lag}")
    return float(np.corrcoef(paths[:, :-lag].ravel(), np.abs(paths[:, lag:]).ravel())[0, 1])


def aggregated_excess_kurtosis(returns: np.ndarray, steps: int) -> float:
    """Excess kurtosis of ``steps``-step log returns (disjoint sums within each path)."""
    paths = as_paths(returns)
    n_blocks = paths.shape[1] // steps
    if n_blocks < 1:
        raise DataError(f"paths of {paths.shape[1]} steps hold no {steps}-step block")
    blocks = paths[:, : n_blocks * steps].reshape(paths.shape[0], n_blocks, steps).sum(axis=2)
    return return_moments(blocks).excess_kurtosis


@dataclass(frozen=True)
class StylizedFacts:
    """Stylized facts of one source (see the module docstring)."""

    excess_kurtosis: float
    hill_tail_index: float
    acf_returns_lag1: float
    acf_abs_lag1: float
    acf_abs_mean: float          # mean ACF of |r| over lags 1..k
    leverage_lag1: float
    leverage_mean: float         # mean corr(r_t, |r_{t+j}|) over j = 1..k
    aggregated_excess_kurtosis: float

    def to_dict(self) -> dict[str, float]:
        """Plain values for a table row."""
        return asdict(self)


def stylized_facts(windows: np.ndarray, clustering_lags: int, tail_fraction: float,
                   aggregation_steps: int) -> StylizedFacts:
    """Stylized facts of ``(n, length)`` windows; ``clustering_lags`` = k above."""
    acf_r = mean_acf(windows, clustering_lags)
    acf_abs = mean_acf(windows, clustering_lags, absolute=True)
    lev = [leverage(windows, k) for k in range(1, clustering_lags + 1)]
    return StylizedFacts(
        excess_kurtosis=return_moments(windows).excess_kurtosis,
        hill_tail_index=hill_tail_index(windows, tail_fraction),
        acf_returns_lag1=float(acf_r[1]),
        acf_abs_lag1=float(acf_abs[1]),
        acf_abs_mean=float(acf_abs[1:].mean()),
        leverage_lag1=lev[0],
        leverage_mean=float(np.mean(lev)),
        aggregated_excess_kurtosis=aggregated_excess_kurtosis(windows, aggregation_steps))
