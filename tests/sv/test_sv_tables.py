"""Tables 2-4 as the paper prints them, and the mixture-error estimator."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from synthvol.config import load_params
from synthvol.seeds import rng
from synthvol.sv.design import SVDesign
from synthvol.sv.mixture_error import log_importance_weights, reweighted_differences
from synthvol.sv.model import mixture_for
from synthvol.sv.study import (
    FLAG_COLUMN,
    TABLE2_STATISTICS,
    paper_layout,
    table_inefficiency,
    table_ranks_as_printed,
)

REPO = Path(__file__).resolve().parents[2]


def summary_rows(medians):
    """A per-seed summary with inefficiency factors ``medians[scheme][parameter]`` and
    R-hat 1.5 for scheme I's tau2 in one of two seeds."""
    rows = []
    for scheme, by_parameter in medians.items():
        for parameter, value in by_parameter.items():
            for rep in (0, 1):
                rhat = 1.5 if (scheme, parameter, rep) == ("I", "tau2", 0) else 1.0
                rows.append({"setting": "phi0.99_tau20.45_n100", "scheme": scheme,
                             "parameter": parameter, "replication": rep,
                             "inefficiency": value, "rhat": rhat, "abs_error": value / 100,
                             "truth": 0.0, "mean": value / 100, "mcse_sd_ratio": 0.1})
    return pd.DataFrame(rows)


def test_table4_ranks_the_papers_four_schemes_and_all_five():
    # V is best everywhere, so among all five IV is never first; among I-IV it always is.
    medians = {"I": {"mu": 40, "phi": 50}, "II": {"mu": 30, "phi": 20},
               "III": {"mu": 10, "phi": 30}, "IV": {"mu": 5, "phi": 10},
               "V": {"mu": 1, "phi": 2}}
    summary = summary_rows(medians)
    t2 = table_inefficiency(summary)
    t3 = t2.rename(columns={"median": "abs_error"})
    t4 = table_ranks_as_printed(t2, t3, ["I", "II", "III", "IV", "V"]).set_index(
        ["criterion", "scheme"])
    assert t4.loc[("efficiency", "IV"), "I–IV rank ≤ 1"] == 100.0
    assert t4.loc[("efficiency", "IV"), "I–V rank ≤ 1"] == 0.0
    assert t4.loc[("efficiency", "III"), "I–IV rank ≤ 2"] == 50.0   # mu: 2nd, phi: 3rd
    assert t4.loc[("efficiency", "IV"), "paper rank ≤ 2"] == 93.75
    assert np.isnan(t4.loc[("efficiency", "V"), "I–IV rank ≤ 1"])


def test_paper_layout_has_schemes_as_columns_and_counts_unconverged_seeds():
    sv = load_params(REPO / "params.yaml")["sv"]
    sv["truth"].update(tau2=[0.45], n=[100])
    medians = {"I": {"mu": 40, "tau2": 50}, "IV": {"mu": 5, "tau2": 10}}
    t2 = table_inefficiency(summary_rows(medians))
    settings = list(SVDesign.from_params(sv).settings.values())
    table = paper_layout(t2, TABLE2_STATISTICS, settings, ["I", "IV"], "h_100")
    assert list(table.columns) == ["setting", "parameter", "statistic", "scheme I", "scheme IV"]
    assert set(table["setting"]) == {"φ = 0.99, τ² = 0.45, n = 100"}
    assert list(table["parameter"].unique()) == ["μ", "τ²"]
    flagged = table[(table["parameter"] == "τ²")
                    & (table["statistic"] == TABLE2_STATISTICS[FLAG_COLUMN])]
    assert flagged[["scheme I", "scheme IV"]].to_numpy().tolist() == [[1, 0]]


def test_reweighting_recovers_a_tilted_mean_with_honest_error():
    # Draws q ~ N(0, 1) with log w = 0.2 q: the re-weighted law is N(0.2, 1).
    q = rng(4, "tilt").standard_normal((4, 20000))
    frame = reweighted_differences({"q": q}, 0.2 * q, batches=20).iloc[0]
    assert frame["difference"] == pytest.approx(0.2, abs=4 * frame["mc_error"])
    assert 0.001 < frame["mc_error"] < 0.02
    assert frame["z"] > 10


def test_importance_weights_are_zero_where_mixture_equals_log_chi2():
    # Far in the body the mixture matches the log chi^2_1 density to about 1%, so log
    # weights per observation are small; they are exactly additive over t.
    mixture = mixture_for("V")
    x = np.array([[-1.0, 0.0, 0.5]])
    ystar = np.zeros(3)
    per_t = [log_importance_weights(ystar[i:i + 1], -x[:, i:i + 1], mixture)[0]
             for i in range(3)]
    assert np.all(np.abs(per_t) < 0.02)
    assert log_importance_weights(ystar, -x, mixture)[0] == pytest.approx(sum(per_t))
