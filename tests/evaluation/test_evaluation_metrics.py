"""Return statistics: moments against scipy, ACF/PACF against theory and statsmodels,
Hill index, leverage and aggregational Gaussianity on processes with known values."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from statsmodels.tsa.stattools import acf, pacf

from synthvol.errors import DataError
from synthvol.evaluation.metrics import (
    aggregated_excess_kurtosis,
    as_windows,
    hill_tail_index,
    leverage,
    mean_acf,
    mean_pacf,
    return_moments,
    stylized_facts,
)


def ar1_paths(phi: float, n_paths: int, length: int, seed: int) -> np.ndarray:
    """Stationary AR(1) paths with unit innovation variance."""
    g = np.random.default_rng(seed)
    e = g.standard_normal((n_paths, length))
    x = np.empty_like(e)
    x[:, 0] = e[:, 0] / np.sqrt(1 - phi ** 2)
    for t in range(1, length):
        x[:, t] = phi * x[:, t - 1] + e[:, t]
    return x


def test_moments_match_scipy_on_a_known_sample():
    sample = np.random.default_rng(3).lognormal(0.0, 0.5, size=(7, 143))
    m = return_moments(sample)
    flat = sample.ravel()
    assert m.n == flat.size
    assert m.mean == pytest.approx(flat.mean(), rel=1e-12)
    assert m.std == pytest.approx(np.std(flat, ddof=1), rel=1e-12)
    assert m.skewness == pytest.approx(stats.skew(flat), rel=1e-10)
    assert m.excess_kurtosis == pytest.approx(stats.kurtosis(flat), rel=1e-10)
    assert (m.min, m.max) == (flat.min(), flat.max())


def test_moments_exact_small_series():
    # [1, 2, 3, 4, 10]: mean 4, central moments m2 = 10, m3 = 36, m4 = 278.8.
    m = return_moments(np.array([1.0, 2.0, 3.0, 4.0, 10.0]))
    assert m.mean == 4.0
    assert m.skewness == pytest.approx(36 / 10 ** 1.5)
    assert m.excess_kurtosis == pytest.approx(278.8 / 100 - 3)


def test_acf_of_ar1_is_near_phi_to_the_k():
    phi = 0.6
    rho = mean_acf(ar1_paths(phi, 200, 400, seed=1), nlags=5)
    assert rho[0] == 1.0
    np.testing.assert_allclose(rho[1:], phi ** np.arange(1, 6), atol=0.03)


def test_pacf_of_ar1_cuts_off_after_lag_one():
    p = mean_pacf(ar1_paths(0.6, 200, 400, seed=2), nlags=5)
    assert p[1] == pytest.approx(0.6, abs=0.03)
    assert np.all(np.abs(p[2:]) < 0.03)


def test_acf_and_pacf_equal_statsmodels_for_one_path():
    x = np.random.default_rng(4).standard_t(4, size=700)
    np.testing.assert_allclose(mean_acf(x, 15), acf(x, nlags=15, fft=False), atol=1e-12)
    np.testing.assert_allclose(mean_acf(x, 15, absolute=True),
                               acf(np.abs(x), nlags=15, fft=False), atol=1e-12)
    np.testing.assert_allclose(mean_pacf(x, 15), pacf(x, nlags=15, method="ywm"), atol=1e-10)


def test_hill_index_recovers_a_pareto_tail():
    alpha = 3.0
    x = np.random.default_rng(5).pareto(alpha, 200_000) + 1.0   # P(X > x) = x^-3, x >= 1
    assert hill_tail_index(x, 0.05) == pytest.approx(alpha, rel=0.05)


def test_leverage_is_zero_for_iid_and_negative_when_falls_raise_volatility():
    g = np.random.default_rng(6)
    e = g.standard_normal((100, 500))
    assert abs(leverage(e, 1)) < 0.02
    r = e.copy()
    r[:, 1:] = e[:, 1:] * (1.0 + np.maximum(0.0, -e[:, :-1]))
    assert leverage(r, 1) < -0.1


def test_aggregated_kurtosis_falls_as_sums_grow():
    # Laplace: excess kurtosis 3; a sum of 5 i.i.d. draws has 3 / 5 = 0.6.
    x = np.random.default_rng(7).laplace(size=(1000, 1000))
    assert aggregated_excess_kurtosis(x, 5) == pytest.approx(0.6, abs=0.15)
    assert return_moments(x).excess_kurtosis == pytest.approx(3.0, abs=0.15)


def test_stylized_facts_of_iid_gaussian_windows_show_none():
    facts = stylized_facts(np.random.default_rng(8).standard_normal((2000, 60)), 10, 0.05, 5)
    assert abs(facts.excess_kurtosis) < 0.05
    assert abs(facts.acf_abs_mean) < 0.02
    assert abs(facts.leverage_mean) < 0.02


def test_windows_cut_disjoint_or_with_stride():
    paths = np.arange(20.0).reshape(2, 10)
    w = as_windows(paths, 4)
    assert w.shape == (4, 4)
    np.testing.assert_array_equal(w[2], [10, 11, 12, 13])
    assert as_windows(paths, 4, stride=1).shape == (14, 4)
    with pytest.raises(DataError, match="shorter than one window"):
        as_windows(paths, 11)


def test_bad_input_raises_one_line_errors():
    with pytest.raises(DataError, match="NaN"):
        return_moments(np.array([0.1, np.nan, 0.2]))
    with pytest.raises(DataError, match="constant"):
        mean_acf(np.ones((3, 20)), 5)
    with pytest.raises(DataError, match="lags"):
        mean_acf(np.random.default_rng(0).standard_normal((3, 20)), 20)
