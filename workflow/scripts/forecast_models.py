"""Snakemake adapter: fit growth curves and adaptive methods, forecast, test adequacy."""

from synthvol.forecast.study import run_models
from synthvol.workflow import run_rule


def main(smk):
    run_models(smk.input.prices, dict(smk.params.forecast), dict(smk.output))


run_rule(main, snakemake)  # noqa: F821
