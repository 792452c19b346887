"""The forecast part end to end on a small synthetic price series: tables, figures, section."""

import numpy as np
import pandas as pd
import pytest

from synthvol.errors import ConfigError
from synthvol.forecast.figures import write_model_figures
from synthvol.forecast.report import write_forecast_section
from synthvol.forecast.study import aggregate_prices, run_models, write_accuracy, write_kstar
from synthvol.seeds import rng

MODELS = ["linear", "parabolic", "exponential", "modified_exponential", "gompertz", "logistic",
          "ses", "holt"]
PARAMS = dict(aggregation="MS", statistic="mean", holdout=6, confidence=0.9, models=MODELS,
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

    accuracy = write_accuracy(outputs["forecasts"], outputs["fits"], outputs["adequacy"],
                              str(tmp_path / "accuracy.csv"))
    assert list(accuracy["rank"]) == list(range(1, 9))
    assert accuracy.mape.is_monotonic_increasing
    assert accuracy.mu.between(0, 1).all()
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
    section = tmp_path / "40_forecast.html"
    write_forecast_section(str(tmp_path / "accuracy.csv"), outputs["adequacy"], outputs["fits"],
                           outputs["series"], str(tmp_path / "kstar.csv"), fit_pngs,
                           residual_pngs, PARAMS, str(section))
    html = section.read_text()
    assert html.startswith('<section id="forecast"')
    assert "113 of 114 cells agree" in html
    assert html.count("<img") == 8 + 3


def test_holdout_too_long_is_refused(prices_path, tmp_path):
    outputs = {name: str(tmp_path / f"{name}.csv") for name in TABLES}
    with pytest.raises(ConfigError, match="forecast.holdout"):
        run_models(str(prices_path), {**PARAMS, "holdout": 60}, outputs)
    with pytest.raises(ConfigError, match="n_min"):
        write_kstar({**PARAMS["kstar"], "n_min": 30}, str(tmp_path / "k.csv"))
