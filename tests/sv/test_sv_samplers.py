"""The samplers: FFBS against the Kalman smoother, parameter recovery, bad input."""

import dataclasses

import numpy as np
import pytest

from synthvol.config import study_defaults
from synthvol.errors import ConfigError, DataError
from synthvol.seeds import rng
from synthvol.sv.design import SVDesign
from synthvol.sv.kernels import ffbs_draws
from synthvol.sv.model import simulate_sv
from synthvol.sv.samplers import run_sampler

INITS = np.array([[-1.0, 0.6, 0.05], [1.0, 0.98, 0.8]])
SV = SVDesign.from_params(study_defaults("sv"))
PRIORS = dataclasses.replace(SV.prior, family="paper").selected
#: The study's tuning and log offset; h_n kept.
OPTIONS = {"state_index": None, **SV.sampler_options()}


def rts_smoother(obs, obs_var, mu, phi, tau2, m0, c0):
    """Textbook Kalman filter + Rauch-Tung-Striebel smoother for h_0..n."""
    n = obs.size
    fm, fc = np.empty(n + 1), np.empty(n + 1)
    am, ar = np.empty(n + 1), np.empty(n + 1)
    fm[0], fc[0] = m0, c0
    for t in range(1, n + 1):
        am[t] = mu + phi * (fm[t - 1] - mu)
        ar[t] = phi**2 * fc[t - 1] + tau2
        gain = ar[t] / (ar[t] + obs_var[t - 1])
        fm[t] = am[t] + gain * (obs[t - 1] - am[t])
        fc[t] = (1 - gain) * ar[t]
    sm, sc = fm.copy(), fc.copy()
    for t in range(n - 1, -1, -1):
        g = fc[t] * phi / ar[t + 1]
        sm[t] = fm[t] + g * (sm[t + 1] - am[t + 1])
        sc[t] = fc[t] + g**2 * (sc[t + 1] - ar[t + 1])
    return sm, sc


def test_ffbs_matches_kalman_smoother_means_and_variances():
    generator = rng(11, "ffbs")
    n, mu, phi, tau2 = 60, 0.3, 0.9, 0.25
    means = np.array([-1.0, 0.5])
    variances = np.array([2.0, 0.5])
    s = generator.integers(0, 2, n)
    ystar = generator.normal(size=n) * 2
    draws = ffbs_draws(ystar, s, means, variances, mu, phi, tau2, 0.0, 4.0, 40000,
                       np.random.default_rng(5))
    sm, sc = rts_smoother(ystar - means[s], variances[s], mu, phi, tau2, 0.0, 4.0)
    se = np.sqrt(sc / draws.shape[0])
    assert np.max(np.abs(draws.mean(axis=0) - sm) / se) < 5.0
    np.testing.assert_allclose(draws.var(axis=0), sc, rtol=0.05)


def posterior_means(result):
    return {k: float(v.mean()) for k, v in result.params.items()}


@pytest.mark.parametrize("scheme", ["III", "IV", "V"])
def test_block_schemes_recover_parameters_on_long_series(scheme):
    # n = 3000, phi = 0.95, tau^2 = 0.1. Tolerances: mu within 0.3, phi within 0.03;
    # tau^2 within 40% for the mixtures and a factor 2 for III (its one-normal
    # approximation of log eps^2 is biased, the point of He & Wang's comparison).
    y, _ = simulate_sv(3000, -0.5, 0.95, 0.1, 0.0, rng(2015, "recover"))
    result = run_sampler(y, scheme, PRIORS, INITS, 1000, 1500, 99,
                         **OPTIONS | {"state_index": [100, 3000]})
    est = posterior_means(result)
    assert est["mu"] == pytest.approx(-0.5, abs=0.3)
    assert est["phi"] == pytest.approx(0.95, abs=0.03)
    assert est["tau2"] == pytest.approx(0.1, rel=1.0 if scheme == "III" else 0.4)
    assert result.states.shape == (2, 1500, 2)
    if scheme == "V":
        assert 0.2 < result.acceptance.mean() <= 1.0


@pytest.mark.parametrize("scheme", ["I", "II"])
def test_single_site_schemes_recover_parameters_on_easier_setting(scheme):
    # Less persistent, noisier volatility (phi = 0.8, tau^2 = 0.5), where one-at-a-time
    # updates mix. Tolerances: mu within 0.25, phi within 0.08, tau^2 within 40%.
    y, _ = simulate_sv(2000, -0.5, 0.8, 0.5, 0.0, rng(2015, "recover-easy"))
    result = run_sampler(y, scheme, PRIORS, INITS, 2000, 2000, 7, **OPTIONS)
    est = posterior_means(result)
    assert est["mu"] == pytest.approx(-0.5, abs=0.25)
    assert est["phi"] == pytest.approx(0.8, abs=0.08)
    assert est["tau2"] == pytest.approx(0.5, rel=0.4)
    if scheme == "I":
        assert np.all((result.acceptance >= 0.45) & (result.acceptance <= 0.9))


def test_same_seed_same_draws_and_zero_returns_are_allowed():
    y, _ = simulate_sv(200, 0.0, 0.9, 0.2, 0.0, rng(1, "repeat"))
    y[::17] = 0.0
    a = run_sampler(y, "IV", PRIORS, INITS, 20, 50, 3, **OPTIONS)
    b = run_sampler(y, "IV", PRIORS, INITS, 20, 50, 3, **OPTIONS)
    np.testing.assert_array_equal(a.params["tau2"], b.params["tau2"])
    assert np.all(np.isfinite(a.params["mu"]))


def test_bad_input_is_refused():
    y = np.ones(50)
    with pytest.raises(ConfigError, match="unknown scheme"):
        run_sampler(y, "VI", PRIORS, INITS, 1, 10, 0, **OPTIONS)
    with pytest.raises(ConfigError, match="sv.init"):
        run_sampler(y, "I", PRIORS, np.array([[0.0, 1.2, 0.1]]), 1, 10, 0, **OPTIONS)
    with pytest.raises(DataError, match="finite"):
        run_sampler(np.array([0.1, np.nan, 0.2]), "I", PRIORS, INITS, 1, 10, 0, **OPTIONS)
    with pytest.raises(ConfigError, match="state_index"):
        run_sampler(y, "I", PRIORS, INITS, 1, 10, 0, **OPTIONS | {"state_index": [51]})
