"""Accuracy measures (textbook, MASE, coverage) and the recursive forecasters: benchmarks,
ETS at its maximum likelihood, Brown's adaptive polynomial models."""

import warnings
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from statsmodels.tsa.exponential_smoothing.ets import ETSModel

from synthvol.config import study_defaults
from synthvol.declare import as_params, build, study_settings
from synthvol.errors import ConfigError, DataError
from synthvol.forecast.accuracy import accuracy, accuracy_table, naive_scale, relative_errors
from synthvol.forecast.adaptive import fit_ets
from synthvol.forecast.benchmarks import fit_drift, fit_naive
from synthvol.forecast.brown import BrownSettings, brown_psi, fit_brown
from synthvol.forecast.models import fit_model
from synthvol.registry import FORECAST_MODELS as MODELS
from synthvol.seeds import rng

SEED = 20150601
BROWN = study_settings("forecast.brown")


def test_accuracy_measures_by_hand():
    actual = np.array([100.0, 110.0, 120.0, 130.0])
    forecast = np.array([102.0, 105.0, 120.0, 140.0])
    lower, upper = forecast - 5.0, forecast + 5.0
    result = accuracy(actual, forecast, lower, upper, n_params=2, scale=2.0)
    errors = forecast - actual                     # 2, -5, 0, 10
    assert result.mean_error == pytest.approx(7 / 4)
    assert result.mae == pytest.approx(17 / 4)
    assert result.mase == pytest.approx(17 / 8)
    assert result.mape == pytest.approx(np.mean([2.0, 5 / 110 * 100, 0.0, 10 / 130 * 100]))
    assert result.s2 == pytest.approx(np.sum(errors**2) / 4)
    assert result.s2_dof == pytest.approx(np.sum(errors**2) / 2)
    assert result.s == pytest.approx(np.sqrt(129 / 4))
    assert (result.hits, result.misses, result.mu) == (3, 1, 0.75)   # 140 +- 5 misses 130
    np.testing.assert_allclose(relative_errors(actual, forecast)[:2], [2.0, -500 / 110])


def test_accuracy_table_coverage_levels_and_bad_input():
    frame = pd.DataFrame({"model": ["a", "a", "b", "b"], "actual": [1.0, 2.0, 1.0, 2.0],
                          "forecast": [1.0, 2.0, 2.0, 2.0], "lower": [0.0, 1.0, 1.5, 1.5],
                          "upper": [2.0, 3.0, 2.5, 2.5], "scale": 0.5,
                          "lower_80": [0.5, 1.5, 1.8, 1.8], "upper_80": [1.5, 2.5, 2.2, 2.2]})
    table = accuracy_table(frame, {"a": 1, "b": 1}, [0.8]).set_index("model")
    assert table.mu.to_dict() == {"a": 1.0, "b": 0.5}
    assert table.coverage_80.to_dict() == {"a": 1.0, "b": 0.5}
    assert table.mase.to_dict() == {"a": 0.0, "b": 1.0}
    assert np.isnan(accuracy([1.0], [1.0], [0.0], [2.0], n_params=2, scale=1.0).s2_dof)
    with pytest.raises(DataError, match="must be non-empty and match"):
        accuracy([1.0, 2.0], [1.0], [0.0], [2.0], n_params=1, scale=1.0)
    with pytest.raises(DataError, match="constant"):
        naive_scale(np.ones(5))


def test_mase_of_naive_on_its_own_training_data_is_one():
    y = 100.0 + np.cumsum(rng(SEED, "forecast-test", "mase").normal(size=120))
    fit = fit_naive(y)
    defined = np.isfinite(fit.residuals)
    result = accuracy(y[defined], fit.fitted[defined], fit.fitted[defined] - 1.0,
                      fit.fitted[defined] + 1.0, n_params=0, scale=naive_scale(y))
    assert result.mase == pytest.approx(1.0, abs=1e-12)
    assert fit.point_forecast(3).tolist() == [y[-1]] * 3


