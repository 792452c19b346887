"""Snakemake adapter: the report section comparing generators, baselines and real data."""

from synthvol.evaluation.report import write_section
from synthvol.workflow import run_rule


def main(smk):
    write_section({key: smk.input[key] for key in smk.params.tables},
                  {key: smk.input[key] for key in smk.params.figures},
                  smk.params.evaluation, smk.params.window_length, smk.output[0])


run_rule(main, snakemake)  # noqa: F821
