"""Snakemake adapter: the headline numbers for `dvc metrics show`."""

from synthvol.metrics import write_metrics
from synthvol.workflow import run_rule


def main(smk):
    write_metrics(smk.input.scores, smk.input.sv_inefficiency, smk.input.forecast_accuracy,
                  smk.output[0])


run_rule(main, snakemake)  # noqa: F821
