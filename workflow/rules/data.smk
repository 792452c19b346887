# Data preparation: load, validate, split, scale and window the study's price series.


rule prepare_data:
    output:
        prices=f"{PREPARED}/prices.parquet",
        returns=f"{PREPARED}/returns.parquet",
        train=f"{PREPARED}/train.parquet",
        test=f"{PREPARED}/test.parquet",
        windows=f"{PREPARED}/windows.parquet",
        scaler=f"{PREPARED}/scaler.json",
        summary=f"{PREPARED}/summary.json",
    params:
        data=config["data"],
    log:
        "logs/data/prepare_data.log",
    benchmark:
        "logs/benchmarks/data/prepare_data.tsv"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    script:
        "../scripts/prepare_data.py"
