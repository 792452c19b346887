"""Durbin–Watson test: statistic, 5% bounds d1/d2, the textbook's decision and an exact p-value.

The exact null distribution of d = e'Ae / e'e for OLS residuals e = M y under y ~ N(Xβ, σ²I)
is that of Σ ν_i z_i² / Σ z_i², where ν_i are the n − k non-zero eigenvalues of M A and z_i
are independent standard normals. Its distribution function is evaluated with Imhof's (1961)
numerical inversion of the characteristic function, as R's ``lmtest::dwtest`` does (there
with Pan's algorithm by default). The bounds d1, d2 of Durbin & Watson (1951) are the 5%
points of the same ratio with ν replaced by the smallest (d1) or largest (d2) admissible
eigenvalues of A, 2(1 − cos(πj/n)); :func:`durbin_watson_bounds` computes them this way, as
Savin & White (1977) did, and ``data/durbin_watson_5pct.csv`` tabulates them for
n = 15..100, k′ = 1..3.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd
from scipy import integrate, optimize

from synthvol.errors import SynthvolError

BOUNDS_TABLE = "durbin_watson_5pct.csv"
TABLE_ALPHA = 0.05


def durbin_watson_statistic(residuals: np.ndarray) -> float:
    """d = Σ(e_t − e_{t−1})² / Σ e_t²  (textbook 4.12)."""
    e = np.asarray(residuals, dtype=float)
    return float(np.sum(np.diff(e) ** 2) / np.sum(e**2))


MIN_TERMS = 5


def quadratic_form_cdf(weights: np.ndarray, x: float) -> float:
    """P(Σ w_i z_i² ≤ x) for independent standard normals z_i, by Imhof's inversion formula.

    P(Q > x) = ½ + (1/π) ∫₀^∞ sin θ(u) / (u ρ(u)) du with θ(u) = ½ Σ arctan(w_i u) − ½ x u and
    ρ(u) = Π (1 + w_i² u²)^{1/4}  (Imhof 1961, eq. 3.2, central case). The integrand decays
    like u^{−1−m/2}; with at least :data:`MIN_TERMS` non-zero weights adaptive quadrature
    on [0, ∞) is accurate to about 1e-9 (checked against χ² and F distributions).
    """
    w = np.asarray(weights, dtype=float)
    w = w[w != 0.0]
    if w.size < MIN_TERMS:
        raise SynthvolError(f"Imhof's method here needs at least {MIN_TERMS} non-zero "
                            f"weights (got {w.size})")
    scale = np.max(np.abs(w))
    w, x = w / scale, x / scale

    def integrand(u: float) -> float:
        if u == 0.0:
            return 0.5 * (np.sum(w) - x)
        wu = w * u
        theta = 0.5 * np.sum(np.arctan(wu)) - 0.5 * x * u
        log_rho = 0.25 * np.sum(np.log1p(wu * wu))
        return np.sin(theta) / (u * np.exp(log_rho))

    value, _ = integrate.quad(integrand, 0.0, np.inf, limit=500, epsabs=1e-10, epsrel=1e-9)
    return float(np.clip(0.5 - value / np.pi, 0.0, 1.0))


def ratio_cdf(eigenvalues: np.ndarray, d: float) -> float:
    """P(Σ ν_i z_i² / Σ z_i² ≤ d) = P(Σ (ν_i − d) z_i² ≤ 0)."""
    return quadratic_form_cdf(np.asarray(eigenvalues, dtype=float) - d, 0.0)


def durbin_watson_matrix(n: int) -> np.ndarray:
    """The n × n matrix A with e'Ae = Σ(e_t − e_{t−1})²."""
    a = 2.0 * np.eye(n) - np.eye(n, k=1) - np.eye(n, k=-1)
    a[0, 0] = a[-1, -1] = 1.0
    return a


def null_eigenvalues(design: np.ndarray) -> np.ndarray:
    """The n − k non-zero eigenvalues of M A M, M = I − X(X'X)⁻¹X' (X has full column rank k)."""
    x = np.asarray(design, dtype=float)
    n, k = x.shape
    q, _ = np.linalg.qr(x)
    m = np.eye(n) - q @ q.T
    values = np.linalg.eigvalsh(m @ durbin_watson_matrix(n) @ m)
    return np.sort(values)[k:]


def durbin_watson_cdf(design: np.ndarray, d: float) -> float:
    """P(D ≤ d) under no autocorrelation for OLS residuals on ``design`` (exact, Imhof)."""
    return ratio_cdf(null_eigenvalues(design), d)


