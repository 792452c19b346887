# Data preparation: load, validate, split, scale and window the study's price series;
# windows.parquet holds the training-block windows, heldout_windows.parquet the held-out ones.
# The CSV named by data.source (PRICE_SOURCE, from the Snakefile; none for arch:sp500) is
# the input: editing a price reruns the study from here.


rule prepare_data:
    input:
        PRICE_SOURCE,
    output:
        prices=f"{PREPARED}/prices.parquet",
        returns=f"{PREPARED}/returns.parquet",
        train=f"{PREPARED}/train.parquet",
        test=f"{PREPARED}/test.parquet",
        windows=f"{PREPARED}/windows.parquet",
        heldout_windows=f"{PREPARED}/heldout_windows.parquet",
        scaler=f"{PREPARED}/scaler.json",
        summary=f"{PREPARED}/summary.json",
    log:
        "logs/data/prepare_data.log",
    benchmark:
        "logs/benchmarks/data/prepare_data.tsv"
    conda:
        "../envs/synthvol.yaml"
    threads: 1
    resources:
        **grow("prepare_data"),
    params:
        **reads(data="data", seed="seed"),
    script:
        "../scripts/prepare_data.py"


REPORT_SECTIONS.append("results/report/sections/10_data.json")


rule data_report_section:
    input:
        returns=f"{PREPARED}/returns.parquet",
        train=f"{PREPARED}/train.parquet",
        test=f"{PREPARED}/test.parquet",
        summary=f"{PREPARED}/summary.json",
    output:
        series="results/data/figures/series.png",
        hist="results/data/figures/return_hist.png",
        summary="results/data/tables/return_summary.csv",
        section="results/report/sections/10_data.json",
    log:
        "logs/data/report_section.log",
    benchmark:
        "logs/benchmarks/data/report_section.tsv"
    conda:
        "../envs/synthvol.yaml"
    threads: 1
    resources:
        **grow("data_report_section"),
    script:
        "../scripts/data_report_section.py"
