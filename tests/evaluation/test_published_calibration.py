"""The published protocol (TimeGAN's GRU discriminative score) as a calibration score."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
import torch
import yaml

from synthvol.evaluation.markets import (
    GENERATORS,
    market_verdicts,
    published_scorer,
    replace_runs,
    simulate_market,
)
from synthvol.evaluation.scores import ScoreSettings
from synthvol.evaluation.twosample import Windows
from synthvol.evaluation.verdicts import VERDICTS, verdict
from synthvol.seeds import rng

REPO = Path(__file__).resolve().parents[2]
SEED = 20150601


@pytest.fixture(autouse=True)
def one_torch_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def small_published(**changes: object) -> ScoreSettings:
    """params.yaml's evaluation.stocks.scores (the published protocol) made small."""
    params = yaml.safe_load((REPO / "params.yaml").read_text(encoding="utf-8"))
    base = ScoreSettings.from_mapping(dict(params["evaluation"]["stocks"]["scores"]))
    return replace(base, **changes)


def test_published_verdict_path_runs_on_a_small_market():
    settings = small_published(n_runs=2, discriminative_iterations=10)
    rows = market_verdicts("sv", 0, {"published": published_scorer(settings)}, 200, SEED)
    assert [r["generator"] for r in rows] == list(GENERATORS)
    assert {r["score"] for r in rows} == {"published"}
    assert len({r["real_train_value"] for r in rows}) == 1     # one real_train per market
    for r in rows:
        assert 0.0 <= r["value"] <= 0.5
        assert r["verdict"] in VERDICTS
        assert r["verdict"] == verdict({"gru": (r["value"], r["se"])},
                                       {"gru": (r["real_train_value"], r["real_train_se"])},
                                       r["memorises"])


def test_published_score_rejects_windows_the_gru_tells_apart():
    # iid normal windows of the training returns' mean and variance, moved off the market's
    # level by a quarter of the scaled range: a wrong generator the GRU tells from the
    # held-out windows in every run (0.5 each), which must be `worse`, not unresolved.
    settings = small_published(n_runs=3, hidden_dim=4, discriminative_iterations=100,
                               learning_rate=0.003, batch_size=64)
    market = simulate_market("garch_t", SEED, "published-test")
    returns = market.returns[~market.held]
    draws = rng(SEED, "test", "off-level").standard_normal((800, 60))
    off_level = market.scaler.transform(returns.mean() + returns.std() * draws) + 0.5
    scores = published_scorer(settings)(market, {"real_train": market.train,
                                                 "off_level": Windows.independent(off_level)},
                                        SEED, "garch_t", 0)
    real_train, wrong = scores["real_train"], scores["off_level"]
    assert wrong["gru"][0] > 0.45 and wrong["gru"][0] > real_train["gru"][0]
    assert verdict(wrong, real_train, False) == "worse"


def test_runs_of_each_score_and_kind_add_up_and_a_rerun_replaces_its_rows():
    kept = pd.DataFrame({"score": ["headline", "headline", "published"],
                         "market": ["sv", "garch_t", "sv"], "rejection_rate": [0.1, 0.2, 0.3]})
    run = pd.DataFrame({"score": ["published", "headline"], "market": ["garch_t", "sv"],
                        "rejection_rate": [0.9, 0.8]})
    table = replace_runs(kept, run).set_index(["score", "market"])["rejection_rate"]
    assert table.to_dict() == {("headline", "garch_t"): 0.2, ("published", "sv"): 0.3,
                               ("published", "garch_t"): 0.9, ("headline", "sv"): 0.8}
