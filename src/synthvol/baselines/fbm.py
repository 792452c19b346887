"""Fractional Brownian motion baseline, done right.

Log prices follow ``log p_t = log p_0 + μ t + σ B_H(t)``, so returns are ``μ + σ G_t`` with
``G`` unit-variance fractional Gaussian noise (fGn), whose autocovariance is

    γ(k) = ½ (|k+1|^{2H} − 2|k|^{2H} + |k−1|^{2H}).

fGn is simulated exactly by the Davies–Harte circulant embedding (Davies & Harte 1987;
Dietrich & Newsam 1997), falling back to the Cholesky factor of the Toeplitz covariance when
the embedding has a negative eigenvalue. H is estimated from the data (DFA by default, see
:mod:`synthvol.baselines.hurst`) — unlike the seed notebook, whose "fBm" was a scaled
random walk with H fixed at 0.7.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import linalg

from synthvol.baselines.forecasts import forecast_frame
from synthvol.baselines.hurst import ESTIMATORS, HurstEstimate
from synthvol.declare import param


@dataclass(frozen=True)
class FBMSettings:
    """The fBm baseline's settings (the study's: ``baselines.fbm`` in params.yaml)."""

    hurst_estimator: Literal["dfa", "rs"] = param(
        "H by detrended fluctuation analysis (dfa) or rescaled range (rs)")
    hurst_series: Literal["returns", "abs_returns"] = param(
        "estimate H from returns (the fBm model of log price) or absolute returns")
    method: Literal["davies-harte", "cholesky"] = param(
        "fGn simulation: Davies-Harte circulant embedding (Cholesky fallback) or Cholesky")


def fbm_autocovariance(hurst: float, lags: np.ndarray | int) -> np.ndarray:
    """Autocovariance γ(k) of unit-variance fGn at integer lags ``k``."""
    k = np.abs(np.arange(lags) if np.isscalar(lags) else np.asarray(lags)).astype(np.float64)
    two_h = 2.0 * hurst
    return 0.5 * (np.abs(k + 1) ** two_h - 2 * k ** two_h + np.abs(k - 1) ** two_h)


def _circulant_eigenvalues(hurst: float, n: int) -> np.ndarray:
    gamma = fbm_autocovariance(hurst, n + 1)
    row = np.concatenate([gamma, gamma[-2:0:-1]])          # length 2n
    return np.fft.fft(row).real


def fgn(n: int, hurst: float, rng: np.random.Generator, n_paths: int = 1,
        method: str = "davies-harte") -> np.ndarray:
    """``(n_paths, n)`` exact unit-variance fractional Gaussian noise."""
    if not 0.0 < hurst < 1.0:
        raise ValueError(f"Hurst exponent must lie in (0, 1), got {hurst}")
    if method == "davies-harte":
        eig = _circulant_eigenvalues(hurst, n)
        if eig.min() >= -1e-10 * eig.max():
            m = len(eig)
            weights = np.sqrt(np.clip(eig, 0.0, None) / m)
            z = rng.standard_normal((n_paths, m)) + 1j * rng.standard_normal((n_paths, m))
            return np.fft.fft(weights * z, axis=1).real[:, :n]
    elif method != "cholesky":
        raise ValueError(f"unknown fGn method {method!r}")
    chol = linalg.cholesky(linalg.toeplitz(fbm_autocovariance(hurst, n)), lower=True)
    return rng.standard_normal((n_paths, n)) @ chol.T


@dataclass(frozen=True)
class FBMBaseline:
    """Returns as ``μ + σ·fGn(H)``, with H estimated from the data."""

    mu: float
    sigma: float
    hurst: HurstEstimate
    history: np.ndarray        # standardised recent returns, oldest first (for forecasts)
    method: str = "davies-harte"

    def summary(self) -> dict[str, object]:
        """JSON-ready fit summary."""
        return {"model": "fBm", "mu": self.mu, "sigma": self.sigma, "hurst": self.hurst.hurst,
                "hurst_estimator": self.hurst.method, "simulation": self.method,
                "hurst_regression": self.hurst.summary()}

    def simulate(self, n_paths: int, length: int, rng: np.random.Generator) -> np.ndarray:
        """``(n_paths, length)`` returns (fresh fGn paths; not conditioned on the past)."""
        return self.mu + self.sigma * fgn(length, self.hurst.hurst, rng, n_paths, self.method)

    def forecast(self, horizon: int, level: float) -> pd.DataFrame:
        """Gaussian conditional forecasts of the next returns given the stored history.

        Exact conditioning of the joint fGn covariance on the last ``len(history)`` points.
        """
        m = len(self.history)
        gamma = fbm_autocovariance(self.hurst.hurst, m + horizon)
        cov = linalg.toeplitz(gamma)
        past, future = slice(0, m), slice(m, m + horizon)
        solve = linalg.cho_solve(linalg.cho_factor(cov[past, past]), cov[past, future])
        cond_mean = solve.T @ self.history
        cond_cov = cov[future, future] - cov[future, past] @ solve
        ones = np.tril(np.ones((horizon, horizon)))
        cum_cov = ones @ cond_cov @ ones.T
        mean = self.mu + self.sigma * cond_mean
        return forecast_frame(mean, self.sigma * np.sqrt(np.diag(cond_cov)), np.cumsum(mean),
                              self.sigma * np.sqrt(np.diag(cum_cov)), level)


def fit_fbm(returns: np.ndarray, settings: FBMSettings, history: int = 500) -> FBMBaseline:
    """Estimate μ, σ and H from returns (see :class:`FBMSettings`); keep the last ``history``
    standardised returns."""
    r = np.asarray(returns, dtype=np.float64)
    mu, sigma = float(r.mean()), float(r.std(ddof=1))
    series = np.abs(r) if settings.hurst_series == "abs_returns" else r
    estimate = ESTIMATORS[settings.hurst_estimator](series)
    if not 0.0 < estimate.hurst < 1.0:
        estimate = HurstEstimate(float(np.clip(estimate.hurst, 0.01, 0.99)), estimate.method,
                                 estimate.scales, estimate.statistic, estimate.intercept)
    return FBMBaseline(mu, sigma, estimate, (r[-history:] - mu) / sigma, settings.method)
