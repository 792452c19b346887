"""Snakemake adapter: fit/forecast and residual-diagnostics figures of one model."""

from synthvol.forecast.figures import write_model_figures
from synthvol.workflow import run_rule


def main(smk):
    write_model_figures(smk.input.series, smk.input.fitted, smk.input.forecasts,
                        smk.wildcards.model, float(smk.params.confidence),
                        smk.output.fit, smk.output.residuals)


run_rule(main, snakemake)  # noqa: F821
