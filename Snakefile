# synthvol: one Snakemake DAG for the whole study.
#   snakemake --cores 8                                  default study
#   snakemake --cores 2 --configfile config/quick.yaml   quick size for trying things out
#   snakemake --profile profiles/slurm                   on a SLURM cluster
import sys

from snakemake.utils import min_version

from synthvol.config import check_sources, coerce_scalars, command_line_config, validate_params
from synthvol.data import source_files
from synthvol.errors import OutputError, SynthvolError
from synthvol.io import check_writable

min_version("9.0")


configfile: "params.yaml"


# Before any job: every parameters file and --config entry is read strictly (no YAML
# aliases, no key given twice), nested `--config 'section={key: value}'` text gets its YAML
# types, the whole is validated, and the CSV named by data.source (the input of
# prepare_data: editing it reruns the study from there) must be a file. A bad parameter is
# one `error:` line and exit status 1 (a WorkflowError would print Snakemake's multi-line
# block around it).
try:
    check_sources(workflow.configfiles, command_line_config(sys.argv[1:]))
    _params = coerce_scalars(config)
    validate_params(_params)
    PRICE_SOURCE = source_files(_params["data"]["source"])
except SynthvolError as exc:
    print(f"error: {exc}", file=sys.stderr)
    sys.exit(1)
config.clear()
config.update(_params)


# Each part's rule file appends the section data (JSON) its report rule writes.
REPORT_SECTIONS = []


include: "workflow/rules/common.smk"
include: "workflow/rules/data.smk"
include: "workflow/rules/baselines.smk"
include: "workflow/rules/generators.smk"
include: "workflow/rules/evaluation.smk"
include: "workflow/rules/sv.smk"
include: "workflow/rules/forecast.smk"
include: "workflow/rules/report.smk"


# A folder the study writes that the system refuses (read-only, no permission): one line
# now, not Snakemake's traceback when it prepares the first job there.
try:
    check_writable([".snakemake"], depth=1)  # not its conda environments
    check_writable(["logs", PREPARED, RESULTS])
except OutputError as exc:
    print(f"error: {exc}", file=sys.stderr)
    sys.exit(1)


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
