# synthvol: one Snakemake DAG for the whole study.
#   snakemake --cores 8                                  default study
#   snakemake --cores 2 --configfile config/quick.yaml   quick size for trying things out
#   snakemake --profile profiles/slurm                   on a SLURM cluster
from synthvol.config import coerce_scalars, validate_params
from synthvol.errors import ConfigError


configfile: "params.yaml"


# Nested `--config 'section={key: value}'` values arrive as text: type them, then validate.
_params = coerce_scalars(config)
config.clear()
config.update(_params)
try:
    validate_params(config)
except ConfigError as exc:
    raise WorkflowError(str(exc)) from None


# Each part's rule file appends the HTML fragment its report rule writes.
REPORT_SECTIONS = []


include: "workflow/rules/common.smk"
include: "workflow/rules/data.smk"
include: "workflow/rules/baselines.smk"
include: "workflow/rules/generators.smk"
include: "workflow/rules/evaluation.smk"
include: "workflow/rules/sv.smk"
include: "workflow/rules/forecast.smk"
include: "workflow/rules/report.smk"


rule all:
    default_target: True
    input:
        "results/report.html",
        "results/metrics.json",
        rules.generators.input,


rule metrics:
    input:
        scores=rules.compare_sources.output.scores,
        sv_inefficiency=rules.sv_aggregate.output.table2,
        forecast_accuracy=rules.forecast_accuracy.output[0],
    output:
        "results/metrics.json",
    log:
        "logs/metrics.log",
    benchmark:
        "logs/benchmarks/metrics.tsv"
    conda:
        "workflow/envs/synthvol.yaml"
    threads: 1
    resources:
        **grow("metrics"),
    script:
        "workflow/scripts/write_metrics.py"


# Keep DVC in sync: a finished default run with params.yaml's own params is committed to DVC
# (dvc.yaml regenerated, dvc.lock written); other runs say in the log that DVC records nothing.
onsuccess:
    from pathlib import Path

    from snakemake.logging import logger

    from synthvol.dvcgen import sync_after_run

    logger.info(sync_after_run(config, workflow.dag_settings.targets, Path(workflow.basedir)))
