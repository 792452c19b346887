"""AR and GARCH recover known parameters from simulated data; forecasts behave."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from synthvol.baselines.ar import fit_ar
from synthvol.baselines.garch import GARCHBaseline, fit_garch
from synthvol.declare import study_settings

AR = study_settings("baselines.ar")
GARCH = study_settings("baselines.garch")


def _simulate_ar(coefs: list[float], const: float, sigma: float, n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    p = len(coefs)
    y = np.zeros(n + 500)
    for t in range(p, len(y)):
        y[t] = const + np.dot(coefs, y[t - p:t][::-1]) + sigma * rng.standard_normal()
    return y[500:]


def test_ar_recovers_coefficients() -> None:
    """AR(2) with n = 20000: coefficients within 0.02, σ within 2%."""
    y = _simulate_ar([0.5, -0.3], 0.001, 0.01, 20000, seed=4)
    model = fit_ar(y, replace(AR, order=2))
    np.testing.assert_allclose(model.coefs, [0.5, -0.3], atol=0.02)
    assert model.sigma == pytest.approx(0.01, rel=0.02)
    assert model.const / (1 - 0.5 + 0.3) == pytest.approx(0.001 / 0.8, abs=2e-4)


def test_ar_order_by_aic_and_forecast_variance() -> None:
    y = _simulate_ar([0.6, 0.0, 0.25], 0.0, 1.0, 20000, seed=5)
    model = fit_ar(y, replace(AR, order=1, select_by_aic=True, max_order=8))
    assert model.order >= 3
    fc = fit_ar(y, replace(AR, order=3)).forecast(300, 0.95)
    # far ahead the forecast variance tends to the process variance
    assert fc["se"].iloc[-1] ** 2 == pytest.approx(np.var(y), rel=0.05)
    assert np.all(fc["upper"] > fc["mean"]) and np.all(fc["lower"] < fc["mean"])


def test_ar_simulation_reproduces_autocorrelation() -> None:
    model = fit_ar(_simulate_ar([0.7], 0.0, 1.0, 20000, seed=6), replace(AR, order=1))
    paths = model.simulate(200, 2000, np.random.default_rng(0))
    lag1 = np.mean([np.corrcoef(p[:-1], p[1:])[0, 1] for p in paths])
    assert lag1 == pytest.approx(0.7, abs=0.02)


def test_garch_recovers_parameters() -> None:
    """Simulate GARCH(1,1)-normal with the class's own simulator (n = 20000), refit:
    ω within 30%, α within 0.02, β within 0.03."""
    truth = GARCHBaseline(p=1, q=1, distribution="normal", mean_model="Constant",
                          rescale=100.0, mu=0.05, omega=0.02, alpha=np.array([0.08]),
                          beta=np.array([0.9]), nu=None, loglik=0, aic=0, bic=0, nobs=0,
                          last_resid=np.array([0.0]), last_variance=np.array([1.0]))
    returns = truth.simulate(1, 20000, np.random.default_rng(7))[0]
    fit = fit_garch(returns, replace(GARCH, p=1, q=1, distribution="normal",
                                mean="Constant", rescale=100.0))
    assert fit.alpha[0] == pytest.approx(0.08, abs=0.02)
    assert fit.beta[0] == pytest.approx(0.9, abs=0.03)
    assert fit.omega == pytest.approx(0.02, rel=0.3)
    assert fit.mu / 100 == pytest.approx(0.05 / 100, abs=2e-4)
    forecast = fit.variance_forecast(2000)
    unconditional = fit.omega / (1 - fit.persistence()) / 100 ** 2
    assert forecast[-1] == pytest.approx(unconditional, rel=0.01)


def test_garch_t_distribution_recovers_nu() -> None:
    truth = GARCHBaseline(p=1, q=1, distribution="t", mean_model="Zero", rescale=100.0,
                          mu=0.0, omega=0.05, alpha=np.array([0.1]), beta=np.array([0.85]),
                          nu=6.0, loglik=0, aic=0, bic=0, nobs=0, last_resid=np.array([0.0]),
                          last_variance=np.array([1.0]))
    returns = truth.simulate(1, 15000, np.random.default_rng(8))[0]
    fit = fit_garch(returns, replace(GARCH, p=1, q=1, distribution="t", mean="Zero"))
    assert fit.nu == pytest.approx(6.0, abs=1.5)
    vol = fit.conditional_volatility(returns)
    assert vol.shape == returns.shape and np.all(vol > 0)
