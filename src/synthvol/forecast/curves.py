"""Growth curves and their interval forecasts (Dubrova, ch. 3–4).

Six curves of the time index t = 1, …, n:

==========================  ===========================  =================================
curve                       equation                      fitted by
==========================  ===========================  =================================
``linear``                  ŷ = a0 + a1 t                 OLS
``parabolic``               ŷ = a0 + a1 t + a2 t²         OLS
``exponential``             ŷ = a b^t                     OLS of ln y on t (on logs)
``modified_exponential``    ŷ = k + a b^t                 nonlinear least squares
``gompertz``                ŷ = k a^(b^t)                 nonlinear least squares
``logistic``                ŷ = k / (1 + a e^(−b t))      nonlinear least squares
==========================  ===========================  =================================

The interval forecast L steps ahead is ŷ_{n+L} ± t_α S_y K (textbook 4.1–4.7), with
S_y² = Σ(y_t − ŷ_t)²/(n − k) and t_α Student's two-sided quantile on n − k degrees of
freedom. K = sqrt(1 + x'(X'X)⁻¹x) for the regressor row x at t = n + L; for the linear trend
this is the textbook's (4.3), for the parabola (4.5) (:func:`k_linear`, :func:`k_parabolic`
give the closed forms), and for the exponential it is applied on logs and the bounds are
exponentiated. *Simplification:* for the three asymptotic curves the textbook only
sketches the scheme for a known asymptote; here X is the Jacobian of the least-squares fit
at the estimate (the usual local linearisation), which reduces to (4.3)/(4.5) for the
polynomial trends.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

import numpy as np
import pandas as pd
from scipy import optimize, stats

from synthvol.errors import ConfigError, DataError

GROWTH_CURVES = ("linear", "parabolic", "exponential", "modified_exponential", "gompertz",
                 "logistic")


def student_t(confidence: float, df: int, decimals: int | None = None) -> float:
    """Two-sided Student quantile t_α for ``confidence``; rounded like a printed table if asked."""
    value = float(stats.t.ppf(0.5 + confidence / 2.0, df))
    return round(value, decimals) if decimals is not None else value


def k_linear(n: int, horizon: int | np.ndarray) -> np.ndarray:
    """K of (4.3): sqrt(1 + 1/n + (n + L − t̄)² / Σ(t − t̄)²), t = 1..n."""
    t = np.arange(1, n + 1)
    t_bar = t.mean()
    t_l = n + np.asarray(horizon, dtype=float)
    return np.sqrt(1.0 + 1.0 / n + (t_l - t_bar) ** 2 / np.sum((t - t_bar) ** 2))


def k_parabolic(n: int, horizon: int | np.ndarray) -> np.ndarray:
    """K of (4.5), with time counted from the middle of the series (t̄ = 0).

    K² = 1 + t_L²/Σt² + (Σt⁴ − 2 t_L² Σt² + n t_L⁴) / (n Σt⁴ − (Σt²)²).
    """
    t = np.arange(1, n + 1) - (n + 1) / 2.0
    s2, s4 = np.sum(t**2), np.sum(t**4)
    t_l = (n + np.asarray(horizon, dtype=float)) - (n + 1) / 2.0
    return np.sqrt(1.0 + t_l**2 / s2 + (s4 - 2.0 * t_l**2 * s2 + n * t_l**4) / (n * s4 - s2**2))


_K_FORMULAS = {"linear": (k_linear, 2), "parabolic": (k_parabolic, 3)}


def kstar_table(trend: str, n_values: Sequence[int], horizons: Sequence[int],
                confidence: float, t_decimals: int | None = None) -> pd.DataFrame:
    """K* = t_α K for every n and L (the textbook's Table 4.1 layout, long form)."""
    if trend not in _K_FORMULAS:
        raise ConfigError(f"forecast.kstar.trends: unknown trend '{trend}' "
                          f"(choose from {sorted(_K_FORMULAS)})")
    formula, n_params = _K_FORMULAS[trend]
    rows = []
    for n in n_values:
        if n <= n_params:
            raise ConfigError(f"forecast.kstar: n={n} leaves no degrees of freedom for the "
                              f"{trend} trend ({n_params} parameters)")
        t_alpha = student_t(confidence, n - n_params, t_decimals)
        for horizon in horizons:
            k = float(formula(n, horizon))
            rows.append((trend, n, horizon, t_alpha, k, t_alpha * k))
    return pd.DataFrame(rows, columns=["trend", "n", "L", "t_alpha", "K", "K_star"])


TABLE_4_1 = "dubrova_table_4_1.csv"
T_ROUNDING = 0.0005         # half a unit of a three-decimal Student table
K_ROUNDING = 0.00005        # half a unit of K rounded to four decimals


def textbook_table_4_1() -> pd.DataFrame:
    """Dubrova's Table 4.1 as printed (columns trend, n, L, K_star, decimals)."""
    path = resources.files("synthvol.forecast") / "data" / TABLE_4_1
    with resources.as_file(path) as file:
        return pd.read_csv(file, comment="#")


def compare_with_table_4_1(kstar: pd.DataFrame) -> pd.DataFrame:
    """Our K* beside Table 4.1 for the (trend, n, L) cells both have.

    The textbook multiplies K by a Student t taken from a printed table and rounds; a cell
    ``agrees`` when |ours − printed| ≤ 0.0005·K + 0.00005·t_α + half a unit of the printed
    last digit, i.e. when the two differ by no more than the rounding of t to three
    decimals, of K to four, and of the printed value.
    """
    merged = kstar.merge(textbook_table_4_1(), on=["trend", "n", "L"], how="inner")
    merged = merged.rename(columns={"K_star_x": "K_star", "K_star_y": "K_star_textbook"})
    merged["difference"] = merged["K_star"] - merged["K_star_textbook"]
    merged["tolerance"] = (T_ROUNDING * merged["K"] + K_ROUNDING * merged["t_alpha"]
                           + 0.5 * 10.0 ** -merged["decimals"])
    merged["agrees"] = merged["difference"].abs() <= merged["tolerance"]
    return merged.drop(columns="decimals")


def prediction_factor(design: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """K = sqrt(1 + x'(X'X)⁻¹x) for each row x of ``rows`` (via the QR factor of X)."""
    _, r = np.linalg.qr(np.asarray(design, dtype=float))
    # numpy's solve: scipy's solve_triangular spins up BLAS threads for these tiny systems
    w = np.linalg.solve(r.T, np.atleast_2d(rows).T)
    return np.sqrt(1.0 + np.sum(w**2, axis=0))


@dataclass(frozen=True)
class IntervalForecast:
    """Point and interval forecasts for L = 1..h steps ahead."""

    horizon: np.ndarray
    point: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    factor: np.ndarray          # K (NaN where a method has no K, e.g. ETS)
    confidence: float

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"L": self.horizon, "forecast": self.point, "lower": self.lower,
                             "upper": self.upper, "K": self.factor})


