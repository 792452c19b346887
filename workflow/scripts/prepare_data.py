"""Snakemake adapter: load and validate the price series, write the prepared data."""

from synthvol.data.pipeline import write_prepared
from synthvol.workflow import run_rule


def main(smk):
    write_prepared(smk.params.data, smk.params.seed, dict(smk.output))


run_rule(main, snakemake)  # noqa: F821
