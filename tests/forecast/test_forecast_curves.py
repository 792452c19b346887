"""Growth curves: parameters recovered from noiseless data, interval coverage."""

import numpy as np
import pytest

from synthvol.errors import ConfigError, DataError
from synthvol.forecast.curves import GROWTH_CURVES, growth_curve
from synthvol.seeds import rng

TRUE_PARAMS = {
    "linear": {"a0": 3.0, "a1": 0.5},
    "parabolic": {"a0": 10.0, "a1": -0.3, "a2": 0.02},
    "exponential": {"a": 2.0, "b": 1.05},
    "modified_exponential": {"k": 100.0, "a": -80.0, "b": 0.9},
    "gompertz": {"k": 100.0, "a": 0.05, "b": 0.85},
    "logistic": {"k": 100.0, "a": 50.0, "b": 0.3},
}


def _curve_values(name, params, t):
    p = params
    return {
        "linear": lambda: p["a0"] + p["a1"] * t,
        "parabolic": lambda: p["a0"] + p["a1"] * t + p["a2"] * t**2,
        "exponential": lambda: p["a"] * p["b"] ** t,
        "modified_exponential": lambda: p["k"] + p["a"] * p["b"] ** t,
        "gompertz": lambda: p["k"] * p["a"] ** (p["b"] ** t),
        "logistic": lambda: p["k"] / (1.0 + p["a"] * np.exp(-p["b"] * t)),
    }[name]()


@pytest.mark.parametrize("name", GROWTH_CURVES)
def test_curve_recovers_its_parameters_from_noiseless_data(name):
    t = np.arange(1.0, 31.0)
    y = _curve_values(name, TRUE_PARAMS[name], t)
    fit = growth_curve(name).fit(y)
    for key, value in TRUE_PARAMS[name].items():
        assert fit.params[key] == pytest.approx(value, rel=1e-6, abs=1e-9), key
    assert fit.residual_std < 1e-8 * np.abs(y).max()
    forecast = fit.forecast(3, 0.9)
    expected = _curve_values(name, TRUE_PARAMS[name], 30.0 + np.arange(1, 4))
    np.testing.assert_allclose(forecast.point, expected, rtol=1e-6)


def test_modified_exponential_without_asymptote_is_recovered():
    t = np.arange(1.0, 41.0)
    params = {"k": 5.0, "a": 3.0, "b": 1.08}
    fit = growth_curve("modified_exponential").fit(_curve_values("modified_exponential",
                                                                 params, t))
    for key, value in params.items():
        assert fit.params[key] == pytest.approx(value, rel=1e-6)


def test_linear_intervals_cover_ninety_percent():
    """µ of 90% intervals on a linear trend with normal noise is close to 0.9."""
    n, horizon, reps = 20, 3, 3000
    gen = rng(20150601, "forecast-test", "coverage")
    t = np.arange(1.0, n + horizon + 1)
    hits = np.zeros(horizon)
    for _ in range(reps):
        y = 5.0 + 0.7 * t + gen.normal(0.0, 2.0, t.size)
        forecast = growth_curve("linear").fit(y[:n]).forecast(horizon, 0.9)
        hits += (y[n:] >= forecast.lower) & (y[n:] <= forecast.upper)
    mu = hits / reps
    # binomial standard error sqrt(0.09 / 3000) = 0.0055: allow about 3.5 of them
    np.testing.assert_allclose(mu, 0.9, atol=0.02)


def test_exponential_intervals_are_built_on_logs():
    gen = rng(20150601, "forecast-test", "exponential")
    t = np.arange(1.0, 41.0)
    noise = gen.normal(0.0, 0.05, t.size)
    y = 2.0 * 1.03**t * np.exp(noise)
    fit = growth_curve("exponential").fit(y)
    forecast = fit.forecast(5, 0.9)
    log_half_up = np.log(forecast.upper) - np.log(forecast.point)
    log_half_down = np.log(forecast.point) - np.log(forecast.lower)
    np.testing.assert_allclose(log_half_up, log_half_down, rtol=1e-10)
    assert fit.residual_std == pytest.approx(np.std(noise, ddof=2), rel=0.1)
    assert fit.params["b"] == pytest.approx(1.03, abs=0.002)


def test_curves_reject_bad_input():
    with pytest.raises(DataError, match="positive"):
        growth_curve("exponential").fit(np.array([1.0, -2.0, 3.0, 4.0, 5.0]))
    with pytest.raises(DataError, match="longer"):
        growth_curve("parabolic").fit(np.array([1.0, 2.0, 3.0]))
    with pytest.raises(ConfigError, match="unknown growth curve"):
        growth_curve("hyperbola")
