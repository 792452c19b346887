"""results/metrics.json lifts the headline numbers out of the parts' tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from synthvol.metrics import headline_metrics


def test_headline_metrics(tmp_path: Path) -> None:
    pd.DataFrame({"source": ["real_train", "sbts"], "kind": ["real", "generator"],
                  "headline_score": [0.55, 0.7], "headline_score_se": [0.01, 0.02],
                  "verdict": ["memorises", "worse"]}
                 ).to_csv(tmp_path / "scores.csv", index=False)
    pd.DataFrame({"setting": ["s1", "s2", "s1", "s2"], "scheme": ["I", "I", "V", "V"],
                  "parameter": ["phi"] * 4, "median": [100.0, 300.0, 2.0, 4.0]}
                 ).to_csv(tmp_path / "table2.csv", index=False)
    pd.DataFrame({"model": ["holt"], "mape": [2.7], "mu": [0.75]}
                 ).to_csv(tmp_path / "accuracy.csv", index=False)
    metrics = headline_metrics(tmp_path / "scores.csv", tmp_path / "table2.csv",
                               tmp_path / "accuracy.csv")
    assert metrics["scores"]["sbts"] == {"headline_score": pytest.approx(0.7),
                                         "headline_score_se": pytest.approx(0.02),
                                         "verdict": "worse"}
    assert metrics["sv_inefficiency_median"] == {"I": {"phi": 200.0}, "V": {"phi": 3.0}}
    assert metrics["forecast"] == {"holt": {"mape": 2.7, "coverage": 0.75}}
