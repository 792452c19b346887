"""Power of the quick study's headline test, and the calibration table's arithmetic."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from synthvol.baselines.ar import ARSettings, fit_ar
from synthvol.baselines.fbm import FBMSettings, fit_fbm
from synthvol.baselines.garch import GARCHSettings, fit_garch
from synthvol.evaluation.markets import rejection_table, simulate_market
from synthvol.evaluation.memorisation import MemorisationReference, memorises
from synthvol.evaluation.twosample import HeadlineSettings, Windows, headline_test
from synthvol.evaluation.verdicts import family_scores, verdict
from synthvol.seeds import rng

REPO = Path(__file__).resolve().parents[2]


def quick_headline() -> HeadlineSettings:
    """params.yaml's evaluation.headline with config/quick.yaml merged over it."""
    def load(name: str) -> dict:
        return yaml.safe_load((REPO / name).read_text(encoding="utf-8"))

    base = load("params.yaml")["evaluation"]["headline"]
    quick = load("config/quick.yaml").get("evaluation", {}).get("headline", {})
    return HeadlineSettings.from_mapping({**base, **quick})


def test_quick_headline_passes_fitted_garch_and_fails_gaussian_baselines():
    settings = quick_headline()
    seed = 20150601
    market = simulate_market("garch_t", seed, "quick-baselines")
    returns = market.returns[~market.held]
    fits = {"garch": fit_garch(returns, GARCHSettings(p=1, q=1, distribution="t",
                                                      mean="Constant", rescale=100.0)),
            "ar": fit_ar(returns, ARSettings(order=5, select_by_aic=False, max_order=20,
                                             trend="c")),
            "fbm": fit_fbm(returns, FBMSettings(hurst_estimator="dfa", hurst_series="returns",
                                                method="davies-harte"))}
    real_train = family_scores(headline_test(market.heldout, market.train, settings, seed))
    reference = MemorisationReference(market.train.values, market.heldout.values,
                                      market.train.start)
    verdicts = {}
    for name, fit in fits.items():
        # the quick study's baseline paths: 20 long paths, cut into stride-1 windows
        paths = market.scaler.transform(fit.simulate(20, 1000, rng(seed, "test", name)))
        windows = Windows.cut(paths, market.train.length)
        result = family_scores(headline_test(market.heldout, windows, settings, seed))
        memo = reference.score(windows.values)
        verdicts[name] = verdict(result, real_train, memorises(memo.to_dict()))
    assert verdicts["garch"] != "worse"
    assert verdicts["ar"] == "worse"
    assert verdicts["fbm"] == "worse"


def test_rejection_table_counts_worse_and_memorises():
    per_market = pd.DataFrame({
        "score": "headline", "market": "sv", "index": [0, 1, 2, 3, 0, 1, 2, 3],
        "generator": ["true"] * 4 + ["iid_normal"] * 4,
        "value": [0.5, 0.6, 0.5, 0.4, 0.9, 0.9, 0.8, 0.7], "se": 0.05,
        "real_train_value": 0.5, "real_train_se": 0.05,
        "memorises": [False, False, False, True] + [False] * 4,
        "worse": [False, True, False, True, True, True, True, False],
        "verdict": ["indistinguishable", "worse", "indistinguishable", "memorises",
                    "worse", "worse", "worse", "indistinguishable"]})
    table = rejection_table(per_market).set_index("generator")
    assert table.loc["true", "n_markets"] == 4
    assert table.loc["true", "rejection_rate"] == pytest.approx(0.5)
    assert table.loc["true", "rejection_rate_se"] == pytest.approx(np.sqrt(0.25 / 4))
    assert table.loc["true", "memorises_rate"] == pytest.approx(0.25)
    assert table.loc["true", "worse_rate"] == pytest.approx(0.5)   # the AUC rule alone
    assert table.loc["iid_normal", "worse_rate"] == pytest.approx(0.75)
    assert table.loc["iid_normal", "mean_value"] == pytest.approx(0.825)
    assert {"score", "market", "n_markets", "rejection_rate",
            "rejection_rate_se"} <= set(table.reset_index().columns)


def test_the_benchmark_script_parses_its_options():
    """Every documented option of benchmarks/calibration.py is accepted (no clash)."""
    script = REPO / "benchmarks" / "calibration.py"
    done = subprocess.run([sys.executable, str(script), "--help"], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stderr
    for option in ("--markets", "--out", "--params", "--n-samples", "--scores", "--kinds",
                   "--seed"):
        assert option in done.stdout
