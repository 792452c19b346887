# Real vs synthetic: moments, stylized facts and correlograms of returns, the headline
# two-sample test of every source (each generator training) against the held-out blocks with
# its verdict, memorisation checks and each generator's copy floor, the headline test's size
# and power on simulated markets (rule calibration), the report section; and the Stocks
# benchmark of the literature (rule benchmark_stocks, not in the default target).
EVAL_BASELINES = list(registry.BASELINES)
EVAL_SECTION = "results/report/sections/20_generators.json"
EVAL_FIGURES = ["acf_returns", "acf_abs_returns", "pacf_returns", "sample_paths", "return_hist"]
# The comparison's parameters; the sections of the Stocks benchmark, the headline test and
# the calibration are left out (their own rules read them), so that changing them does not
# rerun the moments and figures.
EVAL_KEYS = [
    f"evaluation.{k}"
    for k in config["evaluation"]
    if k not in ("stocks", "headline", "calibration")
]

REPORT_SECTIONS.append(EVAL_SECTION)


# The enabled generators (none while params has no generators section), and every scored
# source: the training windows, each training of each generator (key <generator>-t<k>), the
# copy floors, the baselines.
EVAL_GENERATORS = list(config["generators"]["enabled"])
EVAL_TRAINED = {
    f"{g}-t{k}": f"{RESULTS}/generators/{g}/t{k}" for g in EVAL_GENERATORS for k in TRAININGS
}
EVAL_COPIES = {g: f"copy_train_{g}" for g in EVAL_GENERATORS}
EVAL_SOURCES = ["real_train", *EVAL_TRAINED, *EVAL_COPIES.values(), *EVAL_BASELINES]
EVAL_COPY_DIR = f"{RESULTS}/evaluation/copy_train"
# The sample file of each scored source (none for the training windows).
EVAL_SAMPLES = {
    **{t: {"samples": f"{d}/samples.parquet"} for t, d in EVAL_TRAINED.items()},
    **{c: {"samples": f"{EVAL_COPY_DIR}/{g}/samples.parquet"} for g, c in EVAL_COPIES.items()},
    **{b: {"samples": f"{RESULTS}/baselines/{b}/samples.parquet"} for b in EVAL_BASELINES},
}
# What every comparison step reads of the prepared data.
EVAL_REAL = {
    "train": f"{PREPARED}/train.parquet",
    "test": f"{PREPARED}/test.parquet",
    "scaler": f"{PREPARED}/scaler.json",
    "windows": f"{PREPARED}/windows.parquet",
    "heldout": f"{PREPARED}/heldout_windows.parquet",
}


rule copy_floor:
    input:
        **EVAL_REAL,
        # the samples of every training of the job's generator
        samples=lambda wildcards: expand(
            f"{GEN_DIR}/samples.parquet", generator=wildcards.generator, training=TRAININGS
        ),
        summary=f"{PREPARED}/summary.json",
    output:
        samples=f"{EVAL_COPY_DIR}/{{generator}}/samples.parquet",
        info=f"{EVAL_COPY_DIR}/{{generator}}/copy.json",
    log:
        "logs/evaluation/copy_floor_{generator}.log",
    benchmark:
        "logs/benchmarks/evaluation/copy_floor_{generator}.tsv"
    wildcard_constraints:
        generator=registry.wildcard_pattern(EVAL_GENERATORS),
    group:
        "samples"
    conda:
        "../envs/synthvol.yaml"
    threads: 1
    resources:
        **grow("copy_floor"),
    params:
        **reads(window_length="data.window_length", seed="seed"),
    script:
        "../scripts/evaluation_copy_floor.py"


rule score_source:
    input:
        unpack(lambda wildcards: EVAL_SAMPLES.get(wildcards.source, {})),
        **EVAL_REAL,
    output:
        f"{RESULTS}/evaluation/scores/{{source}}.json",
    log:
        "logs/evaluation/score_source_{source}.log",
    benchmark:
        "logs/benchmarks/evaluation/score_source_{source}.tsv"
    wildcard_constraints:
        source=registry.wildcard_pattern(EVAL_SOURCES),
    group:
        "scores"
    conda:
        "../envs/synthvol.yaml"
    threads: 1
    resources:
        **grow("score_source"),
    params:
        **reads(
            headline="evaluation.headline",
            window_length="data.window_length",
            seed="seed",
            threads="evaluation.threads",
        ),
    script:
        "../scripts/evaluation_score_source.py"


