"""The stylized-facts distance of price windows: exact values of its parts, zero for the
reference itself, small for a resample of the reference and large for white noise, a seeded
bootstrap standard error, and clear errors on bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from synthvol.errors import ConfigError, DataError
from synthvol.evaluation.stocks import chronological_windows, load_stocks
from synthvol.evaluation.stylized import (
    StylizedProfile,
    StylizedReference,
    StylizedSettings,
    profile_distance,
    stylized_profile,
    window_changes,
)

DATA = Path(__file__).resolve().parents[2] / "data/benchmarks/timegan-stocks/stock_data.csv"
SETTINGS = StylizedSettings(column=3, acf_lags=5, tail_fraction=0.05, n_bootstrap=50)


@pytest.fixture(scope="module")
def stocks() -> np.ndarray:
    """Every 24-step Stocks window (min-max scaled prices of the six columns)."""
    return chronological_windows(load_stocks(DATA), 24)


def test_parts_of_the_distance_have_their_exact_values():
    corr = np.eye(3)
    reference = StylizedProfile(np.array([0.3, 0.2]), 3.0, corr)
    shifted = corr + 0.3 * (1 - np.eye(3))
    profile = StylizedProfile(np.array([0.4, 0.1]), 3.0 * np.e, shifted)
    distance = profile_distance(profile, reference)
    assert distance.acf_abs == pytest.approx(0.1)
    assert distance.tail_index == pytest.approx(1.0)
    assert distance.cross_correlation == pytest.approx(0.3)
    assert distance.total == pytest.approx(1.4)


def test_profile_of_known_processes():
    g = np.random.default_rng(0)
    # random walks: iid Gaussian changes, uncorrelated columns, then a copy of column 0
    changes = g.standard_normal((2000, 23, 3))
    changes[:, :, 2] = changes[:, :, 0]
    windows = np.concatenate([np.zeros((2000, 1, 3)), changes.cumsum(axis=1)], axis=1)
    np.testing.assert_allclose(window_changes(windows), changes, atol=1e-12)
    profile = stylized_profile(window_changes(windows),
                               StylizedSettings(0, 3, 0.05, 10))
    np.testing.assert_allclose(profile.acf_abs, 0.0, atol=0.02)
    assert profile.correlation[0, 2] == pytest.approx(1.0)
    assert abs(profile.correlation[0, 1]) < 0.02
    # Gaussian tails are thin: a Hill index well above the ~2-4 of daily stock returns
    assert profile.tail_index > 4


def test_identical_windows_are_at_distance_zero(stocks):
    reference = StylizedReference(stocks[:800], SETTINGS)
    score = reference.score(stocks[:800], seed=1)
    assert score.distance.total == 0.0
    assert score.to_dict()["acf_abs_distance"] == 0.0


def test_white_noise_is_farther_than_a_resample_of_the_reference(stocks):
    reference = StylizedReference(stocks, SETTINGS)
    g = np.random.default_rng(3)
    resample = stocks[g.integers(0, len(stocks), 1000)]
    noise = g.uniform(0.0, 1.0, resample.shape)
    near = reference.score(resample, 1, "resample")
    far = reference.score(noise, 1, "noise")
    assert near.distance.total < 0.3
    assert far.distance.total > 1.0
    # each part tells noise from prices: no clustering, thin tails, uncorrelated columns
    for part in ("acf_abs", "tail_index", "cross_correlation"):
        assert getattr(far.distance, part) > 2 * getattr(near.distance, part)
    assert far.distance.total - near.distance.total > 2 * np.hypot(far.se, near.se)


def test_bootstrap_standard_error_is_positive_and_seeded(stocks):
    reference = StylizedReference(stocks[1000:], SETTINGS)
    windows = stocks[:600]
    first = reference.score(windows, 7, "source")
    again = reference.score(windows, 7, "source")
    other = reference.score(windows, 7, "another source")
    assert first.se > 0
    assert first.se == again.se and first.distance == again.distance
    assert other.se != first.se and other.distance == first.distance


def test_bad_input_is_named(stocks):
    with pytest.raises(ConfigError, match="2 replicates"):
        StylizedSettings(3, 5, 0.05, 1)
    with pytest.raises(DataError, match="column 6"):
        StylizedReference(stocks, StylizedSettings(6, 5, 0.05, 10))
    flat = stocks[:100].copy()
    flat[:, :, 5] = 0.5
    with pytest.raises(DataError, match="never changes"):
        StylizedReference(flat, SETTINGS)
    with pytest.raises(DataError, match="NaN"):
        window_changes(np.full((4, 5, 2), np.nan))
    with pytest.raises(DataError, match="length >= 3"):
        window_changes(np.zeros((4, 2, 2)))
