"""Snakemake adapter: rolling-origin forecasts and accuracy of every model."""

from synthvol.forecast.study import run_rolling
from synthvol.workflow import run_rule


def main(smk):
    run_rolling(smk.input.series, dict(smk.params.forecast), dict(smk.output))


run_rule(main, snakemake)  # noqa: F821
