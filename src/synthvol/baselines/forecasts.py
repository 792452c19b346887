"""The forecast table every baseline writes: per-step and cumulative return forecasts.

Columns: ``h``; ``mean``, ``se``, ``lower``, ``upper`` for the return at step h; and
``cum_mean``, ``cum_se``, ``cum_lower``, ``cum_upper`` for the cumulative log return over
steps 1..h, so a price interval is ``last_price * exp(cum_lower … cum_upper)``. Intervals are
Gaussian, central, at the given level.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats


def forecast_frame(mean: np.ndarray, se: np.ndarray, cum_mean: np.ndarray, cum_se: np.ndarray,
                   level: float) -> pd.DataFrame:
    """Assemble the forecast table from per-step and cumulative means and standard errors."""
    z = stats.norm.ppf(0.5 + level / 2)
    return pd.DataFrame({
        "h": np.arange(1, len(mean) + 1), "mean": mean, "se": se,
        "lower": mean - z * se, "upper": mean + z * se,
        "cum_mean": cum_mean, "cum_se": cum_se,
        "cum_lower": cum_mean - z * cum_se, "cum_upper": cum_mean + z * cum_se,
    })
