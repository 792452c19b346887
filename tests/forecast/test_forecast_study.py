"""The forecast part end to end on a small synthetic price series: tables, figures, section."""

import numpy as np
import pandas as pd
import pytest

from synthvol.errors import ConfigError
from synthvol.forecast.figures import write_model_figures, write_rolling_figure
from synthvol.forecast.report import write_forecast_section
from synthvol.forecast.study import (
    aggregate_prices,
    run_models,
    run_rolling,
    write_accuracy,
    write_kstar,
)
from synthvol.registry import FORECAST_MODELS as REGISTRY
from synthvol.report.model import load_section
from synthvol.report.render import section_html
from synthvol.seeds import rng

MODELS = list(REGISTRY)
LEVELS = [0.8, 0.9, 0.95]
PARAMS = dict(aggregation="MS", statistic="mean", holdout=6, rolling_origins=4,
              confidence=0.9, coverage_levels=LEVELS, models=MODELS,
              brown=dict(alpha=None, initial_periods=12),
              randomness_level=0.95, alpha=0.05, ljung_box_lags=12,
              kstar=dict(trends=["linear", "parabolic"], n_min=7, n_max=25, horizon_max=3,
                         confidence=0.9, t_decimals=3))
TABLES = ["series", "fits", "fitted", "forecasts", "adequacy"]


@pytest.fixture(scope="module")
def prices_path(tmp_path_factory):
    dates = pd.bdate_range("2012-01-02", "2017-12-29")
    gen = rng(20150601, "forecast-test", "prices")
    log_price = np.log(1000.0) + np.cumsum(0.0004 + 0.01 * gen.standard_normal(dates.size))
    path = tmp_path_factory.mktemp("prepared") / "prices.parquet"
    pd.DataFrame({"date": dates, "price": np.exp(log_price)}).to_parquet(path, index=False)
    return path


def test_aggregation_is_the_monthly_mean(prices_path):
    prices = pd.read_parquet(prices_path)
    monthly = aggregate_prices(prices, "MS", "mean")
    assert len(monthly) == 72
    first = prices[prices.date < "2012-02-01"].price.mean()
    assert monthly.iloc[0] == pytest.approx(first)
    with pytest.raises(ConfigError, match="forecast.aggregation"):
        aggregate_prices(prices, "not-a-rule", "mean")


def test_study_writes_tables_figures_and_section(prices_path, tmp_path):
    outputs = {name: str(tmp_path / f"{name}.csv") for name in TABLES}
    run_models(str(prices_path), PARAMS, outputs)
    forecasts = pd.read_csv(outputs["forecasts"])
    assert set(forecasts.model) == set(MODELS)
    assert (forecasts.groupby("model").size() == 6).all()
    assert (forecasts.lower <= forecasts.forecast).all() and (
        forecasts.forecast <= forecasts.upper).all()
    adequacy = pd.read_csv(outputs["adequacy"])
    independence = adequacy[adequacy.property == "independence"].set_index("model").test
    assert independence["linear"].startswith("Durbin-Watson")
    assert independence["ses"].startswith("Ljung-Box")

    fits = pd.read_csv(outputs["fits"])
    assert fits.convergence.notna().all()
    assert fits.set_index("model").loc["holt", "loglik"].notna().all()
    assert {"lower_80", "upper_95"} <= set(forecasts.columns)

    rolling = {"forecasts": str(tmp_path / "rolling_forecasts.csv"),
               "accuracy": str(tmp_path / "rolling_accuracy.csv")}
    run_rolling(outputs["series"], PARAMS, rolling)
    by_origin = pd.read_csv(rolling["forecasts"]).groupby(["model", "origin"]).size()
    assert by_origin.groupby("model").size().eq(4).all()           # every origin, every model
    assert sorted(by_origin.loc["naive"].tolist()) == [1, 2, 3, 4]
    accuracy = write_accuracy(outputs["forecasts"], outputs["fits"], outputs["adequacy"],
                              rolling["accuracy"], LEVELS, str(tmp_path / "accuracy.csv"))
    assert list(accuracy["rank"]) == list(range(1, len(MODELS) + 1))
    for _, group in accuracy.groupby("passes"):
        assert group.rolling_mase.is_monotonic_increasing
    assert accuracy.passes.is_monotonic_decreasing
    assert accuracy.mu.between(0, 1).all() and accuracy.coverage_95.between(0, 1).all()
    kstar = write_kstar(PARAMS["kstar"], str(tmp_path / "kstar.csv"))
    assert len(kstar) == 2 * 19 * 3

    fit_pngs, residual_pngs = [], []
    for model in MODELS:
        fit_png, residual_png = tmp_path / f"fit_{model}.png", tmp_path / f"residuals_{model}.png"
        write_model_figures(outputs["series"], outputs["fitted"], outputs["forecasts"], model,
                            0.9, str(fit_png), str(residual_png))
        assert fit_png.stat().st_size > 1000 and residual_png.stat().st_size > 1000
        fit_pngs.append(str(fit_png))
        residual_pngs.append(str(residual_png))
    rolling_png = tmp_path / "rolling_accuracy.png"
    write_rolling_figure(rolling["accuracy"], LEVELS, str(rolling_png))
    section = tmp_path / "40_forecast.json"
    write_forecast_section(str(tmp_path / "accuracy.csv"), rolling["accuracy"], str(rolling_png),
                           outputs["adequacy"], outputs["fits"], outputs["series"],
                           str(tmp_path / "kstar.csv"), fit_pngs, residual_pngs, PARAMS,
                           str(section))
    sec = load_section(section)
    html = section_html(sec)
    assert html.startswith('<section id="forecast"')
    assert "113 of 114 cells agree" in html
    assert "naive forecast" in sec.blocks[0].text                 # the sentence at the top
    assert '<aside class="findings" data-part="forecast">' in html
    assert "results/forecast/figures" not in html                 # no figure outside the page
    diagnosed = 3 + (accuracy.model.iloc[:3] != "naive").all()
    assert html.count("<img") == len(MODELS) + diagnosed + 1


