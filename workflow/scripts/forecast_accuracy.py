"""Snakemake adapter: accuracy of every model on the held-out tail, ranked."""

from synthvol.forecast.study import write_accuracy
from synthvol.workflow import run_rule


def main(smk):
    write_accuracy(smk.input.forecasts, smk.input.fits, smk.input.adequacy, smk.output[0])


run_rule(main, snakemake)  # noqa: F821
