"""Figures of the real-vs-synthetic comparison (matplotlib, one PNG each)."""

from __future__ import annotations

import math
from collections.abc import Mapping

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from synthvol.evaluation.sources import REAL_TEST  # noqa: E402

REAL_STYLE = {"color": "black", "linewidth": 2.2, "label": "real (test)", "zorder": 5}


def correlogram_figure(curves: Mapping[str, np.ndarray], title: str):
    """One line per source over lags 1..k, the real test split in bold black."""
    fig, ax = plt.subplots(figsize=(8, 4.2))
    for name, values in curves.items():
        lags = np.arange(1, len(values))
        style = REAL_STYLE if name == REAL_TEST else {"label": name, "linewidth": 1.2,
                                                      "marker": ".", "alpha": 0.85}
        ax.plot(lags, values[1:], **style)
    ax.axhline(0.0, color="0.4", linewidth=0.8)
    ax.set(xlabel="lag", ylabel="pooled over windows", title=title)
    ax.legend(fontsize=8, ncol=2)
    return fig


def _grid(n: int, width: float = 3.4, height: float = 2.6):
    cols = min(3, n)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(width * cols, height * rows), squeeze=False)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, axes.flat


def sample_paths_figure(paths: Mapping[str, np.ndarray], real_returns: np.ndarray,
                        n_paths: int):
    """Per synthetic source, the first ``n_paths`` paths as cumulative log returns, with the
    real test split over the same number of steps in black."""
    names = list(paths)
    fig, axes = _grid(len(names))
    real_cum = np.cumsum(real_returns)
    for ax, name in zip(axes, names):
        cum = np.cumsum(paths[name][:n_paths], axis=1)
        steps = np.arange(1, cum.shape[1] + 1)
        ax.plot(steps, cum.T, linewidth=0.8, alpha=0.8)
        ax.plot(steps[: len(real_cum)], real_cum[: cum.shape[1]], color="black", linewidth=1.6)
        ax.set_title(name, fontsize=10)
        ax.tick_params(labelsize=7)
    fig.supxlabel("step")
    fig.supylabel("cumulative log return")
    fig.tight_layout()
    return fig


def return_histogram_figure(paths: Mapping[str, np.ndarray]):
    """Per source, the density of pooled returns (log scale, to show the tails) with the real
    test split's density outlined in black."""
    names = [n for n in paths if n != REAL_TEST]
    real = paths[REAL_TEST].ravel()
    pooled = np.concatenate([p.ravel() for p in paths.values()])
    lo, hi = np.quantile(pooled, [0.0005, 0.9995])
    bins = np.linspace(lo, hi, 61)
    fig, axes = _grid(len(names))
    for ax, name in zip(axes, names):
        ax.hist(paths[name].ravel(), bins=bins, density=True, alpha=0.6)
        ax.hist(real, bins=bins, density=True, histtype="step", color="black", linewidth=1.2)
        ax.set_yscale("log")
        ax.set_title(name, fontsize=10)
        ax.tick_params(labelsize=7)
    fig.supxlabel("daily log return")
    fig.supylabel("density (log scale)")
    fig.tight_layout()
    return fig
