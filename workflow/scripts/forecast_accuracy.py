"""Snakemake adapter: accuracy of every model, single origin and rolling, ranked."""

from synthvol.forecast.study import write_accuracy
from synthvol.workflow import run_rule


def main(smk):
    write_accuracy(smk.input.forecasts, smk.input.fits, smk.input.adequacy, smk.input.rolling,
                   [float(c) for c in smk.params.coverage_levels], smk.output[0])


run_rule(main, snakemake)  # noqa: F821
