"""Snakemake adapter: the K* = t_alpha K table of the linear and parabolic trends."""

from synthvol.forecast.study import write_kstar
from synthvol.workflow import run_rule


def main(smk):
    write_kstar(dict(smk.params.kstar), smk.output[0])


run_rule(main, snakemake)  # noqa: F821
