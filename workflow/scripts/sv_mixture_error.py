"""Snakemake adapter: the mixture approximation's error (V's draws re-weighted to exact)."""
from synthvol.sv.design import MixtureErrorStudy
from synthvol.sv.mixture_error import mixture_error
from synthvol.workflow import run_rule


def main(smk):
    mixture_error(MixtureErrorStudy.from_params(smk.params.sv), smk.params.seed,
                  smk.output[0])


run_rule(main, snakemake)  # noqa: F821
