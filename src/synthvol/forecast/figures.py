"""Figures of the forecast part: fit and interval forecast, residual diagnostics,
rolling-origin accuracy."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker as mticker  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from scipy import stats  # noqa: E402
from statsmodels.graphics.tsaplots import plot_acf  # noqa: E402

from synthvol.errors import DataError  # noqa: E402
from synthvol.forecast.accuracy import level_label  # noqa: E402
from synthvol.forecast.models import BENCHMARK  # noqa: E402
from synthvol.io import write_figure  # noqa: E402

ZOOM_PERIODS = 48
DPI = 80
VALUE_LABEL = "price (units of the price series, per period)"


def _date_axis(ax: plt.Axes) -> None:
    """Readable date ticks: automatic spacing, concise labels (years, then months)."""
    locator = mdates.AutoDateLocator(minticks=4, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def _rows(frame: pd.DataFrame, model: str, path: str) -> pd.DataFrame:
    rows = frame[frame["model"] == model]
    if rows.empty:
        raise DataError(f"{path}: no rows for model '{model}'")
    return rows.assign(date=pd.to_datetime(rows["date"]))


def plot_fit(series: pd.DataFrame, fitted: pd.DataFrame, forecasts: pd.DataFrame,
             model: str, confidence: float) -> plt.Figure:
    """The series, the in-sample fit and the interval forecast of the held-out tail."""
    dates = pd.to_datetime(series["date"])
    fig, axes = plt.subplots(1, 2, figsize=(12, 4), gridspec_kw={"width_ratios": [3, 2]})
    for ax, start in zip(axes, (dates.iloc[0], dates.iloc[max(0, len(dates) - ZOOM_PERIODS)])):
        keep = dates >= start
        ax.plot(dates[keep], series["value"][keep], color="black", lw=1, label="actual")
        fit_keep = fitted[fitted["date"] >= start]
        ax.plot(fit_keep["date"], fit_keep["fitted"], color="tab:blue", lw=1.2, label="fitted")
        ax.plot(forecasts["date"], forecasts["forecast"], color="tab:red", lw=1.2,
                label="forecast")
        ax.fill_between(forecasts["date"], forecasts["lower"], forecasts["upper"],
                        color="tab:red", alpha=0.2, label=f"{confidence:.0%} interval")
        ax.axvline(forecasts["date"].iloc[0], color="grey", ls=":", lw=1)
        ax.grid(alpha=0.3)
        ax.set_ylabel(VALUE_LABEL)
        _date_axis(ax)
    axes[0].set_title(f"{model}: fit and interval forecast")
    axes[1].set_title("last periods and held-out tail")
    axes[0].legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    return fig


def plot_residuals(fitted: pd.DataFrame, model: str) -> plt.Figure:
    """Residuals over time, histogram with a normal density, ACF and normal Q–Q plot."""
    fitted = fitted[np.isfinite(fitted["residual"])]
    e = fitted["residual"].to_numpy()
    fig, axes = plt.subplots(2, 2, figsize=(11, 7))
    axes[0, 0].plot(fitted["date"], e, lw=0.8, color="tab:blue")
    axes[0, 0].axhline(0.0, color="black", lw=0.6)
    axes[0, 0].set_title("residuals")
    axes[0, 0].set_ylabel("residual (series units; ln units for the exponential curve)")
    _date_axis(axes[0, 0])
    axes[0, 1].set_xlabel("residual")
    axes[0, 1].set_ylabel("density")
    axes[0, 1].hist(e, bins="auto", density=True, color="tab:blue", alpha=0.6)
    grid = np.linspace(e.min(), e.max(), 200)
    axes[0, 1].plot(grid, stats.norm.pdf(grid, e.mean(), e.std(ddof=1)), color="black")
    axes[0, 1].set_title("histogram and normal density")
    plot_acf(e, ax=axes[1, 0], lags=min(24, e.size // 2 - 1))
    axes[1, 0].set_title("autocorrelation")
    axes[1, 0].set_xlabel("lag (periods)")
    stats.probplot(e, dist="norm", plot=axes[1, 1])
    axes[1, 1].set_title("normal Q-Q")
    fig.suptitle(f"{model}: residual diagnostics")
    fig.tight_layout()
    return fig


def write_model_figures(series_path: str, fitted_path: str, forecasts_path: str, model: str,
                        confidence: float, fit_png: str, residuals_png: str) -> None:
    """Write the fit/forecast and residual-diagnostics PNGs of one model."""
    fitted = _rows(pd.read_csv(fitted_path), model, fitted_path)
    forecasts = _rows(pd.read_csv(forecasts_path), model, forecasts_path)
    write_figure(plot_fit(pd.read_csv(series_path), fitted, forecasts, model, confidence),
                 fit_png, dpi=DPI)
    write_figure(plot_residuals(fitted, model), residuals_png, dpi=DPI)


def plot_rolling(accuracy: pd.DataFrame, levels: list[float]) -> plt.Figure:
    """MASE by horizon for every model, and pooled coverage against the nominal levels."""
    by_horizon = accuracy[accuracy["horizon"] != "all"].assign(
        horizon=lambda f: f["horizon"].astype(int))
    overall = accuracy[accuracy["horizon"] == "all"].sort_values("mase")
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.8), gridspec_kw={"width_ratios": [3, 2]})
    colours = plt.get_cmap("tab20")(np.linspace(0, 1, max(len(overall), 1)))
    for colour, model in zip(colours, overall["model"]):
        rows = by_horizon[by_horizon["model"] == model]
        style = dict(color="black", ls="--", lw=2) if model == BENCHMARK else dict(color=colour)
        axes[0].plot(rows["horizon"], rows["mase"], marker="o", ms=3, label=model, **style)
    axes[0].set_yscale("log")
    axes[0].yaxis.set_major_formatter(mticker.ScalarFormatter())
    axes[0].yaxis.set_minor_formatter(mticker.NullFormatter())
    axes[0].set_xlabel("forecast horizon L (periods ahead)")
    axes[0].set_ylabel("MASE (mean |error| / in-sample naive MAE), log scale")
    axes[0].set_title("rolling-origin MASE by horizon")
    axes[0].grid(alpha=0.3, which="both")
    axes[0].legend(fontsize=7, ncol=2, loc="upper left")
    positions = np.arange(len(overall))
    width = 0.8 / len(levels)
    for i, level in enumerate(levels):
        axes[1].bar(positions + (i - (len(levels) - 1) / 2) * width,
                    overall[f"coverage_{level_label(level)}"], width=width,
                    label=f"{level:.0%} intervals")
        axes[1].axhline(level, color="black", lw=0.8, ls=":")
    axes[1].set_xticks(positions, overall["model"], rotation=60, ha="right", fontsize=8)
    axes[1].set_ylim(0, 1.05)
    axes[1].set_ylabel("share of actual values inside the interval")
    axes[1].set_title("coverage over all origins and horizons (dotted: nominal)")
    axes[1].legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    return fig


def write_rolling_figure(accuracy_path: str, levels: list[float], png: str) -> None:
    """Write the rolling-origin accuracy figure."""
    accuracy = pd.read_csv(accuracy_path, dtype={"horizon": str})
    if accuracy.empty:
        raise DataError(f"{accuracy_path}: no rows")
    write_figure(plot_rolling(accuracy, levels), png, dpi=DPI)
