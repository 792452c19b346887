"""Snakemake adapter: run one SV scheme on one setting's replications of this job."""
from synthvol.sv.design import MonteCarlo
from synthvol.sv.study import run_chunk
from synthvol.workflow import run_rule


def main(smk):
    run_chunk(MonteCarlo.from_params(smk.params.sv), smk.params.seed, smk.wildcards.scheme,
              smk.wildcards.setting, smk.params.replications, smk.output.summaries,
              smk.output.arrays)


run_rule(main, snakemake)  # noqa: F821