class GrowthCurve(ABC):
    """A curve ŷ = f(t; θ) fitted on the level (or, with ``log_scale``, on ln y) scale."""

    name: str = ""
    param_names: tuple[str, ...] = ()
    log_scale: bool = False

    @abstractmethod
    def mean(self, t: np.ndarray, theta: np.ndarray) -> np.ndarray:
        """f(t; θ) on the fitting scale."""

    @abstractmethod
    def jacobian(self, t: np.ndarray, theta: np.ndarray) -> np.ndarray:
        """∂f/∂θ, shape (len(t), k): the regressors of a linear model."""

    @abstractmethod
    def estimate(self, t: np.ndarray, z: np.ndarray) -> tuple[np.ndarray, str]:
        """Least-squares θ for the fitting-scale series z, and the solver's status."""

    def report(self, theta: np.ndarray) -> dict[str, float]:
        """The curve's parameters in the textbook's notation."""
        return dict(zip(self.param_names, map(float, theta)))

    def fit(self, y: np.ndarray) -> GrowthCurveFit:
        """Fit to y_1..y_n observed at t = 1..n."""
        y = np.asarray(y, dtype=float)
        n_params = len(self.param_names)
        if y.ndim != 1 or y.size <= n_params + 1 or not np.all(np.isfinite(y)):
            raise DataError(f"{self.name}: need a finite series longer than {n_params + 1} "
                            f"values (got {y.size})")
        if self.log_scale and np.any(y <= 0):
            raise DataError(f"{self.name}: the series must be positive to be fitted on logs")
        t = np.arange(1.0, y.size + 1.0)
        z = np.log(y) if self.log_scale else y
        theta, convergence = self.estimate(t, z)
        return GrowthCurveFit(self, theta, z, y, convergence)