def test_benchmark_intervals_follow_the_random_walk_formulas():
    y = 50.0 + np.cumsum(0.3 + rng(SEED, "forecast-test", "drift").normal(size=80))
    naive, drift = fit_naive(y), fit_drift(y)
    steps = np.diff(y)
    assert drift.params["drift"] == pytest.approx(steps.mean())
    assert naive.residual_std == pytest.approx(np.sqrt(np.mean(steps**2)))
    assert drift.residual_std == pytest.approx(np.std(steps, ddof=1))
    h = np.arange(1, 7)
    np.testing.assert_allclose(drift.point_forecast(6), y[-1] + steps.mean() * h)
    half = (drift.forecast(6, 0.95).upper - drift.point_forecast(6)) / drift.residual_std
    np.testing.assert_allclose(half, 1.959964 * np.sqrt(h * (1 + h / 79)), rtol=1e-6)


def _statsmodels_multistart_llf(y, trend, damped):
    """Best statsmodels ETS log-likelihood over a grid of starts (an independent optimiser)."""
    model = ETSModel(pd.Series(y), error="add", trend=trend, damped_trend=damped)
    base = np.asarray(model.fit(disp=False).params, dtype=float)
    best = -np.inf
    for alpha in (0.1, 0.5, 0.9, 0.99):
        for ratio in ((0.01, 0.1, 0.5) if trend else (None,)):
            start = base.copy()
            start[0] = alpha
            if trend:
                start[1] = ratio * alpha
            best = max(best, model.fit(start_params=start, disp=False).llf)
    return best


def _default_monthly_head():
    from synthvol.data.loaders import load_price_series
    from synthvol.forecast.study import aggregate_prices

    series = aggregate_prices(load_price_series("arch:sp500"), "MS", "mean")
    return series.to_numpy()[:-12]


@pytest.mark.parametrize("name,trend,damped", [("ses", None, False), ("holt", "add", False),
                                               ("damped", "add", True)])
def test_ets_reaches_the_multistart_likelihood(name, trend, damped):
    t = np.arange(150.0)
    gen = rng(SEED, "forecast-test", "ets-ml", name)
    simulated = 200.0 + 0.8 * t + np.cumsum(gen.normal(size=t.size)) + 3 * gen.normal(size=150)
    for y in (_default_monthly_head(), simulated):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reference = _statsmodels_multistart_llf(y, trend, damped)
        fit = fit_ets(name, y)
        assert fit.loglik >= reference - 1e-6
        assert fit.convergence.startswith("converged")
        # our log-likelihood is statsmodels' at our parameters
        model = ETSModel(pd.Series(y), error="add", trend=trend, damped_trend=damped)
        llf = model.smooth(np.array(list(fit.params.values()))).llf
        assert fit.loglik == pytest.approx(llf, abs=1e-6)


def test_holt_on_the_default_series_leaves_the_beta_bound():
    fit = fit_ets("holt", _default_monthly_head())
    assert fit.params["smoothing_trend"] == pytest.approx(0.0335, abs=0.003)   # R: 0.032
    assert fit.loglik == pytest.approx(-1198.54, abs=0.01)
    assert "alpha at upper bound" in fit.convergence


def test_ses_recovers_smoothing_and_gives_widening_intervals():
    gen = rng(SEED, "forecast-test", "ses")
    n, alpha = 400, 0.4
    level = 100.0 + np.cumsum(alpha * gen.normal(size=n))
    y = level + gen.normal(size=n)      # local level: an ARIMA(0,1,1) with ETS alpha near 0.4
    fit = fit_ets("ses", y)
    assert fit.params["smoothing_level"] == pytest.approx(0.33, abs=0.12)
    forecast = fit.forecast(6, 0.9)
    width = forecast.upper - forecast.lower
    assert np.all(np.diff(width) > 0)
    assert np.all(forecast.lower < forecast.point) and np.all(forecast.point < forecast.upper)
    assert fit.autoregressive and fit.design is None


