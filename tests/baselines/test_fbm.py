"""Exact fGn: sample autocovariance against γ(k); Hurst estimators recover H."""

from __future__ import annotations

import numpy as np
import pytest

from synthvol.baselines.fbm import fbm_autocovariance, fgn, fit_fbm
from synthvol.baselines.hurst import hurst_dfa, hurst_rs
from synthvol.declare import study_settings


@pytest.mark.parametrize("method", ["davies-harte", "cholesky"])
@pytest.mark.parametrize("hurst", [0.3, 0.7])
def test_sample_autocovariance_matches_gamma(method: str, hurst: float) -> None:
    """Averaged over 4000 paths and 100 positions, each lag's sample autocovariance is
    within 0.015 of γ(k) = ½(|k+1|^{2H} − 2|k|^{2H} + |k−1|^{2H}) (about 4 standard errors)."""
    rng = np.random.default_rng(11)
    x = fgn(128, hurst, rng, n_paths=4000, method=method)
    lags = np.arange(6)
    sample = np.array([np.mean(x[:, :100] * x[:, k:100 + k]) for k in lags])
    np.testing.assert_allclose(sample, fbm_autocovariance(hurst, lags), atol=0.015)


def test_gamma_known_values() -> None:
    np.testing.assert_allclose(fbm_autocovariance(0.5, 4), [1, 0, 0, 0], atol=1e-15)
    assert fbm_autocovariance(0.7, [1])[0] == pytest.approx(0.5 * (2 ** 1.4 - 2))


def test_fgn_is_reproducible_and_rejects_bad_h() -> None:
    a = fgn(64, 0.6, np.random.default_rng(5), 3)
    b = fgn(64, 0.6, np.random.default_rng(5), 3)
    np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match=r"\(0, 1\)"):
        fgn(64, 1.2, np.random.default_rng(5))


@pytest.mark.parametrize("hurst", [0.3, 0.5, 0.7, 0.85])
def test_dfa_recovers_hurst(hurst: float) -> None:
    """DFA-1 on 8 paths of 8192 points: mean estimate within 0.04 of the truth."""
    x = fgn(8192, hurst, np.random.default_rng(int(hurst * 100)), n_paths=8)
    estimate = np.mean([hurst_dfa(path).hurst for path in x])
    assert estimate == pytest.approx(hurst, abs=0.04)


def test_rs_recovers_hurst_roughly() -> None:
    """R/S is biased upwards for small segments: within 0.08 at H = 0.7."""
    x = fgn(8192, 0.7, np.random.default_rng(2), n_paths=8)
    assert np.mean([hurst_rs(path).hurst for path in x]) == pytest.approx(0.7, abs=0.08)


def test_fit_fbm_recovers_scale_and_h() -> None:
    rng = np.random.default_rng(9)
    returns = 0.0005 + 0.01 * fgn(8192, 0.65, rng)[0]
    model = fit_fbm(returns, study_settings("baselines.fbm"))
    assert model.hurst.hurst == pytest.approx(0.65, abs=0.06)
    assert model.sigma == pytest.approx(0.01, rel=0.05)
    forecast = model.forecast(10, 0.9)
    assert np.all(forecast["se"] < model.sigma)          # conditioning reduces variance (H>0.5)
    assert np.all(np.diff(forecast["cum_se"]) > 0)
