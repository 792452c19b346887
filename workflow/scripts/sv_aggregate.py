"""Snakemake adapter: SV study Tables 1-4 and Figures 1-2 from the chunk outputs."""
from synthvol.sv.design import SchemeStudy
from synthvol.sv.study import aggregate_study
from synthvol.workflow import run_rule


def main(smk):
    aggregate_study(SchemeStudy.from_params(smk.params.sv), list(smk.input.summaries),
                    list(smk.input.arrays), dict(smk.output))


run_rule(main, snakemake)  # noqa: F821