def test_holt_and_damped_follow_a_linear_trend():
    gen = rng(SEED, "forecast-test", "holt")
    t = np.arange(200.0)
    y = 10.0 + 0.5 * t + gen.normal(size=t.size)
    fit = fit_ets("holt", y)
    np.testing.assert_allclose(fit.forecast(10, 0.9).point, 10.0 + 0.5 * (200.0 + np.arange(10)),
                               atol=2.0)
    assert fit.n_params == 4
    damped = fit_ets("damped", y, previous=fit_ets("damped", y[:-1]))
    assert 0.8 <= damped.phi <= 0.98 and damped.n_params == 5
    assert damped.loglik >= fit_ets("damped", y).loglik - 1e-6


@pytest.mark.parametrize("alpha", [0.1, 0.3, 0.7])
def test_brown_order_1_forecasts_a_line_and_order_2_a_parabola_exactly(alpha):
    t = np.arange(1.0, 61.0)
    future = np.arange(61.0, 73.0)
    line, parabola = 5.0 + 2.0 * t, 3.0 - 0.5 * t + 0.07 * t**2
    linear = fit_brown("brown_linear", line, replace(BROWN, alpha=alpha))
    np.testing.assert_allclose(linear.point_forecast(12), 5.0 + 2.0 * future, atol=1e-9)
    np.testing.assert_allclose(linear.errors, 0.0, atol=1e-9)
    quadratic = fit_brown("brown_quadratic", parabola, replace(BROWN, alpha=alpha))
    np.testing.assert_allclose(quadratic.point_forecast(12),
                               3.0 - 0.5 * future + 0.07 * future**2, atol=1e-8)
    # the linear model cannot follow the parabola: its forecast lags the curvature
    lagging = fit_brown("brown_linear", parabola, replace(BROWN, alpha=alpha))
    assert np.max(np.abs(lagging.point_forecast(12)
                         - (3.0 - 0.5 * future + 0.07 * future**2))) > 1.0


def test_brown_errors_follow_the_equivalent_arima_and_alpha_is_estimated():
    y = 100.0 + np.cumsum(np.cumsum(0.05 * rng(SEED, "forecast-test", "brown").normal(size=150)))
    fit = fit_brown("brown_quadratic", y, replace(BROWN, alpha=0.3))
    # (1 - B)^3 y_t = (1 - 0.7 B)^3 e_t after the start
    ma = np.array([1.0, -2.1, 1.47, -0.343])
    np.testing.assert_allclose(np.diff(y, 3), np.convolve(fit.errors, ma)[3:150], atol=1e-8)
    # order 1 is Holt with α_H = 1 − β², β_H = α²: ψ_j = α_H + j β_H = 0.51 + 0.09 j
    np.testing.assert_allclose(brown_psi(1, 0.3, 4), [1.0, 0.6, 0.69, 0.78])
    estimated = fit_brown("brown_linear", y, replace(BROWN, alpha=None))
    grid_best = min((np.sum(fit_brown("brown_linear", y, replace(BROWN, alpha=a)).errors ** 2), a)
                    for a in np.linspace(0.01, 0.99, 99))
    assert np.sum(estimated.errors**2) <= grid_best[0] + 1e-9
    assert estimated.n_params == 3 and fit.n_params == 3
    with pytest.raises(ConfigError, match=r"^invalid parameter 'forecast\.brown\.initial_periods'"):
        build(BrownSettings, as_params(BROWN) | {"initial_periods": 3}, "forecast.brown")


def test_registry_names_every_model_and_rejects_unknown_ones():
    y = 100.0 + np.cumsum(rng(SEED, "forecast-test", "registry").normal(size=60)) + np.arange(60)
    for name in MODELS:
        fit = fit_model(name, y, study_defaults("forecast"))
        forecast = fit.forecast(4, 0.9)
        assert np.all(np.isfinite(forecast.point)) and fit.convergence
    with pytest.raises(ConfigError, match="unknown forecast model .brown-cubic."):
        fit_model("brown-cubic", y, {})
