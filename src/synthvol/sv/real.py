"""The SV model fitted to the study's prepared returns, against GARCH(1,1).

Returns are multiplied by ``real_data.scale`` (100: percent) before fitting, so that the
study's priors (set for h of order one) suit them; the volatility path is converted back
to the units of ``return`` (daily standard deviation of the log return) for the
comparison with the GARCH baseline's conditional volatility.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthvol.errors import DataError
from synthvol.io import write_csv, write_figure, write_parquet
from synthvol.progress import get_logger
from synthvol.seeds import derive_seed
from synthvol.sv.design import SVDesign
from synthvol.sv.samplers import run_sampler, warm_up
from synthvol.sv.study import summarise_draws

logger = get_logger("sv.real")


def _read_columns(path: str, columns: list[str]) -> pd.DataFrame:
    frame = pd.read_parquet(path)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(f"{path}: missing column(s) {', '.join(missing)}")
    frame = frame[columns].dropna()
    if frame.empty:
        raise DataError(f"{path}: no rows with {', '.join(columns)}")
    return frame


def fit_sv_path(returns: pd.DataFrame, design: SVDesign, seed: int
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fit the SV model to ``returns`` (date, return); returns the posterior volatility
    path (date, mean, median, lower, upper) and the parameter summary."""
    real = design.real_data
    y = returns["return"].to_numpy(dtype=np.float64) * real.scale
    n = y.size
    inits = design.starting_points()[: real.n_chains]
    logger.info("compiling numba kernels... (first call; cached afterwards)")
    warm_up()
    result = run_sampler(y, real.scheme, design.prior.selected, inits, real.n_burn,
                         real.n_keep, derive_seed(seed, "sv", "real_data"),
                         state_index=np.arange(1, n + 1), **design.sampler_options())
    volatility = np.exp(0.5 * result.states.reshape(-1, n)) / real.scale
    band = real.band
    lower, median, upper = np.quantile(volatility, [(1 - band) / 2, 0.5, (1 + band) / 2], axis=0)
    path = pd.DataFrame({"date": returns["date"].to_numpy(), "mean": volatility.mean(axis=0),
                         "median": median, "lower": lower, "upper": upper})
    rows = [{"parameter": name, **summarise_draws(draws, np.nan)}
            for name, draws in result.params.items()]
    summary = pd.DataFrame(rows).drop(columns=["truth", "abs_error"])
    summary.insert(1, "scheme", result.scheme)
    summary["seconds"] = result.seconds
    logger.info("real-data fit: scheme %s, n=%d, %.1fs", result.scheme, n, result.seconds)
    return path, summary


def figure_volatility(path: pd.DataFrame, garch: pd.DataFrame, band: float, scheme: str):
    """Posterior volatility path with its credible band against GARCH(1,1)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    merged = path.merge(garch, on="date", how="left")
    fig, ax = plt.subplots(figsize=(11, 4))
    ax.fill_between(merged["date"], 100 * merged["lower"], 100 * merged["upper"],
                    color="tab:blue", alpha=0.25, lw=0, label=f"SV {band:.0%} credible band")
    ax.plot(merged["date"], 100 * merged["median"], color="tab:blue", lw=0.8,
            label=f"SV posterior median (scheme {scheme})")
    ax.plot(merged["date"], 100 * merged["volatility"], color="tab:red", lw=0.7, alpha=0.8,
            label="GARCH(1,1) conditional volatility")
    ax.set_ylabel("daily volatility (%)")
    ax.legend(fontsize=8, loc="upper left")
    ax.set_title("SV posterior volatility vs GARCH(1,1)")
    fig.tight_layout()
    return fig


def fit_real_data(returns_path: str, garch_path: str, design: SVDesign, seed: int,
                  path_out: str, summary_out: str, figure_out: str) -> None:
    """Fit, then write the volatility path (parquet, with GARCH alongside), the parameter
    summary (CSV) and the figure (PNG)."""
    returns = _read_columns(returns_path, ["date", "return"])
    garch = _read_columns(garch_path, ["date", "volatility"])
    path, summary = fit_sv_path(returns, design, seed)
    merged = path.merge(garch.rename(columns={"volatility": "garch"}), on="date", how="left")
    if merged["garch"].isna().all():
        raise DataError(f"{garch_path}: no date in common with {returns_path}")
    summary["corr_with_garch"] = float(merged[["median", "garch"]].corr().iloc[0, 1])
    write_parquet(merged, path_out)
    write_csv(summary, summary_out)
    write_figure(figure_volatility(path, garch, design.real_data.band,
                                   design.real_data.scheme), figure_out)