def test_holdout_too_long_is_refused(prices_path, tmp_path):
    outputs = {name: str(tmp_path / f"{name}.csv") for name in TABLES}
    with pytest.raises(ConfigError, match="forecast.holdout"):
        run_models(str(prices_path), {**PARAMS, "holdout": 60}, outputs)
    series = tmp_path / "series.csv"
    pd.DataFrame({"date": pd.date_range("2012-01-01", periods=72, freq="MS"),
                  "value": np.linspace(100.0, 200.0, 72), "part": "head"}).to_csv(series)
    with pytest.raises(ConfigError, match="forecast.rolling_origins"):
        run_rolling(str(series), {**PARAMS, "rolling_origins": 60},
                    {"forecasts": str(tmp_path / "r.csv"), "accuracy": str(tmp_path / "a.csv")})
    with pytest.raises(ConfigError, match="forecast.coverage_levels"):
        run_models(str(prices_path), {**PARAMS, "coverage_levels": [0.8, 0.95]}, outputs)
    with pytest.raises(ConfigError, match="n_min"):
        write_kstar({**PARAMS["kstar"], "n_min": 30}, str(tmp_path / "k.csv"))


def test_rolling_origin_on_a_linear_trend_ranks_the_linear_curve_first(tmp_path):
    dates = pd.date_range("2000-01-01", periods=96, freq="MS")
    noise = rng(20150601, "forecast-test", "rolling-linear").normal(size=dates.size)
    series = tmp_path / "series.csv"
    pd.DataFrame({"date": dates, "value": 500.0 + 4.0 * np.arange(96) + 3.0 * noise,
                  "part": "head"}).to_csv(series, index=False)
    models = ["naive", "drift", "linear", "parabolic", "ses", "holt", "brown_linear"]
    outputs = {"forecasts": str(tmp_path / "f.csv"), "accuracy": str(tmp_path / "a.csv")}
    run_rolling(str(series), {**PARAMS, "models": models, "rolling_origins": 24,
                              "holdout": 6}, outputs)
    overall = pd.read_csv(outputs["accuracy"], dtype={"horizon": str})
    overall = overall[overall.horizon == "all"].set_index("model")
    # Holt's MLE here has alpha and beta at their lower bounds, i.e. it *is* the global
    # least-squares line; every other model must lose to the linear curve
    assert overall.loc["linear", "mase"] <= overall.mase.min() * (1 + 1e-4)
    others = overall.drop(index=["linear", "holt"])
    assert (others.mase > overall.loc["linear", "mase"]).all()
    assert overall.loc["linear", "mase"] < 0.8 * overall.loc["naive", "mase"]
    assert overall.loc["linear", "coverage_90"] == pytest.approx(0.9, abs=0.1)