class PolynomialTrend(GrowthCurve):
    """A polynomial in t fitted by OLS, on logs for the exponential curve."""

    def __init__(self, name: str, degree: int, param_names: tuple[str, ...],
                 log_scale: bool = False) -> None:
        self.name, self.degree, self.param_names, self.log_scale = (
            name, degree, param_names, log_scale)

    def jacobian(self, t: np.ndarray, theta: np.ndarray) -> np.ndarray:
        return np.vander(np.asarray(t, dtype=float), self.degree + 1, increasing=True)

    def mean(self, t: np.ndarray, theta: np.ndarray) -> np.ndarray:
        return self.jacobian(t, theta) @ theta

    def estimate(self, t: np.ndarray, z: np.ndarray) -> tuple[np.ndarray, str]:
        return np.linalg.lstsq(self.jacobian(t, None), z, rcond=None)[0], "closed form (OLS)"

    def report(self, theta: np.ndarray) -> dict[str, float]:
        values = np.exp(theta) if self.log_scale else theta
        return dict(zip(self.param_names, map(float, values)))


class AsymptoticCurve(GrowthCurve, ABC):
    """A three-parameter curve that a transform h(y) turns into α + β c^t.

    Least squares on the level scale, started from the best base c of a profile search of
    the linearised form (for each c, α and β follow by OLS), which avoids the three-sums
    method's failures on series that are not monotone.
    """

    param_names = ("k", "a", "b")
    lower_bounds = (-np.inf, -np.inf, 0.0)     # b > 0 keeps b^t real

    @abstractmethod
    def transform(self, y: np.ndarray) -> np.ndarray:
        """h(y), the transform that makes the curve α + β c^t."""

    @abstractmethod
    def from_linear(self, alpha: float, beta: float, base: float) -> np.ndarray | None:
        """θ = (k, a, b) from h(y) = α + β c^t; None when the pair gives no valid curve."""

    def estimate(self, t: np.ndarray, z: np.ndarray) -> tuple[np.ndarray, str]:
        start = self._profile_start(t, z)
        result = optimize.least_squares(lambda th: self.mean(t, th) - z, start,
                                        jac=lambda th: self.jacobian(t, th),
                                        bounds=(self.lower_bounds, np.inf), x_scale="jac",
                                        xtol=1e-14, ftol=1e-14, gtol=1e-14, max_nfev=20000)
        status = "converged" if result.success else "not converged"
        return result.x, f"{status}: {result.message}"

    def _profile_start(self, t: np.ndarray, z: np.ndarray) -> np.ndarray:
        h = self.transform(z)
        if not np.all(np.isfinite(h)):
            raise DataError(f"{self.name}: the series must be positive")
        n = t.size
        best, best_sse = None, np.inf
        log_bases = np.linspace(-20.0 / n, 20.0 / n, 801)
        log_bases = log_bases[np.abs(log_bases) >= 1e-6]
        x = np.exp(log_bases[:, None] * t[None, :])          # one regressor row per base
        x_centred = x - x.mean(axis=1, keepdims=True)
        slopes = x_centred @ (h - h.mean()) / np.sum(x_centred**2, axis=1)
        intercepts = h.mean() - slopes * x.mean(axis=1)
        for log_base, alpha, beta in zip(log_bases, intercepts, slopes):
            theta = self.from_linear(alpha, beta, np.exp(log_base))
            if theta is None:
                continue
            sse = float(np.sum((self.mean(t, theta) - z) ** 2))
            if np.isfinite(sse) and sse < best_sse:
                best, best_sse = theta, sse
        if best is None:
            raise DataError(f"{self.name}: no valid starting values for the series")
        return best


class ModifiedExponential(AsymptoticCurve):
    name = "modified_exponential"

    def mean(self, t, theta):
        k, a, b = theta
        return k + a * b**t

    def jacobian(self, t, theta):
        _, a, b = theta
        return np.column_stack([np.ones_like(t), b**t, a * t * b ** (t - 1.0)])

    def transform(self, y):
        return y

    def from_linear(self, alpha, beta, base):
        return np.array([alpha, beta, base])


