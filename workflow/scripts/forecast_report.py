"""Snakemake adapter: the forecast-adequacy report section."""

from synthvol.forecast.report import write_forecast_section
from synthvol.workflow import run_rule


def main(smk):
    write_forecast_section(smk.input.accuracy, smk.input.rolling, smk.input.rolling_png,
                           smk.input.adequacy, smk.input.fits, smk.input.series,
                           smk.input.kstar, list(smk.input.fit_pngs),
                           list(smk.input.residual_pngs), dict(smk.params.forecast),
                           smk.output[0])


run_rule(main, snakemake)  # noqa: F821
