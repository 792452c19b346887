"""Brown's adaptive polynomial models of order 1 (linear) and 2 (quadratic), one smoothing
constant α (Dubrova ch. 5; Brown 1963, *Smoothing, Forecasting and Prediction of Discrete
Time Series*, ch. 9; Brown & Meyer 1961, Oper. Res. 9: 673–685; in Russian, Lukashin 1979,
*Адаптивные методы краткосрочного прогнозирования*, ch. 2, on which Dubrova's chapter
builds). Order 0 is simple exponential smoothing (:mod:`synthvol.forecast.adaptive`).

Exponential averages of order k, with β = 1 − α:

    S_t^[1] = α y_t + β S_{t−1}^[1],     S_t^[k] = α S_t^[k−1] + β S_{t−1}^[k].

The forecast from t is ŷ_{t+τ} = â0 + â1 τ + â2 τ²/2 with (Brown's fundamental theorem)

    order 1:  â0 = 2S^[1] − S^[2],   â1 = (α/β)(S^[1] − S^[2]);
    order 2:  â0 = 3S^[1] − 3S^[2] + S^[3],
              â1 = α/(2β²) [(6 − 5α)S^[1] − 2(5 − 4α)S^[2] + (4 − 3α)S^[3]],
              â2 = (α/β)² (S^[1] − 2S^[2] + S^[3]).

Initial values (Brown–Meyer): the coefficients a_{i,0} of the polynomial fitted by OLS to
the first ``initial_periods`` levels (time counted so that t = 0 precedes the first level)
give S_0^[k]:

    order 1:  S_0^[1] = a0 − (β/α) a1,  S_0^[2] = a0 − 2(β/α) a1;
    order 2:  S_0^[1] = a0 − (β/α) a1 + β(2 − α)/(2α²) a2,
              S_0^[2] = a0 − 2(β/α) a1 + β(3 − 2α)/α² a2,
              S_0^[3] = a0 − 3(β/α) a1 + 3β(4 − 3α)/(2α²) a2.

α: the value in ``alpha`` if given, else the one minimising the in-sample one-step squared
errors over [0.01, 0.99] (a grid of step 0.01 refined to 0.0005), the criterion of least
error variance. Interval forecasts use the ψ-weights of the equivalent ARIMA(0, p+1, p+1)
with MA polynomial (1 − βB)^{p+1}, whose minimum-MSE forecasts Brown's order-p model gives.
*Source note:* chapter 5 is not among the seed documents, so the formulas follow Brown and
Lukashin, the sources that chapter names, rather than a page of Dubrova.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import comb

import numpy as np

from synthvol.declare import param
from synthvol.errors import DataError
from synthvol.forecast.onestep import OneStepFit, variance_from_psi

BROWN_ORDERS = {"brown_linear": 1, "brown_quadratic": 2}
ALPHA_RANGE = (0.01, 0.99)
ALPHA_STEP = 0.0005


def initial_coefficients(y: np.ndarray, order: int, periods: int) -> np.ndarray:
    """a_{i,0}: OLS of y_t on (1, t, t²/2), t = 1..periods, i.e. coefficients at t = 0."""
    t = np.arange(1.0, periods + 1.0)
    design = np.column_stack([t**i / (2.0 if i == 2 else 1.0) for i in range(order + 1)])
    return np.linalg.lstsq(design, y[:periods], rcond=None)[0]


def initial_averages(a: np.ndarray, alpha: np.ndarray, order: int) -> np.ndarray:
    """S_0^[k], k = 1..order+1 (Brown–Meyer), one column per α."""
    beta = 1.0 - alpha
    r = beta / alpha
    if order == 1:
        return np.stack([a[0] - r * a[1], a[0] - 2.0 * r * a[1]])
    q = beta / alpha**2
    return np.stack([a[0] - r * a[1] + q * (2.0 - alpha) / 2.0 * a[2],
                     a[0] - 2.0 * r * a[1] + q * (3.0 - 2.0 * alpha) * a[2],
                     a[0] - 3.0 * r * a[1] + 3.0 * q * (4.0 - 3.0 * alpha) / 2.0 * a[2]])


def coefficients(s: np.ndarray, alpha: np.ndarray, order: int) -> np.ndarray:
    """(â0, â1[, â2]) from the exponential averages (Brown's fundamental theorem)."""
    beta = 1.0 - alpha
    if order == 1:
        return np.stack([2.0 * s[0] - s[1], alpha / beta * (s[0] - s[1])])
    return np.stack([
        3.0 * s[0] - 3.0 * s[1] + s[2],
        alpha / (2.0 * beta**2) * ((6.0 - 5.0 * alpha) * s[0] - 2.0 * (5.0 - 4.0 * alpha) * s[1]
                                   + (4.0 - 3.0 * alpha) * s[2]),
        (alpha / beta) ** 2 * (s[0] - 2.0 * s[1] + s[2])])


def polynomial_forecast(coef: np.ndarray, tau: np.ndarray) -> np.ndarray:
    """â0 + â1 τ (+ â2 τ²/2) for each τ (rows) and coefficient column."""
    tau = np.asarray(tau, dtype=float)[:, None]
    value = coef[0] + coef[1] * tau
    return value + coef[2] * tau**2 / 2.0 if coef.shape[0] == 3 else value


def brown_filter(y: np.ndarray, alpha: np.ndarray, order: int,
                 a_initial: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One-step errors (α rows × n) and the final coefficients, for every α at once."""
    alpha = np.atleast_1d(np.asarray(alpha, dtype=float))
    s = initial_averages(a_initial, alpha, order)
    errors = np.empty((alpha.size, y.size))
    beta = 1.0 - alpha
    for t in range(y.size):
        errors[:, t] = y[t] - polynomial_forecast(coefficients(s, alpha, order), [1.0])[0]
        s[0] = alpha * y[t] + beta * s[0]
        for k in range(1, order + 1):
            s[k] = alpha * s[k - 1] + beta * s[k]
    return errors, coefficients(s, alpha, order)


def brown_psi(order: int, alpha: float, horizon: int) -> np.ndarray:
    """ψ-weights of ARIMA(0, d, d), d = order + 1, MA polynomial (1 − βB)^d."""
    d = order + 1
    ma = np.array([comb(d, j) * (-(1.0 - alpha)) ** j for j in range(d + 1)])
    integrate = np.array([comb(j + d - 1, d - 1) for j in range(horizon)], dtype=float)
    return np.convolve(ma, integrate)[:horizon]


@dataclass(frozen=True)
class BrownFit(OneStepFit):
    """Brown's order-1 or order-2 model: α, final coefficients, one-step errors."""

    order: int
    alpha: float
    coef: np.ndarray            # (â0, â1[, â2]) at t = n

    def point_forecast(self, horizon: int) -> np.ndarray:
        return polynomial_forecast(self.coef[:, None], np.arange(1, horizon + 1))[:, 0]

    def variance_factors(self, horizon: int) -> np.ndarray:
        return variance_from_psi(brown_psi(self.order, self.alpha, horizon))


def _least_squares_alpha(y: np.ndarray, order: int, a_initial: np.ndarray) -> float:
    """α minimising Σe_t²: a grid of step 0.01 over ALPHA_RANGE, then of ALPHA_STEP around
    its best point (each grid one vectorised pass of the recursion)."""
    grid = np.linspace(*ALPHA_RANGE, 99)
    for _ in range(2):
        sse = np.sum(brown_filter(y, grid, order, a_initial)[0] ** 2, axis=1)
        best = float(grid[int(np.argmin(sse))])
        grid = np.clip(best + np.arange(-20, 21) * ALPHA_STEP, *ALPHA_RANGE)
    return best


@dataclass(frozen=True)
class BrownSettings:
    """Brown's adaptive polynomial models' settings (the study's: ``forecast.brown`` in
    params.yaml)."""

    alpha: float | None = param("smoothing constant; null = least in-sample one-step squares",
                                gt=0, lt=1)
    initial_periods: int = param(
        "levels of the OLS polynomial giving the initial coefficients (more than order + 1, "
        "so the quadratic's fit has residual freedom)", ge=4, le=10000)


def fit_brown(name: str, y: np.ndarray, settings: BrownSettings) -> BrownFit:
    """Fit ``brown_linear`` or ``brown_quadratic`` (α fixed, or least one-step squares)."""
    order = BROWN_ORDERS[name]
    y = np.asarray(y, dtype=float)
    alpha, initial_periods = settings.alpha, settings.initial_periods
    if y.size < max(initial_periods, 10) or not np.all(np.isfinite(y)):
        raise DataError(f"{name}: need at least {max(initial_periods, 10)} finite values "
                        f"(got {y.size})")
    a_initial = initial_coefficients(y, order, initial_periods)
    if alpha is None:
        alpha = _least_squares_alpha(y, order, a_initial)
        edge = [f"alpha at {side} bound" for side, value in zip(("lower", "upper"), ALPHA_RANGE)
                if abs(alpha - value) < ALPHA_STEP]
        convergence = "; ".join([f"least squares (grid to {ALPHA_STEP:g})", *edge])
        n_params = order + 2
    else:
        convergence, n_params = "fixed alpha", order + 1
    errors, coef = brown_filter(y, np.array([alpha]), order, a_initial)
    coef = coef[:, 0]
    params = {"alpha": alpha, **{f"a{i}": float(c) for i, c in enumerate(coef)}}
    return BrownFit(name, y, errors[0], params, n_params, convergence, order, alpha, coef)
