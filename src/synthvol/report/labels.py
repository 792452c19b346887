"""One registry of what the report's table columns mean: human label, unit, number format.

A column name is looked up whole first (``aic``, ``hurst``), then as a quantity with a
statistic suffix (``return_mse_mean`` = "Return MSE" + "mean", ``seconds_q05`` = "Time" +
"5% quantile" in s) or a lag suffix (``acf_abs_lag1`` = "ACF of |r|" + "lag 1"). Names
that are not registered are shown with underscores turned into spaces, so a new column is
readable at once and can be given its unit here later.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Quantity:
    """What a column holds: its label, unit and how many digits are meaningful.

    ``digits`` is the number of significant digits of the column's largest values;
    ``decimals`` fixes the decimals instead (counts of percent, p-values).
    """

    label: str
    unit: str = ""
    digits: int | None = None
    decimals: int | None = None


Q = Quantity
QUANTITIES: dict[str, Quantity] = {
    # Identifiers and counts.
    "source": Q("Source"), "kind": Q("Kind"), "model": Q("Model"), "sample": Q("Sample"),
    "scheme": Q("Scheme"), "setting": Q("Setting"), "parameter": Q("Parameter"),
    "criterion": Q("Criterion"), "property": Q("Property"), "test": Q("Test"),
    "decision": Q("Decision"), "family": Q("Family"), "trend": Q("Trend"), "part": Q("Part"),
    "first": Q("First day"), "last": Q("Last day"), "date": Q("Date"),
    "n": Q("n (observations)"), "nobs": Q("Observations"), "n_runs": Q("Runs"),
    "runs": Q("Runs"), "n_paths": Q("Paths"), "path_length": Q("Path length", "days"),
    "n_source_windows": Q("Source windows"), "n_real_windows": Q("Real windows"),
    "windows": Q("Windows"), "jobs": Q("Jobs"), "slowest_job": Q("Slowest job"),
    "replication": Q("Replication"), "rank": Q("Rank"),
    "horizon": Q("Horizon", "days"), "state_index": Q("State index"), "L": Q("Lead L"),
    "m": Q("Held-out periods"), "k": Q("Parameters"), "hits": Q("Inside interval"),
    "misses": Q("Outside interval"), "adequate": Q("Adequacy checks passed (of 3)"),
    # Moments and stylized facts of daily log returns.
    "mean": Q("Mean"), "std": Q("Standard deviation"), "sd": Q("Posterior SD"),
    "skewness": Q("Skewness", digits=3), "excess_kurtosis": Q("Excess kurtosis", digits=3),
    "excess kurtosis": Q("Excess kurtosis", digits=3), "min": Q("Minimum"),
    "max": Q("Maximum"), "annualised_vol_pct": Q("Annualised volatility", "%", decimals=1),
    "hill_tail_index": Q("Hill tail index of |r|", digits=3),
    "acf": Q("ACF of r", digits=3), "acf_abs": Q("ACF of |r|", digits=3),
    "acf_returns": Q("ACF of r", digits=3), "acf_abs_returns": Q("ACF of |r|", digits=3),
    "leverage": Q("Leverage corr(r_t, |r_t+k|)", digits=3),
    "aggregated_excess_kurtosis": Q("Excess kurtosis of aggregated returns", digits=3),
    # Scores and forecasts.
    "discriminative": Q("Discriminative score |accuracy − 0.5|"),
    "predictive": Q("Predictive score (MAE)"), "predictive (MAE)": Q("Predictive score (MAE)"),
    "return_mse": Q("Return MSE"), "price_mse": Q("Price MSE"),
    "mape": Q("MAPE", "%", decimals=2), "mae": Q("MAE"), "mean_error": Q("Mean error"),
    "s": Q("S (residual SD)"), "s2": Q("S²"), "s_dof": Q("S (dof-corrected)"),
    "s2_dof": Q("S² (dof-corrected)"), "mu": Q("μ"), "residual_std": Q("Residual SD"),
    "param": Q("Parameter"), "value": Q("Value", digits=6), "statistic": Q("Statistic"),
    "lower": Q("Lower bound"), "upper": Q("Upper bound"), "p_value": Q("p-value", decimals=3),
    "t_alpha": Q("t_α", decimals=4), "K": Q("K", decimals=4), "K_star": Q("K* = t_α K",
                                                                           decimals=4),
    "forecast": Q("Forecast"), "actual": Q("Actual"), "abs_error": Q("Absolute error"),
    "rel_error_pct": Q("Relative error", "%", decimals=2),
    # Baseline fits.
    "aic": Q("AIC", decimals=1), "AIC": Q("AIC", decimals=1), "bic": Q("BIC", decimals=1),
    "hurst": Q("Hurst exponent H", decimals=3), "persistence": Q("Persistence α + β",
                                                                 decimals=4),
    "parameters": Q("Parameters"),
    "realised_vol_pct": Q("Realised test volatility, annualised", "%", decimals=1),
    "path_vol_pct": Q("Simulated paths' annualised volatility", "%", decimals=1),
    "realised_percentile": Q("Percentile of the realised value among the paths", "%",
                             decimals=0), "coverage": Q("Realised prices inside the interval", "%",
                                                 decimals=0),
    # Time.
    "seconds": Q("Time", "s", digits=3), "fit_seconds": Q("Fitting time", "s", digits=3),
    "fit s": Q("Fitting time", "s", digits=3), "sample s": Q("Sampling time", "s", digits=3),
    "sample_seconds": Q("Sampling time", "s", digits=3),
    "train_seconds": Q("Training time", "s", digits=3),
    "wall_seconds": Q("Wall time", "s", digits=3), "cpu_seconds": Q("CPU time", "s", digits=3),
    "draws_per_second": Q("Sampling speed", "draws/s", digits=3),
    # MCMC efficiency.
    "inefficiency": Q("Inefficiency factor", digits=3), "ess": Q("Effective sample size",
                                                                 digits=3),
    "mcse": Q("MC standard error"), "mcse_sd_ratio": Q("MC error / posterior SD", digits=3),
    "rhat": Q("R-hat", decimals=3), "acceptance": Q("Acceptance rate", decimals=3),
    "converged_share": Q("Seeds with R-hat < 1.1", decimals=2),
    "corr_with_garch": Q("Correlation with GARCH σ_t", decimals=3),
    "phi": Q("φ"), "tau2": Q("τ²"), "h_T": Q("h_T"), "phi_true": Q("True φ"),
    "tau2_true": Q("True τ²"), "truth": Q("True value"),
}

STATISTICS = {
    "mean": "mean", "std": "standard deviation", "sd": "standard deviation",
    "se": "standard error", "median": "median", "q05": "5% quantile", "q95": "95% quantile",
    "q025": "2.5% quantile", "q975": "97.5% quantile", "min": "minimum", "max": "maximum",
}


def quantity(name: str) -> tuple[Quantity | None, str]:
    """The registered quantity behind a column name and the qualifier its suffix adds."""
    if name in QUANTITIES:
        return QUANTITIES[name], ""
    base, lagged, lag = name.rpartition("_lag")
    if lagged and lag.isdigit() and base in QUANTITIES:
        return QUANTITIES[base], f"lag {lag}"
    base, _, suffix = name.rpartition("_")
    if suffix in STATISTICS:
        inner, qualifier = quantity(base) if base else (None, "")
        if inner is not None:
            return inner, ", ".join(q for q in (qualifier, STATISTICS[suffix]) if q)
    return None, ""


def column_label(name: object) -> str:
    """The human label of a column, with its qualifier and unit: "Time, 5% quantile (s)"."""
    text = str(name)
    found, qualifier = quantity(text)
    if found is None:
        return text.replace("_", " ") if "_" in text else text
    label = f"{found.label}, {qualifier}" if qualifier else found.label
    return f"{label} ({found.unit})" if found.unit else label


#: How the study's identifiers read in a table: sources and models by their usual names.
NAMES = {
    "real_test": "real (test)", "real_train": "real (train)", "sbts": "SBTS",
    "timegan": "TimeGAN", "diffusion": "DDPM", "cvae": "CVAE",
    "lstm_attention": "LSTM-attention", "ar": "AR", "garch": "GARCH", "fbm": "fBm",
}
#: Columns whose values are identifiers shown through :data:`NAMES`.
NAME_COLUMNS = ("source", "generator", "model")
_NUMBER_CHARS = set("-0123456789.e")


def _sv_setting(text: str) -> tuple[str, str, str] | None:
    """(phi, tau2, n) of an SV setting name "phi<phi>_tau2<tau2>_n<n>", or None."""
    phi, tau, rest = text.removeprefix("phi").partition("_tau2")
    tau2, has_n, n = rest.rpartition("_n")
    if (text.startswith("phi") and tau and has_n and n.isdigit() and phi and tau2
            and set(phi) <= _NUMBER_CHARS and set(tau2) <= _NUMBER_CHARS):
        return phi, tau2, n
    return None


def value_label(column: object, value: object) -> str:
    """A table cell's identifier as a reader knows it ("lstm_attention" → "LSTM-attention",
    an SV setting "phi0.99_tau20.0225_n100" → "φ = 0.99, τ² = 0.0225, n = 100")."""
    text = str(value)
    setting = _sv_setting(text)
    if setting:
        return "φ = {}, τ² = {}, n = {}".format(*setting)
    if str(column) in NAME_COLUMNS:
        return NAMES.get(text, text)
    return text
