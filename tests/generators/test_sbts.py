"""SBTS: reproduces a known process, is seeded, draws long paths in its Markovian variant."""

from __future__ import annotations

import numpy as np
import pytest

from synthvol.errors import ConfigError
from synthvol.generators.sbts import SBTS

PHI, SIGMA = 0.5, 0.1


def lag1(x: np.ndarray) -> float:
    """Lag-1 autocorrelation pooled over the rows of ``x``."""
    return float(np.corrcoef(x[:, :-1].ravel(), x[:, 1:].ravel())[0, 1])


@pytest.fixture(scope="module")
def ar1_windows() -> np.ndarray:
    """Windows of 30 steps (stride 2) cut from one AR(1) path, phi = 0.5, sd 0.1 noise."""
    r = np.random.default_rng(11)
    x = np.zeros(1000)
    for t in range(1, len(x)):
        x[t] = PHI * x[t - 1] + SIGMA * r.standard_normal()
    return np.lib.stride_tricks.sliding_window_view(x, 30)[::2].copy()


@pytest.fixture(scope="module")
def fitted(ar1_windows: np.ndarray) -> SBTS:
    gen = SBTS(seed=3, bandwidth=0.03, n_substeps=100, markov_order=1)
    gen.fit(ar1_windows)
    return gen


def test_reproduces_ar1(fitted: SBTS, ar1_windows: np.ndarray) -> None:
    # Mean within 0.02, sd within 10% and lag-1 autocorrelation within 0.08 of the training
    # windows (the kernel smooths the conditional mean, which shrinks phi by ~h²/sd²).
    sample = fitted.sample(200)[:, :, 0]
    real = ar1_windows[:, 1:]
    assert sample.shape == (200, 30)
    assert abs(sample.mean() - real.mean()) < 0.02
    assert abs(sample.std() / real.std() - 1) < 0.10
    assert abs(lag1(sample[:, 1:]) - lag1(real)) < 0.08


def test_same_seed_same_samples(ar1_windows: np.ndarray, fitted: SBTS) -> None:
    again = SBTS(seed=3, bandwidth=0.03, n_substeps=100, markov_order=1)
    again.fit(ar1_windows)
    np.testing.assert_array_equal(again.sample(8), fitted.sample(8))
    other = SBTS(seed=4, bandwidth=0.03, n_substeps=100, markov_order=1)
    other.fit(ar1_windows)
    assert not np.allclose(other.sample(8), fitted.sample(8))


def test_long_paths_keep_the_dynamics(fitted: SBTS) -> None:
    # 90 steps from windows of 30: steps past the window reuse the last transition.
    long = fitted.sample(60, 90)[:, :, 0]
    assert long.shape == (60, 90)
    tail = long[:, 30:]
    assert abs(tail.std() / (SIGMA / np.sqrt(1 - PHI**2)) - 1) < 0.15
    assert abs(lag1(tail) - PHI) < 0.12


def test_full_past_variant_cannot_draw_long_paths(ar1_windows: np.ndarray) -> None:
    gen = SBTS(seed=1, n_substeps=5, markov_order=None, max_references=50)
    gen.fit(ar1_windows)
    assert not gen.supports_long_paths
    assert gen.sample(3).shape == (3, 30, 1)
    with pytest.raises(ValueError, match="30 steps only"):
        gen.sample(3, 40)


def test_max_references_subsamples(ar1_windows: np.ndarray) -> None:
    gen = SBTS(seed=1, max_references=40)
    report = gen.fit(ar1_windows)
    assert gen.references.shape == (40, 30, 1)
    assert report.history == [{"n_references": 40.0}]


@pytest.mark.parametrize("kwargs", [{"bandwidth": 0.0}, {"n_substeps": 0},
                                    {"markov_order": 0}, {"max_references": 1}])
def test_bad_hyper_parameters_raise(kwargs: dict) -> None:
    with pytest.raises(ConfigError, match="generators.models.sbts"):
        SBTS(seed=1, **kwargs)


def test_markov_order_must_be_below_window(ar1_windows: np.ndarray) -> None:
    with pytest.raises(ConfigError, match="markov_order=30"):
        SBTS(seed=1, markov_order=30).fit(ar1_windows)
