# Generators: SBTS, TimeGAN, DDPM, CVAE and the notebook's LSTM-attention net, each trained
# generators.training_seeds times (seeds derived from params' seed and the training number)
# on the prepared windows of scaled returns and sampled into the shared sample format.

GENERATORS = list(config["generators"]["enabled"])
# Training numbers 0..training_seeds-1: one trained model (and its samples) each.
TRAININGS = [str(k) for k in range(config["generators"]["training_seeds"])]
GEN_DIR = f"{RESULTS}/generators/{{generator}}/t{{training}}"
# Generators that also draw paths of the test-split length (generators.n_long_paths > 0),
# from their first training.
LONG_PATH_GENERATORS = registry.long_path_generators(config["generators"])


rule generators:
    input:
        expand(f"{GEN_DIR}/samples.parquet", generator=GENERATORS, training=TRAININGS),
        expand(
            f"{RESULTS}/generators/{{generator}}/t0/samples_long.parquet",
            generator=LONG_PATH_GENERATORS,
        ),


rule train_generator:
    input:
        windows=f"{PREPARED}/windows.parquet",
    output:
        model=f"{GEN_DIR}/model.pt",
        train=f"{GEN_DIR}/train.json",
    log:
        "logs/generators/train_{generator}_t{training}.log",
    benchmark:
        "logs/benchmarks/generators/train_{generator}_t{training}.tsv"
    wildcard_constraints:
        generator=registry.wildcard_pattern(GENERATORS),
        training=registry.wildcard_pattern(TRAININGS),
    conda:
        "../envs/synthvol.yaml"
    threads: config["generators"]["threads"]
    resources:
        **grow("train_generator"),
    params:
        **reads(
            generators=["generators.device", "generators.models.{generator}"],
            seed="seed",
            torch_threads="generators.threads",
        ),
    script:
        "../scripts/generators_train.py"


rule sample_generator:
    input:
        model=f"{GEN_DIR}/model.pt",
        scaler=f"{PREPARED}/scaler.json",
        summary=f"{PREPARED}/summary.json",
    output:
        samples=f"{GEN_DIR}/samples.parquet",
        info=f"{GEN_DIR}/sample.json",
    log:
        "logs/generators/sample_{generator}_t{training}.log",
    benchmark:
        "logs/benchmarks/generators/sample_{generator}_t{training}.tsv"
    wildcard_constraints:
        generator=registry.wildcard_pattern(GENERATORS),
        training=registry.wildcard_pattern(TRAININGS),
    group:
        "samples"
    conda:
        "../envs/synthvol.yaml"
    threads: config["generators"]["threads"]
    resources:
        **grow("sample_generator"),
    params:
        **reads(
            n_samples="generators.n_samples",
            device="generators.device",
            torch_threads="generators.threads",
        ),
        long=False,
    script:
        "../scripts/generators_sample.py"


rule sample_generator_long:
    input:
        model=f"{RESULTS}/generators/{{generator}}/t0/model.pt",
        scaler=f"{PREPARED}/scaler.json",
        summary=f"{PREPARED}/summary.json",
    output:
        samples=f"{RESULTS}/generators/{{generator}}/t0/samples_long.parquet",
        info=f"{RESULTS}/generators/{{generator}}/t0/sample_long.json",
    log:
        "logs/generators/sample_long_{generator}.log",
    benchmark:
        "logs/benchmarks/generators/sample_long_{generator}.tsv"
    wildcard_constraints:
        generator=registry.wildcard_pattern(LONG_PATH_GENERATORS),
    group:
        "samples"
    conda:
        "../envs/synthvol.yaml"
    threads: config["generators"]["threads"]
    resources:
        **grow("sample_generator_long"),
    params:
        **reads(
            n_samples="generators.n_long_paths",
            device="generators.device",
            torch_threads="generators.threads",
        ),
        long=True,
    script:
        "../scripts/generators_sample.py"
