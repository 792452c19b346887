"""Snakemake adapter: fit the SV model to the prepared returns, compare with GARCH(1,1)."""
from synthvol.sv.design import SVDesign
from synthvol.sv.real import fit_real_data
from synthvol.workflow import run_rule


def main(smk):
    fit_real_data(smk.input.returns, smk.input.garch, SVDesign.from_params(smk.params.sv),
                  smk.params.seed, smk.output.path, smk.output.summary, smk.output.figure)


run_rule(main, snakemake)  # noqa: F821
