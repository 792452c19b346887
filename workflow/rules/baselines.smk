# Baselines: AR(p), GARCH(p,q) and fractional Brownian motion, fitted to the training returns.
# One rule each, so that changing one model's parameters reruns only that model.

BASELINES = list(registry.BASELINES)
BASELINE_INPUTS = dict(
    train=f"{PREPARED}/train.parquet",
    test=f"{PREPARED}/test.parquet",
    returns=f"{PREPARED}/returns.parquet",
    summary=f"{PREPARED}/summary.json",
)
REPORT_SECTIONS.append("results/report/sections/15_baselines.json")


rule fit_ar:
    input:
        **BASELINE_INPUTS,
    output:
        fit="results/baselines/ar/fit.json",
        forecast="results/baselines/ar/forecast.parquet",
        samples="results/baselines/ar/samples.parquet",
    log:
        "logs/baselines/fit_ar.log",
    benchmark:
        "logs/benchmarks/baselines/fit_ar.tsv"
    group:
        "baselines"
    conda:
        "../envs/synthvol.yaml"
    threads: 1
    resources:
        **grow("fit_ar"),
    params:
        **reads(baselines=[*BASELINE_SHARED_KEYS, "baselines.ar"], seed="seed"),
        model="ar",
    script:
        "../scripts/fit_baseline.py"


rule fit_garch:
    input:
        **BASELINE_INPUTS,
    output:
        fit="results/baselines/garch/fit.json",
        forecast="results/baselines/garch/forecast.parquet",
        samples="results/baselines/garch/samples.parquet",
        conditional_volatility="results/baselines/garch/conditional_volatility.parquet",
    log:
        "logs/baselines/fit_garch.log",
    benchmark:
        "logs/benchmarks/baselines/fit_garch.tsv"
    group:
        "baselines"
    conda:
        "../envs/synthvol.yaml"
    threads: 1
    resources:
        **grow("fit_garch"),
    params:
        **reads(baselines=[*BASELINE_SHARED_KEYS, "baselines.garch"], seed="seed"),
        model="garch",
    script:
        "../scripts/fit_baseline.py"


rule fit_fbm:
    input:
        **BASELINE_INPUTS,
    output:
        fit="results/baselines/fbm/fit.json",
        forecast="results/baselines/fbm/forecast.parquet",
        samples="results/baselines/fbm/samples.parquet",
    log:
        "logs/baselines/fit_fbm.log",
    benchmark:
        "logs/benchmarks/baselines/fit_fbm.tsv"
    group:
        "baselines"
    conda:
        "../envs/synthvol.yaml"
    threads: 1
    resources:
        **grow("fit_fbm"),
    params:
        **reads(baselines=[*BASELINE_SHARED_KEYS, "baselines.fbm"], seed="seed"),
        model="fbm",
    script:
        "../scripts/fit_baseline.py"


rule baselines_report_section:
    input:
        prepared=f"{PREPARED}/summary.json",
        test=f"{PREPARED}/test.parquet",
        fits=expand("results/baselines/{b}/fit.json", b=BASELINES),
        forecasts=expand("results/baselines/{b}/forecast.parquet", b=BASELINES),
        samples=expand("results/baselines/{b}/samples.parquet", b=BASELINES),
        volatility="results/baselines/garch/conditional_volatility.parquet",
        returns=f"{PREPARED}/returns.parquet",
    output:
        section="results/report/sections/15_baselines.json",
        fits_table="results/baselines/tables/fits.csv",
        coverage_table="results/baselines/tables/coverage.csv",
        path_volatility_table="results/baselines/tables/path_volatility.csv",
        forecasts="results/baselines/figures/forecasts.png",
        paths="results/baselines/figures/sample_paths.png",
        volatility="results/baselines/figures/garch_volatility.png",
    log:
        "logs/baselines/report_section.log",
    benchmark:
        "logs/benchmarks/baselines/report_section.tsv"
    conda:
        "../envs/synthvol.yaml"
    threads: 1
    resources:
        **grow("baselines_report_section"),
    params:
        names=BASELINES,
    script:
        "../scripts/baselines_report_section.py"