rule calibration:
    output:
        f"{RESULTS}/evaluation/calibration.csv",
    log:
        "logs/evaluation/calibration.log",
    benchmark:
        "logs/benchmarks/evaluation/calibration.tsv"
    group:
        "scores"
    conda:
        "../envs/synthvol.yaml"
    threads: 1
    resources:
        **grow("calibration"),
    params:
        **reads(
            calibration="evaluation.calibration",
            headline="evaluation.headline",
            n_samples="generators.n_samples",
            seed="seed",
            threads="evaluation.threads",
        ),
    script:
        "../scripts/evaluation_calibration.py"


rule compare_sources:
    input:
        **EVAL_REAL,
        generator_samples=expand(
            f"{GEN_DIR}/samples.parquet", generator=EVAL_GENERATORS, training=TRAININGS
        ),
        generator_train=expand(
            f"{GEN_DIR}/train.json", generator=EVAL_GENERATORS, training=TRAININGS
        ),
        generator_sample=expand(
            f"{GEN_DIR}/sample.json", generator=EVAL_GENERATORS, training=TRAININGS
        ),
        baseline_samples=expand(f"{RESULTS}/baselines/{{b}}/samples.parquet", b=EVAL_BASELINES),
        baseline_fit=expand(f"{RESULTS}/baselines/{{b}}/fit.json", b=EVAL_BASELINES),
        copy_samples=expand(f"{EVAL_COPY_DIR}/{{g}}/samples.parquet", g=EVAL_GENERATORS),
        copy_info=expand(f"{EVAL_COPY_DIR}/{{g}}/copy.json", g=EVAL_GENERATORS),
        long_samples=expand(
            f"{RESULTS}/generators/{{g}}/t0/samples_long.parquet", g=LONG_PATH_GENERATORS
        ),
        scores=expand(f"{RESULTS}/evaluation/scores/{{source}}.json", source=EVAL_SOURCES),
    output:
        **{name: f"{RESULTS}/evaluation/figures/{name}.png" for name in EVAL_FIGURES},
        moments=f"{RESULTS}/evaluation/moments.csv",
        stylized_facts=f"{RESULTS}/evaluation/stylized_facts.csv",
        stylized_facts_long=f"{RESULTS}/evaluation/stylized_facts_long.csv",
        timing=f"{RESULTS}/evaluation/timing.csv",
        scores=f"{RESULTS}/evaluation/scores.csv",
        correlograms=f"{RESULTS}/evaluation/correlograms.csv",
    log:
        "logs/evaluation/compare_sources.log",
    benchmark:
        "logs/benchmarks/evaluation/compare_sources.tsv"
    conda:
        "../envs/synthvol.yaml"
    threads: 1
    resources:
        **grow("compare_sources"),
    params:
        **reads(
            evaluation=EVAL_KEYS,
            window_length="data.window_length",
            generators="generators.enabled",
        ),
        baselines=EVAL_BASELINES,
        long_generators=LONG_PATH_GENERATORS,
    script:
        "../scripts/evaluation_compare_sources.py"


rule evaluation_report_section:
    input:
        **{name: rules.compare_sources.output[name] for name in EVAL_FIGURES},
        moments=rules.compare_sources.output.moments,
        stylized_facts=rules.compare_sources.output.stylized_facts,
        stylized_facts_long=rules.compare_sources.output.stylized_facts_long,
        timing=rules.compare_sources.output.timing,
        scores=rules.compare_sources.output.scores,
        calibration=rules.calibration.output[0],
    output:
        EVAL_SECTION,
    log:
        "logs/evaluation/evaluation_report_section.log",
    benchmark:
        "logs/benchmarks/evaluation/evaluation_report_section.tsv"
    conda:
        "../envs/synthvol.yaml"
    threads: 1
    resources:
        **grow("evaluation_report_section"),
    params:
        **reads(evaluation=EVAL_KEYS, window_length="data.window_length"),
        tables=[
            "moments",
            "stylized_facts",
            "stylized_facts_long",
            "timing",
            "scores",
            "calibration",
        ],
        figures=EVAL_FIGURES,
    script:
        "../scripts/evaluation_report_section.py"


rule benchmark_stocks:
    input:
        data=config["evaluation"]["stocks"]["data"],
    output:
        table=f"{RESULTS}/benchmarks/stocks.csv",
        goal=f"{RESULTS}/benchmarks/stocks_goal.csv",
    log:
        "logs/evaluation/benchmark_stocks.log",
    benchmark:
        "logs/benchmarks/evaluation/benchmark_stocks.tsv"
    conda:
        "../envs/synthvol.yaml"
    threads: 2
    resources:
        **grow("benchmark_stocks"),
    params:
        **reads(stocks="evaluation.stocks", generators="generators", seed="seed"),
    script:
        "../scripts/evaluation_benchmark_stocks.py"