def _bound_eigenvalues(n: int, k_prime: int) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues bounding those of M A when X holds a constant and k′ other regressors."""
    lam = 2.0 * (1.0 - np.cos(np.pi * np.arange(1, n) / n))  # non-zero eigenvalues of A
    m = n - k_prime - 1
    return lam[:m], lam[-m:]


def durbin_watson_bounds(n: int, k_prime: int, alpha: float = TABLE_ALPHA) -> tuple[float, float]:
    """The exact lower-tail ``alpha`` points (d1, d2) of the Durbin–Watson bounding ratios."""
    if n - k_prime - 1 < MIN_TERMS:
        raise SynthvolError(f"Durbin-Watson bounds need n ≥ k′ + {MIN_TERMS + 1} "
                            f"(got n={n}, k′={k_prime})")
    points = []
    for eig in _bound_eigenvalues(n, k_prime):
        points.append(optimize.brentq(lambda d, e=eig: ratio_cdf(e, d) - alpha,
                                      eig[0] + 1e-12, eig[-1] - 1e-12, xtol=1e-10))
    return points[0], points[1]


def bounds_table(n_values: range, k_primes: range, alpha: float = TABLE_ALPHA,
                 decimals: int = 3) -> pd.DataFrame:
    """A table of (d1, d2) for every n and k′, rounded like Savin & White (1977)."""
    rows = [(n, kp, *np.round(durbin_watson_bounds(n, kp, alpha), decimals))
            for n in n_values for kp in k_primes]
    return pd.DataFrame(rows, columns=["n", "k_prime", "d1", "d2"])


@lru_cache(maxsize=1)
def tabulated_bounds() -> pd.DataFrame:
    """The shipped 5% table (n = 15..100, k′ = 1..3)."""
    path = resources.files("synthvol.forecast") / "data" / BOUNDS_TABLE
    with resources.as_file(path) as file:
        return pd.read_csv(file, comment="#")


def lookup_bounds(n: int, k_prime: int) -> tuple[float, float, str]:
    """5% bounds from the shipped table when (n, k′) is in it, else computed exactly."""
    table = tabulated_bounds()
    row = table[(table["n"] == n) & (table["k_prime"] == k_prime)]
    if len(row):
        return float(row["d1"].iloc[0]), float(row["d2"].iloc[0]), "table"
    d1, d2 = durbin_watson_bounds(n, k_prime)
    return d1, d2, "computed"


@dataclass(frozen=True)
class DurbinWatsonResult:
    """Durbin–Watson test of first-order autocorrelation of regression residuals.

    ``side`` is the alternative the textbook checks: positive autocorrelation when d < 2 (d is
    compared with d1, d2), negative when d ≥ 2 (4 − d is compared). ``p_value`` is the exact
    one-sided p-value for that alternative: P(D ≤ d), or P(D ≥ d).
    """

    statistic: float
    side: str
    compared: float
    d1: float
    d2: float
    bounds_source: str
    decision: str
    p_value: float
    n: int
    k_prime: int


def durbin_watson_test(residuals: np.ndarray, design: np.ndarray,
                       autoregressive: bool = False) -> DurbinWatsonResult:
    """The textbook's Durbin–Watson decision at 5% with the exact p-value.

    ``design`` is the regressor matrix X of the fit including its constant column, so
    k′ = columns − 1 explanatory variables. Refuses autoregressive models (lagged values of
    the series among the regressors), where d is biased towards 2: use Ljung–Box there.
    """
    if autoregressive:
        raise SynthvolError("Durbin-Watson test is not valid for autoregressive models "
                            "(lagged values of the series among the regressors); "
                            "use the Ljung-Box test instead")
    e = np.asarray(residuals, dtype=float)
    x = np.asarray(design, dtype=float)
    if x.ndim != 2 or x.shape[0] != e.size:
        raise SynthvolError(f"Durbin-Watson: design has shape {x.shape}, expected "
                            f"({e.size}, k) to match the residuals")
    n, k = x.shape
    k_prime = k - 1
    d = durbin_watson_statistic(e)
    d1, d2, source = lookup_bounds(n, k_prime)
    side = "positive" if d < 2.0 else "negative"
    compared = d if side == "positive" else 4.0 - d
    if compared < d1:
        decision = f"reject: {side} autocorrelation"
    elif compared > d2:
        decision = "accept: no autocorrelation"
    else:
        decision = "inconclusive"
    cdf = durbin_watson_cdf(x, d)
    p_value = cdf if side == "positive" else 1.0 - cdf
    return DurbinWatsonResult(d, side, compared, d1, d2, source, decision, p_value, n, k_prime)
