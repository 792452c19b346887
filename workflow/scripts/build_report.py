"""Snakemake adapter: render the parts' section data into results/report.html (and its data)."""

from synthvol.report.render import write_report
from synthvol.workflow import run_rule


def main(smk):
    write_report(list(smk.input.sections), smk.output.html, smk.output.data,
                 params=smk.params.study, configfiles=smk.params.configfiles,
                 overrides=smk.params.overrides, benchmark_dir=smk.params.benchmarks)


run_rule(main, snakemake)  # noqa: F821
