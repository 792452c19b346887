# Generators: SBTS, TimeGAN, DDPM, CVAE and the notebook's LSTM-attention net, each trained
# on the prepared windows of scaled returns and sampled into the shared sample format.
from synthvol.generators.pipeline import long_path_generators

GENERATORS = list(config["generators"]["enabled"])
# Generators that also draw paths of the test-split length (generators.n_long_paths > 0).
LONG_PATH_GENERATORS = long_path_generators(config["seed"], config["generators"])


# What one generator's jobs read: the shared device and that generator's hyper-parameters.
GENERATOR_PARAMS = {
    g: {"device": config["generators"]["device"],
        "models": {g: config["generators"].get("models", {}).get(g) or {}}}
    for g in GENERATORS
}


rule generators:
    input:
        expand(f"{RESULTS}/generators/{{generator}}/samples.parquet", generator=GENERATORS),
        expand(f"{RESULTS}/generators/{{generator}}/samples_long.parquet",
               generator=LONG_PATH_GENERATORS),
    log:
        "logs/generators/all.log",
    conda:
        "../envs/synthvol.yaml"
    localrule: True
    shell:
        "echo 'generator samples ready: {input}' > {log}"


rule train_generator:
    input:
        windows=f"{PREPARED}/windows.parquet",
    output:
        model=f"{RESULTS}/generators/{{generator}}/model.pt",
        train=f"{RESULTS}/generators/{{generator}}/train.json",
    wildcard_constraints:
        generator="|".join(GENERATORS),
    params:
        generators=lambda wildcards: GENERATOR_PARAMS[wildcards.generator],
        seed=config["seed"],
    log:
        "logs/generators/train_{generator}.log",
    benchmark:
        "logs/benchmarks/generators/train_{generator}.tsv"
    conda:
        "../envs/synthvol.yaml"
    threads: config["generators"]["threads"]
    resources:
        mem_mb=4000,
        runtime=60,
    script:
        "../scripts/generators_train.py"


rule sample_generator:
    input:
        model=f"{RESULTS}/generators/{{generator}}/model.pt",
        scaler=f"{PREPARED}/scaler.json",
        summary=f"{PREPARED}/summary.json",
    output:
        samples=f"{RESULTS}/generators/{{generator}}/samples.parquet",
        info=f"{RESULTS}/generators/{{generator}}/sample.json",
    wildcard_constraints:
        generator="|".join(GENERATORS),
    params:
        n_samples=config["generators"]["n_samples"],
        device=config["generators"]["device"],
        long=False,
    log:
        "logs/generators/sample_{generator}.log",
    benchmark:
        "logs/benchmarks/generators/sample_{generator}.tsv"
    conda:
        "../envs/synthvol.yaml"
    threads: config["generators"]["threads"]
    resources:
        mem_mb=4000,
        runtime=30,
    script:
        "../scripts/generators_sample.py"


rule sample_generator_long:
    input:
        model=f"{RESULTS}/generators/{{generator}}/model.pt",
        scaler=f"{PREPARED}/scaler.json",
        summary=f"{PREPARED}/summary.json",
    output:
        samples=f"{RESULTS}/generators/{{generator}}/samples_long.parquet",
        info=f"{RESULTS}/generators/{{generator}}/sample_long.json",
    wildcard_constraints:
        generator="|".join(LONG_PATH_GENERATORS) or "^$",
    params:
        n_samples=config["generators"].get("n_long_paths", 0),
        device=config["generators"]["device"],
        long=True,
    log:
        "logs/generators/sample_long_{generator}.log",
    benchmark:
        "logs/benchmarks/generators/sample_long_{generator}.tsv"
    conda:
        "../envs/synthvol.yaml"
    threads: config["generators"]["threads"]
    resources:
        mem_mb=4000,
        runtime=60,
    script:
        "../scripts/generators_sample.py"
