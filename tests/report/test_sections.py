"""The data and baselines sections' findings and their uncertainties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthvol.baselines.report import (
    _position,
    aic_in_return_units,
    baselines_findings,
    hurst_standard_error,
    path_volatility_table,
)
from synthvol.data.report import data_findings, return_summary
from synthvol.report.uncertainty import block_jackknife_se, plus_minus


def test_block_jackknife_matches_the_iid_standard_error_of_a_mean() -> None:
    x = np.random.default_rng(3).normal(size=6300)
    se = block_jackknife_se(x, np.mean, block=63)
    assert se == pytest.approx(1 / np.sqrt(len(x)), rel=0.3)
    assert np.isnan(block_jackknife_se(x[:100], np.mean, block=63))


def test_block_jackknife_widens_for_clustered_series() -> None:
    rng = np.random.default_rng(4)
    level = np.repeat(rng.normal(size=100), 63)              # a level that persists 63 days
    x = level + rng.normal(size=level.size)
    assert block_jackknife_se(x, np.mean) > 3 / np.sqrt(x.size)


@pytest.mark.parametrize(("value", "error", "text"), [
    (4.567, 1.73, "4.6 ± 1.7"), (0.42581, 0.0075, "0.4258 ± 0.0075"),
    (-13.4, 12.0, "−13 ± 12"), (2.0, float("nan"), "2"),
])
def test_plus_minus_rounds_to_the_error(value: float, error: float, text: str) -> None:
    assert plus_minus(value, error) == text


def frames(vol_train: float, vol_test: float, n_train: int = 2520, n_test: int = 630):
    rng = np.random.default_rng(5)
    dates = pd.bdate_range("2000-01-03", periods=n_train + n_test)
    heavy = rng.standard_t(5, n_train) / np.sqrt(5 / 3)          # unit variance, heavy tails
    r = np.concatenate([heavy * vol_train, rng.normal(size=n_test) * vol_test])
    every = pd.DataFrame({"date": dates, "return": r})
    return every, every.iloc[:n_train], every.iloc[n_train:]


def test_data_findings_state_tails_and_a_calmer_test_period() -> None:
    summary = return_summary(*frames(0.012, 0.006))
    tails, split = (sentence for sentence, _ in data_findings(summary))
    assert tails.startswith("Daily returns are heavy-tailed: excess kurtosis ")
    assert "over 2000–2012" in tails
    assert "is calmer than the training period" in split
    test = summary.set_index("sample").loc["test"]
    assert plus_minus(test["annualised_vol_pct"], test["annualised_vol_pct_se"], "%") in split
    assert all(anchor == "data-summary" for _, anchor in data_findings(summary))


def test_data_findings_do_not_claim_a_difference_within_the_noise() -> None:
    split = data_findings(return_summary(*frames(0.01, 0.01)))[1][0]
    assert "about as volatile as the training period" in split


def test_hurst_standard_error_is_the_ols_slope_error() -> None:
    scales = np.array([10, 20, 40, 80, 160])
    noise = np.array([0.01, -0.02, 0.0, 0.02, -0.01])
    stat = np.exp(0.4 * np.log(scales) + noise)
    x = np.log(scales)
    fit = np.polyfit(x, np.log(stat), 1)
    resid = np.log(stat) - np.polyval(fit, x)
    expected = np.sqrt(resid @ resid / 3 / np.sum((x - x.mean()) ** 2))
    assert hurst_standard_error({"scales": scales, "statistic": stat}) == pytest.approx(expected)
    exact = {"scales": scales, "statistic": scales ** 0.5}
    assert hurst_standard_error(exact) == pytest.approx(0.0, abs=1e-12)


def test_garch_aic_is_moved_to_return_units() -> None:
    assert aic_in_return_units({"aic": 4441.0, "nobs": 1810, "rescale": 100.0}) == \
        pytest.approx(4441.0 - 2 * 1810 * np.log(100.0))
    assert aic_in_return_units({"aic": -11624.5, "nobs": 1805}) == -11624.5
    assert aic_in_return_units({"nobs": 3}) is None


def test_realised_volatility_is_placed_among_the_paths() -> None:
    rng = np.random.default_rng(6)
    test = pd.DataFrame({"return": rng.normal(size=500) * 0.01})
    paths = {"ar": rng.normal(size=(40, 500)) * 0.02, "garch": rng.normal(size=(40, 500)) * 0.01}
    vol = path_volatility_table(paths, test)
    assert vol["realised_percentile"].iloc[0] == 0.0              # AR paths are twice as wild
    assert 0 < vol["realised_percentile"].iloc[1] < 100
    sentence = baselines_findings({}, vol)[0][0]
    assert "AR: below every path" in sentence and "GARCH: at the " in sentence
    assert [_position(p) for p in (0, 1, 12, 22, 100)] == [
        "below every path", "at the 1st percentile", "at the 12th percentile",
        "at the 22nd percentile", "above every path"]
