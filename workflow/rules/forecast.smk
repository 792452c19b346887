# Forecast adequacy (Dubrova ch. 4-5): benchmarks, growth curves and adaptive methods on the
# aggregated prepared prices, interval forecasts, adequacy tests, accuracy on a held-out tail
# and over rolling origins, K* table.

FORECAST = f"{RESULTS}/forecast"
FORECAST_MODELS = config["forecast"]["models"]
FORECAST_TABLES = ["series", "fits", "fitted", "forecasts", "adequacy"]
# What the model rule reads: everything but the K* table settings.
FORECAST_MODEL_KEYS = [f"forecast.{k}" for k in config["forecast"] if k != "kstar"]

REPORT_SECTIONS.append("results/report/sections/40_forecast.json")


rule forecast_models:
    input:
        prices=f"{PREPARED}/prices.parquet",
    output:
        **{name: f"{FORECAST}/{name}.csv" for name in FORECAST_TABLES},
    log:
        "logs/forecast/forecast_models.log",
    benchmark:
        "logs/benchmarks/forecast/forecast_models.tsv"
    group:
        "forecast"
    conda:
        "../envs/synthvol.yaml"
    threads: 1
    resources:
        **grow("forecast_models"),
    params:
        **reads(forecast=FORECAST_MODEL_KEYS),
    script:
        "../scripts/forecast_models.py"


rule forecast_rolling:
    input:
        series=f"{FORECAST}/series.csv",
    output:
        forecasts=f"{FORECAST}/rolling_forecasts.csv",
        accuracy=f"{FORECAST}/rolling_accuracy.csv",
    log:
        "logs/forecast/forecast_rolling.log",
    benchmark:
        "logs/benchmarks/forecast/forecast_rolling.tsv"
    group:
        "forecast"
    conda:
        "../envs/synthvol.yaml"
    threads: 1
    resources:
        **grow("forecast_rolling"),
    params:
        **reads(forecast=FORECAST_MODEL_KEYS),
    script:
        "../scripts/forecast_rolling.py"


rule forecast_accuracy:
    input:
        forecasts=f"{FORECAST}/forecasts.csv",
        fits=f"{FORECAST}/fits.csv",
        adequacy=f"{FORECAST}/adequacy.csv",
        rolling=f"{FORECAST}/rolling_accuracy.csv",
    output:
        f"{FORECAST}/accuracy.csv",
    log:
        "logs/forecast/forecast_accuracy.log",
    benchmark:
        "logs/benchmarks/forecast/forecast_accuracy.tsv"
    conda:
        "../envs/synthvol.yaml"
    threads: 1
    resources:
        **grow("forecast_accuracy"),
    params:
        **reads(coverage_levels="forecast.coverage_levels"),
    script:
        "../scripts/forecast_accuracy.py"


rule forecast_kstar:
    output:
        f"{FORECAST}/kstar_table.csv",
    log:
        "logs/forecast/forecast_kstar.log",
    benchmark:
        "logs/benchmarks/forecast/forecast_kstar.tsv"
    conda:
        "../envs/synthvol.yaml"
    threads: 1
    resources:
        **grow("forecast_kstar"),
    params:
        **reads(kstar="forecast.kstar"),
    script:
        "../scripts/forecast_kstar.py"


rule forecast_figures:
    input:
        series=f"{FORECAST}/series.csv",
        fitted=f"{FORECAST}/fitted.csv",
        forecasts=f"{FORECAST}/forecasts.csv",
    output:
        fit=f"{FORECAST}/figures/fit_{{model}}.png",
        residuals=f"{FORECAST}/figures/residuals_{{model}}.png",
    log:
        "logs/forecast/forecast_figures_{model}.log",
    benchmark:
        "logs/benchmarks/forecast/forecast_figures_{model}.tsv"
    wildcard_constraints:
        model=registry.wildcard_pattern(FORECAST_MODELS),
    conda:
        "../envs/synthvol.yaml"
    threads: 1
    resources:
        **grow("forecast_figures"),
    params:
        **reads(confidence="forecast.confidence"),
    script:
        "../scripts/forecast_figures.py"


rule forecast_rolling_figure:
    input:
        accuracy=f"{FORECAST}/rolling_accuracy.csv",
    output:
        f"{FORECAST}/figures/rolling_accuracy.png",
    log:
        "logs/forecast/forecast_rolling_figure.log",
    benchmark:
        "logs/benchmarks/forecast/forecast_rolling_figure.tsv"
    conda:
        "../envs/synthvol.yaml"
    threads: 1
    resources:
        **grow("forecast_rolling_figure"),
    params:
        **reads(confidence="forecast.confidence", coverage_levels="forecast.coverage_levels"),
    script:
        "../scripts/forecast_rolling_figure.py"


rule forecast_report:
    input:
        accuracy=f"{FORECAST}/accuracy.csv",
        rolling=f"{FORECAST}/rolling_accuracy.csv",
        rolling_png=f"{FORECAST}/figures/rolling_accuracy.png",
        adequacy=f"{FORECAST}/adequacy.csv",
        fits=f"{FORECAST}/fits.csv",
        series=f"{FORECAST}/series.csv",
        kstar=f"{FORECAST}/kstar_table.csv",
        fit_pngs=expand(f"{FORECAST}/figures/fit_{{model}}.png", model=FORECAST_MODELS),
        residual_pngs=expand(f"{FORECAST}/figures/residuals_{{model}}.png", model=FORECAST_MODELS),
    output:
        "results/report/sections/40_forecast.json",
    log:
        "logs/forecast/forecast_report.log",
    benchmark:
        "logs/benchmarks/forecast/forecast_report.tsv"
    conda:
        "../envs/synthvol.yaml"
    threads: 1
    resources:
        **grow("forecast_report"),
    params:
        **reads(forecast="forecast"),
    script:
        "../scripts/forecast_report.py"
