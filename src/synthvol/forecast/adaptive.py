"""Exponential smoothing as additive-error ETS models fitted to their maximum likelihood
(Dubrova ch. 5; Hyndman, Koehler, Ord & Snyder 2008, ch. 2–3).

======  ===========  =====================================================
name    ETS          method
======  ===========  =====================================================
ses     (A,N,N)      simple exponential smoothing
holt    (A,A,N)      Holt's linear method
damped  (A,Ad,N)     Gardner & McKenzie's damped trend
======  ===========  =====================================================

The Gaussian log-likelihood of additive errors is −m/2 (log(2π Σe_t²/m) + 1), so the MLE
minimises the one-step sum of squares. Because the errors are linear in the initial
states, those are profiled out exactly (:func:`synthvol.forecast.kernels.profile_sse`);
the smoothing parameters are then found by a grid over their whole admissible region
(statsmodels' bounds: 1e-4 ≤ α ≤ 0.9999, 1e-4 α ≤ β ≤ 0.9999 α, 0.8 ≤ φ ≤ 0.98; R's
``ets`` differs only in β ≥ 1e-4) followed by bounded
Nelder–Mead from the best grid points and from a warm start (the previous origin's
estimate) when given. (Nelder–Mead rather than L-BFGS-B: the latter's BLAS calls cost
milliseconds each on a loaded machine, and the problem has at most three dimensions.) This
reaches the global optimum where statsmodels' single default start stops early (Holt on
the monthly S&P: β stuck at its bound 1e-4).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize

from synthvol.errors import DataError
from synthvol.forecast.onestep import OneStepFit
from synthvol.progress import get_logger

BOUND_LOW, BOUND_HIGH = 1e-4, 0.9999
PHI_LOW, PHI_HIGH = 0.8, 0.98
ETS_METHODS = {"ses": (False, False), "holt": (True, False), "damped": (True, True)}
GRID_SIZES = (25, 15, 8)    # α, β/α, φ grid points over the admissible region
POLISHED_STARTS = 3
MIN_LENGTH = 10


def _unit_to_params(u: np.ndarray, has_trend: bool, damped: bool) -> tuple[np.ndarray, ...]:
    """Map points of the unit cube to (α, β, φ) inside the bounds (β = α · ratio)."""
    u = np.atleast_2d(u)
    alpha = BOUND_LOW + u[:, 0] * (BOUND_HIGH - BOUND_LOW)
    ratio = BOUND_LOW + u[:, 1] * (BOUND_HIGH - BOUND_LOW)
    beta = alpha * ratio if has_trend else np.zeros_like(alpha)
    phi = PHI_LOW + u[:, 2] * (PHI_HIGH - PHI_LOW) if damped else np.ones_like(alpha)
    return alpha, beta, phi


def _params_to_unit(alpha: float, beta: float, phi: float, dims: int) -> np.ndarray:
    u = [(alpha - BOUND_LOW) / (BOUND_HIGH - BOUND_LOW),
         (beta / alpha - BOUND_LOW) / (BOUND_HIGH - BOUND_LOW),
         (phi - PHI_LOW) / (PHI_HIGH - PHI_LOW)]
    return np.clip(np.array(u[:dims]), 0.0, 1.0)


@dataclass(frozen=True)
class ETSFit(OneStepFit):
    """ETS(A,N,N), (A,A,N) or (A,Ad,N) at its maximum likelihood, with final states."""

    alpha: float
    beta: float
    phi: float
    level: float                # l_n
    trend: float                # b_n

    def _damped_sums(self, horizon: int) -> np.ndarray:
        """φ + φ² + … + φ^h for h = 1..horizon (h itself when φ = 1)."""
        return np.cumsum(self.phi ** np.arange(1, horizon + 1))

    def point_forecast(self, horizon: int) -> np.ndarray:
        return self.level + self._damped_sums(horizon) * self.trend

    def variance_factors(self, horizon: int) -> np.ndarray:
        """v_h = 1 + Σ_{j=1}^{h−1} (α + β(φ + … + φ^j))²  (Hyndman et al. 2008, Table 6.1)."""
        c = self.alpha + self.beta * self._damped_sums(horizon - 1)
        return 1.0 + np.concatenate([[0.0], np.cumsum(c**2)])


def _objective(u: np.ndarray, y: np.ndarray, has_trend: bool, damped: bool) -> float:
    from synthvol.forecast.kernels import profile_sse

    alpha, beta, phi = _unit_to_params(u, has_trend, damped)
    return float(np.log(profile_sse(y, alpha, beta, phi, has_trend)[0][0]))


def fit_ets(name: str, y: np.ndarray, previous: ETSFit | None = None) -> ETSFit:
    """Fit ``ses``, ``holt`` or ``damped`` by maximum likelihood (see the module docstring)."""
    from synthvol.forecast.kernels import ets_filter, profile_sse

    has_trend, damped = ETS_METHODS[name]
    y = np.asarray(y, dtype=float)
    if y.size < MIN_LENGTH or not np.all(np.isfinite(y)):
        raise DataError(f"{name}: need at least {MIN_LENGTH} finite values (got {y.size})")
    dims = 1 + has_trend + damped
    axes = [np.linspace(0.0, 1.0, size) for size in GRID_SIZES[:dims]]
    grid = np.stack([a.ravel() for a in np.meshgrid(*axes, indexing="ij")], axis=1)
    grid = np.column_stack([grid, np.zeros((grid.shape[0], 3 - dims))])
    sse = profile_sse(y, *_unit_to_params(grid, has_trend, damped), has_trend)[0]
    starts = [grid[i, :dims] for i in np.argsort(sse)[:POLISHED_STARTS]]
    if previous is not None:
        starts.append(_params_to_unit(previous.alpha, previous.beta, previous.phi, dims))
    best = None
    for start in starts:
        result = optimize.minimize(
            lambda v: _objective(np.concatenate([v, np.zeros(3 - dims)]), y, has_trend, damped),
            start, method="Nelder-Mead", bounds=[(0.0, 1.0)] * dims,
            options={"xatol": 1e-7, "fatol": 1e-12, "maxiter": 2000})
        if best is None or result.fun < best.fun:
            best = result
    u = np.concatenate([best.x, np.zeros(3 - dims)])
    alpha, beta, phi = (float(v[0]) for v in _unit_to_params(u, has_trend, damped))
    _, level0, trend0 = profile_sse(y, np.array([alpha]), np.array([beta]), np.array([phi]),
                                    has_trend)
    errors, level, trend = ets_filter(y, alpha, beta, phi, float(level0[0]), float(trend0[0]))
    names = ["alpha", "beta", "phi"][:dims]
    at_bound = [f"{n} at {'lower' if v < 1e-6 else 'upper'} bound"
                for n, v in zip(names, best.x) if v < 1e-6 or v > 1.0 - 1e-6]
    status = "converged" if best.success else f"not converged ({best.message})"
    convergence = "; ".join([f"{status} from {len(starts)} starts", *at_bound])
    params = {"smoothing_level": alpha}
    if has_trend:
        params["smoothing_trend"] = beta
    if damped:
        params["damping_trend"] = phi
    params["initial_level"] = float(level0[0])
    if has_trend:
        params["initial_trend"] = float(trend0[0])
    if not best.success:
        get_logger("forecast").warning("%s: %s", name, convergence)
    return ETSFit(name, y, errors, params, len(params), convergence, alpha, beta, phi,
                  float(level), float(trend))
