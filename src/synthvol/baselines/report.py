"""The report section on the baselines: fit tables, forecast fans, sample paths, GARCH σ_t."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker as mticker  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from synthvol.data.report import annualised_vol_pct  # noqa: E402
from synthvol.io import read_json, write_csv, write_figure  # noqa: E402
from synthvol.report.figures import date_axis  # noqa: E402
from synthvol.report.model import figure, paragraph, save_section, section, table  # noqa: E402
from synthvol.report.uncertainty import plus_minus  # noqa: E402
from synthvol.samples import read_samples  # noqa: E402

LABELS = {"ar": "AR", "garch": "GARCH", "fbm": "fBm"}
FITS_ANCHOR, VOLATILITY_ANCHOR = "baselines-fits", "baselines-path-volatility"


def hurst_standard_error(regression: Mapping[str, Sequence[float]]) -> float:
    """Standard error of the log–log slope behind a Hurst estimate (ordinary least squares).

    The scales' fluctuations share data, so the points are not independent and this
    understates the uncertainty; it still says how well one slope fits the scales.
    """
    x = np.log(np.asarray(regression["scales"], dtype=float))
    y = np.log(np.asarray(regression["statistic"], dtype=float))
    slope, intercept = np.polyfit(x, y, 1)
    resid = y - (slope * x + intercept)
    return float(np.sqrt(resid @ resid / (len(x) - 2) / np.sum((x - x.mean()) ** 2)))


def aic_in_return_units(fit: Mapping) -> float | None:
    """AIC of the fit's likelihood for returns themselves (GARCH is fitted to rescaled ones).

    Fitting ``y = c·r`` changes the log-likelihood by the Jacobian ``−n log c``, so
    ``AIC_r = AIC_y − 2 n log c``; the AICs of the rows are then on one scale.
    """
    aic = fit.get("aic")
    if aic is None:
        return None
    return float(aic) - 2 * int(fit["nobs"]) * np.log(float(fit.get("rescale", 1.0)))


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
            se = hurst_standard_error(fit["hurst_regression"])
            params = (f"H={plus_minus(fit['hurst'], se)} ({fit['hurst_estimator'].upper()}), "
                      f"μ={fit['mu']:.3g}, σ={fit['sigma']:.4g}")
        rows.append({"model": fit["model"], "parameters": params, "nobs": fit.get("nobs"),
                     "aic": aic_in_return_units(fit), "fit_seconds": fit["fit_seconds"],
                     "sample_seconds": fit["sample_seconds"]})
    frame = pd.DataFrame(rows)
    frame["nobs"] = frame["nobs"].astype("Int64")
    return frame


def path_volatility_table(returns: Mapping[str, np.ndarray], test: pd.DataFrame
                          ) -> pd.DataFrame:
    """Each baseline's simulated annualised volatility against the realised test period's."""
    realised = annualised_vol_pct(test["return"].to_numpy())
    rows = []
    for name, paths in returns.items():
        vols = np.array([annualised_vol_pct(path) for path in paths])
        below = np.mean(vols < realised) + 0.5 * np.mean(vols == realised)
        rows.append({"model": LABELS[name], "paths": len(vols), "realised_vol_pct": realised,
                     "path_vol_pct_q05": np.quantile(vols, 0.05),
                     "path_vol_pct_median": np.median(vols),
                     "path_vol_pct_q95": np.quantile(vols, 0.95),
                     "realised_percentile": 100 * below})
    return pd.DataFrame(rows)


def _position(percentile: float) -> str:
    """Where a value falls among simulated ones, in words."""
    if percentile <= 0:
        return "below every path"
    if percentile >= 100:
        return "above every path"
    n = round(percentile)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"at the {n}{suffix} percentile"


def baselines_findings(fits: Mapping[str, dict], vol: pd.DataFrame) -> list[tuple[str, str]]:
    """Headline sentences: where the realised volatility falls among each baseline's paths,
    and the Hurst exponent behind the fBm baseline."""
    items = []
    if len(vol):
        realised = vol["realised_vol_pct"].iloc[0]
        parts = [f"{r.model}: {_position(r.realised_percentile)} (median "
                 f"{r.path_vol_pct_median:.1f}%, 90% of paths {r.path_vol_pct_q05:.1f}–"
                 f"{r.path_vol_pct_q95:.1f}%)" for r in vol.itertuples()]
        items.append((f"The realised test-period volatility, {realised:.1f}% a year, against "
                      f"that of each baseline's {vol['paths'].iloc[0]} simulated paths — "
                      + "; ".join(parts) + ".", VOLATILITY_ANCHOR))
    if "fbm" in fits:
        fit = fits["fbm"]
        h, se = fit["hurst"], hurst_standard_error(fit["hurst_regression"])
        if abs(h - 0.5) < 2 * se:
            reading = "indistinguishable from 0.5, i.e. increments without memory"
        elif h < 0.5:
            reading = "below 0.5: its increments are anti-persistent, with no long memory"
        else:
            reading = "above 0.5: its increments are persistent (long memory)"
        sentence = (f"The fBm baseline's Hurst exponent is H = {plus_minus(h, se)} "
                    f"({fit['hurst_estimator'].upper()}, ± slope standard error), {reading}; "
                    f"an fBm path cannot cluster volatility whatever H is.")
        items.append((sentence, FITS_ANCHOR))
    return items


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
        ax.set_xlabel("trading days ahead")
    np.atleast_1d(axes)[0].set_ylabel("price (series units)")
    np.atleast_1d(axes)[0].legend(fontsize=8)
    return fig


def _paths_figure(samples: dict[str, np.ndarray], test: pd.DataFrame, n_show: int = 20):
    fig, axes = plt.subplots(1, len(samples), figsize=(4.2 * len(samples), 3.6), sharey=True)
    real = test["price"].to_numpy()
    np.atleast_1d(axes)[0].set_yscale("log")
    for ax, (name, prices) in zip(np.atleast_1d(axes), samples.items()):
        ax.plot(np.arange(1, prices.shape[1] + 1), prices[:n_show].T, lw=0.6, alpha=0.6)
        ax.plot(np.arange(1, len(real) + 1), real, "k", lw=1.2, label="realised test prices")
        ax.set_title(f"{LABELS[name]}: {min(n_show, len(prices))} of {len(prices)} paths")
        ax.set_xlabel("trading days after the training split")
    plain = mticker.FuncFormatter(lambda v, _: f"{v:,.0f}")
    for ax in np.atleast_1d(axes):
        ax.yaxis.set_major_formatter(plain)
        ax.yaxis.set_minor_formatter(plain)
        ax.tick_params(axis="y", which="minor", labelsize=7)
    np.atleast_1d(axes)[0].set_ylabel("price (series units, log scale)")
    np.atleast_1d(axes)[0].legend(fontsize=8)
    return fig


def _volatility_figure(returns: pd.DataFrame, vol: pd.DataFrame, test_start):
    fig, ax = plt.subplots(figsize=(10, 3.5))
    ax.plot(returns["date"], 100 * np.abs(returns["return"]), color="0.7", lw=0.4,
            label="|daily log return|")
    ax.plot(vol["date"], 100 * vol["volatility"], "C3", lw=0.9, label="GARCH σ_t")
    ax.axvline(test_start, color="k", ls="--", lw=0.8, label="start of the test split")
    ax.set_ylabel("daily volatility (%)")
    ax.set_xlabel("trading day")
    date_axis(ax)
    ax.legend(fontsize=8)
    return fig


def coverage_table(forecasts: Mapping[str, pd.DataFrame], test: pd.DataFrame,
                   start_price: float) -> pd.DataFrame:
    """Share (%) of the realised test prices inside each baseline's interval forecast."""
    rows = []
    for name, fc in forecasts.items():
        real = np.log(test["price"].to_numpy()[: len(fc)] / start_price)
        inside = (real >= fc["cum_lower"].to_numpy()[: len(real)]) & \
                 (real <= fc["cum_upper"].to_numpy()[: len(real)])
        rows.append({"model": LABELS[name], "horizon": len(real),
                     "coverage": 100 * inside.mean()})
    return pd.DataFrame(rows)


