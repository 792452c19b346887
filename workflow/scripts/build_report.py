"""Snakemake adapter: join the parts' sections into results/report.html."""

from synthvol.report.build import write_report
from synthvol.workflow import run_rule


def main(smk):
    write_report(list(smk.input.sections), smk.output[0], params=smk.params.study,
                 configfiles=smk.params.configfiles, overrides=smk.params.overrides,
                 benchmark_dir=smk.params.benchmarks)


run_rule(main, snakemake)  # noqa: F821
