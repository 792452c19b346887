"""Accuracy measures and the adaptive (exponential-smoothing) forecasts."""

import numpy as np
import pandas as pd
import pytest

from synthvol.errors import ConfigError, DataError
from synthvol.forecast.accuracy import accuracy, accuracy_table, relative_errors
from synthvol.forecast.adaptive import fit_adaptive
from synthvol.seeds import rng


def test_accuracy_measures_by_hand():
    actual = np.array([100.0, 110.0, 120.0, 130.0])
    forecast = np.array([102.0, 105.0, 120.0, 140.0])
    lower, upper = forecast - 5.0, forecast + 5.0
    result = accuracy(actual, forecast, lower, upper, n_params=2)
    errors = forecast - actual                     # 2, -5, 0, 10
    assert result.mean_error == pytest.approx(7 / 4)
    assert result.mae == pytest.approx(17 / 4)
    assert result.mape == pytest.approx(np.mean([2.0, 5 / 110 * 100, 0.0, 10 / 130 * 100]))
    assert result.s2 == pytest.approx(np.sum(errors**2) / 4)
    assert result.s2_dof == pytest.approx(np.sum(errors**2) / 2)
    assert result.s == pytest.approx(np.sqrt(129 / 4))
    assert (result.hits, result.misses, result.mu) == (3, 1, 0.75)   # 140 +- 5 misses 130
    np.testing.assert_allclose(relative_errors(actual, forecast)[:2], [2.0, -500 / 110])


def test_accuracy_table_and_bad_input():
    frame = pd.DataFrame({"model": ["a", "a", "b", "b"], "actual": [1.0, 2.0, 1.0, 2.0],
                          "forecast": [1.0, 2.0, 2.0, 2.0], "lower": [0.0, 1.0, 1.5, 1.5],
                          "upper": [2.0, 3.0, 2.5, 2.5]})
    table = accuracy_table(frame, {"a": 1, "b": 1})
    assert table.set_index("model").mu.to_dict() == {"a": 1.0, "b": 0.5}
    assert np.isnan(accuracy([1.0], [1.0], [0.0], [2.0], n_params=2).s2_dof)
    with pytest.raises(DataError, match="must be non-empty and match"):
        accuracy([1.0, 2.0], [1.0], [0.0], [2.0], n_params=1)


def test_ses_recovers_smoothing_and_gives_widening_intervals():
    gen = rng(20150601, "forecast-test", "ses")
    n, alpha = 400, 0.4
    level = 100.0 + np.cumsum(alpha * gen.normal(size=n))
    y = level + gen.normal(size=n)      # local level: an ARIMA(0,1,1) with ETS alpha near 0.4
    fit = fit_adaptive("ses", y)
    assert fit.params["smoothing_level"] == pytest.approx(0.33, abs=0.12)
    forecast = fit.forecast(6, 0.9)
    width = forecast.upper - forecast.lower
    assert np.all(np.diff(width) > 0)
    assert np.all(forecast.lower < forecast.point) and np.all(forecast.point < forecast.upper)
    assert fit.autoregressive and fit.design is None


def test_holt_follows_a_linear_trend():
    gen = rng(20150601, "forecast-test", "holt")
    t = np.arange(200.0)
    fit = fit_adaptive("holt", 10.0 + 0.5 * t + gen.normal(size=t.size))
    forecast = fit.forecast(10, 0.9)
    np.testing.assert_allclose(forecast.point, 10.0 + 0.5 * (200.0 + np.arange(10)), atol=2.0)
    assert fit.n_params == 4


def test_adaptive_rejects_unknown_method():
    with pytest.raises(ConfigError, match="unknown adaptive method"):
        fit_adaptive("brown-quadratic", np.arange(20.0))