def write_baselines_section(names: Sequence[str], fit_paths: Sequence[str],
                            forecast_paths: Sequence[str], sample_paths: Sequence[str],
                            test_path: str, returns_path: str, volatility_path: str,
                            figures: Mapping[str, str], tables: Mapping[str, str],
                            section_path: str) -> None:
    """Figures, table CSVs and the section data for the baselines part of the report.

    ``figures`` has the PNG paths ``forecasts``, ``paths``, ``volatility``; ``tables`` the
    CSV paths ``fits``, ``coverage``, ``path_volatility``.
    """
    fits = {n: read_json(p) for n, p in zip(names, fit_paths)}
    forecasts = {n: pd.read_parquet(p) for n, p in zip(names, forecast_paths)}
    prices = {n: read_samples(p, "price") for n, p in zip(names, sample_paths)}
    path_returns = {n: read_samples(p, "return") for n, p in zip(names, sample_paths)}
    test = pd.read_parquet(test_path)
    start_price = next(iter(fits.values()))["start_price"]
    level = next(iter(fits.values()))["interval_level"]

    write_figure(_forecast_figure(forecasts, test, start_price, level), figures["forecasts"])
    write_figure(_paths_figure(prices, test), figures["paths"])
    write_figure(_volatility_figure(pd.read_parquet(returns_path),
                                    pd.read_parquet(volatility_path), test["date"].iloc[0]),
                 figures["volatility"])
    frames = {"fits": fit_table(fits), "coverage": coverage_table(forecasts, test, start_price),
              "path_volatility": path_volatility_table(path_returns, test)}
    for key, frame in frames.items():
        write_csv(frame, tables[key])

    blocks = [
        paragraph("Three classical baselines are fitted by maximum likelihood or least squares "
                  "to the training returns. Each forecasts the next steps with interval "
                  "forecasts and simulates sample paths from the end of the training split, "
                  "in the same sample format as the generators. The fBm baseline uses exact "
                  "fractional Gaussian noise (Davies–Harte circulant embedding) with the "
                  "Hurst exponent estimated from the data, not the seed notebook's scaled "
                  "random walk with H fixed at 0.7."),
        table(frames["fits"], "Baseline fits on the training returns. AIC of each model's "
                   "likelihood for the returns themselves (GARCH's, fitted to rescaled "
                   "returns, is moved back by the Jacobian of the rescaling); the AR "
                   "likelihood conditions on its first lags, so its n is smaller. H ± the "
                   "standard error of its log–log slope.", anchor=FITS_ANCHOR,
                   csv=tables["fits"]),
        figure(figures["forecasts"], "Price forecasts with interval forecasts "
                        "against the realised test prices.", anchor="baselines-forecasts"),
        table(frames["coverage"], "Retrospective coverage of the price intervals over the "
                   "forecast horizon (one realised path whose days are dependent, so a rough "
                   "check only).", csv=tables["coverage"]),
        figure(figures["paths"], "Synthetic price paths from the last training "
                        "price against the realised test prices (log scale). The fitted GARCH "
                        "is close to integrated (α + β near 1) with Student-t shocks, so its "
                        "fourth moment may not exist and rare paths explode.",
                        anchor="baselines-paths"),
        table(frames["path_volatility"], "Annualised volatility of each simulated path "
                   "(5% quantile, median, 95% quantile over paths) against the realised test "
                   "period's, and the percentile at which the realised value falls among the "
                   "paths.", anchor=VOLATILITY_ANCHOR, csv=tables["path_volatility"]),
        figure(figures["volatility"], "GARCH conditional volatility σ_t beside the "
                        "absolute daily returns, parameters fitted on the training split.",
                        anchor="baselines-volatility"),
    ]
    save_section(section("baselines", "Baselines: AR, GARCH, fractional Brownian motion", blocks,
                          baselines_findings(fits, frames["path_volatility"])), section_path)
