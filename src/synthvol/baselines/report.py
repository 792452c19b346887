"""The report section on the baselines: fit tables, forecast fans, sample paths, GARCH σ_t."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from synthvol.io import read_json, write_figure, write_text  # noqa: E402
from synthvol.report.html import image_file_html, paragraph, section, table_html  # noqa: E402
from synthvol.samples import read_samples  # noqa: E402

LABELS = {"ar": "AR", "garch": "GARCH", "fbm": "fBm"}


def fit_table(fits: dict[str, dict]) -> pd.DataFrame:
    """One row per baseline: model, key parameters, information criteria, timings."""
    rows = []
    for name, fit in fits.items():
        if name == "ar":
            params = ", ".join(f"a{i + 1}={c:.3f}" for i, c in enumerate(fit["coefs"]))
            params += f"; σ={fit['sigma']:.4g}"
        elif name == "garch":
            nu = f", ν={fit['nu']:.2f}" if fit["nu"] else ""
            alpha = ", ".join(f"{a:.3f}" for a in fit["alpha"])
            beta = ", ".join(f"{b:.3f}" for b in fit["beta"])
            params = (f"ω={fit['omega']:.3g}, α=({alpha}), β=({beta}){nu}; "
                      f"persistence={fit['persistence']:.4f}")
        else:
            params = (f"H={fit['hurst']:.3f} ({fit['hurst_estimator'].upper()}), "
                      f"μ={fit['mu']:.3g}, σ={fit['sigma']:.4g}")
        rows.append({"model": fit["model"], "parameters": params,
                     "AIC": fit.get("aic"), "fit s": fit["fit_seconds"],
                     "sample s": fit["sample_seconds"]})
    return pd.DataFrame(rows)


def _forecast_figure(forecasts: dict[str, pd.DataFrame], test: pd.DataFrame,
                     start_price: float, level: float):
    fig, axes = plt.subplots(1, len(forecasts), figsize=(4.2 * len(forecasts), 3.6),
                             sharey=True)
    for ax, (name, fc) in zip(np.atleast_1d(axes), forecasts.items()):
        h = fc["h"].to_numpy()
        real = test["price"].to_numpy()[: len(h)]
        ax.fill_between(h, start_price * np.exp(fc["cum_lower"]),
                        start_price * np.exp(fc["cum_upper"]), alpha=0.3,
                        label=f"{level:.0%} interval")
        ax.plot(h, start_price * np.exp(fc["cum_mean"]), label="forecast")
        ax.plot(np.arange(1, len(real) + 1), real, "k", lw=0.9, label="realised")
        ax.set_title(LABELS[name])
        ax.set_xlabel("steps ahead")
    np.atleast_1d(axes)[0].set_ylabel("price")
    np.atleast_1d(axes)[0].legend(fontsize=8)
    return fig


def _paths_figure(samples: dict[str, np.ndarray], test: pd.DataFrame, n_show: int = 20):
    fig, axes = plt.subplots(1, len(samples), figsize=(4.2 * len(samples), 3.6), sharey=True)
    real = test["price"].to_numpy()
    np.atleast_1d(axes)[0].set_yscale("log")
    for ax, (name, prices) in zip(np.atleast_1d(axes), samples.items()):
        ax.plot(prices[:n_show].T, lw=0.6, alpha=0.6)
        ax.plot(real, "k", lw=1.2, label="realised test prices")
        ax.set_title(f"{LABELS[name]}: {min(n_show, len(prices))} of {len(prices)} paths")
        ax.set_xlabel("trading days after the training split")
    np.atleast_1d(axes)[0].set_ylabel("price")
    np.atleast_1d(axes)[0].legend(fontsize=8)
    return fig


def write_baselines_section(names: Sequence[str], fit_paths: Sequence[str],
                            forecast_paths: Sequence[str], sample_paths: Sequence[str],
                            test_path: str, returns_path: str, volatility_path: str,
                            figures: dict[str, str], section_path: str) -> None:
    """Figures and the HTML fragment for the baselines part of the report."""
    fits = {n: read_json(p) for n, p in zip(names, fit_paths)}
    forecasts = {n: pd.read_parquet(p) for n, p in zip(names, forecast_paths)}
    prices = {n: read_samples(p, "price") for n, p in zip(names, sample_paths)}
    test = pd.read_parquet(test_path)
    start_price = next(iter(fits.values()))["start_price"]
    level = next(iter(fits.values()))["interval_level"]

    write_figure(_forecast_figure(forecasts, test, start_price, level), figures["forecasts"])
    write_figure(_paths_figure(prices, test), figures["paths"])
    vol = pd.read_parquet(volatility_path)
    returns = pd.read_parquet(returns_path)
    fig, ax = plt.subplots(figsize=(10, 3.5))
    ax.plot(returns["date"], np.abs(returns["return"]), color="0.7", lw=0.4, label="|return|")
    ax.plot(vol["date"], vol["volatility"], "C3", lw=0.9, label="GARCH σ_t")
    ax.axvline(test["date"].iloc[0], color="k", ls="--", lw=0.8)
    ax.legend()
    write_figure(fig, figures["volatility"])

    coverage = []
    for name, fc in forecasts.items():
        real = np.log(test["price"].to_numpy()[: len(fc)] / start_price)
        inside = (real >= fc["cum_lower"].to_numpy()[: len(real)]) & \
                 (real <= fc["cum_upper"].to_numpy()[: len(real)])
        coverage.append({"model": LABELS[name], "horizon": len(real),
                         "share of realised prices inside the interval": inside.mean()})
    parts = [
        paragraph("Three classical baselines are fitted by maximum likelihood or least squares "
                  "to the training returns. Each forecasts the next steps with interval "
                  "forecasts and simulates sample paths from the end of the training split, "
                  "in the same sample format as the generators. The fBm baseline uses exact "
                  "fractional Gaussian noise (Davies–Harte circulant embedding) with the "
                  "Hurst exponent estimated from the data, not the seed notebook's scaled "
                  "random walk with H fixed at 0.7."),
        table_html(fit_table(fits), "Baseline fits (on training returns)."),
        image_file_html(figures["forecasts"], "Price forecasts with interval forecasts "
                        "against the realised test prices."),
        table_html(pd.DataFrame(coverage), "Retrospective coverage of the price intervals "
                   "over the forecast horizon (one path, so a rough check only)."),
        image_file_html(figures["paths"], "Synthetic price paths from the last training "
                        "price against the realised test prices (log scale). The fitted GARCH "
                        "is close to integrated (α + β near 1) with Student-t shocks, so its "
                        "fourth moment may not exist and rare paths explode."),
        image_file_html(figures["volatility"], "GARCH conditional volatility, parameters "
                        "fitted on the training split (dashed line: start of the test split)."),
    ]
    write_text(section("baselines", "Baselines: AR, GARCH, fractional Brownian motion", parts),
               section_path)
