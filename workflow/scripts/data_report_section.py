"""Snakemake adapter: the data section of the report."""

from synthvol.data.report import write_data_section
from synthvol.workflow import run_rule


def main(smk):
    write_data_section(smk.input.returns, smk.input.train, smk.input.test, smk.input.summary,
                       smk.output.series, smk.output.hist, smk.output.summary,
                       smk.output.section)


run_rule(main, snakemake)  # noqa: F821
