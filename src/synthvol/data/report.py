"""The report section on the prepared data: series, returns histogram, summary table, findings."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from scipy import stats  # noqa: E402

from synthvol.io import read_json, write_csv, write_figure  # noqa: E402
from synthvol.report.figures import date_axis  # noqa: E402
from synthvol.report.model import figure, paragraph, save_section, section, table  # noqa: E402
from synthvol.report.uncertainty import block_jackknife_se, plus_minus  # noqa: E402

TRADING_DAYS = 252
SUMMARY_ANCHOR = "data-summary"


def annualised_vol_pct(r: np.ndarray) -> float:
    """Annualised volatility of daily log returns, in percent: 100 · sd · √252."""
    return float(np.std(r, ddof=1) * np.sqrt(TRADING_DAYS) * 100)


def excess_kurtosis(r: np.ndarray) -> float:
    """Sample excess kurtosis (0 for a normal distribution)."""
    return float(stats.kurtosis(r))


def return_summary(returns: pd.DataFrame, train: pd.DataFrame, test: pd.DataFrame
                   ) -> pd.DataFrame:
    """Moments of the daily log returns for the whole series and each split.

    The annualised volatility and excess kurtosis come with block-jackknife standard
    errors (:func:`synthvol.report.uncertainty.block_jackknife_se`, quarterly blocks).
    """
    rows = []
    for label, frame in (("all", returns), ("train", train), ("test", test)):
        r = frame["return"].to_numpy()
        rows.append({"sample": label, "first": str(frame["date"].iloc[0].date()),
                     "last": str(frame["date"].iloc[-1].date()), "n": len(r),
                     "mean": r.mean(), "std": r.std(ddof=1), "skewness": stats.skew(r),
                     "excess_kurtosis": excess_kurtosis(r),
                     "excess_kurtosis_se": block_jackknife_se(r, excess_kurtosis),
                     "min": r.min(), "max": r.max(),
                     "annualised_vol_pct": annualised_vol_pct(r),
                     "annualised_vol_pct_se": block_jackknife_se(r, annualised_vol_pct)})
    return pd.DataFrame(rows)


def data_findings(summary: pd.DataFrame) -> list[tuple[str, str]]:
    """Two headline sentences: how heavy the tails are, and how the test period differs."""
    rows = summary.set_index("sample")
    every, train, test = rows.loc["all"], rows.loc["train"], rows.loc["test"]
    tails = (f"Daily returns are heavy-tailed: excess kurtosis "
             f"{plus_minus(every['excess_kurtosis'], every['excess_kurtosis_se'])} over "
             f"{every['first'][:4]}–{every['last'][:4]} (0 for a normal distribution; "
             f"± block-jackknife standard error).")
    diff = test["annualised_vol_pct"] - train["annualised_vol_pct"]
    se = float(np.hypot(test["annualised_vol_pct_se"], train["annualised_vol_pct_se"]))
    if np.isfinite(se) and abs(diff) < 2 * se:
        verdict = "about as volatile as the training period"
    else:
        verdict = "calmer than the training period" if diff < 0 else \
            "more volatile than the training period"
    split = (f"The held-out test period ({test['first']} to {test['last']}) is {verdict}: "
             f"annualised volatility "
             f"{plus_minus(test['annualised_vol_pct'], test['annualised_vol_pct_se'], '%')} "
             f"against "
             f"{plus_minus(train['annualised_vol_pct'], train['annualised_vol_pct_se'], '%')}"
             f" in training.")
    return [(tails, SUMMARY_ANCHOR), (split, SUMMARY_ANCHOR)]


def _series_figure(returns: pd.DataFrame, train: pd.DataFrame, test: pd.DataFrame,
                   source: str):
    fig, axes = plt.subplots(2, 1, figsize=(10, 5.5), sharex=True)
    axes[0].plot(train["date"], train["price"], lw=0.8, label="train")
    axes[0].plot(test["date"], test["price"], lw=0.8, color="C3", label="test")
    axes[0].set_ylabel(f"price of {source}\n(series units)")
    axes[0].legend()
    axes[1].plot(returns["date"], 100 * returns["return"], lw=0.4, color="k")
    axes[1].axvline(test["date"].iloc[0], color="C3", ls="--", lw=0.8)
    axes[1].set_ylabel("daily log return (%)")
    axes[1].set_xlabel("trading day")
    date_axis(axes[1])
    return fig


def _histogram_figure(r: np.ndarray):
    fig, ax = plt.subplots(figsize=(7, 4))
    pct = 100 * r
    ax.hist(pct, bins=120, density=True, alpha=0.6, label="daily log returns")
    grid = np.linspace(pct.min(), pct.max(), 400)
    ax.plot(grid, stats.norm.pdf(grid, pct.mean(), pct.std(ddof=1)), "C3", label="normal fit")
    ax.set_yscale("log")
    ax.set_ylim(bottom=1e-4)
    ax.set_xlabel("daily log return (%)")
    ax.set_ylabel("probability density (1/%, log scale)")
    ax.legend()
    return fig


def write_data_section(returns_path: str, train_path: str, test_path: str, summary_path: str,
                       series_png: str, hist_png: str, summary_csv: str,
                       section_path: str) -> None:
    """Figures, the summary CSV and the section data for the data part of the report."""
    returns, train, test = (pd.read_parquet(p) for p in (returns_path, train_path, test_path))
    summary = read_json(summary_path)
    write_figure(_series_figure(returns, train, test, summary["source"]), series_png)
    write_figure(_histogram_figure(returns["return"].to_numpy()), hist_png)
    summary_table = return_summary(returns, train, test)
    write_csv(summary_table, summary_csv)

    blocks = [
        paragraph(f"Source: {summary['source']} — {summary['n_prices']} daily prices from "
                  f"{summary['first_date']} to {summary['last_date']}. The last "
                  f"{summary['n_test']} returns (from {summary['test_start']}) are held out "
                  f"as the test split; models see only the {summary['n_train']} training "
                  f"returns. Generators train on {summary['n_windows']} sliding windows of "
                  f"{summary['window_length']} scaled training returns (no window crosses "
                  "into the test period)."),
        figure(series_png, "Prices (train / test) and daily log returns; dashed "
                        "line: start of the test split.", anchor="data-series"),
        figure(hist_png, "Return density on a log scale against a fitted normal: "
                                  "the heavy tails every generator has to reproduce.",
                        anchor="data-histogram"),
        table(summary_table, "Daily log-return summary (mean, standard deviation, minimum and "
                   "maximum in log-return units). Standard errors (se) are delete-one-block "
                   "jackknife over quarters (63 trading days), which keeps volatility "
                   "clustering inside the blocks.", anchor=SUMMARY_ANCHOR, csv=summary_csv),
    ]
    save_section(section("data", "Data", blocks, data_findings(summary_table)), section_path)
