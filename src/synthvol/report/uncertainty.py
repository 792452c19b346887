"""Uncertainty for report sentences: block-jackknife standard errors and "x ± se" text."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

#: Block length of the jackknife for daily series: a quarter of trading days, long enough
#: that volatility clustering mostly stays inside a block.
QUARTER = 63


def block_jackknife_se(x: np.ndarray, statistic: Callable[[np.ndarray], float],
                       block: int = QUARTER) -> float:
    """Delete-one-block jackknife standard error of ``statistic(x)`` for a dependent series.

    ``x`` is cut into contiguous blocks of ``block`` values (the remainder joins the last
    block); the statistic is recomputed with each block left out, and
    ``se² = (g − 1)/g · Σ (θ₋ᵢ − θ̄)²`` over the ``g`` blocks (Künsch 1989). Keeping
    blocks whole carries the serial dependence (volatility clustering) into the error,
    which an i.i.d. formula would understate. NaN when there are fewer than two blocks.
    """
    x = np.asarray(x)
    g = len(x) // block
    if g < 2:
        return float("nan")
    edges = [i * block for i in range(g)] + [len(x)]
    leave_out = np.array([statistic(np.concatenate([x[:edges[i]], x[edges[i + 1]:]]))
                          for i in range(g)])
    return float(np.sqrt((g - 1) / g * np.sum((leave_out - leave_out.mean()) ** 2)))


def plus_minus(value: float, error: float, unit: str = "") -> str:
    """``value ± error`` rounded to the error's first two significant digits: "4.1 ± 0.93"."""
    if not np.isfinite(error) or error <= 0:
        return f"{value:.3g}{unit}"
    decimals = max(0, 1 - math.floor(math.log10(error)))
    return f"{value:.{decimals}f} ± {error:.{decimals}f}{unit}".replace("-", "−")