class Gompertz(AsymptoticCurve):
    name = "gompertz"
    lower_bounds = (0.0, 0.0, 0.0)            # k, a, b > 0 keep a^(b^t) real and positive

    def mean(self, t, theta):
        k, a, b = theta
        return k * a ** (b**t)

    def jacobian(self, t, theta):
        k, a, b = theta
        f = self.mean(t, theta)
        return np.column_stack([f / k, f * b**t / a, f * np.log(a) * t * b ** (t - 1.0)])

    def transform(self, y):
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.log(y)

    def from_linear(self, alpha, beta, base):
        return np.array([np.exp(alpha), np.exp(beta), base])


class Logistic(AsymptoticCurve):
    name = "logistic"
    lower_bounds = (0.0, 0.0, -np.inf)        # k, a > 0: no pole, values inside (0, k)

    def mean(self, t, theta):
        k, a, b = theta
        return k / (1.0 + a * np.exp(-b * t))

    def jacobian(self, t, theta):
        k, a, b = theta
        e = np.exp(-b * t)
        denom = (1.0 + a * e) ** 2
        return np.column_stack([1.0 / (1.0 + a * e), -k * e / denom, k * a * t * e / denom])

    def transform(self, y):
        with np.errstate(divide="ignore"):
            return np.where(y > 0, 1.0 / y, np.nan)

    def from_linear(self, alpha, beta, base):
        if alpha <= 0 or beta <= 0:
            return None
        return np.array([1.0 / alpha, beta / alpha, -np.log(base)])


_CURVES: dict[str, GrowthCurve] = {
    "linear": PolynomialTrend("linear", 1, ("a0", "a1")),
    "parabolic": PolynomialTrend("parabolic", 2, ("a0", "a1", "a2")),
    "exponential": PolynomialTrend("exponential", 1, ("a", "b"), log_scale=True),
    "modified_exponential": ModifiedExponential(),
    "gompertz": Gompertz(),
    "logistic": Logistic(),
}


def growth_curve(name: str) -> GrowthCurve:
    """The curve called ``name`` (one of :data:`GROWTH_CURVES`)."""
    try:
        return _CURVES[name]
    except KeyError:
        raise ConfigError(f"forecast.models: unknown growth curve '{name}' "
                          f"(choose from {', '.join(GROWTH_CURVES)})") from None


@dataclass(frozen=True)
class GrowthCurveFit:
    """A fitted curve: parameters, residuals, S_y and interval forecasts."""

    curve: GrowthCurve
    theta: np.ndarray
    z: np.ndarray               # the series on the fitting scale (ln y for the exponential)
    y: np.ndarray
    convergence: str

    autoregressive = False

    @property
    def name(self) -> str:
        return self.curve.name

    @property
    def n(self) -> int:
        return self.y.size

    @property
    def n_params(self) -> int:
        return self.theta.size

    @property
    def t(self) -> np.ndarray:
        return np.arange(1.0, self.n + 1.0)

    @property
    def params(self) -> dict[str, float]:
        return self.curve.report(self.theta)

    @property
    def design(self) -> np.ndarray:
        """Regressors of the fit (the Jacobian for nonlinear curves), used for K and DW."""
        return self.curve.jacobian(self.t, self.theta)

    @property
    def residuals(self) -> np.ndarray:
        """e_t on the fitting scale (logs for the exponential curve)."""
        return self.z - self.curve.mean(self.t, self.theta)

    @property
    def fitted(self) -> np.ndarray:
        """ŷ_t on the level scale."""
        values = self.curve.mean(self.t, self.theta)
        return np.exp(values) if self.curve.log_scale else values

    loglik = float("nan")       # least squares, not a likelihood fit

    @property
    def residual_std(self) -> float:
        """S_y = sqrt(Σ e_t² / (n − k))  (4.7), on the fitting scale."""
        return float(np.sqrt(np.sum(self.residuals**2) / (self.n - self.n_params)))

    def forecast(self, horizon: int, confidence: float) -> IntervalForecast:
        """ŷ_{n+L} ± t_α S_y K for L = 1..horizon (bounds exponentiated on the log scale)."""
        steps = np.arange(1, horizon + 1)
        t_new = self.n + steps.astype(float)
        point = self.curve.mean(t_new, self.theta)
        factor = prediction_factor(self.design, self.curve.jacobian(t_new, self.theta))
        half = student_t(confidence, self.n - self.n_params) * self.residual_std * factor
        bounds = (point, point - half, point + half)
        if self.curve.log_scale:
            bounds = tuple(np.exp(b) for b in bounds)
        return IntervalForecast(steps, *bounds, factor=factor, confidence=confidence)
