"""Snakemake adapter: the baselines section of the report."""

from synthvol.baselines.report import write_baselines_section
from synthvol.workflow import run_rule


def main(smk):
    figures = {k: smk.output[k] for k in ("forecasts", "paths", "volatility")}
    tables = {k: smk.output[f"{k}_table"] for k in ("fits", "coverage", "path_volatility")}
    write_baselines_section(smk.params.names, smk.input.fits, smk.input.forecasts,
                            smk.input.samples, smk.input.test, smk.input.returns,
                            smk.input.volatility, figures, tables, smk.output.section)


run_rule(main, snakemake)  # noqa: F821
