"""The study's headline numbers in one small JSON file, for ``dvc metrics show``.

Lifted from tables other rules write: each scored source's (real training split, generators,
copy floors, baselines) headline score (AUC against the held-out windows), its standard error
(a generator's including the variation between trainings) and its verdict, each SV scheme's
median inefficiency factor per parameter (median over the design's settings of Table 2's
per-setting medians), and each forecast model's MAPE and interval coverage on the held-out tail.
"""

from __future__ import annotations

import os
from typing import Any

import pandas as pd

from synthvol.io import write_json

PathLike = str | os.PathLike[str]


def headline_metrics(scores: PathLike, sv_inefficiency: PathLike,
                     forecast_accuracy: PathLike) -> dict[str, Any]:
    """The headline numbers, nested part -> item -> value (plain floats)."""
    score_table = pd.read_csv(scores)
    sources = {row.source: {"headline_score": float(row.headline_score),
                            "headline_score_se": float(row.headline_score_se),
                            "verdict": str(row.verdict)}
               for row in score_table.itertuples()}
    table2 = pd.read_csv(sv_inefficiency)
    medians = table2.groupby(["scheme", "parameter"], sort=False)["median"].median()
    sv: dict[str, dict[str, float]] = {}
    for (scheme, parameter), value in medians.items():
        sv.setdefault(str(scheme), {})[str(parameter)] = float(value)
    accuracy = pd.read_csv(forecast_accuracy)
    forecast = {row.model: {"mape": float(row.mape), "coverage": float(row.mu)}
                for row in accuracy.itertuples()}
    return {"scores": sources, "sv_inefficiency_median": sv, "forecast": forecast}


def write_metrics(scores: PathLike, sv_inefficiency: PathLike, forecast_accuracy: PathLike,
                  output: PathLike) -> None:
    """Write :func:`headline_metrics` as JSON."""
    write_json(headline_metrics(scores, sv_inefficiency, forecast_accuracy), output)
