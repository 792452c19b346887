"""Snakemake adapter: the rolling-origin accuracy figure (MASE by horizon, coverage)."""

from synthvol.forecast.figures import write_rolling_figure
from synthvol.workflow import run_rule


def main(smk):
    write_rolling_figure(smk.input.accuracy, list(smk.params.coverage_levels), smk.output[0])


run_rule(main, snakemake)  # noqa: F821
