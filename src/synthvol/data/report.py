"""The report section on the prepared data: series, returns histogram, summary table."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from scipy import stats  # noqa: E402

from synthvol.io import read_json, write_figure, write_text  # noqa: E402
from synthvol.report.html import image_file_html, paragraph, section, table_html  # noqa: E402


def return_summary(returns: pd.DataFrame, train: pd.DataFrame, test: pd.DataFrame
                   ) -> pd.DataFrame:
    """Moments of the daily log returns for the whole series and each split."""
    rows = []
    for label, frame in (("all", returns), ("train", train), ("test", test)):
        r = frame["return"].to_numpy()
        rows.append({"sample": label, "first": frame["date"].iloc[0].date(),
                     "last": frame["date"].iloc[-1].date(), "n": len(r), "mean": r.mean(),
                     "std": r.std(ddof=1), "skewness": stats.skew(r),
                     "excess kurtosis": stats.kurtosis(r), "min": r.min(), "max": r.max(),
                     "annualised vol": r.std(ddof=1) * np.sqrt(252)})
    return pd.DataFrame(rows)


def write_data_section(returns_path: str, train_path: str, test_path: str, summary_path: str,
                       series_png: str, hist_png: str, section_path: str) -> None:
    """Figures and the HTML fragment for the data part of the report."""
    returns, train, test = (pd.read_parquet(p) for p in (returns_path, train_path, test_path))
    summary = read_json(summary_path)

    fig, axes = plt.subplots(2, 1, figsize=(10, 5.5), sharex=True)
    axes[0].plot(train["date"], train["price"], lw=0.8, label="train")
    axes[0].plot(test["date"], test["price"], lw=0.8, color="C3", label="test")
    axes[0].set_ylabel("price")
    axes[0].legend()
    axes[1].plot(returns["date"], returns["return"], lw=0.4, color="k")
    axes[1].axvline(test["date"].iloc[0], color="C3", ls="--", lw=0.8)
    axes[1].set_ylabel("log return")
    write_figure(fig, series_png)

    r = returns["return"].to_numpy()
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.hist(r, bins=120, density=True, alpha=0.6, label="returns")
    grid = np.linspace(r.min(), r.max(), 400)
    ax.plot(grid, stats.norm.pdf(grid, r.mean(), r.std(ddof=1)), "C3", label="normal fit")
    ax.set_yscale("log")
    ax.set_ylim(bottom=1e-2)
    ax.set_xlabel("daily log return")
    ax.legend()
    write_figure(fig, hist_png)

    parts = [
        paragraph(f"Source: {summary['source']} — {summary['n_prices']} daily prices from "
                  f"{summary['first_date']} to {summary['last_date']}. The last "
                  f"{summary['n_test']} returns (from {summary['test_start']}) are held out "
                  f"as the test split; models see only the {summary['n_train']} training "
                  f"returns. Generators train on {summary['n_windows']} sliding windows of "
                  f"{summary['window_length']} scaled training returns (no window crosses "
                  "into the test period)."),
        image_file_html(series_png, "Prices (train / test) and daily log returns."),
        image_file_html(hist_png, "Return density on a log scale against a fitted normal: "
                                  "the heavy tails every generator has to reproduce."),
        table_html(return_summary(returns, train, test), "Daily log-return summary."),
    ]
    write_text(section("data", "Data", parts), section_path)
