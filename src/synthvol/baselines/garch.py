"""GARCH(p, q) baseline with ``arch``: fit, variance forecasts, conditional volatility,
simulated paths.

Following ``arch``'s convention, ``p`` is the number of lagged squared shocks (α) and ``q``
the number of lagged variances (β). Returns are multiplied by ``rescale`` (100: percent)
before fitting, as ``arch`` recommends for optimiser stability; everything this module
returns is back in the units of the returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from arch import arch_model
from scipy import stats

from synthvol.baselines.forecasts import forecast_frame
from synthvol.declare import param


@dataclass(frozen=True)
class GARCHSettings:
    """The GARCH baseline's settings (the study's: ``baselines.garch`` in params.yaml)."""

    p: int = param("lagged squared shocks (alpha terms)", ge=1, le=5)
    q: int = param("lagged conditional variances (beta terms)", ge=0, le=5)
    distribution: Literal["normal", "t"] = param("innovation distribution (t: standardised "
                                                 "Student t)")
    mean: Literal["Zero", "Constant"] = param("mean model of the returns")
    rescale: float = param("fit on rescale x returns (100: percent), as arch recommends", gt=0)


@dataclass(frozen=True)
class GARCHBaseline:
    """A fitted GARCH(p, q) with constant (or zero) mean, in rescaled units internally."""

    p: int
    q: int
    distribution: str
    mean_model: str
    rescale: float
    mu: float
    omega: float
    alpha: np.ndarray
    beta: np.ndarray
    nu: float | None
    loglik: float
    aic: float
    bic: float
    nobs: int
    last_resid: np.ndarray      # last p shocks (rescaled), oldest first
    last_variance: np.ndarray   # last q conditional variances (rescaled), oldest first

    @property
    def params(self) -> np.ndarray:
        """Parameters in ``arch``'s order: [mu,] omega, alpha…, beta…, [nu]."""
        head = [self.mu] if self.mean_model == "Constant" else []
        tail = [self.nu] if self.distribution == "t" else []
        return np.array([*head, self.omega, *self.alpha, *self.beta, *tail])

    def persistence(self) -> float:
        """Σα + Σβ: below 1 for a covariance-stationary GARCH."""
        return float(self.alpha.sum() + self.beta.sum())

    def summary(self) -> dict[str, object]:
        """JSON-ready fit summary (variances in squared return units)."""
        s2 = self.rescale ** 2
        uncond = self.omega / (1 - self.persistence()) / s2 if self.persistence() < 1 else None
        return {"model": f"GARCH({self.p},{self.q})", "distribution": self.distribution,
                "mean": self.mean_model, "rescale": self.rescale, "mu": self.mu / self.rescale,
                "omega": self.omega / s2, "alpha": self.alpha.tolist(),
                "beta": self.beta.tolist(), "nu": self.nu, "persistence": self.persistence(),
                "unconditional_variance": uncond, "loglik": self.loglik, "aic": self.aic,
                "bic": self.bic, "nobs": self.nobs}

    def _model(self, returns: np.ndarray):
        return arch_model(np.asarray(returns) * self.rescale, mean=self.mean_model, vol="GARCH",
                          p=self.p, q=self.q, dist=self.distribution, rescale=False)

    def conditional_volatility(self, returns: np.ndarray) -> np.ndarray:
        """σ_t over ``returns`` with the fitted parameters held fixed (return units)."""
        fixed = self._model(returns).fix(self.params)
        return np.asarray(fixed.conditional_volatility) / self.rescale

    def variance_forecast(self, horizon: int) -> np.ndarray:
        """Analytic forecasts of σ²_{n+h}, h = 1..horizon (squared return units)."""
        var = np.empty(horizon)
        shocks2 = list(self.last_resid ** 2)
        variances = list(self.last_variance)
        for h in range(horizon):
            v = self.omega + np.dot(self.alpha, shocks2[::-1][: self.p]) \
                + np.dot(self.beta, variances[::-1][: self.q])
            var[h] = v
            shocks2.append(v)        # E[ε²_{n+h}] = σ²_{n+h} beyond the sample
            variances.append(v)
        return var / self.rescale ** 2

    def forecast(self, horizon: int, level: float) -> pd.DataFrame:
        """Return forecasts with the conditional variance and intervals.

        Per-step intervals use the innovation distribution's quantile; cumulative ones use a
        normal approximation (shocks are uncorrelated, so variances add).
        """
        var = self.variance_forecast(horizon)
        mean = np.full(horizon, self.mu / self.rescale)
        table = forecast_frame(mean, np.sqrt(var), np.cumsum(mean), np.sqrt(np.cumsum(var)),
                               level)
        half = self._standard_quantile(0.5 + level / 2) * np.sqrt(var)
        table["lower"], table["upper"] = mean - half, mean + half
        table.insert(3, "variance", var)
        return table

    def _standard_quantile(self, prob: float) -> float:
        if self.distribution == "t":
            return float(stats.t.ppf(prob, self.nu) * np.sqrt((self.nu - 2) / self.nu))
        return float(stats.norm.ppf(prob))

    def _standard_shocks(self, rng: np.random.Generator, size: tuple[int, int]) -> np.ndarray:
        if self.distribution == "t":
            return rng.standard_t(self.nu, size) * np.sqrt((self.nu - 2) / self.nu)
        return rng.standard_normal(size)

    def simulate(self, n_paths: int, length: int, rng: np.random.Generator) -> np.ndarray:
        """``(n_paths, length)`` returns continuing from the end of the fitted sample."""
        z = self._standard_shocks(rng, (n_paths, length))
        shocks = np.tile(self.last_resid, (n_paths, 1))
        variances = np.tile(self.last_variance, (n_paths, 1))
        eps = np.empty((n_paths, length))
        for t in range(length):
            v = self.omega + (shocks[:, ::-1] ** 2) @ self.alpha \
                + variances[:, ::-1] @ self.beta
            eps[:, t] = np.sqrt(v) * z[:, t]
            shocks = np.column_stack([shocks[:, 1:], eps[:, t]])
            variances = np.column_stack([variances[:, 1:], v])
        return (self.mu + eps) / self.rescale


def fit_garch(returns: np.ndarray, settings: GARCHSettings) -> GARCHBaseline:
    """Fit GARCH(p, q) by maximum likelihood with ``arch``."""
    p, q, dist, mean, rescale = (settings.p, settings.q, settings.distribution, settings.mean,
                                 settings.rescale)
    y = np.asarray(returns, dtype=np.float64) * rescale
    res = arch_model(y, mean=mean, vol="GARCH", p=p, q=q, dist=dist,
                     rescale=False).fit(disp="off")
    params = res.params
    alpha = np.array([params[f"alpha[{i}]"] for i in range(1, p + 1)])
    beta = np.array([params[f"beta[{j}]"] for j in range(1, q + 1)])
    resid = np.asarray(res.resid)
    cvar = np.asarray(res.conditional_volatility) ** 2
    return GARCHBaseline(
        p=p, q=q, distribution=dist, mean_model=mean, rescale=rescale,
        mu=float(params["mu"]) if mean == "Constant" else 0.0, omega=float(params["omega"]),
        alpha=alpha, beta=beta, nu=float(params["nu"]) if dist == "t" else None,
        loglik=float(res.loglikelihood), aic=float(res.aic), bic=float(res.bic),
        nobs=int(res.nobs), last_resid=resid[-p:].copy(), last_variance=cvar[-q:].copy())
