"""Adequacy of a model judged from its residuals (Dubrova §4.2): randomness, normality,
independence.

Each test returns a result dataclass with the statistic, the decision and the thresholds
it was compared with; :meth:`to_row` gives the common row of the adequacy table. Decisions
start with ``accept`` (the property holds), ``reject``, or are ``inconclusive``.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from importlib import resources

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.diagnostic import acorr_ljungbox
from statsmodels.stats.stattools import jarque_bera

from synthvol.errors import ConfigError, DataError
from synthvol.forecast.durbin_watson import DurbinWatsonResult, durbin_watson_test

ACCEPT, REJECT, INCONCLUSIVE = "accept", "reject", "inconclusive"


def _series(residuals: np.ndarray, minimum: int, test: str) -> np.ndarray:
    e = np.asarray(residuals, dtype=float)
    if e.ndim != 1 or e.size < minimum or not np.all(np.isfinite(e)):
        raise DataError(f"{test}: need at least {minimum} finite residuals (got {e.size})")
    return e


def count_turning_points(values: np.ndarray) -> np.ndarray:
    """Turning points along the last axis: e_t strictly above or below both neighbours."""
    x = np.asarray(values, dtype=float)
    left, mid, right = x[..., :-2], x[..., 1:-1], x[..., 2:]
    peaks = (mid > left) & (mid > right)
    troughs = (mid < left) & (mid < right)
    return np.sum(peaks | troughs, axis=-1)


def turning_points_moments(n: int) -> tuple[float, float]:
    """Mean 2(n − 2)/3 and variance (16n − 29)/90 of the count for a random series."""
    return 2.0 * (n - 2) / 3.0, (16.0 * n - 29.0) / 90.0


@dataclass(frozen=True)
class TurningPointsResult:
    """Randomness by the turning-points test (Dubrova §1.3).

    The series is judged random when the count p exceeds the integer part of
    E(p) − z σ_p, z the normal quantile for ``level`` (1.96 at 95%): too few turning
    points betray a systematic component left in the residuals.
    """

    statistic: int
    expected: float
    variance: float
    threshold: int
    z_score: float
    p_value: float
    decision: str

    def to_row(self) -> dict[str, object]:
        return {"property": "randomness", "test": "turning points", "statistic": self.statistic,
                "lower": float(self.threshold), "upper": np.nan, "p_value": self.p_value,
                "decision": self.decision}


def turning_points_test(residuals: np.ndarray, level: float) -> TurningPointsResult:
    """Count turning points and compare with [2(n − 2)/3 − z sqrt((16n − 29)/90)]."""
    e = _series(residuals, 3, "turning points")
    count = int(count_turning_points(e))
    expected, variance = turning_points_moments(e.size)
    z = stats.norm.ppf(0.5 + level / 2.0)
    threshold = math.floor(expected - z * math.sqrt(variance))
    z_score = (count - expected) / math.sqrt(variance)
    p_value = float(2.0 * stats.norm.sf(abs(z_score)))
    decision = f"{ACCEPT}: random" if count > threshold else f"{REJECT}: not random"
    return TurningPointsResult(count, expected, variance, threshold, z_score, p_value, decision)


@dataclass(frozen=True)
class SkewnessKurtosisResult:
    """Normality from skewness A and kurtosis Э with their standard errors (4.9)–(4.11).

    Accept when |A| < 1.5 σ_A and |Э + 6/(n + 1)| < 1.5 σ_Э; reject when |A| ≥ 2 σ_A or
    |Э + 6/(n + 1)| ≥ 2 σ_Э; otherwise a more powerful test is needed.
    """

    skewness: float
    kurtosis: float
    kurtosis_shifted: float
    sigma_skewness: float
    sigma_kurtosis: float
    decision: str

    def to_row(self) -> dict[str, object]:
        ratio = max(abs(self.skewness) / self.sigma_skewness,
                    abs(self.kurtosis_shifted) / self.sigma_kurtosis)
        return {"property": "normality", "test": SKEWNESS_KURTOSIS, "statistic": ratio,
                "lower": 1.5, "upper": 2.0, "p_value": np.nan, "decision": self.decision}


SKEWNESS_KURTOSIS = "skewness-kurtosis rule"
RS_CRITERION = "R/S criterion"


def skewness_kurtosis_standard_errors(n: int) -> tuple[float, float]:
    """Standard errors of skewness and kurtosis (4.10).

    σ_A = sqrt(6(n − 2)/((n + 1)(n + 3))), σ_Э = sqrt(24n(n − 2)(n − 3)/((n + 1)²(n + 3)(n + 5))).
    """
    sigma_a = math.sqrt(6.0 * (n - 2) / ((n + 1) * (n + 3)))
    sigma_e = math.sqrt(24.0 * n * (n - 2) * (n - 3) / ((n + 1) ** 2 * (n + 3) * (n + 5)))
    return sigma_a, sigma_e


def skewness_kurtosis_test(residuals: np.ndarray) -> SkewnessKurtosisResult:
    """The textbook's skewness/kurtosis rule, moments taken about the residuals' mean."""
    e = _series(residuals, 8, SKEWNESS_KURTOSIS)
    n = e.size
    d = e - e.mean()
    m2 = np.mean(d**2)
    skew = float(np.mean(d**3) / m2**1.5)
    kurt = float(np.mean(d**4) / m2**2 - 3.0)
    shifted = kurt + 6.0 / (n + 1)
    sigma_a, sigma_e = skewness_kurtosis_standard_errors(n)
    a_ratio, e_ratio = abs(skew) / sigma_a, abs(shifted) / sigma_e
    if a_ratio < 1.5 and e_ratio < 1.5:
        decision = f"{ACCEPT}: normal"
    elif a_ratio >= 2.0 or e_ratio >= 2.0:
        decision = f"{REJECT}: not normal"
    else:
        decision = f"{INCONCLUSIVE}: needs a more powerful test"
    return SkewnessKurtosisResult(skew, kurt, shifted, sigma_a, sigma_e, decision)


RS_TABLE = "rs_critical_dhp1954.csv"
RS_TABLE_SIMULATED = "rs_critical_simulated.csv"
RS_TAIL_PROBABILITIES = (0.005, 0.01, 0.025, 0.05, 0.1)


@functools.cache
def _package_table(name: str) -> pd.DataFrame:
    path = resources.files("synthvol.forecast") / "data" / name
    with resources.as_file(path) as file:
        return pd.read_csv(file, comment="#")


@functools.cache
def rs_table() -> pd.DataFrame:
    """Percentage points of R/S for n = 3..100 (David, Hartley & Pearson 1954), then the
    shipped simulated extension for larger n (``source`` says which)."""
    published = _package_table(RS_TABLE).assign(source="David, Hartley & Pearson (1954)")
    simulated = _package_table(RS_TABLE_SIMULATED).assign(source="simulation")
    return pd.concat([published, simulated], ignore_index=True)


def rs_statistic(residuals: np.ndarray) -> float:
    """R/S = (e_max − e_min) / S, S = sqrt(Σ(e_t − ē)² / (n − 1))."""
    e = np.asarray(residuals, dtype=float)
    return float((e.max() - e.min()) / e.std(ddof=1))


def rs_bounds(n: int, alpha: float) -> tuple[float, float]:
    """Critical bounds of R/S for a two-sided test at ``alpha`` (α/2 in each tail),
    linearly interpolated in n between tabulated sizes."""
    tail = alpha / 2.0
    if not any(math.isclose(tail, p) for p in RS_TAIL_PROBABILITIES):
        raise ConfigError(f"forecast.alpha: the R/S table has tail probabilities "
                          f"{RS_TAIL_PROBABILITIES}, so alpha must be twice one of them "
                          f"(got {alpha})")
    table = rs_table()
    if not table["n"].min() <= n <= table["n"].max():
        raise DataError(f"{RS_CRITERION}: n = {n} outside the table "
                        f"({table['n'].min()}..{table['n'].max()})")
    column = f"{tail:g}"
    return (float(np.interp(n, table["n"], table[f"lower_{column}"])),
            float(np.interp(n, table["n"], table[f"upper_{column}"])))


def simulate_rs_quantiles(n: int, probabilities: np.ndarray, replications: int,
                          generator: np.random.Generator, chunk: int = 20000) -> np.ndarray:
    """Quantiles of R/S in ``replications`` normal samples of size n (the shipped
    extension table, and the check of the published one)."""
    values = []
    for start in range(0, replications, chunk):
        x = generator.standard_normal((min(chunk, replications - start), n))
        values.append((x.max(axis=1) - x.min(axis=1)) / x.std(axis=1, ddof=1))
    return np.quantile(np.concatenate(values), probabilities)


@dataclass(frozen=True)
class RSCriterionResult:
    """The R/S criterion: normality accepted when lower < R/S < upper."""

    statistic: float
    lower: float
    upper: float
    alpha: float
    decision: str

    def to_row(self) -> dict[str, object]:
        return {"property": "normality", "test": RS_CRITERION, "statistic": self.statistic,
                "lower": self.lower, "upper": self.upper, "p_value": np.nan,
                "decision": self.decision}


def rs_criterion_test(residuals: np.ndarray, alpha: float) -> RSCriterionResult:
    """(e_max − e_min)/S against the tabulated bounds for n at two-sided level ``alpha``."""
    e = _series(residuals, 3, RS_CRITERION)
    statistic = rs_statistic(e)
    if e.size > rs_table()["n"].max():
        return RSCriterionResult(statistic, np.nan, np.nan, alpha,
                                 f"{INCONCLUSIVE}: n = {e.size} beyond the R/S table")
    lower, upper = rs_bounds(e.size, alpha)
    if lower < statistic < upper:
        decision = f"{ACCEPT}: normal"
    else:
        width = "too wide" if statistic >= upper else "too narrow"
        decision = f"{REJECT}: not normal (range {width})"
    return RSCriterionResult(statistic, lower, upper, alpha, decision)


@dataclass(frozen=True)
class PValueTestResult:
    """A test decided by its p-value at significance ``alpha``."""

    property: str
    test: str
    statistic: float
    p_value: float
    alpha: float
    decision: str

    def to_row(self) -> dict[str, object]:
        return {"property": self.property, "test": self.test, "statistic": self.statistic,
                "lower": np.nan, "upper": np.nan, "p_value": self.p_value,
                "decision": self.decision}


def _by_p_value(prop: str, test: str, statistic: float, p_value: float, alpha: float,
                holds: str, fails: str) -> PValueTestResult:
    decision = f"{ACCEPT}: {holds}" if p_value > alpha else f"{REJECT}: {fails}"
    return PValueTestResult(prop, test, float(statistic), float(p_value), alpha, decision)


def jarque_bera_test(residuals: np.ndarray, alpha: float) -> PValueTestResult:
    """Jarque–Bera normality test (statsmodels)."""
    e = _series(residuals, 8, "Jarque-Bera")
    statistic, p_value, _, _ = jarque_bera(e)
    return _by_p_value("normality", "Jarque-Bera", statistic, p_value, alpha,
                       "normal", "not normal")


def shapiro_wilk_test(residuals: np.ndarray, alpha: float) -> PValueTestResult:
    """Shapiro–Wilk normality test (scipy)."""
    e = _series(residuals, 8, "Shapiro-Wilk")
    result = stats.shapiro(e)
    return _by_p_value("normality", "Shapiro-Wilk", result.statistic, result.pvalue, alpha,
                       "normal", "not normal")


def ljung_box_test(residuals: np.ndarray, lags: int, alpha: float,
                   model_df: int = 0) -> PValueTestResult:
    """Ljung–Box Q at ``lags`` lags (statsmodels), for models where Durbin–Watson is invalid."""
    e = _series(residuals, lags + 2, "Ljung-Box")
    table = acorr_ljungbox(e, lags=[lags], model_df=model_df)
    return _by_p_value("independence", f"Ljung-Box ({lags} lags)", table["lb_stat"].iloc[0],
                       table["lb_pvalue"].iloc[0], alpha, "independent", "autocorrelated")


def durbin_watson_row(result: DurbinWatsonResult) -> dict[str, object]:
    """The adequacy-table row of a Durbin–Watson result (thresholds d1, d2)."""
    return {"property": "independence",
            "test": f"Durbin-Watson ({result.side}, k'={result.k_prime})",
            "statistic": result.statistic, "lower": result.d1, "upper": result.d2,
            "p_value": result.p_value, "decision": result.decision}


def adequacy_table(residuals: np.ndarray, design: np.ndarray | None, autoregressive: bool, *,
                   randomness_level: float, alpha: float, ljung_box_lags: int) -> pd.DataFrame:
    """All adequacy checks of one model's residuals as a table.

    Independence is judged by Durbin–Watson when the model is a regression on ``design``
    and not autoregressive, else by Ljung–Box.
    """
    rows = [turning_points_test(residuals, randomness_level).to_row(),
            skewness_kurtosis_test(residuals).to_row(),
            rs_criterion_test(residuals, alpha).to_row(),
            jarque_bera_test(residuals, alpha).to_row(),
            shapiro_wilk_test(residuals, alpha).to_row()]
    if design is not None and not autoregressive:
        rows.append(durbin_watson_row(durbin_watson_test(residuals, design)))
    else:
        rows.append(ljung_box_test(residuals, ljung_box_lags, alpha).to_row())
    return pd.DataFrame(rows)
